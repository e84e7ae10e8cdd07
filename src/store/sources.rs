//! What the store remembers per source between runs: validators, hashes, health.
//!
//! This file owns the `sources` tree only; it must not decide when a source is due or what a
//! failure means, that is the scheduler's and the app's business.

use super::error::{decode, encode};
use super::{Store, StoreError};
use crate::model::SourceState;

impl Store {
    /// What is remembered about `source`; the default state when nothing is.
    pub fn source_state(&self, source: &str) -> Result<SourceState, StoreError> {
        Ok(self
            .sources
            .get(source.as_bytes())?
            .map(|bytes| decode(&bytes, || format!("state of source {source}")))
            .transpose()?
            .unwrap_or_default())
    }

    pub fn set_source_state(&self, source: &str, state: &SourceState) -> Result<(), StoreError> {
        let value = encode(state, || format!("state of source {source}"))?;
        self.sources.insert(source.as_bytes(), value)?;
        Ok(())
    }

    /// Every remembered source state, ordered by source id.
    pub fn source_states(&self) -> Result<Vec<(String, SourceState)>, StoreError> {
        self.sources
            .iter()
            .map(|entry| {
                let (key, bytes) = entry?;
                let source = String::from_utf8_lossy(&key).into_owned();
                let state = decode(&bytes, || format!("state of source {source}"))?;
                Ok((source, state))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SEED, at};
    use super::*;
    use crate::model::{ErrorClass, Validators};

    fn fresh() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("beatwire.sled")).expect("open");
        (dir, store)
    }

    #[test]
    fn source_state_round_trip() {
        let (_dir, store) = fresh();
        assert_eq!(
            store.source_state("scjjrb").expect("state"),
            SourceState::default()
        );

        let state = SourceState {
            validators: Validators {
                etag: Some("\"abc\"".to_owned()),
                last_modified: Some("Mon, 24 Dec 2018 03:06:36 GMT".to_owned()),
            },
            body_hash: Some("h".to_owned()),
            last_fetch: Some(at(SEED)),
            last_success: Some(at(SEED)),
            last_error: Some("连接超时".to_owned()),
            failures: 2,
            next_due: Some(at(SEED + 900)),
            stories: 42,
            config_hash: Some("c".to_owned()),
            last_error_class: Some(ErrorClass::Timeout),
            moved_to: Some("https://example.org/new.xml".to_owned()),
            gone_since: Some(at(SEED)),
            postponed_until: Some(at(SEED + 120)),
            last_found: Some(12),
            last_found_at: Some(at(SEED)),
            repairs: vec!["escaped 3 bare '&'".to_owned()],
        };
        store.set_source_state("scjjrb", &state).expect("set");
        store
            .set_source_state("cqrb", &SourceState::default())
            .expect("set");

        assert_eq!(store.source_state("scjjrb").expect("state"), state);
        let all = store.source_states().expect("states");
        assert_eq!(
            all,
            vec![
                ("cqrb".to_owned(), SourceState::default()),
                ("scjjrb".to_owned(), state)
            ]
        );
    }

    #[test]
    fn a_state_stored_before_repairs_were_remembered_reads_with_none() {
        let (_dir, store) = fresh();
        let older = br#"{"validators":{"etag":null,"last_modified":null},"body_hash":"h",
            "last_fetch":null,"last_success":null,"last_error":null,"failures":0,"next_due":null,
            "stories":7,"config_hash":"c","last_found":3}"#;
        store
            .sources
            .insert(b"cqrb", older.as_slice())
            .expect("insert");
        let state = store.source_state("cqrb").expect("an older state reads");
        assert_eq!((state.stories, state.last_found), (7, Some(3)));
        assert!(state.repairs.is_empty());
    }

    #[test]
    fn damaged_state_is_reported_with_its_source() {
        let (_dir, store) = fresh();
        store
            .sources
            .insert(b"cqrb", b"[]".as_slice())
            .expect("insert");
        let error = store.source_state("cqrb").expect_err("damaged");
        assert!(
            error.to_string().contains("state of source cqrb"),
            "{error}"
        );
        assert!(store.source_states().is_err());
    }
}
