//! Politeness: how many requests are in flight, to whom, and how often.
//!
//! # Architecture
//! - [`HostPool`]: one per [`Fetcher`](super::Fetcher). A global semaphore (`concurrency`) and,
//!   per host, a [`Host`].
//! - [`Host`]: a semaphore (`per_host`), the start of the last request (so two starts are at
//!   least `per_host_interval` apart), and how long the host asked to be left alone.
//! - [`Slot`]: permission to send one request; dropping it frees both semaphores.
//!
//! A request takes its host's slot first and the global one last, so a request waiting for a busy
//! host never holds one of the `concurrency` slots that requests to other hosts could use.
//!
//! Must not: send anything, or know URLs beyond the host name it is given.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Permission to send one request. Dropping it frees the host's slot and the global one.
#[derive(Debug)]
pub(super) struct Slot {
    _host: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

#[derive(Debug)]
pub(super) struct HostPool {
    global: Arc<Semaphore>,
    per_host: usize,
    interval: Duration,
    // A std Mutex: held only to look a host up, never across an await.
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

#[derive(Debug)]
struct Host {
    slots: Arc<Semaphore>,
    /// When the last request to this host started. An async Mutex, held while a request waits
    /// for the interval and for a global slot, so requests to one host start one after another.
    last_start: tokio::sync::Mutex<Option<Instant>>,
    /// Until when the host asked to be left alone. A std Mutex: never held across an await.
    postponed_until: Mutex<Option<Instant>>,
}

impl Host {
    /// How much longer the host asked to be left alone, if it did.
    fn postponed_for(&self) -> Option<Duration> {
        let until = (*self
            .postponed_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner))?;
        let now = Instant::now();
        (until > now).then(|| until - now)
    }
}

impl HostPool {
    pub(super) fn new(concurrency: usize, per_host: usize, interval: Duration) -> HostPool {
        HostPool {
            global: Arc::new(Semaphore::new(concurrency.max(1))),
            per_host: per_host.max(1),
            interval,
            hosts: Mutex::default(),
        }
    }

    fn host(&self, name: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        hosts
            .entry(name.to_owned())
            .or_insert_with(|| {
                Arc::new(Host {
                    slots: Arc::new(Semaphore::new(self.per_host)),
                    last_start: tokio::sync::Mutex::new(None),
                    postponed_until: Mutex::new(None),
                })
            })
            .clone()
    }

    /// Waits until a request to `host` may start, and takes the slots it needs.
    ///
    /// `Err(wait)` when the host asked to be left alone for `wait` more: the request must not
    /// be sent.
    pub(super) async fn acquire(&self, host: &str) -> Result<Slot, Duration> {
        let host = self.host(host);
        // Neither semaphore is ever closed, so acquiring cannot fail.
        let host_slot = host
            .slots
            .clone()
            .acquire_owned()
            .await
            .expect("the pool never closes its semaphores");
        let mut last_start = host.last_start.lock().await;
        if let Some(wait) = host.postponed_for() {
            return Err(wait);
        }
        if let Some(last) = *last_start {
            tokio::time::sleep_until(last + self.interval).await;
        }
        let global_slot = self
            .global
            .clone()
            .acquire_owned()
            .await
            .expect("the pool never closes its semaphores");
        // The host may have answered 429 to a request that ended while this one waited.
        if let Some(wait) = host.postponed_for() {
            return Err(wait);
        }
        *last_start = Some(Instant::now());
        Ok(Slot {
            _host: host_slot,
            _global: global_slot,
        })
    }

    /// No request to `host` starts for `wait` from now (a later time already set stays).
    pub(super) fn postpone(&self, host: &str, wait: Duration) {
        let host = self.host(host);
        let mut until = host
            .postponed_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let new = Instant::now() + wait;
        if until.is_none_or(|old| old < new) {
            *until = Some(new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERVAL: Duration = Duration::from_secs(2);

    #[tokio::test(start_paused = true)]
    async fn starts_to_one_host_are_an_interval_apart_and_hosts_do_not_wait_for_each_other() {
        let pool = Arc::new(HostPool::new(8, 1, INTERVAL));
        let begin = Instant::now();
        let mut tasks = Vec::new();
        for host in ["127.0.0.2", "127.0.0.2", "127.0.0.2", "127.0.0.3"] {
            let pool = pool.clone();
            tasks.push(tokio::spawn(async move {
                let slot = pool.acquire(host).await;
                let started = Instant::now() - begin;
                drop(slot);
                (host, started)
            }));
        }
        let mut starts = Vec::new();
        for task in tasks {
            starts.push(task.await.unwrap());
        }
        starts.sort_by_key(|(host, at)| (*host, *at));
        assert_eq!(
            starts,
            [
                ("127.0.0.2", Duration::ZERO),
                ("127.0.0.2", INTERVAL),
                ("127.0.0.2", 2 * INTERVAL),
                ("127.0.0.3", Duration::ZERO),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn per_host_and_concurrency_bound_the_requests_in_flight() {
        let pool = Arc::new(HostPool::new(3, 2, Duration::ZERO));
        let a1 = pool.acquire("a").await.unwrap();
        let _a2 = pool.acquire("a").await.unwrap();
        let third_to_a = tokio::time::timeout(Duration::from_secs(1), pool.acquire("a")).await;
        assert!(third_to_a.is_err(), "per_host = 2");
        let _b1 = pool.acquire("b").await.unwrap();
        let fourth = tokio::time::timeout(Duration::from_secs(1), pool.acquire("b")).await;
        assert!(fourth.is_err(), "concurrency = 3");
        drop(a1);
        assert!(
            tokio::time::timeout(Duration::from_secs(1), pool.acquire("b"))
                .await
                .is_ok()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_postponed_host_is_refused_until_its_time_and_others_are_not() {
        let pool = HostPool::new(8, 1, Duration::ZERO);
        pool.postpone("a", Duration::from_secs(120));
        pool.postpone("a", Duration::from_secs(60));
        assert_eq!(
            pool.acquire("a").await.err(),
            Some(Duration::from_secs(120)),
            "a shorter postponement does not shorten a longer one"
        );
        assert!(pool.acquire("b").await.is_ok());
        tokio::time::advance(Duration::from_secs(120)).await;
        assert!(pool.acquire("a").await.is_ok());
    }
}
