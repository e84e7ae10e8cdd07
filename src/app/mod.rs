//! The order of stages, and nothing else: `app` is the only module that knows the pipeline's
//! shape (DESIGN.md), takes the run lock, runs the due sources with bounded concurrency, and
//! publishes once at the end.
//!
//! # Architecture
//! - [`run`]: lock → open store → each due source through [`source::process`] → publish.
//! - [`page`]: list pages and story pages (page sources, `full_text` feeds).
//! - [`publish`]: store → output files, on its own (`beatwire publish`).
//! - [`lock::RunLock`]: one run per store at a time.
//! - [`report::RunReport`]: what `run --json` prints.
//!
//! Must not: know HTTP or sled details; those live in `fetch` and `store`.

pub mod inspect;
pub mod lock;
pub mod page;
pub mod report;
pub mod source;

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;

use crate::config::{BeatRule, Config};
use crate::fetch::Fetcher;
use crate::filter::BeatFilter;
use crate::publish::{self, Channel};
use crate::store::Store;
use lock::RunLock;
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
    for id in &options.only {
        if config.source(id).is_none() {
            anyhow::bail!(UnknownSource(id.clone()));
        }
    }
    let _lock = RunLock::acquire(&config.beat.store)?;
    let store = Store::open(&config.beat.store)?;
    let fetcher = Fetcher::new(&config.fetch)?;
    let filter = BeatFilter::new(&config.filter, &config.categories);
    let context = RunContext {
        store: &store,
        fetcher: &fetcher,
        filter: &filter,
        timezone: config.beat.timezone,
        every: config.fetch.every,
        force: options.force,
        now,
    };
    // Futures are built in a plain iterator (not a `Stream::map` closure) so that the run's
    // future stays `Send` for `serve --every`.
    let passes: Vec<_> = config
        .sources
        .iter()
        .filter(|s| options.only.is_empty() || options.only.contains(&s.id))
        .map(|rule| source::process(rule, &context))
        .collect();
    let mut sources: Vec<_> = futures_util::stream::iter(passes)
        .buffer_unordered(config.fetch.concurrency.max(1))
        .collect()
        .await;
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
