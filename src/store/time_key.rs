//! The byte encoding of the store's time index: keys that sort, byte by byte, in the order the
//! feeds list stories, newest first and ties broken by id.
//!
//! This module owns only the encoding; it must not touch sled or know what an `Item` holds
//! beyond its id and instant.

use chrono::{DateTime, Utc};

/// Bytes before the id: an inverted, sign-flipped second count and inverted nanoseconds.
pub(crate) const PREFIX_LEN: usize = 12;

/// The time-index key of a story: sorts by `published` descending, then `id` ascending.
///
/// For instants at or after 1970 the first eight bytes are the big-endian value of
/// `i64::MAX - seconds`; flipping the sign bit first keeps earlier instants in order too, so no
/// instant overflows. The sub-second part follows, inverted, so two stories a few milliseconds
/// apart are still told apart and keep their real order.
pub(crate) fn encode(published: DateTime<Utc>, id: &str) -> Vec<u8> {
    let seconds = published.timestamp();
    let order = (seconds as u64) ^ (1 << 63);
    let nanos = published.timestamp_subsec_nanos();
    let mut key = Vec::with_capacity(PREFIX_LEN + id.len());
    key.extend_from_slice(&(u64::MAX - order).to_be_bytes());
    key.extend_from_slice(&(u32::MAX - nanos).to_be_bytes());
    key.extend_from_slice(id.as_bytes());
    key
}

/// The instant a time-index key was made from (the inverse of [`encode`]'s prefix).
pub(crate) fn decode(key: &[u8]) -> Option<DateTime<Utc>> {
    let seconds = u64::MAX - u64::from_be_bytes(key.get(..8)?.try_into().ok()?);
    let seconds = (seconds ^ (1 << 63)) as i64;
    let nanos = u32::MAX - u32::from_be_bytes(key.get(8..PREFIX_LEN)?.try_into().ok()?);
    DateTime::from_timestamp(seconds, nanos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64, nanos: u32) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, nanos)
            .single()
            .expect("valid instant")
    }

    #[test]
    fn decode_inverts_encode() {
        for (s, n) in [
            (1_545_620_796, 0),
            (1_545_620_796, 999_999_999),
            (-86_400, 5),
            (0, 0),
        ] {
            assert_eq!(decode(&encode(at(s, n), "id")), Some(at(s, n)));
        }
        assert_eq!(decode(b"short"), None);
    }

    #[test]
    fn newer_sorts_first() {
        let newer = encode(at(1_545_620_796, 0), "a");
        let older = encode(at(1_545_620_795, 0), "a");
        assert!(newer < older);
    }

    #[test]
    fn sub_second_order_is_kept() {
        let later = encode(at(1_545_620_796, 500_000_000), "z");
        let earlier = encode(at(1_545_620_796, 1), "a");
        assert!(later < earlier);
    }

    #[test]
    fn ties_sort_by_id_ascending() {
        let t = at(1_545_620_796, 0);
        assert!(encode(t, "a") < encode(t, "ab"));
        assert!(encode(t, "ab") < encode(t, "b"));
        assert!(encode(t, "b") < encode(t, "四川"));
    }

    #[test]
    fn instants_before_1970_do_not_wrap() {
        let before = encode(at(-86_400, 0), "a");
        let epoch = encode(at(0, 0), "a");
        let after = encode(at(86_400, 0), "a");
        assert!(after < epoch && epoch < before);
    }

    #[test]
    fn matches_inverted_seconds_after_1970() {
        let key = encode(at(1_545_620_796, 0), "x");
        let seconds = i64::from_be_bytes(key[..8].try_into().expect("eight bytes"));
        assert_eq!(seconds, i64::MAX - 1_545_620_796);
        assert_eq!(&key[PREFIX_LEN..], b"x");
    }
}
