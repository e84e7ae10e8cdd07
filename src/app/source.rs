//! One source, one pass in a run: is it due → fetch with the source's validators → the read
//! phase (`read`, shared with `try`) → commit (`identity::apply` through the run's one
//! [`Writer`]) → the source's report folded from what commit did, and its state (validators,
//! schedule, failures, the repairs its document needed) updated whatever happened.
//!
//! Must not: publish, or let one source's failure escape into another's; every error ends as
//! this source's `SourceReport`.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use url::Url;

use super::alarm::{self, Found};
use super::flush::GroupFlush;
use super::identity::{self, Writer};
use super::page;
use super::read::{self, Document, Read, ReadError, Reader};
use super::report::{SourceReport, SourceStatus};
use crate::config::SourceRule;
use crate::extract::ExtractError;
use crate::fetch::{FetchError, Fetched, Fetcher};
use crate::filter::BeatFilter;
use crate::model::{ErrorClass, SourceKind, SourceState};
use crate::normalise::content_hash;
use crate::parse::ParseError;
use crate::schedule;
use crate::store::{SharedStore, StoreError};

/// What the source passes of one run share.
#[derive(Debug)]
pub struct Run {
    pub store: SharedStore,
    /// The one write path: sources read in parallel and commit one at a time.
    pub writer: Mutex<Writer>,
    pub fetcher: Fetcher,
    pub filter: BeatFilter,
    /// The beat's zone, for sources without their own.
    pub timezone: Tz,
    pub every: std::time::Duration,
    pub force: bool,
    pub now: DateTime<Utc>,
    /// Makes each pass's writes durable before the pass reports.
    pub flushes: GroupFlush,
}

#[derive(Debug, thiserror::Error)]
enum SourceError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{url}: {source}")]
    Parse { url: String, source: ParseError },
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Page(page::StoryError),
    #[error("none of the {count} new stories could be read; first: {first}")]
    Stories { count: usize, first: String },
    /// See `alarm`: it found stories before and finds none now.
    #[error("{0}")]
    Broken(String),
    #[error("the stories could not be stored: {0}")]
    Commit(String),
}

impl SourceError {
    fn class(&self) -> ErrorClass {
        match self {
            SourceError::Fetch(e) => e.class(),
            SourceError::Parse { source, .. } => match source {
                ParseError::Empty => ErrorClass::Empty,
                ParseError::Html => ErrorClass::Html,
                ParseError::NotAFeed { .. } | ParseError::Malformed(_) => ErrorClass::NotAFeed,
            },
            SourceError::Store(_) | SourceError::Commit(_) => ErrorClass::Store,
            SourceError::Page(page::StoryError::Fetch(e)) => e.class(),
            SourceError::Page(_) | SourceError::Stories { .. } => ErrorClass::Extract,
            SourceError::Broken(_) => ErrorClass::Broken,
        }
    }

    fn failure(&self) -> schedule::Failure {
        schedule::Failure {
            message: self.to_string(),
            class: self.class(),
            retry_after: match self {
                SourceError::Fetch(e) => e.retry_after(),
                _ => None,
            },
        }
    }
}

/// How a source pass ended when it did not fail.
struct Outcome {
    report: SourceReport,
    freshness: schedule::Freshness,
    /// Stories were stored, but an article selector matched nothing on every page read.
    broken: Option<String>,
}

impl Outcome {
    fn of(report: SourceReport, freshness: schedule::Freshness) -> Outcome {
        Outcome {
            report,
            freshness,
            broken: None,
        }
    }
}

/// Reads the source's state: `Ok` when the source is due (or forced), with the state its pass
/// starts from; `Err` with the source's report when there is nothing to fetch (not due, gone,
/// or the state could not be read). Cheap and synchronous, so a run decides this before the
/// source takes a place among the passes running.
// The large variant is the common one, and short-lived: boxing it would cost an allocation.
#[allow(clippy::result_large_err)]
pub fn prepare(rule: &SourceRule, run: &Run) -> Result<SourceState, SourceReport> {
    let state = match run.store.source_state(&rule.id) {
        Ok(state) => state,
        Err(e) => return Err(failed(rule, e.to_string(), None)),
    };
    if !run.force && !schedule::is_due(&state, rule.fingerprint.as_str(), run.now) {
        tracing::debug!(source = %rule.id, "not due");
        let mut report = SourceReport::new(&rule.id, SourceStatus::Skipped);
        report.moved_to = state.moved_to.map(String::into_boxed_str);
        if let Some(since) = state.gone_since {
            report.error = Some(
                format!(
                    "gone since {} (HTTP 410): edit or remove it in the config",
                    since.format("%Y-%m-%d %H:%M UTC")
                )
                .into(),
            );
            report.error_class = Some(ErrorClass::Gone);
        }
        return Err(report);
    }
    Ok(state)
}

