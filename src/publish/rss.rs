//! Stories → RSS 2.0 text with the content, Dublin Core and Atom namespaces.
//!
//! Deterministic: the output depends only on the channel and the set of stories (sorted here),
//! never on the clock or the input order, so whole files can be compared and ETags stay put.
//! This file must not write files; `publish` does.

use std::collections::BTreeMap;

use ::rss::extension::atom::{AtomExtension, Link};
use ::rss::extension::dublincore::DublinCoreExtensionBuilder;
use ::rss::{Category, ChannelBuilder, Guid, ItemBuilder, Source};
use chrono::{DateTime, Utc};

use super::{Channel, content_with_footer, in_feed_order, newest, xml_text};
use crate::model::Item;

const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const GENERATOR: &str = "beatwire";

/// Renders `items` as an RSS 2.0 document (UTF-8, with an XML declaration).
///
/// Stories are listed by (published desc, id asc); the channel's `pubDate` and `lastBuildDate`
/// are the newest story's time, and absent when there are no stories.
pub fn to_rss(channel: &Channel, items: &[Item]) -> String {
    let ordered = in_feed_order(items);
    let newest = newest(items).map(|instant| rfc2822(instant, channel.timezone));

    // Declared always, even when no story uses them, so the root element never changes shape.
    // The writer orders declarations by prefix (a BTreeMap), so the bytes are stable.
    let namespaces: BTreeMap<String, String> =
        [("atom", ATOM_NS), ("content", CONTENT_NS), ("dc", DC_NS)]
            .into_iter()
            .map(|(prefix, uri)| (prefix.to_owned(), uri.to_owned()))
            .collect();

    let self_link = channel.feed_url.as_ref().map(|href| AtomExtension {
        links: vec![Link {
            href: xml_text(href).into_owned(),
            rel: "self".to_owned(),
            mime_type: Some("application/rss+xml".to_owned()),
            ..Link::default()
        }],
    });

    let rss_items: Vec<::rss::Item> = ordered
        .iter()
        .map(|item| to_rss_item(channel, item))
        .collect();

    ChannelBuilder::default()
        .title(xml_text(&channel.title).into_owned())
        .link(xml_text(&channel.link).into_owned())
        .description(xml_text(&channel.description).into_owned())
        .language(non_empty(&channel.language))
        .pub_date(newest.clone())
        .last_build_date(newest)
        .generator(GENERATOR.to_owned())
        .ttl(channel.ttl_minutes.map(|minutes| minutes.to_string()))
        .atom_ext(self_link)
        .namespaces(namespaces)
        .items(rss_items)
        .build()
        // The crate's Display writes into memory; it yields "" only if the writer failed,
        // which `publish` reports.
        .to_string()
}

fn to_rss_item(channel: &Channel, item: &Item) -> ::rss::Item {
    let (outlet, url) = item.published_outlet();
    let source = non_empty(outlet).map(|name| Source {
        url: xml_text(url.unwrap_or(&channel.link)).into_owned(),
        title: Some(name),
    });
    let creators: Vec<String> = item
        .authors
        .iter()
        .map(|author| xml_text(author).into_owned())
        .collect();
    let dublin_core = (!creators.is_empty()).then(|| {
        DublinCoreExtensionBuilder::default()
            .creators(creators)
            .build()
    });
    let categories: Vec<Category> = item
        .categories
        .iter()
        .map(|name| Category {
            name: xml_text(name).into_owned(),
            domain: None,
        })
        .collect();

    ItemBuilder::default()
        .title(xml_text(&item.title).into_owned())
        // A story with no page of its own has no link: its guid (never a permalink) names it.
        .link((!item.linkless).then(|| xml_text(&item.link).into_owned()))
        .description(non_empty(&item.summary))
        .content(non_empty(&content_with_footer(item, &channel.language)))
        .guid(Guid {
            value: xml_text(&item.id).into_owned(),
            permalink: false,
        })
        .pub_date(rfc2822(item.published, channel.timezone))
        .categories(categories)
        .source(source)
        .dublin_core_ext(dublin_core)
        .build()
}

