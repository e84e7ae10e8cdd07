//! Page sources and `full_text` feeds end to end: real HTTP on 127.0.0.1, a real sled store in a
//! temp dir, the published feed read back with feed-rs.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};

use beatwire::app;
use beatwire::app::report::SourceStatus;
use beatwire::config::Config;
use common::{Answer, TestSite, fixture, forced, read_feed, titles, write_config};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 1, 6, 0, 0, 0).unwrap()
}

const STORIES: [&str; 3] = [
    "/jjxz/2019-01/03/content_1188.htm",
    "/jjxz/2018-12/27/content_1105.htm",
    "/jjxz/2019-01/05/content_1201.htm",
];

/// The sample page site (GBK, charset only in `<meta>`, no feed) on a test server.
async fn page_site() -> TestSite {
    let site = TestSite::start().await;
    site.set(
        "/jjxz/index.htm",
        Answer::ok("text/html", fixture("sites/zgrb/jjxz/index.htm")),
    );
    for path in STORIES {
        site.set(
            path,
            Answer::ok("text/html", fixture(&format!("sites/zgrb{path}"))),
        );
    }
    site
}

/// A config with one page source `zgrb` for the list page at `url`.
fn page_config(dir: &std::path::Path, url: &str, item: &str) -> Config {
    let source = format!(
        "[[source]]\nid = \"zgrb\"\nname = \"自贡日报\"\nurl = \"{url}\"\nkind = \"page\"\n\
         [source.list]\nitem = \"{item}\"\ndate = \"span.date\"\n\n"
    );
    Config::load(&write_config(dir, &source)).expect("config loads")
}

#[tokio::test]
async fn a_page_source_reads_each_new_story_from_its_page_once() {
    let site = page_site().await;
    let dir = tempfile::tempdir().unwrap();
    let config = page_config(dir.path(), &site.url("/jjxz/index.htm"), "ul.news li");
    let report = app::run(&config, &forced(true), now()).await.unwrap();
    let source = &report.sources[0];
    assert_eq!(source.status, SourceStatus::Ok, "{source:?}");
    assert_eq!((source.new, source.error.as_deref()), (3, None));

    let feed = read_feed(&report.published.unwrap().path).0;
    let titles = titles(&feed);
    assert_eq!(
        titles,
        vec![
            "自贡国际恐龙灯会筹备就绪 春节期间开灯迎客",
            "自贡与重庆荣昌签署川渝毗邻地区合作框架协议",
            "川南经济区与渝西地区共建成渝产业协作走廊",
        ]
    );
    let story = &feed.entries[1];
    assert_eq!(story.links[0].href, site.url(STORIES[0]));
    // The page's own time (the list shows only the day).
    assert_eq!(
        story.published,
        Some(Utc.with_ymd_and_hms(2019, 1, 3, 1, 30, 0).unwrap())
    );
    assert_eq!(story.authors[0].name.as_deref(), Some("张晓燕"));
    let body = story.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(body.contains("濑溪河流域水环境治理"));
    assert!(
        body.contains(&site.url("/pic/2019-01/03/zg_rc.jpg")),
        "{body}"
    );
    assert!(!body.contains("热线") && !body.contains("分享到"));

    // A new story appears on the list; the old pages now fail, so reading them would show.
    let mut index = fixture("sites/zgrb/jjxz/index.htm");
    let marker = b"<ul class=\"news\">\n";
    let at = index
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap()
        + marker.len();
    index.splice(
        at..at,
        b"<li><span class=\"date\">2019-01-05</span><a href=\"2018-12/24/content_36551.htm\">x</a></li>\n"
            .iter()
            .copied(),
    );
    site.set("/jjxz/index.htm", Answer::ok("text/html", index));
    site.set(
        "/jjxz/2018-12/24/content_36551.htm",
        Answer::ok("text/html", fixture("extract/seed-gbk.html")),
    );
    for path in STORIES {
        site.set(path, Answer::status(500));
    }
    let report = app::run(&config, &forced(true), now()).await.unwrap();
    let source = &report.sources[0];
    assert_eq!(source.status, SourceStatus::Ok, "{source:?}");
    assert_eq!(
        (source.new, source.updated, source.error.as_deref()),
        (1, 0, None)
    );
    let feed = read_feed(&report.published.unwrap().path).0;
    assert_eq!(feed.entries.len(), 4);
    assert!(
        feed.entries
            .iter()
            .any(|e| e.title.as_ref().unwrap().content
                == "重庆经济协作区第二十次市长联席会在自贡召开")
    );
}

