//! Publishing: stories → the files feed readers and people fetch, written so that a reader never
//! sees half a file and the same stories always give the same bytes.
//!
//! This module must not fetch, open the store or look at the clock: it gets a slice of
//! [`Item`]s and a [`Channel`] and writes files.
//!
//! # Architecture
//! - [`publish`]: renders every output into a folder: `feed.xml`, `atom.xml`, `feed.json`,
//!   `index.html` and `category/<slug>.xml` for each category.
//! - [`Channel`] (`channel.rs`): what the feeds say about themselves, and their URLs.
//! - [`to_rss`] (`rss.rs`): stories → RSS 2.0 text (also each category's feed).
//! - [`to_atom`] (`atom.rs`): stories → Atom 1.0 text.
//! - [`to_json_feed`] (`json.rs`): stories → JSON Feed 1.1 text.
//! - [`to_html`] (`html.rs`): stories → the page for people.
//! - [`write_atomic`] / [`write_if_changed`] (from `crate::atomic`): temp file in the same
//!   folder, fsync, rename; an unchanged file is not rewritten, so its modification time says
//!   when it changed.
//! - [`also_reported`] / [`also_footer_html`] (`also.rs`): the other outlets of a story.

mod also;
mod atom;
mod channel;
mod html;
mod json;
mod rss;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::atomic::{WriteError, remove_leftover_temps};
use crate::model::Item;

pub use self::also::{also_footer_html, also_label, also_reported, content_with_footer};
pub use self::atom::to_atom;
pub use self::channel::{CategoryFeed, Channel};
pub use self::html::to_html;
pub use self::json::to_json_feed;
pub use self::rss::to_rss;
/// The writers of the outputs, part of this module's interface.
pub use crate::atomic::{write_atomic, write_if_changed};

/// The RSS 2.0 file's name in the output folder.
pub const RSS_FILE: &str = "feed.xml";
/// The Atom 1.0 twin.
pub const ATOM_FILE: &str = "atom.xml";
/// The JSON Feed 1.1 twin.
pub const JSON_FILE: &str = "feed.json";
/// The page for people.
pub const HTML_FILE: &str = "index.html";
/// The folder of the per-category RSS feeds (`category/<slug>.xml`).
pub const CATEGORY_DIR: &str = "category";

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot render {file}: {reason}")]
    Render { file: String, reason: String },
}

impl From<WriteError> for PublishError {
    fn from(error: WriteError) -> PublishError {
        PublishError::Io {
            path: error.path,
            source: error.source,
        }
    }
}

/// What one [`publish`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// Stories in the feed.
    pub items: usize,
    /// The path of `feed.xml`.
    pub feed: PathBuf,
    /// Every output, `feed.xml` first, then `atom.xml`, `feed.json`, `index.html` and the
    /// category feeds in config order.
    pub files: Vec<PathBuf>,
    /// How many of `files` had new bytes (the others were left untouched).
    pub changed: usize,
}

/// Writes every output for `items` into `dir` (created when missing).
///
/// The caller chooses which stories to publish (e.g. the store's newest `max_items`); the order
/// of `items` does not matter. Each file is replaced atomically and only when its bytes change;
/// category feeds of categories no longer configured are removed. Every output is rendered
/// before the first is written, so a rendering failure leaves all of them as they were.
pub fn publish(dir: &Path, channel: &Channel, items: &[Item]) -> Result<Published, PublishError> {
    let rendered = render_all(channel, items)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PublishError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    if !channel.categories.is_empty() {
        let folder = dir.join(CATEGORY_DIR);
        std::fs::create_dir_all(&folder).map_err(io(&folder))?;
    }
    // What a publish killed mid-write left behind.
    for folder in [dir.to_path_buf(), dir.join(CATEGORY_DIR)] {
        remove_leftover_temps(&folder).map_err(io(&folder))?;
    }
    let mut files = Vec::with_capacity(rendered.len());
    let mut changed = 0;
    for (name, bytes) in &rendered {
        let path = dir.join(name);
        if write_if_changed(&path, bytes)? {
            changed += 1;
        }
        files.push(path);
    }
    remove_stale_categories(dir, channel)?;
    tracing::debug!(dir = %dir.display(), items = items.len(), changed, "published");
    Ok(Published {
        items: items.len(),
        feed: dir.join(RSS_FILE),
        files,
        changed,
    })
}

