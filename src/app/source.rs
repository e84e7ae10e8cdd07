//! One source, one pass: fetch → decode → parse (a feed) or list (a page) → normalise → for
//! stories read from their own page, fetch and extract the new ones → filter → classify →
//! store, and the source's state (validators, schedule, failures) updated whatever happened.
//!
//! Must not: publish, or let one source's failure escape into another's; every error ends as
//! this source's `SourceReport`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::page;
use super::report::{SourceReport, SourceStatus};
use crate::config::SourceRule;
use crate::decode::decode;
use crate::dedup::{self, Change, Identity};
use crate::fetch::{FetchError, Fetched, Fetcher};
use crate::filter::{BeatFilter, Verdict};
use crate::model::{ItemKey, Outlet, SourceKind, SourceState};
use crate::normalise::item::{ItemContext, normalise_item};
use crate::normalise::{canonical_link, content_hash, html_to_text};
use crate::parse::{ParseError, parse_feed};
use crate::schedule;
use crate::store::{Store, StoreError};

/// What every source of a run shares.
#[derive(Debug)]
pub struct RunContext<'a> {
    pub store: &'a Store,
    pub fetcher: &'a Fetcher,
    pub filter: &'a BeatFilter,
    pub timezone: Tz,
    pub every: std::time::Duration,
    pub force: bool,
    pub now: DateTime<Utc>,
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
}

/// How a source pass ended when it did not fail.
struct Outcome {
    report: SourceReport,
    feed_ttl: Option<std::time::Duration>,
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
        return SourceReport::new(&rule.id, url, SourceStatus::Skipped);
    }
    // An edited source is fetched afresh: old validators would hide the change.
    if state.config_hash.as_deref() != Some(rule.fingerprint.as_str()) {
        state.validators = Default::default();
        state.body_hash = None;
    }
    let every = rule.every_or(run.every);
    state.last_fetch = Some(run.now);
    let result = pass(rule, run, &mut state).await;
    let report = match result {
        Ok(outcome) => {
            state.last_success = Some(run.now);
            state.last_error = None;
            state.failures = 0;
            state.next_due = Some(schedule::after_success(run.now, every, outcome.feed_ttl));
            state.config_hash = Some(rule.fingerprint.clone());
            state.stories += outcome.report.new as u64;
            outcome.report
        }
        Err(error) => {
            let http_status = match &error {
                SourceError::Fetch(e) => e.http_status(),
                _ => None,
            };
            state.failures += 1;
            state.last_error = Some(error.to_string());
            state.next_due = Some(schedule::after_failure(run.now, every, state.failures));
            tracing::warn!(source = %rule.id, url, error = %error, "source failed");
            failed(rule, error.to_string(), http_status)
        }
    };
    if let Err(e) = run.store.set_source_state(&rule.id, &state) {
        return failed(rule, format!("cannot record the source's state: {e}"), None);
    }
    report
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
    let body = match run.fetcher.get(&rule.url, &state.validators).await? {
        Fetched::NotModified { .. } => {
            report.status = SourceStatus::NotModified;
            report.http_status = Some(304);
            return Ok(Outcome {
                report,
                feed_ttl: None,
            });
        }
        Fetched::Body(body) => body,
    };
    report.http_status = Some(body.status);
    state.validators = body.validators.clone();
    let body_hash = content_hash(&[&String::from_utf8_lossy(&body.bytes)]);
    if state.body_hash.as_deref() == Some(body_hash.as_str()) {
        report.status = SourceStatus::NotModified;
        return Ok(Outcome {
            report,
            feed_ttl: None,
        });
    }

    let tz = rule.timezone_or(run.timezone);
    let decoded = decode(&body.bytes, body.content_type.as_deref(), rule.encoding);
    let (raws, ttl) = match (&rule.kind, &rule.list) {
        (SourceKind::Page, Some(list)) => {
            let raws = page::list_stories(decoded.text, &body.final_url, list, tz, run.now)
                .await
                .map_err(SourceError::Page)?;
            (raws, None)
        }
        _ => {
            let feed = parse_feed(&decoded.text, Some(&body.final_url), tz, run.now).map_err(
                |source| SourceError::Parse {
                    url: body.final_url.to_string(),
                    source,
                },
            )?;
            (feed.items, feed.ttl)
        }
    };
    tracing::debug!(source = %rule.id, items = raws.len(), encoding = decoded.encoding.name(), "read");

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
    for raw in &raws {
        match normalise_item(raw, &ctx) {
            Ok(normalised) => stories.push((raw, normalised)),
            Err(reason) => {
                tracing::info!(source = %rule.id, title = ?raw.title, %reason, "story skipped")
            }
        }
    }
    let canonical: Vec<String> = stories
        .iter()
        .map(|(_, n)| canonical_link(&n.url))
        .collect();
    let identities: Vec<Identity<'_>> = stories
        .iter()
        .zip(&canonical)
        .map(|((raw, _), link)| Identity {
            guid: raw.guid.as_deref(),
            canonical_link: Some(link),
        })
        .collect();
    let keys = dedup::keys_for_document(&rule.id, &identities);

    let mut unread = Vec::new();
    for ((raw, normalised), keys) in stories.into_iter().zip(keys) {
        let mut item = normalised.item;
        if page::reads_pages(rule) {
            // Known stories are not fetched again; new ones are read from their own page.
            if is_known(run.store, &keys)? {
                continue;
            }
            match page::read_story(raw, &normalised.url, rule, run).await {
                Ok(read) => match normalise_item(&read, &ctx) {
                    Ok(n) => item = n.item,
                    Err(reason) => {
                        unread.push(format!("{}: {reason}", normalised.url));
                        continue;
                    }
                },
                Err(error) => {
                    tracing::warn!(source = %rule.id, item = %normalised.url, %error, "story page not read");
                    unread.push(error.to_string());
                    // A feed story keeps the feed's own text; a listed story has none.
                    if rule.kind == SourceKind::Page {
                        continue;
                    }
                }
            }
        }
        let text = html_to_text(&item.content_html);
        if rule.filter
            && let Verdict::Drop(reason) = run.filter.verdict(&item.title, &text)
        {
            tracing::debug!(source = %rule.id, item = %item.link, %reason, "filtered out");
            report.filtered += 1;
            continue;
        }
        item.categories = run.filter.categories(&item.title, &text);
        store_story(run.store, item, keys, &mut report, run.now)?;
    }
    run.store.flush()?;
    if let Some(first) = unread.first() {
        let read = report.new + report.updated + report.filtered + report.duplicates;
        if read == 0 && rule.kind == SourceKind::Page {
            return Err(SourceError::Stories {
                count: unread.len(),
                first: first.clone(),
            });
        }
        report.error = Some(format!(
            "{} story page(s) not read, first: {first}",
            unread.len()
        ));
    } else {
        // With stories left unread, the same list page must be read again next time.
        state.body_hash = Some(body_hash);
    }
    Ok(Outcome {
        report,
        feed_ttl: ttl.map(|minutes| std::time::Duration::from_secs(u64::from(minutes) * 60)),
    })
}

