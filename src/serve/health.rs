//! `/healthz` and `/metrics`, both read from the `status.json` the last run left in the output
//! folder (never from the store).
//!
//! `/metrics` is the Prometheus text format, written here by hand: every value is a snapshot
//! of the status file taken at scrape time, so there is no in-process registry for a metrics
//! crate to keep, and the format for gauges and counters is a few `name{label="v"} value` lines.
//!
//! Must not: open the store or change the status file.

use std::fmt::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::SourceStatus;
use crate::status::Status;

/// Status codes the server counts for `beatwire_http_responses_total`.
pub const COUNTED: [u16; 6] = [200, 304, 404, 405, 500, 503];

/// Responses sent, by status code (see [`COUNTED`]; any other code counts as `other`).
#[derive(Debug, Default)]
pub struct Counters {
    by_code: [AtomicU64; COUNTED.len()],
    other: AtomicU64,
}

impl Counters {
    pub fn count(&self, code: u16) {
        match COUNTED.iter().position(|&c| c == code) {
            Some(i) => self.by_code[i].fetch_add(1, Ordering::Relaxed),
            None => self.other.fetch_add(1, Ordering::Relaxed),
        };
    }
}

/// What `/healthz` answers, as JSON.
#[derive(Debug, Serialize)]
pub struct Health {
    /// `ok`, `stale` or `unknown` (nothing published yet, or the status file is unreadable).
    pub status: &'static str,
    pub published_at: Option<DateTime<Utc>>,
    /// Seconds since the last publish.
    pub age_seconds: Option<i64>,
    pub stale_after_seconds: u64,
    pub stories: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Health {
    /// 200 for `ok`, 503 otherwise.
    pub fn code(&self) -> u16 {
        if self.status == "ok" { 200 } else { 503 }
    }
}

/// The health of the output folder `dir` at `now`: stale when the last publish is older than
/// `stale_after`.
pub fn health(dir: &Path, stale_after: Duration, now: DateTime<Utc>) -> Health {
    let mut health = Health {
        status: "unknown",
        published_at: None,
        age_seconds: None,
        stale_after_seconds: stale_after.as_secs(),
        stories: None,
        error: None,
    };
    match Status::read(&Status::path_in(dir)) {
        Ok(Some(Status {
            published: Some(published),
            ..
        })) => {
            let age = (now - published.at).num_seconds().max(0);
            health.published_at = Some(published.at);
            health.age_seconds = Some(age);
            health.stories = Some(published.items);
            let fresh = u64::try_from(age).is_ok_and(|age| age <= stale_after.as_secs());
            health.status = if fresh { "ok" } else { "stale" };
        }
        Ok(_) => health.error = Some("nothing has been published yet".to_owned()),
        Err(error) => health.error = Some(error.to_string()),
    }
    health
}

/// The Prometheus text for the output folder `dir` at `now`.
pub fn metrics(dir: &Path, now: DateTime<Utc>, counters: &Counters, cached_files: usize) -> String {
    let status = Status::read(&Status::path_in(dir));
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, kind: &str, samples: &[(String, String)]| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    let (run, published, readable) = match &status {
        Ok(Some(s)) => (s.run.as_ref(), s.published.as_ref(), 1),
        Ok(None) => (None, None, 1),
        Err(_) => (None, None, 0),
    };
    gauge(
        "beatwire_status_readable",
        "Whether the output folder's status.json could be read (1) or not (0).",
        "gauge",
        &[(String::new(), readable.to_string())],
    );
    if let Some(published) = published {
        gauge(
            "beatwire_stories",
            "Stories in the published feed.",
            "gauge",
            &[(String::new(), published.items.to_string())],
        );
        gauge(
            "beatwire_last_publish_timestamp_seconds",
            "When the outputs were last published (Unix time).",
            "gauge",
            &[(String::new(), published.at.timestamp().to_string())],
        );
        gauge(
            "beatwire_publish_age_seconds",
            "Seconds since the outputs were last published.",
            "gauge",
            &[(
                String::new(),
                (now - published.at).num_seconds().max(0).to_string(),
            )],
        );
    }
    if let Some(run) = run {
        gauge(
            "beatwire_last_run_timestamp_seconds",
            "When the last run finished (Unix time).",
            "gauge",
            &[(String::new(), run.finished.timestamp().to_string())],
        );
        let took = (run.finished - run.started).num_milliseconds().max(0) as f64 / 1000.0;
        gauge(
            "beatwire_last_run_duration_seconds",
            "How long the last run took.",
            "gauge",
            &[(String::new(), took.to_string())],
        );
        let by_status: Vec<(String, String)> = SourceStatus::ALL
            .iter()
            .map(|wanted| {
                let n = run.sources.iter().filter(|s| s.status == *wanted).count();
                (format!("{{status=\"{}\"}}", wanted.as_str()), n.to_string())
            })
            .collect();
        gauge(
            "beatwire_sources",
            "Sources by their outcome in the last run.",
            "gauge",
            &by_status,
        );
        let per_source = |value: &dyn Fn(&crate::status::SourceRun) -> String| {
            run.sources
                .iter()
                .map(|s| (format!("{{source=\"{}\"}}", label(&s.id)), value(s)))
                .collect::<Vec<_>>()
        };
        gauge(
            "beatwire_source_up",
            "Whether the source did not fail in the last run (1) or failed (0).",
            "gauge",
            &per_source(&|s| u8::from(s.status != SourceStatus::Failed).to_string()),
        );
        gauge(
            "beatwire_fetch_duration_seconds",
            "How long each source's pass (fetch, parse, store) took in the last run.",
            "gauge",
            &per_source(&|s| s.seconds.to_string()),
        );
        gauge(
            "beatwire_new_stories",
            "Stories each source added in the last run.",
            "gauge",
            &per_source(&|s| s.new.to_string()),
        );
    }
    let mut responses: Vec<(String, String)> = COUNTED
        .iter()
        .zip(&counters.by_code)
        .map(|(code, n)| {
            let n = n.load(Ordering::Relaxed);
            (format!("{{code=\"{code}\"}}"), n.to_string())
        })
        .collect();
    responses.push((
        "{code=\"other\"}".to_owned(),
        counters.other.load(Ordering::Relaxed).to_string(),
    ));
    gauge(
        "beatwire_http_responses_total",
        "Responses this server sent, by status code.",
        "counter",
        &responses,
    );
    gauge(
        "beatwire_cached_files",
        "Published files this server holds in memory.",
        "gauge",
        &[(String::new(), cached_files.to_string())],
    );
    out
}

/// A label value escaped as the text format wants (backslash, quote, newline).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{PublishStatus, RunStatus, SourceRun};
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, h, m, 0).unwrap()
    }

    fn write_status(dir: &Path) {
        let source = |id: &str, status, seconds| SourceRun {
            id: id.into(),
            status,
            http_status: Some(200),
            new: 2,
            updated: 0,
            seconds,
        };
        let run = RunStatus {
            started: at(8, 0),
            finished: at(8, 1),
            sources: vec![
                source("cqrb", SourceStatus::Ok, 0.5),
                source("ynrb", SourceStatus::Failed, 1.25),
            ],
        };
        let published = PublishStatus {
            at: at(8, 1),
            items: 8,
        };
        Status::record_run(dir, &run.record(), Some(&published)).unwrap();
    }

    #[test]
    fn health_is_ok_until_the_publish_is_older_than_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let limit = Duration::from_secs(3600);
        let none = health(dir.path(), limit, at(9, 0));
        assert_eq!((none.status, none.code()), ("unknown", 503));
        write_status(dir.path());
        let fresh = health(dir.path(), limit, at(9, 0));
        assert_eq!((fresh.status, fresh.code()), ("ok", 200));
        assert_eq!(fresh.age_seconds, Some(59 * 60));
        assert_eq!(fresh.stories, Some(8));
        let stale = health(dir.path(), limit, at(9, 2));
        assert_eq!((stale.status, stale.code()), ("stale", 503));
    }

    #[test]
    fn metrics_read_the_last_run() {
        let dir = tempfile::tempdir().unwrap();
        write_status(dir.path());
        let counters = Counters::default();
        counters.count(304);
        counters.count(304);
        counters.count(418);
        let text = metrics(dir.path(), at(8, 11), &counters, 3);
        for line in [
            "beatwire_stories 8",
            "beatwire_publish_age_seconds 600",
            "beatwire_sources{status=\"ok\"} 1",
            "beatwire_sources{status=\"failed\"} 1",
            "beatwire_source_up{source=\"cqrb\"} 1",
            "beatwire_source_up{source=\"ynrb\"} 0",
            "beatwire_fetch_duration_seconds{source=\"ynrb\"} 1.25",
            "beatwire_last_run_duration_seconds 60",
            "beatwire_http_responses_total{code=\"304\"} 2",
            "beatwire_http_responses_total{code=\"other\"} 1",
            "beatwire_cached_files 3",
            "# TYPE beatwire_http_responses_total counter",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
        assert_eq!(label("a\"b\\c"), "a\\\"b\\\\c");
    }
}
