//! `beatwire parse` and `beatwire extract`: feed documents and article pages, read the way the
//! pipeline reads them (decode, then parse or extract, then sanitize), shown as the JSON of
//! DESIGN.md's CLI contract.
//!
//! Must not: write anything; a broken document is an `error` on its own line, not a stop.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use encoding_rs::Encoding;
use url::Url;

use crate::config::ArticleRule;
use crate::decode::decode;
use crate::extract::{PageContext, Rules, ZoneChoice, read_article};
use crate::fetch::{Fetched, Fetcher};
use crate::model::Validators;
use crate::normalise::sanitize;
use crate::parse::{FeedFormat, parse_feed};

/// One document's result, as printed by `parse --json`.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedFile {
    pub file: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<FeedFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// True when the document was read only after repairs (`warnings` says which).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lenient: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ParsedEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParsedEntry {
    pub id: Option<String>,
    pub title: Option<String>,
    pub link: Option<String>,
    /// RFC 3339 with the offset of the zone asked for.
    pub published: Option<String>,
    pub author: Vec<String>,
    pub summary: Option<String>,
    pub content: Option<String>,
}

/// Reads one feed document from disk.
pub fn parse_file(path: &Path, tz: Tz, now: DateTime<Utc>) -> ParsedFile {
    let mut result = ParsedFile {
        file: path.to_owned(),
        error: None,
        format: None,
        encoding: None,
        title: None,
        link: None,
        lenient: false,
        warnings: Vec::new(),
        items: Vec::new(),
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            result.error = Some(format!("cannot read {}: {e}", path.display()));
            return result;
        }
    };
    let decoded = decode(&bytes, None, None);
    result.encoding = Some(decoded.encoding.name());
    match parse_feed(&decoded.text, None, tz, now) {
        Ok(feed) => {
            result.format = Some(feed.format);
            result.title = feed.title;
            result.link = feed.link;
            result.lenient = !feed.lenient.is_empty();
            result.warnings = feed.lenient;
            result.items = feed
                .items
                .into_iter()
                .map(|item| ParsedEntry {
                    id: item.guid,
                    title: item.title,
                    link: item.link,
                    published: item.published.map(|at| at.with_timezone(&tz).to_rfc3339()),
                    author: item.authors,
                    summary: item.summary,
                    content: item.content,
                })
                .collect();
        }
        Err(e) => result.error = Some(format!("{}: {e}", path.display())),
    }
    result
}

/// One page's result, as printed by `extract --json`: the fields of DESIGN.md's contract, the
/// rule behind each, and `file`; or `file` and `error`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractedPage {
    /// The input as given (a path or a URL).
    pub file: String,
    #[serde(flatten)]
    pub outcome: PageOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PageOutcome {
    Read(Box<PageFields>),
    Failed { error: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageFields {
    /// The URL links were resolved against.
    pub url: String,
    pub encoding: &'static str,
    pub title: Option<String>,
    /// RFC 3339 with the offset of the zone asked for, else of the page's own zone.
    pub published: Option<String>,
    pub author: Vec<String>,
    pub outlet: Option<String>,
    pub section: Option<String>,
    pub body_text: String,
    /// Sanitized, with absolute URLs.
    pub body_html: String,
    pub lead_image: Option<String>,
    pub rules: Rules,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// How to read pages for `extract`: a source's article rule, encoding and zone, or defaults.
#[derive(Debug, Clone, Copy)]
pub struct PageReading<'a> {
    pub rule: Option<&'a ArticleRule>,
    pub encoding: Option<&'static Encoding>,
    /// The source's zone (or the one asked for), else the page's own.
    pub zone: ZoneChoice,
    pub now: DateTime<Utc>,
}

/// Reads one article page from its bytes the way the pipeline does (decode, extract, then
/// sanitize last), for `beatwire extract`.
pub fn extract_page(
    input: &str,
    bytes: &[u8],
    content_type: Option<&str>,
    base: &Url,
    reading: &PageReading<'_>,
) -> ExtractedPage {
    let decoded = decode(bytes, content_type, reading.encoding);
    let page = PageContext {
        url: base,
        rule: reading.rule,
        zone: reading.zone,
        now: reading.now,
    };
    let outcome = match read_article(&decoded.text, &page) {
        Ok(article) => {
            let body_html = sanitize(&article.body_html, base);
            PageOutcome::Read(Box::new(PageFields {
                url: base.to_string(),
                encoding: decoded.encoding.name(),
                title: article.title,
                published: article
                    .published
                    .map(|at| at.with_timezone(&article.zone).to_rfc3339()),
                author: article.authors,
                outlet: article.outlet,
                section: article.section,
                body_text: article.body_text,
                body_html,
                lead_image: article.lead_image,
                rules: article.rules,
                warnings: article.warnings,
            }))
        }
        Err(error) => PageOutcome::Failed {
            error: error.to_string(),
        },
    };
    ExtractedPage {
        file: input.to_owned(),
        outcome,
    }
}

/// Reads one `extract` input: an `http(s)` URL is fetched, anything else is a file (its links
/// resolve against `base`, else against its own `file:` URL).
pub async fn extract_input(
    input: &str,
    base: Option<&Url>,
    fetcher: &Fetcher,
    reading: &PageReading<'_>,
) -> ExtractedPage {
    let failed = |error: String| ExtractedPage {
        file: input.to_owned(),
        outcome: PageOutcome::Failed { error },
    };
    match Url::parse(input) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => {
            match fetcher.get(&url, &Validators::default()).await {
                Ok(Fetched::Body(body)) => extract_page(
                    input,
                    &body.bytes,
                    body.content_type.as_deref(),
                    base.unwrap_or(&body.final_url),
                    reading,
                ),
                Ok(Fetched::NotModified { .. }) => failed(format!("{url}: HTTP 304")),
                Err(e) => failed(e.to_string()),
            }
        }
        _ => {
            let path = Path::new(input);
            match std::fs::read(path) {
                Ok(bytes) => {
                    let own = std::path::absolute(path)
                        .ok()
                        .and_then(|p| Url::from_file_path(p).ok());
                    match base.or(own.as_ref()) {
                        Some(base) => extract_page(input, &bytes, None, base, reading),
                        None => failed(format!(
                            "{input}: no URL to resolve links against; pass --url"
                        )),
                    }
                }
                Err(e) => failed(format!("cannot read {input}: {e}")),
            }
        }
    }
}