/// Whether the store knows a story under any of its keys.
fn is_known(store: &Store, keys: &[ItemKey]) -> Result<bool, StoreError> {
    for key in keys {
        if store.find(key)?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Stores one story according to its identity: new, updated in place, or left alone.
fn store_story(
    store: &Store,
    mut item: crate::model::Item,
    keys: Vec<ItemKey>,
    report: &mut SourceReport,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(first_key) = keys.first() else {
        return Ok(());
    };
    let mut existing = None;
    for key in &keys {
        if let Some(id) = store.find(key)? {
            existing = store.get(&id)?;
            if existing.is_some() {
                break;
            }
        }
    }
    if let Some(stored) = existing.as_ref().filter(|e| e.source != item.source) {
        // Another source's story under the same link: the first copy stays the story; this
        // source's keys now lead to it too.
        report.duplicates += 1;
        return store.put(stored, &keys);
    }
    match dedup::classify(existing.as_ref(), &item) {
        Change::New => {
            item.id = dedup::story_id(first_key);
            store.put(&item, &keys)?;
            report.new += 1;
        }
        Change::Updated { id } => {
            let Some(stored) = existing else {
                return Ok(());
            };
            item.id = id;
            item.first_seen = stored.first_seen;
            item.updated = Some(item.updated.unwrap_or(now));
            store.put(&item, &keys)?;
            report.updated += 1;
        }
        Change::Same { id } => {
            // Seen under a key it was not stored with (a feed that added guids): remember it.
            let mut unknown = false;
            for key in &keys {
                if store.find(key)?.is_none() {
                    unknown = true;
                }
            }
            if unknown && let Some(stored) = existing {
                store.put(&stored, &keys)?;
            }
            tracing::trace!(item = %id, "unchanged");
        }
    }
    Ok(())
}
