//! `beatwire add URL` end to end: the binary against real HTTP sites on 127.0.0.1, the config
//! read back with the real loader, and `feeds.toml` compared byte for byte.

use crate::common;

use std::path::Path;
use std::process::Output;

use beatwire::config::Config;
use beatwire::model::SourceKind;
use common::{Answer, TestSite, beatwire, feed_source, fixture, write_config};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn run(args: &[&str], dir: &Path) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        beatwire(&args, &dir)
    })
    .await
    .expect("the binary ran")
}

/// A config with a comment and an odd layout that must survive every edit.
fn config_with_comments(dir: &Path, sources: &str) -> String {
    let path = write_config(
        dir,
        &format!("# 运营说明: keep this comment   exactly\n{sources}#   trailing note\n"),
    );
    std::fs::read_to_string(path).expect("feeds.toml")
}

fn load(dir: &Path) -> Config {
    Config::load(&dir.join("feeds.toml")).expect("feeds.toml loads")
}

fn feeds_toml(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("feeds.toml")).expect("feeds.toml")
}

fn rss_site(site: &TestSite) {
    site.set(
        "/jjxz/rss.xml",
        Answer::ok("application/rss+xml", fixture("sites/scjjrb/rss.xml")),
    );
}

#[tokio::test]
async fn a_feed_url_becomes_a_feed_source_and_the_rest_of_the_file_is_untouched() {
    let site = TestSite::start().await;
    rss_site(&site);
    let dir = tempfile::tempdir().unwrap();
    let before = config_with_comments(dir.path(), "");
    let url = site.url("/jjxz/rss.xml");

    let out = run(&["add", &url, "--category", "产业协作"], dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("RSS 2.0 \"四川经济日报 · 经济协作\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("added feed source `127-0-0-1-jjxz`"),
        "{stdout}"
    );

    let after = feeds_toml(dir.path());
    assert!(after.starts_with(&before), "the old text changed:\n{after}");
    let config = load(dir.path());
    let source = config.source("127-0-0-1-jjxz").unwrap();
    assert_eq!(source.kind, SourceKind::Feed);
    assert_eq!(source.url.as_str(), url);
    assert_eq!(source.name(), "四川经济日报 · 经济协作");
    assert_eq!(source.category.as_deref(), Some("产业协作"));
    assert_eq!(
        source.site.as_ref().map(|u| u.as_str()),
        Some(site.url("/jjxz/").as_str())
    );

    // The same feed again, spelled differently, is refused and nothing is written.
    for again in [
        url.replace("http://", "https://"),
        format!("{url}?utm_source=x#top"),
    ] {
        let out = run(&["add", &again], dir.path()).await;
        assert_eq!(out.status.code(), Some(2), "{again}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("already in") && stderr.contains("`127-0-0-1-jjxz`"),
            "{stderr}"
        );
        assert_eq!(feeds_toml(dir.path()), after);
    }
    let out = run(&["check"], dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[tokio::test]
async fn a_derived_id_is_made_unique_and_an_explicit_one_is_kept() {
    let site = TestSite::start().await;
    rss_site(&site);
    site.set(
        "/jjxz/atom.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    let dir = tempfile::tempdir().unwrap();
    config_with_comments(
        dir.path(),
        &feed_source("127-0-0-1-jjxz", "已有", "https://example.org/other.xml"),
    );
    let out = run(&["add", &site.url("/jjxz/rss.xml")], dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(load(dir.path()).source("127-0-0-1-jjxz-2").is_some());

    let out = run(
        &["add", &site.url("/jjxz/atom.xml"), "--id", "cqrb"],
        dir.path(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        load(dir.path()).source("cqrb").unwrap().name(),
        "重庆日报 · 区域合作"
    );
    // An explicit id that is taken is refused, not renamed.
    site.set(
        "/feed.json",
        Answer::ok("application/feed+json", fixture("sites/ynrb/feed.json")),
    );
    let before = feeds_toml(dir.path());
    let out = run(
        &["add", &site.url("/feed.json"), "--id", "cqrb"],
        dir.path(),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`cqrb` is already taken"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(feeds_toml(dir.path()), before);
}

#[tokio::test]
async fn a_page_naming_one_feed_adds_that_feed() {
    let site = TestSite::start().await;
    site.set(
        "/atom.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    site.set(
        "/html/",
        Answer::ok(
            "text/html; charset=utf-8",
            r#"<html><head><title>重庆日报</title>
            <link rel="alternate" type="application/atom+xml" title="区域合作" href="/atom.xml">
            </head><body><a href="/html/a.html">一条新闻</a></body></html>"#,
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let before = config_with_comments(dir.path(), "");
    let out = run(&["add", &site.url("/html/")], dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&site.url("/atom.xml")), "{stdout}");
    let after = feeds_toml(dir.path());
    assert!(after.starts_with(&before));
    assert!(
        after.contains(&format!("# Found on {}", site.url("/html/"))),
        "{after}"
    );
    let config = load(dir.path());
    let source = &config.sources[0];
    assert_eq!(source.url.as_str(), site.url("/atom.xml"));
    assert_eq!(source.kind, SourceKind::Feed);
    assert_eq!(source.name(), "重庆日报 · 区域合作");
}

#[tokio::test]
async fn several_feeds_on_a_page_need_a_choice_or_yes() {
    let site = TestSite::start().await;
    rss_site(&site);
    site.set(
        "/feed.json",
        Answer::ok("application/feed+json", fixture("sites/ynrb/feed.json")),
    );
    // Looks like a feed path, is a page: listed by nobody.
    site.set(
        "/rss/help.html",
        Answer::ok("text/html", "<html><body><p>如何订阅</p></body></html>"),
    );
    site.set(
        "/",
        Answer::ok(
            "text/html",
            r#"<html><head>
            <link rel="alternate" type="application/rss+xml" href="/jjxz/rss.xml">
            </head><body>
            <a href="/rss/help.html">RSS 订阅帮助</a>
            <a href="/feed.json">JSON Feed</a>
            <a href="/missing/feed.xml">旧的订阅</a>
            </body></html>"#,
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let before = config_with_comments(dir.path(), "");
    let out = run(&["add", &site.url("/")], dir.path()).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("names 2 feeds"), "{stderr}");
    assert!(stderr.contains(&site.url("/jjxz/rss.xml")), "{stderr}");
    assert!(stderr.contains(&site.url("/feed.json")), "{stderr}");
    assert!(!stderr.contains("help.html"), "{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
    assert_eq!(feeds_toml(dir.path()), before);

    let out = run(&["add", &site.url("/"), "--yes"], dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let config = load(dir.path());
    assert_eq!(config.sources.len(), 1);
    assert_eq!(config.sources[0].url.as_str(), site.url("/jjxz/rss.xml"));

    // The page again: its first feed is present now, the second is the only choice left.
    let out = run(&["add", &site.url("/")], dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let config = load(dir.path());
    assert_eq!(config.sources[1].url.as_str(), site.url("/feed.json"));
    assert_eq!(config.sources[1].name(), "云南日报 · 开放合作");
}

#[tokio::test]
async fn a_page_without_feeds_becomes_a_page_source_that_run_reads() {
    let site = TestSite::start().await;
    site.set(
        "/jjxz/",
        Answer::ok("text/html", fixture("sites/zgrb/jjxz/index.htm")),
    );
    for page in [
        "2018-12/27/content_1105.htm",
        "2019-01/03/content_1188.htm",
        "2019-01/05/content_1201.htm",
    ] {
        site.set(
            &format!("/jjxz/{page}"),
            Answer::ok("text/html", fixture(&format!("sites/zgrb/jjxz/{page}"))),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let before = config_with_comments(dir.path(), "");
    let out = run(&["add", &site.url("/jjxz/"), "--id", "zgrb"], dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("item = \"ul.news > li\""), "{stdout}");
    assert!(stdout.contains("beatwire try zgrb"), "{stdout}");

    let after = feeds_toml(dir.path());
    assert!(after.starts_with(&before));
    assert!(
        after.contains("# Confirm it with `beatwire try zgrb`"),
        "{after}"
    );
    let config = load(dir.path());
    let source = config.source("zgrb").unwrap();
    assert_eq!(source.kind, SourceKind::Page);
    let list = source.list.as_ref().unwrap();
    assert_eq!(list.item.text, "ul.news > li");
    assert_eq!(
        list.date.as_ref().map(|d| d.text.as_str()),
        Some("span.date")
    );

    // The guess is a working source: the pipeline reads the three stories through it.
    let out = run(&["run"], dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (feed, _) = common::read_feed(&dir.path().join("public/feed.xml"));
    assert_eq!(feed.entries.len(), 3);
}

#[tokio::test]
async fn the_new_fixture_page_gets_its_table_list_guessed() {
    let site = TestSite::start().await;
    site.set(
        "/qyhz/",
        Answer::ok("text/html; charset=utf-8", fixture("add/gov-list.html")),
    );
    let dir = tempfile::tempdir().unwrap();
    config_with_comments(dir.path(), "");
    let out = run(&["add", &site.url("/qyhz/")], dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("5 stories"), "{stdout}");
    assert!(
        stdout.contains("重庆经济协作区第三十次市长联席会在自贡召开"),
        "{stdout}"
    );
    let config = load(dir.path());
    let list = config.sources[0].list.as_ref().unwrap();
    assert_eq!(list.item.text, "table.tb_list > tbody > tr");
    assert_eq!(
        list.link.as_ref().map(|l| l.text.as_str()),
        Some("td.bt > a")
    );
    assert_eq!(list.date.as_ref().map(|d| d.text.as_str()), Some("td.rq"));
}

// See: `add` called "not a feed" on pages that open with `<div>` or `<table>` (no <html>).
#[tokio::test]
async fn an_html_fragment_is_read_as_a_page() {
    let site = TestSite::start().await;
    let page = String::from_utf8(fixture("add/gov-list.html")).unwrap();
    let body = page
        .split("<body>")
        .nth(1)
        .unwrap()
        .replace("</body>\n</html>", "");
    assert!(body.trim_start().starts_with("<div class=\"header\">"));
    site.set("/qyhz/", Answer::ok("text/html", body));
    let dir = tempfile::tempdir().unwrap();
    config_with_comments(dir.path(), "");
    let out = run(&["add", &site.url("/qyhz/")], dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(load(dir.path()).sources[0].kind, SourceKind::Page);
}

#[tokio::test]
async fn nothing_to_add_exits_1_and_writes_nothing() {
    let site = TestSite::start().await;
    site.set(
        "/about.html",
        Answer::ok("text/html", "<html><body><p>本站简介。</p></body></html>"),
    );
    site.set("/empty.txt", Answer::ok("text/plain", "just words"));
    let dir = tempfile::tempdir().unwrap();
    let before = config_with_comments(dir.path(), "");
    for (path, says) in [
        ("/about.html", "names no feed"),
        ("/empty.txt", "not a feed"),
        ("/gone.xml", "404"),
    ] {
        let out = run(&["add", &site.url(path)], dir.path()).await;
        assert_eq!(out.status.code(), Some(1), "{path}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(says), "{path}: {stderr}");
        assert!(stderr.contains(&site.url(path)), "{path}: {stderr}");
        assert_eq!(feeds_toml(dir.path()), before);
    }
}

// See: `add` never rewrites `feeds.toml` when the result would not parse (issue 7, bad input).
#[tokio::test]
async fn add_never_writes_a_file_that_would_not_load() {
    let site = TestSite::start().await;
    rss_site(&site);
    let url = site.url("/jjxz/rss.xml");
    let dir = tempfile::tempdir().unwrap();
    // Sources written as an inline array: a [[source]] after it is not valid TOML.
    let inline = "source = [{ id = \"a\", url = \"https://example.org/a.xml\" }]\n";
    let original = format!("{inline}[beat]\ntitle = \"t\"\nlink = \"https://example.org/\"\n");
    std::fs::write(dir.path().join("feeds.toml"), &original).unwrap();
    assert!(Config::load(&dir.path().join("feeds.toml")).is_ok());
    let out = run(&["add", &url], dir.path()).await;
    assert_eq!(out.status.code(), Some(2), "{}", text_of(&out));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("left unchanged"), "{stderr}");
    assert_eq!(feeds_toml(dir.path()), original);

    // A bad --id is caught the same way, with the loader's own message.
    config_with_comments(dir.path(), "");
    let before = feeds_toml(dir.path());
    let out = run(&["add", &url, "--id", "Bad ID"], dir.path()).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("source id `Bad ID`"), "{stderr}");
    assert_eq!(feeds_toml(dir.path()), before);

    // A file that does not load to begin with is not touched either.
    let broken = format!("{before}\n[[source]]\nid = \"x\"\n");
    std::fs::write(dir.path().join("feeds.toml"), &broken).unwrap();
    let out = run(&["add", &url], dir.path()).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(feeds_toml(dir.path()), broken);
}

fn text_of(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

#[tokio::test]
async fn the_projects_own_feeds_toml_keeps_every_byte() {
    let site = TestSite::start().await;
    rss_site(&site);
    let dir = tempfile::tempdir().unwrap();
    let own =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("feeds.toml")).unwrap();
    std::fs::write(dir.path().join("feeds.toml"), &own).unwrap();
    let sources = load(dir.path()).sources.len();
    let out = run(
        &["add", &site.url("/jjxz/rss.xml"), "--category", "产业协作"],
        dir.path(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let after = feeds_toml(dir.path());
    assert!(after.starts_with(&own));
    let config = load(dir.path());
    assert_eq!(config.sources.len(), sources + 1);
    assert_eq!(
        config.sources.last().map(|s| s.url.to_string()),
        Some(site.url("/jjxz/rss.xml"))
    );
}
