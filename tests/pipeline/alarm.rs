//! The broken-source alarm end to end: real HTTP on 127.0.0.1, a real sled store in a temp dir,
//! `run --json`, the stderr line, `status` and `status --json` read back from the binary.

use crate::common;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::Value;

use beatwire::app;
use beatwire::app::report::SourceStatus;
use beatwire::config::Config;
use beatwire::model::ErrorClass;
use common::{Answer, beatwire_text, feed_source, fixture_site, forced, write_config};

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// The day of an RFC 3339 instant in Shanghai, as the alarm names it.
fn day_of(at: &Value) -> String {
    let at: DateTime<Utc> = at.as_str().expect("a time").parse().expect("RFC 3339");
    at.with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d")
        .to_string()
}

fn page_config(dir: &Path, url: &str, article: &str) -> std::path::PathBuf {
    write_config(
        dir,
        &format!(
            "[[source]]\nid = \"zgrb\"\nurl = \"{url}\"\nkind = \"page\"\n\
             [source.list]\nitem = \"ul.news li\"\ndate = \"span.date\"\n{article}\n"
        ),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redesigned_list_page_is_reported_broken_in_run_and_status() {
    let site = fixture_site("zgrb").await;
    let dir = tempfile::tempdir().unwrap();
    let index = site.url("/jjxz/index.htm");
    page_config(dir.path(), &index, "");

    let (code, stdout, stderr) = beatwire_text(&["run", "--force", "--json"], dir.path());
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(json_of(&stdout)["sources"][0]["new"], 3);

    // The site is redesigned: the stories now sit in a <div class="list">.
    site.set(
        "/jjxz/index.htm",
        Answer::ok(
            "text/html; charset=utf-8",
            "<html><body><div class=\"list\"><p><a href=\"2019-01/05/content_1201.htm\">自贡</a></p></div></body></html>",
        ),
    );
    let (_, status_json, _) = beatwire_text(&["status", "--json"], dir.path());
    let found_at = json_of(&status_json)["sources"][0]["last_found_at"].clone();
    let expected = format!(
        "list selector `ul.news li` matched nothing; it found 3 stories on {}",
        day_of(&found_at)
    );
    for pass in 0..2 {
        let (code, stdout, stderr) = beatwire_text(&["run", "--force", "--json"], dir.path());
        assert_eq!(code, 1, "pass {pass}: {stdout}\n{stderr}");
        let report = json_of(&stdout);
        let source = &report["sources"][0];
        assert_eq!(source["status"], "failed", "pass {pass}");
        assert_eq!(source["error_class"], "broken");
        assert_eq!(source["error"], format!("{index}: {expected}"));
        assert!(
            stderr.contains(&format!(
                "beatwire: source zgrb ({index}): broken: {expected}\n"
            )),
            "{stderr}"
        );
        // Nothing stored is removed: the published feed keeps its stories.
        assert_eq!(report["published"]["items"], 3);
    }

    let (code, stdout, _) = beatwire_text(&["status", "--json"], dir.path());
    assert_eq!(code, 0);
    let health = &json_of(&stdout)["sources"][0];
    assert_eq!(health["error_class"], "broken");
    assert_eq!(health["failures"], 2);
    assert_eq!(health["stories"], 3);
    assert_eq!(health["last_found"], 3);
    assert_eq!(health["last_found_at"], found_at);
    let (_, table, _) = beatwire_text(&["status"], dir.path());
    assert!(
        table.contains(&format!("broken: {index}: {expected}")),
        "{table}"
    );
}

#[tokio::test]
async fn a_feed_that_empties_is_broken_and_an_unchanged_one_is_not() {
    let site = common::TestSite::start().await;
    let items = "<item><title>川渝合作</title><link>${BASE}/a/1.htm</link><pubDate>Mon, 24 Dec 2018 03:06:36 GMT</pubDate></item>\
                 <item><title>成渝双城</title><link>${BASE}/a/2.htm</link><pubDate>Mon, 24 Dec 2018 04:06:36 GMT</pubDate></item>";
    let rss = |items: &str| {
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>{items}</channel></rss>"
        )
    };
    site.set("/feed.xml", Answer::ok("application/rss+xml", rss(items)));
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        &feed_source("cqrb", "重庆日报", &site.url("/feed.xml")),
    );
    let config = Config::load(&path).unwrap();
    let now = Utc::now();
    let first = app::run(&config, &forced(false), now).await.unwrap();
    assert_eq!(first.sources[0].new, 2);
    // The same body again: not modified, not "found none".
    let same = app::run(&config, &forced(false), now).await.unwrap();
    assert_eq!(same.sources[0].status, SourceStatus::NotModified);

    site.set("/feed.xml", Answer::ok("application/rss+xml", rss("")));
    let empty = app::run(&config, &forced(false), now).await.unwrap();
    let source = &empty.sources[0];
    assert_eq!(source.status, SourceStatus::Failed, "{source:?}");
    assert_eq!(source.error_class, Some(ErrorClass::Broken));
    let error = source.error.as_deref().unwrap();
    assert!(
        error.ends_with(&format!(
            "the feed has no items; it found 2 stories on {}",
            now.with_timezone(&chrono_tz::Asia::Shanghai)
                .format("%Y-%m-%d")
        )),
        "{error}"
    );

    // The stories come back: the source is healthy again.
    site.set("/feed.xml", Answer::ok("application/rss+xml", rss(items)));
    let back = app::run(&config, &forced(false), now).await.unwrap();
    assert_eq!(back.sources[0].status, SourceStatus::Ok);
    let status = beatwire::inspect::status::status(&config).unwrap();
    assert_eq!(status.sources[0].error_class, None);
}

#[tokio::test]
async fn a_new_source_that_never_found_a_story_is_not_called_broken() {
    let site = fixture_site("zgrb").await;
    site.set(
        "/jjxz/index.htm",
        Answer::ok("text/html", "<html><body><p>改版中</p></body></html>"),
    );
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&page_config(dir.path(), &site.url("/jjxz/index.htm"), "")).unwrap();
    let report = app::run(&config, &forced(false), Utc::now()).await.unwrap();
    let source = &report.sources[0];
    assert_eq!(source.status, SourceStatus::Failed);
    assert_eq!(source.error_class, Some(ErrorClass::Extract), "{source:?}");
}

#[tokio::test]
async fn an_article_selector_that_matches_no_page_is_broken_though_stories_are_kept() {
    let site = fixture_site("zgrb").await;
    let dir = tempfile::tempdir().unwrap();
    let path = page_config(
        dir.path(),
        &site.url("/jjxz/index.htm"),
        "[source.article]\nbody = \"div.article-body\"\n",
    );
    let config = Config::load(&path).unwrap();
    let report = app::run(&config, &forced(false), Utc::now()).await.unwrap();
    let source = &report.sources[0];
    assert_eq!(source.status, SourceStatus::Failed, "{source:?}");
    assert_eq!(source.error_class, Some(ErrorClass::Broken));
    assert_eq!(
        source.error.as_deref(),
        Some("body selector `div.article-body` matched nothing on all 3 story pages read")
    );
    // Generic extraction still read them: nothing is lost.
    assert_eq!(source.new, 3);
    let status = beatwire::inspect::status::status(&config).unwrap();
    assert_eq!(status.sources[0].stories, 3);
    assert_eq!(status.sources[0].error_class, Some(ErrorClass::Broken));
}
