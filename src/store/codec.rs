//! The byte layout of the store's big values: stories (`items`) and the story ids that the
//! `keys` and `by_time` trees point at.
//!
//! A story is kept as a small header and its JSON compressed with LZ4 (`lz4_flex`: pure Rust,
//! fast enough that the write path is not held up by it, and a story's text shrinks by a third
//! or more). The header carries the story's date, so the indexes can be kept in step with a
//! story without decompressing it. Ids are stored as their bytes.
//!
//! ```text
//! item value: [ITEM_FORMAT] [published: seconds i64 BE] [nanoseconds u32 BE] [lz4 block with its size]
//! ```
//!
//! Must not: open trees or know which tree holds what (that is `mod.rs`).

use chrono::{DateTime, Utc};

use super::StoreError;
use super::error::corrupt;
use crate::model::Item;

/// The first byte of an item value in this layout (schema version 3).
const ITEM_FORMAT: u8 = 3;
/// Bytes before the compressed JSON.
const HEADER_LEN: usize = 1 + 8 + 4;

/// The stored bytes of `item`.
pub(super) fn item_value(item: &Item) -> Result<Vec<u8>, StoreError> {
    // Sized for the story up front: growing the buffer while serialising cost as much as the
    // serialising itself.
    let text = item.content_html.len() + item.summary.len() + item.title.len();
    let mut json = Vec::with_capacity(text + 1024);
    serde_json::to_writer(&mut json, item).map_err(|e| corrupt(format!("item {}", item.id), e))?;
    let mut out = Vec::with_capacity(HEADER_LEN + 4 + json.len() / 2 + 64);
    out.push(ITEM_FORMAT);
    out.extend_from_slice(&item.published.timestamp().to_be_bytes());
    out.extend_from_slice(&item.published.timestamp_subsec_nanos().to_be_bytes());
    out.extend_from_slice(&lz4_flex::block::compress_prepend_size(&json));
    Ok(out)
}

/// The story in an item value.
pub(super) fn item_from(bytes: &[u8], id: &[u8]) -> Result<Item, StoreError> {
    let what = || format!("item {}", String::from_utf8_lossy(id));
    check_header(bytes).map_err(|reason| corrupt(what(), reason))?;
    let json = lz4_flex::block::decompress_size_prepended(&bytes[HEADER_LEN..])
        .map_err(|e| corrupt(what(), e))?;
    serde_json::from_slice(&json).map_err(|e| corrupt(what(), e))
}

/// The date of the story in an item value, read from the header alone.
pub(super) fn item_published(bytes: &[u8], id: &[u8]) -> Result<DateTime<Utc>, StoreError> {
    let what = || format!("item {}", String::from_utf8_lossy(id));
    check_header(bytes).map_err(|reason| corrupt(what(), reason))?;
    let mut seconds = [0u8; 8];
    seconds.copy_from_slice(&bytes[1..9]);
    let mut nanos = [0u8; 4];
    nanos.copy_from_slice(&bytes[9..HEADER_LEN]);
    DateTime::from_timestamp(i64::from_be_bytes(seconds), u32::from_be_bytes(nanos))
        .ok_or_else(|| corrupt(what(), "date out of range"))
}

fn check_header(bytes: &[u8]) -> Result<(), &'static str> {
    match bytes.first() {
        _ if bytes.len() < HEADER_LEN => Err("shorter than its header"),
        Some(&ITEM_FORMAT) => Ok(()),
        _ => Err("not a story of this layout"),
    }
}

/// A story id as stored in `keys` and `by_time`.
pub(super) fn id_from(bytes: &[u8], what: impl FnOnce() -> String) -> Result<String, StoreError> {
    String::from_utf8(bytes.to_vec()).map_err(|e| corrupt(what(), e))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SEED, at, item};
    use super::*;

    #[test]
    fn an_item_round_trips_and_its_date_reads_from_the_header() {
        let mut story = item("s1", at(SEED));
        story.published += chrono::TimeDelta::nanoseconds(123_456_789);
        let bytes = item_value(&story).expect("encode");
        assert_eq!(item_from(&bytes, b"s1").expect("decode"), story);
        assert_eq!(
            item_published(&bytes, b"s1").expect("date"),
            story.published
        );
    }

    #[test]
    fn text_is_compressed() {
        let mut story = item("s1", at(SEED));
        story.content_html = "<p>成渝地区双城经济圈建设。</p>".repeat(50);
        let json = serde_json::to_vec(&story).expect("json");
        let bytes = item_value(&story).expect("encode");
        assert!(
            bytes.len() * 3 < json.len(),
            "{} of {}",
            bytes.len(),
            json.len()
        );
    }

    #[test]
    fn damaged_values_are_corrupt_not_a_panic() {
        let bytes = item_value(&item("s1", at(SEED))).expect("encode");
        for damaged in [&b"{\"id\":1}"[..], &bytes[..5], &bytes[..bytes.len() - 3]] {
            let error = item_from(damaged, b"s1").expect_err("damaged");
            assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
            assert!(error.to_string().contains("corrupt item s1"), "{error}");
        }
        assert!(item_published(b"{}", b"s1").is_err());
    }
}
