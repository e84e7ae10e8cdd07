//! One [`RawItem`] → one [`Item`] ready for identity and the store: absolute clean link, plain
//! title, sanitized body with absolute URLs, plain summary, a date that is a real instant (the
//! document's, else the day the link names at 00:00 in the source's zone, else the time the
//! story is first seen; [`Dated`] says which).
//!
//! A story whose item gives no usable link (none, or one that is no web address) is kept, as
//! feed readers keep it: it is marked [`Item::linkless`] and takes the site its source names as
//! its link (identity then goes by its guid or its content, see `dedup`).
//!
//! Must not: decide identity (the `id` stays empty; `dedup` and `app` fill it) or filter.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use url::Url;

use super::{
    clean_link, clean_text, content_hash, date_in_url, html_to_text, resolve, sanitize, summarize,
};
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
    /// The site the document names as its own (a feed's channel link), as written: the link of
    /// a story that has none. `None`: the document's URL stands for it.
    pub site: Option<&'a str>,
    /// The zone of the source (else the beat's): a day in a link starts at 00:00 there.
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

/// Where a story's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dated {
    /// The feed, the list page or the story's page gave it.
    Written,
    /// The day its link names (`/2018/12/26/`, `t20181226_`), at 00:00 in the source's zone.
    Url,
    /// It had none: the time it was first seen.
    FirstSeen,
}

/// Why a story could not become an item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    #[error("no title and no text")]
    Empty,
}

/// A normalised story and the parts identity needs.
#[derive(Debug, Clone)]
pub struct Normalised {
    pub item: Item,
    /// The story's link as an absolute URL (before canonicalisation); for a linkless story, the
    /// site's.
    pub url: Url,
    /// The visible text of its body ([`html_to_text`] of `item.content_html`).
    pub text: String,
    /// The document's guid for it, if any.
    pub guid: Option<String>,
    /// Where `item.published` came from.
    pub dated: Dated,
}

pub fn normalise_item(raw: &RawItem, ctx: &ItemContext<'_>) -> Result<Normalised, SkipReason> {
    let own = raw
        .link
        .as_deref()
        .and_then(|href| resolve(ctx.base, href))
        // RSS guids are permalinks unless marked otherwise; use one when there is no link.
        .or_else(|| {
            raw.guid
                .as_deref()
                .filter(|g| g.starts_with("http://") || g.starts_with("https://"))
                .and_then(|g| resolve(ctx.base, g))
        });
    let linkless = own.is_none();
    let url = clean_link(
        &own.or_else(|| ctx.site.and_then(|site| resolve(ctx.base, site)))
            .unwrap_or_else(|| ctx.base.clone()),
    );
    // Relative URLs in the body resolve against the story's page, or the document it came in.
    let body_base = if linkless { ctx.base } else { &url };

    let body_html = raw
        .content
        .as_deref()
        .or(raw.summary.as_deref())
        .unwrap_or("");
    // White space around the body means nothing in HTML, and feed readers (beatwire's own
    // parser included) trim it: kept, the story would read back as a changed one.
    let content_html = sanitize(body_html, body_base).trim().to_owned();
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
    // The site's link names no day of the story's.
    let (published, dated) = published(raw, (!linkless).then_some(&url), ctx);
    let link = url.to_string();
    let item = Item {
        id: String::new(),
        source: ctx.source.to_owned(),
        content_hash: content_hash(&[&title, &link, &content_html]),
        title,
        link,
        summary,
        content_html,
        published,
        updated: raw.updated.filter(|u| Some(*u) != raw.published),
        authors,
        categories: Vec::new(),
        outlet: ctx.outlet.clone(),
        first_seen: ctx.now,
        origin: None,
        provenance: Vec::new(),
        linkless,
    };
    Ok(Normalised {
        item,
        url,
        text: body_text,
        guid: raw.guid.clone(),
        dated,
    })
}

