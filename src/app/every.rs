//! `serve --every`: the pipeline run in the serving process on an interval, instead of cron.
//!
//! Runs never overlap (each waits for the one before; a tick missed while a run was slow is
//! not made up in a burst), a run that another process holds the lock for is skipped quietly,
//! a failed or panicking run is reported and the next tick tries again, and shutdown lets the
//! run in progress finish before the loop ends.
//!
//! Must not: serve files or know HTTP; `serve` runs beside it.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use super::lock::LockError;
use super::{RunOptions, run};
use crate::config::Config;

/// The shortest interval `--every` accepts; shorter would hammer the sources and the store.
pub const MIN_EVERY: Duration = Duration::from_secs(1);

/// How one scheduled run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tick {
    /// The run finished; the ids of the sources that failed.
    Ran { failed: Vec<String> },
    /// Another process (a cron `run`) held the store's lock.
    Locked,
    /// The run stopped with an error, or panicked.
    Error(String),
}

/// Runs the pipeline now and then every `every` until `shutdown` turns true, calling
/// `on_tick` after each run. Returns once the run in progress (if any) has finished.
pub async fn run_every(
    config: Config,
    every: Duration,
    mut shutdown: watch::Receiver<bool>,
    mut on_tick: impl FnMut(Tick) + Send,
) {
    let every = every.max(MIN_EVERY);
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        if *shutdown.borrow() {
            break;
        }
        tokio::select! {
            _ = ticker.tick() => {}
            changed = shutdown.changed() => {
                // A dropped sender means nobody can ask for shutdown any more: stop too.
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
                continue;
            }
        }
        on_tick(once(&config).await);
    }
}

/// One run, in its own task so that a panic is reported instead of ending the loop.
async fn once(config: &Config) -> Tick {
    let config = config.clone();
    let options = RunOptions {
        publish: true,
        ..RunOptions::default()
    };
    let task = tokio::spawn(async move { run(&config, &options, Utc::now()).await });
    match task.await {
        Ok(Ok(report)) => {
            for line in report.failure_lines() {
                eprintln!("beatwire: {line}");
            }
            Tick::Ran {
                failed: report.failed().map(|s| s.id.to_string()).collect(),
            }
        }
        Ok(Err(error)) => {
            if matches!(
                error.downcast_ref::<LockError>(),
                Some(LockError::Held { .. })
            ) {
                tracing::info!("another run holds the store's lock; this tick is skipped");
                Tick::Locked
            } else {
                eprintln!("beatwire: run failed: {error:#}");
                Tick::Error(format!("{error:#}"))
            }
        }
        Err(join) => {
            eprintln!("beatwire: run failed: {join}");
            Tick::Error(join.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::lock::RunLock;

    fn config(dir: &std::path::Path) -> Config {
        let text = "[beat]\ntitle = \"西南经济协作\"\nlink = \"https://example.org/beat/\"\n";
        Config::from_toml(text, &dir.join("feeds.toml")).expect("config")
    }

    #[tokio::test]
    async fn a_held_lock_skips_a_tick_and_shutdown_ends_the_loop() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = config(dir.path());
        let lock = RunLock::acquire(&config.beat.store).expect("lock");
        let (stop, stopped) = watch::channel(false);
        let (ticks_tx, mut ticks) = tokio::sync::mpsc::unbounded_channel();
        let every = tokio::spawn(run_every(config.clone(), MIN_EVERY, stopped, move |tick| {
            let _ = ticks_tx.send(tick);
        }));

        assert_eq!(ticks.recv().await, Some(Tick::Locked));
        drop(lock);
        assert_eq!(ticks.recv().await, Some(Tick::Ran { failed: Vec::new() }));
        assert!(config.beat.output.join("feed.xml").exists());
        assert!(config.beat.output.join("status.json").exists());

        stop.send(true).expect("the loop listens");
        tokio::time::timeout(std::time::Duration::from_secs(5), every)
            .await
            .expect("the loop ends on shutdown")
            .expect("no panic");
    }
}