/// Every output as (path inside the folder, bytes), in the order of [`Published::files`].
fn render_all(channel: &Channel, items: &[Item]) -> Result<Vec<(String, Vec<u8>)>, PublishError> {
    let xml = |file: &str, text: String| {
        if text.is_empty() {
            // The RSS and Atom writers report a failed write as an empty document.
            Err(PublishError::Render {
                file: file.to_owned(),
                reason: format!("the writer produced nothing for {} stories", items.len()),
            })
        } else {
            Ok((file.to_owned(), text.into_bytes()))
        }
    };
    let mut out = vec![
        xml(RSS_FILE, to_rss(channel, items))?,
        xml(ATOM_FILE, to_atom(channel, items))?,
        (
            JSON_FILE.to_owned(),
            to_json_feed(channel, items).map_err(|e| PublishError::Render {
                file: JSON_FILE.to_owned(),
                reason: e.to_string(),
            })?,
        ),
        (HTML_FILE.to_owned(), to_html(channel, items).into_bytes()),
    ];
    for category in &channel.categories {
        let chosen: Vec<Item> = items
            .iter()
            .filter(|item| item.categories.contains(&category.name))
            .cloned()
            .collect();
        let file = category.file();
        out.push(xml(
            &file,
            to_rss(&channel.for_category(category), &chosen),
        )?);
    }
    Ok(out)
}

/// Removes `category/*.xml` files that no configured category names, so a removed category's
/// feed does not linger with stale stories. Other files in the folder are left alone.
fn remove_stale_categories(dir: &Path, channel: &Channel) -> Result<(), PublishError> {
    let folder = dir.join(CATEGORY_DIR);
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(PublishError::Io {
                path: folder,
                source,
            });
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(slug) = name.strip_suffix(".xml") else {
            continue;
        };
        if slug.starts_with('.') || channel.categories.iter().any(|c| c.slug == slug) {
            continue;
        }
        let path = entry.path();
        std::fs::remove_file(&path).map_err(|source| PublishError::Io { path, source })?;
    }
    Ok(())
}

/// The order every output lists stories in: published descending, then id ascending.
pub(crate) fn in_feed_order(items: &[Item]) -> Vec<&Item> {
    let mut ordered: Vec<&Item> = items.iter().collect();
    ordered.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
    ordered
}

/// The feed's date: the newest story's publication time (`None` without stories), so the same
/// stories give the same date whenever they are published.
pub(crate) fn newest(items: &[Item]) -> Option<DateTime<Utc>> {
    items.iter().map(|item| item.published).max()
}

