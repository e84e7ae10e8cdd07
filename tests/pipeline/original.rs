//! The original represents its story: the seed article on its outlet's own page (a page source,
//! 2018-12-24 11:06:36), an RSS copy of it at 14:30 and an Atom copy at 17:45, read in every
//! order, publish one item with the original's title, link, date and outlet and the same bytes;
//! a reprint published in an earlier run gives way to the original under its first guid; a
//! page naming another outlet as the writer (`来源`) publishes that outlet.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};

use beatwire::app::{self, RunOptions};
use beatwire::config::Config;
use beatwire::store::Store;
use common::{Answer, TestSite, feed_source, read_feed, write_config};

/// The seed article's opening paragraphs: the text every copy carries.
const PARAGRAPHS: [&str; 3] = [
    "四川经济日报自贡讯(记者 陈家明)近日,以“深化区域协作、共襄南向开放”为主题的重庆经济协作区第二十次市长联席会在自贡召开,云、贵、川、渝等4省市20个成员市(区)的代表分别做了交流发言。自贡市委副书记、市长何树平出席会议并致辞,重庆市发改委副巡视员周韶晖,四川省发改委二级巡视员彭跃,四川省经济合作局党组成员、副局长刘瑛等出席会议。",
    "重庆市万州区委常委、常务副区长蒲承明代表第十九次市长联席会轮值方对协作区一年来的工作情况作了汇报。他表示,重庆经济协作区第十九次市长联席会召开以来,各成员单位按照“市场主导、政府引导,优势互补、互惠互利,开放开拓务实创新”的原则,秉承合作促发展、互助创共荣的理念,积极推动《重庆经济协作区第十九次市长联席会万州宣言》落实。",
    "一年来,协作区各成员单位不定期开展相互走访、考察学习,增进了友谊和感情,凝聚了协作发展共识,在经贸、文化、社会等领域达成合作事项数十项,进一步形成了资源共享、平台共建、合作共赢的良好态势。川渝两省市共同签署了《深化川渝合作深入推动长江经济带发展行动计划》。",
];

const TITLE: &str = "重庆经济协作区第二十次市长联席会在自贡召开";
const ARTICLE: &str = "/jjxz/2018-12/24/content_36551.htm";

fn body() -> String {
    PARAGRAPHS.iter().map(|p| format!("<p>{p}</p>")).collect()
}

/// The three outlets' documents on one test site.
async fn outlets() -> TestSite {
    let site = TestSite::start().await;
    site.set(
        "/jjxz/index.htm",
        Answer::ok(
            "text/html; charset=utf-8",
            format!(
                "<html><body><ul class=\"news\"><li><a href=\"{ARTICLE}\">{TITLE}</a>\
                 <span class=\"date\">2018-12-24</span></li></ul></body></html>"
            ),
        ),
    );
    site.set(
        ARTICLE,
        Answer::ok(
            "text/html; charset=utf-8",
            format!(
                "<html><head><title>{TITLE}_四川经济日报</title></head><body>\
                 <div class=\"nav\">首页 今日西南</div><h1>{TITLE}</h1>\
                 <div class=\"info\">2018-12-24 11:06:36 稿件来源: 四川经济日报</div>\
                 <div class=\"content\">{}</div><div class=\"foot\">版权所有</div></body></html>",
                body()
            ),
        ),
    );
    let escaped = body().replace('<', "&lt;").replace('>', "&gt;");
    site.set(
        "/rss.xml",
        Answer::ok(
            "application/rss+xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>\
                 <title>重庆经济报</title><link>{0}</link><item><title>协作区市长联席会在自贡召开</title>\
                 <link>{0}/rss/2018/1224/88.html</link><pubDate>Mon, 24 Dec 2018 14:30:00 +0800</pubDate>\
                 <description>{escaped}&lt;p&gt;来源:四川经济日报&lt;/p&gt;</description></item></channel></rss>",
                site.url("")
            ),
        ),
    );
    site.set(
        "/atom.xml",
        Answer::ok(
            "application/atom+xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
                 <title>云南经济网</title><id>urn:ynjj</id><updated>2018-12-24T17:45:00+08:00</updated>\
                 <entry><title>{TITLE}(转载)</title><id>urn:ynjj:1</id>\
                 <link href=\"{}/atom/1224/7.html\"/><updated>2018-12-24T17:45:00+08:00</updated>\
                 <content type=\"html\">{escaped}</content></entry></feed>",
                site.url("")
            ),
        ),
    );
    site
}

fn config(dir: &std::path::Path, site: &TestSite) -> Config {
    let sources = format!(
        "[[source]]\nid = \"scjjrb\"\nname = \"四川经济日报\"\nurl = \"{}\"\nkind = \"page\"\n\
         [source.list]\nitem = \"ul.news li\"\ndate = \"span.date\"\n\n{}{}",
        site.url("/jjxz/index.htm"),
        feed_source("cqjjb", "重庆经济报", &site.url("/rss.xml")),
        feed_source("ynjj", "云南经济网", &site.url("/atom.xml")),
    );
    Config::load(&write_config(dir, &sources)).expect("config loads")
}

fn only(id: &str) -> RunOptions {
    RunOptions {
        only: vec![id.to_owned()],
        force: true,
        publish: true,
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2018, 12, 25, 0, 0, 0).unwrap()
}

