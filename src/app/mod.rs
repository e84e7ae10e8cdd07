//! The order of stages, and nothing else: `app` is the only module that knows the pipeline's
//! shape (DESIGN.md), takes the run lock, runs the due sources with bounded concurrency, and
//! publishes once at the end.
//!
//! # Architecture
//! - [`run`]: lock → open store → each due source through [`source::process`] → publish.
//!   Every source starts at once; the fetcher's host pool bounds what is in flight.
//! - [`publish`]: store → output files, on its own (`beatwire publish`).
//! - [`lock::RunLock`]: one run per store at a time.
//! - [`report::RunReport`]: what `run --json` prints.
//! - [`status::status`]: per-source health from the store (`beatwire status`).
//! - [`progress::Progress`]: a progress bar on a terminal, nothing elsewhere.
//!
//! Must not: know HTTP or sled details; those live in `fetch` and `store`.

pub mod inspect;
pub mod lock;
pub mod progress;
pub mod report;
pub mod source;
pub mod status;

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;

use crate::config::{BeatRule, Config, SourceRule};
use crate::fetch::Fetcher;
use crate::filter::BeatFilter;
use crate::publish::{self, Channel};
use crate::store::Store;
use lock::RunLock;
use progress::{Progress, Silent};
use report::{PublishedReport, RunReport};
use source::RunContext;

/// What a `run` or `fetch` does.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Only these source ids (all when empty).
    pub only: Vec<String>,
    /// Fetch sources even when they are not due.
    pub force: bool,
    /// Write the outputs after fetching (`run`), or not (`fetch`).
    pub publish: bool,
}

/// Fetches the due sources into the store, then (with `publish`) writes the outputs.
///
/// A failing source is recorded in the report and the others go on; only problems that stop
/// every source (the lock, the store, the output folder) are errors.
pub async fn run(
    config: &Config,
    options: &RunOptions,
    now: DateTime<Utc>,
) -> anyhow::Result<RunReport> {
    run_with(config, options, now, &Silent).await
}

/// [`run`], telling `progress` how far it is.
pub async fn run_with(
    config: &Config,
    options: &RunOptions,
    now: DateTime<Utc>,
    progress: &dyn Progress,
) -> anyhow::Result<RunReport> {
    for id in &options.only {
        if config.source(id).is_none() {
            anyhow::bail!(UnknownSource(id.clone()));
        }
    }
    let _lock = RunLock::acquire(&config.beat.store)?;
    let store = Store::open(&config.beat.store)?;
    let fetcher = Fetcher::new(&config.fetch)?;
    if !options.force {
        postpone_waiting_hosts(config, &store, &fetcher, now)?;
    }
    let shared = Arc::new(Shared {
        store: store.clone(),
        fetcher,
        filter: BeatFilter::new(&config.filter, &config.categories),
        timezone: config.beat.timezone,
        every: config.fetch.every,
        force: options.force,
        now,
        storing: Mutex::new(()),
    });
    // Every source is a task of its own, and they all start at once: the fetcher's host pool
    // keeps `concurrency` requests in flight, whichever hosts the sources are on (a window of
    // `concurrency` sources in config order would wait on one busy host), and one source's
    // parsing runs on one core while others wait for their answers.
    let passes: futures_util::stream::FuturesUnordered<_> = config
        .sources
        .iter()
        .filter(|s| options.only.is_empty() || options.only.contains(&s.id))
        .map(|rule| spawn_pass(rule.clone(), shared.clone()))
        .collect();
    progress.start(passes.len());
    let mut sources: Vec<_> = passes
        .inspect(|report| {
            tracing::info!(source = %report.id, status = ?report.status, new = report.new,
                updated = report.updated, error = report.error.as_deref(), "source done");
            progress.source_done(report);
        })
        .collect()
        .await;
    progress.finish();
    // Report in the order of feeds.toml, whatever order the sources finished in.
    let order = |id: &str| config.sources.iter().position(|s| s.id == id);
    sources.sort_by_key(|s| order(&s.id));
    let published = if options.publish {
        Some(publish_from(&config.beat, config, &store)?)
    } else {
        None
    };
    store.flush()?;
    Ok(RunReport {
        started: now,
        finished: Utc::now(),
        sources,
        published,
    })
}

/// What the source tasks of a run share; each borrows its [`RunContext`] from it.
#[derive(Debug)]
struct Shared {
    store: Store,
    fetcher: Fetcher,
    filter: BeatFilter,
    timezone: chrono_tz::Tz,
    every: std::time::Duration,
    force: bool,
    now: DateTime<Utc>,
    storing: Mutex<()>,
}

/// Runs one source on a task of its own; a pass that panics is that source's failure.
fn spawn_pass(
    rule: SourceRule,
    shared: Arc<Shared>,
) -> impl Future<Output = report::SourceReport> + Send {
    let (id, url) = (rule.id.clone(), rule.url.to_string());
    let task = tokio::spawn(async move {
        let context = RunContext {
            store: &shared.store,
            fetcher: &shared.fetcher,
            filter: &shared.filter,
            timezone: shared.timezone,
            every: shared.every,
            force: shared.force,
            now: shared.now,
            storing: &shared.storing,
        };
        source::process(&rule, &context).await
    });
    async move {
        task.await.unwrap_or_else(|e| report::SourceReport {
            error: Some(format!("{url}: the pass broke off: {e}")),
            ..report::SourceReport::new(&id, &url, report::SourceStatus::Failed)
        })
    }
}

/// Hosts that asked an earlier run to wait (`Retry-After`) get no request until then.
fn postpone_waiting_hosts(
    config: &Config,
    store: &Store,
    fetcher: &Fetcher,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for (id, state) in store.source_states()? {
        let (Some(rule), Some(until)) = (config.source(&id), state.postponed_until) else {
            continue;
        };
        if let Ok(wait) = (until - now).to_std() {
            fetcher.postpone_host(&source::fetch_url(rule, &state), wait);
        }
    }
    Ok(())
}

/// `beatwire publish`: writes the outputs from the store, under the run lock.
pub fn publish(config: &Config) -> anyhow::Result<PublishedReport> {
    let _lock = RunLock::acquire(&config.beat.store)?;
    let store = Store::open(&config.beat.store)?;
    publish_from(&config.beat, config, &store)
}

fn publish_from(
    beat: &BeatRule,
    config: &Config,
    store: &Store,
) -> anyhow::Result<PublishedReport> {
    let items = store.latest(beat.max_items)?;
    let published = publish::publish(&beat.output, &channel(beat, config), &items)
        .with_context(|| format!("cannot publish into {}", beat.output.display()))?;
    Ok(PublishedReport {
        items: published.items,
        path: published.feed,
    })
}

/// The beat as the publishers see it.
pub fn channel(beat: &BeatRule, config: &Config) -> Channel {
    Channel {
        title: beat.title.clone(),
        description: beat.description.clone(),
        link: beat.link.to_string(),
        feed_url: beat.feed_url.as_ref().map(ToString::to_string),
        language: beat.language.clone(),
        timezone: beat.timezone,
        ttl_minutes: u32::try_from(config.fetch.every.as_secs() / 60).ok(),
    }
}

/// `--source ID` names no source of the config.
#[derive(Debug, thiserror::Error)]
#[error("no source with id `{0}` in the config")]
pub struct UnknownSource(pub String);

/// Loads and validates the config (all problems at once), for `check` and every other command.
pub fn load_config(path: &Path) -> Result<Config, crate::config::ConfigError> {
    Config::load(path)
}
