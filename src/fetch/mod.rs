//! HTTP for every stage that needs the network: one client, conditional GET, size caps, and
//! failures sorted into classes an operator can act on.
//!
//! # Architecture
//! - [`Fetcher`]: the one client of a run, built from `[fetch]` (`FetchPolicy`).
//! - [`Fetched`]: the outcome of a request that got an answer: `NotModified` or a `Body`.
//! - [`FetchError`]: why a request got no usable answer, always naming the URL.
//!
//! Must not: parse or decode what it fetched (bytes go out as bytes), or know about the store.

mod client;

pub use client::Fetcher;

use bytes::Bytes;
use url::Url;

use crate::model::Validators;

/// What a request answered.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: the validators still hold; nothing to do for this URL.
    NotModified { final_url: Url },
    /// A 2xx answer and its body (decompressed, at most `max_body` bytes).
    Body(Body),
}

#[derive(Debug, Clone)]
pub struct Body {
    pub bytes: Bytes,
    /// The `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The URL after redirects: relative links resolve against it.
    pub final_url: Url,
    pub status: u16,
    /// The validators to send next time.
    pub validators: Validators,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error("{url}: timed out")]
    Timeout { url: Url },
    #[error("{url}: cannot connect: {reason}")]
    Connect { url: Url, reason: String },
    #[error("{url}: too many redirects or a redirect loop")]
    Redirects { url: Url },
    #[error("{url}: HTTP {status}")]
    Status { url: Url, status: u16 },
    #[error("{url}: body larger than the {limit}-byte cap (max_body)")]
    TooLarge { url: Url, limit: u64 },
    #[error("{url}: reading the body failed: {reason}")]
    Body { url: Url, reason: String },
    #[error("{url}: {reason}")]
    Request { url: Url, reason: String },
}

impl FetchError {
    /// The HTTP status, when the server answered with one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}
