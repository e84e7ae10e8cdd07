//! The channel: what the published feeds say about themselves (the `[beat]` and `[[category]]`
//! tables as the publishers need them), and the public URLs of the outputs.
//!
//! Plain data and URL arithmetic; this file must not render or write anything.

use super::CATEGORY_DIR;

/// What the published feed says about itself (the `[beat]` table of `feeds.toml`).
#[derive(Debug, Clone)]
pub struct Channel {
    pub title: String,
    pub description: String,
    /// The site the feed belongs to; also the `<source url>` of stories whose outlet has none.
    pub link: String,
    /// Where the feed itself is served, for `atom:link rel="self"`. The other outputs' own URLs
    /// are its siblings (see [`Channel::url_of`]).
    pub feed_url: Option<String>,
    pub language: String,
    /// The zone dates are shown in (`pubDate` carries its real offset).
    pub timezone: chrono_tz::Tz,
    pub ttl_minutes: Option<u32>,
    /// The beat's `[[category]]` tables, in config order; each gets a feed of its own.
    pub categories: Vec<CategoryFeed>,
}

/// One `[[category]]` as the publishers need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryFeed {
    pub name: String,
    pub slug: String,
}

impl CategoryFeed {
    /// The feed's path inside the output folder, with `/`: `category/<slug>.xml`.
    pub fn file(&self) -> String {
        format!("{CATEGORY_DIR}/{}.xml", self.slug)
    }
}

impl Channel {
    /// The public URL of `file` (a path inside the output folder, with `/`), resolved against
    /// `feed_url`; `None` when the feed's own URL is not configured.
    pub fn url_of(&self, file: &str) -> Option<String> {
        let feed = url::Url::parse(self.feed_url.as_deref()?).ok()?;
        feed.join(file).ok().map(String::from)
    }

    /// The channel of one category's feed: the same beat, its own title and self link.
    pub(super) fn for_category(&self, category: &CategoryFeed) -> Channel {
        Channel {
            title: format!("{} · {}", self.title, category.name),
            feed_url: self.url_of(&category.file()),
            categories: Vec::new(),
            ..self.clone()
        }
    }
}
