//! A store copied whole into another, whatever engines keep them, through the [`Backend`]
//! trait only: every record of one is exported and imported into the other in batches, then
//! both sides are counted and must agree.
//!
//! A copy is exact (ids, keys, dates, first-seen times, sketches and tombstones as they are)
//! and applies no identity rule, so it goes only into an empty store: anything already there
//! would be neither kept apart nor merged. A copy cut short leaves a partial store, which the
//! next copy refuses as not empty; remove it and copy again.
//!
//! Must not: open stores or take locks (the caller does), nor know an engine.

use super::records::{Counts, Record};
use super::{Backend, StoreError};

/// Records written per [`Backend::import`]: large enough that a batch costs little per record,
/// small enough that a batch of long stories stays a few megabytes.
pub const BATCH: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("cannot copy the store at {location} onto itself")]
    SameStore { location: String },
    #[error(
        "the destination store is not empty ({}): a copy goes only into an empty store",
        counts.describe()
    )]
    NotEmpty { counts: Counts },
    #[error(
        "the copy does not match its source: the source holds {}, {} were copied, the \
         destination holds {}",
        .0.from.describe(),
        .0.copied.describe(),
        .0.to.describe()
    )]
    Differ(Box<Sides>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What each side of a copy held, and what was copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides {
    pub from: Counts,
    pub copied: Counts,
    pub to: Counts,
}

/// Copies every record of `from` into `to`, which must be empty, and returns what both hold
/// once done (the same on both sides, or [`CopyError::Differ`]).
pub fn copy(from: &dyn Backend, to: &dyn Backend) -> Result<Counts, CopyError> {
    let already = to.counts()?;
    if !already.is_empty() {
        return Err(CopyError::NotEmpty { counts: already });
    }
    let mut copied = Counts::default();
    let mut batch: Vec<Record> = Vec::with_capacity(BATCH);
    from.export(&mut |record| {
        copied.add(&record);
        batch.push(record);
        if batch.len() >= BATCH {
            to.import(&batch)?;
            batch.clear();
        }
        Ok(())
    })?;
    if !batch.is_empty() {
        to.import(&batch)?;
    }
    to.flush()?;
    let (from, to) = (from.counts()?, to.counts()?);
    if copied != from || to != from {
        return Err(CopyError::Differ(Box::new(Sides { from, copied, to })));
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SEED, at, fresh, item};
    use super::*;
    use crate::model::ItemKey;

    #[test]
    fn more_than_a_batch_is_copied_and_counted_on_both_sides() {
        let (_from_dir, from) = fresh();
        for n in 0..(BATCH + 10) {
            let id = format!("s{n:04}");
            let key = ItemKey::Link(format!("https://example.com/{id}"));
            from.put(&item(&id, at(SEED + n as i64)), &[key])
                .expect("put");
        }
        from.remove("s0003", at(SEED + 3_600)).expect("remove");
        let (_to_dir, to) = fresh();
        let counts = copy(&from, &to).expect("copy");
        assert_eq!(
            counts,
            Counts {
                stories: BATCH as u64 + 9,
                keys: BATCH as u64 + 10,
                tombstones: 1,
                ..Counts::default()
            }
        );
        assert_eq!(
            to.latest(BATCH * 2).expect("latest"),
            from.latest(BATCH * 2).expect("latest")
        );
    }

    #[test]
    fn a_store_that_is_not_empty_is_refused_untouched() {
        let (_from_dir, from) = fresh();
        from.put(&item("a", at(SEED)), &[]).expect("put");
        let (_to_dir, to) = fresh();
        to.set_source_state("cqrb", &crate::model::SourceState::default())
            .expect("state");
        let error = copy(&from, &to).expect_err("not empty");
        assert!(matches!(error, CopyError::NotEmpty { .. }), "{error:?}");
        assert!(error.to_string().contains("1 sources"), "{error}");
        assert!(to.get("a").expect("get").is_none());
    }
}
