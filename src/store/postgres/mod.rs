//! The store in PostgreSQL: the same [`Backend`] as sled's, for a beat whose store is a
//! `postgres://` URL, and what several workers sharing it need ([`Sharing`]).
//!
//! # Layout (`migrations/`)
//! One table per sled tree, holding the same values: `stories` (the story's bytes from
//! `codec.rs`, and its date to the nanosecond, indexed newest first with ties by id in byte
//! order, exactly sled's time index), `story_keys`, `sketches` (dated to the second, like
//! sled's keys), `tombstones`, `guids` and `sources` (JSON, as in sled); `hosts` and
//! `write_generation` for [`Sharing`]. A story is written in one transaction, so no index
//! entry is ever left over.
//!
//! # Threads
//! A pool of connections (deadpool-postgres over tokio-postgres) on a small runtime of the
//! store's own (`bridge.rs`): the trait is synchronous and may be called inside the app's
//! runtime.
//!
//! Must not: know feed formats, or hold logic that differs from sled's: what an operation
//! means is the [`Backend`] doc, and the conformance suite runs both.

mod bridge;
mod schema;
mod sharing;
mod state;
mod stories;
mod tls;
mod transfer;

pub(crate) use tls::split as split_tls;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};

use self::bridge::Bridge;
pub use self::schema::SCHEMA_VERSION;
use super::error::chain;
use super::location::redact;
use super::{
    Backend, Counts, Pruned, Record, Sharing, SketchEntry, SketchWrite, StoreError, Tombstone,
};
use crate::dedup::{GuidTrust, Sketch};
use crate::model::{Item, ItemKey, SourceState};

/// Connections kept open at most.
const POOL_SIZE: usize = 8;
/// How long reaching the server may take, unless the URL says (`connect_timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The options every connection starts with: the URL's own, then `synchronous_commit` off. A
/// write then returns once committed and visible to every other session, without waiting for
/// the disk; [`durable`] (the store's flush, which ends every source's pass) waits for the disk
/// once for everything written before it, as sled's flush does.
fn session_options(own: Option<&str>) -> String {
    let relaxed = "-c synchronous_commit=off";
    match own.map(str::trim).filter(|o| !o.is_empty()) {
        Some(own) => format!("{own} {relaxed}"),
        None => relaxed.to_owned(),
    }
}

/// Waits until everything any session committed before this call is on the server's disk: a
/// transaction that writes a record to the log and commits synchronously flushes the log up
/// to its own commit, and so every commit before it.
async fn durable(db: Db) -> Result<(), StoreError> {
    let client = db.client().await?;
    client
        .batch_execute(
            "BEGIN;
             SET LOCAL synchronous_commit = on;
             SELECT pg_logical_emit_message(true, 'beatwire', 'durable');
             COMMIT;",
        )
        .await?;
    Ok(())
}

/// The connection pool and the URL to name in messages (password hidden).
#[derive(Clone)]
struct Db {
    pool: Pool,
    url: Arc<str>,
}

impl Db {
    async fn client(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(|error| match error {
            // The server answered (no such database, a refused login): it was reached.
            deadpool_postgres::PoolError::Backend(e) if e.as_db_error().is_some() => {
                StoreError::Refused {
                    url: self.url.to_string(),
                    reason: chain(&e),
                }
            }
            deadpool_postgres::PoolError::Backend(e) => StoreError::Connect {
                url: self.url.to_string(),
                reason: chain(&e),
            },
            other => StoreError::Connect {
                url: self.url.to_string(),
                reason: chain(&other),
            },
        })
    }
}

/// An open PostgreSQL store.
pub struct PgStore {
    db: Db,
    /// Set once a write has returned, cleared by the flush that makes it durable.
    unflushed: AtomicBool,
    /// One flush at a time: a flush that finds nothing unflushed has waited for the one that
    /// took the flag to finish.
    flushing: Mutex<()>,
    // Dropped after the pool: its connections' tasks run on it.
    bridge: Arc<Bridge>,
}

impl Drop for PgStore {
    /// What was written is made durable before the store goes, as sled does when closed.
    fn drop(&mut self) {
        if let Err(e) = Backend::flush(self) {
            tracing::warn!(store = %self.db.url, error = %e, "the store's last writes may not be on disk");
        }
    }
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &self.db.url)
            .finish()
    }
}

impl PgStore {
    /// Connects to the database at `url` and brings its schema up to date (see `schema.rs`).
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let shown: Arc<str> = redact(url).into();
        let refused = |reason: String| StoreError::Connect {
            url: shown.to_string(),
            reason,
        };
        let (url, tls) =
            tls::split(url, |name| std::env::var(name).ok()).map_err(|e| refused(e.to_string()))?;
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| refused(chain(&e)))?;
        config.ssl_mode(tls.ssl_mode());
        let connector = tls.connector().map_err(|e| refused(e.to_string()))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let options = session_options(config.get_options());
        config.options(&options);
        let manager = Manager::from_config(
            config,
            connector,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| StoreError::Connect {
                url: shown.to_string(),
                reason: chain(&e),
            })?;
        let store = PgStore {
            db: Db { pool, url: shown },
            unflushed: AtomicBool::new(false),
            flushing: Mutex::new(()),
            bridge: Arc::new(Bridge::new()?),
        };
        store.bridge.run(schema::migrate(store.db.clone()))?;
        Ok(store)
    }

    /// The URL the store was opened at, its password hidden.
    pub fn url(&self) -> &str {
        &self.db.url
    }

    /// [`PgStore::run`] for work that writes: a later flush makes it durable.
    fn write<T, F>(&self, work: impl FnOnce(Db) -> F) -> Result<T, StoreError>
    where
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
        T: Send + 'static,
    {
        let done = self.run(work);
        self.unflushed.store(true, Ordering::Release);
        done
    }

    /// Runs `work` with the pool on the store's runtime and waits for it.
    fn run<T, F>(&self, work: impl FnOnce(Db) -> F) -> Result<T, StoreError>
    where
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
        T: Send + 'static,
    {
        self.bridge.run(work(self.db.clone()))
    }
}

