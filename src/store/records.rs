//! A store as a stream of records, whatever engine keeps it: what [`Backend::export`] gives and
//! [`Backend::import`] takes, and the [`Counts`] both sides of a copy are checked by.
//!
//! One record kind per kind of stored thing, each whole and engine-independent (a story is an
//! [`Item`], not its bytes in one engine), so that a backend keeping a table per kind writes a
//! record as one row.
//!
//! Must not: read or write a store; the backends do (`transfer.rs` for sled).
//!
//! [`Backend::export`]: super::Backend::export
//! [`Backend::import`]: super::Backend::import

use serde::Serialize;

use super::Tombstone;
use crate::dedup::{GuidTrust, Sketch};
use crate::model::{Item, ItemKey, SourceState};

/// One stored thing, as it is stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A story, with its near-duplicate sketch (`None`: it takes no part in near-duplicate
    /// detection). Its keys are records of their own.
    Story {
        item: Item,
        sketch: Option<Box<Sketch>>,
    },
    /// A key and the id of the story it leads to, which may be a tombstone's.
    Key { key: ItemKey, id: String },
    /// What is left of a pruned or removed story.
    Tombstone { id: String, tombstone: Tombstone },
    /// What is remembered of a source.
    Source { id: String, state: SourceState },
    /// A source whose guids were judged (a source never judged has no record).
    GuidTrust { source: String, trust: GuidTrust },
}

/// How many of each thing a store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub stories: u64,
    /// Stories with a near-duplicate sketch.
    pub sketches: u64,
    pub keys: u64,
    pub tombstones: u64,
    /// Sources with a remembered state.
    pub sources: u64,
    /// Sources whose guid trust was recorded.
    pub guid_trust: u64,
}

impl Counts {
    /// Counts `record` in.
    pub fn add(&mut self, record: &Record) {
        match record {
            Record::Story { sketch, .. } => {
                self.stories += 1;
                self.sketches += u64::from(sketch.is_some());
            }
            Record::Key { .. } => self.keys += 1,
            Record::Tombstone { .. } => self.tombstones += 1,
            Record::Source { .. } => self.sources += 1,
            Record::GuidTrust { .. } => self.guid_trust += 1,
        }
    }

    /// Whether there is nothing at all.
    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }

    /// One line for people: `12 stories (10 with a sketch), 30 keys, …`.
    pub fn describe(&self) -> String {
        format!(
            "{} stories ({} with a near-duplicate sketch), {} keys, {} tombstones, {} sources, \
             {} guid trust entries",
            self.stories, self.sketches, self.keys, self.tombstones, self.sources, self.guid_trust
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_by_kind() {
        let mut counts = Counts::default();
        assert!(counts.is_empty());
        let trust = Record::GuidTrust {
            source: "cqrb".into(),
            trust: GuidTrust::Unstable,
        };
        let key = Record::Key {
            key: ItemKey::Link("https://example.com/a".into()),
            id: "a".into(),
        };
        for record in [&trust, &key, &key] {
            counts.add(record);
        }
        assert_eq!(
            counts,
            Counts {
                keys: 2,
                guid_trust: 1,
                ..Counts::default()
            }
        );
        assert!(!counts.is_empty());
        assert_eq!(
            counts.describe(),
            "0 stories (0 with a near-duplicate sketch), 2 keys, 0 tombstones, 0 sources, \
             1 guid trust entries"
        );
    }
}
