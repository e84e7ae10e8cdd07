//! End to end through the library: real HTTP on 127.0.0.1, a real sled store in a temp dir,
//! and the published feed read back with feed-rs.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};

use beatwire::app::report::SourceStatus;
use beatwire::app::{self, RunOptions};
use beatwire::config::Config;
use beatwire::dedup::{content_key, story_id};
use beatwire::model::ItemKey;
use common::{Answer, TestSite, feed_source, fixture, forced, read_feed, titles, write_config};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap()
}

#[tokio::test]
async fn demo_sites_merge_into_one_rss_feed_with_china_times() {
    let dir = tempfile::tempdir().unwrap();
    let demo = beatwire::demo::run(dir.path(), "127.0.0.1:8080", now())
        .await
        .unwrap();
    for source in &demo.report.sources {
        assert_eq!(source.status, SourceStatus::Ok, "{source:?}");
    }
    let published = demo.report.published.clone().unwrap();
    assert_eq!(
        published.items, 10,
        "the off-beat marathon and lantern-festival stories are filtered out"
    );
    let (feed, xml) = read_feed(&published.path);

    let titles = titles(&feed);
    assert_eq!(
        titles,
        vec![
            "西部陆海新通道班列开行突破千列 渝桂黔陇协同发力",
            "滇川黔渝携手建设南向开放通道 昆明至重庆高铁前期工作提速",
            "万达开川渝统筹发展示范区建设启动 共建区域物流枢纽",
            "昭通与川渝毗邻地区签署经济协作协议",
            "长江经济带生态环境联防联控 川渝签署跨界河流治理协议",
            "自贡与重庆荣昌签署川渝毗邻地区合作框架协议",
            "川南经济区与渝西地区共建成渝产业协作走廊",
            "重庆经济协作区第二十次市长联席会在自贡召开",
            "川渝两省市签署深化合作行动计划 共建长江上游生态屏障",
            "成渝经济区物流合作迈出新步伐 达州“无水港”加快建设",
        ]
    );
    assert!(!xml.contains("马拉松"));
    assert!(!xml.contains("恐龙灯会"));

    // The page source: GBK pages without a feed, read from the list page and each story's page.
    let zgrb = demo.sites.iter().find(|s| s.name == "zgrb").unwrap();
    let story = &feed.entries[5];
    assert_eq!(
        story.links[0].href,
        zgrb.url("jjxz/2019-01/03/content_1188.htm")
    );
    assert_eq!(
        story.published,
        Some(Utc.with_ymd_and_hms(2019, 1, 3, 1, 30, 0).unwrap())
    );
    assert_eq!(story.authors[0].name.as_deref(), Some("张晓燕"));
    let body = story.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(
        body.trim_start()
            .starts_with("<p><strong>共建川南渝西融合发展先行区</strong></p>"),
        "{body}"
    );
    assert!(body.contains("濑溪河流域水环境治理"), "{body}");
    assert!(
        body.contains(&format!("src=\"{}\"", zgrb.url("pic/2019-01/03/zg_rc.jpg"))),
        "{body}"
    );
    for noise in [
        "热线",
        ">top<",
        "分享到",
        "热点排行",
        "版权所有",
        "2019-01-03",
    ] {
        assert!(!body.contains(noise), "{noise} in {body}");
    }
    assert!(xml.contains(">自贡日报</source>"));

    // The seed story: GB2312 declared only in the XML prolog, a date with no zone (China time).
    let seed = &feed.entries[7];
    assert_eq!(
        seed.published,
        Some(Utc.with_ymd_and_hms(2018, 12, 24, 3, 6, 36).unwrap())
    );
    let scjjrb = demo.sites.iter().find(|s| s.name == "scjjrb").unwrap();
    assert_eq!(
        seed.links[0].href,
        scjjrb.url("jjxz/2018-12/24/content_36551.htm")
    );
    assert_eq!(
        seed.id,
        story_id(&ItemKey::Guid {
            source: "scjjrb".into(),
            guid: "scjjrb-36551".into()
        })
    );
    let body = seed.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(
        body.contains("以“深化区域协作、共襄南向开放”为主题"),
        "{body}"
    );
    assert_eq!(seed.authors[0].name.as_deref(), Some("陈家明"));
    assert!(xml.contains("<pubDate>Mon, 24 Dec 2018 11:06:36 +0800</pubDate>"));

    // `CST` is China Standard Time here, relative links resolve, scripts and handlers go.
    let chuanyu = &feed.entries[8];
    assert_eq!(
        chuanyu.published,
        Some(Utc.with_ymd_and_hms(2018, 12, 20, 8, 45, 0).unwrap())
    );
    assert_eq!(
        chuanyu.links[0].href,
        scjjrb.url("jjxz/2018-12/20/content_36420.htm")
    );
    let body = chuanyu.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(!body.contains("script") && !body.contains("onclick") && !body.contains("广告位"));
    assert!(
        body.contains(&scjjrb.url("pic/2018-12/20/chuanyu.jpg")),
        "{body}"
    );

    // Tracking parameters are dropped from links.
    assert_eq!(
        feed.entries[9].links[0].href,
        scjjrb.url("jjxz/2018-12/18/content_36377.htm")
    );

    // Atom `+08:00` and JSON Feed dates are exact instants.
    assert_eq!(
        feed.entries[0].published,
        Some(Utc.with_ymd_and_hms(2019, 1, 15, 0, 30, 0).unwrap())
    );
    assert_eq!(
        feed.entries[1].published,
        Some(Utc.with_ymd_and_hms(2019, 1, 12, 6, 20, 0).unwrap())
    );

    // Categories come from the beat's keywords; the outlet is the source's name.
    let categories: Vec<&str> = feed.entries[0]
        .categories
        .iter()
        .map(|c| c.term.as_str())
        .collect();
    assert!(categories.contains(&"交通与通道"), "{categories:?}");
    assert!(xml.contains(">重庆日报</source>"));
    assert!(xml.contains("<language>zh-cn</language>"));
    assert!(xml.contains("rel=\"self\""));
}

