//! The story store: the [`Backend`] trait every store engine implements (`backend.rs`), and
//! its embedded default, one sled database holding every story, the keys it is known by, a time
//! index for the published feed, the near-duplicate sketches, tombstones of pruned stories,
//! and what is remembered per source.
//!
//! A `postgres://` URL puts the same store in PostgreSQL instead (`postgres/`, the same values
//! in tables of the same names; [`Location`] says which), and offers what several workers
//! sharing one store need ([`Sharing`]).
//!
//! This is the only module that says `use sled` or speaks to PostgreSQL. It must not know feed formats, HTTP or the
//! order of the pipeline: it keeps [`Item`]s, [`Sketch`]es and
//! [`SourceState`](crate::model::SourceState)s and hands them back.
//!
//! # Layout (schema version 3)
//! Small values are JSON, so a damaged value is reported as [`StoreError::Corrupt`]; stories and
//! the ids that point at them have a layout of their own (`codec.rs`).
//! - `meta`: `schema_version` → the layout version ([`SCHEMA_VERSION`]); see `migrate.rs`.
//! - `items`: story id → [`Item`]: its date, then its JSON compressed with LZ4 (`codec.rs`).
//! - `keys`: [`ItemKey::to_bytes`] → story id (its bytes). Kept when a story is pruned, so its
//!   keys still lead to its tombstone.
//! - `by_time`: `time_key::encode(published, id)` → story id (its bytes); an ordered scan gives
//!   the newest stories first.
//! - `sketches`: `time_key::ascending(published)` + id → [`Sketch::to_bytes`] (binary), the
//!   near-duplicate candidate index: a range of it holds the stories of a time window, whatever
//!   the size of the store (`near.rs`).
//! - `tombstones`: story id → [`Tombstone`] (`prune.rs`).
//! - `guids`: source id → [`GuidTrust`](crate::dedup::GuidTrust) (`identity.rs`).
//! - `sources`: source id → [`SourceState`](crate::model::SourceState) (see `sources.rs`).
//!
//! The whole store, as engine-independent [`Record`]s, goes out and in through `transfer.rs`;
//! `copy.rs` copies one store into another through the trait, and `location.rs` tells a sled
//! path from a PostgreSQL URL.
//!
//! # Writing a story, crash-safe without a transaction
//! A story is written in an order that every crash leaves readable (sled recovers a prefix of
//! its log): its sketch and time-index entry at its date first, then the story, then its keys,
//! and last the entries at its old date when the date changed. A crash can only leave an index
//! entry too many, never a story the indexes miss: an entry naming a missing story, or a story
//! of another date (a move cut short), is passed over by every reader ([`Store::latest`],
//! `prune`, the near-duplicate lookup) and cleaned up by `prune`; a story whose keys were not
//! written yet is stored again, under the same id, by the next run. One multi-tree transaction
//! per story cost more than all the rest of storing it.

mod backend;
mod codec;
pub mod copy;
mod error;
mod identity;
mod location;
mod migrate;
mod near;
mod postgres;
mod prune;
mod records;
mod sharing;
mod sources;
mod time_key;
mod transfer;

use std::fmt;
use std::path::{Path, PathBuf};

pub use self::backend::{Backend, SharedStore, flush_async, open};
pub use self::error::StoreError;
pub use self::location::{Location, LocationError, check_postgres_url, is_postgres_url, redact};
pub use self::near::SketchEntry;
pub use self::postgres::{PgStore, SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION};
pub use self::prune::{Pruned, Tombstone};
pub use self::records::{Counts, Record};
pub use self::sharing::{REMOVALS_KEPT, Sharing, SketchChanges, WriteGuard};

use crate::dedup::Sketch;
use crate::model::{Item, ItemKey};

/// The layout version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 3;

const META_TREE: &str = "meta";
const ITEMS_TREE: &str = "items";
const KEYS_TREE: &str = "keys";
const BY_TIME_TREE: &str = "by_time";
const SKETCHES_TREE: &str = "sketches";
const TOMBSTONES_TREE: &str = "tombstones";
const GUIDS_TREE: &str = "guids";
const SOURCES_TREE: &str = "sources";
const SCHEMA_KEY: &[u8] = b"schema_version";

/// What a write does to a story's near-duplicate sketch.
#[derive(Debug, Clone, Copy)]
pub enum SketchWrite<'a> {
    /// Leave it as it is (moved along if the story's date changed).
    Keep,
    /// Store this one.
    Set(&'a Sketch),
    /// The story takes no part in near-duplicate detection.
    Clear,
}

