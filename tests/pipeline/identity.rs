//! One story, one item, end to end: real HTTP on 127.0.0.1, a real store, the published feed
//! read back. Syndicated copies, host aliases, guids that cannot be trusted, pruning and
//! tombstones, and a run killed in the middle.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use beatwire::app::report::SourceStatus;
use beatwire::app::{self, RunOptions};
use beatwire::config::Config;
use beatwire::dedup::story_id;
use beatwire::model::ItemKey;
use beatwire::store::Store;
use common::{Answer, TestSite, feed_source, fixture, read_feed, titles, write_config};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap()
}

fn only(ids: &[&str]) -> RunOptions {
    RunOptions {
        only: ids.iter().map(|s| (*s).to_owned()).collect(),
        force: true,
        publish: true,
    }
}

/// One `<item>` of an RSS document.
struct Entry<'a> {
    guid: Option<&'a str>,
    link: &'a str,
    title: &'a str,
    body: &'a str,
    date: &'a str,
}

fn rss(entries: &[Entry<'_>]) -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title><link>${BASE}/</link>"#,
    );
    for e in entries {
        out.push_str(&format!(
            "<item><title>{}</title><link>{}</link>{}<pubDate>{}</pubDate><content:encoded><![CDATA[{}]]></content:encoded></item>\n",
            e.title,
            e.link,
            e.guid.map(|g| format!("<guid isPermaLink=\"false\">{g}</guid>")).unwrap_or_default(),
            e.date,
            e.body
        ));
    }
    out.push_str("</channel></rss>");
    out
}

/// The title and body (as HTML paragraphs) of a `fixtures/dedup/` story.
fn dedup_story(name: &str) -> (String, String) {
    let text = String::from_utf8(fixture(&format!("dedup/{name}.txt"))).expect("UTF-8");
    let (header, body) = text.split_once("\n\n").expect("header, blank line, body");
    let title = header
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .expect("a title line")
        .to_owned();
    let html = body
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| format!("<p>{l}</p>"))
        .collect();
    (title, html)
}

/// A config in a new temp dir with one feed source `id` at `path` of `site`.
fn one_source(site: &TestSite, id: &str, path: &str) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Config::load(&write_config(
        dir.path(),
        &feed_source(id, "某报", &site.url(path)),
    ))
    .expect("config loads");
    (dir, config)
}

