//! The operator's tools on `feeds.toml`: `beatwire add` (a URL → a new source), `beatwire opml`
//! (sources in and out as OPML 2.0), and the safe edit both rely on.
//!
//! # Architecture
//! - [`add`]: fetches a URL and decides what it is: a feed, a page naming feeds, or a page to
//!   read as a page source with guessed `[source.list]` selectors.
//! - [`discover`]: the feeds an HTML page names (`<link rel="alternate">`, `<a>` to feed paths).
//! - [`guess`]: the repeated container of story links on a list page, as `[source.list]`.
//! - [`selector`]: CSS selectors written for chosen elements of a page (for `guess`).
//! - [`opml`]: OPML 2.0 export of the feed sources or the published feeds, and import.
//! - [`edit`]: [`FeedsFile`](edit::FeedsFile): appends `[[source]]` tables with toml_edit,
//!   leaving every other byte as it was; the new text must load before it is written, and it
//!   is written to a temp file and renamed.
//! - [`names`]: source ids derived from URLs, made unique.
//!
//! Must not: touch the store or the published files; the only file written is `feeds.toml`.

pub mod add;
pub mod discover;
pub mod edit;
pub mod guess;
pub mod names;
pub mod opml;
pub mod selector;
