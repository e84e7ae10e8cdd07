//! The small reads every form is made of: digits, words, month and weekday names.
//!
//! This module must not give instants: it only reads tokens of normalised text.

use super::scan::Scan;

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

pub(super) const WEEKDAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Scan<'_> {
    pub(super) fn month_name(&self, i: usize) -> Option<(u32, usize)> {
        let (word, end) = self.word(i);
        if word.len() < 3 || word.len() > 9 {
            return None;
        }
        let index = MONTHS.iter().position(|m| word.starts_with(m))?;
        let end = if self.at(end) == Some('.') {
            end + 1
        } else {
            end
        };
        Some((u32::try_from(index).ok()? + 1, end))
    }

    /// A year of four digits, or two (RFC 2822: `00`–`49` are 2000s, `50`–`99` the 1900s).
    pub(super) fn year(&self, i: usize) -> Option<(i32, usize)> {
        let (value, end) = self.number(i, 2, 4)?;
        let value = i32::try_from(value).ok()?;
        match end - i {
            2 if value < 50 => Some((2000 + value, end)),
            2 => Some((1900 + value, end)),
            4 => Some((value, end)),
            _ => None,
        }
    }

    /// `星期一`, `周一`, `礼拜一`, possibly in parentheses.
    pub(super) fn weekday_zh(&self, i: usize) -> Option<usize> {
        let (start, parens) = if self.at(i) == Some('(') {
            (i + 1, true)
        } else {
            (i, false)
        };
        let j = ["星期", "礼拜", "周"]
            .iter()
            .find_map(|w| self.literal(start, w))?;
        matches!(
            self.at(j)?,
            '一' | '二' | '三' | '四' | '五' | '六' | '日' | '天'
        )
        .then_some(())?;
        if parens {
            self.literal(j + 1, ")")
        } else {
            Some(j + 1)
        }
    }

    pub(super) fn day_suffix(&self, j: usize) -> usize {
        let k = self.skip_spaces(j);
        if matches!(self.at(k), Some('日' | '号')) {
            k + 1
        } else {
            j
        }
    }

    pub(super) fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    /// A run of `min..=max` ASCII digits at `i`; a longer run is no match.
    pub(super) fn number(&self, i: usize, min: usize, max: usize) -> Option<(u32, usize)> {
        let mut value: u32 = 0;
        let mut j = i;
        while let Some(d) = self.at(j).and_then(|c| c.to_digit(10)) {
            if j - i >= max {
                return None;
            }
            value = value * 10 + d;
            j += 1;
        }
        (j - i >= min).then_some((value, j))
    }

    /// `word` at `i`, ignoring ASCII case; the index past it.
    pub(super) fn literal(&self, i: usize, word: &str) -> Option<usize> {
        let mut j = i;
        for expected in word.chars() {
            if !self.at(j)?.eq_ignore_ascii_case(&expected) {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    /// The run of ASCII letters at `i`, lower-cased. A run longer than any word the forms use
    /// reads as no word, which keeps scanning linear.
    pub(super) fn word(&self, i: usize) -> (String, usize) {
        const LONGEST: usize = 12;
        let mut j = i;
        while self.at(j).is_some_and(|c| c.is_ascii_alphabetic()) {
            if j - i == LONGEST {
                return (String::new(), i);
            }
            j += 1;
        }
        (
            self.s
                .get(i..j)
                .unwrap_or_default()
                .iter()
                .map(char::to_ascii_lowercase)
                .collect(),
            j,
        )
    }
}