/// An open store. Cheap to clone: every clone shares the same database.
#[derive(Clone)]
pub struct Store {
    path: PathBuf,
    db: sled::Db,
    items: sled::Tree,
    keys: sled::Tree,
    by_time: sled::Tree,
    sketches: sled::Tree,
    tombstones: sled::Tree,
    guids: sled::Tree,
    sources: sled::Tree,
}

impl fmt::Debug for Store {
    // sled's own Debug walks the whole tree; the path is what a reader of a log needs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// The most the engine keeps of the store in memory, in bytes (sled's default is 1 GiB). The
/// pages a run writes (every source's state, its stories and their indexes) would otherwise
/// stay cached to the end: a run of 100,000 sources peaked near 900 MB. Reads that miss go to
/// the OS page cache. sled counts pages as written on disk, and holds about half as much again
/// in memory. At 100,000 sources answering 304, 8 MiB instead of 16 took 8 MB off the peak at
/// the same wall time (`bench/fetch.sh 100000 64 20`).
const CACHE_CAPACITY: u64 = 8 * 1024 * 1024;

/// How long `open` keeps trying while sled's file lock is still held.
pub const OPEN_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// `sled::open`, retried briefly while the database's file lock is held: sled releases it only
/// when its background flusher has exited, which can trail the drop of the last handle in this
/// same process (one run's store closing as the next opens it). Another process holding the
/// store is kept out by the run lock first; past the wait, the error is returned.
fn open_db(path: &Path) -> Result<sled::Db, StoreError> {
    let deadline = std::time::Instant::now() + OPEN_LOCK_WAIT;
    let failed = |source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    // A lock released between sled's try and ours is tried again once (see `lock_state`).
    let mut free_retry = true;
    loop {
        let error = match sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_CAPACITY)
            .open()
        {
            Ok(db) => return Ok(db),
            Err(sled::Error::Io(error)) => error,
            Err(other) => return Err(failed(other)),
        };
        match lock_state(path, &error) {
            Some(DbLock::Held) if std::time::Instant::now() >= deadline => {
                return Err(StoreError::Locked {
                    path: path.to_path_buf(),
                });
            }
            Some(DbLock::Held) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Some(DbLock::Free) if free_retry => free_retry = false,
            _ => return Err(failed(sled::Error::Io(error))),
        }
    }
}

/// The state of the database file's lock, when `error` (from `sled::open`) may be about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DbLock {
    Held,
    Free,
}

/// sled 0.34 reports a held lock as `Error::Io` of kind `Other`, fs2's `WouldBlock` error only
/// formatted into its message (`Config::try_lock`); so an error of that kind is checked by
/// trying the same lock (`flock` on `<path>/db`, as fs2 takes it) and letting it go at once.
/// `None`: the error is of another kind, or the file cannot be tried.
fn lock_state(path: &Path, error: &std::io::Error) -> Option<DbLock> {
    if error.kind() != std::io::ErrorKind::Other {
        return None;
    }
    let file = std::fs::File::open(path.join("db")).ok()?;
    match file.try_lock() {
        Ok(()) => Some(DbLock::Free),
        Err(std::fs::TryLockError::WouldBlock) => Some(DbLock::Held),
        Err(std::fs::TryLockError::Error(_)) => None,
    }
}

