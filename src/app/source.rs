//! One source, one pass: fetch → decode → parse (a feed) or list (a page) → normalise → for
//! stories read from their own page, fetch and extract the new ones → filter → classify →
//! store, and the source's state (validators, schedule, failures) updated whatever happened.
//!
//! Must not: publish, or let one source's failure escape into another's; every error ends as
//! this source's `SourceReport`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use url::Url;

use super::alarm::{self, Found};
use super::identity::{self, Identities, Story};
use super::page;
use super::report::{SourceReport, SourceStatus};
use crate::config::SourceRule;
use crate::decode::decode;
use crate::dedup::HostAliases;
use crate::extract::ExtractError;
use crate::fetch::{FetchError, Fetched, Fetcher};
use crate::filter::{BeatFilter, Verdict};
use crate::model::{ErrorClass, Outlet, SourceKind, SourceState};
use crate::normalise::content_hash;
use crate::normalise::item::{ItemContext, normalise_item};
use crate::parse::{ParseError, parse_feed};
use crate::schedule;
use crate::store::{Store, StoreError};

/// What every source of a run shares.
#[derive(Debug)]
pub struct RunContext<'a> {
    pub store: &'a Store,
    pub fetcher: &'a Fetcher,
    pub filter: &'a BeatFilter,
    pub identities: &'a Identities,
    pub timezone: Tz,
    pub every: std::time::Duration,
    pub force: bool,
    pub now: DateTime<Utc>,
    /// Held while a source stores its stories: sources run in parallel, and two of them with
    /// the same story must not both find it new.
    pub storing: &'a std::sync::Mutex<()>,
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
            SourceError::Store(_) => ErrorClass::Store,
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

