//! Times of day and zones: `11:06:36.250`, `11时06分`, `9:15 pm`, `+08:00`, `GMT`, `CST`, `北京时间`.
//!
//! This module must not read dates: `scan` calls it after one.

use chrono::{FixedOffset, NaiveTime};

use super::scan::Scan;

#[derive(Debug, Clone, Copy)]
pub(super) enum Zone {
    /// The caller's zone: no zone written, or `CST` / `北京时间`.
    Local,
    Fixed(FixedOffset),
}

/// Named zones and their offsets in hours. `CST`, `BJT` and `CCT` are China time (the caller's
/// zone), see [`Zone::Local`].
const NAMED_ZONES: &[(&str, i32)] = &[
    ("gmt", 0),
    ("ut", 0),
    ("utc", 0),
    ("z", 0),
    ("wet", 0),
    ("bst", 1),
    ("cet", 1),
    ("west", 1),
    ("cest", 2),
    ("eet", 2),
    ("eest", 3),
    ("msk", 3),
    ("hkt", 8),
    ("sgt", 8),
    ("jst", 9),
    ("kst", 9),
    ("aest", 10),
    ("aedt", 11),
    ("est", -5),
    ("edt", -4),
    ("cdt", -5),
    ("mst", -7),
    ("mdt", -6),
    ("pst", -8),
    ("pdt", -7),
    ("akst", -9),
    ("akdt", -8),
    ("hst", -10),
];

const CHINA_ZONE_WORDS: &[&str] = &["cst", "bjt", "cct"];

impl Scan<'_> {
    /// `11:06`, `11:06:36.250`, `11时06分`, `11点06分36秒`, `9:15 pm`, `下午3:05`.
    pub(super) fn clock(&self, i: usize) -> Option<(NaiveTime, usize)> {
        let (meridiem, i) = [
            ("上午", 'a'),
            ("凌晨", 'a'),
            ("早上", 'a'),
            ("中午", 'n'),
            ("下午", 'p'),
            ("晚上", 'p'),
            ("傍晚", 'p'),
        ]
        .iter()
        .find_map(|(word, m)| {
            self.literal(i, word)
                .map(|j| (Some(*m), self.skip_spaces(j)))
        })
        .unwrap_or((None, i));
        let (mut hour, j) = self.number(i, 1, 2)?;
        let (minute, mut second, mut nanos, mut j) = match self.at(j)? {
            ':' => {
                let (minute, j) = self.number(j + 1, 2, 2)?;
                (minute, 0, 0, j)
            }
            '时' | '点' => {
                let (minute, j) = self.number(self.skip_spaces(j + 1), 1, 2)?;
                (minute, 0, 0, self.literal(j, "分").unwrap_or(j))
            }
            _ => return None,
        };
        if self.at(j) == Some(':') {
            if let Some((s, k)) = self.number(j + 1, 2, 2) {
                (second, j) = (s, k);
                if matches!(self.at(j), Some('.' | ','))
                    && self.at(j + 1).is_some_and(|c| c.is_ascii_digit())
                {
                    (nanos, j) = self.fraction(j + 1);
                }
            }
        } else if let Some((s, k)) = self.number(j, 1, 2)
            && let Some(k) = self.literal(k, "秒")
        {
            (second, j) = (s, k);
        }
        let (suffix, after) = self.word(self.skip_spaces(j));
        let meridiem = match suffix.as_str() {
            "am" | "a" if suffix == "am" || self.literal(after, ".m.").is_some() => {
                j = self.literal(after, ".m.").unwrap_or(after);
                Some('a')
            }
            "pm" | "p" if suffix == "pm" || self.literal(after, ".m.").is_some() => {
                j = self.literal(after, ".m.").unwrap_or(after);
                Some('p')
            }
            _ => meridiem,
        };
        match meridiem {
            Some('p') if hour < 12 => hour += 12,
            Some('n') if hour < 11 => hour += 12,
            Some('a') if hour == 12 => hour = 0,
            _ => {}
        }
        let time = NaiveTime::from_hms_nano_opt(hour, minute, second.min(59), nanos)?;
        Some((time, j))
    }

    /// Digits after the decimal point as nanoseconds; digits past the ninth are read and dropped.
    fn fraction(&self, i: usize) -> (u32, usize) {
        let mut nanos = 0;
        let mut j = i;
        while let Some(d) = self.at(j).and_then(|c| c.to_digit(10)) {
            if j - i < 9 {
                nanos = nanos * 10 + d;
            }
            j += 1;
        }
        let digits = u32::try_from((j - i).min(9)).unwrap_or(9);
        (nanos * 10u32.pow(9 - digits), j)
    }

    /// A zone after a time: `Z`, `+08:00`, `+0800`, ` GMT`, ` GMT+8`, ` EST`, ` CST`, ` 北京时间`,
    /// ` Beijing Time`, then an optional ` (comment)`.
    pub(super) fn zone(&self, i: usize) -> Option<(Zone, usize)> {
        if self.at(i) == Some('Z') && !self.at(i + 1).is_some_and(|c| c.is_alphabetic()) {
            return Some((Zone::Fixed(FixedOffset::east_opt(0)?), self.comment(i + 1)));
        }
        if let Some(found) = self.offset(i).or_else(|| self.offset(self.skip_spaces(i))) {
            return Some((found.0, self.comment(found.1)));
        }
        let k = self.skip_spaces(i);
        let (inner, parens) = if self.at(k) == Some('(') {
            (k + 1, true)
        } else {
            (k, false)
        };
        let (zone, end) = if let Some(end) = self.literal(inner, "北京时间") {
            (Zone::Local, end)
        } else if let Some(end) = self.literal(inner, "beijing time") {
            (Zone::Local, end)
        } else {
            let (word, end) = self.word(inner);
            if CHINA_ZONE_WORDS.contains(&word.as_str()) {
                (Zone::Local, end)
            } else {
                let &(_, hours) = NAMED_ZONES.iter().find(|(name, _)| *name == word)?;
                match self.offset(end) {
                    Some(found) if matches!(word.as_str(), "gmt" | "utc" | "ut") => found,
                    _ => (Zone::Fixed(FixedOffset::east_opt(hours * 3600)?), end),
                }
            }
        };
        if parens {
            return Some((zone, self.literal(end, ")")?));
        }
        Some((zone, self.comment(end)))
    }

    /// `+08:00`, `+0800`, `+08`, `-5` (hours up to 14).
    fn offset(&self, i: usize) -> Option<(Zone, usize)> {
        let sign = match self.at(i)? {
            '+' => 1,
            '-' => -1,
            _ => return None,
        };
        let (value, j) = self.number(i + 1, 1, 4)?;
        let (hours, minutes, end) = match j - i - 1 {
            4 => (value / 100, value % 100, j),
            3 => return None,
            _ if self.at(j) == Some(':') => {
                let (minutes, k) = self.number(j + 1, 2, 2)?;
                (value, minutes, k)
            }
            _ => (value, 0, j),
        };
        if hours > 14 || minutes > 59 {
            return None;
        }
        let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
        Some((Zone::Fixed(FixedOffset::east_opt(sign * seconds)?), end))
    }

    /// Skips a parenthesised comment such as ` (CST)` after an RFC 2822 zone.
    fn comment(&self, i: usize) -> usize {
        let k = self.skip_spaces(i);
        if self.at(k) == Some('(') {
            let (word, end) = self.word(k + 1);
            if !word.is_empty() && self.at(end) == Some(')') {
                return end + 1;
            }
        }
        i
    }
}
