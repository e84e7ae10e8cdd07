//! Story pages: the stories of a `kind = "page"` source's list page, and the page of one story
//! (of a page source, or of a feed source with `full_text = true`) fetched and read
//! (`extract::merged` merges it into what the list or feed said).
//!
//! Extraction is CPU work and the parsed page is not `Send`: it runs in `spawn_blocking`, and
//! nothing parsed lives across an `.await`. Pages are fetched one after another within a source
//! (the run already works on several sources at once).
//!
//! Must not: decide identity or store anything; `read` and `identity` do, with what this
//! returns.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use url::Url;

use crate::config::{ArticleRule, ListRule, SourceRule};
use crate::decode::decode;
use crate::extract::{Article, ExtractError, PageContext, ZoneChoice, read_article, read_list};
use crate::fetch::{FetchError, Fetched, Fetcher};
use crate::model::{RawItem, SourceKind, Validators};

/// Why a story's page gave no story.
#[derive(Debug, thiserror::Error)]
pub enum StoryError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error("{url}: the page could not be read: {reason}")]
    Task { url: String, reason: String },
}

/// Whether the stories of this source are read from their own pages.
pub fn reads_pages(rule: &SourceRule) -> bool {
    rule.kind == SourceKind::Page || rule.article.as_ref().is_some_and(|a| a.full_text)
}

/// The stories a list page shows, with absolute links.
pub async fn list_stories(
    html: String,
    base: &Url,
    rule: &ListRule,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<RawItem>, StoryError> {
    let (task_base, rule) = (base.clone(), rule.clone());
    tokio::task::spawn_blocking(move || read_list(&html, &task_base, &rule, tz, now))
        .await
        .map_err(|e| StoryError::Task {
            url: base.to_string(),
            reason: e.to_string(),
        })?
        .map_err(StoryError::from)
}

/// Fetches one story page and reads it with the source's article rule and encoding; the
/// article and the page's final URL (after redirects).
pub async fn fetch_article(
    fetcher: &Fetcher,
    url: &Url,
    rule: &SourceRule,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<(Article, Url), StoryError> {
    let body = match fetcher.get(url, &Validators::default()).await? {
        Fetched::Body(body) => body,
        Fetched::NotModified { final_url, .. } => {
            return Err(StoryError::Task {
                url: final_url.to_string(),
                reason: "HTTP 304 to an unconditional request".to_owned(),
            });
        }
    };
    let article_rule: Option<ArticleRule> = rule.article.as_deref().cloned();
    let encoding = rule.encoding;
    let final_url = body.final_url.clone();
    let article = tokio::task::spawn_blocking(move || {
        let decoded = decode(&body.bytes, body.content_type.as_deref(), encoding);
        let page = PageContext {
            url: &body.final_url,
            rule: article_rule.as_ref(),
            zone: ZoneChoice::Given(tz),
            now,
        };
        read_article(&decoded.text, &page)
    })
    .await
    .map_err(|e| StoryError::Task {
        url: final_url.to_string(),
        reason: e.to_string(),
    })??;
    Ok((article, final_url))
}
