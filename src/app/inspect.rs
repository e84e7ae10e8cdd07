//! `beatwire parse`: feed documents on disk, read the way the pipeline reads them (decode, then
//! parse), shown as the JSON of DESIGN.md's CLI contract.
//!
//! Must not: write anything; a broken document is an `error` on its own line, not a stop.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::decode::decode;
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
