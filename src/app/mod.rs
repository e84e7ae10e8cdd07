//! The order of stages, and nothing else: `app` is the only module that knows the pipeline's
//! shape (DESIGN.md), takes the run lock, runs the due sources with bounded concurrency, and
//! publishes once at the end.
//!
//! # Architecture
//! - [`run`]: lock → open store → each due source through [`source::process`] → publish →
//!   `status.json` (what `serve` reports on `/healthz` and `/metrics`). The passes stream: a
//!   bounded [`window`] of them runs at a time, fed round-robin from the hosts with room, and
//!   what a pass produced is committed as it ends; only its report stays to the end.
//! - A source's pass is two phases. [`read`]: decode → parse or list → normalise → story
//!   pages → filter, writing nothing (`try` runs exactly this). Commit:
//!   [`identity::apply`] through the run's one [`identity::Writer`], which owns the store's
//!   write path and the near-duplicate index; the source's report is folded from the changes.
//! - [`alarm`]: a source that found stories before and finds none now is reported broken.
//! - [`page`]: list pages and story pages (page sources, `full_text` feeds).
//! - [`publish`]: store → output files, on its own (`beatwire publish`).
//! - [`every::run_every`]: `serve --every`, the pipeline on an interval in the same process.
//! - [`prune`]: the stories past `keep_days` leave the store (`beatwire prune`; `run` too).
//! - [`flush::GroupFlush`]: a pass ends once its writes are durable, one flush per group.
//! - [`identity`]: the identity rules of `dedup` applied against the store (through the
//!   `store::Backend` trait: the pipeline never names an engine).
//! - [`lock::RunLock`]: one run per store at a time.
//! - [`store_copy`]: `beatwire store copy`, a store copied whole into another, under the
//!   run locks of both.
//! - [`report::RunReport`]: what `run --json` prints.
//! - [`progress::Progress`]: told as sources finish (the CLI shows a bar).
//!
//! Must not: know HTTP or sled details; those live in `fetch` and `store`.

pub mod alarm;
mod claim;
pub mod every;
mod flush;
pub mod identity;
pub mod lock;
pub mod page;
pub mod progress;
pub mod read;
pub mod report;
pub mod source;
pub mod store_copy;
mod window;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;

use crate::config::{BeatRule, Config, SourceRule};
use crate::fetch::Fetcher;
use crate::filter::BeatFilter;
use crate::publish::{self, CategoryFeed, Channel};
use crate::status::{self as status_file, Status};
use crate::store::{self, Backend, Pruned};
use identity::Writer;
use lock::RunLock;
use progress::{Progress, Silent};
use report::{PublishedReport, RunReport};
use source::Run;

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
    let store = store::open(&config.beat.store)?;
    let fetcher = Fetcher::new(&config.fetch)?;
    if !options.force {
        postpone_waiting_hosts(config, store.as_ref(), &fetcher, now)?;
    }
    let shared = Arc::new(Run {
        store: store.clone(),
        writer: Mutex::new(Writer::new(store.clone(), config.beat.dedup_window)),
        fetcher,
        filter: BeatFilter::new(&config.filter, &config.categories),
        timezone: config.beat.timezone,
        every: config.fetch.every,
        force: options.force,
        now,
        flushes: flush::GroupFlush::default(),
    });
    let chosen: Vec<&SourceRule> = config
        .sources
        .iter()
        .filter(|s| options.only.is_empty() || options.only.contains(&s.id))
        .collect();
    progress.start(chosen.len());
    let (sources, took) = stream_passes(&chosen, &shared, config, progress).await;
    drop(chosen);
    progress.finish();
    let pruned = store.prune(cutoff(&config.beat, now), now)?;
    if pruned.stories > 0 {
        tracing::info!(stories = pruned.stories, "pruned");
    }
    let published = if options.publish {
        Some(publish_from(&config.beat, config, store.as_ref())?)
    } else {
        None
    };
    store.flush()?;
    let finished = Utc::now();
    let run_status = status_file::RunRecord {
        started: now,
        finished,
        sources: sources
            .iter()
            .zip(&took)
            .map(|(s, took)| status_file::SourceRecord {
                id: &s.id,
                status: s.status,
                http_status: s.http_status,
                new: s.new,
                updated: s.updated,
                seconds: took.as_secs_f64(),
            }),
    };
    // `status.json` (what `serve` reports): a failure to write it is reported and does not fail
    // the run, whose outputs are already published.
    let publish_status = published.as_ref().map(|p| status_file::PublishStatus {
        at: finished,
        items: p.items,
    });
    if let Err(error) =
        Status::record_run(&config.beat.output, &run_status, publish_status.as_ref())
    {
        tracing::error!(%error, "cannot record the run's status");
    }
    Ok(RunReport {
        started: now,
        finished,
        sources,
        published,
    })
}

