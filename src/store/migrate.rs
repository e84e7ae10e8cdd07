//! The schema version check at open, and the migrations from older layouts.
//!
//! # Versions
//! - 1: `items`, `keys`, `by_time`, `sources`.
//! - 2: adds `sketches` (the near-duplicate index), `tombstones` and `guids`; items may carry
//!   `provenance` (read with a default, so version-1 items need no rewrite).
//! - 3: stories are stored as their date and LZ4-compressed JSON (`codec.rs`) instead of plain
//!   JSON, and `keys` and `by_time` hold a story's id as its bytes instead of a JSON string.
//!
//! A migration runs in place when an older store is opened, and writes the new version only
//! after its work is flushed: a crash in the middle leaves the old version, and the migration
//! runs again (each step can be repeated). A store written by a newer beatwire is refused with
//! [`StoreError::Schema`], naming both versions and what to do.
//!
//! Must not: change a story's public guid or drop anything a story holds.

use super::error::{decode, encode};
use super::{META_TREE, SCHEMA_KEY, SCHEMA_VERSION, Store, StoreError, codec};
use crate::dedup::Sketch;
use crate::model::Item;
use crate::normalise::html_to_text;

impl Store {
    /// Checks the layout version, migrating an older store up to [`SCHEMA_VERSION`].
    pub(super) fn check_schema(&self) -> Result<(), StoreError> {
        let meta = self.db.open_tree(META_TREE)?;
        let found: u32 = match meta.get(SCHEMA_KEY)? {
            Some(bytes) => decode(&bytes, || "schema version".to_owned())?,
            // Every version writes its number at first open: none at all is a new store.
            None => SCHEMA_VERSION,
        };
        let mut version = found;
        while version < SCHEMA_VERSION {
            match version {
                1 => self.migrate_1_to_2()?,
                2 => self.migrate_2_to_3()?,
                _ => break,
            }
            version += 1;
            self.db.flush()?;
            meta.insert(
                SCHEMA_KEY,
                encode(&version, || "schema version".to_owned())?,
            )?;
            self.db.flush()?;
            tracing::info!(path = %self.path.display(), version, "store migrated");
        }
        if version != SCHEMA_VERSION {
            return Err(StoreError::Schema {
                store: self.path.display().to_string(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        if meta.get(SCHEMA_KEY)?.is_none() {
            meta.insert(
                SCHEMA_KEY,
                encode(&SCHEMA_VERSION, || "schema version".to_owned())?,
            )?;
        }
        Ok(())
    }

    /// 1 → 2: every stored story gets its near-duplicate sketch.
    fn migrate_1_to_2(&self) -> Result<(), StoreError> {
        for entry in self.items.iter() {
            let (id, bytes) = entry?;
            let item: Item = decode(&bytes, || format!("item {}", String::from_utf8_lossy(&id)))?;
            if let Some(sketch) = Sketch::of(&item.title, &html_to_text(&item.content_html)) {
                self.sketches.insert(
                    super::near::key(item.published, &item.id),
                    sketch.to_bytes(),
                )?;
            }
        }
        Ok(())
    }

    /// 2 → 3: stories re-encoded, ids stored as their bytes. A value already in the new layout
    /// (a migration cut short) is left as it is: JSON starts with `{` or `"`, the new layouts
    /// never do (an item starts with its format byte, an id is a hex hash).
    fn migrate_2_to_3(&self) -> Result<(), StoreError> {
        for entry in self.items.iter() {
            let (id, bytes) = entry?;
            if bytes.first() == Some(&b'{') {
                let item: Item =
                    decode(&bytes, || format!("item {}", String::from_utf8_lossy(&id)))?;
                self.items.insert(&id, codec::item_value(&item)?)?;
            }
        }
        for tree in [&self.keys, &self.by_time] {
            for entry in tree.iter() {
                let (key, bytes) = entry?;
                if bytes.first() == Some(&b'"') {
                    let id: String = decode(&bytes, || "story id".to_owned())?;
                    tree.insert(&key, id.as_bytes())?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SEED, at, item};
    use super::*;

    const BODY: &str = "<p>重庆经济协作区第二十次市长联席会在自贡召开，云、贵、川、渝等4省市20个成员市(区)的代表分别做了交流发言。自贡市委副书记、市长何树平出席会议并致辞，重庆市发改委副巡视员周韶晖，四川省发改委二级巡视员彭跃，四川省经济合作局党组成员、副局长刘瑛等出席会议。自贡市委副书记李国贵主持会议。</p>";

    /// Writes a store of `version` 1 or 2 by hand: JSON items (no provenance field), ids as
    /// JSON strings, and for version 2 the story's sketch.
    fn written_as(path: &std::path::Path, version: u32) {
        let db = sled::open(path).expect("sled open");
        let mut story = item("v1", at(SEED));
        story.content_html = BODY.to_owned();
        let json = serde_json::to_vec(&story).expect("json");
        assert!(!String::from_utf8_lossy(&json).contains("provenance"));
        db.open_tree("items")
            .expect("items")
            .insert(b"v1", json)
            .expect("insert");
        db.open_tree("keys")
            .expect("keys")
            .insert(b"l\x1fhttps://example.com/v1", b"\"v1\"".as_slice())
            .expect("insert");
        db.open_tree("by_time")
            .expect("by_time")
            .insert(
                super::super::time_key::encode(at(SEED), "v1"),
                b"\"v1\"".as_slice(),
            )
            .expect("insert");
        if version == 2 {
            let sketch = Sketch::of(&story.title, &html_to_text(BODY)).expect("sketch");
            db.open_tree("sketches")
                .expect("sketches")
                .insert(super::super::near::key(at(SEED), "v1"), sketch.to_bytes())
                .expect("insert");
        }
        db.open_tree(META_TREE)
            .expect("meta")
            .insert(SCHEMA_KEY, version.to_string().as_bytes())
            .expect("insert");
        db.flush().expect("flush");
    }

    #[test]
    fn a_version_two_store_is_migrated_and_keeps_its_stories_and_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("beatwire.sled");
        written_as(&path, 2);
        let store = Store::open(&path).expect("migrated");
        let story = store.get("v1").expect("get").expect("kept");
        assert!(story.content_html.contains("自贡"));
        let key = crate::model::ItemKey::Link("https://example.com/v1".to_owned());
        assert_eq!(store.find(&key).expect("find").as_deref(), Some("v1"));
        assert_eq!(store.latest(5).expect("latest")[0], story);
        assert_eq!(store.sketch_count(), 1);
        let meta = store.db.open_tree(META_TREE).expect("meta");
        assert_eq!(
            meta.get(SCHEMA_KEY).expect("get").expect("set").as_ref(),
            b"3"
        );
        // A migration cut short runs again over values already converted.
        meta.insert(SCHEMA_KEY, b"2".as_slice()).expect("insert");
        drop((meta, store));
        let store = Store::open(&path).expect("migrated again");
        assert_eq!(store.get("v1").expect("get").expect("kept"), story);
        assert_eq!(store.find(&key).expect("find").as_deref(), Some("v1"));
        assert_eq!(store.latest(5).expect("latest").len(), 1);
    }

    #[test]
    fn a_version_one_store_is_migrated_and_keeps_its_stories() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("beatwire.sled");
        written_as(&path, 1);
        let store = Store::open(&path).expect("migrated");
        let story = store.get("v1").expect("get").expect("kept");
        assert_eq!(story.id, "v1");
        assert!(story.provenance.is_empty());
        assert_eq!(story.sightings()[0].link, story.link);
        assert_eq!(store.sketch_count(), 1);
        let meta = store.db.open_tree(META_TREE).expect("meta");
        assert_eq!(
            meta.get(SCHEMA_KEY).expect("get").expect("set").as_ref(),
            SCHEMA_VERSION.to_string().as_bytes()
        );
        drop((meta, store));
        // Opening again is a plain open.
        let store = Store::open(&path).expect("reopen");
        assert_eq!(store.len(), 1);
        assert_eq!(store.latest(5).expect("latest")[0].id, "v1");
    }

    #[test]
    fn an_unknown_old_version_says_what_to_do() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("beatwire.sled");
        {
            let db = sled::open(&path).expect("sled open");
            db.open_tree(META_TREE)
                .expect("meta")
                .insert(SCHEMA_KEY, b"0".as_slice())
                .expect("insert");
            db.flush().expect("flush");
        }
        let message = Store::open(&path).expect_err("version 0").to_string();
        assert!(message.contains("schema version 0"), "{message}");
        assert!(message.contains("move the store aside"), "{message}");
    }
}
