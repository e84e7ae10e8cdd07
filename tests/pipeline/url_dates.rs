//! A story with no date takes the day its URL names, at 00:00 in the source's zone, in the
//! published feed and in `try`; a story whose URL names no day keeps the time first seen.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use common::{Answer, TestSite, beatwire_text, read_feed, write_config};

/// Four stories without a date; three links name 2018-12-26, in each shape sites write it.
const UNDATED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>无日期</title><link>${BASE}/</link>
<item><title>川渝合作斜线</title><link>${BASE}/news/2018/12/26/a.htm</link><description>一</description></item>
<item><title>川渝合作前缀</title><link>${BASE}/zwgk/t20181226_1187.html</link><description>二</description></item>
<item><title>川渝合作年月</title><link>${BASE}/xinwen/201812/26/content_5352.htm</link><description>三</description></item>
<item><title>川渝合作无日</title><link>${BASE}/news/content_36551.htm</link><description>四</description></item>
</channel></rss>"#;

/// 2018-12-26 00:00 in Berlin (the source's zone, not the beat's China time).
fn december_26_in_berlin() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2018, 12, 25, 23, 0, 0).unwrap()
}

/// What the binary prints as JSON when run with `args` in `dir`; it must exit 0.
fn succeeds(args: &[&str], dir: &std::path::Path) -> Value {
    let (code, stdout, stderr) = beatwire_text(args, dir);
    assert_eq!(code, 0, "{args:?}: {stdout}\n{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn at(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an RFC 3339 time: {value}"))
}

async fn site_and_config(dir: &std::path::Path) -> TestSite {
    let site = TestSite::start().await;
    site.set("/undated.xml", Answer::ok("application/rss+xml", UNDATED));
    write_config(
        dir,
        &format!(
            "[[source]]\nid = \"berlin\"\nname = \"柏林\"\nurl = \"{}\"\nkind = \"feed\"\n\
             timezone = \"Europe/Berlin\"\n",
            site.url("/undated.xml")
        ),
    );
    site
}

#[tokio::test(flavor = "multi_thread")]
async fn undated_stories_are_published_on_the_day_their_url_names_else_when_first_seen() {
    let dir = tempfile::tempdir().unwrap();
    let _site = site_and_config(dir.path()).await;
    let report = succeeds(&["run", "--force", "--json"], dir.path());
    assert_eq!(report["sources"][0]["new"], 4);
    let (started, finished) = (at(&report["started"]), at(&report["finished"]));

    let (feed, _) = read_feed(&dir.path().join("public/feed.xml"));
    let published = |title: &str| {
        let entry = feed
            .entries
            .iter()
            .find(|e| e.title.as_ref().is_some_and(|t| t.content == title))
            .unwrap_or_else(|| panic!("{title} is not published"));
        entry.published.expect("every story has a date")
    };
    for title in ["川渝合作斜线", "川渝合作前缀", "川渝合作年月"] {
        assert_eq!(published(title), december_26_in_berlin(), "{title}");
    }
    let first_seen = published("川渝合作无日");
    assert!(
        first_seen >= started - chrono::Duration::seconds(1) && first_seen <= finished,
        "{first_seen} is not the run's time ({started} .. {finished})"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn try_shows_the_day_in_the_url_as_the_story_s_date() {
    let dir = tempfile::tempdir().unwrap();
    let _site = site_and_config(dir.path()).await;
    let trial = succeeds(&["try", "berlin", "--json"], dir.path());
    let published: Vec<&Value> = trial["stories"]
        .as_array()
        .expect("stories")
        .iter()
        .map(|s| &s["published"])
        .collect();
    let day = Value::from("2018-12-26T00:00:00+01:00");
    assert_eq!(published, [&day, &day, &day, &Value::Null]);
    // The story shown field by field says where its date came from.
    let fields = trial["articles"][0]["fields"].as_array().expect("fields");
    let date = fields
        .iter()
        .find(|f| f["field"] == "published")
        .expect("a published field");
    assert_eq!(
        (&date["value"], &date["rule"]),
        (&day, &Value::from("date in the URL"))
    );
    let warnings = trial["warnings"].to_string();
    assert!(
        warnings.contains("1 of 4 stories have no date"),
        "{warnings}"
    );
}
