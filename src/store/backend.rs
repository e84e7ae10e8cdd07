//! The store trait: every operation the pipeline and the read-only commands ask of a store,
//! whatever engine keeps it. The sled store ([`Store`]) implements it, and so does the
//! PostgreSQL one (`postgres/`), and the pipeline (`app`) only ever sees `dyn Backend`.
//!
//! Must not: hold logic of its own; each method is one operation of a backend, and what the
//! operations mean (the crash-safe write order, the time index) is each backend's to keep.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::postgres::PgStore;
use super::records::{Counts, Record};
use super::{Location, Pruned, Sharing, SketchEntry, SketchWrite, Store, StoreError, Tombstone};
use crate::dedup::{GuidTrust, Sketch};
use crate::model::{Item, ItemKey, SourceState};

/// A store the pipeline can read from and write to. Implementations are shared between the
/// tasks of a run (`Send + Sync`); writes to stories go through the run's one writer
/// (`app::identity::Writer`), so a backend need not order concurrent story writes itself.
pub trait Backend: fmt::Debug + Send + Sync {
    /// The id of the story stored under `key`, if any (the story may since have been pruned:
    /// see [`Backend::tombstone`]).
    fn find(&self, key: &ItemKey) -> Result<Option<String>, StoreError>;

    /// What [`Backend::find`] gives for each of `keys`, in their order: in one lookup where
    /// the engine can.
    fn find_each(&self, keys: &[ItemKey]) -> Result<Vec<Option<String>>, StoreError> {
        keys.iter().map(|key| self.find(key)).collect()
    }

