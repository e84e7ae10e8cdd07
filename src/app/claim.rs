//! Sharing a beat between processes: which hosts this run takes when several `run`s, on one
//! machine or many, point at one shared store (PostgreSQL, [`Sharing`]).
//!
//! The unit of work is a host: a run leases a few hosts at a time from the store, runs the
//! sources of the config on them, and gives each host back once its last source is done, with
//! the moment its sources are next due. A host is fetched by one run at a time, so `per_host`
//! and `per_host_interval` hold across runs as they hold within one. A run renews its leases
//! while it works; a run killed with `kill -9` stops renewing, and once its leases expire
//! another run takes its hosts. A host's lease key carries a hash of its sources'
//! configuration, so a source edited in `feeds.toml` makes its host due at once, as an edit
//! does with one process.
//!
//! Must not: fetch, read or store stories (that is `source`'s), or decide whether one source
//! is due (that is `schedule`'s: every source of a claimed host is still asked).

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::SourceRule;
use crate::fetch::host_of;
use crate::store::{Backend, Sharing, StoreError};

/// The hosts this run may still lease, and what decides when each is next due.
#[derive(Debug)]
pub struct Claims {
    worker: String,
    lease: Duration,
    force: bool,
    now: DateTime<Utc>,
    /// Lease key of each host, by the run window's host number.
    keys: Vec<String>,
    /// Host number of each lease key.
    numbers: HashMap<String, usize>,
    /// Every source of the config on each host (by number), with its fingerprint.
    on_host: Vec<Vec<(String, String)>>,
    /// Hosts not leased by this run yet, by number.
    waiting: Vec<usize>,
    /// The store had no host left to lease.
    exhausted: bool,
}

impl Claims {
    /// `hosts` are the run window's hosts by number; `config` every source of the beat.
    pub fn new(
        worker: String,
        lease: Duration,
        force: bool,
        now: DateTime<Utc>,
        hosts: &[String],
        config: &[SourceRule],
    ) -> Claims {
        let numbers_by_name: HashMap<&str, usize> = hosts
            .iter()
            .enumerate()
            .map(|(i, h)| (h.as_str(), i))
            .collect();
        let mut on_host: Vec<Vec<(String, String)>> = vec![Vec::new(); hosts.len()];
        for rule in config {
            if let Some(&n) = numbers_by_name.get(host_of(&rule.url)) {
                on_host[n].push((rule.id.clone(), rule.fingerprint.to_string()));
            }
        }
        let keys: Vec<String> = hosts
            .iter()
            .zip(&on_host)
            .map(|(host, sources)| lease_key(host, sources))
            .collect();
        let numbers = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        Claims {
            worker,
            lease,
            force,
            now,
            keys,
            numbers,
            on_host,
            waiting: (0..hosts.len()).rev().collect(),
            exhausted: false,
        }
    }

    /// Leases up to `limit` more hosts; their numbers. Empty once the store has none left for
    /// this run (leased by other runs, or not due).
    pub fn claim(&mut self, sharing: &dyn Sharing, limit: usize) -> Result<Vec<usize>, StoreError> {
        if self.exhausted || self.waiting.is_empty() {
            return Ok(Vec::new());
        }
        let candidates: Vec<String> = self
            .waiting
            .iter()
            .rev()
            .map(|&n| self.keys[n].clone())
            .collect();
        let claimed = sharing
            .claim_hosts(
                &self.worker,
                &candidates,
                limit.max(1),
                self.force,
                self.lease,
                self.now,
            )
            .inspect_err(|_| self.exhausted = true)?;
        let numbers: Vec<usize> = claimed
            .iter()
            .filter_map(|key| self.numbers.get(key).copied())
            .collect();
        if numbers.is_empty() {
            self.exhausted = true;
        }
        self.waiting.retain(|n| !numbers.contains(n));
        Ok(numbers)
    }

    /// Gives host `number` back once its last source is done, with the moment its sources are
    /// next due: the earliest of theirs, or at once when one of them was never fetched or was
    /// edited since.
    pub fn release(&self, store: &dyn Backend, number: usize) -> Result<(), StoreError> {
        let Some(sharing) = store.sharing() else {
            return Ok(());
        };
        let mut next_due: Option<DateTime<Utc>> = None;
        for (id, fingerprint) in &self.on_host[number] {
            let state = store.source_state(id)?;
            match state.next_due {
                Some(due) if state.config_hash.as_deref() == Some(fingerprint.as_str()) => {
                    next_due = Some(next_due.map_or(due, |d| d.min(due)));
                }
                _ => {
                    next_due = None;
                    break;
                }
            }
        }
        sharing.release_host(&self.worker, &self.keys[number], next_due)
    }

    /// Whether the store had no host left for this run the last time it was asked.
    pub fn exhausted(&self) -> bool {
        self.exhausted || self.waiting.is_empty()
    }

    /// Who this run is, in the store's leases.
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// How long a lease lasts unless renewed.
    pub fn lease(&self) -> Duration {
        self.lease
    }
}

/// The lease key of a host: its name, and a hash of its sources' configuration.
fn lease_key(host: &str, sources: &[(String, String)]) -> String {
    let mut prints: Vec<&str> = sources.iter().map(|(_, f)| f.as_str()).collect();
    prints.sort_unstable();
    let hash = xxhash_rust::xxh3::xxh3_64(prints.join("\n").as_bytes());
    format!("{host}#{hash:016x}")
}

/// This process, as named in the leases it holds: the machine, the process id and when it
/// started, so two runs never share a name.
pub fn worker_name() -> String {
    let machine = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned());
    let started = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    format!("{machine}:{}:{started:x}", std::process::id())
}
