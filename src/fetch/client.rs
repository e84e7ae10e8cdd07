//! The [`Fetcher`]: one `reqwest::Client` per run, the host pool, redirects, the three clocks
//! (connect, silence, total) and the body cap.
//!
//! Must not: retry, schedule or decode; those are decisions of `schedule`, `app` and `decode`.

use std::time::{Duration, SystemTime};

use reqwest::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION, RETRY_AFTER,
};
use url::Url;

use super::error::{classify_body, classify_send};
use super::hosts::HostPool;
use super::redirect::{Chain, is_redirect};
use super::{Body, FetchError, Fetched, TimeoutPhase, headers, host_of};
use crate::config::FetchPolicy;
use crate::model::Validators;

/// At most this many redirects are followed before a request fails.
pub const MAX_REDIRECTS: usize = 10;
/// Connecting may take at most this long, even when `stall_timeout` is longer.
pub const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client of a run. Cheap to clone: clones share one connection pool and one host pool.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    hosts: std::sync::Arc<HostPool>,
    max_body: u64,
    timeout: Duration,
    connect_timeout: Duration,
    stall_timeout: Duration,
}

/// One answer of one hop of a request.
enum Hop {
    Redirect {
        status: u16,
        location: Option<String>,
    },
    Done(Box<Fetched>),
}

impl Fetcher {
    pub fn new(policy: &FetchPolicy) -> Result<Fetcher, FetchError> {
        let connect_timeout = policy
            .stall_timeout
            .min(policy.timeout)
            .min(MAX_CONNECT_TIMEOUT);
        let mut builder = reqwest::Client::builder()
            .user_agent(policy.user_agent.clone())
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
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
            hosts: std::sync::Arc::new(HostPool::new(
                policy.concurrency,
                policy.per_host,
                policy.per_host_interval,
            )),
            max_body: policy.max_body,
            timeout: policy.timeout,
            connect_timeout,
            stall_timeout: policy.stall_timeout,
        })
    }

    /// No request to `url`'s host starts for `wait` from now: a `Retry-After` remembered from an
    /// earlier run.
    pub fn postpone_host(&self, url: &Url, wait: Duration) {
        self.hosts.postpone(host_of(url), wait);
    }

    /// GETs `url`, following redirects, sending `validators` as `If-None-Match` /
    /// `If-Modified-Since`.
    ///
    /// Each hop waits for its host's turn (see `hosts`), and has `timeout` in all. The body is
    /// read chunk by chunk and abandoned once it passes the cap, so an endless or
    /// decompression-bomb body costs at most `max_body` bytes of memory.
    #[tracing::instrument(level = "debug", skip(self, validators), fields(url = %url))]
    pub async fn get(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut chain = Chain::new(url.clone());
        loop {
            let current = chain.current().clone();
            match self.hop(&current, validators, &chain).await? {
                Hop::Done(fetched) => return Ok(*fetched),
                Hop::Redirect { status, location } => {
                    tracing::debug!(url = %current, status, location, "redirected");
                    chain.follow(status, location.as_deref())?;
                }
            }
        }
    }

    /// One request, in its host's turn, within `timeout`.
    async fn hop(
        &self,
        url: &Url,
        validators: &Validators,
        chain: &Chain,
    ) -> Result<Hop, FetchError> {
        let host = host_of(url);
        let _slot = self
            .hosts
            .acquire(host)
            .await
            .map_err(|wait| FetchError::Postponed {
                url: url.clone(),
                wait,
            })?;
        let started = tokio::time::Instant::now();
        let answer = tokio::time::timeout(self.timeout, self.request(url, validators, chain))
            .await
            .unwrap_or_else(|_| {
                Err(FetchError::Timeout {
                    url: url.clone(),
                    phase: TimeoutPhase::Total,
                    after: self.timeout,
                })
            });
        tracing::debug!(url = %url, elapsed = ?started.elapsed(), ok = answer.is_ok(), "answered");
        if let Err(error) = &answer
            && let Some(wait) = error.retry_after().filter(|w| !w.is_zero())
        {
            self.hosts.postpone(host, wait);
        }
        answer
    }

    async fn request(
        &self,
        url: &Url,
        validators: &Validators,
        chain: &Chain,
    ) -> Result<Hop, FetchError> {
        let mut request = self.client.get(url.clone());
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
        // Connecting has its own clock (`connect_timeout`); once connected, the server may stay
        // silent for `stall_timeout`.
        let answer_within = self.connect_timeout + self.stall_timeout;
        let mut response = match tokio::time::timeout(answer_within, request.send()).await {
            Ok(sent) => sent.map_err(|e| classify_send(url, &e, self.connect_timeout))?,
            Err(_) => {
                return Err(FetchError::Timeout {
                    url: url.clone(),
                    phase: TimeoutPhase::Answer,
                    after: answer_within,
                });
            }
        };
        let status = response.status().as_u16();
        let header = |headers: &HeaderMap, name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        if is_redirect(status) {
            return Ok(Hop::Redirect {
                status,
                location: header(response.headers(), LOCATION),
            });
        }
        let final_url = response.url().clone();
        let moved_to = chain.moved_to().cloned();
        let max_age = header(response.headers(), CACHE_CONTROL).and_then(|v| headers::max_age(&v));
        if status == 304 {
            return Ok(Hop::Done(Box::new(Fetched::NotModified {
                final_url,
                moved_to,
                max_age,
            })));
        }
        if !(200..300).contains(&status) {
            let retry_after = matches!(status, 429 | 503)
                .then(|| header(response.headers(), RETRY_AFTER))
                .flatten()
                .and_then(|v| headers::retry_after(&v, SystemTime::now()));
            return Err(FetchError::Status {
                url: url.clone(),
                status,
                retry_after,
            });
        }
        let content_type = header(response.headers(), CONTENT_TYPE);
        let new_validators = Validators {
            etag: header(response.headers(), ETAG),
            last_modified: header(response.headers(), LAST_MODIFIED),
        };
        let too_large = || FetchError::TooLarge {
            url: url.clone(),
            limit: self.max_body,
        };
        // Known only for bodies sent as they are; a compressed body is counted as it inflates.
        if response.content_length().is_some_and(|n| n > self.max_body) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        loop {
            let chunk = tokio::time::timeout(self.stall_timeout, response.chunk())
                .await
                .map_err(|_| FetchError::Timeout {
                    url: url.clone(),
                    phase: TimeoutPhase::Body,
                    after: self.stall_timeout,
                })?
                .map_err(|e| classify_body(url, &e))?;
            let Some(chunk) = chunk else { break };
            if body.len() as u64 + chunk.len() as u64 > self.max_body {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Hop::Done(Box::new(Fetched::Body(Body {
            bytes: body.into(),
            content_type,
            final_url,
            status,
            validators: new_validators,
            moved_to,
            max_age,
        }))))
    }
}