#[tokio::test]
async fn story_pages_that_are_no_article_are_reported_and_retried() {
    let site = page_site().await;
    // One story's page is a 404 page served with 200.
    site.set(
        STORIES[1],
        Answer::ok(
            "text/html; charset=utf-8",
            "<html><head><title>404 页面不存在</title></head><body><h1>页面不存在</h1><p><a href=/>返回首页</a></p></body></html>",
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let config = page_config(dir.path(), &site.url("/jjxz/index.htm"), "ul.news li");
    let report = app::run(&config, &forced(true), now()).await.unwrap();
    let source = &report.sources[0];
    assert_eq!(source.status, SourceStatus::Ok);
    assert_eq!(source.new, 2);
    assert_eq!(
        source.error.as_deref(),
        Some(
            format!(
                "1 story page(s) not read, first: {}: no article body found (the page says it was not found)",
                site.url(STORIES[1])
            )
            .as_str()
        )
    );

    // The same list page again: the story left unread is tried again, and now it reads.
    site.set(
        STORIES[1],
        Answer::ok("text/html", fixture(&format!("sites/zgrb{}", STORIES[1]))),
    );
    let report = app::run(&config, &forced(true), now()).await.unwrap();
    let source = &report.sources[0];
    assert_eq!(
        (source.status, source.new, source.error.as_deref()),
        (SourceStatus::Ok, 1, None)
    );

    // Every new story unreadable: the source fails, naming the page; it found stories before,
    // so it is reported broken.
    site.set(
        "/jjxz/index.htm",
        Answer::ok(
            "text/html",
            "<ul class=news><li><a href=/gone.htm>川渝</a></li></ul>",
        ),
    );
    let report = app::run(&config, &forced(true), now()).await.unwrap();
    let source = &report.sources[0];
    assert_eq!(source.status, SourceStatus::Failed);
    assert_eq!(
        source.error.as_deref(),
        Some(
            format!(
                "none of the 1 new stories could be read; first: {}: HTTP 404; \
                 it found 3 stories on 2019-01-06",
                site.url("/gone.htm")
            )
            .as_str()
        )
    );
}

#[tokio::test]
async fn a_list_selector_that_matches_nothing_fails_the_source() {
    let site = page_site().await;
    let dir = tempfile::tempdir().unwrap();
    let url = site.url("/jjxz/index.htm");
    let config = page_config(dir.path(), &url, "div.list li");
    let report = app::run(&config, &forced(true), now()).await.unwrap();
    let source = &report.sources[0];
    assert_eq!(source.status, SourceStatus::Failed);
    assert_eq!(
        source.error.as_deref(),
        Some(format!("{url}: list selector `div.list li` matched nothing").as_str())
    );
    assert_eq!(
        report.failure_lines(),
        vec![format!(
            "source zgrb ({url}): list selector `div.list li` matched nothing"
        )]
    );
}

#[tokio::test]
async fn a_full_text_feed_gets_each_new_story_body_from_its_page() {
    let site = page_site().await;
    let rss = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>自贡日报</title>\
         <link>{0}/</link><description>d</description>\
         <item><title>自贡与重庆荣昌签署合作协议</title><link>{0}{1}</link><guid>zgrb-1188</guid>\
         <pubDate>Thu, 03 Jan 2019 09:30:00 +0800</pubDate><description>两地将在基础设施、产业协作等领域深化合作。</description></item>\
         <item><title>川南渝西共建产业协作走廊</title><link>{0}/jjxz/missing.htm</link><guid>zgrb-0</guid>\
         <description>川南经济区与渝西地区商定共建成渝产业协作走廊。</description></item>\
         </channel></rss>",
        format_args!("http://{}", site.addr),
        STORIES[0]
    );
    site.set("/rss.xml", Answer::ok("application/rss+xml", rss));
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_config(
        dir.path(),
        &format!(
            "[[source]]\nid = \"zgrb-feed\"\nname = \"自贡日报\"\nurl = \"{}\"\n[source.article]\nfull_text = true\n",
            site.url("/rss.xml")
        ),
    );
    let config = Config::load(&config_path).unwrap();
    let report = app::run(&config, &forced(true), now()).await.unwrap();
    let source = &report.sources[0];
    assert_eq!(source.status, SourceStatus::Ok, "{source:?}");
    assert_eq!(source.new, 2);
    assert!(
        source
            .error
            .as_deref()
            .unwrap()
            .contains("/jjxz/missing.htm: HTTP 404")
    );

    let feed = read_feed(&report.published.unwrap().path).0;
    let full = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "自贡与重庆荣昌签署合作协议")
        .unwrap();
    // The feed's title and summary stay; the page's body replaces the summary as content.
    assert_eq!(
        full.summary.as_ref().unwrap().content,
        "两地将在基础设施、产业协作等领域深化合作。"
    );
    let body = full.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(body.contains("濑溪河流域水环境治理"), "{body}");
    // A story whose page cannot be read keeps the feed's own text.
    let kept = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "川南渝西共建产业协作走廊")
        .unwrap();
    assert!(
        kept.content
            .as_ref()
            .unwrap()
            .body
            .as_ref()
            .unwrap()
            .contains("共建成渝产业协作走廊")
    );
}
