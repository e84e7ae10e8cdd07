//! Feed documents → [`RawItem`]s: RSS 0.9x / 1.0 / 2.0, Atom and JSON Feed, read by feed-rs.
//!
//! Owns: telling a feed from an HTML page or an empty answer, handing feed-rs UTF-8 text whose XML
//! prolog no longer claims another encoding, and reading every timestamp in the source's zone
//! (a date without a zone, or with `CST`, is China time here, not UTC or US Central).
//!
//! When strict parsing fails, `lenient` repairs the document and reads it again (see there); a
//! feed read that way says so in [`ParsedFeed::lenient`].
//!
//! Must not: touch the network or the store, resolve links or sanitize HTML (that is `normalise`).

mod balance;
mod legacy;
mod lenient;
mod repair;
mod scan;

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, PAD_INDIFFERENT};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use feed_rs::model::{Content, Entry, FeedType, Link};
use serde::Serialize;
use url::Url;

use crate::model::RawItem;
use crate::normalise::date::parse_date;

/// The syntax a feed document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedFormat {
    Rss0,
    Rss1,
    Rss2,
    Atom,
    #[serde(rename = "jsonfeed")]
    JsonFeed,
    /// Microsoft's Channel Definition Format (`<CHANNEL>`), read by the tolerant scan only.
    Cdf,
}

/// A feed document, read.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    pub format: FeedFormat,
    pub title: Option<String>,
    /// The site the feed belongs to (the first alternate link).
    pub link: Option<String>,
    /// The feed's `<ttl>` in minutes, when it gave one.
    pub ttl: Option<u32>,
    pub items: Vec<RawItem>,
    /// Empty when the document parsed as written; else it was read only after repairs, one
    /// line per kind of repair (`escaped 2 bare '&'`, `dropped 1 incomplete items ...`).
    pub lenient: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("the document is empty")]
    Empty,
    #[error("got an HTML page, not a feed")]
    Html,
    #[error("not a feed: no <rss>, <feed>, <rdf:RDF> or JSON Feed root (starts with {start:?})")]
    NotAFeed { start: String },
    #[error("malformed feed: {0}")]
    Malformed(String),
}

/// Reads one feed document.
///
/// `base` resolves relative links where the document itself has no base; `tz` is the zone for
/// timestamps that carry none; `now` anchors relative times such as `3分钟前`.
pub fn parse_feed(
    text: &str,
    base: Option<&Url>,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<ParsedFeed, ParseError> {
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    if looks_like_html(text) {
        return Err(ParseError::Html);
    }
    match parse_strict(text, base, tz, now) {
        Err(error @ (ParseError::Malformed(_) | ParseError::NotAFeed { .. })) => {
            // As for feed-rs below: a bug in the repairs costs this document, not the run.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                lenient::parse(text, base, tz, now)
            }))
            .ok()
            .flatten()
            .ok_or(error)
        }
        other => other,
    }
}

/// Reads one feed document with feed-rs as it is written.
fn parse_strict(
    text: &str,
    base: Option<&Url>,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<ParsedFeed, ParseError> {
    let text = as_utf8_prolog(text);
    let legacy = legacy::rewrite(&text);
    let text = legacy.text;
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base.map(Url::as_str))
        // An empty id marks an entry that had none, so identity can fall back to its link.
        .id_generator(|_, _, _| String::new())
        // Sanitizing happens once, last, in `normalise::sanitize`.
        .sanitize_content(false)
        .timestamp_parser(move |s| parse_date(s, tz, now))
        .build();
    // A parser bug must cost one document, not the whole run (the process would abort every
    // other source with it): a panic inside feed-rs becomes this document's error.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        parser.parse(text.as_bytes())
    }))
    .map_err(|_| ParseError::Malformed("the feed parser failed on this document".to_owned()))?;
    let feed = parsed.map_err(|e| match e {
        feed_rs::parser::ParseFeedError::ParseError(
            feed_rs::parser::ParseErrorKind::NoFeedRoot,
        ) => ParseError::NotAFeed {
            start: text.chars().take(40).collect(),
        },
        other => ParseError::Malformed(other.to_string()),
    })?;
    let format = legacy.format.unwrap_or(match feed.feed_type {
        FeedType::Atom => FeedFormat::Atom,
        FeedType::JSON => FeedFormat::JsonFeed,
        FeedType::RSS0 => FeedFormat::Rss0,
        FeedType::RSS1 => FeedFormat::Rss1,
        FeedType::RSS2 => FeedFormat::Rss2,
    });
    if legacy.linkless > 0
        && let Some(mut scanned) = scan::scan(&text, tz, now)
        && scanned.items.len() > feed.entries.len()
    {
        // feed-rs drops an RSS 1.0 (or 0.90) item without a link; the scan reads them all.
        scanned.format = format;
        scanned.ttl = feed.ttl;
        scanned.lenient = vec![format!(
            "read {} items without a link with the tolerant scan",
            legacy.linkless
        )];
        return Ok(scanned);
    }
    Ok(ParsedFeed {
        format,
        title: feed.title.map(|t| t.content.trim().to_owned()),
        link: alternate_link(&feed.links),
        ttl: feed.ttl,
        items: feed.entries.into_iter().map(raw_item).collect(),
        lenient: Vec::new(),
    })
}

