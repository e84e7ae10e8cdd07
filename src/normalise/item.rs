//! One [`RawItem`] → one [`Item`] ready for identity and the store: absolute clean link, plain
//! title, sanitized body with absolute URLs, plain summary, a date that is a real instant.
//!
//! Must not: decide identity (the `id` stays empty; `dedup` and `app` fill it) or filter.

use chrono::{DateTime, Utc};
use url::Url;

use super::{clean_link, clean_text, content_hash, html_to_text, resolve, sanitize, summarize};
use crate::model::{Item, Outlet, RawItem};

/// Characters kept in an item's plain-text `description`.
pub const SUMMARY_CHARS: usize = 200;
/// Characters of the body used as a title when a story has none.
pub const UNTITLED_CHARS: usize = 40;

/// What normalising a story needs besides the story.
#[derive(Debug, Clone)]
pub struct ItemContext<'a> {
    pub source: &'a str,
    pub outlet: &'a Outlet,
    /// The URL the document came from, after redirects.
    pub base: &'a Url,
    pub now: DateTime<Utc>,
}

/// Why a story could not become an item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    #[error("no usable link")]
    NoLink,
    #[error("no title and no text")]
    Empty,
}

/// A normalised story and the parts identity needs.
#[derive(Debug, Clone)]
pub struct Normalised {
    pub item: Item,
    /// The story's link as an absolute URL (before canonicalisation).
    pub url: Url,
    /// The visible text of its body ([`html_to_text`] of `item.content_html`).
    pub text: String,
    /// The document's guid for it, if any.
    pub guid: Option<String>,
}

