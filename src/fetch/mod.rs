//! HTTP for every stage that needs the network: one client, politeness per host, conditional GET,
//! redirects, size caps, and failures sorted into classes an operator can act on.
//!
//! # Architecture
//! - [`Fetcher`]: the one client of a run, built from `[fetch]` (`FetchPolicy`). Follows
//!   redirects itself, so loops are caught and permanent moves are known.
//! - `hosts`: the [`HostPool`](hosts::HostPool): at most `concurrency` requests in flight, at most
//!   `per_host` per host, `per_host_interval` between two starts to one host, and a host's
//!   `Retry-After` honoured by every later request to it.
//! - `redirect`: one request's chain of redirects: loops, too many, permanent moves.
//! - `headers`: `Retry-After` and `Cache-Control: max-age`, read into durations.
//! - [`Fetched`]: the outcome of a request that got an answer: `NotModified` or a `Body`.
//! - [`FetchError`]: why a request got no usable answer, always naming the URL, with its
//!   [`ErrorClass`](crate::model::ErrorClass).
//!
//! Must not: parse or decode what it fetched (bytes go out as bytes), know about the store, or
//! decide when a source is due again (it reports `Retry-After` and `max-age`; `schedule` decides).

mod client;
mod error;
mod headers;
mod hosts;
mod redirect;

pub use client::{Fetcher, MAX_CONNECT_TIMEOUT, MAX_REDIRECTS};
pub use error::{FetchError, TimeoutPhase};
pub use headers::{MAX_RETRY_AFTER, max_age, retry_after};

use std::time::Duration;

use bytes::Bytes;
use url::Url;

use crate::model::Validators;

/// What a request answered.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: the validators still hold; nothing to do for this URL.
    NotModified {
        final_url: Url,
        /// Where the requested URL moved for good (see [`Body::moved_to`]).
        moved_to: Option<Url>,
        /// `Cache-Control: max-age` of the 304.
        max_age: Option<Duration>,
    },
    /// A 2xx answer and its body (decompressed, at most `max_body` bytes).
    Body(Body),
}

impl Fetched {
    /// Where the requested URL moved for good, if it did.
    pub fn moved_to(&self) -> Option<&Url> {
        match self {
            Fetched::NotModified { moved_to, .. } => moved_to.as_ref(),
            Fetched::Body(body) => body.moved_to.as_ref(),
        }
    }

    /// How long the server says the answer stays fresh (`Cache-Control: max-age`).
    pub fn max_age(&self) -> Option<Duration> {
        match self {
            Fetched::NotModified { max_age, .. } => *max_age,
            Fetched::Body(body) => body.max_age,
        }
    }
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
    /// Where the requested URL moved for good: the end of the leading 301 / 308 redirects.
    pub moved_to: Option<Url>,
    /// `Cache-Control: max-age`: the server says the document stays fresh this long.
    pub max_age: Option<Duration>,
}

/// The name politeness is counted by: the URL's host, without the port.
pub fn host_of(url: &Url) -> &str {
    url.host_str().unwrap_or_default()
}