/// A source's pass and how long it took.
async fn timed<T>(pass: impl Future<Output = T>) -> (T, Duration) {
    let start = Instant::now();
    let out = pass.await;
    (out, start.elapsed())
}

/// Runs the passes of `sources` (in the order of feeds.toml), a bounded window of them at a time
/// ([`window`]), and returns each source's report and how long its pass took, in that order.
/// Only the reports stay to the end of the run, one per source, and they are what `run --json`
/// prints and `status.json` lists (not copied for either).
///
/// A pass is a task of its own, so one source's parsing runs on one core while others wait for
/// their answers; the fetcher's host pool keeps `concurrency` requests in flight. The window
/// holds a few passes per request slot, taken round-robin from the hosts with room, so a slow
/// host holds its share and the other hosts are never left idle behind it, and what a run holds
/// does not grow with its sources: a pass's future, its request and its document live only
/// while it runs, and what it leaves is its report.
async fn stream_passes(
    sources: &[&SourceRule],
    run: &Arc<Run>,
    config: &Config,
    progress: &dyn Progress,
) -> (Vec<report::SourceReport>, Vec<Duration>) {
    let policy = &config.fetch;
    let hosts = sources.iter().map(|rule| crate::fetch::host_of(&rule.url));
    let (per_host, limit) = (
        policy.per_host.max(1) * window::PASSES_PER_HOST_SLOT,
        policy.concurrency.max(1) * window::PASSES_PER_SLOT,
    );
    let sharing = run.store.sharing();
    let mut window = match sharing {
        Some(_) => window::Window::closed(hosts, per_host, limit),
        None => window::Window::new(hosts, per_host, limit),
    };
    let mut claims = sharing.map(|_| {
        claim::Claims::new(
            claim::worker_name(),
            policy.lease,
            run.force,
            run.now,
            window.hosts(),
            &config.sources,
        )
    });
    let _renewing = claims.as_ref().map(|c| renew_leases(run, c));
    // Each report as its source is done, with where the source stands in `sources` and how
    // long its pass took (a source a shared run leaves to the others has none). The room is
    // reserved, not filled: memory is touched as sources finish, not all at the start.
    let mut done: Vec<(u32, Duration, report::SourceReport)> = Vec::with_capacity(sources.len());
    let mut fold = |i: usize, mut report: report::SourceReport, pass: Duration| {
        tracing::info!(source = %report.id, status = ?report.status, new = report.new,
            updated = report.updated, error = report.error.as_deref(), "source done");
        if report.status == report::SourceStatus::Failed {
            report.url = Some(sources[i].url.as_str().into());
        }
        progress.source_done(&report);
        // A config holds far fewer than 2^32 sources.
        done.push((i as u32, pass, report));
    };
    // A host whose last source is done goes back to the store, for the next run that finds it due.
    let release = |claims: &Option<claim::Claims>, host: usize| {
        if let Some(claims) = claims
            && let Err(error) = claims.release(run.store.as_ref(), host)
        {
            tracing::warn!(%error, "a host could not be given back; its lease will expire");
        }
    };
    let mut passes = futures_util::stream::FuturesUnordered::new();
    let mut settled_in_a_row = 0usize;
    loop {
        if let (Some(claims), Some(sharing)) = (claims.as_mut(), sharing)
            && window.starved()
        {
            match claims.claim(sharing, policy.concurrency.max(1)) {
                Ok(hosts) => hosts.into_iter().for_each(|h| window.open(h)),
                Err(error) => tracing::error!(%error, "cannot lease hosts from the store"),
            }
        }
        while let Some(turn) = window.next() {
            let rule = sources[turn.source];
            match source::prepare(rule, run) {
                Ok(state) => {
                    let pass = timed(spawn_pass(rule.clone(), state, run.clone()));
                    passes.push(async move { (turn, pass.await) });
                }
                // Not due: settled at once, without a place in the window.
                Err(report) => {
                    if window.done(turn) {
                        release(&claims, turn.host);
                    }
                    fold(turn.source, report, Duration::ZERO);
                    settled_in_a_row += 1;
                    if settled_in_a_row.is_multiple_of(1024) {
                        // Reading many states in a row must not starve the passes running.
                        tokio::task::yield_now().await;
                    }
                }
            }
        }
        settled_in_a_row = 0;
        let Some((turn, (report, took))) = passes.next().await else {
            // Nothing runs: with a shared store, lease more hosts until none is left.
            match claims.as_ref() {
                Some(c) if !c.exhausted() => continue,
                _ => break,
            }
        };
        if window.done(turn) {
            release(&claims, turn.host);
        }
        fold(turn.source, report, took);
    }
    // Back in the order of feeds.toml, sorted in place; the reports keep their allocation.
    done.sort_unstable_by_key(|(i, ..)| *i);
    let took = done.iter().map(|(_, took, _)| *took).collect();
    (done.into_iter().map(|(.., report)| report).collect(), took)
}

