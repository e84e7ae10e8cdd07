//! The rewrites of `legacy`, each on a document the project wrote.

use super::super::tests::{SHANGHAI, now};
use super::super::{FeedFormat, parse_feed};
use super::*;
use chrono::{TimeZone, Utc};

#[test]
fn a_current_document_is_handed_back_untouched() {
    for doc in [
        "<rss version=\"2.0\"><channel><title>t</title></channel></rss>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title></feed>",
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">\
<item rdf:about=\"http://example.com/1\"><title>t</title><link>http://example.com/1</link></item></rdf:RDF>",
        "{\"version\":\"https://jsonfeed.org/version/1.1\"}",
    ] {
        let rewritten = rewrite(doc);
        assert!(matches!(rewritten.text, Cow::Borrowed(_)), "{doc}");
        assert_eq!(rewritten.format, None);
    }
}

#[test]
fn atom_03_elements_and_text_constructs_become_atom_10() {
    let doc = r#"<?xml version="1.0"?><!-- 0.3 --><feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="zh">
<title type="text/html" mode="escaped">成渝 &amp;lt;快讯&amp;gt;</title><tagline>副标题</tagline>
<generator url="http://cms.example.cn/" version="2">CMS</generator>
<entry><title mode="base64" type="text/plain">5bed5rid</title><issued>2004-05-01T08:00:00</issued>
<modified>2004-05-02T00:00:00Z</modified><created>2004-04-30T00:00:00Z</created>
<author><name>张三</name><url>http://example.cn/zs</url></author>
<content type="multipart/alternative"><content type="text/plain">纯文本</content><content type="text/html" mode="escaped">&lt;p&gt;正文&lt;/p&gt;</content></content>
<summary type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml">摘<b>要</b></div></summary>
<copyright mode="base64" type="image/png">iVBORw0KGgo=</copyright><title type="text/html" mode="escaped"/></entry></feed>"#;
    let rewritten = rewrite(doc);
    assert_eq!(rewritten.format, None, "feed-rs says Atom");
    assert_eq!(
        rewritten.text,
        r#"<?xml version="1.0"?><!-- 0.3 --><feed version="0.3" xmlns="http://www.w3.org/2005/Atom" xml:lang="zh">
<title type="html">成渝 &amp;lt;快讯&amp;gt;</title><subtitle type="text">副标题</subtitle>
<generator uri="http://cms.example.cn/" version="2">CMS</generator>
<entry><title type="text">川渝</title><published>2004-05-01T08:00:00</published>
<updated>2004-05-02T00:00:00Z</updated><created>2004-04-30T00:00:00Z</created>
<author><name>张三</name><uri>http://example.cn/zs</uri></author>
<content type="text">纯文本</content><content type="html">&lt;p&gt;正文&lt;/p&gt;</content>
<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">摘<b>要</b></div></summary>
</entry></feed>"#
    );
}

#[test]
fn an_atom_03_feed_reads_its_entries_and_dates() {
    let doc = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>重庆日报</title>
<link rel="alternate" type="text/html" href="http://cq.example.cn/"/>
<entry><title>成渝双城经济圈</title><link rel="alternate" type="text/html" href="http://cq.example.cn/1.html"/>
<id>tag:cq.example.cn,2004:1</id><issued>2004-05-01T08:00:00</issued><modified>2004-05-02T00:00:00Z</modified>
<content type="text/html" mode="escaped">&lt;p&gt;正文&lt;/p&gt;</content></entry></feed>"#;
    let feed = parse_feed(doc, None, SHANGHAI, now()).unwrap();
    assert_eq!(feed.format, FeedFormat::Atom);
    assert!(feed.lenient.is_empty());
    assert_eq!(feed.link.as_deref(), Some("http://cq.example.cn/"));
    let item = &feed.items[0];
    assert_eq!(item.title.as_deref(), Some("成渝双城经济圈"));
    assert_eq!(item.link.as_deref(), Some("http://cq.example.cn/1.html"));
    assert_eq!(item.guid.as_deref(), Some("tag:cq.example.cn,2004:1"));
    assert_eq!(item.content.as_deref(), Some("<p>正文</p>"));
    assert_eq!(
        item.published,
        Some(Utc.with_ymd_and_hms(2004, 5, 1, 0, 0, 0).unwrap()),
        "issued, without a zone: the source's"
    );
    assert_eq!(
        item.updated,
        Some(Utc.with_ymd_and_hms(2004, 5, 2, 0, 0, 0).unwrap())
    );
}

