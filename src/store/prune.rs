//! The store's lifecycle: pruning stories past `keep_days`, and the tombstones that keep a pruned
//! or removed story from coming back as new.
//!
//! A story is pruned when both its date and the time the store first saw it are older than the
//! cutoff: a story is never pruned before it has been in the store `keep_days`, even when a feed
//! brings it in with an old date. A pruned story's item, time-index entry and sketch go; its keys
//! stay and lead to a [`Tombstone`], a few dozen bytes, kept for good.
//!
//! This file must not decide the cutoff (the caller passes it, from `keep_days` and `now`).

use std::convert::Infallible;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::error::{encode, get_json};
use super::{Store, StoreError, codec, near, time_key};

/// What is left of a pruned or removed story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// The story's date.
    pub published: DateTime<Utc>,
    /// When it left the store.
    pub removed: DateTime<Utc>,
}

/// What one [`Store::prune`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pruned {
    /// Stories removed (each left a tombstone).
    pub stories: usize,
    /// Stories dated before the cutoff but kept because the store saw them after it.
    pub kept_young: usize,
}

impl Store {
    /// The tombstone of a pruned or removed story, if it has one.
    pub fn tombstone(&self, id: &str) -> Result<Option<Tombstone>, StoreError> {
        get_json(&self.tombstones, id.as_bytes(), || {
            format!("tombstone {id}")
        })
    }

    /// Removes the story `id`, leaving a tombstone; `false` when there was no such story.
    pub fn remove(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let Some(bytes) = self.items.get(id.as_bytes())? else {
            return Ok(false);
        };
        let published = codec::item_published(&bytes, id.as_bytes())?;
        let tombstone = encode(
            &Tombstone {
                published,
                removed: now,
            },
            || format!("tombstone {id}"),
        )?;
        let time = time_key::encode(published, id);
        let sketch = near::key(published, id);
        let trees = (&self.items, &self.by_time, &self.sketches, &self.tombstones);
        trees
            .transaction(|(items, by_time, sketches, tombstones)| {
                items.remove(id.as_bytes())?;
                by_time.remove(time.as_slice())?;
                sketches.remove(sketch.as_slice())?;
                tombstones.insert(id.as_bytes(), tombstone.as_slice())?;
                Ok::<(), ConflictableTransactionError<Infallible>>(())
            })
            .map_err(|error| match error {
                TransactionError::Storage(e) => StoreError::Db(e),
                TransactionError::Abort(never) => match never {},
            })?;
        Ok(true)
    }

    /// Removes every story dated before `cutoff` that the store also first saw before it.
    ///
    /// Walks the time index from its oldest end and stops at the first story dated after the
    /// cutoff, so the cost follows the stories pruned, not the store's size. Entries a crash
    /// left behind (naming a missing story, or a story at another date) are removed on the way.
    pub fn prune(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> Result<Pruned, StoreError> {
        let mut old = Vec::new();
        for entry in self.by_time.iter().rev() {
            let (key, id) = entry?;
            match time_key::decode(&key) {
                Some(published) if published < cutoff => old.push((published, id)),
                _ => break,
            }
        }
        let mut pruned = Pruned::default();
        for (published, id) in old {
            let id = codec::id_from(&id, || "time index entry".to_owned())?;
            let item = match self.get(&id)? {
                Some(item) if item.published == published => item,
                other => {
                    self.by_time.remove(time_key::encode(published, &id))?;
                    let stale = near::key(published, &id);
                    if other.is_none_or(|item| near::key(item.published, &id) != stale) {
                        self.sketches.remove(stale)?;
                    }
                    continue;
                }
            };
            if item.first_seen >= cutoff {
                pruned.kept_young += 1;
                continue;
            }
            if self.remove(&id, now)? {
                pruned.stories += 1;
            }
        }
        Ok(pruned)
    }

    /// How many tombstones are kept.
    pub fn tombstone_count(&self) -> usize {
        self.tombstones.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SEED, at, fresh, item};
    use crate::model::ItemKey;

    const DAY: i64 = 86_400;

    #[test]
    fn prune_removes_only_stories_old_by_date_and_by_first_seen() {
        let (_dir, store) = fresh();
        let now = at(SEED + 100 * DAY);
        let cutoff = at(SEED + 10 * DAY);
        let old = item("old", at(SEED));
        let mut late_seen = item("late-seen", at(SEED));
        late_seen.first_seen = at(SEED + 50 * DAY);
        let young = item("young", at(SEED + 20 * DAY));
        let key = ItemKey::Link("https://example.com/jjxz/old.html".into());
        store.put(&old, std::slice::from_ref(&key)).expect("put");
        store.put(&late_seen, &[]).expect("put");
        store.put(&young, &[]).expect("put");

        let pruned = store.prune(cutoff, now).expect("prune");
        assert_eq!(pruned.stories, 1);
        assert_eq!(pruned.kept_young, 1);
        assert_eq!(store.get("old").expect("get"), None);
        assert!(store.get("late-seen").expect("get").is_some());
        assert!(store.get("young").expect("get").is_some());
        let ids: Vec<String> = store
            .latest(10)
            .expect("latest")
            .into_iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(ids, ["young", "late-seen"]);

        // The key still leads to the story's tombstone.
        assert_eq!(store.find(&key).expect("find").as_deref(), Some("old"));
        assert_eq!(
            store.tombstone("old").expect("tombstone"),
            Some(super::Tombstone {
                published: at(SEED),
                removed: now
            })
        );
        assert_eq!(store.tombstone("young").expect("tombstone"), None);
        // Pruning again finds nothing more to do.
        assert_eq!(store.prune(cutoff, now).expect("prune").stories, 0);
        assert_eq!(store.tombstone_count(), 1);
    }

    #[test]
    fn remove_of_an_unknown_story_is_false() {
        let (_dir, store) = fresh();
        assert!(!store.remove("nope", at(SEED)).expect("remove"));
    }
}
