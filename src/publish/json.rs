//! Stories → JSON Feed 1.1 text (<https://www.jsonfeed.org/version/1.1/>), the twin of
//! `feed.xml`.
//!
//! Deterministic: fields are written in the order of the structs below and stories in feed
//! order. Dates are RFC 3339 in the channel's zone (`2018-12-24T11:06:36+08:00`). What JSON Feed
//! has no field for (the outlet, the source id) goes in the `_beatwire` extension object.
//! This file must not write files.

use std::borrow::Cow;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::{Channel, HTML_FILE, JSON_FILE, also_reported, content_with_footer, in_feed_order};
use crate::model::Item;

/// The `version` every JSON Feed 1.1 document starts with.
pub const JSON_FEED_VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    feed_url: Option<String>,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    language: &'a str,
    authors: [Author<'a>; 1],
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    /// None for a story with no page of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    title: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    content_html: Cow<'a, str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    #[serde(rename = "_beatwire")]
    extension: Extension<'a>,
}

/// What beatwire adds to each item.
#[derive(Serialize)]
struct Extension<'a> {
    /// The id of the source in `feeds.toml`.
    source: &'a str,
    outlet: Author<'a>,
    /// The other outlets that ran the story ("also reported by"), with their links.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<Author<'a>>,
}

/// Renders `items` as a JSON Feed 1.1 document, UTF-8, ending with a newline.
pub fn to_json_feed(channel: &Channel, items: &[Item]) -> Result<Vec<u8>, serde_json::Error> {
    let date = |instant: DateTime<Utc>| {
        instant
            .with_timezone(&channel.timezone)
            .to_rfc3339_opts(SecondsFormat::AutoSi, false)
    };
    let home = channel.url_of(HTML_FILE);
    let feed = JsonFeed {
        version: JSON_FEED_VERSION,
        title: &channel.title,
        home_page_url: &channel.link,
        feed_url: channel.url_of(JSON_FILE),
        description: &channel.description,
        language: &channel.language,
        authors: [Author {
            name: &channel.title,
            url: Some(home.as_deref().unwrap_or(&channel.link)),
        }],
        items: in_feed_order(items)
            .into_iter()
            .map(|item| JsonItem {
                id: &item.id,
                url: (!item.linkless).then_some(item.link.as_str()),
                title: &item.title,
                content_html: content_with_footer(item, &channel.language),
                summary: &item.summary,
                date_published: date(item.published),
                date_modified: item.updated.map(date),
                authors: item
                    .authors
                    .iter()
                    .map(|name| Author { name, url: None })
                    .collect(),
                tags: &item.categories,
                extension: Extension {
                    source: &item.source,
                    outlet: {
                        let (name, url) = item.published_outlet();
                        Author { name, url }
                    },
                    also: also_reported(item)
                        .into_iter()
                        .map(|copy| Author {
                            name: &copy.outlet.name,
                            url: Some(&copy.link),
                        })
                        .collect(),
                },
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&feed)?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::tests::{channel, items};
    use chrono::TimeZone;
    use serde_json::Value;

    fn render() -> Vec<u8> {
        to_json_feed(&channel(), &items()).expect("renders")
    }

    #[test]
    fn has_the_json_feed_1_1_fields() {
        let doc: Value = serde_json::from_slice(&render()).expect("valid JSON");
        assert_eq!(doc["version"], JSON_FEED_VERSION);
        assert_eq!(doc["title"], "西南经济协作");
        assert_eq!(doc["home_page_url"], "https://example.org/beat/");
        assert_eq!(doc["feed_url"], "https://example.org/beat/feed.json");
        assert_eq!(doc["language"], "zh-cn");
        let first = &doc["items"][0];
        assert_eq!(first["id"], "scjjrb-20181224-0001");
        assert_eq!(first["date_published"], "2018-12-24T11:06:36+08:00");
        assert_eq!(first["date_modified"], "2018-12-24T13:00:00+08:00");
        assert_eq!(first["tags"], serde_json::json!(["今日西南", "交通"]));
        assert_eq!(first["authors"], serde_json::json!([{"name": "陈家明"}]));
        assert_eq!(first["_beatwire"]["outlet"]["name"], "四川经济日报");
        assert_eq!(first["_beatwire"]["source"], "scjjrb");
        let second = &doc["items"][1];
        assert!(second.get("authors").is_none() && second.get("date_modified").is_none());
        assert_eq!(
            doc["items"][2]["date_published"],
            "2018-12-24T00:30:00+08:00"
        );
    }

    #[test]
    fn feed_rs_reads_it_back() {
        let feed = feed_rs::parser::parse(render().as_slice()).expect("feed-rs reads it");
        assert_eq!(feed.entries.len(), 3);
        let first = &feed.entries[0];
        assert_eq!(
            first.published,
            Some(Utc.with_ymd_and_hms(2018, 12, 24, 3, 6, 36).unwrap())
        );
        assert_eq!(
            first.links[0].href,
            "https://www.scjjrb.example/jjxz/20181224/0001.html"
        );
        assert!(
            first
                .content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .is_some_and(|b| b.contains("川渝两地在成都签署"))
        );
    }

    #[test]
    fn same_stories_same_bytes() {
        let mut reversed = items();
        reversed.reverse();
        assert_eq!(
            render(),
            to_json_feed(&channel(), &reversed).expect("renders")
        );
    }
}
