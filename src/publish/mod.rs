//! Publishing: stories → the files feed readers fetch, written so that a reader never sees half
//! a file and the same stories always give the same bytes.
//!
//! This module must not fetch, open the store or look at the clock: it gets a slice of
//! [`Item`]s and a [`Channel`] and writes files.
//!
//! # Architecture
//! - [`publish`]: renders every output into a folder (today `feed.xml`).
//! - [`to_rss`] (`rss.rs`): stories → RSS 2.0 text.
//! - [`write_atomic`] (`atomic.rs`): temp file in the same folder, fsync, rename.
//! - [`also_reported`] / [`also_footer_html`] (`also.rs`): the other outlets of a story.

mod also;
mod atomic;
mod rss;

use std::path::{Path, PathBuf};

use crate::model::Item;

pub use self::also::{also_footer_html, also_label, also_reported};
pub use self::atomic::write_atomic;
pub use self::rss::to_rss;

/// The RSS 2.0 file's name in the output folder.
pub const RSS_FILE: &str = "feed.xml";

/// What the published feed says about itself (the `[beat]` table of `feeds.toml`).
#[derive(Debug, Clone)]
pub struct Channel {
    pub title: String,
    pub description: String,
    /// The site the feed belongs to; also the `<source url>` of stories whose outlet has none.
    pub link: String,
    /// Where the feed itself is served, for `atom:link rel="self"`.
    pub feed_url: Option<String>,
    pub language: String,
    /// The zone dates are shown in (`pubDate` carries its real offset).
    pub timezone: chrono_tz::Tz,
    pub ttl_minutes: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot render the feed: {0}")]
    Render(String),
}

/// What one [`publish`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// Stories in the feed.
    pub items: usize,
    /// The path of `feed.xml`.
    pub feed: PathBuf,
}

/// Writes the feed for `items` into `dir` (created when missing), replacing it atomically.
///
/// The caller chooses which stories to publish (e.g. the store's newest `max_items`); the order
/// of `items` does not matter.
pub fn publish(dir: &Path, channel: &Channel, items: &[Item]) -> Result<Published, PublishError> {
    std::fs::create_dir_all(dir).map_err(|source| PublishError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let xml = to_rss(channel, items);
    if xml.is_empty() {
        // The rss writer reports a failed write as an empty document.
        return Err(PublishError::Render(format!(
            "the RSS writer produced nothing for {} stories",
            items.len()
        )));
    }
    let feed = dir.join(RSS_FILE);
    write_atomic(&feed, xml.as_bytes())?;
    tracing::debug!(path = %feed.display(), items = items.len(), "published");
    Ok(Published {
        items: items.len(),
        feed,
    })
}

/// The order every output lists stories in: published descending, then id ascending.
pub(crate) fn in_feed_order(items: &[Item]) -> Vec<&Item> {
    let mut ordered: Vec<&Item> = items.iter().collect();
    ordered.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn channel() -> Channel {
        Channel {
            title: "西南经济协作".to_owned(),
            description: "川渝滇黔经济协作新闻".to_owned(),
            link: "https://example.org/beat/".to_owned(),
            feed_url: Some("https://example.org/beat/feed.xml".to_owned()),
            language: "zh-cn".to_owned(),
            timezone: chrono_tz::Asia::Shanghai,
            ttl_minutes: Some(30),
        }
    }

    /// Three stories of the beat; see `fixtures/publish/items.json`.
    pub(super) fn items() -> Vec<Item> {
        serde_json::from_str(include_str!("../../fixtures/publish/items.json"))
            .expect("fixture items parse")
    }

    #[test]
    fn order_is_published_desc_then_id() {
        let items = items();
        let ordered: Vec<&str> = in_feed_order(&items)
            .iter()
            .map(|item| item.id.as_str())
            .collect();
        assert_eq!(
            ordered,
            [
                "scjjrb-20181224-0001",
                "scjjrb-20181224-0002",
                "cqrb-20181224-0417"
            ]
        );
    }

    #[test]
    fn publish_writes_feed_xml_and_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let published = publish(&out, &channel(), &items()).expect("publish");
        assert_eq!(
            published,
            Published {
                items: 3,
                feed: out.join("feed.xml")
            }
        );
        let written = std::fs::read_to_string(&published.feed).expect("read feed");
        assert_eq!(written, to_rss(&channel(), &items()));
        let names: Vec<String> = std::fs::read_dir(&out)
            .expect("read dir")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["feed.xml"]);

        // Publishing again replaces the file and still leaves nothing else behind.
        let published = publish(&out, &channel(), &items()[..1]).expect("publish again");
        assert_eq!(published.items, 1);
        let feed = feed_rs::parser::parse(std::fs::read(&published.feed).expect("read").as_slice())
            .expect("parse");
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(std::fs::read_dir(&out).expect("read dir").count(), 1);
    }

    #[test]
    fn publish_names_a_folder_it_cannot_create() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocker = dir.path().join("public");
        std::fs::write(&blocker, b"a file, not a folder").expect("write");
        let error = publish(&blocker.join("sub"), &channel(), &items()).expect_err("not a dir");
        assert!(matches!(error, PublishError::Io { .. }), "{error:?}");
        assert!(error.to_string().contains("public"), "{error}");
    }
}
