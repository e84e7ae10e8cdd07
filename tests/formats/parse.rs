//! `beatwire parse --json` on broken feed documents the project wrote (`fixtures/parse/`): each
//! is read by the lenient fallback, says so, and keeps the right title, link and date per item.

use crate::common;

use common::{beatwire, fixture};
use serde_json::Value;

/// Parses one fixture with the built binary and returns its JSON line.
fn parse(name: &str) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(name), fixture(&format!("parse/{name}"))).expect("write");
    let out = beatwire(&["parse", "--json", name], dir.path());
    let line = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(out.status.code(), Some(0), "{line}");
    serde_json::from_str(line.trim()).expect("one JSON line")
}

/// The (title, link, published) of every item.
fn items(doc: &Value) -> Vec<(String, String, String)> {
    doc["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            let field = |k: &str| item[k].as_str().unwrap_or("").to_owned();
            (field("title"), field("link"), field("published"))
        })
        .collect()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

fn warned(doc: &Value, what: &str) -> bool {
    doc["lenient"] == Value::Bool(true)
        && doc["warnings"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w.as_str().unwrap_or("").contains(what)))
}

// See: issue 8 (a server warning before the prolog, bare `&` in links, HTML entities).
#[test]
fn bare_amps_entities_and_junk_before_the_prolog_are_repaired() {
    let doc = parse("bare-amp.xml");
    assert_eq!(doc["format"], "rss2");
    assert_eq!(doc["title"], "西南协作 R&D 快讯");
    assert_eq!(
        items(&doc),
        owned(&[
            (
                "川渝 R&D 合作平台揭牌\u{a0}首批项目签约",
                "http://news.example.cn/show.php?id=101&cat=7",
                "2019-03-05T09:30:00+08:00"
            ),
            (
                "滇黔交通&物流协作会议召开",
                "http://news.example.cn/show.php?id=102&cat=7",
                "2019-03-04T16:00:00+08:00"
            ),
        ])
    );
    assert_eq!(
        doc["items"][0]["summary"],
        "成渝两地科研机构\u{2014}高校共建实验室\u{2026}"
    );
    assert!(warned(&doc, "before the root"), "{doc}");
    assert!(warned(&doc, "bare '&'"), "{doc}");
    assert!(warned(&doc, "HTML entities"), "{doc}");
}

// See: issue 8 (GBK without any declaration, and a bare `&`).
#[test]
fn an_undeclared_gbk_feed_with_a_bare_amp_is_decoded_and_repaired() {
    let doc = parse("gbk-undeclared.xml");
    assert_eq!(doc["encoding"], "GBK");
    assert_eq!(doc["title"], "贵州经济协作");
    assert_eq!(
        items(&doc),
        owned(&[
            (
                "黔中城市群与成渝地区对接会在贵阳举行",
                "http://gz.example.cn/a/2019/0412/1.html",
                "2019-04-12T10:20:00+08:00"
            ),
            (
                "渝黔高铁沿线产业协作&合作项目推进",
                "http://gz.example.cn/a/2019/0411/2.html",
                "2019-04-11T08:00:00+08:00"
            ),
        ])
    );
    assert!(warned(&doc, "bare '&'"), "{doc}");
}

// See: issue 8 (HTML left unescaped in a description, and no closing `</rss>`).
#[test]
fn unclosed_tags_are_closed() {
    let doc = parse("unclosed.xml");
    assert_eq!(
        items(&doc),
        owned(&[
            (
                "中老铁路沿线开发合作签约",
                "http://yn.example.cn/news/3001.htm",
                "2019-05-06T16:00:00+08:00"
            ),
            (
                "滇中新区招商推介会举行",
                "http://yn.example.cn/news/3002.htm",
                "2019-05-05T10:00:00+08:00"
            ),
        ])
    );
    assert!(warned(&doc, "unclosed elements"), "{doc}");
}

// See: issue 8 (a download cut off in the middle of an item).
#[test]
fn a_truncated_feed_keeps_only_its_complete_items() {
    let doc = parse("truncated.xml");
    assert_eq!(
        items(&doc),
        owned(&[
            (
                "重庆经济协作区第二十次市长联席会召开",
                "http://cq.example.cn/jjxz/2018-12/24/36551.htm",
                "2018-12-24T11:06:36+08:00"
            ),
            (
                "川渝毗邻地区合作共建功能平台",
                "http://cq.example.cn/jjxz/2018-12/23/36540.htm",
                "2018-12-23T09:00:00+08:00"
            ),
        ])
    );
    assert!(warned(&doc, "incomplete items"), "{doc}");
}

// See: issue 8 (feed-rs refuses a base64 summary; the tolerant scan reads the entries).
#[test]
fn entries_feed_rs_refuses_are_read_by_the_tolerant_scan() {
    let doc = parse("atom-base64.xml");
    assert_eq!(doc["format"], "atom");
    assert_eq!(doc["title"], "四川经济合作");
    assert_eq!(doc["link"], "http://sc.example.cn/");
    assert_eq!(
        items(&doc),
        owned(&[
            (
                "川黔合作产业园区签约落地",
                "http://sc.example.cn/2019/06/02/88.html",
                "2019-06-02T10:00:00+08:00"
            ),
            (
                "泛珠三角区域合作行政首长联席会议举行",
                "http://sc.example.cn/2019/06/01/87.html",
                "2019-06-01T09:00:00+08:00"
            ),
        ])
    );
    let first = &doc["items"][0];
    assert_eq!(first["id"], "urn:sc:88");
    assert_eq!(first["author"][0], "王五");
    assert_eq!(first["summary"], Value::Null, "base64 is not read as text");
    assert_eq!(
        doc["items"][1]["summary"],
        "会议在成都举行\u{2014}九省区代表出席"
    );
    assert!(warned(&doc, "tolerant scan"), "{doc}");
}

#[test]
fn a_well_formed_feed_is_read_strictly() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("rss.xml"), fixture("sites/scjjrb/rss.xml")).expect("write");
    let out = beatwire(&["parse", "--json", "rss.xml"], dir.path());
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc.get("lenient"), None);
    assert_eq!(doc.get("warnings"), None);
}
