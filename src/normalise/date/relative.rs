//! Relative dates: `刚刚`, `3分钟前`, `2 hours ago`, `昨天 09:15`, `yesterday`.
//!
//! This module must not read absolute dates: `scan` does.

use chrono::Duration;

use super::scan::{Found, Scan};

/// `N<unit>前`: units and their length in seconds; longer spellings first.
const ZH_UNITS: &[(&str, i64)] = &[
    ("秒钟", 1),
    ("秒", 1),
    ("分钟", 60),
    ("分", 60),
    ("个小时", 3600),
    ("小时", 3600),
    ("钟头", 3600),
    ("天", 86_400),
    ("日", 86_400),
    ("个星期", 604_800),
    ("星期", 604_800),
    ("周", 604_800),
];

/// Calendar-day words and how many days before today they mean.
const DAY_WORDS: &[(&str, i64)] = &[
    ("今天", 0),
    ("今日", 0),
    ("昨天", 1),
    ("昨日", 1),
    ("前天", 2),
    ("today", 0),
    ("yesterday", 1),
];

impl Scan<'_> {
    /// `刚刚`, `3分钟前`, `2 hours ago`, `半小时前`, `just now`.
    pub(super) fn relative(&self, i: usize) -> Option<Found> {
        for word in ["刚刚", "刚才", "just now"] {
            if let Some(end) = self.literal(i, word) {
                return Some(Found {
                    instant: self.now,
                    end,
                });
            }
        }
        if let Some(j) = self
            .literal(i, "半小时")
            .or_else(|| self.literal(i, "半个小时"))
        {
            return self.ago(Duration::minutes(30), self.ago_suffix_zh(j)?);
        }
        let (count, j) = match self.word(i) {
            (article, j) if article == "a" || article == "an" => (1, j),
            _ => self.number(i, 1, 6)?,
        };
        let j = self.skip_spaces(j);
        for &(unit, seconds) in ZH_UNITS {
            if let Some(k) = self.literal(j, unit) {
                return self.ago(
                    Duration::seconds(i64::from(count) * seconds),
                    self.ago_suffix_zh(k)?,
                );
            }
        }
        let (unit, k) = self.word(j);
        let seconds = match unit.trim_end_matches('s') {
            "second" | "sec" => 1,
            "minute" | "min" => 60,
            "hour" | "hr" => 3600,
            "day" => 86_400,
            "week" => 604_800,
            _ => return None,
        };
        let (ago, end) = self.word(self.skip_spaces(k));
        (ago == "ago").then_some(())?;
        self.ago(Duration::seconds(i64::from(count) * seconds), end)
    }

    /// `今天 09:15`, `昨天 09:15`, `前天 09:15`, `yesterday at 9:15 pm`; alone (midnight) only as a
    /// whole text.
    pub(super) fn day_word(&self, i: usize) -> Option<Found> {
        let (word, days) = DAY_WORDS
            .iter()
            .find(|(word, _)| self.literal(i, word).is_some())?;
        let j = self.literal(i, word)?;
        let today = self.today()?;
        let date = today.checked_sub_signed(Duration::days(*days))?;
        match self.time_after_date(j) {
            Some((time, zone, end)) => Some(Found {
                instant: self.resolve(date.and_time(time), zone)?,
                end,
            }),
            None if self.whole => self.with_time(date, j),
            None => None,
        }
    }

    fn ago(&self, span: Duration, end: usize) -> Option<Found> {
        Some(Found {
            instant: self.now.checked_sub_signed(span)?,
            end,
        })
    }

    fn ago_suffix_zh(&self, j: usize) -> Option<usize> {
        let j = self.skip_spaces(j);
        ["之前", "以前", "前"]
            .iter()
            .find_map(|word| self.literal(j, word))
    }
}
