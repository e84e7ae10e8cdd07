//! The store's error type and the JSON codec of the small stored values (stories have their
//! own, `codec.rs`), so that a damaged value always surfaces as [`StoreError::Corrupt`] naming
//! what was damaged.
//!
//! This file must not open trees or know the layout.

use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {}: {source}", path.display())]
    Open { path: PathBuf, source: sled::Error },
    /// Another process holds the database's lock.
    #[error(
        "cannot open the store at {}: another beatwire process is using it (`serve` never opens the store)",
        path.display()
    )]
    Locked { path: PathBuf },
    /// `store` is the path or the URL (its password hidden) of the store.
    #[error(
        "the store at {store} has schema version {found}, this beatwire expects {expected}{}",
        schema_hint(*found, *expected)
    )]
    Schema {
        store: String,
        found: u32,
        expected: u32,
    },
    /// A store that should be there (the source of a copy) is not.
    #[error("no store at {}: nothing there to read", path.display())]
    Missing { path: PathBuf },
    #[error("store error: {0}")]
    Db(#[from] sled::Error),
    /// A PostgreSQL store could not be reached; `url` has its password hidden.
    #[error("cannot reach the store at {url}: {reason}")]
    Connect { url: String, reason: String },
    /// The PostgreSQL server answered a new connection with an error (no such database, a
    /// refused login); `url` has its password hidden.
    #[error("cannot open the store at {url}: {reason}")]
    Refused { url: String, reason: String },
    /// What PostgreSQL answered (the whole chain of causes: the client's own message is bare).
    #[error("store error: {0}")]
    Postgres(String),
    #[error("cannot start the store's connection threads: {0}")]
    Runtime(std::io::Error),
    #[error("the store's connection threads have stopped")]
    Stopped,
    #[error("corrupt {what} in the store: {source}")]
    Corrupt {
        what: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> StoreError {
        StoreError::Postgres(chain(&error))
    }
}

/// `error` and each of its causes, joined by `: ` (a cause already in its parent's message
/// is not repeated).
pub(super) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// A [`StoreError::Corrupt`] naming `what` was damaged and why.
pub(super) fn corrupt(
    what: String,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> StoreError {
    StoreError::Corrupt {
        what,
        source: source.into(),
    }
}

/// What to do about a store of another layout version.
fn schema_hint(found: u32, expected: u32) -> &'static str {
    if found > expected {
        ": it was written by a newer beatwire; upgrade beatwire, or set `store` in feeds.toml to a new place"
    } else {
        ": no migration from that version; move the store aside and let beatwire start a new one"
    }
}

pub(super) fn encode<T: Serialize + ?Sized>(
    value: &T,
    what: impl FnOnce() -> String,
) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|source| corrupt(what(), source))
}

pub(super) fn decode<T: DeserializeOwned>(
    bytes: &[u8],
    what: impl FnOnce() -> String,
) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| corrupt(what(), source))
}

/// The value under `key` in `tree`, decoded; `None` when there is none.
pub(super) fn get_json<T: DeserializeOwned>(
    tree: &sled::Tree,
    key: &[u8],
    what: impl FnOnce() -> String,
) -> Result<Option<T>, StoreError> {
    tree.get(key)?.map(|bytes| decode(&bytes, what)).transpose()
}
