//! The near-duplicate candidate index: every story's [`Sketch`] under a key that sorts by the
//! story's date, so the sketches of one time window are one range scan. What a lookup reads
//! depends on how many stories the window holds, never on how many the store holds.
//!
//! This file owns the `sketches` tree only; it must not judge similarity (that is `dedup`'s).

use chrono::{DateTime, TimeZone, Utc};

use super::{Store, StoreError};
use crate::dedup::Sketch;

/// Bytes of the time part of a key.
const TIME_LEN: usize = 8;

/// One stored sketch with the story it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SketchEntry {
    /// The story's date, to the second.
    pub published: DateTime<Utc>,
    pub id: String,
    pub sketch: Sketch,
}

/// Seconds since 1970 with the sign bit flipped, big-endian: sorts oldest first, 1970 or not.
fn ascending(at: DateTime<Utc>) -> [u8; TIME_LEN] {
    ((at.timestamp() as u64) ^ (1 << 63)).to_be_bytes()
}

/// The key of a story's sketch.
pub(super) fn key(published: DateTime<Utc>, id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(TIME_LEN + id.len());
    key.extend_from_slice(&ascending(published));
    key.extend_from_slice(id.as_bytes());
    key
}

impl Store {
    /// Every sketch of a story dated in `[from, to]`, oldest first.
    pub fn sketches_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SketchEntry>, StoreError> {
        let mut out = Vec::new();
        let end = to + chrono::TimeDelta::seconds(1);
        for entry in self.sketches.range(ascending(from)..ascending(end)) {
            let (key, value) = entry?;
            let id = String::from_utf8_lossy(&key[TIME_LEN..]).into_owned();
            let mut seconds = [0u8; TIME_LEN];
            seconds.copy_from_slice(&key[..TIME_LEN]);
            let seconds = (u64::from_be_bytes(seconds) ^ (1 << 63)) as i64;
            let Some(sketch) = Sketch::from_bytes(&value) else {
                tracing::warn!(item = %id, "damaged near-duplicate sketch skipped");
                continue;
            };
            let published = Utc.timestamp_opt(seconds, 0).single().unwrap_or_default();
            out.push(SketchEntry {
                published,
                id,
                sketch,
            });
        }
        Ok(out)
    }

    /// How many sketches are stored.
    pub fn sketch_count(&self) -> usize {
        self.sketches.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SEED, at, fresh, item};
    use crate::model::ItemKey;
    use crate::store::SketchWrite;

    const TEXT: &str = "重庆经济协作区第二十次市长联席会在自贡召开，云、贵、川、渝等4省市20个成员市(区)的代表分别做了交流发言。自贡市委副书记、市长何树平出席会议并致辞，重庆市发改委副巡视员周韶晖，四川省发改委二级巡视员彭跃，四川省经济合作局党组成员、副局长刘瑛等出席会议。自贡市委副书记李国贵主持会议。";

    #[test]
    fn a_window_holds_only_its_stories_and_moves_with_an_update() {
        let (_dir, store) = fresh();
        let sketch = crate::dedup::Sketch::of("标题", TEXT).expect("sketch");
        for (id, offset) in [("old", -30 * 86_400), ("in", 0), ("late", 6 * 86_400)] {
            store
                .put_story(&item(id, at(SEED + offset)), &[], SketchWrite::Set(&sketch))
                .expect("put");
        }
        let window = |days: i64| {
            let ids: Vec<String> = store
                .sketches_between(at(SEED - days * 86_400), at(SEED + days * 86_400))
                .expect("range")
                .into_iter()
                .map(|e| e.id)
                .collect();
            ids
        };
        assert_eq!(window(7), ["in", "late"]);
        assert_eq!(window(1), ["in"]);
        let entries = store.sketches_between(at(SEED), at(SEED)).expect("range");
        assert_eq!(entries[0].published, at(SEED));
        assert_eq!(entries[0].sketch, sketch);

        // Re-dated: the sketch follows, kept or replaced; cleared: it goes.
        let key = ItemKey::Link("https://example.com/in".into());
        store
            .put(
                &item("in", at(SEED - 2 * 86_400)),
                std::slice::from_ref(&key),
            )
            .expect("re-put");
        assert_eq!(window(1), Vec::<String>::new());
        assert_eq!(window(7), ["in", "late"]);
        store
            .put_story(
                &item("in", at(SEED - 40 * 86_400)),
                &[key],
                SketchWrite::Set(&sketch),
            )
            .expect("re-put");
        assert_eq!(window(7), ["late"]);
        store
            .put_story(
                &item("late", at(SEED + 6 * 86_400)),
                &[],
                SketchWrite::Clear,
            )
            .expect("put");
        assert_eq!(window(7), Vec::<String>::new());
        assert_eq!(store.sketch_count(), 2, "old and in keep theirs");
    }
}
