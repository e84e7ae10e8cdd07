//! When a source is due, and what a pass's outcome does to its [`SourceState`].
//!
//! After a success its `every` must pass, or longer when the feed's `<ttl>` or the server's
//! `Cache-Control: max-age` asks for it (hints are lower bounds, each capped at a day). After a
//! failure the wait doubles per consecutive failure, with jitter, capped at a day, and never
//! shorter than a `Retry-After`: a dead site is neither hammered every minute nor given up on.
//! A source that answered 410 Gone is not due again until it is edited (or forced).
//!
//! Must not: read the clock (time is the `now` parameter) or touch the network or the store.

use std::hash::{Hash, Hasher};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::model::{ErrorClass, SourceState};

/// The longest a failing source waits before it is tried again.
pub const MAX_BACKOFF: Duration = Duration::from_secs(24 * 60 * 60);
/// The longest a `<ttl>` or `max-age` may hold a source back.
pub const MAX_HINT: Duration = Duration::from_secs(24 * 60 * 60);
/// A back-off is shortened by up to this fraction, so sources that failed together (one host
/// down) are not all retried in the same minute.
pub const JITTER: f64 = 0.25;

/// Whether a source should be fetched now.
///
/// `fingerprint` is the source's configuration as it is now: an operator who edits a source
/// (a new URL, a fixed selector) sees the effect on the next run, not after `every`.
pub fn is_due(state: &SourceState, fingerprint: &str, now: DateTime<Utc>) -> bool {
    if state.config_hash.as_deref() != Some(fingerprint) {
        return true;
    }
    state.gone_since.is_none() && state.next_due.is_none_or(|due| due <= now)
}

/// What the server and the document said about how long they stay fresh.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Freshness {
    /// The feed's `<ttl>` (or the like).
    pub feed_ttl: Option<Duration>,
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
}

/// The next time a source that just succeeded is due: `every`, or longer when a hint says so.
pub fn after_success(now: DateTime<Utc>, every: Duration, freshness: Freshness) -> DateTime<Utc> {
    let hint = [freshness.feed_ttl, freshness.max_age]
        .into_iter()
        .flatten()
        .map(|hint| hint.min(MAX_HINT))
        .max()
        .unwrap_or_default();
    later(now, every.max(hint))
}

/// The next time a source is due after its `failures`-th consecutive failure (1 for the first).
///
/// `every` doubled per failure after the first, capped at [`MAX_BACKOFF`], shortened by
/// `jitter` (0 to 1) times [`JITTER`]; never before `retry_after` has passed.
pub fn after_failure(
    now: DateTime<Utc>,
    every: Duration,
    failures: u32,
    jitter: f64,
    retry_after: Option<Duration>,
) -> DateTime<Utc> {
    let doublings = failures.saturating_sub(1).min(16);
    let backoff = every
        .checked_mul(1 << doublings)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF);
    let backoff = backoff.mul_f64(1.0 - JITTER * jitter.clamp(0.0, 1.0));
    later(now, backoff.max(retry_after.unwrap_or_default()))
}

/// A jitter in `[0, 1)` that is the same for the same source and failure count, and differs
/// between sources: reproducible runs, yet spread retries.
pub fn jitter(source: &str, failures: u32) -> f64 {
    // Not a random number generator: a schedule that can be replayed is easier to trust.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (source, failures).hash(&mut hasher);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Records a pass that ended well (a new body, a 304 or an unchanged one).
pub fn record_success(
    state: &mut SourceState,
    now: DateTime<Utc>,
    every: Duration,
    freshness: Freshness,
) {
    state.last_success = Some(now);
    state.last_error = None;
    state.last_error_class = None;
    state.failures = 0;
    state.gone_since = None;
    state.postponed_until = None;
    state.next_due = Some(after_success(now, every, freshness));
}

/// What went wrong with a pass, as far as the schedule cares.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub message: String,
    pub class: ErrorClass,
    /// How long the server asked to be left alone (`Retry-After`), if it did.
    pub retry_after: Option<Duration>,
}

