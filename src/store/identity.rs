//! What the store remembers about a source's identity: whether its guids can be trusted.
//!
//! This file owns the `guids` tree only; `dedup::judge_guids` decides, the app records here.

use super::error::{encode, get_json};
use super::{Store, StoreError};
use crate::dedup::GuidTrust;

impl Store {
    /// Whether `source`'s guids identify its stories; trusted until judged otherwise.
    pub fn guid_trust(&self, source: &str) -> Result<GuidTrust, StoreError> {
        let what = || format!("guid trust of source {source}");
        Ok(get_json(&self.guids, source.as_bytes(), what)?.unwrap_or_default())
    }

    pub fn set_guid_trust(&self, source: &str, trust: GuidTrust) -> Result<(), StoreError> {
        let value = encode(&trust, || format!("guid trust of source {source}"))?;
        self.guids.insert(source.as_bytes(), value)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::fresh;
    use crate::dedup::GuidTrust;

    #[test]
    fn guid_trust_round_trip() {
        let (_dir, store) = fresh();
        assert_eq!(store.guid_trust("cqrb").expect("get"), GuidTrust::Trusted);
        store
            .set_guid_trust("cqrb", GuidTrust::Unstable)
            .expect("set");
        assert_eq!(store.guid_trust("cqrb").expect("get"), GuidTrust::Unstable);
        assert_eq!(store.guid_trust("scjjrb").expect("get"), GuidTrust::Trusted);
    }
}
