//! Story pages: the stories of a `kind = "page"` source's list page, and the page of one story
//! (of a page source, or of a feed source with `full_text = true`) fetched, read, and merged
//! into what the list or feed said.
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
    let article_rule: Option<ArticleRule> = rule.article.clone();
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

/// What a story is once its page is read: for a page source the page's fields come first; for
/// a feed, the feed's do, and the page's body replaces the feed's (whose text stays the
/// summary).
pub(super) fn merge(raw: &RawItem, article: &Article, kind: SourceKind, url: &Url) -> RawItem {
    let mut merged = raw.clone();
    merged.link = Some(url.to_string());
    merged.content = Some(article.body_html.clone());
    match kind {
        SourceKind::Page => {
            merged.title = article.title.clone().or(merged.title);
            merged.published = article.published.or(merged.published);
            if !article.authors.is_empty() {
                merged.authors = article.authors.clone();
            }
        }
        SourceKind::Feed => {
            merged.summary = raw.summary.clone().or_else(|| raw.content.clone());
            merged.title = merged.title.or_else(|| article.title.clone());
            merged.published = merged.published.or(article.published);
            if merged.authors.is_empty() {
                merged.authors = article.authors.clone();
            }
        }
    }
    if let Some(section) = &article.section
        && !merged.categories.contains(section)
    {
        merged.categories.push(section.clone());
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Rule, Rules};

    fn article() -> Article {
        Article {
            title: Some("重庆经济协作区第二十次市长联席会在自贡召开".into()),
            published: Some(DateTime::from_timestamp(1_545_620_796, 0).unwrap()),
            authors: vec!["陈家明".into()],
            outlet: Some("四川经济日报".into()),
            section: Some("今日西南".into()),
            lead_image: None,
            body_html: "<p>正文</p>".into(),
            body_text: "正文".into(),
            rules: Rules::body_only(Rule::Generic("text and link density")),
            warnings: Vec::new(),
            zone: chrono_tz::Asia::Shanghai,
        }
    }

    #[test]
    fn a_page_story_takes_the_page_fields_and_a_feed_story_keeps_its_own() {
        let url = Url::parse("http://www.scjjrb.com/jjxz/2018-12/24/content_36551.htm").unwrap();
        let listed = RawItem {
            link: Some("2018-12/24/content_36551.htm".into()),
            title: Some("市长联席会在自贡召开".into()),
            ..Default::default()
        };
        let page = merge(&listed, &article(), SourceKind::Page, &url);
        assert_eq!(
            page.title.as_deref(),
            Some("重庆经济协作区第二十次市长联席会在自贡召开")
        );
        assert_eq!(page.link.as_deref(), Some(url.as_str()));
        assert_eq!(page.content.as_deref(), Some("<p>正文</p>"));
        assert_eq!(page.authors, vec!["陈家明"]);
        assert_eq!(page.categories, vec!["今日西南"]);

        let fed = RawItem {
            link: Some(url.to_string()),
            title: Some("联席会在自贡召开".into()),
            summary: Some("摘要".into()),
            content: Some("<p>摘要全文</p>".into()),
            authors: vec!["记者".into()],
            ..Default::default()
        };
        let feed = merge(&fed, &article(), SourceKind::Feed, &url);
        assert_eq!(feed.title.as_deref(), Some("联席会在自贡召开"));
        assert_eq!(feed.summary.as_deref(), Some("摘要"));
        assert_eq!(feed.content.as_deref(), Some("<p>正文</p>"));
        assert_eq!(feed.authors, vec!["记者"]);
        let without_summary = RawItem {
            summary: None,
            ..fed
        };
        let feed = merge(&without_summary, &article(), SourceKind::Feed, &url);
        assert_eq!(feed.summary.as_deref(), Some("<p>摘要全文</p>"));
    }
}