#[tokio::test]
async fn a_second_run_stores_nothing_twice_and_publishes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let demo = beatwire::demo::run(dir.path(), "127.0.0.1:8080", now())
        .await
        .unwrap();
    let path = demo.report.published.clone().unwrap().path;
    let first = std::fs::read(&path).unwrap();

    let again = app::run(&demo.config, &forced(true), now()).await.unwrap();
    for source in &again.sources {
        assert_eq!(source.status, SourceStatus::NotModified, "{source:?}");
        assert_eq!((source.new, source.updated), (0, 0));
    }
    assert_eq!(std::fs::read(&path).unwrap(), first);

    // Not forced: nothing is due yet, so nothing is fetched.
    let due_only = RunOptions {
        publish: true,
        ..Default::default()
    };
    let later = app::run(&demo.config, &due_only, now()).await.unwrap();
    assert!(
        later
            .sources
            .iter()
            .all(|s| s.status == SourceStatus::Skipped)
    );
}

#[tokio::test]
async fn a_changed_document_with_the_same_stories_stores_nothing_new() {
    let site = TestSite::start().await;
    let atom = String::from_utf8(fixture("sites/cqrb/atom.xml")).unwrap();
    site.set(
        "/atom.xml",
        Answer::ok("application/atom+xml", atom.clone()),
    );
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&write_config(
        dir.path(),
        &feed_source("cqrb", "重庆日报", &site.url("/atom.xml")),
    ))
    .unwrap();
    let first = app::run(&config, &forced(true), now()).await.unwrap();
    assert_eq!(first.sources[0].new, 3);

    // The feed's own `updated` moves, its stories do not change.
    let touched = atom.replacen(
        "<updated>2019-01-15T08:30:00+08:00</updated>",
        "<updated>2019-01-16T08:30:00+08:00</updated>",
        1,
    );
    site.set(
        "/atom.xml",
        Answer::ok("application/atom+xml", touched.clone()),
    );
    let second = app::run(&config, &forced(true), now()).await.unwrap();
    assert_eq!(second.sources[0].status, SourceStatus::Ok);
    assert_eq!((second.sources[0].new, second.sources[0].updated), (0, 0));

    // A corrected story is updated in place: same guid, new text.
    let corrected = touched.replace("累计开行突破千列", "累计开行突破一千二百列");
    site.set("/atom.xml", Answer::ok("application/atom+xml", corrected));
    let third = app::run(&config, &forced(true), now()).await.unwrap();
    assert_eq!((third.sources[0].new, third.sources[0].updated), (0, 1));
    let (feed, _) = read_feed(&third.published.unwrap().path);
    assert_eq!(feed.entries.len(), 3);
    let story = &feed.entries[0];
    assert_eq!(
        story.id,
        story_id(&ItemKey::Guid {
            source: "cqrb".into(),
            guid: "tag:cqrb.example,2019:2019-01-15:8812".into()
        })
    );
    assert!(
        story
            .content
            .as_ref()
            .unwrap()
            .body
            .as_ref()
            .unwrap()
            .contains("一千二百列")
    );
}