#[tokio::test]
async fn syndicated_copies_merge_into_one_item_that_lists_the_other_outlets() {
    let site = TestSite::start().await;
    let (seed_title, seed_body) = dedup_story("seed");
    let (copy_title, copy_body) = dedup_story("combined");
    site.set(
        "/scjjrb.xml",
        Answer::ok(
            "application/rss+xml",
            rss(&[Entry {
                guid: Some("scjjrb-20181224-1"),
                link: "${BASE}/scjjrb/1.htm",
                title: &seed_title,
                body: &seed_body,
                date: "2018-12-24 11:06:36",
            }]),
        ),
    );
    let copy = |extra: &str| {
        rss(&[Entry {
            guid: Some("bj-77"),
            link: "${BASE}/bjrb/77.htm",
            title: &copy_title,
            body: &copy_body,
            date: extra,
        }])
    };
    site.set(
        "/bjrb.xml",
        Answer::ok("application/rss+xml", copy("2018-12-26 10:00")),
    );
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        feed_source("scjjrb", "四川经济日报", &site.url("/scjjrb.xml")),
        feed_source("bjrb", "毕节日报", &site.url("/bjrb.xml")),
    ]
    .concat();
    let config = Config::load(&write_config(dir.path(), &sources)).unwrap();

    let first = app::run(&config, &only(&["scjjrb"]), now()).await.unwrap();
    assert_eq!(first.sources[0].new, 1);
    let second = app::run(&config, &only(&["bjrb"]), now()).await.unwrap();
    assert_eq!(
        (second.sources[0].new, second.sources[0].duplicates),
        (0, 1)
    );
    let path = second.published.unwrap().path;
    let (feed, xml) = read_feed(&path);
    assert_eq!(feed.entries.len(), 1, "one story, one item");
    let story = &feed.entries[0];
    assert_eq!(
        story.id,
        story_id(&ItemKey::Guid {
            source: "scjjrb".into(),
            guid: "scjjrb-20181224-1".into()
        })
    );
    assert_eq!(story.title.as_ref().unwrap().content, seed_title);
    assert!(
        xml.contains(&format!(
            "<source url=\"{}/\">四川经济日报</source>",
            site.url("")
        )),
        "{xml}"
    );
    let body = story.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(
        body.ends_with(&format!(
            "<p class=\"also-reported\">也见于：<a href=\"{}\">毕节日报</a></p>",
            site.url("/bjrb/77.htm")
        )),
        "{body}"
    );

    // The copy seen again, in a document that changed: nothing is written, the feed stays.
    let before = std::fs::read(&path).unwrap();
    site.set(
        "/bjrb.xml",
        Answer::ok("application/rss+xml", copy("2018-12-26 10:00:00")),
    );
    let again = app::run(&config, &only(&["scjjrb", "bjrb"]), now())
        .await
        .unwrap();
    for source in &again.sources {
        assert_eq!(
            (source.new, source.updated, source.duplicates),
            (0, 0, 0),
            "{source:?}"
        );
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // Provenance keeps both copies with their links, guids and times.
    drop(again);
    let store = Store::open(config.beat.store.sled_path().unwrap()).unwrap();
    let stored = store.latest(10).unwrap();
    let copies: Vec<(&str, &str, Option<&str>)> = stored[0]
        .provenance
        .iter()
        .map(|c| (c.source.as_str(), c.outlet.name.as_str(), c.guid.as_deref()))
        .collect();
    assert_eq!(
        copies,
        [
            ("scjjrb", "四川经济日报", Some("scjjrb-20181224-1")),
            ("bjrb", "毕节日报", Some("bj-77"))
        ]
    );
    assert!(stored[0].provenance.iter().all(|c| c.seen == now()));
    assert_eq!(stored[0].updated, None);
    drop(store);

    // The primary copy corrected: updated in place, same guid, copies kept, `updated` moves.
    let corrected = seed_body.replace("173.7亿元", "180亿元");
    assert_ne!(corrected, seed_body);
    site.set(
        "/scjjrb.xml",
        Answer::ok(
            "application/rss+xml",
            rss(&[Entry {
                guid: Some("scjjrb-20181224-1"),
                link: "${BASE}/scjjrb/1.htm",
                title: &seed_title,
                body: &corrected,
                date: "2018-12-24 11:06:36",
            }]),
        ),
    );
    let later = now() + TimeDelta::hours(2);
    let fixed = app::run(&config, &only(&["scjjrb"]), later).await.unwrap();
    assert_eq!((fixed.sources[0].new, fixed.sources[0].updated), (0, 1));
    let store = Store::open(config.beat.store.sled_path().unwrap()).unwrap();
    let stored = store.latest(10).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, story.id);
    assert_eq!(stored[0].updated, Some(later));
    assert_eq!(stored[0].first_seen, now());
    assert_eq!(stored[0].provenance.len(), 2);
    assert!(stored[0].content_html.contains("180亿元"));
}

