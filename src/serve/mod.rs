//! `beatwire serve`: HTTP for the published files, read from the output folder only.
//!
//! It never opens the store, so a cron `run` and a long-running `serve` work side by side.
//!
//! # Architecture
//! - [`serve`] / [`router`]: axum on one listener, one handler for every path, graceful
//!   shutdown when the given future completes.
//! - `files.rs`: request path → a file inside the folder (or 404), kept in memory per version,
//!   with its `ETag`, `Last-Modified` and content type.
//! - `compress.rs`: `Accept-Encoding` → gzip / brotli copies, made once per version.
//! - `health.rs`: `/healthz` and `/metrics` from the folder's `status.json`.
//!
//! Every file answers `GET` and `HEAD` with `ETag`, `Last-Modified`, `Cache-Control: no-cache`
//! (readers revalidate, and revalidating costs a 304) and `Vary: Accept-Encoding`;
//! `If-None-Match` (or, without it, `If-Modified-Since`) gives 304.
//!
//! Must not: open the store or run the pipeline itself (`--every` is `app`'s job).

mod compress;
mod files;
mod health;

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use chrono::Utc;
use tokio::net::TcpListener;

pub use compress::Coding;
pub use files::resolve;
pub use health::Health;

use files::{Entry, Files};
use health::Counters;

/// How old the last publish may be before `/healthz` answers 503, unless told otherwise.
pub const DEFAULT_STALE_AFTER: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("cannot serve {}: {source}", dir.display())]
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// What `serve` needs besides the folder.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `/healthz` answers 503 when the last publish is older than this.
    pub stale_after: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            stale_after: DEFAULT_STALE_AFTER,
        }
    }
}

#[derive(Debug)]
struct Shared {
    dir: PathBuf,
    files: Files,
    options: ServeOptions,
    counters: Counters,
}

/// Binds `addr`; the returned listener's address is the real one (port 0 picks a free port).
pub async fn bind(addr: &str) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: addr.to_owned(),
            source,
        })
}

/// The application for the output folder `dir` (created when missing, so `serve --every` may
/// start before the first publish).
pub fn router(dir: &Path, options: ServeOptions) -> Result<Router, ServeError> {
    let folder_error = |source| ServeError::Folder {
        dir: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(folder_error)?;
    let shared = Arc::new(Shared {
        dir: dir.to_owned(),
        files: Files::new(dir).map_err(folder_error)?,
        options,
        counters: Counters::default(),
    });
    Ok(Router::new().fallback(handle).with_state(shared))
}

/// Serves `dir` on `listener` until `shutdown` completes; requests in flight are finished.
pub async fn serve(
    listener: TcpListener,
    dir: &Path,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    use axum::serve::ListenerExt;
    let app = router(dir, options)?;
    let listener = listener.tap_io(|tcp| {
        // Small answers (304s) go out at once instead of waiting on Nagle's algorithm.
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// The address a listener really listens on, for messages.
pub fn local_addr(listener: &TcpListener) -> Option<SocketAddr> {
    listener.local_addr().ok()
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let response = answer(&shared, &method, uri.path(), &headers).await;
    shared.counters.count(response.status().as_u16());
    response
}

async fn answer(
    shared: &Arc<Shared>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let head = method == Method::HEAD;
    match path {
        "/healthz" => {
            let health = health::health(&shared.dir, shared.options.stale_after, Utc::now());
            let status = StatusCode::from_u16(health.code()).unwrap_or(StatusCode::OK);
            let body = serde_json::to_string(&health).unwrap_or_default() + "\n";
            dynamic(status, "application/json", body, head)
        }
        "/metrics" => {
            let body = health::metrics(
                &shared.dir,
                Utc::now(),
                &shared.counters,
                shared.files.cached_files(),
            );
            dynamic(
                StatusCode::OK,
                "text/plain; version=0.0.4; charset=utf-8",
                body,
                head,
            )
        }
        path => match shared.files.get(path) {
            Some(entry) => file(entry, headers, head).await,
            None => plain(StatusCode::NOT_FOUND, "not found\n"),
        },
    }
}

/// One published file, whole, compressed, or as a 304.
async fn file(entry: Arc<Entry>, request: &HeaderMap, head: bool) -> Response {
    let coding = if entry.compressible {
        compress::choose(
            request
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok()),
        )
    } else {
        Coding::Identity
    };
    let mut builder = Response::builder()
        .header(header::ETAG, entry.etag(coding).clone())
        .header(header::LAST_MODIFIED, entry.last_modified.clone())
        .header(header::CACHE_CONTROL, "no-cache");
    if entry.compressible {
        builder = builder.header(header::VARY, "accept-encoding");
    }
    if not_modified(&entry, coding, request) {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, ""));
    }
    let (coding, body) = match body_in(&entry, coding).await {
        Some(body) => (coding, body),
        None => (Coding::Identity, entry.body.clone()),
    };
    if let Some(name) = coding.header() {
        builder = builder.header(header::CONTENT_ENCODING, name);
    }
    builder = builder
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, entry.content_type.clone())
        .header(header::CONTENT_LENGTH, body.len());
    let body = if head {
        Body::empty()
    } else {
        Body::from(body)
    };
    builder
        .body(body)
        .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, ""))
}

/// The body in `coding`; the first request for a version's copy compresses it off the async
/// threads, later ones find it made.
async fn body_in(entry: &Arc<Entry>, coding: Coding) -> Option<bytes::Bytes> {
    if entry.has_encoded(coding) {
        return entry.encoded(coding);
    }
    let entry = entry.clone();
    tokio::task::spawn_blocking(move || entry.encoded(coding))
        .await
        .ok()
        .flatten()
}

/// RFC 9110 §13.2.2: `If-None-Match` decides when present (weak comparison, `*` matches);
/// otherwise `If-Modified-Since` does.
fn not_modified(entry: &Entry, coding: Coding, request: &HeaderMap) -> bool {
    let etag = entry.etag(coding).to_str().unwrap_or_default();
    let mut if_none_match = request.get_all(header::IF_NONE_MATCH).iter().peekable();
    if if_none_match.peek().is_some() {
        return if_none_match
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag);
    }
    request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since: SystemTime| entry.modified <= since)
}

/// An answer computed per request (`/healthz`, `/metrics`): never cached.
fn dynamic(status: StatusCode, content_type: &'static str, body: String, head: bool) -> Response {
    let length = body.len();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::CONTENT_LENGTH, length)
        .body(if head {
            Body::empty()
        } else {
            Body::from(body)
        })
        .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, ""))
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
