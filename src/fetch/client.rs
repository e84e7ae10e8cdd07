//! The [`Fetcher`]: one `reqwest::Client` per run, and the body cap.
//!
//! Must not: retry, schedule or decode; those are decisions of `app` and `decode`.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use url::Url;

use super::{Body, FetchError, Fetched};
use crate::config::FetchPolicy;
use crate::model::Validators;

/// At most this many redirects are followed before a request fails.
pub const MAX_REDIRECTS: usize = 10;
/// Connecting may take at most this long, even when the whole request may take longer.
pub const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client of a run. Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    max_body: u64,
}

impl Fetcher {
    pub fn new(policy: &FetchPolicy) -> Result<Fetcher, FetchError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(policy.user_agent.clone())
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout.min(MAX_CONNECT_TIMEOUT))
            .read_timeout(policy.timeout)
            .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
            .gzip(true)
            .brotli(true)
            .deflate(true);
        if let Some(proxy) = &policy.proxy {
            let proxy = reqwest::Proxy::all(proxy.as_str())
                .map_err(|e| FetchError::Client(format!("proxy {proxy}: {e}")))?;
            builder = builder.proxy(proxy);
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(Fetcher {
            client,
            max_body: policy.max_body,
        })
    }

    /// GETs `url`, sending `validators` as `If-None-Match` / `If-Modified-Since`.
    ///
    /// The body is read chunk by chunk and abandoned once it passes the cap, so an endless or
    /// decompression-bomb body costs at most `max_body` bytes of memory.
    #[tracing::instrument(level = "debug", skip(self, validators), fields(url = %url))]
    pub async fn get(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut request = self.client.get(url.clone());
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
        let mut response = request.send().await.map_err(|e| classify(url, e))?;
        let status = response.status();
        let final_url = response.url().clone();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified { final_url });
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.clone(),
                status: status.as_u16(),
            });
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE);
        let validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        if response.content_length().is_some_and(|n| n > self.max_body) {
            return Err(FetchError::TooLarge {
                url: url.clone(),
                limit: self.max_body,
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(url, e))? {
            if body.len() as u64 + chunk.len() as u64 > self.max_body {
                return Err(FetchError::TooLarge {
                    url: url.clone(),
                    limit: self.max_body,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body(Body {
            bytes: body.into(),
            content_type,
            final_url,
            status: status.as_u16(),
            validators,
        }))
    }
}

/// Sorts a reqwest error into the class an operator acts on, keeping its cause chain.
fn classify(url: &Url, error: reqwest::Error) -> FetchError {
    let url = url.clone();
    if error.is_timeout() {
        FetchError::Timeout { url }
    } else if error.is_redirect() {
        FetchError::Redirects { url }
    } else if error.is_connect() {
        FetchError::Connect {
            url,
            reason: error_chain(&error),
        }
    } else if error.is_body() || error.is_decode() {
        FetchError::Body {
            url,
            reason: error_chain(&error),
        }
    } else {
        FetchError::Request {
            url,
            reason: error_chain(&error),
        }
    }
}

/// "outer: inner: innermost", without reqwest's own repetition of the URL.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut current = error.source();
    while let Some(e) = current {
        parts.push(e.to_string());
        current = e.source();
    }
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    }
}
