//! What several `run` workers on several machines need from one shared store: leases on the
//! hosts whose sources they fetch, and a lock that lets one writer at a time through.
//!
//! Only a store that several processes can open at once offers it (PostgreSQL); sled's
//! [`Backend::sharing`](super::Backend::sharing) is `None`.
//!
//! Must not: decide which hosts are due or how long a lease runs; the caller says.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{SketchEntry, StoreError};

/// How long a store remembers that a sketch was removed. A writer whose last look at the
/// changes is older than half of it reads its near-duplicate window afresh instead.
pub const REMOVALS_KEPT: Duration = Duration::from_secs(24 * 60 * 60);

/// The near-duplicate sketches changed since a mark: what a writer needs to bring its cached
/// window up to date after other processes wrote.
#[derive(Debug, Default)]
pub struct SketchChanges {
    /// Sketches written or moved to another date since the mark, in the order of the changes.
    pub written: Vec<SketchEntry>,
    /// Ids whose sketch was removed since the mark.
    pub removed: Vec<String>,
    /// The mark to ask from next time: the newest change seen.
    pub mark: i64,
}

/// Leases on hosts and the write lock, shared by every worker of one store.
pub trait Sharing: Send + Sync {
    /// Registers `hosts` (idempotent, batched: there may be 100,000) and leases to `worker` up
    /// to `limit` of them whose lease is free or expired and — unless `force` — whose
    /// `next_due` is NULL or <= `now`. One statement using SELECT … FOR UPDATE SKIP LOCKED; the
    /// lease runs until the database's now() + `lease`. Returns the hosts claimed.
    fn claim_hosts(
        &self,
        worker: &str,
        hosts: &[String],
        limit: usize,
        force: bool,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError>;

    /// Gives `host` back (only if `worker` holds it) and records when its sources are next
    /// due (None: due at once).
    fn release_host(
        &self,
        worker: &str,
        host: &str,
        next_due: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError>;

    /// Extends every lease `worker` holds to now() + `lease`.
    fn renew_leases(&self, worker: &str, lease: Duration) -> Result<(), StoreError>;

    /// Holds every other process's writer off until the guard is dropped: a session advisory
    /// lock on one pooled connection the guard keeps. On taking it, increments a write
    /// generation stored in the database and returns the new value (a process whose previous
    /// generation + 1 equals it knows nobody else wrote since).
    fn lock_writes(&self) -> Result<Box<dyn WriteGuard>, StoreError>;

    /// The sketches changed since `since` (a mark from an earlier answer), or, with `None`,
    /// no changes and the mark of the newest change so far. Asked under the write lock, when
    /// every change of every other writer is committed.
    fn sketch_changes(&self, since: Option<i64>) -> Result<SketchChanges, StoreError>;
}

/// The write lock of [`Sharing::lock_writes`], held until dropped.
pub trait WriteGuard: Send + fmt::Debug {
    /// The write generation this holder took the lock at.
    fn generation(&self) -> i64;
}
