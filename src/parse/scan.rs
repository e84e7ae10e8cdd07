//! The last resort for a feed that feed-rs rejects even after repair: a tolerant scan of the
//! (balanced) document for its items, reading the few fields every feed format shares.
//!
//! Owns: which element names mean title, link, id, date, summary, content and author across
//! RSS 0.9x/1.0/2.0 and Atom, read by local name so any namespace prefix works.
//!
//! Must not: keep an item with no title, no link and no text (a scan that cannot tell what an
//! item is keeps nothing rather than a wrong item; RSS asks an item for a title or a
//! description, and one of them is enough).
//!
//! quick-xml reads the events; the field mapping is written here because feed-rs, the crate that
//! knows these formats, is the parser that just refused the document.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::{FeedFormat, ParsedFeed, base64_decoded};
use crate::model::RawItem;
use crate::normalise::date::parse_date;

/// The fields of one item (or of the channel), as text.
#[derive(Debug, Default)]
struct Fields {
    title: Option<String>,
    link: Option<String>,
    id: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    summary: Option<String>,
    content: Option<String>,
    authors: Vec<String>,
    categories: Vec<String>,
}

/// The field an element's text goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Link,
    Id,
    Published,
    Updated,
    Summary,
    Content,
    Author,
    Category,
}

/// The field of an element, by its local name in lowercase.
fn field(local: &[u8]) -> Option<Field> {
    Some(match local {
        b"title" => Field::Title,
        b"link" => Field::Link,
        b"guid" | b"id" => Field::Id,
        b"pubdate" | b"published" | b"issued" | b"date" | b"created" => Field::Published,
        b"updated" | b"modified" => Field::Updated,
        b"description" | b"summary" | b"abstract" => Field::Summary,
        b"content" | b"encoded" => Field::Content,
        b"author" | b"creator" | b"name" => Field::Author,
        b"category" | b"subject" => Field::Category,
        _ => return None,
    })
}

/// Reads the items of a balanced XML feed document.
pub(super) fn scan(text: &str, tz: Tz, now: DateTime<Utc>) -> Option<ParsedFeed> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut format = None;
    let mut channel = Fields::default();
    let mut item: Option<(Fields, usize)> = None;
    let mut items = Vec::new();
    // The field being read, the depth of its element, its text so far, and whether that text is
    // base64 (a media type that is not text).
    let mut reading: Option<(Field, usize, String, bool)> = None;
    let mut depth = 0usize;
    loop {
        let event = reader.read_event().ok()?;
        let (event, empty) = match event {
            Event::Empty(start) => (Event::Start(start), true),
            other => (other, false),
        };
        match event {
            Event::Eof => break,
            Event::Start(start) if reading.is_none() => {
                // Lowercase: CDF writes its names in capitals.
                let local = start.local_name().as_ref().to_ascii_lowercase();
                if format.is_none() {
                    format = Some(root_format(&local, &start)?);
                    if format == Some(FeedFormat::Cdf) {
                        channel.link = attribute(&start, b"href");
                        channel.updated = attribute(&start, b"lastmod");
                    }
                }
                if matches!(local.as_slice(), b"item" | b"entry") {
                    // CDF gives an item's link and date as attributes.
                    let fields = Fields {
                        link: attribute(&start, b"href"),
                        updated: attribute(&start, b"lastmod"),
                        ..Fields::default()
                    };
                    if empty {
                        items.extend(raw_item(fields, tz, now));
                    } else {
                        item = Some((fields, depth));
                    }
                } else if let Some(f) = field(&local).filter(|_| known_prefix(&start, &local)) {
                    let fields = item.as_mut().map_or(&mut channel, |(fields, _)| fields);
                    if f == Field::Link
                        && let Some(href) = attribute(&start, b"href")
                    {
                        let rel = attribute(&start, b"rel");
                        if fields.link.is_none()
                            && matches!(rel.as_deref(), None | Some("alternate"))
                        {
                            fields.link = Some(href);
                        }
                    } else if f == Field::Category
                        && let Some(term) = attribute(&start, b"term")
                    {
                        fields.categories.push(term);
                    } else if !empty {
                        reading = Some((f, depth, String::new(), binary(&start)));
                    }
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::Start(_) if !empty => depth += 1,
            Event::Text(t) => {
                if let Some((_, _, buf, _)) = reading.as_mut() {
                    let raw = String::from_utf8_lossy(&t);
                    buf.push_str(&quick_xml::escape::unescape(&raw).unwrap_or(raw.clone()));
                }
            }
            Event::CData(c) => {
                if let Some((_, _, buf, _)) = reading.as_mut() {
                    buf.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, _, buf, _)) = reading.as_mut() {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        _ => quick_xml::escape::resolve_xml_entity(&name).map(str::to_owned),
                    };
                    buf.push_str(&resolved.unwrap_or_default());
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((_, at, _, _)) = &reading
                    && *at == depth
                    && let Some((f, _, text, base64)) = reading.take()
                {
                    let fields = item.as_mut().map_or(&mut channel, |(fields, _)| fields);
                    // Base64 is read when it is text; other data (an image) is no field's text.
                    let text = if base64 {
                        base64_decoded(&text).and_then(|b| String::from_utf8(b).ok())
                    } else {
                        Some(text)
                    };
                    if let Some(text) = text {
                        store(fields, f, text);
                    }
                } else if let Some((_, at)) = &item
                    && *at == depth
                    && reading.is_none()
                    && let Some((fields, _)) = item.take()
                {
                    items.extend(raw_item(fields, tz, now));
                }
            }
            _ => {}
        }
    }
    let format = format?;
    Some(ParsedFeed {
        format,
        title: channel.title,
        link: channel.link,
        ttl: None,
        items,
        lenient: Vec::new(),
    })
}