/// Records a pass that failed.
///
/// A pass that was not even sent because the source's host asked to wait (`Postponed`) is no
/// failure of the source: it is only due again once the host's wait is over.
pub fn record_failure(
    state: &mut SourceState,
    source: &str,
    now: DateTime<Utc>,
    every: Duration,
    failure: &Failure,
) {
    if failure.class == ErrorClass::Postponed {
        let until = later(now, failure.retry_after.unwrap_or_default());
        state.next_due = Some(state.next_due.map_or(until, |due| due.max(until)));
        return;
    }
    state.failures += 1;
    state.last_error = Some(failure.message.clone());
    state.last_error_class = Some(failure.class);
    if failure.class == ErrorClass::Gone {
        state.gone_since = Some(now);
    }
    if let Some(wait) = failure.retry_after {
        state.postponed_until = Some(later(now, wait));
    }
    state.next_due = Some(after_failure(
        now,
        every,
        state.failures,
        jitter(source, state.failures),
        failure.retry_after,
    ));
}

/// `wait` after `now`, or the last representable instant when that is further than the
/// calendar goes (an `every` of a million years is a valid duration).
fn later(now: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(wait)
        .ok()
        .and_then(|delta| now.checked_add_signed(delta))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap()
    }

    const MINUTE: Duration = Duration::from_secs(60);

    fn failure(class: ErrorClass, retry_after: Option<Duration>) -> Failure {
        Failure {
            message: format!("http://127.0.0.2/feed.xml: {class}"),
            class,
            retry_after,
        }
    }

    // See: `every = "1000000years"` loaded (humantime reads it) and then made each pass panic
    // when it computed the next due time past the end of chrono's calendar.
    #[test]
    fn an_every_past_the_calendar_is_due_at_its_end() {
        let text = include_str!("../fixtures/fuzz/config_load/every-past-the-calendar.toml");
        let config = crate::config::Config::from_toml(text, std::path::Path::new("feeds.toml"))
            .expect("the fixture loads");
        let every = config.fetch.every;
        let end = DateTime::<Utc>::MAX_UTC;
        assert_eq!(after_success(now(), every, Freshness::default()), end);
        assert_eq!(
            after_failure(now(), every, 1, 0.0, None),
            now() + TimeDelta::days(1)
        );
        let mut state = SourceState::default();
        let huge = Some(every);
        record_failure(
            &mut state,
            "s",
            now(),
            every,
            &failure(ErrorClass::RateLimited, huge),
        );
        assert_eq!(state.postponed_until, Some(end));
        record_failure(
            &mut state,
            "s",
            now(),
            every,
            &failure(ErrorClass::Postponed, huge),
        );
        assert_eq!(state.next_due, Some(end));
        state.config_hash = Some("f".into());
        record_success(&mut state, now(), every, Freshness::default());
        assert_eq!(state.next_due, Some(end));
        assert!(!is_due(&state, "f", now()));
    }

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
    fn ttl_and_max_age_are_lower_bounds_capped_at_a_day() {
        let at =
            |feed_ttl, max_age| after_success(now(), 15 * MINUTE, Freshness { feed_ttl, max_age });
        assert_eq!(at(None, None), now() + TimeDelta::minutes(15));
        assert_eq!(at(Some(60 * MINUTE), None), now() + TimeDelta::minutes(60));
        assert_eq!(at(Some(5 * MINUTE), None), now() + TimeDelta::minutes(15));
        assert_eq!(
            at(Some(20 * MINUTE), Some(40 * MINUTE)),
            now() + TimeDelta::minutes(40)
        );
        assert_eq!(
            at(None, Some(MINUTE * 60 * 24 * 365)),
            now() + TimeDelta::days(1)
        );
    }

    #[test]
    fn failures_back_off_exponentially_up_to_a_day() {
        assert_eq!(
            after_failure(now(), 15 * MINUTE, 1, 0.0, None),
            now() + TimeDelta::minutes(15)
        );
        assert_eq!(
            after_failure(now(), 15 * MINUTE, 3, 0.0, None),
            now() + TimeDelta::minutes(60)
        );
        assert_eq!(
            after_failure(now(), 15 * MINUTE, 40, 0.0, None),
            now() + TimeDelta::days(1)
        );
    }

    #[test]
    fn jitter_shortens_a_back_off_by_at_most_a_quarter_and_never_below_retry_after() {
        assert_eq!(
            after_failure(now(), 60 * MINUTE, 1, 1.0, None),
            now() + TimeDelta::minutes(45)
        );
        assert_eq!(
            after_failure(now(), 60 * MINUTE, 40, 0.5, None),
            now() + TimeDelta::hours(21)
        );
        assert_eq!(
            after_failure(now(), 60 * MINUTE, 1, 1.0, Some(90 * MINUTE)),
            now() + TimeDelta::minutes(90)
        );
        let spread: std::collections::BTreeSet<u64> = (0..50)
            .map(|i| (jitter(&format!("source-{i}"), 3) * 1000.0) as u64)
            .collect();
        assert!(
            spread.len() > 40,
            "sources get different jitters: {spread:?}"
        );
        assert!((0..50).all(|i| (0.0..1.0).contains(&jitter("a", i))));
        assert_eq!(jitter("scjjrb", 2), jitter("scjjrb", 2));
    }

    #[test]
    fn consecutive_failures_count_until_a_success() {
        let mut state = SourceState::default();
        let every = 30 * MINUTE;
        record_failure(
            &mut state,
            "a",
            now(),
            every,
            &failure(ErrorClass::Timeout, None),
        );
        record_failure(
            &mut state,
            "a",
            now(),
            every,
            &failure(ErrorClass::Stalled, None),
        );
        assert_eq!(state.failures, 2);
        assert_eq!(state.last_error_class, Some(ErrorClass::Stalled));
        let due = state.next_due.unwrap();
        assert!(due > now() + TimeDelta::minutes(44) && due <= now() + TimeDelta::minutes(60));

        record_success(&mut state, now(), every, Freshness::default());
        assert_eq!(state.failures, 0);
        assert_eq!(
            (state.last_error.as_deref(), state.last_error_class),
            (None, None)
        );
        assert_eq!(state.last_success, Some(now()));
        assert_eq!(state.next_due, Some(now() + TimeDelta::minutes(30)));
    }

    #[test]
    fn a_gone_source_is_not_due_until_edited() {
        let mut state = SourceState {
            config_hash: Some("v1".into()),
            ..Default::default()
        };
        record_failure(
            &mut state,
            "a",
            now(),
            MINUTE,
            &failure(ErrorClass::Gone, None),
        );
        assert_eq!(state.gone_since, Some(now()));
        assert!(!is_due(&state, "v1", now() + TimeDelta::days(30)));
        assert!(is_due(&state, "v2", now()));
    }

    #[test]
    fn retry_after_postpones_and_a_postponed_pass_is_no_failure() {
        let mut state = SourceState::default();
        let wait = Some(2 * 60 * MINUTE);
        record_failure(
            &mut state,
            "a",
            now(),
            MINUTE,
            &failure(ErrorClass::RateLimited, wait),
        );
        assert_eq!(state.failures, 1);
        assert_eq!(state.postponed_until, Some(now() + TimeDelta::hours(2)));
        assert_eq!(state.next_due, Some(now() + TimeDelta::hours(2)));

        let mut neighbour = SourceState::default();
        let asked = Some(30 * MINUTE);
        record_failure(
            &mut neighbour,
            "b",
            now(),
            MINUTE,
            &failure(ErrorClass::Postponed, asked),
        );
        assert_eq!(neighbour.failures, 0);
        assert_eq!(neighbour.last_error, None);
        assert_eq!(neighbour.next_due, Some(now() + TimeDelta::minutes(30)));
    }
}
