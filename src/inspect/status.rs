//! `beatwire status`: each configured source's health as the store remembers it, in the shape
//! of DESIGN.md's CLI contract (`status --json`), or as a table for people.
//!
//! Must not: fetch, or change anything in the store.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::app::lock::RunLock;
use crate::config::Config;
use crate::model::{ErrorClass, SourceState};
use crate::store;

/// What `status --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusReport {
    pub sources: Vec<SourceHealth>,
}

/// One source's health.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceHealth {
    pub id: String,
    pub url: String,
    pub last_success: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub error_class: Option<ErrorClass>,
    /// Consecutive failures since the last success.
    pub failures: u32,
    /// When the next `run` fetches it; `null` when the next run does (never fetched, edited)
    /// and when it is gone.
    pub next_due: Option<DateTime<Utc>>,
    /// Stories stored from it, all time.
    pub stories: u64,
    /// Where its URL moved for good (301 / 308): update the config.
    pub moved_to: Option<String>,
    /// When it answered 410 Gone; it is not fetched until edited.
    pub gone_since: Option<DateTime<Utc>>,
    /// How many stories the last document that listed any held, and when it was read: what
    /// a broken source (`error_class` `broken`) found before.
    pub last_found: Option<u64>,
    pub last_found_at: Option<DateTime<Utc>>,
    /// What the last document read had to be repaired of to be read, one line per kind
    /// (`escaped 3 bare '&'`); empty when it parsed as written.
    pub repairs: Vec<String>,
}

impl SourceHealth {
    fn new(id: &str, url: &str, state: SourceState, fingerprint: &str) -> SourceHealth {
        let edited = state.config_hash.as_deref() != Some(fingerprint);
        SourceHealth {
            id: id.to_owned(),
            url: url.to_owned(),
            last_success: state.last_success,
            last_error: state.last_error,
            error_class: state.last_error_class,
            failures: state.failures,
            next_due: if edited || state.gone_since.is_some() {
                None
            } else {
                state.next_due
            },
            stories: state.stories,
            moved_to: if edited { None } else { state.moved_to },
            gone_since: if edited { None } else { state.gone_since },
            last_found: state.last_found,
            last_found_at: state.last_found_at,
            // An edited source's next document is another reading.
            repairs: if edited { Vec::new() } else { state.repairs },
        }
    }
}

/// Reads every configured source's state, in the order of the config, under the run lock (the
/// store has one user at a time).
pub fn status(config: &Config) -> anyhow::Result<StatusReport> {
    let _lock = RunLock::acquire(&config.beat.store)?;
    let store = store::open(&config.beat.store)?;
    let mut sources = Vec::with_capacity(config.sources.len());
    for rule in &config.sources {
        let state = store.source_state(&rule.id)?;
        sources.push(SourceHealth::new(
            &rule.id,
            rule.url.as_str(),
            state,
            rule.fingerprint.as_str(),
        ));
    }
    Ok(StatusReport { sources })
}