/// Writes an element's text to its field; the first value of a field wins.
fn store(fields: &mut Fields, f: Field, text: String) {
    let text = text.trim().to_owned();
    if text.is_empty() {
        return;
    }
    let slot = match f {
        Field::Title => &mut fields.title,
        Field::Link => &mut fields.link,
        Field::Id => &mut fields.id,
        Field::Published => &mut fields.published,
        Field::Updated => &mut fields.updated,
        Field::Summary => &mut fields.summary,
        Field::Content => &mut fields.content,
        Field::Author => {
            if !fields.authors.contains(&text) {
                fields.authors.push(text);
            }
            return;
        }
        Field::Category => {
            fields.categories.push(text);
            return;
        }
    };
    slot.get_or_insert(text);
}

fn raw_item(fields: Fields, tz: Tz, now: DateTime<Utc>) -> Option<RawItem> {
    if fields.title.is_none()
        && fields.link.is_none()
        && fields.summary.is_none()
        && fields.content.is_none()
    {
        return None;
    }
    let updated = fields.updated.and_then(|d| parse_date(&d, tz, now));
    Some(RawItem {
        guid: fields.id,
        link: fields.link,
        title: fields.title,
        summary: fields.summary,
        content: fields.content,
        published: fields
            .published
            .and_then(|d| parse_date(&d, tz, now))
            .or(updated),
        updated,
        authors: fields.authors,
        categories: fields.categories,
    })
}

/// The format a root element names; `None` for an element that is no feed root.
fn root_format(local: &[u8], start: &BytesStart<'_>) -> Option<FeedFormat> {
    match local {
        b"feed" => Some(FeedFormat::Atom),
        b"rdf" => Some(FeedFormat::Rss1),
        b"channel" => Some(FeedFormat::Cdf),
        b"rss" => Some(match attribute(start, b"version").as_deref() {
            Some(v) if v.starts_with("0.9") => FeedFormat::Rss0,
            _ => FeedFormat::Rss2,
        }),
        _ => None,
    }
}

/// An element of another vocabulary (`media:title`, `itunes:summary`) is not the item's own
/// field; the prefixed names feeds use for their own fields are (`dc:date`, `content:encoded`,
/// `atom:link`).
fn known_prefix(start: &BytesStart<'_>, local: &[u8]) -> bool {
    start.name().prefix().is_none()
        || matches!(
            local,
            b"date"
                | b"creator"
                | b"subject"
                | b"encoded"
                | b"link"
                | b"created"
                | b"modified"
                | b"issued"
        )
}

/// A text construct of a media type that is not text: its text is base64.
fn binary(start: &BytesStart<'_>) -> bool {
    attribute(start, b"type").is_some_and(|t| {
        !(matches!(t.as_str(), "text" | "html" | "xhtml")
            || t.starts_with("text/")
            || t.contains("xml"))
    })
}

fn attribute(start: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref().eq_ignore_ascii_case(name))
        .and_then(|a| a.unescape_value().ok().map(|v| v.trim().to_owned()))
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SHANGHAI, now};
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn cdf_items_take_link_and_date_from_attributes() {
        let doc = r#"<CHANNEL HREF="http://cdf.example.com/"><TITLE>频道</TITLE>
<ITEM HREF="http://cdf.example.com/1" LASTMOD="2004-04-06T23:05:43+08:00"><TITLE>一</TITLE>
<ABSTRACT>摘要</ABSTRACT></ITEM><ITEM HREF="http://cdf.example.com/2"/></CHANNEL>"#;
        let feed = scan(doc, SHANGHAI, now()).unwrap();
        assert_eq!(feed.format, FeedFormat::Cdf);
        assert_eq!(feed.title.as_deref(), Some("频道"));
        assert_eq!(feed.link.as_deref(), Some("http://cdf.example.com/"));
        assert_eq!(feed.items.len(), 2);
        let first = &feed.items[0];
        assert_eq!(first.title.as_deref(), Some("一"));
        assert_eq!(first.summary.as_deref(), Some("摘要"));
        assert_eq!(
            first.published,
            Some(Utc.with_ymd_and_hms(2004, 4, 6, 15, 5, 43).unwrap())
        );
        assert_eq!(
            feed.items[1].link.as_deref(),
            Some("http://cdf.example.com/2")
        );
    }

    #[test]
    fn an_item_with_no_title_link_or_text_is_not_kept() {
        let doc = "<rss version=\"0.91\"><channel><item><pubDate>2018-12-24</pubDate></item>\
<item><description>只有摘要</description></item>\
<item><title>t</title><pubDate>2018-12-24 11:06:36</pubDate><dc:date>1999</dc:date></item></channel></rss>";
        let feed = scan(doc, SHANGHAI, now()).unwrap();
        assert_eq!(feed.format, FeedFormat::Rss0);
        assert_eq!(feed.items.len(), 2);
        assert_eq!(feed.items[0].summary.as_deref(), Some("只有摘要"));
        assert_eq!(
            feed.items[1].published,
            Some(Utc.with_ymd_and_hms(2018, 12, 24, 3, 6, 36).unwrap()),
            "the first date wins"
        );
        assert_eq!(scan("<catalog/>", SHANGHAI, now()), None);
    }
}