/// RFC 2822 in `zone` with its real offset: `Mon, 24 Dec 2018 11:06:36 +0800`.
fn rfc2822(instant: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    instant.with_timezone(&zone).to_rfc2822()
}

/// `text` cleaned for XML, or `None` when nothing is left to say.
fn non_empty(text: &str) -> Option<String> {
    let text = xml_text(text);
    (!text.trim().is_empty()).then(|| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Outlet;
    use crate::publish::tests::{channel, items, utc};

    fn parse(xml: &str) -> feed_rs::model::Feed {
        feed_rs::parser::parse(xml.as_bytes()).expect("the feed parses back")
    }

    #[test]
    fn matches_the_reviewed_file() {
        let expected = include_str!("../../fixtures/publish/feed.xml");
        assert_eq!(to_rss(&channel(), &items()), expected);
    }

    #[test]
    fn parses_back_with_every_field() {
        let xml = to_rss(&channel(), &items());
        let feed = parse(&xml);

        assert_eq!(feed.title.expect("title").content, "西南经济协作");
        let links: Vec<&str> = feed.links.iter().map(|link| link.href.as_str()).collect();
        assert_eq!(
            links,
            [
                "https://example.org/beat/",
                "https://example.org/beat/feed.xml"
            ]
        );
        assert_eq!(feed.links[1].rel.as_deref(), Some("self"));
        assert_eq!(feed.language.as_deref(), Some("zh-cn"));
        assert_eq!(feed.ttl, Some(30));
        assert_eq!(feed.generator.expect("generator").content, "beatwire");
        assert_eq!(feed.updated, Some(utc(2018, 12, 24, 3, 6, 36)));
        assert_eq!(feed.published, Some(utc(2018, 12, 24, 3, 6, 36)));

        let ids: Vec<&str> = feed.entries.iter().map(|entry| entry.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "scjjrb-20181224-0001",
                "scjjrb-20181224-0002",
                "cqrb-20181224-0417"
            ]
        );

        let first = &feed.entries[0];
        assert_eq!(
            first.title.as_ref().expect("title").content,
            "川渝两地签署经济协作框架协议"
        );
        assert_eq!(
            first.links[0].href,
            "https://www.scjjrb.example/jjxz/20181224/0001.html"
        );
        assert_eq!(first.published, Some(utc(2018, 12, 24, 3, 6, 36)));
        let body = first
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .expect("content");
        assert!(body.contains("<p>四川经济日报讯（记者 陈家明）"), "{body}");
        let summary = &first.summary.as_ref().expect("summary").content;
        assert!(summary.starts_with("四川、重庆两地在成都签署"), "{summary}");
        let authors: Vec<&str> = first
            .authors
            .iter()
            .map(|p| p.name.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(authors, ["陈家明"]);
        let categories: Vec<&str> = first.categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(categories, ["今日西南", "交通"]);

        let last = &feed.entries[2];
        assert_eq!(last.published, Some(utc(2018, 12, 23, 16, 30, 0)));
        let authors: Vec<&str> = last
            .authors
            .iter()
            .map(|p| p.name.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(authors, ["王晓", "李雪"]);
        assert!(last.categories.is_empty());
    }

    #[test]
    fn dates_carry_the_channel_offset() {
        let xml = to_rss(&channel(), &items());
        assert!(
            xml.contains("<pubDate>Mon, 24 Dec 2018 11:06:36 +0800</pubDate>"),
            "{xml}"
        );
        // 16:30 UTC on the 23rd is already the 24th in China.
        assert!(
            xml.contains("<pubDate>Mon, 24 Dec 2018 00:30:00 +0800</pubDate>"),
            "{xml}"
        );
        assert!(!xml.contains("GMT") && !xml.contains("+0000"), "{xml}");

        let new_york = Channel {
            timezone: chrono_tz::America::New_York,
            ..channel()
        };
        let xml = to_rss(&new_york, &items());
        assert!(
            xml.contains("<pubDate>Sun, 23 Dec 2018 22:06:36 -0500</pubDate>"),
            "{xml}"
        );
    }

    #[test]
    fn same_stories_give_the_same_bytes_in_any_order() {
        let items = items();
        let once = to_rss(&channel(), &items);
        assert_eq!(to_rss(&channel(), &items), once);

        let mut reversed = items.clone();
        reversed.reverse();
        assert_eq!(to_rss(&channel(), &reversed), once);
        let mut rotated = items.clone();
        rotated.rotate_left(1);
        assert_eq!(to_rss(&channel(), &rotated), once);
    }

    #[test]
    fn markup_in_text_is_escaped_and_stays_well_formed() {
        let mut item = items().remove(2);
        item.title = "<script>alert(\"川渝\")</script> & R&D ]]> <b>".to_owned();
        item.summary = "增长 <5% & ]]> 下降".to_owned();
        item.content_html = "<p>a ]]> b</p>".to_owned();
        item.authors = vec!["<陈家明>".to_owned()];
        item.categories = vec!["交通 & 物流".to_owned()];
        item.outlet = Outlet {
            name: "川&渝 <日报>".to_owned(),
            url: Some("https://example.com/?a=1&b=2".to_owned()),
        };
        let xml = to_rss(&channel(), std::slice::from_ref(&item));
        assert!(!xml.contains("<script>"), "{xml}");

        let feed = parse(&xml);
        let entry = &feed.entries[0];
        assert_eq!(entry.title.as_ref().expect("title").content, item.title);
        assert_eq!(
            entry.summary.as_ref().expect("summary").content,
            item.summary
        );
        let body = entry.content.as_ref().and_then(|c| c.body.as_deref());
        assert_eq!(body, Some("<p>a ]]> b</p>"));
        assert_eq!(entry.authors[0].name.as_deref(), Some("<陈家明>"));
        assert_eq!(entry.categories[0].term, "交通 & 物流");
        // The rss crate reads it back too, and its validation accepts dates, links and ttl.
        let channel = ::rss::Channel::read_from(xml.as_bytes()).expect("rss reads it");
        ::rss::validation::Validate::validate(&channel).expect("valid RSS");
        let source = channel.items[0].source.as_ref().expect("source");
        assert_eq!(source.url, "https://example.com/?a=1&b=2");
        assert_eq!(source.title.as_deref(), Some("川&渝 <日报>"));
    }

    #[test]
    fn control_characters_are_dropped() {
        let mut item = items().remove(0);
        item.title = "川渝\u{8}合作\u{0}\u{ffff}\t签约".to_owned();
        let feed = parse(&to_rss(&channel(), &[item]));
        assert_eq!(
            feed.entries[0].title.as_ref().expect("title").content,
            "川渝合作\t签约"
        );
    }

    #[test]
    fn source_falls_back_to_the_channel_link() {
        let xml = to_rss(&channel(), &items());
        let rss = ::rss::Channel::read_from(xml.as_bytes()).expect("rss reads it");
        let second = rss.items[1].source.as_ref().expect("source");
        assert_eq!(second.url, "https://example.org/beat/");
        assert_eq!(second.title.as_deref(), Some("四川经济日报"));
        assert_eq!(rss.items[1].guid.as_ref().map(|g| g.permalink), Some(false));
    }

    #[test]
    fn empty_feed_has_no_dates_and_keeps_its_namespaces() {
        let bare = Channel {
            feed_url: None,
            ttl_minutes: None,
            ..channel()
        };
        let xml = to_rss(&bare, &[]);
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
            "{xml}"
        );
        for absent in ["pubDate", "lastBuildDate", "<ttl>", "atom:link", "<item>"] {
            assert!(!xml.contains(absent), "{absent} in {xml}");
        }
        for ns in ["xmlns:atom=", "xmlns:content=", "xmlns:dc="] {
            assert!(xml.contains(ns), "{ns} missing in {xml}");
        }
        let feed = parse(&xml);
        assert!(feed.entries.is_empty());
        assert_eq!(feed.updated, None);
    }
}