/// Runs one source and records the result in the store's source state.
#[tracing::instrument(level = "info", skip_all, fields(source = %rule.id))]
pub async fn process(rule: &SourceRule, run: &RunContext<'_>) -> SourceReport {
    let url = rule.url.as_str();
    let mut state = match run.store.source_state(&rule.id) {
        Ok(state) => state,
        Err(e) => return failed(rule, e.to_string(), None),
    };
    if !run.force && !schedule::is_due(&state, &rule.fingerprint, run.now) {
        tracing::debug!(source = %rule.id, "not due");
        let mut report = SourceReport::new(&rule.id, url, SourceStatus::Skipped);
        report.moved_to = state.moved_to.clone();
        if let Some(since) = state.gone_since {
            report.error = Some(format!(
                "gone since {} (HTTP 410): edit or remove it in the config",
                since.format("%Y-%m-%d %H:%M UTC")
            ));
            report.error_class = Some(ErrorClass::Gone);
        }
        return report;
    }
    // An edited source is fetched afresh: old validators would hide the change.
    if state.config_hash.as_deref() != Some(rule.fingerprint.as_str()) {
        state.validators = Default::default();
        state.body_hash = None;
        state.moved_to = None;
        state.gone_since = None;
    }
    let every = rule.every_or(run.every);
    state.last_fetch = Some(run.now);
    let result = pass(rule, run, &mut state).await;
    let mut report = match result {
        Ok(Outcome {
            report,
            broken: Some(message),
            ..
        }) => {
            state.stories += report.new as u64;
            tracing::warn!(source = %rule.id, url, error = %message, "source broken");
            alarm::report_broken(&mut state, &rule.id, run.now, every, report, message)
        }
        Ok(outcome) => {
            schedule::record_success(&mut state, run.now, every, outcome.freshness);
            state.stories += outcome.report.new as u64;
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
    report.moved_to = state.moved_to.clone();
    // Whatever the outcome: the schedule now belongs to this configuration.
    state.config_hash = Some(rule.fingerprint.clone());
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
        error: Some(error),
        http_status,
        ..SourceReport::new(&rule.id, rule.url.as_str(), SourceStatus::Failed)
    }
}

async fn pass(
    rule: &SourceRule,
    run: &RunContext<'_>,
    state: &mut SourceState,
) -> Result<Outcome, SourceError> {
    let mut report = SourceReport::new(&rule.id, rule.url.as_str(), SourceStatus::Ok);
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
    let body_hash = content_hash(&[&String::from_utf8_lossy(&body.bytes)]);
    if state.body_hash.as_deref() == Some(body_hash.as_str()) {
        report.status = SourceStatus::NotModified;
        return Ok(Outcome::of(report, freshness));
    }

    let tz = rule.timezone_or(run.timezone);
    let found = Found::before(state);
    let decoded = decode(&body.bytes, body.content_type.as_deref(), rule.encoding);
    let (raws, ttl) = match (&rule.kind, &rule.list) {
        (SourceKind::Page, Some(list)) => {
            let raws = page::list_stories(decoded.text, &body.final_url, list, tz, run.now)
                .await
                .map_err(|e| match e {
                    page::StoryError::Extract(
                        ExtractError::NoListItems { .. } | ExtractError::NoListLinks { .. },
                    ) => broken_or(found, SourceError::Page(e), tz),
                    e => SourceError::Page(e),
                })?;
            (raws, None)
        }
        _ => {
            let feed = parse_feed(&decoded.text, Some(&body.final_url), tz, run.now).map_err(
                |source| SourceError::Parse {
                    url: body.final_url.to_string(),
                    source,
                },
            )?;
            if let (true, Some(found)) = (feed.items.is_empty(), found) {
                let what = format!("{}: the feed has no items", body.final_url);
                return Err(SourceError::Broken(found.alarm(&what, tz)));
            }
            (feed.items, feed.ttl)
        }
    };
    tracing::debug!(source = %rule.id, items = raws.len(), encoding = decoded.encoding.name(), "read");
    let listed = raws.len();

    let outlet = Outlet {
        name: rule.name.clone(),
        url: Some(rule.url.origin().ascii_serialization() + "/"),
    };
    let ctx = ItemContext {
        source: &rule.id,
        outlet: &outlet,
        base: &body.final_url,
        now: run.now,
    };
    let mut stories = Vec::with_capacity(raws.len());
    let mut story_raws = Vec::with_capacity(raws.len());
    for raw in &raws {
        match normalise_item(raw, &ctx) {
            Ok(normalised) => {
                stories.push(Story {
                    text: normalised.text,
                    item: normalised.item,
                    guid: raw.guid.clone(),
                    url: normalised.url,
                });
                story_raws.push(raw);
            }
            Err(reason) => {
                tracing::info!(source = %rule.id, title = ?raw.title, %reason, "story skipped")
            }
        }
    }
    let aliases = HostAliases::new(&rule.aliases);
    let keys = identity::document_keys(run.store, &rule.id, &aliases, &stories)?;

    let mut unread = Vec::new();
    let mut page_warnings = Vec::new();
    let mut ready = Vec::with_capacity(stories.len());
    for ((mut story, keys), raw) in stories.into_iter().zip(keys).zip(story_raws) {
        if page::reads_pages(rule) {
            // Known stories are not fetched again; new ones are read from their own page.
            if identity::is_known(run.store, &keys)? {
                continue;
            }
            match page::read_story(raw, &story.url, rule, run).await {
                Ok((read, warnings)) => match normalise_item(&read, &ctx) {
                    Ok(n) => {
                        page_warnings.push(warnings);
                        story.text = n.text;
                        story.item = n.item;
                    }
                    Err(reason) => {
                        unread.push(format!("{}: {reason}", story.url));
                        continue;
                    }
                },
                Err(error) => {
                    tracing::warn!(source = %rule.id, item = %story.url, %error, "story page not read");
                    unread.push(error.to_string());
                    // A feed story keeps the feed's own text; a listed story has none.
                    if rule.kind == SourceKind::Page {
                        continue;
                    }
                }
            }
        }
        ready.push((story, keys));
    }

    // Stories are stored under the run's storing lock, taken only now that every story page
    // has been fetched: two sources with one story must not both find it new. Waiting for the
    // lock and writing to sled block, so this runs off the runtime's worker threads: the other
    // sources' requests go on being answered meanwhile.
    //
    // Nothing is flushed here: the task running this pass flushes when it ends, in one flush
    // shared with the passes that end at the same time (a flush each cost more than parsing).
    let stored = blocking(|| -> Result<(), StoreError> {
        let _storing = run
            .storing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (mut story, keys) in ready {
            if rule.filter
                && let Verdict::Drop(reason) = run.filter.verdict(&story.item.title, &story.text)
            {
                tracing::debug!(
                    source = %rule.id,
                    item = %story.item.link,
                    %reason,
                    "filtered out"
                );
                report.filtered += 1;
                continue;
            }
            story.item.categories = run.filter.categories(&story.item.title, &story.text);
            identity::store_story(run.store, run.identities, story, keys, &mut report, run.now)?;
        }
        Ok(())
    });
    stored?;
    freshness.feed_ttl = ttl.map(|minutes| std::time::Duration::from_secs(u64::from(minutes) * 60));
    if let Some(first) = unread.first() {
        let read = report.new + report.updated + report.filtered + report.duplicates;
        if read == 0 && rule.kind == SourceKind::Page {
            let error = SourceError::Stories {
                count: unread.len(),
                first: first.clone(),
            };
            return Err(broken_or(found, error, tz));
        }
        report.error = Some(format!(
            "{} story page(s) not read, first: {first}",
            unread.len()
        ));
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

/// Runs `work`, which blocks (a lock, sled writes), without holding up the other tasks of the
/// worker thread it was called on: on a multi-thread runtime the worker hands them to another
/// thread first. A current-thread runtime (tests) has no other thread to hand them to.
fn blocking<T>(work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

/// Where to fetch the source: where it moved for good (a remembered 301), else its `url`.
pub(crate) fn fetch_url(rule: &SourceRule, state: &SourceState) -> Url {
    state
        .moved_to
        .as_deref()
        .and_then(|moved| Url::parse(moved).ok())
        .unwrap_or_else(|| rule.url.clone())
}
