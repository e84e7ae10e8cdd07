//! `beatwire store copy`: one store copied whole into another, each given by its location (a
//! sled path or a `postgres://` URL), not by `feeds.toml`.
//!
//! A sled store is copied under the run lock of both sides, as `publish` and `prune` work: a
//! `run` working on either makes the copy stop at once with [`LockError::Held`] (exit 3).
//!
//! Must not: read or write records itself (`store::copy` does, through the trait).
//!
//! [`LockError::Held`]: super::lock::LockError::Held

use anyhow::Context;
use serde::Serialize;

use super::lock::RunLock;
use crate::store::copy::{self, CopyError};
use crate::store::{Counts, Location};

/// What a copy did.
#[derive(Debug, Clone, Serialize)]
pub struct Copied {
    /// The source, as given (a URL without its password).
    pub from: String,
    pub to: String,
    /// What both stores hold once done.
    pub counts: Counts,
}

impl Copied {
    /// One line for people.
    pub fn describe(&self) -> String {
        format!(
            "copied {} to {}: {}; both stores count the same",
            self.from,
            self.to,
            self.counts.describe()
        )
    }
}

/// Copies the store at `from` into the empty (or not yet created) store at `to`.
///
/// Refused before anything is locked or created when both name the same store or `from` holds
/// no store.
pub fn copy_store(from: &Location, to: &Location) -> anyhow::Result<Copied> {
    if from.same_as(to) {
        anyhow::bail!(CopyError::SameStore {
            location: from.to_string(),
        });
    }
    from.require_existing()?;
    let _locks = [from, to]
        .into_iter()
        .map(RunLock::acquire)
        .collect::<Result<Vec<_>, _>>()?;
    let source = crate::store::open(from)?;
    let destination = crate::store::open(to)?;
    let counts = copy::copy(source.as_ref(), destination.as_ref())
        .with_context(|| format!("cannot copy the store at {from} to {to}"))?;
    Ok(Copied {
        from: from.to_string(),
        to: to.to_string(),
        counts,
    })
}
