//! The sled store read and written whole, as [`Record`]s: for `beatwire store copy`.
//!
//! `export` walks each tree in key order, one record at a time (the store is never held in
//! memory); `import` writes a batch of records as they are, with one sled batch per tree. An
//! index entry a crash left behind (a time-index entry or a sketch at a date that is not its
//! story's, see the module doc of `mod.rs`) is no record: it is neither exported nor counted.
//!
//! Must not: apply identity rules or change what a record holds; a copy is exact.

use super::error::{corrupt, decode, encode};
use super::records::{Counts, Record};
use super::{Store, StoreError, codec, near, time_key};
use crate::dedup::Sketch;
use crate::model::ItemKey;

impl Store {
    /// Hands every stored thing to `sink`, kind by kind: stories (with their sketches), keys,
    /// tombstones, source states, guid trust. An error of `sink` stops the walk and is returned.
    pub fn export(
        &self,
        sink: &mut dyn FnMut(Record) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        for entry in self.items.iter() {
            let (id, bytes) = entry?;
            let item = codec::item_from(&bytes, &id)?;
            let sketch = match self.sketches.get(near::key(item.published, &item.id))? {
                Some(bytes) => Some(Box::new(Sketch::from_bytes(&bytes).ok_or_else(|| {
                    corrupt(format!("sketch of item {}", item.id), "wrong length")
                })?)),
                None => None,
            };
            sink(Record::Story { item, sketch })?;
        }
        for entry in self.keys.iter() {
            let (key, id) = entry?;
            let what = || format!("key {}", String::from_utf8_lossy(&key));
            let parsed =
                ItemKey::from_bytes(&key).ok_or_else(|| corrupt(what(), "unknown kind"))?;
            let id = codec::id_from(&id, what)?;
            sink(Record::Key { key: parsed, id })?;
        }
        for entry in self.tombstones.iter() {
            let (id, bytes) = entry?;
            let id = codec::id_from(&id, || "tombstone id".to_owned())?;
            let tombstone = decode(&bytes, || format!("tombstone {id}"))?;
            sink(Record::Tombstone { id, tombstone })?;
        }
        for (id, state) in self.source_states()? {
            sink(Record::Source { id, state })?;
        }
        for entry in self.guids.iter() {
            let (source, bytes) = entry?;
            let source = String::from_utf8_lossy(&source).into_owned();
            let trust = decode(&bytes, || format!("guid trust of source {source}"))?;
            sink(Record::GuidTrust { source, trust })?;
        }
        Ok(())
    }

    /// Writes `records` as they are: a story with its time-index entry and sketch, a key, a
    /// tombstone, a source's state or guid trust, each replacing what was there under its id.
    pub fn import(&self, records: &[Record]) -> Result<(), StoreError> {
        let mut items = sled::Batch::default();
        let mut by_time = sled::Batch::default();
        let mut sketches = sled::Batch::default();
        let mut keys = sled::Batch::default();
        let mut tombstones = sled::Batch::default();
        let mut sources = sled::Batch::default();
        let mut guids = sled::Batch::default();
        for record in records {
            match record {
                Record::Story { item, sketch } => {
                    let id = item.id.as_bytes();
                    if let Some(sketch) = sketch {
                        sketches.insert(near::key(item.published, &item.id), sketch.to_bytes());
                    }
                    by_time.insert(time_key::encode(item.published, &item.id), id);
                    items.insert(id, codec::item_value(item)?);
                }
                Record::Key { key, id } => keys.insert(key.to_bytes(), id.as_bytes()),
                Record::Tombstone { id, tombstone } => {
                    let value = encode(tombstone, || format!("tombstone {id}"))?;
                    tombstones.insert(id.as_bytes(), value);
                }
                Record::Source { id, state } => {
                    let value = encode(state, || format!("state of source {id}"))?;
                    sources.insert(id.as_bytes(), value);
                }
                Record::GuidTrust { source, trust } => {
                    let value = encode(trust, || format!("guid trust of source {source}"))?;
                    guids.insert(source.as_bytes(), value);
                }
            }
        }
        // The write order of a story (mod.rs): its indexes, the story, then its keys.
        self.sketches.apply_batch(sketches)?;
        self.by_time.apply_batch(by_time)?;
        self.items.apply_batch(items)?;
        self.keys.apply_batch(keys)?;
        self.tombstones.apply_batch(tombstones)?;
        self.sources.apply_batch(sources)?;
        self.guids.apply_batch(guids)?;
        Ok(())
    }

