//! Sample sites: the bundled `fixtures/sites/<site>/` folders, each served over real HTTP on its
//! own 127.0.0.1 port (so each is its own site), exactly as a news site would serve them.
//!
//! Files are sent as bytes, in their own encoding (the GB2312 feed stays GB2312). The one
//! change is `${BASE}`, replaced by the site's own origin (`http://127.0.0.1:PORT`), so that
//! absolute links in the documents lead back to the sample site. The content type comes from
//! the file name and, like many real sites, carries no charset for XML.
//!
//! Must not: know the pipeline; it is a web server for sample documents and nothing else.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use include_dir::{Dir, include_dir};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Every sample site, embedded in the binary so `demo` works from anywhere, offline.
pub static SITES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fixtures/sites");

/// The placeholder replaced by a site's origin in every file it serves.
pub const BASE_PLACEHOLDER: &[u8] = b"${BASE}";

/// One running sample site.
#[derive(Debug)]
pub struct Site {
    pub name: String,
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Site {
    /// `http://127.0.0.1:PORT`
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The absolute URL of `path` on this site.
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.origin(), path.trim_start_matches('/'))
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves the sample site `name` (a folder of `fixtures/sites`) on 127.0.0.1, on a free port.
pub async fn start(name: &str) -> std::io::Result<Site> {
    let dir = SITES.get_dir(name).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no sample site `{name}`"),
        )
    })?;
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let state = SiteState {
        dir,
        origin: format!("http://{addr}"),
    };
    let app = Router::new().fallback(serve_file).with_state(state);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "sample site stopped");
        }
    });
    Ok(Site {
        name: name.to_owned(),
        addr,
        task,
    })
}

/// The names of all bundled sample sites, sorted.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = SITES
        .dirs()
        .filter_map(|d| d.path().file_name()?.to_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

#[derive(Debug, Clone)]
struct SiteState {
    dir: &'static Dir<'static>,
    origin: String,
}

async fn serve_file(State(site): State<SiteState>, request: Request) -> Response {
    let relative = request.uri().path().trim_start_matches('/');
    let path = site.dir.path().join(relative);
    let Some(file) = site.dir.get_file(&path) else {
        return status(StatusCode::NOT_FOUND);
    };
    let body = replace_all(file.contents(), BASE_PLACEHOLDER, site.origin.as_bytes());
    Response::builder()
        .header(header::CONTENT_TYPE, content_type(relative))
        .body(Body::from(body))
        .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR))
}

fn status(code: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = code;
    response
}

/// Content types as news sites send them: XML without a charset (the document declares it).
fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit('.').next().unwrap_or_default();
    match (path.ends_with("atom.xml"), extension) {
        (true, _) => "application/atom+xml",
        (false, "xml" | "rss") => "application/rss+xml",
        (_, "json") => "application/feed+json",
        (_, "htm" | "html" | "shtml") => "text/html",
        (_, "jpg" | "jpeg") => "image/jpeg",
        (_, "png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// `haystack` with every `from` replaced by `to`, byte for byte (safe in any ASCII-compatible
/// encoding, GBK included, for an ASCII `from`).
pub fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_is_replaced_in_bytes_of_any_encoding() {
        let gbk = [b"<link>${BASE}/a</link>".as_slice(), &[0xd6, 0xd8]].concat();
        let out = replace_all(&gbk, BASE_PLACEHOLDER, b"http://127.0.0.1:9");
        assert_eq!(
            out,
            [
                b"<link>http://127.0.0.1:9/a</link>".as_slice(),
                &[0xd6, 0xd8]
            ]
            .concat()
        );
    }

    #[test]
    fn bundled_sites_are_listed() {
        assert_eq!(names(), vec!["cqrb", "scjjrb", "ynrb", "zgrb"]);
    }
}
