//! What a source's answers do to it over several runs: a 301 is remembered and shown, a 410
//! retires it, failures back off; and what cron sees of it through the binary (`run --json`,
//! `status`, the run lock, `kill -9`).

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};

use super::server::{Behaviour, Hostile};
use super::{FETCH, after, fixture, run, source, write_config};
use beatwire::app::report::SourceStatus;
use beatwire::inspect::status::status;
use beatwire::model::ErrorClass;

fn feed(id: &str, url: &str) -> String {
    super::feed_source(id, "某站", url)
}

fn atom() -> Behaviour {
    Behaviour::Feed(fixture("sites/cqrb/atom.xml"))
}

#[tokio::test]
async fn a_301_is_followed_remembered_and_shown_and_a_302_is_not() {
    let host = Hostile::start("127.0.0.30").await;
    host.set("/old.xml", Behaviour::Redirect(301, "/new.xml".to_owned()));
    host.set(
        "/today.xml",
        Behaviour::Redirect(302, "/new.xml".to_owned()),
    );
    host.set("/new.xml", atom());
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        feed("moved", &host.url("/old.xml")),
        feed("temporary", &host.url("/today.xml")),
    ]
    .concat();
    let config = write_config(dir.path(), FETCH, &sources);
    let (report, _) = run(&config, true, Utc::now()).await;
    let moved = source(&report, "moved");
    assert_eq!(moved.status, SourceStatus::Ok);
    assert_eq!(
        moved.moved_to.as_deref(),
        Some(host.url("/new.xml").as_str())
    );
    assert_eq!(source(&report, "temporary").moved_to, None);

    let (report, _) = run(&config, true, Utc::now()).await;
    assert_eq!(
        host.hits("/old.xml"),
        1,
        "the second run goes to the new URL directly"
    );
    assert_eq!(host.hits("/today.xml"), 2);
    assert_eq!(
        source(&report, "moved").moved_to.as_deref(),
        Some(host.url("/new.xml").as_str())
    );
    let health = status(&config).unwrap();
    assert_eq!(
        health.sources[0].moved_to.as_deref(),
        Some(host.url("/new.xml").as_str())
    );
}

#[tokio::test]
async fn a_410_retires_the_source_until_it_is_edited() {
    let host = Hostile::start("127.0.0.31").await;
    host.set("/feed.xml", Behaviour::Status(410, Vec::new()));
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), FETCH, &feed("gone", &host.url("/feed.xml")));
    let now = Utc::now();
    let (report, _) = run(&config, false, now).await;
    let gone = source(&report, "gone");
    assert_eq!(
        (gone.status, gone.error_class),
        (SourceStatus::Failed, Some(ErrorClass::Gone))
    );
    assert_eq!(gone.http_status, Some(410));

    // A month of cron runs: not fetched, not failed (cron mails once), reported as gone.
    let (report, _) = run(&config, false, now + TimeDelta::days(30)).await;
    let gone = source(&report, "gone");
    assert_eq!(
        (gone.status, gone.error_class),
        (SourceStatus::Skipped, Some(ErrorClass::Gone))
    );
    assert!(!report.any_failed());
    assert_eq!(host.hits("/feed.xml"), 1);
    assert_eq!(status(&config).unwrap().sources[0].gone_since, Some(now));

    // The operator points it somewhere else: it is fetched again.
    host.set("/moved.xml", atom());
    let config = write_config(dir.path(), FETCH, &feed("gone", &host.url("/moved.xml")));
    let (report, _) = run(&config, false, now + TimeDelta::days(31)).await;
    assert_eq!(source(&report, "gone").status, SourceStatus::Ok);
    assert_eq!(status(&config).unwrap().sources[0].gone_since, None);
}

// See: a source that had never succeeded was fetched on every run, its back-off ignored,
// because the configuration it was scheduled for was recorded only on success.
#[tokio::test]
async fn failures_back_off_exponentially_and_a_success_resets_them() {
    let host = Hostile::start("127.0.0.32").await;
    host.set("/feed.xml", Behaviour::Status(500, Vec::new()));
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), FETCH, &feed("flaky", &host.url("/feed.xml")));
    let t0 = Utc::now();
    // every = 15m: waits of 15m, then 30m, each shortened by at most a quarter (jitter).
    let mut t = t0;
    for (failures, full_wait) in [(1, 15 * 60), (2, 30 * 60), (3, 60 * 60)] {
        let (report, _) = run(&config, false, t).await;
        assert_eq!(source(&report, "flaky").status, SourceStatus::Failed);
        let health = &status(&config).unwrap().sources[0];
        assert_eq!(health.failures, failures);
        let due = health.next_due.unwrap();
        assert!(
            due > after(t, full_wait * 3 / 4) && due <= after(t, full_wait),
            "{due}"
        );
        let (report, _) = run(&config, false, due - TimeDelta::seconds(1)).await;
        assert_eq!(source(&report, "flaky").status, SourceStatus::Skipped);
        t = due;
    }
    assert_eq!(
        host.hits("/feed.xml"),
        3,
        "never more often than the schedule says"
    );
    host.set("/feed.xml", atom());
    run(&config, false, t).await;
    let health = &status(&config).unwrap().sources[0];
    assert_eq!((health.failures, health.last_error.as_deref()), (0, None));
    assert_eq!(health.next_due, Some(t + TimeDelta::minutes(15)));
}