    /// How many of each thing the store holds, as [`Store::export`] would give them. sled
    /// counts by walking, so this reads every key of the store (and no story's text).
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let mut counts = Counts::default();
        for entry in self.items.iter() {
            let (id, bytes) = entry?;
            counts.stories += 1;
            let published = codec::item_published(&bytes, &id)?;
            let id = codec::id_from(&id, || "story id".to_owned())?;
            if self.sketches.contains_key(near::key(published, &id))? {
                counts.sketches += 1;
            }
        }
        counts.keys = self.keys.len() as u64;
        counts.tombstones = self.tombstones.len() as u64;
        counts.sources = self.sources.len() as u64;
        counts.guid_trust = self.guids.len() as u64;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SEED, at, fresh, item};
    use super::*;
    use crate::dedup::GuidTrust;
    use crate::model::SourceState;
    use crate::store::SketchWrite;

    const TEXT: &str = "重庆经济协作区第二十次市长联席会在自贡召开，云、贵、川、渝等4省市20个成员市(区)的代表分别做了交流发言。自贡市委副书记、市长何树平出席会议并致辞，重庆市发改委副巡视员周韶晖，四川省发改委二级巡视员彭跃，四川省经济合作局党组成员、副局长刘瑛等出席会议。自贡市委副书记李国贵主持会议。";

    fn exported(store: &Store) -> Vec<Record> {
        let mut records = Vec::new();
        store
            .export(&mut |record| {
                records.push(record);
                Ok(())
            })
            .expect("export");
        records
    }

    /// A store holding one of everything: a story with a sketch and one without, keys (one
    /// leading to a tombstone), a source state, a guid trust.
    fn filled() -> (tempfile::TempDir, Store) {
        let (dir, store) = fresh();
        let sketch = Sketch::of("标题", TEXT).expect("sketch");
        let guid = ItemKey::Guid {
            source: "scjjrb".into(),
            guid: "稿件-1".into(),
        };
        let link = ItemKey::Link("https://example.com/jjxz/a.html".into());
        store
            .put_story(
                &item("a", at(SEED)),
                &[guid, link],
                SketchWrite::Set(&sketch),
            )
            .expect("put a");
        store.put(&item("b", at(SEED + 60)), &[]).expect("put b");
        let gone = ItemKey::Link("https://example.com/jjxz/gone.html".into());
        store
            .put(&item("gone", at(SEED - 60)), &[gone])
            .expect("put gone");
        assert!(store.remove("gone", at(SEED + 120)).expect("remove"));
        let state = SourceState {
            stories: 3,
            last_error: Some("连接超时".into()),
            ..SourceState::default()
        };
        store.set_source_state("scjjrb", &state).expect("state");
        store
            .set_guid_trust("scjjrb", GuidTrust::Unstable)
            .expect("trust");
        (dir, store)
    }

    #[test]
    fn export_gives_every_kind_and_import_writes_it_back_exactly() {
        let (_from_dir, from) = filled();
        let records = exported(&from);
        let counts = from.counts().expect("counts");
        let want = Counts {
            stories: 2,
            sketches: 1,
            keys: 3,
            tombstones: 1,
            sources: 1,
            guid_trust: 1,
        };
        assert_eq!(counts, want);
        let mut counted = Counts::default();
        records.iter().for_each(|record| counted.add(record));
        assert_eq!(counted, want);

        let (_to_dir, to) = fresh();
        assert!(to.counts().expect("counts").is_empty());
        // In batches that split the kinds, as a copy does.
        for batch in records.chunks(2) {
            to.import(batch).expect("import");
        }
        assert_eq!(to.counts().expect("counts"), want);
        assert_eq!(exported(&to), records);
        for id in ["a", "b"] {
            assert_eq!(to.get(id).expect("get"), from.get(id).expect("get"));
        }
        assert_eq!(
            to.latest(10).expect("latest"),
            from.latest(10).expect("latest")
        );
        assert_eq!(
            to.sketches_between(at(SEED - 600), at(SEED + 600))
                .expect("sketches"),
            from.sketches_between(at(SEED - 600), at(SEED + 600))
                .expect("sketches")
        );
        let gone = ItemKey::Link("https://example.com/jjxz/gone.html".into());
        assert_eq!(to.find(&gone).expect("find").as_deref(), Some("gone"));
        assert_eq!(
            to.tombstone("gone").expect("tombstone"),
            from.tombstone("gone").expect("tombstone")
        );
        assert_eq!(
            to.source_states().expect("states"),
            from.source_states().expect("states")
        );
        assert_eq!(to.guid_trust("scjjrb").expect("trust"), GuidTrust::Unstable);
    }

    #[test]
    fn what_a_crash_left_behind_is_neither_exported_nor_counted() {
        let (_dir, store) = filled();
        let day_before = at(SEED - 86_400);
        store
            .sketches
            .insert(near::key(day_before, "a"), b"stale".as_slice())
            .expect("insert");
        store
            .by_time
            .insert(time_key::encode(day_before, "ghost"), b"ghost".as_slice())
            .expect("insert");
        let counts = store.counts().expect("counts");
        assert_eq!((counts.stories, counts.sketches), (2, 1));
        assert_eq!(exported(&store).len(), 8);
    }

    #[test]
    fn a_damaged_record_stops_the_export_naming_it_and_so_does_the_sink() {
        let (_dir, store) = filled();
        let error = store
            .export(&mut |_| Err(corrupt("the sink".into(), "full")))
            .expect_err("the sink stops it");
        assert!(error.to_string().contains("the sink"), "{error}");
        store
            .keys
            .insert(b"z\x1fwhat", b"a".as_slice())
            .expect("insert");
        let error = store.export(&mut |_| Ok(())).expect_err("damaged key");
        assert!(error.to_string().contains("corrupt key z"), "{error}");
    }
}