/// Runs one due source from its `state` (see [`prepare`]) and records the result in the
/// store's source state.
#[tracing::instrument(level = "info", skip_all, fields(source = %rule.id))]
pub async fn process(rule: &SourceRule, mut state: SourceState, run: &Arc<Run>) -> SourceReport {
    let url = rule.url.as_str();
    // An edited source is fetched afresh: old validators would hide the change.
    if state.config_hash.as_deref() != Some(rule.fingerprint.as_str()) {
        state.validators = Default::default();
        state.body_hash = None;
        state.moved_to = None;
        state.gone_since = None;
    }
    let every = rule.every_or(run.every);
    state.last_fetch = Some(run.now);
    let mut repairs = None;
    let result = pass(rule, run, &mut state, &mut repairs).await;
    let mut report = match result {
        Ok(Outcome {
            report,
            broken: Some(message),
            ..
        }) => {
            state.stories += u64::from(report.new);
            tracing::warn!(source = %rule.id, url, error = %message, "source broken");
            alarm::report_broken(&mut state, &rule.id, run.now, every, report, message)
        }
        Ok(outcome) => {
            schedule::record_success(&mut state, run.now, every, outcome.freshness);
            state.stories += u64::from(outcome.report.new);
            outcome.report
        }
        Err(error) => {
            let http_status = match &error {
                SourceError::Fetch(e) => e.http_status(),
                _ => None,
            };
            let failure = error.failure();
            if failure.class == ErrorClass::Broken {
                alarm::forget_body(&mut state);
            }
            schedule::record_failure(&mut state, &rule.id, run.now, every, &failure);
            let mut report = failed(rule, failure.message, http_status);
            report.error_class = Some(failure.class);
            if failure.class == ErrorClass::Postponed {
                tracing::info!(source = %rule.id, url, error = %error, "postponed");
                report.status = SourceStatus::Skipped;
            } else {
                tracing::warn!(source = %rule.id, url, error = %error, "source failed");
            }
            report
        }
    };
    report.moved_to = state.moved_to.as_deref().map(Box::from);
    // A document read this run replaces what the last one needed; without one, it stands.
    if let Some(repairs) = repairs {
        state.repairs.clone_from(&repairs);
        report.repairs = repairs.into_boxed_slice();
    }
    // Whatever the outcome: the schedule now belongs to this configuration.
    state.config_hash = Some(rule.fingerprint.to_string());
    if let Err(e) = run.store.set_source_state(&rule.id, &state) {
        return failed(rule, format!("cannot record the source's state: {e}"), None);
    }
    report
}

/// `error`, or the broken-source alarm when the source found stories before.
fn broken_or(found: Option<Found>, error: SourceError, tz: Tz) -> SourceError {
    match found {
        Some(found) => SourceError::Broken(found.alarm(&error.to_string(), tz)),
        None => error,
    }
}

fn failed(rule: &SourceRule, error: String, http_status: Option<u16>) -> SourceReport {
    SourceReport {
        error: Some(error.into()),
        http_status,
        ..SourceReport::new(&rule.id, SourceStatus::Failed)
    }
}

