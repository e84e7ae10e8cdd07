//! Stories → Atom 1.0 text (RFC 4287), the twin of `feed.xml`.
//!
//! Deterministic like the RSS feed: the feed's `updated` is the newest story's time, never the
//! clock, and stories are listed in the same order. This file must not write files.

use atom_syndication::{
    Category, Content, Entry, Feed, Generator, Link, Person, Source, Text, TextType, WriteConfig,
};
use chrono::{DateTime, FixedOffset, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{ATOM_FILE, Channel, content_with_footer, in_feed_order, xml_text};
use crate::model::Item;

/// The prefix of every entry's `id`: Atom ids must be IRIs, and a story's guid is a plain string.
const ENTRY_ID_PREFIX: &str = "urn:beatwire:";

/// Characters kept as they are in an entry id; everything else is percent-encoded.
const ID_KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');

/// Renders `items` as an Atom 1.0 document (UTF-8, with an XML declaration).
///
/// The feed's `updated` is the newest story's `updated` (or `published`); without stories it is
/// the Unix epoch, the one date that does not depend on the clock. The feed names the beat as its
/// author, so entries without people of their own still have one (RFC 4287 §4.1.1).
pub fn to_atom(channel: &Channel, items: &[Item]) -> String {
    let zone = channel.timezone;
    let at = |instant: DateTime<Utc>| -> DateTime<FixedOffset> {
        instant.with_timezone(&zone).fixed_offset()
    };
    let ordered = in_feed_order(items);
    let updated = ordered
        .iter()
        .map(|item| changed(item))
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);

    let self_url = channel.url_of(ATOM_FILE);
    let mut links = vec![Link {
        href: xml_text(&channel.link).into_owned(),
        rel: "alternate".to_owned(),
        mime_type: Some("text/html".to_owned()),
        ..Link::default()
    }];
    if let Some(href) = &self_url {
        links.push(Link {
            href: xml_text(href).into_owned(),
            rel: "self".to_owned(),
            mime_type: Some("application/atom+xml".to_owned()),
            ..Link::default()
        });
    }

    let feed = Feed {
        title: Text::plain(xml_text(&channel.title)),
        id: self_url.unwrap_or_else(|| channel.link.clone()),
        updated: at(updated),
        authors: vec![Person {
            name: xml_text(&channel.title).into_owned(),
            uri: Some(xml_text(&channel.link).into_owned()),
            ..Person::default()
        }],
        generator: Some(Generator {
            value: "beatwire".to_owned(),
            uri: None,
            version: None,
        }),
        links,
        subtitle: (!channel.description.trim().is_empty())
            .then(|| Text::plain(xml_text(&channel.description))),
        lang: (!channel.language.is_empty()).then(|| channel.language.clone()),
        entries: ordered
            .iter()
            .map(|item| {
                to_entry(
                    item,
                    &channel.link,
                    &channel.language,
                    at(changed(item)),
                    at(item.published),
                )
            })
            .collect(),
        ..Feed::default()
    };
    match feed.write_with_config(Vec::new(), WriteConfig::default()) {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_default(),
        // An empty document is how `publish` learns that the writer failed.
        Err(_) => String::new(),
    }
}

/// When a story last changed: its update time, or its publication.
fn changed(item: &Item) -> DateTime<Utc> {
    item.updated.unwrap_or(item.published).max(item.published)
}

/// The Atom id of a story: its public guid as a URN.
pub fn entry_id(guid: &str) -> String {
    format!("{ENTRY_ID_PREFIX}{}", utf8_percent_encode(guid, ID_KEEP))
}

fn to_entry(
    item: &Item,
    channel_link: &str,
    language: &str,
    updated: DateTime<FixedOffset>,
    published: DateTime<FixedOffset>,
) -> Entry {
    let summary = xml_text(&item.summary);
    let body = content_with_footer(item, language);
    let content = xml_text(&body);
    Entry {
        title: Text::plain(xml_text(&item.title)),
        id: entry_id(&item.id),
        updated,
        published: Some(published),
        authors: item
            .authors
            .iter()
            .map(|name| Person {
                name: xml_text(name).into_owned(),
                ..Person::default()
            })
            .collect(),
        categories: item
            .categories
            .iter()
            .map(|name| Category {
                term: xml_text(name).into_owned(),
                scheme: None,
                label: None,
            })
            .collect(),
        // A story with no page of its own links nowhere, unless it has no content either: an
        // entry without content needs an alternate link (RFC 4287 §4.1.1), its source's site.
        links: if item.linkless && !content.trim().is_empty() {
            Vec::new()
        } else {
            vec![Link {
                href: xml_text(&item.link).into_owned(),
                rel: "alternate".to_owned(),
                mime_type: Some("text/html".to_owned()),
                ..Link::default()
            }]
        },
        summary: (!summary.trim().is_empty()).then(|| Text {
            value: summary.into_owned(),
            r#type: TextType::Text,
            ..Text::default()
        }),
        content: (!content.trim().is_empty()).then(|| Content {
            value: Some(content.into_owned()),
            content_type: Some("html".to_owned()),
            ..Content::default()
        }),
        source: outlet_source(item, channel_link, updated),
        ..Entry::default()
    }
}