#[tokio::test]
async fn broken_sources_fail_alone_and_the_feed_keeps_what_was_stored() {
    let site = TestSite::start().await;
    site.set(
        "/good.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    site.set(
        "/flaky.json",
        Answer::ok("application/feed+json", fixture("sites/ynrb/feed.json")),
    );
    site.set(
        "/html.xml",
        Answer::ok("text/html", "<!DOCTYPE html><html><body>首页</body></html>"),
    );
    site.set("/empty.xml", Answer::ok("application/rss+xml", ""));
    site.set(
        "/truncated.xml",
        Answer::ok(
            "application/rss+xml",
            "<rss version=\"2.0\"><channel><title>断</title><item><title>半",
        ),
    );
    site.set("/gone.xml", Answer::status(404));
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        feed_source("good", "重庆日报", &site.url("/good.xml")),
        feed_source("flaky", "云南日报", &site.url("/flaky.json")),
        feed_source("html", "某网站", &site.url("/html.xml")),
        feed_source("empty", "空", &site.url("/empty.xml")),
        feed_source("truncated", "断", &site.url("/truncated.xml")),
        feed_source("gone", "无", &site.url("/gone.xml")),
    ]
    .concat();
    let config = Config::load(&write_config(dir.path(), &sources)).unwrap();
    let report = app::run(&config, &forced(true), now()).await.unwrap();

    let by_id = |id: &str| report.sources.iter().find(|s| &*s.id == id).unwrap();
    assert_eq!(by_id("good").status, SourceStatus::Ok);
    assert_eq!(by_id("flaky").new, 3);
    let error = |id: &str| by_id(id).error.clone().unwrap_or_default();
    assert!(
        error("html").contains("got an HTML page, not a feed"),
        "{}",
        error("html")
    );
    assert!(error("html").contains(&site.url("/html.xml")));
    assert!(
        error("empty").contains("the document is empty"),
        "{}",
        error("empty")
    );
    assert!(
        error("truncated").contains("malformed feed") || error("truncated").contains("not a feed"),
        "{}",
        error("truncated")
    );
    assert!(error("gone").contains("HTTP 404"), "{}", error("gone"));
    assert_eq!(by_id("gone").http_status, Some(404));
    assert!(report.any_failed());
    let lines = report.failure_lines();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with(&format!("source html ({})", site.url("/html.xml"))));
    let published = report.published.unwrap();
    assert_eq!(published.items, 6);

    // The flaky source turns into an HTML page: it fails, its stories stay published.
    site.set(
        "/flaky.json",
        Answer::ok("text/html", "<html><body>维护中</body></html>"),
    );
    let report = app::run(&config, &forced(true), now()).await.unwrap();
    let flaky = report.sources.iter().find(|s| &*s.id == "flaky").unwrap();
    assert_eq!(flaky.status, SourceStatus::Failed);
    let (feed, _) = read_feed(&report.published.unwrap().path);
    assert_eq!(feed.entries.len(), 6);
    assert!(
        feed.entries
            .iter()
            .any(|e| e.title.as_ref().unwrap().content == "昭通与川渝毗邻地区签署经济协作协议")
    );
}

