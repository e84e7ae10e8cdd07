//! `parse` and `extract`: one document at a time through a stage, printed for people or as
//! JSON lines for scripts.
//!
//! Must not: parse or extract itself; `inspect::documents` does.

use std::path::{Path, PathBuf};

use chrono::Utc;
use chrono_tz::Tz;
use url::Url;

use super::{Exit, Failure, print_line, to_json};
use crate::app;
use crate::config::{Config, DEFAULT_TIMEZONE};
use crate::extract::ZoneChoice;
use crate::fetch::Fetcher;
use crate::inspect::documents::{PageFields, PageOutcome, PageReading};

/// `beatwire parse FILE...`: each feed file's format, title and items.
pub fn parse(files: &[PathBuf], json: bool, tz: Tz) -> Result<Exit, Failure> {
    let mut failed = false;
    for file in files {
        let parsed = crate::inspect::documents::parse_file(file, tz, Utc::now());
        failed |= print_outcome(&parsed, parsed.error.as_deref(), json, || {
            describe_feed(file, &parsed)
        })?;
    }
    Ok(Exit::failed_if(failed))
}

/// A feed file as people read it: its format, title and item count, then a line per item.
fn describe_feed(
    file: &Path,
    parsed: &crate::inspect::documents::ParsedFile,
) -> Result<(), Failure> {
    print_line(&format!(
        "{}: {} \"{}\", {} items",
        file.display(),
        parsed
            .format
            .map(|f| format!("{f:?}").to_lowercase())
            .unwrap_or_default(),
        parsed.title.as_deref().unwrap_or(""),
        parsed.items.len()
    ))?;
    for item in &parsed.items {
        print_line(&format!(
            "  {}  {}  {}",
            item.published.as_deref().unwrap_or("-"),
            item.title.as_deref().unwrap_or("(untitled)"),
            item.link.as_deref().unwrap_or("")
        ))?;
    }
    Ok(())
}

/// Prints one document's outcome: its JSON line with `--json`, else `describe` for people, or
/// its error on stderr. Returns whether it failed.
fn print_outcome<T: serde::Serialize>(
    value: &T,
    error: Option<&str>,
    json: bool,
    describe: impl FnOnce() -> Result<(), Failure>,
) -> Result<bool, Failure> {
    if json {
        print_line(&to_json(value)?)?;
    } else if let Some(error) = error {
        eprintln!("beatwire: {error}");
    } else {
        describe()?;
    }
    Ok(error.is_some())
}

/// `beatwire extract PAGE...`: each article page's fields and the rule behind each.
pub async fn extract(
    config: &Path,
    inputs: &[String],
    base: Option<&Url>,
    source: Option<&str>,
    json: bool,
    timezone: Option<Tz>,
) -> Result<Exit, Failure> {
    let config = source.map(|_| Config::load(config)).transpose()?;
    let rule = match (&config, source) {
        (Some(config), Some(id)) => Some(
            config
                .source(id)
                .ok_or_else(|| app::UnknownSource(id.to_owned()))?,
        ),
        _ => None,
    };
    let beat_zone = config
        .as_ref()
        .map_or(DEFAULT_TIMEZONE, |c| c.beat.timezone);
    let reading = PageReading {
        rule: rule.and_then(|r| r.article.as_deref()),
        encoding: rule.and_then(|r| r.encoding),
        // A source or `--timezone` gives the zone; a page read alone says its own.
        zone: match (timezone, rule) {
            (Some(tz), _) => ZoneChoice::Given(tz),
            (None, Some(rule)) => ZoneChoice::Given(rule.timezone_or(beat_zone)),
            (None, None) => ZoneChoice::FromPage {
                fallback: beat_zone,
            },
        },
        now: Utc::now(),
    };
    let policy = config.as_ref().map(|c| c.fetch.clone()).unwrap_or_default();
    let fetcher = Fetcher::new(&policy)?;
    let mut failed = false;
    for input in inputs {
        let page = crate::inspect::documents::extract_input(input, base, &fetcher, &reading).await;
        let (fields, error) = match &page.outcome {
            PageOutcome::Read(fields) => (Some(fields), None),
            PageOutcome::Failed { error } => (None, Some(error.as_str())),
        };
        failed |= print_outcome(&page, error, json, || match fields {
            Some(fields) => print_line(&describe_page(&page.file, fields)),
            None => Ok(()),
        })?;
    }
    Ok(Exit::failed_if(failed))
}

/// A page as people read it: each field with the rule that found it, then the body.
fn describe_page(file: &str, page: &PageFields) -> String {
    let rule = |r: &Option<crate::extract::Rule>| {
        r.as_ref().map(|r| format!("  ({r})")).unwrap_or_default()
    };
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let rules = &page.rules;
    let mut out = format!("{file}  [{}]\n", page.url);
    for (name, text, found) in [
        ("title", value(&page.title), rule(&rules.title)),
        ("published", value(&page.published), rule(&rules.published)),
        ("author", page.author.join(", "), rule(&rules.author)),
        ("outlet", value(&page.outlet), rule(&rules.outlet)),
        ("section", value(&page.section), rule(&rules.section)),
        (
            "lead image",
            value(&page.lead_image),
            rule(&rules.lead_image),
        ),
        (
            "body",
            format!("{} characters", page.body_text.chars().count()),
            format!("  ({})", rules.body),
        ),
    ] {
        out.push_str(&format!("  {name:<11}{text}{found}\n"));
    }
    for warning in &page.warnings {
        out.push_str(&format!("  warning    {warning}\n"));
    }
    out.push('\n');
    out.push_str(&page.body_text);
    out.push('\n');
    out
}
