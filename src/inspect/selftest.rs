//! `beatwire check --online`: each source's `[[source.test]]` run. Every test URL is fetched and
//! read with the source's rules (article selectors, encoding, zone), and each expected field is
//! compared with what was read: `title` after white space is normalised, `published` at the
//! precision it was written with, `contains` in the body text.
//!
//! Must not: open the store or write anything; a failing test is a result, not a stop.

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::app::page::fetch_article;
use crate::config::{Config, ExpectedDate, SourceTest, normalise_space};
use crate::extract::Article;
use crate::fetch::Fetcher;

/// One test's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestResult {
    pub source: String,
    pub url: String,
    /// The page could not be fetched or read.
    pub error: Option<String>,
    pub mismatches: Vec<Mismatch>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.mismatches.is_empty()
    }

    /// One line per problem, naming the source, the test URL and the field; none when passed.
    pub fn lines(&self) -> Vec<String> {
        let head = format!("source {} test {}", self.source, self.url);
        match &self.error {
            Some(error) => vec![format!("{head}: {error}")],
            None => self
                .mismatches
                .iter()
                .map(|m| {
                    format!(
                        "{head}: {}: expected {}, got {}",
                        m.field, m.expected, m.got
                    )
                })
                .collect(),
        }
    }
}

/// A field that is not what the test expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub field: &'static str,
    pub expected: String,
    pub got: String,
}

/// Runs every source test of `config`, in config order.
pub async fn run_tests(config: &Config, now: DateTime<Utc>) -> anyhow::Result<Vec<TestResult>> {
    let fetcher = Fetcher::new(&config.fetch)?;
    let mut results = Vec::new();
    for rule in &config.sources {
        let tz = rule.timezone_or(config.beat.timezone);
        for test in &rule.tests {
            let mut result = TestResult {
                source: rule.id.clone(),
                url: test.url.to_string(),
                error: None,
                mismatches: Vec::new(),
            };
            match fetch_article(&fetcher, &test.url, rule, tz, now).await {
                Ok((article, _)) => result.mismatches = compare(test, &article, tz),
                Err(e) => result.error = Some(e.to_string()),
            }
            results.push(result);
        }
    }
    Ok(results)
}

/// What differs between the test's expectations and the article read.
pub fn compare(test: &SourceTest, article: &Article, tz: Tz) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let quoted = |text: &str| format!("`{text}`");
    if let Some(expected) = &test.title {
        let got = article.title.as_deref().map(normalise_space);
        if got.as_deref() != Some(expected.as_str()) {
            out.push(Mismatch {
                field: "title",
                expected: quoted(expected),
                got: got.map_or_else(|| "no title".to_owned(), |t| quoted(&t)),
            });
        }
    }
    if let Some(expected) = test.published {
        let matches = article
            .published
            .is_some_and(|got| same_date(expected, got, tz));
        if !matches {
            out.push(Mismatch {
                field: "published",
                expected: expected.to_string(),
                got: article.published.map_or_else(
                    || "no date".to_owned(),
                    |d| d.with_timezone(&tz).to_rfc3339(),
                ),
            });
        }
    }
    let body = normalise_space(&article.body_text);
    for text in &test.contains {
        if !body.contains(&normalise_space(text)) {
            out.push(Mismatch {
                field: "contains",
                expected: quoted(text),
                got: format!(
                    "a body of {} characters without it",
                    article.body_text.chars().count()
                ),
            });
        }
    }
    out
}

/// Whether `got` is the expected date at the precision the test wrote it with.
fn same_date(expected: ExpectedDate, got: DateTime<Utc>, tz: Tz) -> bool {
    let local = got.with_timezone(&tz).naive_local();
    match expected {
        ExpectedDate::Instant(at) => at == got,
        ExpectedDate::Second(at) => local.with_nanosecond(0) == Some(at),
        ExpectedDate::Minute(at) => {
            local.with_second(0).and_then(|l| l.with_nanosecond(0)) == Some(at)
        }
        ExpectedDate::Day(day) => local.date() == day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Rule, Rules};
    use chrono::TimeZone;

    fn article() -> Article {
        Article {
            title: Some("川渝  合作\n走廊".into()),
            published: Some(Utc.with_ymd_and_hms(2018, 12, 24, 3, 6, 36).unwrap()),
            authors: Vec::new(),
            outlet: None,
            section: None,
            lead_image: None,
            body_html: String::new(),
            body_text: "第一段 成渝地区\n双城经济圈".into(),
            rules: Rules::body_only(Rule::Generic("text and link density")),
            warnings: Vec::new(),
            zone: chrono_tz::Asia::Shanghai,
        }
    }

    fn test(title: &str, published: &str, contains: &[&str]) -> SourceTest {
        SourceTest {
            url: url::Url::parse("https://example.org/a.htm").unwrap(),
            title: Some(title.to_owned()),
            published: Some(ExpectedDate::parse(published).unwrap()),
            contains: contains.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn expectations_compare_at_their_own_precision() {
        let tz = chrono_tz::Asia::Shanghai;
        for published in [
            "2018-12-24T11:06:36+08:00",
            "2018-12-24 11:06:36",
            "2018-12-24 11:06",
            "2018-12-24",
        ] {
            let test = test(
                "川渝 合作 走廊",
                published,
                &["双城经济圈", "成渝地区 双城"],
            );
            assert_eq!(compare(&test, &article(), tz), [], "{published}");
        }
        let wrong = test("川渝合作走廊", "2018-12-24 11:07", &["长江"]);
        let fields: Vec<_> = compare(&wrong, &article(), tz)
            .into_iter()
            .map(|m| (m.field, m.expected, m.got))
            .collect();
        assert_eq!(
            fields,
            [
                ("title", "`川渝合作走廊`".into(), "`川渝 合作 走廊`".into()),
                (
                    "published",
                    "2018-12-24 11:07".into(),
                    "2018-12-24T11:06:36+08:00".into()
                ),
                (
                    "contains",
                    "`长江`".into(),
                    "a body of 14 characters without it".into()
                ),
            ]
        );
    }
}
