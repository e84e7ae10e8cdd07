//! [`FetchError`]: why a request got no usable answer, and the sorting of reqwest's errors into
//! the classes an operator acts on ([`ErrorClass`]).
//!
//! Must not: decide what a failure means for the schedule; it says what happened, with the URL.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use url::Url;

use crate::model::ErrorClass;

/// Which of the request's clocks ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPhase {
    /// The TCP (and TLS) connection was not made in time.
    Connect,
    /// Connected, but the server sent no answer.
    Answer,
    /// The body stopped arriving.
    Body,
    /// The whole request took longer than `timeout`.
    Total,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "could not connect within",
            TimeoutPhase::Answer => "no answer within",
            TimeoutPhase::Body => "the body stalled for",
            TimeoutPhase::Total => "the request took longer than",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error("{url}: {phase} {}", humantime::format_duration(*after))]
    Timeout {
        url: Url,
        phase: TimeoutPhase,
        after: Duration,
    },
    #[error("{url}: cannot resolve the host name: {reason}")]
    Dns { url: Url, reason: String },
    #[error("{url}: TLS failed: {reason}")]
    Tls { url: Url, reason: String },
    #[error("{url}: cannot connect: {reason}")]
    Connect { url: Url, reason: String },
    #[error("{url}: the answer is not HTTP: {reason}")]
    Protocol { url: Url, reason: String },
    #[error("{url}: redirect loop back to {to}")]
    RedirectLoop { url: Url, to: String },
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects { url: Url, limit: usize },
    #[error("{url}: HTTP {status} redirect without a usable Location: {reason}")]
    BadRedirect {
        url: Url,
        status: u16,
        reason: String,
    },
    #[error("{url}: HTTP {status}{}", retry_note(*retry_after))]
    Status {
        url: Url,
        status: u16,
        /// The `Retry-After` of a 429 or 503, capped at [`MAX_RETRY_AFTER`](super::MAX_RETRY_AFTER).
        retry_after: Option<Duration>,
    },
    #[error("{url}: body larger than the {limit}-byte cap (max_body)")]
    TooLarge { url: Url, limit: u64 },
    #[error("{url}: reading the body failed: {reason}")]
    Body { url: Url, reason: String },
    #[error("{url}: not requested: {} asked to wait {} more (Retry-After)",
        url.host_str().unwrap_or_default(), seconds(*wait))]
    Postponed { url: Url, wait: Duration },
    #[error("{url}: {reason}")]
    Request { url: Url, reason: String },
}

fn retry_note(retry_after: Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |wait| {
        format!(" (Retry-After {})", seconds(wait))
    })
}

/// A wait in whole seconds (rounded up): `1h 59m 57s`, not down to the nanosecond.
fn seconds(wait: Duration) -> humantime::FormattedDuration {
    humantime::format_duration(Duration::from_secs(
        wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    ))
}

impl FetchError {
    /// The HTTP status, when the server answered with one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } | FetchError::BadRedirect { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// How long the server asked to be left alone, when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            FetchError::Postponed { wait, .. } => Some(*wait),
            _ => None,
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            FetchError::Client(_) | FetchError::Request { .. } => ErrorClass::Request,
            FetchError::Timeout { phase, .. } => match phase {
                TimeoutPhase::Connect => ErrorClass::ConnectTimeout,
                TimeoutPhase::Answer => ErrorClass::NoAnswer,
                TimeoutPhase::Body => ErrorClass::Stalled,
                TimeoutPhase::Total => ErrorClass::Timeout,
            },
            FetchError::Dns { .. } => ErrorClass::Dns,
            FetchError::Tls { .. } => ErrorClass::Tls,
            FetchError::Connect { .. } => ErrorClass::Connect,
            FetchError::Protocol { .. } => ErrorClass::Protocol,
            FetchError::RedirectLoop { .. } => ErrorClass::RedirectLoop,
            FetchError::TooManyRedirects { .. } => ErrorClass::TooManyRedirects,
            FetchError::BadRedirect { .. } => ErrorClass::BadRedirect,
            FetchError::Status { status, .. } => match status {
                429 => ErrorClass::RateLimited,
                503 => ErrorClass::Unavailable,
                410 => ErrorClass::Gone,
                _ => ErrorClass::HttpStatus,
            },
            FetchError::TooLarge { .. } => ErrorClass::TooLarge,
            FetchError::Body { .. } => ErrorClass::Body,
            FetchError::Postponed { .. } => ErrorClass::Postponed,
        }
    }
}

/// Sorts an error of sending a request (connecting, waiting for the answer) into its class.
pub(super) fn classify_send(
    url: &Url,
    error: &reqwest::Error,
    connect_timeout: Duration,
) -> FetchError {
    let url = url.clone();
    let reason = error_chain(error);
    if error.is_timeout() && error.is_connect() {
        FetchError::Timeout {
            url,
            phase: TimeoutPhase::Connect,
            after: connect_timeout,
        }
    } else if error.is_dns() {
        FetchError::Dns { url, reason }
    } else if causes(error).any(is_tls) {
        FetchError::Tls { url, reason }
    } else if error.is_connect() {
        FetchError::Connect { url, reason }
    } else if causes(error).any(is_protocol) {
        FetchError::Protocol { url, reason }
    } else {
        FetchError::Request { url, reason }
    }
}

/// Sorts an error of reading a body into its class.
pub(super) fn classify_body(url: &Url, error: &reqwest::Error) -> FetchError {
    FetchError::Body {
        url: url.clone(),
        reason: error_chain(error),
    }
}

/// The error and its causes, outermost first.
fn causes<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |e| next_cause(*e))
}

/// `source()`, except that an `io::Error` wrapping another error leads to it: its own
/// `source()` skips the wrapped error (a rustls error inside two `io::Error`s, say).
fn next_cause<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a (dyn StdError + 'static)> {
    match error
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        Some(inner) => Some(inner),
        None => error.source(),
    }
}

/// rustls refused the handshake (tokio-rustls hands its error over inside an `io::Error`).
fn is_tls(error: &(dyn StdError + 'static)) -> bool {
    error.is::<rustls::Error>()
}

/// hyper could not read an HTTP message in what the server sent.
fn is_protocol(error: &(dyn StdError + 'static)) -> bool {
    error
        .downcast_ref::<hyper::Error>()
        .is_some_and(|e| e.is_parse() || e.is_parse_status() || e.is_parse_too_large())
}

/// "outer: inner: innermost", without reqwest's own repetition of the URL.
fn error_chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = causes(error).skip(1).map(ToString::to_string).collect();
    // A wrapping io::Error shows its inner error's message: once is enough.
    parts.dedup();
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    }
}
