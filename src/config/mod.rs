//! `feeds.toml` → a typed, validated [`Config`], with every problem reported at once.
//!
//! Config is parsed, not validated later: every URL, zone, duration, size, encoding and CSS
//! selector is compiled here, so the stages receive ready values (`&FetchPolicy`, `&ArticleRule`)
//! and never see a string they would have to check. This module must not do any I/O beyond
//! reading the one file (and `$BEATWIRE_STORE`), and must not know how the stages use the values.
//!
//! # Architecture
//! - [`Config`] and the `*Rule` types: the typed result (this file and `source.rs`).
//! - `load.rs`: the walker for the top level, `[beat]`, `[fetch]`, `[filter]`, `[[category]]`.
//! - `source.rs`: [`SourceRule`], [`ListRule`], [`ArticleRule`] and the `[[source]]` walker.
//! - `selftest.rs`: [`SourceTest`], the `[[source.test]]` entries `check --online` runs.
//! - `walk.rs`: a spanned, typed view of one TOML table (unknown keys, wrong types).
//! - `value.rs`: compilers from text to values, and [`Css`].
//! - `problem.rs`: [`ConfigError`], [`Problem`], byte spans → line:col.

mod load;
mod parts;
mod problem;
mod selftest;
mod source;
mod value;
mod walk;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono_tz::Tz;
use url::Url;

pub use problem::{ConfigError, Problem};
pub use selftest::{ExpectedDate, SourceTest, normalise_space};
pub use source::{ArticleRule, Fingerprint, ListRule, SourceRule};
pub use value::{Css, Pattern};

use crate::store::Location;

/// The zone of dates that carry none, unless `[beat].timezone` or a source says otherwise.
pub const DEFAULT_TIMEZONE: Tz = chrono_tz::Asia::Shanghai;
/// Stories in the published feed.
pub const DEFAULT_MAX_ITEMS: usize = 200;
/// Days a story stays in the store.
pub const DEFAULT_KEEP_DAYS: u32 = 90;
/// How far apart two stories' dates may be for near-duplicate detection to compare them.
pub const DEFAULT_DEDUP_WINDOW: Duration = Duration::from_secs(7 * 24 * 3600);
/// The store, relative to the config file.
pub const DEFAULT_STORE: &str = "data/beatwire.sled";
/// The environment variable that overrides `[beat] store`.
pub const STORE_ENV: &str = "BEATWIRE_STORE";
/// The output folder, relative to the config file.
pub const DEFAULT_OUTPUT: &str = "public";
/// The language of the published feed.
pub const DEFAULT_LANGUAGE: &str = "zh-cn";
/// Requests in flight in all.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Requests in flight per host.
pub const DEFAULT_PER_HOST: usize = 1;
/// Least time between two requests to one host.
pub const DEFAULT_PER_HOST_INTERVAL: Duration = Duration::from_secs(1);
/// A shared store's host lease, renewed every third of it while a run works.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(300);
/// Time allowed for one request, headers and body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest silence from a server (connecting, waiting for the answer, mid-body).
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response body read, in bytes.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;
/// How often a source is fetched at most, unless it says otherwise.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(30 * 60);

/// Every key the loader reads, as `table.key` paths (`beat.title`, `source.list.item`, ...), in
/// the order the tables are documented. The README's configuration reference and
/// `feeds.example.toml` are tested against it.
pub fn known_keys() -> Vec<String> {
    let tables: [(&str, &[&str]); 8] = [
        ("beat", load::BEAT_KEYS),
        ("fetch", load::FETCH_KEYS),
        ("filter", load::FILTER_KEYS),
        ("category", load::CATEGORY_KEYS),
        ("source", source::SOURCE_KEYS),
        ("source.list", source::LIST_KEYS),
        ("source.article", source::ARTICLE_KEYS),
        ("source.test", selftest::TEST_KEYS),
    ];
    let names: Vec<&str> = tables.iter().map(|(table, _)| *table).collect();
    tables
        .iter()
        .flat_map(|(table, keys)| keys.iter().map(move |key| format!("{table}.{key}")))
        // `source.list`, `source.article` and `source.test` are tables of their own, listed with their keys.
        .filter(|path| !names.contains(&path.as_str()))
        .collect()
}

/// A loaded `feeds.toml`: everything in it compiled and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    pub beat: BeatRule,
    pub fetch: FetchPolicy,
    pub filter: FilterRule,
    pub categories: Vec<CategoryRule>,
    pub sources: Vec<SourceRule>,
}

