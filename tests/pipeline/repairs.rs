//! A broken feed says so: a feed cut short and one with bare `&`, served over real HTTP, are
//! read after repairs; `run --json` (and `-v` on stderr) names the repairs, `status` and
//! `status --json` remember them, and the stories recovered are stored and published.

use crate::common;

use std::path::Path;

use serde_json::Value;

use common::{Answer, TestSite, beatwire_text, feed_source, write_config};

const RSS: &str = "application/rss+xml";

/// Two whole items, then a third the connection cut in the middle of its link.
const CUT_SHORT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>截断的源</title><link>${BASE}/</link>
<item><title>川渝合作一</title><link>${BASE}/cut/1.htm</link><pubDate>2018-12-24 11:06:36</pubDate><description>川渝合作第一篇</description></item>
<item><title>川渝合作二</title><link>${BASE}/cut/2.htm</link><pubDate>2018-12-24 12:00:00</pubDate><description>川渝合作第二篇</description></item>
<item><title>川渝合作三</title><link>${BASE}/cut/3"#;

/// Two items whose text has an `&` written bare, as some CMSs write it.
fn bare_amps(amp: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>裸与号</title><link>${{BASE}}/</link>
<item><title>川渝 {amp} 成渝合作</title><link>${{BASE}}/amp/1.htm</link><pubDate>2018-12-25 09:00:00</pubDate><description>研发{amp}制造</description></item>
<item><title>成渝双城</title><link>${{BASE}}/amp/2.htm</link><pubDate>2018-12-25 10:00:00</pubDate><description>合作</description></item>
</channel></rss>"#
    )
}

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// The entry of source `id` in a report's or a status's `sources`.
fn source<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no source {id} in {json}"))
}

fn repairs(source: &Value) -> Vec<String> {
    serde_json::from_value(source["repairs"].clone())
        .unwrap_or_else(|e| panic!("{e}: repairs of {source}"))
}

async fn broken_site() -> TestSite {
    let site = TestSite::start().await;
    site.set("/cut.xml", Answer::ok(RSS, CUT_SHORT));
    site.set("/amp.xml", Answer::ok(RSS, bare_amps("&")));
    site
}

fn config(dir: &Path, site: &TestSite) {
    write_config(
        dir,
        &[
            feed_source("cut", "截断的源", &site.url("/cut.xml")),
            feed_source("amp", "裸与号", &site.url("/amp.xml")),
        ]
        .concat(),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repaired_feed_is_reported_remembered_and_its_stories_published() {
    let site = broken_site().await;
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), &site);

    let (code, stdout, stderr) = beatwire_text(&["run", "--force", "--json", "-v"], dir.path());
    assert_eq!(code, 0, "a repaired feed is no failure: {stdout}\n{stderr}");
    let report = json_of(&stdout);
    let cut = source(&report, "cut");
    assert_eq!((&cut["status"], &cut["new"]), (&"ok".into(), &2.into()));
    let cut_repairs = repairs(cut);
    assert!(
        cut_repairs
            .iter()
            .any(|r| r == "dropped 1 incomplete items (broken or truncated)"),
        "{cut_repairs:?}"
    );
    let amp = source(&report, "amp");
    assert_eq!((&amp["status"], &amp["new"]), (&"ok".into(), &2.into()));
    assert_eq!(repairs(amp), ["escaped 2 bare '&'"]);
    // One warning line per repaired source, with what was repaired.
    for (id, what) in [("cut", "incomplete items"), ("amp", "escaped 2 bare '&'")] {
        assert!(
            stderr.lines().any(|line| line.contains("WARN")
                && line.contains("feed read only after repairs")
                && line.contains(&format!("source={id}"))
                && line.contains(what)),
            "no warning for {id}: {stderr}"
        );
    }

    // The stories recovered are stored and published as any others.
    assert_eq!(report["published"]["items"], 4);
    let feed = std::fs::read_to_string(dir.path().join("public/feed.xml")).unwrap();
    let missing: Vec<&str> = [
        "川渝合作一",
        "川渝合作二",
        "川渝 &amp; 成渝合作",
        "成渝双城",
    ]
    .into_iter()
    .filter(|title| !feed.contains(title))
    .collect();
    assert!(missing.is_empty(), "{missing:?} not published: {feed}");
    assert!(
        !feed.contains("川渝合作三"),
        "the item cut through is dropped"
    );

    let (code, status, _) = beatwire_text(&["status", "--json"], dir.path());
    assert_eq!(code, 0);
    let status = json_of(&status);
    assert_eq!(repairs(source(&status, "cut")), cut_repairs);
    assert_eq!(repairs(source(&status, "amp")), ["escaped 2 bare '&'"]);
    let (_, table, _) = beatwire_text(&["status"], dir.path());
    assert!(
        table
            .lines()
            .any(|l| l == "  amp is read only after repairs: escaped 2 bare '&'"),
        "{table}"
    );

    // The publisher fixes its feed; the cut feed is served unchanged.
    site.set("/amp.xml", Answer::ok(RSS, bare_amps("&amp;")));
    let (code, stdout, stderr) = beatwire_text(&["run", "--force", "--json"], dir.path());
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let report = json_of(&stdout);
    let amp = source(&report, "amp");
    assert_eq!(repairs(amp), Vec::<String>::new());
    assert_eq!((&amp["new"], &amp["updated"]), (&0.into(), &0.into()));
    // The same cut document is not read again: no repairs this run, and they stay remembered.
    let cut = source(&report, "cut");
    assert_eq!(cut["status"], "not_modified");
    assert_eq!(repairs(cut), Vec::<String>::new());
    let (_, status, _) = beatwire_text(&["status", "--json"], dir.path());
    let status = json_of(&status);
    assert_eq!(repairs(source(&status, "amp")), Vec::<String>::new());
    assert_eq!(repairs(source(&status, "cut")), cut_repairs);
    let (_, table, _) = beatwire_text(&["status"], dir.path());
    assert!(!table.contains("amp is read only after repairs"), "{table}");
    assert!(
        table.contains("  cut is read only after repairs: "),
        "{table}"
    );
}
