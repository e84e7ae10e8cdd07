//! `beatwire try ID` end to end: the binary against a real HTTP server on 127.0.0.1, its human
//! output and its `--json` parsed back, and nothing written anywhere.

use crate::common;

use std::path::Path;

use serde_json::Value;

use common::{Answer, TestSite, fixture, write_config};

const STORIES: [&str; 3] = [
    "/jjxz/2019-01/05/content_1201.htm",
    "/jjxz/2019-01/03/content_1188.htm",
    "/jjxz/2018-12/27/content_1105.htm",
];

/// The sample page site (GBK, charset only in `<meta>`) on a test server.
async fn page_site() -> TestSite {
    common::fixture_site("zgrb").await
}

/// A `zgrb` page source on `url` listing `item`, after `extra` config text.
fn page_source(dir: &Path, url: &str, item: &str, extra: &str) {
    write_config(
        dir,
        &format!(
            "{extra}[[source]]\nid = \"zgrb\"\nname = \"自贡日报\"\nurl = \"{url}\"\nkind = \"page\"\n\
             [source.list]\nitem = \"{item}\"\ndate = \"span.date\"\n\
             [source.article]\ntitle = \".biaoti\"\nauthor = \".no-such-byline\"\n\n"
        ),
    );
}

fn run_try(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["try"];
    all.extend_from_slice(args);
    common::beatwire_text(&all, dir)
}

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Nothing at all is left in the folder but the config (and the files the test put there).
fn assert_nothing_written(dir: &Path, besides: &[&str]) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| {
            e.expect("folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n != "feeds.toml" && !besides.contains(&n.as_str()))
        .collect();
    names.sort();
    assert_eq!(names, Vec::<String>::new(), "try wrote files");
}

#[tokio::test(flavor = "multi_thread")]
async fn try_lists_the_stories_and_shows_each_field_with_its_rule() {
    let site = page_site().await;
    let dir = tempfile::tempdir().unwrap();
    page_source(dir.path(), &site.url("/jjxz/index.htm"), "ul.news li", "");

    let (code, stdout, stderr) = run_try(dir.path(), &["zgrb", "--limit", "2"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "source zgrb (page)  {}  HTTP 200  GBK",
            site.url("/jjxz/index.htm")
        )),
        "{stdout}"
    );
    assert!(stdout.contains("\n3 stories:\n"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "自贡与重庆荣昌签署川渝毗邻地区合作框架协议\n     {}",
            site.url(STORIES[1])
        )),
        "{stdout}"
    );
    assert!(stdout.contains("(selector `.biaoti`)"), "{stdout}");
    assert!(
        stdout.contains(
            "warning: author selector `.no-such-byline` matched nothing on 2 of 2 story pages"
        ),
        "{stdout}"
    );

    let (code, stdout, _) = run_try(dir.path(), &["zgrb", "--json"]);
    assert_eq!(code, 0);
    let trial = json_of(&stdout);
    let stories = trial["stories"].as_array().unwrap();
    let links: Vec<&str> = stories
        .iter()
        .map(|s| s["link"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = STORIES.iter().map(|p| site.url(p)).collect();
    assert_eq!(links, expected);
    // The page's own time, in the source's zone, as the feed would publish it.
    assert_eq!(stories[1]["published"], "2019-01-03T09:30:00+08:00");
    assert_eq!(trial["articles"].as_array().unwrap().len(), 3);
    let fields = trial["articles"][1]["fields"].as_array().unwrap();
    let field = |name: &str| fields.iter().find(|f| f["field"] == name).unwrap().clone();
    assert_eq!(field("title")["rule"], "selector `.biaoti`");
    assert_eq!(
        field("title")["value"],
        "自贡与重庆荣昌签署川渝毗邻地区合作框架协议"
    );
    assert_eq!(field("author")["value"], "张晓燕");
    assert!(
        field("author")["rule"]
            .as_str()
            .unwrap()
            .starts_with("generic"),
        "{fields:?}"
    );
    assert!(field("body")["rule"].as_str().is_some());
    assert!(trial["articles"][1]["body_chars"].as_u64().unwrap() > 100);
    assert_nothing_written(dir.path(), &[]);
}

#[tokio::test(flavor = "multi_thread")]
async fn try_works_while_a_run_holds_the_lock() {
    let site = page_site().await;
    let dir = tempfile::tempdir().unwrap();
    page_source(dir.path(), &site.url("/jjxz/index.htm"), "ul.news li", "");
    let store = beatwire::store::Location::Sled(dir.path().join("data/beatwire.sled"));
    let _lock = beatwire::app::lock::RunLock::acquire(&store).unwrap();
    let (code, stdout, stderr) = run_try(dir.path(), &["zgrb", "--json", "--limit", "0"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(json_of(&stdout)["stories"].as_array().unwrap().len(), 3);
    assert!(!store.sled_path().unwrap().exists(), "try opened the store");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_selector_that_matches_nothing_fails_with_exit_1() {
    let site = page_site().await;
    let dir = tempfile::tempdir().unwrap();
    page_source(dir.path(), &site.url("/jjxz/index.htm"), "div.news li", "");
    let (code, stdout, _) = run_try(dir.path(), &["zgrb"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("error: list selector `div.news li` matched nothing"),
        "{stdout}"
    );
    let (code, stdout, _) = run_try(dir.path(), &["zgrb", "--json"]);
    assert_eq!(code, 1);
    let trial = json_of(&stdout);
    assert!(trial["error"].as_str().unwrap().contains("matched nothing"));
    assert_eq!(trial["stories"], Value::Array(Vec::new()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_page_is_read_with_the_source_rules_and_links_resolve_against_url() {
    let site = page_site().await;
    let dir = tempfile::tempdir().unwrap();
    // The configured URL answers 500: only the file and the story pages are read.
    page_source(dir.path(), &site.url("/broken/"), "ul.news li", "");
    std::fs::write(
        dir.path().join("saved.htm"),
        fixture("sites/zgrb/jjxz/index.htm"),
    )
    .unwrap();
    let base = site.url("/jjxz/index.htm");
    let (code, stdout, stderr) = run_try(
        dir.path(),
        &["zgrb", "--file", "saved.htm", "--url", &base, "--json"],
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let trial = json_of(&stdout);
    assert_eq!(trial["input"], "saved.htm");
    assert_eq!(trial["encoding"], "GBK");
    assert_eq!(trial["stories"][0]["link"], site.url(STORIES[0]));
    assert_eq!(
        trial["stories"][0]["title"],
        "自贡国际恐龙灯会筹备就绪 春节期间开灯迎客"
    );
    assert_nothing_written(dir.path(), &["saved.htm"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_beat_filter_that_drops_everything_is_named() {
    let site = page_site().await;
    let dir = tempfile::tempdir().unwrap();
    page_source(
        dir.path(),
        &site.url("/jjxz/index.htm"),
        "ul.news li",
        "[filter]\ninclude = [\"南向通道\"]\n\n",
    );
    let (code, stdout, _) = run_try(dir.path(), &["zgrb", "--limit", "1"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("warning: all 3 stories are dropped by the beat filter ([filter]: no include keyword matched)"),
        "{stdout}"
    );
    assert!(stdout.contains("dropped by the beat filter: no include keyword matched"));
}

#[tokio::test(flavor = "multi_thread")]
async fn feed_stories_without_dates_and_given_twice_are_warned_about() {
    let site = TestSite::start().await;
    let rss = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>t</title>\
        <item><title>成渝地区双城经济圈建设</title><link>${BASE}/a/1.htm</link>\
        <pubDate>2026-11-20 09:15</pubDate><description>川渝合作</description></item>\
        <item><title>成渝地区双城经济圈建设</title><link>${BASE}/a/1.htm?utm_source=rss</link></item>\
        <item><title>西部陆海新通道</title><link>${BASE}/a/2.htm</link><description>通道</description></item>\
        </channel></rss>";
    site.set("/feed.xml", Answer::ok("application/rss+xml", rss));
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &common::feed_source("cqrb", "重庆日报", &site.url("/feed.xml")),
    );
    let (code, stdout, _) = run_try(dir.path(), &["cqrb", "--json"]);
    assert_eq!(code, 0, "{stdout}");
    let trial = json_of(&stdout);
    assert_eq!(trial["stories"].as_array().unwrap().len(), 2);
    assert_eq!(
        trial["stories"][0]["published"],
        "2026-11-20T09:15:00+08:00"
    );
    assert_eq!(trial["stories"][1]["published"], Value::Null);
    assert_eq!(trial["articles"][0]["fields"][0]["rule"], "feed");
    let warnings: Vec<&str> = trial["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(
        warnings,
        [
            "1 of 2 stories have no date: they would carry the time first seen".to_owned(),
            format!(
                "link {} is given 2 times: one story is kept",
                site.url("/a/1.htm")
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_source_or_a_bad_config_is_exit_2_and_a_dead_site_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &common::feed_source("cqrb", "重庆日报", "http://127.0.0.1:9/feed.xml"),
    );
    let (code, _, stderr) = run_try(dir.path(), &["nosuch"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no source with id `nosuch`"), "{stderr}");
    let (code, stdout, _) = run_try(dir.path(), &["cqrb"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("error: "), "{stdout}");

    std::fs::write(dir.path().join("feeds.toml"), "[beat]\ntitel = 1\n").unwrap();
    let (code, _, stderr) = run_try(dir.path(), &["cqrb"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("2:1"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_text_feed_shows_the_feed_fields_and_the_page_body() {
    let site = page_site().await;
    let rss = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>t</title>\
         <item><title>荣昌签约</title><link>${{BASE}}{}</link>\
         <pubDate>Thu, 03 Jan 2019 01:30:00 GMT</pubDate><description>摘要</description></item>\
         </channel></rss>",
        STORIES[1]
    );
    site.set("/feed.xml", Answer::ok("application/rss+xml", rss));
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "{}[source.article]\nfull_text = true\nbody = \"#zoom\"\n",
            common::feed_source("zgrb", "自贡日报", &site.url("/feed.xml"))
        ),
    );
    let (code, stdout, stderr) = run_try(dir.path(), &["zgrb", "--json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let trial = json_of(&stdout);
    assert_eq!(trial["kind"], "feed");
    let fields = trial["articles"][0]["fields"].as_array().unwrap();
    let rule_of = |name: &str| {
        fields.iter().find(|f| f["field"] == name).unwrap()["rule"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        (rule_of("title"), rule_of("published"), rule_of("body")),
        ("feed".into(), "feed".into(), "selector `#zoom`".into())
    );
    assert!(rule_of("author").starts_with("generic"), "{fields:?}");
    assert_eq!(trial["stories"][0]["title"], "荣昌签约");
    assert_eq!(
        trial["stories"][0]["published"],
        "2019-01-03T09:30:00+08:00"
    );
    assert!(trial["articles"][0]["body_chars"].as_u64().unwrap() > 200);
}