/// Every order of the three sources.
fn orders() -> Vec<[&'static str; 3]> {
    let ids = ["scjjrb", "cqjjb", "ynjj"];
    let mut out = Vec::new();
    for a in 0..3 {
        for b in 0..3 {
            for c in 0..3 {
                if a != b && b != c && a != c {
                    out.push([ids[a], ids[b], ids[c]]);
                }
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_original_represents_its_copies_read_in_any_order() {
    let site = outlets().await;
    let mut published: Vec<(String, Vec<u8>)> = Vec::new();
    for order in orders() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path(), &site);
        let mut last = None;
        for id in order {
            let report = app::run(&config, &only(id), now()).await.unwrap();
            assert!(!report.any_failed(), "{order:?}: {report:?}");
            last = report.published;
        }
        let path = last.expect("published").path;
        let (feed, _) = read_feed(&path);
        assert_eq!(feed.entries.len(), 1, "{order:?}: one story");
        let story = &feed.entries[0];
        assert_eq!(story.title.as_ref().unwrap().content, TITLE, "{order:?}");
        assert_eq!(story.links[0].href, site.url(ARTICLE), "{order:?}");
        assert_eq!(
            story.published,
            Some(Utc.with_ymd_and_hms(2018, 12, 24, 3, 6, 36).unwrap()),
            "{order:?}"
        );
        let xml = std::fs::read_to_string(&path).unwrap();
        assert!(xml.contains(">四川经济日报</source>"), "{order:?}: {xml}");
        for other in ["重庆经济报", "云南经济网"] {
            assert!(
                xml.contains(other),
                "{order:?}: {other} is listed as a copy"
            );
        }
        for file in ["feed.xml", "atom.xml", "feed.json", "index.html"] {
            let bytes = std::fs::read(path.with_file_name(file)).unwrap();
            published.push((format!("{order:?} {file}"), bytes));
        }
    }
    let first = &published[..4];
    for chunk in published.chunks(4) {
        for ((order, bytes), (_, expected)) in chunk.iter().zip(first) {
            assert!(
                bytes == expected,
                "{order}: the same copies give the same bytes"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reprint_published_first_gives_way_to_the_original_under_its_guid() {
    let site = outlets().await;
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &site);
    let first = app::run(&config, &only("cqjjb"), now()).await.unwrap();
    let (feed, _) = read_feed(&first.published.unwrap().path);
    let guid = feed.entries[0].id.clone();
    assert_eq!(
        feed.entries[0].title.as_ref().unwrap().content,
        "协作区市长联席会在自贡召开"
    );

    let later = now() + chrono::TimeDelta::hours(2);
    let second = app::run(&config, &only("scjjrb"), later).await.unwrap();
    assert_eq!(second.sources[0].duplicates, 1, "{second:?}");
    let path = second.published.unwrap().path;
    let (feed, xml) = read_feed(&path);
    assert_eq!(feed.entries.len(), 1);
    let story = &feed.entries[0];
    assert_eq!(story.id, guid, "the guid never changes once published");
    assert_eq!(story.title.as_ref().unwrap().content, TITLE);
    assert_eq!(story.links[0].href, site.url(ARTICLE));
    let (atom, _) = read_feed(&path.with_file_name("atom.xml"));
    assert_eq!(
        atom.entries[0].updated,
        Some(later),
        "readers see the story change"
    );
    assert!(xml.contains(">四川经济日报</source>"), "{xml}");
    assert!(
        xml.contains("重庆经济报"),
        "the reprint is listed as a copy"
    );

    // The reprint seen again changes nothing.
    let third = app::run(&config, &only("cqjjb"), later).await.unwrap();
    assert_eq!(
        (third.sources[0].new, third.sources[0].updated),
        (0, 0),
        "{third:?}"
    );
    let store = Store::open(config.beat.store.sled_path().unwrap()).unwrap();
    assert_eq!(store.latest(10).unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reprint_page_publishes_the_outlet_it_names_as_writer() {
    let site = TestSite::start().await;
    let article = "/zwgk/2018-12/26/t20181226_1.html";
    site.set(
        "/zwgk/index.htm",
        Answer::ok(
            "text/html; charset=utf-8",
            format!(
                "<html><body><ul class=\"list\"><li><a href=\"{article}\">{TITLE}</a>\
                 <span>2018-12-26</span></li></ul></body></html>"
            ),
        ),
    );
    site.set(
        article,
        Answer::ok(
            "text/html; charset=utf-8",
            format!(
                "<html><head><title>{TITLE}_重庆市人民政府网</title></head><body><h1>{TITLE}</h1>\
                 <div class=\"info\">发布时间:2018-12-26 09:00 来源:重庆日报</div>\
                 <div class=\"content\">{}</div></body></html>",
                body()
            ),
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let sources = format!(
        "[[source]]\nid = \"cqgov\"\nname = \"重庆市人民政府\"\nurl = \"{}\"\nkind = \"page\"\n\
         [source.list]\nitem = \"ul.list li\"\ndate = \"span\"\n\n",
        site.url("/zwgk/index.htm")
    );
    let config = Config::load(&write_config(dir.path(), &sources)).unwrap();
    let report = app::run(&config, &only("cqgov"), now()).await.unwrap();
    assert_eq!(report.sources[0].new, 1, "{report:?}");
    let path = report.published.unwrap().path;
    let xml = std::fs::read_to_string(&path).unwrap();
    assert!(xml.contains(">重庆日报</source>"), "{xml}");
    let atom = std::fs::read_to_string(path.with_file_name("atom.xml")).unwrap();
    assert!(atom.contains("<source><title>重庆日报</title>"), "{atom}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path.with_file_name("feed.json")).unwrap()).unwrap();
    assert_eq!(json["items"][0]["_beatwire"]["outlet"]["name"], "重庆日报");
    // The site that carried it stays in the story's provenance.
    let store = Store::open(config.beat.store.sled_path().unwrap()).unwrap();
    let stored = &store.latest(1).unwrap()[0];
    assert_eq!(stored.outlet.name, "重庆市人民政府");
    assert_eq!(stored.origin.as_deref(), Some("重庆日报"));
}