fn raw_item(entry: Entry) -> RawItem {
    let non_empty = |s: String| {
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_owned())
    };
    RawItem {
        guid: non_empty(entry.id),
        link: alternate_link(&entry.links),
        title: entry.title.and_then(|t| non_empty(t.content)),
        summary: entry.summary.and_then(|t| non_empty(t.content)),
        content: entry.content.and_then(content_body).and_then(non_empty),
        published: entry.published.or(entry.updated),
        updated: entry.updated,
        authors: entry
            .authors
            .into_iter()
            .filter_map(|p| p.name.and_then(non_empty))
            .collect(),
        categories: entry
            .categories
            .into_iter()
            .filter_map(|c| c.label.and_then(non_empty).or_else(|| non_empty(c.term)))
            .collect(),
    }
}

/// The text of a content element. A media type that is not text or XML says the body is that
/// document in base64 (RFC 4287, 4.1.3.3): read when it decodes to UTF-8 text, dropped when it
/// decodes to anything else (an image is no story text), kept as written when it is no base64.
fn content_body(content: Content) -> Option<String> {
    let body = content.body?;
    let media = content.content_type.to_string().to_ascii_lowercase();
    if text_media(&media) {
        return Some(body);
    }
    match base64_decoded(&body) {
        Some(bytes) => String::from_utf8(bytes).ok(),
        None => Some(body),
    }
}

/// A media type whose documents are text (HTML and XML included).
fn text_media(media: &str) -> bool {
    media.starts_with("text/")
        || media.contains("html")
        || media.ends_with("/xml")
        || media.ends_with("+xml")
}

/// Base64 as written in feeds: padded or not, wrapped over lines.
const BASE64: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, PAD_INDIFFERENT);

/// The bytes a base64 text stands for; `None` when it is no base64.
fn base64_decoded(encoded: &str) -> Option<Vec<u8>> {
    let compact: String = encoded.split_ascii_whitespace().collect();
    BASE64.decode(compact).ok()
}

/// The link a reader follows: the first `alternate` (or rel-less) link, else the first at all.
fn alternate_link(links: &[Link]) -> Option<String> {
    links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .or_else(|| links.first())
        .map(|l| l.href.trim().to_owned())
        .filter(|h| !h.is_empty())
}

/// True when the text is an HTML page (a site that answers a feed URL with its home page,
/// a login wall or an error page).
fn looks_like_html(text: &str) -> bool {
    let mut rest = text;
    // Skip an XML prolog and comments: some CMSs put them before <!DOCTYPE html>.
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?") {
            match rest.find("?>") {
                Some(end) => rest = &rest[end + 2..],
                None => return false,
            }
        } else if rest.starts_with("<!--") {
            match rest.find("-->") {
                Some(end) => rest = &rest[end + 3..],
                None => return false,
            }
        } else {
            break;
        }
    }
    let head: String = rest
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html") {
        // An XHTML doctype some CMSs put before `<rss>`: the root element decides.
        let after = rest
            .find('>')
            .map_or("", |end| rest[end + 1..].trim_start());
        let after = match after.strip_prefix("<!--") {
            Some(comment) => comment
                .find("-->")
                .map_or("", |e| comment[e + 3..].trim_start()),
            None => after,
        };
        return !["<rss", "<feed", "<rdf:RDF"]
            .iter()
            .any(|root| after.starts_with(root));
    }
    head.starts_with("<html") || head.starts_with("<head")
}

/// The text is UTF-8 now: an XML prolog that still names the original encoding (`gb2312`)
/// would make feed-rs decode it a second time, so the declaration is rewritten to UTF-8.
fn as_utf8_prolog(text: &str) -> Cow<'_, str> {
    match prolog_encoding_span(text) {
        Some((start, end)) if !text[start..end].eq_ignore_ascii_case("utf-8") => {
            Cow::Owned(format!("{}UTF-8{}", &text[..start], &text[end..]))
        }
        _ => Cow::Borrowed(text),
    }
}

