//! HTML → stories: the stories of a list page, and the body and metadata of an article page.
//!
//! # Map
//! - [`list::read_list`]: a list page and its `[source.list]` selectors → [`RawItem`]s.
//! - [`article::read_article`]: an article page → [`Article`]. Each field comes from the first
//!   rule that finds it: the `[source.article]` selectors, then the built-in TRS CMS profile
//!   (`trs`), then the generic extractor (`generic` for the body; `title`, `published`,
//!   `fields`, `byline`, `people` and `meta` for the rest). [`Rule`] records which one it was.
//!   A page's zone is the source's, or one the page itself names ([`ZoneChoice`]).
//! - `dom`: the parsed page numbered in document order, with text counts and lines.
//! - `body`: a chosen body (subtrees minus removed nodes); `clean` takes boilerplate out of it;
//!   `emit` writes it back as HTML.
//! - `table`: which tables hold data (kept whole) rather than lay out the page.
//! - `guard`: nesting deeper than [`guard::MAX_NESTING`] is cut off before parsing.
//!
//! Extraction is pure and synchronous (no I/O, no clock: `now` is a parameter) and CPU-bound:
//! async callers run it in `spawn_blocking`. Every pass is linear in the size of the page.
//!
//! This module must not touch the network or the store, and must not sanitize: the body it
//! returns is the page's own HTML, which `normalise::sanitize` cleans last.

pub mod article;
mod body;
mod byline;
mod clean;
mod dom;
mod emit;
mod fields;
mod generic;
pub(crate) mod guard;
pub mod list;
mod merge;
mod meta;
mod people;
mod published;
mod select;
mod table;
mod title;
mod trs;

#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Serialize, Serializer};

pub use article::{Article, PageContext, Rules, ZoneChoice, read_article};
pub use list::read_list;
pub use merge::merged;

#[cfg(doc)]
use crate::model::RawItem;

/// Pages larger than this are refused rather than parsed.
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// Which rule produced a field of an [`Article`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A `[source.article]` selector, as written.
    Selector(String),
    /// The built-in profile of the TRS CMS: what matched.
    Trs(&'static str),
    /// A `<meta>` tag, JSON-LD or `<time>` element: its name.
    Meta(String),
    /// The generic extractor: which of its rules.
    Generic(&'static str),
    /// A time written without a zone, read in a zone guessed from the page: the rule that
    /// found it and where the zone came from.
    Zoned(Box<Rule>, String),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Selector(css) => write!(f, "selector `{css}`"),
            Rule::Trs(what) => write!(f, "TRS profile: {what}"),
            Rule::Meta(name) => write!(f, "meta {name}"),
            Rule::Generic(what) => write!(f, "generic: {what}"),
            Rule::Zoned(rule, zone) => write!(f, "{rule} (zone {zone})"),
        }
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Why a page gave no story (or no stories).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("{url}: no article body found ({reason})")]
    NoBody { url: String, reason: String },
    #[error("{url}: the page is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        url: String,
        size: usize,
        limit: usize,
    },
    #[error("{url}: list selector `{selector}` matched nothing")]
    NoListItems { url: String, selector: String },
    #[error("{url}: the {count} items of list selector `{selector}` hold no usable link")]
    NoListLinks {
        url: String,
        selector: String,
        count: usize,
    },
}