/// The report as a table, times in `tz`; a moved, gone or repaired source gets a line of its
/// own.
pub fn render(report: &StatusReport, tz: Tz, now: DateTime<Utc>) -> String {
    let time = |at: Option<DateTime<Utc>>, none: &str| {
        at.map_or_else(
            || none.to_owned(),
            |at| {
                at.with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M %z")
                    .to_string()
            },
        )
    };
    let rows: Vec<[String; 6]> = report
        .sources
        .iter()
        .map(|s| {
            let next_due = match (s.gone_since, s.next_due) {
                (Some(_), _) => "never (gone)".to_owned(),
                (None, Some(due)) if due > now => time(Some(due), ""),
                (None, _) => "now".to_owned(),
            };
            let error = match (&s.error_class, &s.last_error) {
                (Some(class), Some(error)) => format!("{class}: {error}"),
                (None, Some(error)) => error.clone(),
                _ => "-".to_owned(),
            };
            [
                s.id.clone(),
                time(s.last_success, "never"),
                s.failures.to_string(),
                next_due,
                s.stories.to_string(),
                error,
            ]
        })
        .collect();
    let header = [
        "SOURCE",
        "LAST SUCCESS",
        "FAILURES",
        "NEXT DUE",
        "STORIES",
        "LAST ERROR",
    ]
    .map(str::to_owned);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |row: &[String; 6]| {
        let mut out = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = vec![line(&header)];
    for (row, source) in rows.iter().zip(&report.sources) {
        out.push(line(row));
        if let Some(moved_to) = &source.moved_to {
            out.push(format!(
                "  {} moved permanently to {moved_to}: update its url",
                source.id
            ));
        }
        if let Some(since) = source.gone_since {
            out.push(format!(
                "  {} is gone (HTTP 410 since {}): edit or remove it",
                source.id,
                time(Some(since), "")
            ));
        }
        if !source.repairs.is_empty() {
            out.push(format!(
                "  {} is read only after repairs: {}",
                source.id,
                source.repairs.join("; ")
            ));
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap()
    }

    #[test]
    fn the_table_shows_due_times_errors_moves_repairs_and_gone_sources() {
        let ok = SourceState {
            last_success: Some(now()),
            next_due: Some(now() + TimeDelta::minutes(15)),
            stories: 3,
            config_hash: Some("v1".into()),
            moved_to: Some("https://example.org/new.xml".into()),
            repairs: vec![
                "escaped 3 bare '&'".into(),
                "dropped 1 incomplete items (broken or truncated)".into(),
            ],
            ..Default::default()
        };
        let gone = SourceState {
            last_error: Some("http://127.0.0.2/feed: HTTP 410".into()),
            last_error_class: Some(ErrorClass::Gone),
            failures: 1,
            next_due: Some(now() + TimeDelta::hours(1)),
            config_hash: Some("v1".into()),
            gone_since: Some(now()),
            ..Default::default()
        };
        let report = StatusReport {
            sources: vec![
                SourceHealth::new("cqrb", "http://127.0.0.2/a", ok, "v1"),
                SourceHealth::new("down", "http://127.0.0.2/b", gone, "v1"),
                SourceHealth::new("fresh", "http://127.0.0.3/c", SourceState::default(), "v1"),
            ],
        };
        assert_eq!(
            report.sources[1].next_due, None,
            "a gone source is never due"
        );
        let table = render(&report, chrono_tz::Asia::Shanghai, now());
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines,
            [
                "SOURCE  LAST SUCCESS            FAILURES  NEXT DUE                STORIES  LAST ERROR",
                "cqrb    2026-11-27 16:00 +0800  0         2026-11-27 16:15 +0800  3        -",
                "  cqrb moved permanently to https://example.org/new.xml: update its url",
                "  cqrb is read only after repairs: escaped 3 bare '&'; dropped 1 incomplete items (broken or truncated)",
                "down    never                   1         never (gone)            0        gone: http://127.0.0.2/feed: HTTP 410",
                "  down is gone (HTTP 410 since 2026-11-27 16:00 +0800): edit or remove it",
                "fresh   never                   0         now                     0        -",
            ]
        );
    }

    #[test]
    fn an_edited_source_is_due_and_forgets_its_move_and_repairs() {
        let state = SourceState {
            next_due: Some(now() + TimeDelta::hours(1)),
            config_hash: Some("v1".into()),
            moved_to: Some("https://example.org/new.xml".into()),
            repairs: vec!["escaped 3 bare '&'".into()],
            ..Default::default()
        };
        let health = SourceHealth::new("a", "http://127.0.0.2/a", state.clone(), "v2");
        assert_eq!((health.next_due, health.moved_to), (None, None));
        assert!(
            health.repairs.is_empty(),
            "the edited source is read afresh"
        );
        let health = SourceHealth::new("a", "http://127.0.0.2/a", state, "v1");
        assert_eq!(health.repairs, ["escaped 3 bare '&'"]);
    }
}