/// Keeps this run's leases alive while it works: renewed every third of their length, so a
/// run that stops (killed, or the machine gone) lets go of its hosts one lease later.
fn renew_leases(run: &Arc<Run>, claims: &claim::Claims) -> Renewing {
    let (store, worker, lease) = (
        run.store.clone(),
        claims.worker().to_owned(),
        claims.lease(),
    );
    Renewing(tokio::spawn(async move {
        let mut every = tokio::time::interval(lease / 3);
        every.tick().await;
        loop {
            every.tick().await;
            let (store, worker) = (store.clone(), worker.clone());
            let renewed = tokio::task::spawn_blocking(move || match store.sharing() {
                Some(sharing) => sharing.renew_leases(&worker, lease),
                None => Ok(()),
            })
            .await;
            if let Ok(Err(error)) = renewed {
                tracing::warn!(%error, "cannot renew this run's leases");
            }
        }
    }))
}

/// The task renewing a run's leases, stopped when the run's passes are over.
#[derive(Debug)]
struct Renewing(tokio::task::JoinHandle<()>);

impl Drop for Renewing {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs one source on a task of its own; a pass that panics is that source's failure.
fn spawn_pass(
    rule: SourceRule,
    state: crate::model::SourceState,
    run: Arc<Run>,
) -> impl Future<Output = report::SourceReport> + Send {
    let (id, url) = (rule.id.clone(), rule.url.to_string());
    let task = tokio::spawn(async move {
        let mut report = source::process(&rule, state, &run).await;
        // The pass is over only once its stories and its state are on disk: whatever reports
        // it (`-v`, the progress bar) may be the last thing seen before a crash.
        if let Err(e) = run.flushes.flush(&run.store).await {
            report.status = report::SourceStatus::Failed;
            report.error =
                Some(format!("{}: the store could not be flushed: {e}", rule.url).into());
            report.error_class = Some(crate::model::ErrorClass::Store);
        }
        report
    });
    async move {
        task.await.unwrap_or_else(|e| report::SourceReport {
            error: Some(format!("{url}: the pass broke off: {e}").into()),
            ..report::SourceReport::new(&id, report::SourceStatus::Failed)
        })
    }
}

/// Hosts that asked an earlier run to wait (`Retry-After`) get no request until then.
fn postpone_waiting_hosts(
    config: &Config,
    store: &dyn Backend,
    fetcher: &Fetcher,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for (id, state) in store.source_states()? {
        // Few states have a wait, and finding a source by id walks the config.
        let Some(until) = state.postponed_until else {
            continue;
        };
        let Some(rule) = config.source(&id) else {
            continue;
        };
        if let Ok(wait) = (until - now).to_std() {
            fetcher.postpone_host(&source::fetch_url(rule, &state), wait);
        }
    }
    Ok(())
}

/// `beatwire prune`: removes the stories past `keep_days` (leaving their tombstones), under the
/// run lock. `run` does the same after fetching.
pub fn prune(config: &Config, now: DateTime<Utc>) -> anyhow::Result<Pruned> {
    let _lock = RunLock::acquire(&config.beat.store)?;
    let store = store::open(&config.beat.store)?;
    let pruned = store.prune(cutoff(&config.beat, now), now)?;
    store.flush()?;
    Ok(pruned)
}

/// Stories both dated and first seen before this instant are pruned.
fn cutoff(beat: &BeatRule, now: DateTime<Utc>) -> DateTime<Utc> {
    now - chrono::TimeDelta::days(i64::from(beat.keep_days))
}

/// `beatwire publish`: writes the outputs from the store, under the run lock.
pub fn publish(config: &Config, now: DateTime<Utc>) -> anyhow::Result<PublishedReport> {
    let _lock = RunLock::acquire(&config.beat.store)?;
    let store = store::open(&config.beat.store)?;
    let published = publish_from(&config.beat, config, store.as_ref())?;
    let status = status_file::PublishStatus {
        at: now,
        items: published.items,
    };
    if let Err(error) = Status::record_published(&config.beat.output, &status) {
        tracing::error!(%error, "cannot record the publication's status");
    }
    Ok(published)
}

fn publish_from(
    beat: &BeatRule,
    config: &Config,
    store: &dyn Backend,
) -> anyhow::Result<PublishedReport> {
    // With a store shared by several runs, publishing takes the write turn: the last run to
    // publish has read every story stored before it, whichever run's files land last.
    let _turn = store.sharing().map(|s| s.lock_writes()).transpose()?;
    let items = store.latest(beat.max_items)?;
    let published = publish::publish(&beat.output, &channel(beat, config), &items)
        .with_context(|| format!("cannot publish into {}", beat.output.display()))?;
    Ok(PublishedReport {
        items: published.items,
        path: published.feed,
        files: published.files,
    })
}

/// The beat as the publishers see it.
///
/// `ttl` is the shortest interval any source is fetched at: the feed cannot change more often,
/// and a reader polling more often gains nothing.
pub fn channel(beat: &BeatRule, config: &Config) -> Channel {
    let shortest = config
        .sources
        .iter()
        .map(|s| s.every_or(config.fetch.every))
        .min()
        .unwrap_or(config.fetch.every);
    Channel {
        title: beat.title.clone(),
        description: beat.description.clone(),
        link: beat.link.to_string(),
        feed_url: beat.feed_url.as_ref().map(ToString::to_string),
        language: beat.language.clone(),
        timezone: beat.timezone,
        ttl_minutes: u32::try_from(shortest.as_secs().div_ceil(60)).ok(),
        categories: config
            .categories
            .iter()
            .map(|c| CategoryFeed {
                name: c.name.clone(),
                slug: c.slug.clone(),
            })
            .collect(),
    }
}

/// `--source ID` names no source of the config.
#[derive(Debug, thiserror::Error)]
#[error("no source with id `{0}` in the config")]
pub struct UnknownSource(pub String);
