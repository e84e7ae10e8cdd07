//! What processes sharing one store ask of it: leases on hosts and one writer at a time.
//!
//! Must not: hold logic of its own.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::StoreError;

/// Work sharing between processes on one store.
pub trait Sharing: Send + Sync + fmt::Debug {
    /// Registers `hosts` and leases to `worker` up to `limit` of them whose lease is free or
    /// expired and, unless `force`, that are due at `now`.
    fn claim_hosts(
        &self,
        worker: &str,
        hosts: &[String],
        limit: usize,
        force: bool,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError>;

    /// Gives `host` back and records when its sources are next due (`None`: at once).
    fn release_host(
        &self,
        worker: &str,
        host: &str,
        next_due: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError>;

    /// Extends every lease `worker` holds.
    fn renew_leases(&self, worker: &str, lease: Duration) -> Result<(), StoreError>;

    /// Holds every other process's writer off until the guard is dropped.
    fn lock_writes(&self) -> Result<Box<dyn WriteGuard>, StoreError>;
}

/// A turn at writing.
pub trait WriteGuard: Send + fmt::Debug {
    /// The store's write generation, counted up by every turn taken.
    fn generation(&self) -> i64;
}