    /// The id of the story stored under the first of `keys` the store knows, if any: what
    /// [`Backend::find`] gives for each key in turn, in one lookup where the engine can.
    fn find_first(&self, keys: &[ItemKey]) -> Result<Option<String>, StoreError> {
        for key in keys {
            if let Some(id) = self.find(key)? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// The story with this id, if any.
    fn get(&self, id: &str) -> Result<Option<Item>, StoreError>;

    /// Stores a new or changed story under its id and every key in `keys`, with its
    /// near-duplicate sketch as `sketch` says. A key that led to another story now leads to
    /// this one; keys are never removed.
    fn put_story(
        &self,
        item: &Item,
        keys: &[ItemKey],
        sketch: SketchWrite<'_>,
    ) -> Result<(), StoreError>;

    /// [`Backend::put_story`] for a story none of whose keys is known: nothing to move.
    fn put_new_story(
        &self,
        item: &Item,
        keys: &[ItemKey],
        sketch: Option<&Sketch>,
    ) -> Result<(), StoreError>;

    /// The `limit` newest stories, ordered by (published desc, id asc).
    fn latest(&self, limit: usize) -> Result<Vec<Item>, StoreError>;

    /// Every near-duplicate sketch of a story dated in `[from, to]`, oldest first.
    fn sketches_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SketchEntry>, StoreError>;

    /// The tombstone of a pruned or removed story.
    fn tombstone(&self, id: &str) -> Result<Option<Tombstone>, StoreError>;

    /// Removes the story `id`, leaving a tombstone; `false` when there was no such story. Its
    /// keys stay, leading to the tombstone.
    fn remove(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Removes the stories both dated and first seen before `cutoff`, leaving tombstones.
    fn prune(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> Result<Pruned, StoreError>;

    /// What is remembered of a source (its default when never seen).
    fn source_state(&self, source: &str) -> Result<SourceState, StoreError>;

    fn set_source_state(&self, source: &str, state: &SourceState) -> Result<(), StoreError>;

    /// Every source the store remembers, by id.
    fn source_states(&self) -> Result<Vec<(String, SourceState)>, StoreError>;

    /// Whether `source`'s guids identify its stories; trusted until judged otherwise.
    fn guid_trust(&self, source: &str) -> Result<GuidTrust, StoreError>;

    fn set_guid_trust(&self, source: &str, trust: GuidTrust) -> Result<(), StoreError>;

    /// Writes everything to disk and waits until it is durable.
    fn flush(&self) -> Result<(), StoreError>;

    /// Leases and the write lock, when several processes can share this store.
    fn sharing(&self) -> Option<&dyn Sharing> {
        None
    }
    /// Hands every stored thing to `sink`, one [`Record`] at a time (never the whole store in
    /// memory): each story with its sketch, each key (those leading to a tombstone too), each
    /// tombstone, source state and guid trust. An error of `sink` stops it and is returned.
    fn export(
        &self,
        sink: &mut dyn FnMut(Record) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// Writes `records` as they are, with no identity rule: ids, keys, dates, sketches and
    /// tombstones exactly as given, each replacing what was stored under its id.
    fn import(&self, records: &[Record]) -> Result<(), StoreError>;

    /// How many of each thing the store holds, counted as [`Backend::export`] gives them.
    fn counts(&self) -> Result<Counts, StoreError>;
}

/// A store shared by the tasks of a run.
pub type SharedStore = Arc<dyn Backend>;

/// Opens the store at `location`: sled (the embedded default) or PostgreSQL.
pub fn open(location: &Location) -> Result<SharedStore, StoreError> {
    Ok(match location {
        Location::Sled(path) => Arc::new(Store::open(path)?),
        Location::Postgres(url) => Arc::new(PgStore::open(url)?),
    })
}

/// [`Backend::flush`] on a blocking thread: the task awaiting it yields, so a run's other
/// sources go on fetching while this one's stories reach the disk.
pub async fn flush_async(store: &SharedStore) -> Result<(), StoreError> {
    let task = Arc::clone(store);
    match tokio::task::spawn_blocking(move || task.flush()).await {
        Ok(flushed) => flushed,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // The runtime is shutting down: flush on this thread instead.
        Err(_) => store.flush(),
    }
}

impl Backend for Store {
    fn find(&self, key: &ItemKey) -> Result<Option<String>, StoreError> {
        Store::find(self, key)
    }

    fn get(&self, id: &str) -> Result<Option<Item>, StoreError> {
        Store::get(self, id)
    }

    fn put_story(
        &self,
        item: &Item,
        keys: &[ItemKey],
        sketch: SketchWrite<'_>,
    ) -> Result<(), StoreError> {
        Store::put_story(self, item, keys, sketch)
    }

    fn put_new_story(
        &self,
        item: &Item,
        keys: &[ItemKey],
        sketch: Option<&Sketch>,
    ) -> Result<(), StoreError> {
        Store::put_new_story(self, item, keys, sketch)
    }

    fn latest(&self, limit: usize) -> Result<Vec<Item>, StoreError> {
        Store::latest(self, limit)
    }

    fn sketches_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SketchEntry>, StoreError> {
        Store::sketches_between(self, from, to)
    }

    fn tombstone(&self, id: &str) -> Result<Option<Tombstone>, StoreError> {
        Store::tombstone(self, id)
    }

    fn remove(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        Store::remove(self, id, now)
    }

    fn prune(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> Result<Pruned, StoreError> {
        Store::prune(self, cutoff, now)
    }

    fn source_state(&self, source: &str) -> Result<SourceState, StoreError> {
        Store::source_state(self, source)
    }

    fn set_source_state(&self, source: &str, state: &SourceState) -> Result<(), StoreError> {
        Store::set_source_state(self, source, state)
    }

    fn source_states(&self) -> Result<Vec<(String, SourceState)>, StoreError> {
        Store::source_states(self)
    }

    fn guid_trust(&self, source: &str) -> Result<GuidTrust, StoreError> {
        Store::guid_trust(self, source)
    }

    fn set_guid_trust(&self, source: &str, trust: GuidTrust) -> Result<(), StoreError> {
        Store::set_guid_trust(self, source, trust)
    }

    fn flush(&self) -> Result<(), StoreError> {
        Store::flush(self)
    }

    fn export(
        &self,
        sink: &mut dyn FnMut(Record) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        Store::export(self, sink)
    }

    fn import(&self, records: &[Record]) -> Result<(), StoreError> {
        Store::import(self, records)
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        Store::counts(self)
    }
}
