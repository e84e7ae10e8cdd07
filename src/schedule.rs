//! When a source is due: after a success its `every` (or the feed's own `<ttl>`, whichever is
//! longer) must pass; after failures the wait doubles per consecutive failure, capped at a day,
//! so a dead site is neither hammered every minute nor given up on.
//!
//! Must not: read the clock (time is the `now` parameter) or touch the network or the store.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::model::SourceState;

/// The longest a failing source waits before it is tried again.
pub const MAX_BACKOFF: Duration = Duration::from_secs(24 * 60 * 60);

/// Whether a source should be fetched now.
///
/// `fingerprint` is the source's configuration as it is now: an operator who edits a source
/// (a new URL, a fixed selector) sees the effect on the next run, not after `every`.
pub fn is_due(state: &SourceState, fingerprint: &str, now: DateTime<Utc>) -> bool {
    if state.config_hash.as_deref() != Some(fingerprint) {
        return true;
    }
    state.next_due.is_none_or(|due| due <= now)
}

/// The next time a source that just succeeded is due.
pub fn after_success(
    now: DateTime<Utc>,
    every: Duration,
    feed_ttl: Option<Duration>,
) -> DateTime<Utc> {
    let wait = feed_ttl.map_or(every, |ttl| ttl.max(every));
    now + delta(wait)
}

/// The next time a source is due after its `failures`-th consecutive failure (1 for the first).
pub fn after_failure(now: DateTime<Utc>, every: Duration, failures: u32) -> DateTime<Utc> {
    let doublings = failures.saturating_sub(1).min(16);
    let wait = every
        .checked_mul(1 << doublings)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF);
    now + delta(wait)
}

fn delta(wait: Duration) -> TimeDelta {
    TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap()
    }

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn never_fetched_or_edited_sources_are_due() {
        assert!(is_due(&SourceState::default(), "abc", now()));
        let state = SourceState {
            config_hash: Some("old".into()),
            next_due: Some(now() + TimeDelta::hours(1)),
            ..Default::default()
        };
        assert!(is_due(&state, "new", now()));
        assert!(!is_due(&state, "old", now()));
        assert!(is_due(&state, "old", now() + TimeDelta::hours(1)));
    }

    #[test]
    fn ttl_is_a_lower_bound() {
        assert_eq!(
            after_success(now(), 15 * MINUTE, None),
            now() + TimeDelta::minutes(15)
        );
        assert_eq!(
            after_success(now(), 15 * MINUTE, Some(60 * MINUTE)),
            now() + TimeDelta::minutes(60)
        );
        assert_eq!(
            after_success(now(), 15 * MINUTE, Some(5 * MINUTE)),
            now() + TimeDelta::minutes(15)
        );
    }

    #[test]
    fn failures_back_off_exponentially_up_to_a_day() {
        assert_eq!(
            after_failure(now(), 15 * MINUTE, 1),
            now() + TimeDelta::minutes(15)
        );
        assert_eq!(
            after_failure(now(), 15 * MINUTE, 3),
            now() + TimeDelta::minutes(60)
        );
        assert_eq!(
            after_failure(now(), 15 * MINUTE, 40),
            now() + TimeDelta::days(1)
        );
    }
}