fn beatwire(args: &[&str], dir: &std::path::Path) -> Command {
    crate::common::beatwire_command(args, dir)
}

async fn output(args: &'static [&'static str], dir: &std::path::Path) -> Output {
    let mut command = beatwire(args, dir);
    tokio::task::spawn_blocking(move || command.output().expect("run beatwire"))
        .await
        .expect("the blocking task")
}

#[tokio::test]
async fn the_binary_reports_classes_in_json_and_status_shows_them() {
    let good = super::good_site().await;
    let host = Hostile::start("127.0.0.33").await;
    host.set("/feed.xml", Behaviour::Status(410, Vec::new()));
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        feed("good", &good.url("/good.xml")),
        feed("gone", &host.url("/feed.xml")),
    ]
    .concat();
    write_config(dir.path(), FETCH, &sources);
    let out = output(&["run", "--json"], dir.path()).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        format!(
            "beatwire: source gone ({}): HTTP 410",
            host.url("/feed.xml")
        ),
        "one line per failing source, and no progress bar off a terminal"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let gone = &report["sources"][1];
    assert_eq!(gone["status"], "failed");
    assert_eq!(gone["error_class"], "gone");
    assert_eq!(gone["http_status"], 410);
    assert_eq!(report["sources"][0]["error_class"], serde_json::Value::Null);

    let out = output(&["status", "--json"], dir.path()).await;
    assert_eq!(out.status.code(), Some(0));
    let health: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (good, gone) = (&health["sources"][0], &health["sources"][1]);
    assert_eq!(good["id"], "good");
    assert_eq!(good["failures"], 0);
    assert_eq!(good["stories"], 3);
    assert!(good["last_success"].is_string() && good["next_due"].is_string());
    assert_eq!(gone["failures"], 1);
    assert_eq!(
        gone["last_error"],
        format!("{}: HTTP 410", host.url("/feed.xml"))
    );
    assert_eq!(gone["error_class"], "gone");
    assert!(gone["next_due"].is_null() && gone["gone_since"].is_string());

    let out = output(&["status"], dir.path()).await;
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("SOURCE  LAST SUCCESS"), "{table}");
    assert!(table.contains("never (gone)"), "{table}");
    assert!(table.contains("gone is gone (HTTP 410 since"), "{table}");
}

#[tokio::test]
async fn a_second_run_exits_3_at_once_and_kill_9_leaves_no_stale_lock() {
    let host = Hostile::start("127.0.0.34").await;
    host.set("/feed.xml", Behaviour::NeverAnswers);
    let dir = tempfile::tempdir().unwrap();
    let slow = FETCH
        .replace("timeout = \"3s\"", "timeout = \"60s\"")
        .replace("stall_timeout = \"500ms\"", "stall_timeout = \"60s\"");
    write_config(dir.path(), &slow, &feed("hangs", &host.url("/feed.xml")));
    let mut first = beatwire(&["run"], dir.path()).spawn().unwrap();
    // The request has arrived: the first run holds the lock.
    let deadline = Instant::now() + Duration::from_secs(20);
    while host.hits("/feed.xml") == 0 {
        assert!(Instant::now() < deadline, "the first run never fetched");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let started = Instant::now();
    let second = output(&["run"], dir.path()).await;
    assert_eq!(second.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("another beatwire run is in progress")
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "at once, not after the first"
    );

    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    let store = beatwire::store::Location::Sled(dir.path().join("data/beatwire.sled"));
    assert!(
        beatwire::app::lock::RunLock::acquire(&store).is_ok(),
        "no stale lock"
    );
    let third = output(&["status"], dir.path()).await;
    assert_eq!(
        third.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
}

#[tokio::test]
async fn verbose_output_is_one_plain_line_per_source_and_rust_log_wins() {
    let good = super::good_site().await;
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), FETCH, &feed("good", &good.url("/good.xml")));
    let out = output(&["-v", "fetch"], dir.path()).await;
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let done: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("source done"))
        .collect();
    assert_eq!(done.len(), 1, "{stderr}");
    assert!(
        done[0].contains("source=good") && done[0].contains("new=3"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour codes off a terminal: {stderr}"
    );

    let quiet = output(&["-q", "fetch", "--force"], dir.path()).await;
    assert!(quiet.stderr.is_empty() && quiet.stdout.is_empty());

    let mut command = beatwire(&["fetch", "--force"], dir.path());
    command.env("RUST_LOG", "beatwire=debug");
    let debug = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&debug.stderr);
    assert!(
        stderr.contains("answered"),
        "per-request lines at debug: {stderr}"
    );
}
