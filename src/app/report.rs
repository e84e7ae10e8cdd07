//! The run report: what happened to each source, in the shape `run --json` prints
//! (DESIGN.md's CLI contract), and the one line per failing source that cron mails.
//!
//! Must not: decide anything; it records and renders.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::dedup::Change;
use crate::model::ErrorClass;
pub use crate::model::SourceStatus;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceReport {
    pub id: Box<str>,
    /// The source's URL, kept for a failed source only, whose failure line names it: a run of
    /// 100,000 sources keeps every report to its end, and most need none.
    #[serde(skip)]
    pub url: Option<Box<str>>,
    pub status: SourceStatus,
    pub error: Option<Box<str>>,
    /// What kind of failure `error` is (see [`ErrorClass`]); also set when a source was
    /// skipped for a reason (gone, or its host asked to wait).
    pub error_class: Option<ErrorClass>,
    pub new: u32,
    pub updated: u32,
    pub duplicates: u32,
    pub filtered: u32,
    pub http_status: Option<u16>,
    /// Where the source's URL moved for good (301 / 308): update the config.
    pub moved_to: Option<Box<str>>,
    /// Empty when the document read this run parsed as written (or none was read); else the
    /// feed was read only after repairs, one line per kind (`escaped 3 bare '&'`, `dropped 1
    /// incomplete items (broken or truncated)`): its publisher should fix it.
    pub repairs: Box<[String]>,
}

impl SourceReport {
    pub fn new(id: &str, status: SourceStatus) -> SourceReport {
        SourceReport {
            id: id.into(),
            url: None,
            status,
            error: None,
            error_class: None,
            new: 0,
            updated: 0,
            duplicates: 0,
            filtered: 0,
            http_status: None,
            moved_to: None,
            repairs: Box::default(),
        }
    }

    /// Counts what committing the source's stories did.
    pub fn count(&mut self, changes: &[Change]) {
        for change in changes {
            match change {
                Change::New => self.new += 1,
                Change::Updated { .. } => self.updated += 1,
                Change::DuplicateOf { .. } => self.duplicates += 1,
                Change::Same { .. } | Change::Gone { .. } => {}
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedReport {
    pub items: usize,
    /// The path of `feed.xml`.
    pub path: PathBuf,
    /// Every output written: `feed.xml`, `atom.xml`, `feed.json`, `index.html`, then
    /// `category/<slug>.xml` in config order.
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    pub sources: Vec<SourceReport>,
    pub published: Option<PublishedReport>,
}

impl RunReport {
    pub fn failed(&self) -> impl Iterator<Item = &SourceReport> {
        self.sources
            .iter()
            .filter(|s| s.status == SourceStatus::Failed)
    }

    pub fn any_failed(&self) -> bool {
        self.failed().next().is_some()
    }

    /// One line per failing source, naming the source and its URL: what cron mails.
    pub fn failure_lines(&self) -> Vec<String> {
        self.failed()
            .map(|s| {
                let error = s.error.as_deref().unwrap_or("failed");
                let url = s.url.as_deref().unwrap_or_default();
                // Errors name their URL; said once is enough when it is the source's own.
                let error = error
                    .strip_prefix(url)
                    .and_then(|rest| rest.strip_prefix(": "))
                    .unwrap_or(error);
                // A broken source answers well; the class says why it is a failure at all.
                let class = match s.error_class {
                    Some(ErrorClass::Broken) => "broken: ",
                    _ => "",
                };
                format!("source {} ({url}): {class}{error}", s.id)
            })
            .collect()
    }

    /// "3 sources: 2 ok, 1 failed; 12 new, 1 updated; 40 stories in feed.xml"
    pub fn summary_line(&self) -> String {
        let count = |status| self.sources.iter().filter(|s| s.status == status).count();
        let total = |count: fn(&SourceReport) -> u32| -> u64 {
            self.sources.iter().map(|s| u64::from(count(s))).sum()
        };
        let (new, updated, filtered) = (
            total(|s| s.new),
            total(|s| s.updated),
            total(|s| s.filtered),
        );
        let mut line = format!(
            "{} sources: {} ok, {} not modified, {} skipped, {} failed; {new} new, {updated} updated, {filtered} filtered out",
            self.sources.len(),
            count(SourceStatus::Ok),
            count(SourceStatus::NotModified),
            count(SourceStatus::Skipped),
            count(SourceStatus::Failed),
        );
        if let Some(published) = &self.published {
            line.push_str(&format!(
                "; {} stories in {}",
                published.items,
                published.path.display()
            ));
        }
        line
    }
}