#[tokio::test]
async fn a_feed_that_repeats_one_guid_is_told_apart_by_links() {
    let site = TestSite::start().await;
    let rss = r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>某市发改委</title><link>${BASE}/</link>
<item><title>成渝合作项目一</title><link>${BASE}/a/1.htm</link><guid>same</guid><pubDate>2019-01-02 10:00</pubDate></item>
<item><title>成渝合作项目二</title><link>${BASE}/a/2.htm</link><guid>same</guid><pubDate>2019-01-03 10:00</pubDate></item>
</channel></rss>"#;
    site.set("/rss.xml", Answer::ok("text/xml", rss));
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&write_config(
        dir.path(),
        &feed_source("fgw", "某市发改委", &site.url("/rss.xml")),
    ))
    .unwrap();
    let report = app::run(&config, &forced(true), now()).await.unwrap();
    assert_eq!(report.sources[0].new, 2);
    let (feed, xml) = read_feed(&report.published.unwrap().path);
    assert_eq!(feed.entries.len(), 2);
    assert_ne!(feed.entries[0].id, feed.entries[1].id);
    assert!(xml.contains("<pubDate>Thu, 3 Jan 2019 10:00:00 +0800</pubDate>"));
}

// An RSS item may have only a title and a description: it is one story, published under a guid
// of its content and without a link of its own, and known again on the next run.
#[tokio::test]
async fn an_item_without_link_or_guid_is_stored_once_and_known_again() {
    let site = TestSite::start().await;
    let items = r#"<item><title>川渝毗邻地区合作座谈会召开</title><description>会议在荣昌举行，两地签署协议。</description><pubDate>2019-01-02 10:00</pubDate></item>
<item><title>川渝毗邻地区合作座谈会召开</title><description>会议在荣昌举行，两地签署协议。</description><pubDate>2019-01-02 10:00</pubDate></item>
<item><title>成渝地区双城经济圈建设推进会</title><link>${BASE}/a/2.htm</link><pubDate>2019-01-03 10:00</pubDate></item>"#;
    let rss = |items: &str| {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>某县政府</title><link>${{BASE}}/</link>
{items}</channel></rss>"#
        )
    };
    site.set("/rss.xml", Answer::ok("text/xml", rss(items)));
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&write_config(
        dir.path(),
        &feed_source("xzf", "某县政府", &site.url("/rss.xml")),
    ))
    .unwrap();
    let first = app::run(&config, &forced(true), now()).await.unwrap();
    assert_eq!(first.sources[0].status, SourceStatus::Ok);
    assert_eq!(first.sources[0].new, 2, "the repeated item is one story");
    let (feed, xml) = read_feed(&first.published.unwrap().path);
    assert_eq!(feed.entries.len(), 2);
    let id = story_id(&ItemKey::Content {
        source: "xzf".into(),
        hash: content_key(
            "川渝毗邻地区合作座谈会召开",
            "会议在荣昌举行，两地签署协议。",
        ),
    });
    let story = feed.entries.iter().find(|e| e.id == id).expect("published");
    assert!(
        story.links.is_empty(),
        "no link of its own: {:?}",
        story.links
    );
    assert!(xml.contains(&format!("<guid isPermaLink=\"false\">{id}</guid>")));
    assert_eq!(
        story.summary.as_ref().unwrap().content,
        "会议在荣昌举行，两地签署协议。"
    );

    // The next document adds a story: the one without a link is known, not stored again.
    let more = format!(
        "<item><title>滇黔桂协作联席会议</title><link>${{BASE}}/a/3.htm</link></item>\n{items}"
    );
    site.set("/rss.xml", Answer::ok("text/xml", rss(&more)));
    let second = app::run(&config, &forced(true), now()).await.unwrap();
    assert_eq!((second.sources[0].new, second.sources[0].updated), (1, 0));
    let (feed, _) = read_feed(&second.published.unwrap().path);
    assert_eq!(feed.entries.len(), 3);
    assert_eq!(feed.entries.iter().filter(|e| e.id == id).count(), 1);
}