/// One pass; `repairs` is set when a new document is read: what it had to be repaired of.
async fn pass(
    rule: &SourceRule,
    run: &Arc<Run>,
    state: &mut SourceState,
    repairs: &mut Option<Vec<String>>,
) -> Result<Outcome, SourceError> {
    let mut report = SourceReport::new(&rule.id, SourceStatus::Ok);
    let fetched = run
        .fetcher
        .get(&fetch_url(rule, state), &state.validators)
        .await?;
    if let Some(moved_to) = fetched.moved_to() {
        tracing::info!(source = %rule.id, url = %rule.url, %moved_to, "moved permanently");
        state.moved_to = Some(moved_to.to_string());
    }
    let mut freshness = schedule::Freshness {
        max_age: fetched.max_age(),
        ..Default::default()
    };
    let body = match fetched {
        Fetched::NotModified { .. } => {
            report.status = SourceStatus::NotModified;
            report.http_status = Some(304);
            return Ok(Outcome::of(report, freshness));
        }
        Fetched::Body(body) => body,
    };
    report.http_status = Some(body.status);
    state.validators = body.validators.clone();
    // The bytes, not a decoding of them: a lossy decoding of GBK would make two different
    // Chinese texts equal.
    let body_hash = content_hash(&[&body.bytes[..]]);
    if state.body_hash.as_deref() == Some(body_hash.as_str()) {
        report.status = SourceStatus::NotModified;
        return Ok(Outcome::of(report, freshness));
    }
    *repairs = Some(Vec::new());

    let tz = rule.timezone_or(run.timezone);
    let found = Found::before(state);
    let reader = Reader {
        rule,
        fetcher: &run.fetcher,
        filter: &run.filter,
        tz,
        now: run.now,
        store: Some(run.store.as_ref()),
        pages: usize::MAX,
    };
    let document = Document {
        bytes: &body.bytes,
        content_type: body.content_type.as_deref(),
        url: &body.final_url,
    };
    let read = read::read(&reader, document).await.map_err(|e| match e {
        ReadError::List(
            e @ page::StoryError::Extract(
                ExtractError::NoListItems { .. } | ExtractError::NoListLinks { .. },
            ),
        ) => broken_or(found, SourceError::Page(e), tz),
        ReadError::List(e) => SourceError::Page(e),
        ReadError::Parse { url, source } => SourceError::Parse { url, source },
        ReadError::Store(e) => SourceError::Store(e),
    })?;
    if !read.repairs.is_empty() {
        tracing::warn!(
            source = %rule.id,
            url = %body.final_url,
            repairs = %read.repairs.join("; "),
            "feed read only after repairs"
        );
        *repairs = Some(read.repairs.clone());
    }
    let is_feed = !(rule.kind == SourceKind::Page && rule.list.is_some());
    if let (true, true, Some(found)) = (read.listed == 0, is_feed, found) {
        let what = format!("{}: the feed has no items", body.final_url);
        return Err(SourceError::Broken(found.alarm(&what, tz)));
    }
    let listed = read.listed;
    let unread = read.unread();
    let page_warnings = read.page_warnings();
    report.filtered = u32::try_from(read.filtered()).unwrap_or(u32::MAX);
    freshness.feed_ttl = read
        .ttl
        .map(|minutes| std::time::Duration::from_secs(u64::from(minutes) * 60));
    commit(run, &rule.id, read, &mut report).await?;
    if let Some(first) = unread.first() {
        let read = report.new + report.updated + report.filtered + report.duplicates;
        if read == 0 && rule.kind == SourceKind::Page {
            let error = SourceError::Stories {
                count: unread.len(),
                first: first.clone(),
            };
            return Err(broken_or(found, error, tz));
        }
        report.error =
            Some(format!("{} story page(s) not read, first: {first}", unread.len()).into());
    } else {
        // With stories left unread, the same list page must be read again next time.
        state.body_hash = Some(body_hash);
    }
    alarm::record_found(state, listed, run.now);
    let broken = alarm::selectors_missed_everywhere(&page_warnings)
        .map(|missed| found.map_or_else(|| missed.clone(), |f| f.alarm(&missed, tz)));
    Ok(Outcome {
        broken,
        ..Outcome::of(report, freshness)
    })
}

/// The commit phase: the stories kept go through the run's one writer, on a blocking thread
/// (waiting for the writer and writing to the store block; the other sources' requests go on
/// being answered meanwhile), and the report counts what was done.
///
/// Nothing is flushed here: the task running this pass flushes when it ends, in one flush
/// shared with the passes that end at the same time (a flush each cost more than parsing).
async fn commit(
    run: &Arc<Run>,
    source: &str,
    read: Read,
    report: &mut SourceReport,
) -> Result<(), SourceError> {
    let guids = read.guids;
    let stories = read.kept();
    if stories.is_empty() && !guids.judged_unstable {
        return Ok(());
    }
    let (task, source) = (Arc::clone(run), source.to_owned());
    let changes = tokio::task::spawn_blocking(move || {
        let mut writer = task
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        identity::apply(&mut writer, &source, guids, stories, task.now)
    })
    .await
    .map_err(|e| SourceError::Commit(e.to_string()))??;
    report.count(&changes);
    Ok(())
}

/// Where to fetch the source: where it moved for good (a remembered 301), else its `url`.
pub(crate) fn fetch_url(rule: &SourceRule, state: &SourceState) -> Url {
    state
        .moved_to
        .as_deref()
        .and_then(|moved| Url::parse(moved).ok())
        .unwrap_or_else(|| rule.url.clone())
}
