//! `[[source.test]]`: an article a source must keep reading right, and what it must yield
//! ([`SourceTest`]), with the walker that builds each one from its table.
//!
//! Every key is checked here, with line:col like the rest of `feeds.toml`: `url` (required,
//! an http(s) article URL), `title`, `published` (RFC 3339, or a date and time in the source's
//! zone: [`ExpectedDate`]) and `contains` (one string or an array of them).
//!
//! This file must not fetch or compare anything: `beatwire check --online` does (`inspect::selftest`).

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use url::Url;

use super::problem::Report;
use super::value::{self, WEB, required};
use super::walk::{Table, kind_of};

/// One self-test of a source: reading `url` with the source's rules must give these fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceTest {
    /// An article page of the source.
    pub url: Url,
    /// The expected title, whitespace normalised (runs of white space are one space, no
    /// space at either end).
    pub title: Option<String>,
    pub published: Option<ExpectedDate>,
    /// Strings the body text must contain; empty when not given.
    pub contains: Vec<String>,
}

/// The expected `published` of a [`SourceTest`], at the precision it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedDate {
    /// RFC 3339: one instant.
    Instant(DateTime<FixedOffset>),
    /// `YYYY-MM-DD HH:MM:SS` in the source's zone.
    Second(NaiveDateTime),
    /// `YYYY-MM-DD HH:MM` in the source's zone: the seconds are not compared.
    Minute(NaiveDateTime),
    /// `YYYY-MM-DD` in the source's zone: only the day is compared.
    Day(NaiveDate),
}

impl ExpectedDate {
    /// Reads the forms `published` accepts; the error names the value and the forms.
    pub fn parse(text: &str) -> Result<ExpectedDate, String> {
        let text = text.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(ExpectedDate::Instant(at));
        }
        if let Ok(at) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
            return Ok(ExpectedDate::Second(at));
        }
        if let Ok(at) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
            return Ok(ExpectedDate::Minute(at));
        }
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(ExpectedDate::Day(day));
        }
        Err(format!(
            "invalid `published` `{text}`: expected RFC 3339 (2018-12-24T11:06:36+08:00), \
             or `YYYY-MM-DD HH:MM[:SS]` / `YYYY-MM-DD` in the source's zone"
        ))
    }
}

impl fmt::Display for ExpectedDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedDate::Instant(at) => write!(f, "{}", at.to_rfc3339()),
            ExpectedDate::Second(at) => write!(f, "{}", at.format("%Y-%m-%d %H:%M:%S")),
            ExpectedDate::Minute(at) => write!(f, "{}", at.format("%Y-%m-%d %H:%M")),
            ExpectedDate::Day(day) => write!(f, "{}", day.format("%Y-%m-%d")),
        }
    }
}

pub(super) const TEST_KEYS: &[&str] = &["url", "title", "published", "contains"];

/// Every `[[source.test]]` of a source; `None` when any has a problem (all are reported).
pub(super) fn tests(source: &Table<'_>, report: &mut Report<'_>) -> Option<Vec<SourceTest>> {
    let mut out = Some(Vec::new());
    for table in source.tables("test", "[[source.test]]", report) {
        match (test(&table, report), out.as_mut()) {
            (Some(test), Some(list)) => list.push(test),
            _ => out = None,
        }
    }
    out
}

fn test(t: &Table<'_>, report: &mut Report<'_>) -> Option<SourceTest> {
    t.deny_unknown(TEST_KEYS, report);
    let url = required(t, "url", report, |s| value::url(s, "url", WEB));
    let title = t.string("title", report);
    if let Some(title) = title.as_ref().filter(|s| s.value.trim().is_empty()) {
        report.at(&title.span, "`title` must not be empty");
    }
    let published = value::compiled(t, "published", report, ExpectedDate::parse);
    let contains = contains(t, report);
    Some(SourceTest {
        url: url?.value,
        title: title.map(|s| normalise_space(&s.value)),
        published: published.map(|d| d.value),
        contains: contains?,
    })
}

/// `contains = "text"` or `contains = ["text", ...]`; no empty string.
fn contains(t: &Table<'_>, report: &mut Report<'_>) -> Option<Vec<String>> {
    let Some((item, span)) = t.item("contains") else {
        return Some(Vec::new());
    };
    let texts = if item.is_str() {
        vec![(item.as_str().unwrap_or_default().to_owned(), span)]
    } else if item.is_array() {
        t.strings("contains", report)?
            .value
            .into_iter()
            .map(|s| (s.value, s.span))
            .collect()
    } else {
        report.at(
            &span,
            format!(
                "`contains` must be a string or an array of strings, found {}",
                kind_of(item)
            ),
        );
        return None;
    };
    let mut out = Vec::with_capacity(texts.len());
    let mut ok = true;
    for (text, span) in texts {
        if text.trim().is_empty() {
            report.at(&span, "`contains` must not hold an empty string");
            ok = false;
        } else {
            out.push(text);
        }
    }
    ok.then_some(out)
}

/// Runs of white space as one space, none at either end: how titles are compared.
pub fn normalise_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_takes_rfc3339_and_local_times_at_their_precision() {
        assert!(matches!(
            ExpectedDate::parse("2018-12-24T11:06:36+08:00"),
            Ok(ExpectedDate::Instant(_))
        ));
        assert!(matches!(
            ExpectedDate::parse("2018-12-24 11:06:36"),
            Ok(ExpectedDate::Second(_))
        ));
        assert!(matches!(
            ExpectedDate::parse("2018-12-24 11:06"),
            Ok(ExpectedDate::Minute(_))
        ));
        assert!(matches!(
            ExpectedDate::parse("2018-12-24"),
            Ok(ExpectedDate::Day(_))
        ));
        let error = ExpectedDate::parse("24/12/2018").unwrap_err();
        assert!(error.contains("`24/12/2018`"), "{error}");
        assert_eq!(
            ExpectedDate::parse("2018-12-24 11:06").unwrap().to_string(),
            "2018-12-24 11:06"
        );
    }

    #[test]
    fn titles_compare_with_white_space_normalised() {
        assert_eq!(
            normalise_space("  川渝\n 合作\u{3000}走廊 "),
            "川渝 合作 走廊"
        );
    }
}
