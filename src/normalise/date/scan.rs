//! The date forms: each matcher reads one written form of a date at a position of normalised
//! text and gives the instant and where the form ends. Reads are bounded, so scanning is linear.
//!
//! This module must not pick among several dates: `find_date` takes the first.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;

use super::clock::Zone;
use super::lex::WEEKDAYS;
use super::{CLOCK_SKEW_GRACE, local_instant};

/// A date found in the text: its instant and the index just past it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Found {
    pub instant: DateTime<Utc>,
    pub end: usize,
}

pub(super) struct Scan<'a> {
    pub s: &'a [char],
    pub tz: Tz,
    pub now: DateTime<Utc>,
    /// The whole text is one date: forms that are too loose inside prose (`12-24`, `昨天`) count.
    pub whole: bool,
}

impl Scan<'_> {
    /// Each form's match at `i`, strongest forms first.
    pub fn matches_at(&self, i: usize) -> impl Iterator<Item = Option<Found>> + '_ {
        let matchers: [fn(&Self, usize) -> Option<Found>; 6] = [
            Self::year_month_day,
            Self::day_month_year,
            Self::named_month,
            Self::relative,
            Self::day_word,
            Self::month_day,
        ];
        matchers.into_iter().map(move |matcher| matcher(self, i))
    }

    /// Whether a date may start at `i`: not inside a number or a word, nor right after a
    /// number's separator (`2018-02-30` must not yield `02-30`).
    pub fn may_start(&self, i: usize) -> bool {
        let before = |k: usize| i.checked_sub(k).and_then(|j| self.s.get(j).copied());
        match before(1) {
            None => true,
            Some(c) if c.is_ascii_alphanumeric() => false,
            Some('-' | '/' | '.' | ':' | '年' | '月' | '+') => {
                !before(2).is_some_and(|c| c.is_ascii_digit())
            }
            Some(_) => true,
        }
    }

    /// A clock time alone (`11:06`): today in `tz`, or yesterday when today's would be ahead of
    /// `now` by more than [`CLOCK_SKEW_GRACE`].
    pub fn clock_only(&self, i: usize) -> Option<Found> {
        let (time, j) = self.clock(i)?;
        if !self.whole && !self.s[i..j].contains(&':') {
            return None;
        }
        let (zone, end) = self.zone(j).unwrap_or((Zone::Local, j));
        let today = self.today()?;
        let mut instant = self.resolve(today.and_time(time), zone)?;
        if instant > self.now.checked_add_signed(CLOCK_SKEW_GRACE)? {
            instant = self.resolve(today.pred_opt()?.and_time(time), zone)?;
        }
        Some(Found { instant, end })
    }

    pub(super) fn skip_spaces(&self, mut i: usize) -> usize {
        while self.at(i) == Some(' ') {
            i += 1;
        }
        i
    }

    /// `2018-12-24`, `2018/12/24`, `2018.12.24`, `2018年12月24日`, each with an optional time.
    fn year_month_day(&self, i: usize) -> Option<Found> {
        let (year, j) = self.number(i, 4, 4)?;
        let after_spaces = self.skip_spaces(j);
        let (month, day, end) = match self.at(j)? {
            _ if self.at(after_spaces) == Some('年') => {
                let (month, j) = self.number(self.skip_spaces(after_spaces + 1), 1, 2)?;
                let j = self.literal(self.skip_spaces(j), "月")?;
                let (day, j) = self.number(self.skip_spaces(j), 1, 2)?;
                (month, day, self.day_suffix(j))
            }
            sep @ ('-' | '/' | '.') => {
                let (month, j) = self.number(j + 1, 1, 2)?;
                if self.at(j) != Some(sep) {
                    return None;
                }
                let (day, j) = self.number(j + 1, 1, 2)?;
                (month, day, j)
            }
            _ => return None,
        };
        if !(1900..=2200).contains(&year) {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        self.with_time(date, end)
    }

    /// `24.12.2018`, `24. 12. 2018`: day first, dots between, a four-digit year (German,
    /// Russian, Turkish, Polish, Czech, Scandinavian pages), with an optional time after it.
    /// Only dots: slashes are ambiguous (`12/24/2018` is read month first by `month_day`).
    fn day_month_year(&self, i: usize) -> Option<Found> {
        let (day, j) = self.number(i, 1, 2)?;
        let j = self.literal(j, ".")?;
        let (month, j) = self.number(self.skip_spaces(j), 1, 2)?;
        let j = self.literal(j, ".")?;
        let (year, j) = self.number(self.skip_spaces(j), 4, 4)?;
        if !(1900..=2200).contains(&year) || self.at(j).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        self.with_time(date, j)
    }

    /// RFC 2822 and English forms: `Mon, 24 Dec 2018 11:06:36 +0800`, `December 24, 2018 11:06 AM`,
    /// `Mon Dec 24 11:06:36 CST 2018`.
    fn named_month(&self, i: usize) -> Option<Found> {
        let mut k = i;
        let (word, end) = self.word(i);
        if WEEKDAYS.iter().any(|w| word.starts_with(w)) && word.len() <= 9 {
            k = self.skip_spaces(end);
            if self.at(k) == Some(',') {
                k = self.skip_spaces(k + 1);
            }
        }
        if let Some((day, j)) = self.number(k, 1, 2) {
            let (month, j) = self.month_name(self.skip_spaces(j))?;
            let (year, j) = self.year(self.skip_spaces(j))?;
            return self.with_time(NaiveDate::from_ymd_opt(year, month, day)?, j);
        }
        let (month, j) = self.month_name(k)?;
        let (day, j) = self.number(self.skip_spaces(j), 1, 2)?;
        let (suffix, after_suffix) = self.word(j);
        let mut j = if matches!(suffix.as_str(), "st" | "nd" | "rd" | "th") {
            after_suffix
        } else {
            j
        };
        if self.at(j) == Some(',') {
            j += 1;
        }
        if let Some((year, j)) = self.number(self.skip_spaces(j), 4, 4) {
            return self.with_time(
                NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?,
                j,
            );
        }
        // ctime: the year comes after the time and zone.
        let (time, j) = self.clock(self.skip_spaces(j))?;
        let (zone, j) = self.zone(j).unwrap_or((Zone::Local, j));
        let (year, end) = self.number(self.skip_spaces(j), 4, 4)?;
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        Some(Found {
            instant: self.resolve(date.and_time(time), zone)?,
            end,
        })
    }

    /// `12-24 11:06`, `12/24 11:06`, `12月24日 11:06`, `12月24日`; `12-24` alone only as a whole
    /// text. The year is inferred from `now`. Also `12/24/2018` (month first, as US pages write).
    fn month_day(&self, i: usize) -> Option<Found> {
        let (month, j) = self.number(i, 1, 2)?;
        let j = self.skip_spaces(j);
        let sep = self.at(j)?;
        if !matches!(sep, '-' | '/' | '月') {
            return None;
        }
        let (day, mut j) = self.number(self.skip_spaces(j + 1), 1, 2)?;
        if sep == '月' {
            j = self.day_suffix(j);
        } else if self.at(j) == Some(sep) {
            let (year, j) = self.number(j + 1, 4, 4)?;
            return self.with_time(
                NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?,
                j,
            );
        }
        match self.time_after_date(j) {
            Some((time, zone, end)) => Some(Found {
                instant: self.infer_year(month, day, time, zone)?,
                end,
            }),
            None if sep == '月' || self.whole => Some(Found {
                instant: self.infer_year(month, day, NaiveTime::MIN, Zone::Local)?,
                end: j,
            }),
            None => None,
        }
    }

    /// The date at `j`, with the time (and zone) that follows it if any, else at local midnight.
    pub(super) fn with_time(&self, date: NaiveDate, j: usize) -> Option<Found> {
        if let Some((time, zone, end)) = self.time_after_date(j) {
            return Some(Found {
                instant: self.resolve(date.and_time(time), zone)?,
                end,
            });
        }
        Some(Found {
            instant: self.resolve(date.and_time(NaiveTime::MIN), Zone::Local)?,
            end: j,
        })
    }

    /// A time after a date: `T11:06:36Z`, ` 11:06`, `11:06:36` (no space after `日`),
    /// ` 星期一 11:06`, `, 2018 at 9:15 pm`.
    pub(super) fn time_after_date(&self, j: usize) -> Option<(NaiveTime, Zone, usize)> {
        let mut k = j;
        if matches!(self.at(k), Some('T' | 't')) {
            k += 1;
        } else {
            k = self.skip_spaces(k);
            if self.at(k) == Some(',') {
                k = self.skip_spaces(k + 1);
            }
            if let Some(after) = self.weekday_zh(k).or_else(|| self.literal(k, "at ")) {
                k = self.skip_spaces(after);
            }
        }
        let (time, k) = self.clock(k)?;
        let (zone, end) = self.zone(k).unwrap_or((Zone::Local, k));
        Some((time, zone, end))
    }

    fn infer_year(
        &self,
        month: u32,
        day: u32,
        time: NaiveTime,
        zone: Zone,
    ) -> Option<DateTime<Utc>> {
        let year = self.today()?.year();
        let latest = self.now.checked_add_signed(Duration::days(1))?;
        [year - 1, year, year + 1]
            .into_iter()
            .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
            .filter_map(|date| self.resolve(date.and_time(time), zone))
            .filter(|instant| *instant <= latest)
            .min_by_key(|instant| (*instant - self.now).num_seconds().abs())
    }

    /// The calendar date of `now` in `tz`; `None` for a `now` far outside the years news is from.
    pub(super) fn today(&self) -> Option<NaiveDate> {
        let utc = self.now.naive_utc();
        let local = utc.checked_add_offset(self.tz.offset_from_utc_datetime(&utc).fix())?;
        (1000..=9000)
            .contains(&local.year())
            .then_some(local.date())
    }

    pub(super) fn resolve(&self, local: NaiveDateTime, zone: Zone) -> Option<DateTime<Utc>> {
        match zone {
            Zone::Local => local_instant(self.tz, local),
            Zone::Fixed(offset) => offset
                .from_local_datetime(&local)
                .single()
                .map(|t| t.with_timezone(&Utc)),
        }
    }
}