impl Config {
    /// Reads `path` and parses it with [`Config::from_toml`]. A non-empty `$BEATWIRE_STORE`
    /// replaces `[beat] store`: a PostgreSQL URL, or a path relative to the working directory.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut config = Config::from_toml(&text, path)?;
        if let Some(store) = std::env::var_os(STORE_ENV).filter(|s| !s.is_empty()) {
            config.beat.store = Location::parse(&store.to_string_lossy(), Path::new(""));
        }
        Ok(config)
    }

    /// Parses `text`. `path` names the file in messages, and relative `store` / `output` paths
    /// resolve against its directory.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        load::parse(text, path)
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&SourceRule> {
        self.sources.iter().find(|s| s.id == id)
    }
}

/// `[beat]`: what the published feed is and where things live.
#[derive(Debug, Clone, PartialEq)]
pub struct BeatRule {
    /// The channel title.
    pub title: String,
    /// The channel description; empty when not given.
    pub description: String,
    /// The site the feed belongs to.
    pub link: Url,
    /// Where the feed is published (`atom:link rel=self`).
    pub feed_url: Option<Url>,
    pub language: String,
    /// The zone of dates that carry none.
    pub timezone: Tz,
    /// Stories in the published feed.
    pub max_items: usize,
    /// Days a story stays in the store.
    pub keep_days: u32,
    /// Near-duplicate text is compared only between stories dated at most this far apart;
    /// zero turns near-duplicate detection off.
    pub dedup_window: Duration,
    /// The store: a sled path resolved against the config file's directory, or a PostgreSQL
    /// URL; `$BEATWIRE_STORE` overrides it (see [`Config::load`]).
    pub store: Location,
    /// The output folder, resolved against the config file's directory.
    pub output: PathBuf,
}

/// `[fetch]`: how politely and how far the fetcher goes.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchPolicy {
    pub user_agent: String,
    /// Requests in flight in all (at least 1).
    pub concurrency: usize,
    /// Requests in flight per host (at least 1).
    pub per_host: usize,
    /// Least time between two requests to one host.
    pub per_host_interval: Duration,
    /// Time allowed for one request.
    pub timeout: Duration,
    /// Longest silence from a server: connecting, waiting for the answer, or mid-body.
    pub stall_timeout: Duration,
    /// Largest response body read, in bytes.
    pub max_body: u64,
    /// How often a source is fetched at most, unless it says otherwise.
    pub every: Duration,
    /// An http, https or socks5 proxy for every request.
    pub proxy: Option<Url>,
    /// How long a run sharing a store with others holds a host it leased unless it renews the
    /// lease (see `app::claim`).
    pub lease: Duration,
}

impl FetchPolicy {
    /// `beatwire/VERSION`, the user agent when no beat link is known.
    pub fn default_user_agent() -> String {
        format!("beatwire/{}", env!("CARGO_PKG_VERSION"))
    }

    /// `beatwire/VERSION (+LINK)`, the user agent when `[fetch].user_agent` is not given.
    pub fn user_agent_for(link: &Url) -> String {
        format!("beatwire/{} (+{link})", env!("CARGO_PKG_VERSION"))
    }
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            user_agent: FetchPolicy::default_user_agent(),
            concurrency: DEFAULT_CONCURRENCY,
            per_host: DEFAULT_PER_HOST,
            per_host_interval: DEFAULT_PER_HOST_INTERVAL,
            timeout: DEFAULT_TIMEOUT,
            stall_timeout: DEFAULT_STALL_TIMEOUT,
            max_body: DEFAULT_MAX_BODY_BYTES,
            every: DEFAULT_EVERY,
            proxy: None,
            lease: DEFAULT_LEASE,
        }
    }
}

/// `[filter]`: which stories belong to the beat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterRule {
    /// At least one must appear in the title or body, when not empty.
    pub include: Vec<String>,
    /// None may appear in the title or body.
    pub exclude: Vec<String>,
    /// A story whose title or body matches it belongs too, like one more include keyword.
    pub regex: Option<Pattern>,
}

/// One `[[category]]`: a story whose text holds one of the keywords gets the category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRule {
    pub name: String,
    /// `[a-z0-9-]`, unique; names `category/<slug>.xml`.
    pub slug: String,
    /// Never empty.
    pub keywords: Vec<String>,
}
