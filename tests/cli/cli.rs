//! The binary as cron and operators use it: exit codes, quiet success, errors on stderr.

use crate::common;

use common::{Answer, TestSite, beatwire, feed_source, fixture, write_config};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_reports_every_problem_with_line_and_column_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("feeds.toml"),
        r#"[beat]
title = "西南经济协作"
link = "https://example.org/"
timezone = "Asia/Shangai"

[[source]]
id = "a"
url = "not a url"
evry = "15m"
"#,
    )
    .unwrap();
    let out = beatwire(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("feeds.toml:4:"), "{stderr}");
    assert!(stderr.contains("feeds.toml:8:"), "{stderr}");
    assert!(stderr.contains("feeds.toml:9:"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn check_accepts_the_projects_own_configs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["feeds.toml", "feeds.example.toml"] {
        let out = beatwire(&["--config", file, "check"], root);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", text(&out.stderr));
    }
}

#[tokio::test]
async fn run_is_quiet_on_success_and_names_failing_sources() {
    let site = TestSite::start().await;
    site.set(
        "/atom.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    site.set("/down.xml", Answer::status(503));
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &feed_source("cqrb", "重庆日报", &site.url("/atom.xml")),
    );
    let path = dir.path().to_owned();
    let out = tokio::task::spawn_blocking(move || beatwire(&["run"], &path))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    assert!(dir.path().join("public/feed.xml").exists());

    write_config(
        dir.path(),
        &[
            feed_source("cqrb", "重庆日报", &site.url("/atom.xml")),
            feed_source("down", "停机", &site.url("/down.xml")),
        ]
        .concat(),
    );
    let path = dir.path().to_owned();
    let out = tokio::task::spawn_blocking(move || beatwire(&["run", "--json"], &path))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.trim(),
        format!(
            "beatwire: source down ({}): HTTP 503",
            site.url("/down.xml")
        )
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources = report["sources"].as_array().unwrap();
    assert_eq!(sources[0]["id"], "cqrb");
    assert_eq!(sources[0]["status"], "skipped", "not due again yet");
    assert_eq!(sources[1]["status"], "failed");
    assert_eq!(sources[1]["http_status"], 503);
    assert_eq!(report["published"]["items"], 3);
}

#[test]
fn a_second_run_on_the_same_store_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "");
    let store = beatwire::store::Location::Sled(dir.path().join("data/beatwire.sled"));
    let _held = beatwire::app::lock::RunLock::acquire(&store).unwrap();
    let out = beatwire(&["run"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("another beatwire run is in progress"));
}

#[test]
fn unknown_source_and_bad_arguments_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "");
    let out = beatwire(&["fetch", "--source", "nope"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no source with id `nope`"));
    let out = beatwire(&["frobnicate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn parse_json_reads_a_gb2312_feed_in_china_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rss.xml");
    std::fs::write(&file, fixture("sites/scjjrb/rss.xml")).unwrap();
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, "<html><body>404</body></html>").unwrap();
    let out = beatwire(&["parse", "--json", "rss.xml", "broken.xml"], dir.path());
    assert_eq!(out.status.code(), Some(1), "one of two inputs is broken");
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let feed = &lines[0];
    assert_eq!(feed["format"], "rss2");
    assert_eq!(feed["encoding"], "GBK");
    assert_eq!(feed["title"], "四川经济日报 · 经济协作");
    let seed = &feed["items"][0];
    assert_eq!(seed["title"], "重庆经济协作区第二十次市长联席会在自贡召开");
    assert_eq!(seed["published"], "2018-12-24T11:06:36+08:00");
    assert_eq!(seed["author"][0], "陈家明");
    assert!(lines[1]["error"].as_str().unwrap().contains("HTML page"));
}

// `beatwire completions bash | head -1`: the reader is gone before the output is written; the
// command ends quietly with 0, as if it had been read to the end.
#[test]
fn a_closed_stdout_ends_the_command_quietly_with_0() {
    let dir = tempfile::tempdir().unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = common::beatwire_command(&["completions", "bash"], dir.path())
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}