/// The story's date: the document's, else the day its own link names (unless that day is still
/// to come: a link is no clock), else now.
fn published(raw: &RawItem, link: Option<&Url>, ctx: &ItemContext<'_>) -> (DateTime<Utc>, Dated) {
    if let Some(written) = raw.published.or(raw.updated) {
        return (written, Dated::Written);
    }
    match link.and_then(|url| date_in_url(url, ctx.tz)) {
        Some(day) if day <= ctx.now => (day, Dated::Url),
        _ => (ctx.now, Dated::FirstSeen),
    }
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
            site: None,
            tz: chrono_tz::Asia::Shanghai,
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
            (n.item.published, n.dated),
            (
                Utc.with_ymd_and_hms(2018, 12, 23, 16, 0, 0).unwrap(),
                Dated::Url
            ),
            "no date: the day in the link, 00:00 in China"
        );
    }

    /// A story with only a link, and the feed's date when given.
    fn dated(link: &str, tz: Tz, published: Option<DateTime<Utc>>) -> (DateTime<Utc>, Dated) {
        let outlet = Outlet::default();
        let base = Url::parse("http://www.scjjrb.com/rss.xml").unwrap();
        let raw = RawItem {
            link: Some(link.into()),
            title: Some("川渝合作".into()),
            published,
            ..Default::default()
        };
        let n = normalise_item(
            &raw,
            &ItemContext {
                tz,
                ..ctx(&outlet, &base)
            },
        )
        .unwrap();
        (n.item.published, n.dated)
    }

    #[test]
    fn an_undated_story_takes_the_day_its_link_names_in_the_source_s_zone() {
        // 2018-12-26 00:00 in China is 16:00 UTC the day before.
        let day = Utc.with_ymd_and_hms(2018, 12, 25, 16, 0, 0).unwrap();
        for link in [
            "/jjxz/2018/12/26/content_1.htm",
            "http://www.sc.gov.cn/zwgk/t20181226_1187.html",
            "http://www.gov.cn/xinwen/201812/26/content_5352.htm",
        ] {
            assert_eq!(
                dated(link, chrono_tz::Asia::Shanghai, None),
                (day, Dated::Url),
                "{link}"
            );
        }
        // The same link in a source of another zone: 00:00 there.
        assert_eq!(
            dated("/2018/12/26/a.htm", chrono_tz::America::New_York, None),
            (
                Utc.with_ymd_and_hms(2018, 12, 26, 5, 0, 0).unwrap(),
                Dated::Url
            )
        );
    }

    #[test]
    fn a_written_date_wins_and_a_link_without_a_day_keeps_the_time_first_seen() {
        let now = Utc.with_ymd_and_hms(2019, 1, 1, 0, 0, 0).unwrap();
        let written = Utc.with_ymd_and_hms(2018, 12, 26, 3, 6, 36).unwrap();
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(
            dated("/2018/12/20/a.htm", tz, Some(written)),
            (written, Dated::Written)
        );
        assert_eq!(
            dated("/jjxz/content_36551.htm", tz, None),
            (now, Dated::FirstSeen)
        );
        // A day still to come (in the source's zone) is no publication date.
        assert_eq!(
            dated("/2019/01/02/a.htm", tz, None),
            (now, Dated::FirstSeen)
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
    fn a_story_without_a_link_takes_the_site_and_permalink_guids_are_used() {
        let outlet = Outlet::default();
        let base = Url::parse("http://example.com/rss/feed.xml").unwrap();
        let raw = RawItem {
            title: Some("标题".into()),
            link: Some("javascript:void(0)".into()),
            content: Some("<img src=\"pic/1.jpg\">正文".into()),
            ..Default::default()
        };
        let n = normalise_item(&raw, &ctx(&outlet, &base)).unwrap();
        assert!(n.item.linkless);
        assert_eq!(n.item.link, "http://example.com/rss/feed.xml");
        assert_eq!(n.dated, Dated::FirstSeen);
        assert!(
            n.item
                .content_html
                .contains("http://example.com/rss/pic/1.jpg"),
            "the body resolves against the document: {}",
            n.item.content_html
        );
        let site = ItemContext {
            site: Some("/"),
            ..ctx(&outlet, &base)
        };
        assert_eq!(
            normalise_item(&raw, &site).unwrap().item.link,
            "http://example.com/"
        );
        let dated_site = ItemContext {
            site: Some("/2018/12/26/index.html"),
            ..ctx(&outlet, &base)
        };
        assert_eq!(
            normalise_item(&raw, &dated_site).unwrap().dated,
            Dated::FirstSeen,
            "the day in the site's link is not the story's"
        );
        let raw = RawItem {
            guid: Some("http://example.com/a/2.htm".into()),
            link: None,
            ..raw
        };
        let n = normalise_item(&raw, &ctx(&outlet, &base)).unwrap();
        assert_eq!(n.item.link, "http://example.com/a/2.htm");
        assert!(!n.item.linkless);
        let empty = RawItem {
            link: Some("http://example.com/a/3.htm".into()),
            ..Default::default()
        };
        assert_eq!(
            normalise_item(&empty, &ctx(&outlet, &base)).unwrap_err(),
            SkipReason::Empty
        );
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