/// Byte range of the label in `<?xml ... encoding="LABEL" ...?>`, when the text starts with one.
fn prolog_encoding_span(text: &str) -> Option<(usize, usize)> {
    if !text.starts_with("<?xml") {
        return None;
    }
    let prolog = &text[..text.find("?>")?];
    let at = prolog.to_ascii_lowercase().find("encoding")? + "encoding".len();
    let after_name = &prolog[at..];
    let eq = after_name.find('=')?;
    let value = &after_name[eq + 1..];
    let skipped = value.len() - value.trim_start().len();
    let quote = value[skipped..]
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')?;
    let start = at + eq + 1 + skipped + 1;
    let len = prolog[start..].find(quote)?;
    Some((start, start + len))
}

/// One warning per kind of repair the lenient path made, as `(verb, count, what)`: "closed 2
/// unclosed elements"; kinds with a count of zero say nothing.
fn repair_warnings(kinds: &[(&str, usize, &str)]) -> Vec<String> {
    kinds
        .iter()
        .filter(|(_, count, _)| *count > 0)
        .map(|(verb, count, what)| format!("{verb} {count} {what}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The zone and the instant the parsing tests of this module and its parts read in.
    pub(super) const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

    pub(super) fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2019, 1, 1, 0, 0, 0).unwrap()
    }

    #[test]
    fn prolog_encoding_is_rewritten_to_utf8() {
        let doc = "<?xml version=\"1.0\" encoding=\"gb2312\"?><rss/>";
        assert_eq!(
            as_utf8_prolog(doc),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss/>"
        );
        let single = "<?xml version='1.0' encoding = 'GBK' standalone='yes'?><rss/>";
        assert_eq!(
            as_utf8_prolog(single),
            "<?xml version='1.0' encoding = 'UTF-8' standalone='yes'?><rss/>"
        );
        let none = "<?xml version=\"1.0\"?><rss/>";
        assert_eq!(as_utf8_prolog(none), none);
    }

    #[test]
    fn rss_with_zoneless_and_cst_dates_reads_china_time() {
        let doc = r#"<?xml version="1.0" encoding="gb2312"?>
<rss version="2.0"><channel><title>四川经济日报</title><link>http://example.com/</link><ttl>15</ttl>
<item><title>重庆经济协作区第二十次市长联席会在自贡召开</title><link>/a/1.htm</link>
<guid>a1</guid><pubDate>2018-12-24 11:06:36</pubDate><description>摘要</description></item>
<item><title>川渝合作</title><link>http://example.com/a/2.htm</link>
<pubDate>Mon, 24 Dec 2018 09:00:00 CST</pubDate></item>
</channel></rss>"#;
        let base = Url::parse("http://example.com/rss.xml").unwrap();
        let feed = parse_feed(doc, Some(&base), SHANGHAI, now()).unwrap();
        assert_eq!(feed.format, FeedFormat::Rss2);
        assert_eq!(feed.title.as_deref(), Some("四川经济日报"));
        assert_eq!(feed.ttl, Some(15));
        assert_eq!(feed.items.len(), 2);
        let first = &feed.items[0];
        assert_eq!(first.guid.as_deref(), Some("a1"));
        assert_eq!(
            first.published,
            Some(Utc.with_ymd_and_hms(2018, 12, 24, 3, 6, 36).unwrap())
        );
        let second = &feed.items[1];
        assert_eq!(second.guid, None, "an item without guid keeps none");
        assert_eq!(
            second.published,
            Some(Utc.with_ymd_and_hms(2018, 12, 24, 1, 0, 0).unwrap())
        );
    }

    #[test]
    fn atom_with_offsets_and_authors() {
        let doc = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>重庆日报</title>
<link href="https://cq.example.com/"/><id>urn:x</id><updated>2019-03-01T08:00:00+08:00</updated>
<entry><id>urn:1</id><title>成渝地区双城经济圈</title><link rel="alternate" href="https://cq.example.com/1"/>
<published>2019-03-01T08:00:00+08:00</published><updated>2019-03-02T08:00:00+08:00</updated>
<author><name>张三</name></author><category term="jt" label="交通"/><content type="html">&lt;p&gt;正文&lt;/p&gt;</content></entry></feed>"#;
        let feed = parse_feed(doc, None, SHANGHAI, now()).unwrap();
        assert_eq!(feed.format, FeedFormat::Atom);
        assert_eq!(feed.link.as_deref(), Some("https://cq.example.com/"));
        let item = &feed.items[0];
        assert_eq!(
            item.published,
            Some(Utc.with_ymd_and_hms(2019, 3, 1, 0, 0, 0).unwrap())
        );
        assert_eq!(
            item.updated,
            Some(Utc.with_ymd_and_hms(2019, 3, 2, 0, 0, 0).unwrap())
        );
        assert_eq!(item.authors, vec!["张三"]);
        assert_eq!(item.categories, vec!["交通"]);
        assert_eq!(item.content.as_deref(), Some("<p>正文</p>"));
    }

    #[test]
    fn atom_content_of_a_media_type_that_is_not_text_is_base64() {
        let entry = |content: &str| {
            format!(
                "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>t</title>{content}</entry></feed>"
            )
        };
        let content = |doc: String| {
            parse_feed(&doc, None, SHANGHAI, now()).unwrap().items[0]
                .content
                .clone()
        };
        // "<p>川渝</p>" and the first bytes of a PNG image.
        let text =
            entry(r#"<content type="application/octet-stream">PHA+5bed5rid PC9wPg==</content>"#);
        assert_eq!(content(text).as_deref(), Some("<p>川渝</p>"));
        let image = entry(r#"<content type="image/png">iVBORw0KGgo=</content>"#);
        assert_eq!(content(image), None, "an image is no story text");
        let html = entry(r#"<content type="html">PHA+</content>"#);
        assert_eq!(
            content(html).as_deref(),
            Some("PHA+"),
            "html is read as written"
        );
    }

    #[test]
    fn json_feed() {
        let doc = r#"{"version":"https://jsonfeed.org/version/1.1","title":"云南日报",
"home_page_url":"https://yn.example.com/","items":[{"id":"42","url":"https://yn.example.com/42",
"title":"滇中城市群","content_html":"<p>内容</p>","date_published":"2019-05-06T10:00:00+08:00",
"authors":[{"name":"李四"}],"tags":["开放"]}]}"#;
        let feed = parse_feed(doc, None, SHANGHAI, now()).unwrap();
        assert_eq!(feed.format, FeedFormat::JsonFeed);
        let item = &feed.items[0];
        assert_eq!(item.guid.as_deref(), Some("42"));
        assert_eq!(item.link.as_deref(), Some("https://yn.example.com/42"));
        assert_eq!(item.authors, vec!["李四"]);
        assert_eq!(
            item.published,
            Some(Utc.with_ymd_and_hms(2019, 5, 6, 2, 0, 0).unwrap())
        );
    }

    #[test]
    fn html_empty_and_garbage_are_named() {
        let html = "<!DOCTYPE html><html><head><title>首页</title></head></html>";
        assert!(matches!(
            parse_feed(html, None, SHANGHAI, now()),
            Err(ParseError::Html)
        ));
        let doctype_then_rss = "<?xml version=\"1.0\"?><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"x\">\n<!-- cms -->\n<rss><channel><title>t</title></channel></rss>";
        let feed = parse_feed(doctype_then_rss, None, SHANGHAI, now()).unwrap();
        assert_eq!(feed.title.as_deref(), Some("t"));
        let prolog_then_html = "<?xml version=\"1.0\"?>\n<!-- cms -->\n<HTML><body></body></HTML>";
        assert!(matches!(
            parse_feed(prolog_then_html, None, SHANGHAI, now()),
            Err(ParseError::Html)
        ));
        assert!(matches!(
            parse_feed(" \n\u{feff}", None, SHANGHAI, now()),
            Err(ParseError::Empty)
        ));
        assert!(matches!(
            parse_feed("hello", None, SHANGHAI, now()),
            Err(ParseError::NotAFeed { .. })
        ));
        let cut_before_any_item = "<rss version=\"2.0\"><channel><title>x</title><item><title>半";
        assert!(matches!(
            parse_feed(cut_before_any_item, None, SHANGHAI, now()),
            Err(ParseError::Malformed(_)) | Err(ParseError::NotAFeed { .. })
        ));
        let unknown_root = "<?xml version=\"1.0\"?><catalog><book/></catalog>";
        assert!(matches!(
            parse_feed(unknown_root, None, SHANGHAI, now()),
            Err(ParseError::NotAFeed { .. })
        ));
    }

    #[test]
    fn a_truncated_feed_keeps_its_complete_items_and_says_it_was_repaired() {
        let truncated = "<rss version=\"2.0\"><channel><title>x</title><item><title>全</title>\
<link>http://example.com/1</link></item><item><title>半";
        let feed = parse_feed(truncated, None, SHANGHAI, now()).unwrap();
        assert_eq!(feed.title.as_deref(), Some("x"));
        assert_eq!(feed.items.len(), 1);
        assert_eq!(feed.items[0].title.as_deref(), Some("全"));
        assert!(
            feed.lenient.iter().any(|w| w.contains("incomplete items")),
            "{:?}",
            feed.lenient
        );
    }

    #[test]
    fn a_well_formed_feed_is_not_marked_lenient() {
        let doc = "<rss version=\"2.0\"><channel><title>x</title></channel></rss>";
        assert!(
            parse_feed(doc, None, SHANGHAI, now())
                .unwrap()
                .lenient
                .is_empty()
        );
    }
}
