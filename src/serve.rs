//! `beatwire serve`: HTTP for the published files, read from the output folder only.
//!
//! It never opens the store, so a cron `run` and a long-running `serve` work side by side.
//! Paths are resolved inside the output folder (`..` and encoded escapes get 404), with
//! `Last-Modified` / `If-Modified-Since` and `HEAD` from tower-http's `ServeDir`.
//!
//! Must not: open the store or run the pipeline itself (`--every` is `app`'s job).

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;

use axum::Router;
use tokio::net::TcpListener;
use tower_http::services::ServeDir;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
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

/// Serves `dir` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    dir: &Path,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let files = ServeDir::new(dir).append_index_html_on_directories(true);
    let app = Router::new().fallback_service(files);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// The address a listener really listens on, for messages.
pub fn local_addr(listener: &TcpListener) -> Option<SocketAddr> {
    listener.local_addr().ok()
}