/// Drops the characters XML 1.0 cannot carry (C0 controls other than tab, newline and carriage
/// return; U+FFFE; U+FFFF). Escaping cannot save them: one stray `\u{8}` from a scraped page
/// makes the whole feed ill-formed for every reader.
pub(crate) fn xml_text(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
    };
    if text.chars().all(allowed) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atomic::tests::names;

    pub(super) fn channel() -> Channel {
        Channel {
            title: "西南经济协作".to_owned(),
            description: "川渝滇黔经济协作新闻".to_owned(),
            link: "https://example.org/beat/".to_owned(),
            feed_url: Some("https://example.org/beat/feed.xml".to_owned()),
            language: "zh-cn".to_owned(),
            timezone: chrono_tz::Asia::Shanghai,
            ttl_minutes: Some(30),
            categories: vec![
                CategoryFeed {
                    name: "交通".to_owned(),
                    slug: "transport".to_owned(),
                },
                CategoryFeed {
                    name: "生态环境".to_owned(),
                    slug: "ecology".to_owned(),
                },
            ],
        }
    }

    /// An instant in UTC, for the expected values of the publishers' tests.
    pub(super) fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(y, m, d, h, min, s)
            .single()
            .expect("valid instant")
    }

    /// Three stories of the beat; see `fixtures/publish/items.json`.
    pub(super) fn items() -> Vec<Item> {
        serde_json::from_str(include_str!("../../fixtures/publish/items.json"))
            .expect("fixture items parse")
    }

    // A feed item with only a title and a description is kept (see `normalise::item`): it is
    // published with its guid and no link of its own in any format.
    #[test]
    fn a_story_without_a_page_of_its_own_is_published_without_a_link() {
        let mut items = items();
        let site = "https://www.scjjrb.example/";
        items[0].linkless = true;
        items[0].link = site.to_owned();
        let id = items[0].id.clone();

        let rss = to_rss(&channel(), &items);
        let feed = feed_rs::parser::parse(rss.as_bytes()).expect("the RSS parses");
        let entry = feed.entries.iter().find(|e| e.id == id).expect("published");
        assert!(entry.links.is_empty(), "{:?}", entry.links);
        assert!(rss.contains(&format!("<guid isPermaLink=\"false\">{id}</guid>")));
        assert!(
            feed.entries
                .iter()
                .filter(|e| e.id != id)
                .all(|e| !e.links.is_empty()),
            "the other stories keep their links"
        );

        let atom = to_atom(&channel(), &items);
        let feed = feed_rs::parser::parse(atom.as_bytes()).expect("the Atom parses");
        let entry = feed
            .entries
            .iter()
            .find(|e| e.id.ends_with(&id))
            .expect("published");
        assert!(entry.links.is_empty(), "{:?}", entry.links);
        let mut bare = items[0].clone();
        bare.content_html.clear();
        bare.summary.clear();
        bare.provenance.clear();
        let atom = to_atom(&channel(), &[bare]);
        assert!(
            atom.contains(&format!("<link href=\"{site}\" rel=\"alternate\"")),
            "an entry without content keeps an alternate link: {atom}"
        );

        let json: serde_json::Value =
            serde_json::from_slice(&to_json_feed(&channel(), &items).expect("JSON"))
                .expect("parses");
        let story = json["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["id"] == id.as_str())
            .expect("published");
        assert!(story.get("url").is_none(), "{story}");

        let html = to_html(&channel(), &items);
        assert!(
            html.contains(&format!("<h2>{}</h2>", items[0].title)),
            "{html}"
        );
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

    /// What the output folder holds after a publish, sorted.
    const TOP_LEVEL: [&str; 5] = [
        "atom.xml",
        "category",
        "feed.json",
        "feed.xml",
        "index.html",
    ];

    #[test]
    fn publish_writes_every_output_and_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let published = publish(&out, &channel(), &items()).expect("publish");
        assert_eq!(published.items, 3);
        assert_eq!(published.feed, out.join("feed.xml"));
        let files: Vec<PathBuf> = [
            "feed.xml",
            "atom.xml",
            "feed.json",
            "index.html",
            "category/transport.xml",
            "category/ecology.xml",
        ]
        .iter()
        .map(|name| out.join(name))
        .collect();
        assert_eq!(published.files, files);
        assert_eq!(published.changed, 6);
        let written = std::fs::read_to_string(&published.feed).expect("read feed");
        assert_eq!(written, to_rss(&channel(), &items()));
        assert_eq!(names(&out), TOP_LEVEL);
        assert_eq!(
            names(&out.join("category")),
            ["ecology.xml", "transport.xml"]
        );

        // The transport feed holds the one story with that category; ecology none.
        let read = |name: &str| {
            feed_rs::parser::parse(std::fs::read(out.join(name)).expect("read").as_slice())
                .expect("parse")
        };
        let transport = read("category/transport.xml");
        assert_eq!(
            transport.title.expect("title").content,
            "西南经济协作 · 交通"
        );
        let ids: Vec<&str> = transport.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["scjjrb-20181224-0001"]);
        assert!(read("category/ecology.xml").entries.is_empty());

        // The same stories again: nothing is rewritten.
        let again = publish(&out, &channel(), &items()).expect("publish again");
        assert_eq!(again.changed, 0);

        // Fewer stories, one category fewer: files are replaced, the stale feed goes.
        let fewer = Channel {
            categories: channel().categories[..1].to_vec(),
            ..channel()
        };
        let published = publish(&out, &fewer, &items()[..1]).expect("publish fewer");
        assert_eq!(published.items, 1);
        assert_eq!(read("feed.xml").entries.len(), 1);
        assert_eq!(names(&out.join("category")), ["transport.xml"]);
        assert_eq!(names(&out), TOP_LEVEL);
    }

    #[test]
    fn sibling_urls_follow_the_feed_url() {
        let channel = channel();
        assert_eq!(
            channel.url_of("atom.xml").as_deref(),
            Some("https://example.org/beat/atom.xml")
        );
        assert_eq!(
            channel.url_of("category/transport.xml").as_deref(),
            Some("https://example.org/beat/category/transport.xml")
        );
        let bare = Channel {
            feed_url: None,
            ..channel
        };
        assert_eq!(bare.url_of("atom.xml"), None);
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
