//! The in-memory side of the near-duplicate index: the sketches of the days a run has looked at,
//! by LSH band, so that finding a story's candidates is a few hash lookups.
//!
//! The store keeps every sketch under its story's date; a run loads only the days around the
//! stories it meets ([`NearIndex::missing_days`], then [`NearIndex::load`]), once. What a lookup
//! costs follows the stories of its time window, not the size of the store.
//!
//! Must not: read the store (the caller loads the days it is told are missing).

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use rustc_hash::FxHashMap;

use super::sketch::{BANDS, Sketch};

const DAY_SECONDS: i64 = 86_400;
/// The end of a chain of band entries.
const END: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Entry {
    id: String,
    published: DateTime<Utc>,
    sketch: Sketch,
}

/// A near-duplicate candidate, with the share of bins it agrees on.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<'a> {
    pub id: &'a str,
    pub similarity: f64,
}

/// Sketches by band hash, for the days loaded so far.
///
/// Each entry has one link per band, `slot * BANDS + band`; `by_band` holds the newest link of
/// each band hash and `next` chains the older ones, so loading a day allocates no list per band
/// (a day holds hundreds of sketches, each with dozens of bands). Band hashes are already
/// uniform and ids are the store's own hashes, so the maps use the cheap Fx hasher rather than
/// SipHash.
#[derive(Debug, Default)]
pub struct NearIndex {
    entries: Vec<Option<Entry>>,
    by_id: FxHashMap<String, usize>,
    by_band: FxHashMap<u64, u32>,
    next: Vec<u32>,
    days: BTreeSet<i64>,
}

/// The day (since 1970, UTC) an instant falls in.
fn day_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(DAY_SECONDS)
}

impl NearIndex {
    /// The days around `at` (± `window`) not loaded yet, each as its first and last second.
    pub fn missing_days(
        &self,
        at: DateTime<Utc>,
        window: TimeDelta,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        (day_of(at - window)..=day_of(at + window))
            .filter(|day| !self.days.contains(day))
            .filter_map(|day| {
                let start = DateTime::from_timestamp(day * DAY_SECONDS, 0)?;
                let end = DateTime::from_timestamp(day * DAY_SECONDS + DAY_SECONDS - 1, 0)?;
                Some((start, end))
            })
            .collect()
    }

    /// Records the sketches of the day starting at `day_start` as loaded.
    pub fn load(
        &mut self,
        day_start: DateTime<Utc>,
        sketches: impl IntoIterator<Item = (String, DateTime<Utc>, Sketch)>,
    ) {
        self.days.insert(day_of(day_start));
        for (id, published, sketch) in sketches {
            self.insert(id, published, sketch);
        }
    }

    /// Adds (or replaces) the sketch of story `id`.
    pub fn insert(&mut self, id: String, published: DateTime<Utc>, sketch: Sketch) {
        self.remove(&id);
        let slot = self.entries.len();
        for (band, hash) in sketch.bands().into_iter().enumerate() {
            let link = u32::try_from(slot * BANDS + band).unwrap_or(END);
            let older = self.by_band.insert(hash, link).unwrap_or(END);
            self.next.push(older);
        }
        self.by_id.insert(id.clone(), slot);
        self.entries.push(Some(Entry {
            id,
            published,
            sketch,
        }));
    }

    /// Brings the loaded days up to date with what other writers changed: sketches `removed`
    /// are forgotten; each sketch `written` (its current state) is put in when its day is
    /// loaded, replacing an older one, and forgotten when it is not (that day is read whole
    /// when it is needed).
    pub fn apply_changes(
        &mut self,
        written: impl IntoIterator<Item = (String, DateTime<Utc>, Sketch)>,
        removed: impl IntoIterator<Item = String>,
    ) {
        for id in removed {
            self.remove(&id);
        }
        for (id, published, sketch) in written {
            if self.days.contains(&day_of(published)) {
                self.insert(id, published, sketch);
            } else {
                self.remove(&id);
            }
        }
    }

    /// Forgets story `id` (its band slots stay, pointing at nothing).
    pub fn remove(&mut self, id: &str) {
        if let Some(slot) = self.by_id.remove(id) {
            self.entries[slot] = None;
        }
    }

