//! Canonical forms: absolute and canonical URLs, dates as instants, clean text, safe HTML.
//!
//! # Map
//! - [`url`]: resolving links, cleaning them for publishing, canonical links for identity.
//! - [`date`]: dates as written on Chinese and English pages → instants.
//! - [`text`]: whitespace cleanup, HTML → text, summaries, content hashes.
//! - [`sanitize`]: HTML that is safe to republish (ammonia).
//! - [`item`]: one feed or page story → an `Item` ready for identity and the store.
//!
//! This module must not decide identity: it only produces canonical forms that `dedup` compares.

pub mod date;
pub mod item;
pub mod sanitize;
pub mod text;
pub mod url;

pub use date::{date_in_url, find_date, parse_date};
pub use sanitize::sanitize;
pub use text::{clean_text, content_hash, html_to_text, summarize};
pub use url::{TRACKING_PARAMS, canonical_link, clean_link, resolve};
