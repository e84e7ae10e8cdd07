//! Dates as written on news pages and in feeds → instants.
//!
//! # Map
//! - [`parse_date`]: the whole text is one date (a feed's `pubDate`, a list page's date cell).
//! - [`find_date`]: the first date inside a longer line (`发布时间：2018年12月24日 11:06 来源：…`).
//! - [`date_in_url`]: the day a story's URL names (`/2018/12/26/`, `t20181226_`), at 00:00.
//! - `scan`: the matchers for each written form of a date; `relative` for `3分钟前` and `昨天`;
//!   `clock` for times of day and zones; `lex` for digits and words.
//!
//! A date without a zone is local time in the `tz` given (the source's or the beat's zone);
//! `CST`, `Beijing Time` and `北京时间` also mean `tz`, never US Central. A local time that
//! occurs twice (a DST fold) is the earlier instant; one that never occurs (a DST gap) is the
//! first valid local time after it. Forms without a year take the year that puts them closest
//! to `now` without being more than a day ahead of it.
//!
//! This module must not guess which date on a page is the story's: callers pick the text.

mod clock;
mod in_url;
mod lex;
mod relative;
mod scan;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

pub use in_url::date_in_url;
use scan::Scan;

/// How far past `now` a bare clock time (`11:06`) may be and still mean today: page clocks
/// run a little fast. Later than that, it means yesterday.
pub const CLOCK_SKEW_GRACE: Duration = Duration::minutes(10);

/// Parses `text` when all of it is one date (surrounding white space and one pair of brackets
/// aside). Unix timestamps (10 digits: seconds, 13 digits: milliseconds) are accepted here only.
pub fn parse_date(text: &str, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let chars = normalise(text);
    let mut s: &[char] = trim_spaces(&chars);
    if let [open, inner @ .., close] = s
        && matches!(
            (open, close),
            ('(', ')') | ('[', ']') | ('【', '】') | ('〔', '〕')
        )
    {
        s = trim_spaces(inner);
    }
    if let Some(instant) = timestamp(s) {
        return Some(instant);
    }
    let scan = Scan {
        s,
        tz,
        now,
        whole: true,
    };
    scan.matches_at(0)
        .chain(std::iter::once(scan.clock_only(0)))
        .flatten()
        .find(|found| scan.skip_spaces(found.end) == s.len())
        .map(|found| found.instant)
}

/// Finds the first date in `text`. A bare clock time (`11:06`) counts only when the text holds
/// no fuller date.
pub fn find_date(text: &str, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let chars = normalise(text);
    let scan = Scan {
        s: &chars,
        tz,
        now,
        whole: false,
    };
    let starts = || (0..chars.len()).filter(|&i| scan.may_start(i));
    starts()
        .find_map(|i| scan.matches_at(i).flatten().next())
        .or_else(|| starts().find_map(|i| scan.clock_only(i)))
        .map(|found| found.instant)
}

/// Full-width forms become ASCII (`２０１８`, `：`), every white space one plain space, and
/// zero-width characters go.
fn normalise(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| !matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{2212}' | '\u{2010}' | '\u{2011}' => '-',
            '\u{2236}' => ':',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect()
}

fn trim_spaces(s: &[char]) -> &[char] {
    let start = s.iter().position(|&c| c != ' ').unwrap_or(s.len());
    let end = s.iter().rposition(|&c| c != ' ').map_or(start, |i| i + 1);
    &s[start..end]
}

fn timestamp(s: &[char]) -> Option<DateTime<Utc>> {
    if !s.iter().all(char::is_ascii_digit) {
        return None;
    }
    let value: i64 = s.iter().collect::<String>().parse().ok()?;
    match s.len() {
        10 => DateTime::from_timestamp(value, 0),
        13 => DateTime::from_timestamp_millis(value),
        _ => None,
    }
}

/// The instant of a local time in `tz`: the earlier one in a fold, the first valid one after a gap.
fn local_instant(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => (1..=180).find_map(|minutes| {
            let later = local.checked_add_signed(Duration::minutes(minutes))?;
            tz.from_local_datetime(&later)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        }),
    }
}
