//! The two response headers that say how long to leave a URL alone: `Retry-After` (on 429 / 503)
//! and `Cache-Control: max-age`, read into durations.
//!
//! Must not: read the clock; an HTTP date is compared with the `now` it is given.

use std::time::{Duration, SystemTime};

/// The longest a `Retry-After` may postpone a host: a server asking for a week gets a day.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a `Retry-After` value asks to wait from `now`, at most [`MAX_RETRY_AFTER`].
///
/// The value is either seconds (`120`) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`); a date
/// already past means no wait. Anything else is ignored.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            at.duration_since(now).unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// The `max-age` of a `Cache-Control` value, unless the value also forbids reuse (`no-cache`,
/// `no-store`), which says nothing about how long to wait.
pub fn max_age(value: &str) -> Option<Duration> {
    let mut age = None;
    for directive in value.split(',') {
        let directive = directive.trim();
        let (name, argument) = directive
            .split_once('=')
            .map_or((directive, None), |(n, a)| (n.trim(), Some(a.trim())));
        if name.eq_ignore_ascii_case("no-cache") || name.eq_ignore_ascii_case("no-store") {
            return None;
        }
        if name.eq_ignore_ascii_case("max-age") {
            age = argument
                .map(|a| a.trim_matches('"'))
                .and_then(|a| a.parse::<u64>().ok())
                .map(Duration::from_secs);
        }
    }
    age.filter(|age| !age.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-27 08:00:00 UTC.
    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_766_400)
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(retry_after("120", now()), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after(" Fri, 27 Nov 2026 08:05:00 GMT ", now()),
            Some(Duration::from_secs(300))
        );
        assert_eq!(
            retry_after("Fri, 27 Nov 2026 07:00:00 GMT", now()),
            Some(Duration::ZERO),
            "a date in the past asks for no wait"
        );
        assert_eq!(retry_after("soon", now()), None);
        assert_eq!(retry_after("-5", now()), None);
    }

    #[test]
    fn retry_after_is_capped_at_a_day() {
        assert_eq!(retry_after("31536000", now()), Some(MAX_RETRY_AFTER));
        assert_eq!(
            retry_after("Sat, 27 Nov 2027 08:00:00 GMT", now()),
            Some(MAX_RETRY_AFTER)
        );
    }

    #[test]
    fn max_age_is_read_unless_reuse_is_forbidden() {
        assert_eq!(
            max_age("public, max-age=3600"),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(max_age("MAX-AGE=\"60\""), Some(Duration::from_secs(60)));
        assert_eq!(max_age("max-age=0"), None);
        assert_eq!(max_age("no-cache, max-age=3600"), None);
        assert_eq!(max_age("private"), None);
        assert_eq!(max_age("max-age=soon"), None);
    }
}