#[tokio::test]
async fn host_aliases_make_a_mobile_link_the_same_story() {
    let site = TestSite::start().await;
    let entry = |link: &'static str| {
        rss(&[Entry {
            guid: None,
            link,
            title: "川渝签署合作协议",
            body: "<p>川渝两地签署合作协议。</p>",
            date: "2018-12-24 11:06",
        }])
    };
    site.set(
        "/mobile.xml",
        Answer::ok(
            "application/rss+xml",
            entry("http://m.scjjrb.cn/a/1.htm?from=app"),
        ),
    );
    site.set(
        "/www.xml",
        Answer::ok(
            "application/rss+xml",
            entry("https://www.scjjrb.cn/a/1.htm"),
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let mobile = feed_source("mobile", "四川经济日报手机版", &site.url("/mobile.xml")).replace(
        "kind = \"feed\"\n",
        "kind = \"feed\"\naliases = [\"www.scjjrb.cn\", \"m.scjjrb.cn\"]\n",
    );
    let sources = [
        mobile,
        feed_source("www", "四川经济日报", &site.url("/www.xml")),
    ]
    .concat();
    let config = Config::load(&write_config(dir.path(), &sources)).unwrap();
    app::run(&config, &only(&["www"]), now()).await.unwrap();
    let report = app::run(&config, &only(&["mobile"]), now()).await.unwrap();
    assert_eq!(
        (report.sources[0].new, report.sources[0].duplicates),
        (0, 1)
    );
    let (feed, _) = read_feed(&report.published.unwrap().path);
    assert_eq!(feed.entries.len(), 1);
}

// See: a CMS whose guids are list positions made every new story overwrite an old one.
#[tokio::test]
async fn guids_that_are_list_positions_give_way_to_links() {
    let site = TestSite::start().await;
    let stories = [
        ("d", "成渝合作第四项"),
        ("c", "成渝合作第三项"),
        ("b", "成渝合作第二项"),
        ("a", "成渝合作第一项"),
    ];
    let document = |newest: usize| {
        let entries: Vec<(String, String)> = stories[newest..]
            .iter()
            .enumerate()
            .map(|(position, (slug, _))| {
                (
                    format!("{}", position + 1),
                    format!("${{BASE}}/n/{slug}.htm"),
                )
            })
            .collect();
        let list: Vec<Entry<'_>> = stories[newest..]
            .iter()
            .zip(&entries)
            .map(|((_, title), (guid, link))| Entry {
                guid: Some(guid),
                link,
                title,
                body: title,
                date: "2019-01-02 10:00",
            })
            .collect();
        rss(&list)
    };
    site.set("/rss.xml", Answer::ok("application/rss+xml", document(1)));
    let (_dir, config) = one_source(&site, "fgw", "/rss.xml");
    let first = app::run(&config, &only(&["fgw"]), now()).await.unwrap();
    assert_eq!(first.sources[0].new, 3);

    site.set("/rss.xml", Answer::ok("application/rss+xml", document(0)));
    let second = app::run(&config, &only(&["fgw"]), now()).await.unwrap();
    assert_eq!(second.sources[0].status, SourceStatus::Ok);
    assert_eq!((second.sources[0].new, second.sources[0].updated), (1, 0));
    let (feed, _) = read_feed(&second.published.unwrap().path);
    let mut titles = titles(&feed);
    titles.sort();
    assert_eq!(
        titles,
        [
            "成渝合作第一项",
            "成渝合作第三项",
            "成渝合作第二项",
            "成渝合作第四项"
        ]
    );
}

#[tokio::test]
async fn pruned_stories_leave_and_never_come_back() {
    let site = TestSite::start().await;
    site.set(
        "/atom.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    let (_dir, config) = one_source(&site, "cqrb", "/atom.xml");
    let first = app::run(&config, &only(&["cqrb"]), now()).await.unwrap();
    assert_eq!(first.sources[0].new, 3);

    // Young stories stay, whatever their date: they were first seen just now.
    assert_eq!(
        app::prune(&config, now() + TimeDelta::days(89))
            .unwrap()
            .stories,
        0
    );
    let later = now() + TimeDelta::days(91);
    let pruned = app::prune(&config, later).unwrap();
    assert_eq!(pruned.stories, 3);

    // The same feed, fetched again: nothing comes back, the feed is empty.
    let atom = String::from_utf8(fixture("sites/cqrb/atom.xml")).unwrap();
    site.set(
        "/atom.xml",
        Answer::ok("application/atom+xml", atom.replace("</feed>", "\n</feed>")),
    );
    let again = app::run(&config, &only(&["cqrb"]), later).await.unwrap();
    assert_eq!(again.sources[0].status, SourceStatus::Ok);
    assert_eq!(again.sources[0].new, 0);
    let (feed, _) = read_feed(&again.published.unwrap().path);
    assert!(feed.entries.is_empty());
    let store = Store::open(config.beat.store.sled_path().unwrap()).unwrap();
    assert_eq!(store.len(), 0);
    assert_eq!(store.tombstone_count(), 3);
}

#[test]
fn a_huge_dedup_window_is_capped() {
    use beatwire::app::identity::Writer;
    let dir = tempfile::tempdir().unwrap();
    let store = beatwire::store::open(&beatwire::store::Location::Sled(
        dir.path().join("beatwire.sled"),
    ))
    .unwrap();
    let huge = Writer::new(store.clone(), Duration::from_secs(u64::MAX / 2));
    assert_eq!(huge.window(), beatwire::dedup::MAX_NEAR_WINDOW);
    let week = Writer::new(store, Duration::from_secs(7 * 86_400));
    assert_eq!(week.window(), TimeDelta::days(7));
}