pub fn normalise_item(raw: &RawItem, ctx: &ItemContext<'_>) -> Result<Normalised, SkipReason> {
    let url = raw
        .link
        .as_deref()
        .and_then(|href| resolve(ctx.base, href))
        // RSS guids are permalinks unless marked otherwise; use one when there is no link.
        .or_else(|| {
            raw.guid
                .as_deref()
                .filter(|g| g.starts_with("http://") || g.starts_with("https://"))
                .and_then(|g| resolve(ctx.base, g))
        })
        .map(|u| clean_link(&u))
        .ok_or(SkipReason::NoLink)?;

    let body_html = raw
        .content
        .as_deref()
        .or(raw.summary.as_deref())
        .unwrap_or("");
    // White space around the body means nothing in HTML, and feed readers (beatwire's own
    // parser included) trim it: kept, the story would read back as a changed one.
    let content_html = sanitize(body_html, &url).trim().to_owned();
    let body_text = html_to_text(&content_html);
    // A blank summary is none: the body speaks for the story (as feed readers do).
    let summary_source = raw
        .summary
        .as_deref()
        .map(html_to_text)
        .filter(|summary| !summary.trim().is_empty())
        .unwrap_or_else(|| body_text.clone());
    let summary = summarize(&summary_source, SUMMARY_CHARS);
    let title = raw
        .title
        .as_deref()
        .map(|t| clean_text(&html_to_text(t)))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| summarize(&body_text, UNTITLED_CHARS));
    if title.is_empty() && body_text.is_empty() {
        return Err(SkipReason::Empty);
    }
    let mut authors: Vec<String> = Vec::new();
    for author in &raw.authors {
        let author = clean_text(author);
        if !author.is_empty() && !authors.contains(&author) {
            authors.push(author);
        }
    }
    let link = url.to_string();
    let item = Item {
        id: String::new(),
        source: ctx.source.to_owned(),
        content_hash: content_hash(&[&title, &link, &content_html]),
        title,
        link,
        summary,
        content_html,
        published: raw.published.or(raw.updated).unwrap_or(ctx.now),
        updated: raw.updated.filter(|u| Some(*u) != raw.published),
        authors,
        categories: Vec::new(),
        outlet: ctx.outlet.clone(),
        first_seen: ctx.now,
        origin: None,
        provenance: Vec::new(),
    };
    Ok(Normalised {
        item,
        url,
        text: body_text,
        guid: raw.guid.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ctx<'a>(outlet: &'a Outlet, base: &'a Url) -> ItemContext<'a> {
        ItemContext {
            source: "scjjrb",
            outlet,
            base,
            now: Utc.with_ymd_and_hms(2019, 1, 1, 0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn relative_links_and_images_become_absolute_and_scripts_go() {
        let outlet = Outlet {
            name: "四川经济日报".into(),
            url: Some("http://example.com/".into()),
        };
        let base = Url::parse("http://example.com/rss/index.xml").unwrap();
        let raw = RawItem {
            link: Some("../jjxz/2018-12/24/content_1.htm?utm_source=rss#top".into()),
            title: Some("重庆经济协作区<b>第二十次</b>市长联席会在自贡召开".into()),
            content: Some(
                "<p onclick=\"x()\">川渝合作</p><script>alert(1)</script><img src=\"/pic/1.jpg\">"
                    .into(),
            ),
            authors: vec![" 陈家明 ".into(), "陈家明".into()],
            ..Default::default()
        };
        let n = normalise_item(&raw, &ctx(&outlet, &base)).unwrap();
        assert_eq!(
            n.item.link,
            "http://example.com/jjxz/2018-12/24/content_1.htm"
        );
        assert_eq!(n.item.title, "重庆经济协作区第二十次市长联席会在自贡召开");
        assert!(!n.item.content_html.contains("script"));
        assert!(!n.item.content_html.contains("onclick"));
        assert!(n.item.content_html.contains("http://example.com/pic/1.jpg"));
        assert_eq!(n.item.authors, vec!["陈家明"]);
        assert_eq!(n.item.summary, "川渝合作");
        assert_eq!(
            n.item.published,
            ctx(&outlet, &base).now,
            "no date: first seen"
        );
    }

    // See: a story whose body ended in a space was published with it, read back from the feed
    // without it, and so never published the same bytes twice (tests/formats/properties.rs).
    #[test]
    fn body_with_white_space_around_it_is_stored_trimmed() {
        let outlet = Outlet::default();
        let base = Url::parse("http://example.com/").unwrap();
        let raw = RawItem {
            link: Some("/a/1.htm".into()),
            summary: Some("新 ".into()),
            content: Some("\n <p>川渝合作</p>\n".into()),
            ..Default::default()
        };
        let n = normalise_item(&raw, &ctx(&outlet, &base)).unwrap();
        assert_eq!(n.item.content_html, "<p>川渝合作</p>");
        let raw = RawItem {
            content: None,
            ..raw
        };
        let n = normalise_item(&raw, &ctx(&outlet, &base)).unwrap();
        assert_eq!(n.item.content_html, "新");
    }

    #[test]
    fn no_link_is_skipped_and_permalink_guids_are_used() {
        let outlet = Outlet::default();
        let base = Url::parse("http://example.com/").unwrap();
        let raw = RawItem {
            title: Some("标题".into()),
            ..Default::default()
        };
        assert_eq!(
            normalise_item(&raw, &ctx(&outlet, &base)).unwrap_err(),
            SkipReason::NoLink
        );
        let raw = RawItem {
            guid: Some("http://example.com/a/2.htm".into()),
            ..raw
        };
        let n = normalise_item(&raw, &ctx(&outlet, &base)).unwrap();
        assert_eq!(n.item.link, "http://example.com/a/2.htm");
    }

    #[test]
    fn a_blank_summary_gives_way_to_the_body() {
        let outlet = Outlet {
            name: "四川经济日报".into(),
            url: None,
        };
        let base = Url::parse("http://example.com/rss.xml").unwrap();
        let raw = RawItem {
            link: Some("/a/3.htm".into()),
            title: Some("召开".into()),
            summary: Some(" <p> </p> ".into()),
            content: Some("<p>川渝合作</p>".into()),
            ..Default::default()
        };
        let n = normalise_item(&raw, &ctx(&outlet, &base)).unwrap();
        assert_eq!(n.item.summary, "川渝合作");
    }
}