/// The outlet as the entry's `<source>`: its name, and its address (else the channel's) as id.
fn outlet_source(
    item: &Item,
    channel_link: &str,
    updated: DateTime<FixedOffset>,
) -> Option<Source> {
    let (name, url) = item.published_outlet();
    (!name.trim().is_empty()).then(|| Source {
        title: Text::plain(xml_text(name)),
        id: xml_text(url.unwrap_or(channel_link)).into_owned(),
        updated,
        links: url
            .map(|url| Link {
                href: xml_text(url).into_owned(),
                rel: "alternate".to_owned(),
                ..Link::default()
            })
            .into_iter()
            .collect(),
        ..Source::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::tests::{channel, items, utc};

    #[test]
    fn reads_back_with_atom_syndication_and_feed_rs() {
        let xml = to_atom(&channel(), &items());
        assert!(xml.starts_with("<?xml version=\"1.0\"?>"), "{xml}");
        let feed = Feed::read_from(xml.as_bytes()).expect("atom_syndication reads it");
        assert_eq!(feed.title.value, "西南经济协作");
        assert_eq!(feed.id, "https://example.org/beat/atom.xml");
        assert_eq!(feed.lang.as_deref(), Some("zh-cn"));
        // The newest change is the first story's update at 13:00 China time.
        assert_eq!(feed.updated.to_rfc3339(), "2018-12-24T13:00:00+08:00");
        let rels: Vec<(&str, &str)> = feed
            .links
            .iter()
            .map(|l| (l.rel.as_str(), l.href.as_str()))
            .collect();
        assert_eq!(
            rels,
            [
                ("alternate", "https://example.org/beat/"),
                ("self", "https://example.org/beat/atom.xml")
            ]
        );
        assert_eq!(feed.authors[0].name, "西南经济协作");

        let first = &feed.entries[0];
        assert_eq!(first.id, "urn:beatwire:scjjrb-20181224-0001");
        assert_eq!(first.title.value, "川渝两地签署经济协作框架协议");
        assert_eq!(
            first.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2018-12-24T11:06:36+08:00")
        );
        assert_eq!(first.updated.to_rfc3339(), "2018-12-24T13:00:00+08:00");
        assert_eq!(first.authors[0].name, "陈家明");
        let terms: Vec<&str> = first.categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(terms, ["今日西南", "交通"]);
        let content = first.content.as_ref().expect("content");
        assert_eq!(content.content_type.as_deref(), Some("html"));
        assert!(
            content
                .value
                .as_deref()
                .expect("body")
                .starts_with("<p>四川经济日报讯")
        );
        assert_eq!(first.links[0].rel, "alternate");

        let parsed = feed_rs::parser::parse(xml.as_bytes()).expect("feed-rs reads it");
        assert_eq!(parsed.entries.len(), 3);
        assert_eq!(
            parsed.entries[2].published,
            Some(utc(2018, 12, 23, 16, 30, 0))
        );
        assert!(parsed.entries[1].content.is_some());
    }

    #[test]
    fn markup_is_escaped_and_ids_are_iris() {
        let mut item = items().remove(2);
        item.id = "cq rb/0417?x".to_owned();
        item.title = "<b>川&渝</b> ]]>".to_owned();
        item.content_html = "<p>a ]]> b</p>".to_owned();
        let xml = to_atom(&channel(), std::slice::from_ref(&item));
        let feed = Feed::read_from(xml.as_bytes()).expect("reads");
        let entry = &feed.entries[0];
        assert_eq!(entry.id, "urn:beatwire:cq%20rb%2F0417%3Fx");
        assert_eq!(entry.title.value, "<b>川&渝</b> ]]>");
        assert_eq!(
            entry.content.as_ref().and_then(|c| c.value.as_deref()),
            Some("<p>a ]]> b</p>")
        );
    }

    #[test]
    fn same_stories_same_bytes_and_an_empty_feed_is_dated_at_the_epoch() {
        let mut reversed = items();
        reversed.reverse();
        assert_eq!(
            to_atom(&channel(), &items()),
            to_atom(&channel(), &reversed)
        );
        let bare = Channel {
            feed_url: None,
            ..channel()
        };
        let xml = to_atom(&bare, &[]);
        let feed = Feed::read_from(xml.as_bytes()).expect("reads");
        assert_eq!(feed.updated.timestamp(), 0);
        assert_eq!(feed.id, "https://example.org/beat/");
        assert!(feed.entries.is_empty());
        assert!(feed.links.iter().all(|l| l.rel != "self"));
    }
}