impl Store {
    /// Opens (or creates, with its parent directories) the store at `path`.
    ///
    /// A fresh database gets [`SCHEMA_VERSION`]; an older one is migrated in place (see
    /// `migrate.rs`); a newer one is refused with [`StoreError::Schema`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = open_db(path)?;
        let store = Store {
            path: path.to_path_buf(),
            items: db.open_tree(ITEMS_TREE)?,
            keys: db.open_tree(KEYS_TREE)?,
            by_time: db.open_tree(BY_TIME_TREE)?,
            sketches: db.open_tree(SKETCHES_TREE)?,
            tombstones: db.open_tree(TOMBSTONES_TREE)?,
            guids: db.open_tree(GUIDS_TREE)?,
            sources: db.open_tree(SOURCES_TREE)?,
            db,
        };
        store.check_schema()?;
        Ok(store)
    }

    /// The path the store was opened at.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The id of the story stored under `key`, if any (the story may since have been pruned:
    /// see [`Store::tombstone`]).
    pub fn find(&self, key: &ItemKey) -> Result<Option<String>, StoreError> {
        self.keys
            .get(key.to_bytes())?
            .map(|id| codec::id_from(&id, || format!("id for {key}")))
            .transpose()
    }

    /// The story with this id, if any.
    pub fn get(&self, id: &str) -> Result<Option<Item>, StoreError> {
        self.items
            .get(id.as_bytes())?
            .map(|bytes| codec::item_from(&bytes, id.as_bytes()))
            .transpose()
    }

    /// Stores `item` under its id and every key in `keys`, keeping its near-duplicate sketch
    /// if it had one (see [`Store::put_story`]).
    pub fn put(&self, item: &Item, keys: &[ItemKey]) -> Result<(), StoreError> {
        self.put_story(item, keys, SketchWrite::Keep)
    }

    /// Stores `item` under its id and every key in `keys`, and its near-duplicate sketch as
    /// `sketch` says, in the crash-safe order of the module doc.
    ///
    /// Replacing a story moves its time-index and sketch entries when `published` changed. A
    /// key that pointed at another story now points at this one; keys are never removed.
    pub fn put_story(
        &self,
        item: &Item,
        keys: &[ItemKey],
        sketch: SketchWrite<'_>,
    ) -> Result<(), StoreError> {
        let id = item.id.as_bytes();
        let old_published = match self.items.get(id)? {
            Some(old) => Some(codec::item_published(&old, id)?),
            None => None,
        };
        self.write_story(item, keys, sketch, old_published)
    }

    /// [`Store::put_story`] for a story stored for the first time (no key of it is known), so
    /// no earlier version needs moving and none is looked up. Were one there after all (a
    /// crash between a story and its keys), entries at its old date are left over, and
    /// passed over like any other a crash leaves.
    /// `sketch` is the story's near-duplicate sketch, `None` when its text is too short.
    pub fn put_new_story(
        &self,
        item: &Item,
        keys: &[ItemKey],
        sketch: Option<&Sketch>,
    ) -> Result<(), StoreError> {
        let sketch = sketch.map_or(SketchWrite::Clear, SketchWrite::Set);
        self.write_story(item, keys, sketch, None)
    }

    /// Writes a story whose earlier version, if any, was dated `old_published`.
    fn write_story(
        &self,
        item: &Item,
        keys: &[ItemKey],
        sketch: SketchWrite<'_>,
        old_published: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<(), StoreError> {
        let id = item.id.as_bytes();
        let value = codec::item_value(item)?;
        let new_time = time_key::encode(item.published, &item.id);
        let new_sketch_key = near::key(item.published, &item.id);
        let old_time = old_published.map(|at| time_key::encode(at, &item.id));
        let old_sketch_key = old_published
            .map(|at| near::key(at, &item.id))
            .filter(|old| *old != new_sketch_key);

        // 1. What indexes the story at its (new) date.
        match sketch {
            SketchWrite::Set(sketch) => {
                self.sketches
                    .insert(new_sketch_key.as_slice(), sketch.to_bytes())?;
            }
            SketchWrite::Keep => {
                if let Some(old) = &old_sketch_key
                    && let Some(kept) = self.sketches.get(old)?
                {
                    self.sketches.insert(new_sketch_key.as_slice(), kept)?;
                }
            }
            SketchWrite::Clear => {}
        }
        self.by_time.insert(new_time.as_slice(), id)?;
        // 2. The story, 3. the keys that lead to it.
        self.items.insert(id, value)?;
        for key in keys {
            self.keys.insert(key.to_bytes(), id)?;
        }
        // 4. What indexed it at its old date.
        if let Some(old) = old_time.filter(|old| *old != new_time) {
            self.by_time.remove(old)?;
        }
        match (sketch, old_sketch_key) {
            (SketchWrite::Clear, _) => {
                self.sketches.remove(new_sketch_key)?;
            }
            (_, Some(old)) => {
                self.sketches.remove(old)?;
            }
            (_, None) => {}
        }
        Ok(())
    }

    /// The `limit` newest stories, ordered by (published desc, id asc).
    ///
    /// Reads the time index in order, so the cost follows `limit`, not the store's size.
    pub fn latest(&self, limit: usize) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::with_capacity(limit.min(1024));
        for entry in self.by_time.iter() {
            if found.len() >= limit {
                break;
            }
            let (time, id) = entry?;
            let Some(bytes) = self.items.get(&id)? else {
                // A story whose write a crash cut short: `prune` removes the entry.
                tracing::debug!(
                    item = %String::from_utf8_lossy(&id),
                    "time index names a missing story"
                );
                continue;
            };
            // An entry left at a story's old date by a crash in the middle of moving it.
            if time_key::decode(&time) != Some(codec::item_published(&bytes, &id)?) {
                continue;
            }
            found.push(codec::item_from(&bytes, &id)?);
        }
        Ok(found)
    }

    /// How many stories are stored. sled counts by scanning, so this walks the items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Writes everything to disk and waits until it is durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Bytes the database takes on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Outlet;
    use chrono::{DateTime, TimeZone, Utc};

    pub(super) fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0)
            .single()
            .expect("valid instant")
    }

    /// 2018-12-24 11:06:36 China time, the seed article's time.
    pub(super) const SEED: i64 = 1_545_620_796;

    pub(super) fn item(id: &str, published: DateTime<Utc>) -> Item {
        Item {
            id: id.to_owned(),
            source: "scjjrb".to_owned(),
            title: format!("川渝合作 {id}"),
            link: format!("https://example.com/jjxz/{id}.html"),
            summary: "成渝地区双城经济圈建设".to_owned(),
            content_html: "<p>四川经济日报讯（记者 陈家明）川渝两地签署协议。</p>".to_owned(),
            published,
            updated: None,
            authors: vec!["陈家明".to_owned()],
            categories: vec!["今日西南".to_owned()],
            outlet: Outlet {
                name: "四川经济日报".to_owned(),
                url: Some("http://www.scjjrb.com/".to_owned()),
            },
            first_seen: published,
            origin: None,
            content_hash: "h1".to_owned(),
            provenance: vec![],
            linkless: false,
        }
    }

    fn ids(items: &[Item]) -> Vec<&str> {
        items.iter().map(|item| item.id.as_str()).collect()
    }

    pub(super) fn fresh() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("data").join("beatwire.sled")).expect("open");
        (dir, store)
    }

    #[test]
    fn put_find_get_round_trip_keeps_chinese_text() {
        let (_dir, store) = fresh();
        assert!(store.is_empty());
        let story = item("s1", at(SEED));
        let key = ItemKey::Link("https://example.com/jjxz/s1.html".to_owned());
        store.put(&story, std::slice::from_ref(&key)).expect("put");

        assert_eq!(store.find(&key).expect("find").as_deref(), Some("s1"));
        let back = store.get("s1").expect("get").expect("stored");
        assert_eq!(back, story);
        assert_eq!(back.title, "川渝合作 s1");
        assert_eq!(store.len(), 1);
        assert!(store.get("missing").expect("get").is_none());
        let other = ItemKey::Link("https://example.com/other".to_owned());
        assert_eq!(store.find(&other).expect("find"), None);
    }

    #[test]
    fn two_keys_find_one_story() {
        let (_dir, store) = fresh();
        let guid = ItemKey::Guid {
            source: "scjjrb".to_owned(),
            guid: "稿件-2018-1224".to_owned(),
        };
        let link = ItemKey::Link("https://example.com/jjxz/s1.html".to_owned());
        store
            .put(&item("s1", at(SEED)), &[guid.clone(), link.clone()])
            .expect("put");
        assert_eq!(store.find(&guid).expect("find").as_deref(), Some("s1"));
        assert_eq!(store.find(&link).expect("find").as_deref(), Some("s1"));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn changed_published_moves_the_time_index_entry() {
        let (_dir, store) = fresh();
        store.put(&item("a", at(SEED)), &[]).expect("put a");
        store.put(&item("b", at(SEED + 60)), &[]).expect("put b");
        assert_eq!(ids(&store.latest(10).expect("latest")), ["b", "a"]);

        let mut moved = item("a", at(SEED + 120));
        moved.title = "更新后的标题".to_owned();
        store.put(&moved, &[]).expect("re-put a");
        let latest = store.latest(10).expect("latest");
        assert_eq!(ids(&latest), ["a", "b"]);
        assert_eq!(latest[0].title, "更新后的标题");
        assert_eq!(store.by_time.len(), 2, "the old time-index entry is gone");

        // Re-putting with the same time changes nothing in the order.
        store.put(&moved, &[]).expect("re-put a again");
        assert_eq!(ids(&store.latest(10).expect("latest")), ["a", "b"]);
        assert_eq!(store.by_time.len(), 2);
    }

    #[test]
    fn ties_are_broken_by_id_and_limit_is_kept() {
        let (_dir, store) = fresh();
        for id in ["c", "a", "b"] {
            store.put(&item(id, at(SEED)), &[]).expect("put");
        }
        store.put(&item("z", at(SEED + 1)), &[]).expect("put");
        store
            .put(&item("old", at(SEED - 86_400)), &[])
            .expect("put");

        assert_eq!(
            ids(&store.latest(10).expect("latest")),
            ["z", "a", "b", "c", "old"]
        );
        assert_eq!(ids(&store.latest(2).expect("latest")), ["z", "a"]);
        assert!(store.latest(0).expect("latest").is_empty());
        assert_eq!(store.len(), 5);
    }

    // See: the write order of `put_story` (module doc): what a crash can leave behind.
    #[test]
    fn entries_a_crash_left_behind_are_passed_over_and_pruned() {
        let (_dir, store) = fresh();
        store.put(&item("a", at(SEED)), &[]).expect("put");
        let day_before = at(SEED - 86_400);
        // A move cut short, and a new story cut short before the story itself was written.
        store
            .by_time
            .insert(time_key::encode(day_before, "a"), b"a".as_slice())
            .expect("insert");
        store
            .by_time
            .insert(time_key::encode(day_before, "ghost"), b"ghost".as_slice())
            .expect("insert");
        store
            .sketches
            .insert(near::key(day_before, "ghost"), b"sketch".as_slice())
            .expect("insert");
        assert_eq!(ids(&store.latest(10).expect("latest")), ["a"]);

        let pruned = store.prune(at(SEED - 3_600), at(SEED)).expect("prune");
        assert_eq!(pruned.stories, 0);
        assert_eq!(store.by_time.len(), 1);
        assert_eq!(store.sketch_count(), 0);
        assert_eq!(ids(&store.latest(10).expect("latest")), ["a"]);
        assert_eq!(store.tombstone_count(), 0);
    }

    #[test]
    fn reopen_after_drop_keeps_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("beatwire.sled");
        let key = ItemKey::Link("https://example.com/jjxz/s1.html".to_owned());
        {
            let store = Store::open(&path).expect("open");
            store
                .put(&item("s1", at(SEED)), std::slice::from_ref(&key))
                .expect("put");
            store.flush().expect("flush");
        }
        let store = Store::open(&path).expect("reopen");
        assert_eq!(store.find(&key).expect("find").as_deref(), Some("s1"));
        assert_eq!(ids(&store.latest(5).expect("latest")), ["s1"]);
    }

    #[test]
    fn second_open_while_held_names_the_lock() {
        let (dir, store) = fresh();
        let error = Store::open(store.path()).expect_err("the lock is held");
        assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
        let message = error.to_string();
        assert!(message.contains("another beatwire process"), "{message}");
        assert!(
            message.contains(&dir.path().display().to_string()),
            "{message}"
        );
    }

    // sled's lock error is told apart by its kind and the lock itself, not its message: a
    // store that is let go while `open` waits is opened.
    #[test]
    fn open_waits_for_a_lock_that_is_let_go() {
        let (_dir, store) = fresh();
        let path = store.path.clone();
        let holder = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            drop(store);
        });
        let started = std::time::Instant::now();
        let reopened = Store::open(&path).expect("opened once let go");
        assert!(
            started.elapsed() < OPEN_LOCK_WAIT,
            "{:?}",
            started.elapsed()
        );
        holder.join().expect("holder");
        drop(reopened);
    }

    #[test]
    fn schema_mismatch_names_both_versions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("beatwire.sled");
        {
            let db = sled::open(&path).expect("sled open");
            let meta = db.open_tree(META_TREE).expect("meta");
            meta.insert(SCHEMA_KEY, b"7".as_slice()).expect("insert");
            db.flush().expect("flush");
        }
        let error = Store::open(&path).expect_err("schema 7 is not ours");
        assert!(
            matches!(
                error,
                StoreError::Schema {
                    found: 7,
                    expected: SCHEMA_VERSION,
                    ..
                }
            ),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("schema version 7"), "{message}");
        assert!(
            message.contains(&format!("expects {SCHEMA_VERSION}")),
            "{message}"
        );
        assert!(message.contains("upgrade beatwire"), "{message}");
    }

    #[test]
    fn fresh_store_records_its_schema_version() {
        let (_dir, store) = fresh();
        let meta = store.db.open_tree(META_TREE).expect("meta");
        let stored = meta.get(SCHEMA_KEY).expect("get").expect("written");
        assert_eq!(stored.as_ref(), SCHEMA_VERSION.to_string().as_bytes());
    }

    #[test]
    fn damaged_item_is_reported_as_corrupt() {
        let (_dir, store) = fresh();
        store
            .items
            .insert(b"bad", b"{not json".as_slice())
            .expect("insert");
        let error = store.get("bad").expect_err("damaged");
        assert!(error.to_string().contains("corrupt item bad"), "{error}");
        let error = store.put(&item("bad", at(SEED)), &[]).expect_err("damaged");
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
    }
}