#[test]
fn rss_090_and_rss_10_items_get_their_uri_as_link() {
    let doc = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
<channel><title>云南日报</title><link>http://yn.example.cn/</link></channel>
<item><title>滇中城市群</title><link>http://yn.example.cn/1.html</link></item>
<item rdf:about="http://yn.example.cn/2.html"><title>沿边开放</title></item></rdf:RDF>"#;
    let feed = parse_feed(doc, None, SHANGHAI, now()).unwrap();
    assert_eq!(feed.format, FeedFormat::Rss0);
    assert!(feed.lenient.is_empty(), "{:?}", feed.lenient);
    assert_eq!(feed.title.as_deref(), Some("云南日报"));
    let links: Vec<_> = feed.items.iter().map(|i| i.link.as_deref()).collect();
    assert_eq!(
        links,
        [
            Some("http://yn.example.cn/1.html"),
            Some("http://yn.example.cn/2.html")
        ]
    );
    let prefixed = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/">
<rss:item rdf:about="urn:x:1&amp;2"><rss:title>t</rss:title></rss:item></rdf:RDF>"#;
    let rewritten = rewrite(prefixed);
    assert!(
        rewritten
            .text
            .contains("<rss:link>urn:x:1&amp;2</rss:link></rss:item>"),
        "{}",
        rewritten.text
    );
}

#[test]
fn an_rdf_item_without_any_link_is_read_by_the_scan() {
    let doc = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel><title>t</title></channel><item><title>有链接</title><link>http://example.cn/1</link></item>
<item><title>无链接</title><description>只有标题和摘要</description></item></rdf:RDF>"#;
    let feed = parse_feed(doc, None, SHANGHAI, now()).unwrap();
    assert_eq!(feed.format, FeedFormat::Rss1);
    assert_eq!(feed.items.len(), 2);
    assert_eq!(feed.items[1].title.as_deref(), Some("无链接"));
    assert_eq!(feed.items[1].link, None);
    assert!(
        feed.lenient.iter().any(|w| w.contains("without a link")),
        "{:?}",
        feed.lenient
    );
}

#[test]
fn rss_without_a_known_version_or_in_userland_namespace_reads_as_rss_2() {
    let missing = "<rss><channel><item><title>川渝</title></item></channel></rss>";
    let feed = parse_feed(missing, None, SHANGHAI, now()).unwrap();
    assert_eq!(feed.format, FeedFormat::Rss2);
    assert!(feed.lenient.is_empty());
    assert_eq!(feed.items.len(), 1);
    let draft =
        "<rss version='0.94'><channel><item><description>摘要</description></item></channel></rss>";
    let feed = parse_feed(draft, None, SHANGHAI, now()).unwrap();
    assert_eq!(feed.format, FeedFormat::Rss0);
    assert_eq!(feed.items[0].summary.as_deref(), Some("摘要"));
    let userland = r#"<r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2"><r:channel>
<r:item><r:title>黔</r:title><r:link>http://gz.example.cn/1</r:link></r:item></r:channel></r:rss>"#;
    let feed = parse_feed(userland, None, SHANGHAI, now()).unwrap();
    assert_eq!(
        feed.items[0].link.as_deref(),
        Some("http://gz.example.cn/1")
    );
}