    /// Stories sharing a band with `sketch`, dated at most `window` from `at`, similar enough
    /// to be the same story; the most similar first (ties: by id).
    pub fn candidates(
        &self,
        sketch: &Sketch,
        at: DateTime<Utc>,
        window: TimeDelta,
    ) -> Vec<Candidate<'_>> {
        let mut slots: Vec<usize> = Vec::new();
        for hash in sketch.bands() {
            let mut link = self.by_band.get(&hash).copied().unwrap_or(END);
            while link != END {
                slots.push(link as usize / BANDS);
                link = self.next[link as usize];
            }
        }
        slots.sort_unstable();
        slots.dedup();
        let mut out: Vec<Candidate<'_>> = slots
            .into_iter()
            .filter_map(|slot| self.entries[slot].as_ref())
            .filter(|e| (e.published - at).abs() <= window)
            .filter_map(|e| {
                let similarity = e.sketch.similarity(sketch);
                sketch.is_near(&e.sketch).then_some(Candidate {
                    id: &e.id,
                    similarity,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then_with(|| a.id.cmp(b.id))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const TEXT: &str = "重庆经济协作区第二十次市长联席会在自贡召开，云、贵、川、渝等4省市20个成员市(区)的代表分别做了交流发言。自贡市委副书记、市长何树平出席会议并致辞，重庆市发改委副巡视员周韶晖，四川省发改委二级巡视员彭跃，四川省经济合作局党组成员、副局长刘瑛等出席会议。自贡市委副书记李国贵主持会议。";

    fn at(day: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_545_609_600 + day * DAY_SECONDS + 3_600, 0)
            .single()
            .expect("instant")
    }

    #[test]
    fn finds_copies_within_the_window_only() {
        let window = TimeDelta::days(7);
        let sketch = Sketch::of("标题", TEXT).expect("sketch");
        let mut index = NearIndex::default();
        assert_eq!(index.missing_days(at(0), window).len(), 15);
        index.load(at(0), vec![("a".to_owned(), at(0), sketch.clone())]);
        assert_eq!(index.missing_days(at(0), window).len(), 14);
        index.insert("far".to_owned(), at(30), sketch.clone());
        index.insert("b".to_owned(), at(7), sketch.clone());

        let copy =
            Sketch::of("另一标题", &format!("{TEXT}（来源：四川经济日报）")).expect("sketch");
        let ids: Vec<&str> = index
            .candidates(&copy, at(1), window)
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, ["a", "b"]);

        index.remove("a");
        index.insert("b".to_owned(), at(20), sketch);
        assert!(index.candidates(&copy, at(1), window).is_empty());
    }

    #[test]
    fn changes_from_elsewhere_update_loaded_days_and_forget_the_rest() {
        let window = TimeDelta::days(1);
        let sketch = Sketch::of("标题", TEXT).expect("sketch");
        let copy =
            Sketch::of("另一标题", &format!("{TEXT}（来源：四川经济日报）")).expect("sketch");
        let mut index = NearIndex::default();
        index.load(
            at(0),
            vec![
                ("gone".to_owned(), at(0), sketch.clone()),
                ("leaves".to_owned(), at(0), sketch.clone()),
            ],
        );
        let found = |index: &NearIndex| -> Vec<String> {
            let mut ids: Vec<String> = index
                .candidates(&copy, at(0), window)
                .iter()
                .map(|c| c.id.to_owned())
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(found(&index), ["gone", "leaves"]);
        index.apply_changes(
            vec![
                // Written on a loaded day: in. Moved to a day not loaded: out (read with it).
                ("arrived".to_owned(), at(0), sketch.clone()),
                ("leaves".to_owned(), at(5), sketch.clone()),
                ("elsewhere".to_owned(), at(5), sketch),
            ],
            vec!["gone".to_owned()],
        );
        assert_eq!(found(&index), ["arrived"]);
        assert_eq!(
            index.missing_days(at(5), window).len(),
            3,
            "day 5 is still to read"
        );
    }
}