impl Backend for PgStore {
    fn export(
        &self,
        sink: &mut dyn FnMut(Record) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.export_records(sink)
    }

    fn import(&self, records: &[Record]) -> Result<(), StoreError> {
        let imported = self.import_records(records);
        self.unflushed.store(true, Ordering::Release);
        imported
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        self.count_records()
    }

    fn find(&self, key: &ItemKey) -> Result<Option<String>, StoreError> {
        let key = key.to_bytes();
        self.run(|db| stories::find(db, key))
    }

    fn find_each(&self, keys: &[ItemKey]) -> Result<Vec<Option<String>>, StoreError> {
        let keys: Vec<Vec<u8>> = keys.iter().map(ItemKey::to_bytes).collect();
        self.run(|db| stories::find_each(db, keys))
    }

    fn find_first(&self, keys: &[ItemKey]) -> Result<Option<String>, StoreError> {
        Ok(self.find_each(keys)?.into_iter().flatten().next())
    }

    fn get(&self, id: &str) -> Result<Option<Item>, StoreError> {
        let id = id.to_owned();
        self.run(|db| stories::get(db, id))
    }

    fn put_story(
        &self,
        item: &Item,
        keys: &[ItemKey],
        sketch: SketchWrite<'_>,
    ) -> Result<(), StoreError> {
        let write = stories::StoryWrite::new(item, keys, sketch)?;
        self.write(|db| stories::put(db, write))
    }

    fn put_new_story(
        &self,
        item: &Item,
        keys: &[ItemKey],
        sketch: Option<&Sketch>,
    ) -> Result<(), StoreError> {
        let sketch = sketch.map_or(SketchWrite::Clear, SketchWrite::Set);
        let write = stories::StoryWrite::new(item, keys, sketch)?;
        self.write(|db| stories::put(db, write))
    }

    fn latest(&self, limit: usize) -> Result<Vec<Item>, StoreError> {
        self.run(|db| stories::latest(db, limit))
    }

    fn sketches_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SketchEntry>, StoreError> {
        self.run(|db| stories::sketches_between(db, from, to))
    }

    fn tombstone(&self, id: &str) -> Result<Option<Tombstone>, StoreError> {
        let id = id.to_owned();
        self.run(|db| stories::tombstone(db, id))
    }

    fn remove(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let id = id.to_owned();
        self.write(|db| stories::remove(db, id, now))
    }

    fn prune(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> Result<Pruned, StoreError> {
        self.write(|db| stories::prune(db, cutoff, now))
    }

    fn source_state(&self, source: &str) -> Result<SourceState, StoreError> {
        let source = source.to_owned();
        self.run(|db| state::source_state(db, source))
    }

    fn set_source_state(&self, source: &str, state: &SourceState) -> Result<(), StoreError> {
        let value = super::error::encode(state, || format!("state of source {source}"))?;
        let source = source.to_owned();
        self.write(|db| state::put(db, state::Table::Sources, source, value))
    }

    fn source_states(&self) -> Result<Vec<(String, SourceState)>, StoreError> {
        self.run(state::source_states)
    }

    fn guid_trust(&self, source: &str) -> Result<GuidTrust, StoreError> {
        let source = source.to_owned();
        self.run(|db| state::guid_trust(db, source))
    }

    fn set_guid_trust(&self, source: &str, trust: GuidTrust) -> Result<(), StoreError> {
        let value = super::error::encode(&trust, || format!("guid trust of source {source}"))?;
        let source = source.to_owned();
        self.write(|db| state::put(db, state::Table::Guids, source, value))
    }

    /// Every write is committed, and so durable, when it returns.
    fn flush(&self) -> Result<(), StoreError> {
        let _turn = self
            .flushing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.unflushed.swap(false, Ordering::AcqRel)
            && let Err(e) = self.run(durable)
        {
            self.unflushed.store(true, Ordering::Release);
            return Err(e);
        }
        Ok(())
    }

    fn sharing(&self) -> Option<&dyn Sharing> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::session_options;

    #[test]
    fn the_url_s_own_options_are_kept_before_the_relaxed_commit() {
        assert_eq!(session_options(None), "-c synchronous_commit=off");
        assert_eq!(session_options(Some("  ")), "-c synchronous_commit=off");
        assert_eq!(
            session_options(Some("-c search_path=beat")),
            "-c search_path=beat -c synchronous_commit=off"
        );
    }
}
