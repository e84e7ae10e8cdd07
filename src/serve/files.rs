//! The published files, kept in memory and checked against the disk on every request.
//!
//! A request path is turned into a file inside the output folder or into nothing: each segment
//! is percent-decoded and refused when it is `.` or `..`, starts with a dot (hidden and temp
//! files), or decodes to a slash, a backslash or a NUL. A file is loaded only after its real
//! path (symlinks resolved) is checked to lie inside the folder.
//!
//! Each file is cached with its identity on disk (device, inode, size, modification time): a
//! request costs one `stat`, and `publish` replacing a file (a rename: a new inode) loads the new
//! bytes. The strong `ETag` is a hash of the bytes; gzip and brotli copies are made once per
//! version, when first asked for. Files that disappear leave the cache, so memory follows the
//! folder, not the traffic.
//!
//! Must not: write anything, or serve a byte from outside the folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::HeaderValue;
use bytes::Bytes;
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};

use super::compress::{self, Coding};

/// The file served for a folder.
const INDEX: &str = "index.html";

/// Bodies smaller than this are sent as they are: compression would save less than its headers.
const MIN_COMPRESS_BYTES: usize = 256;

/// What identifies one version of a file on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    dev: u64,
    ino: u64,
    len: u64,
    modified: SystemTime,
}

impl Identity {
    fn of(meta: &std::fs::Metadata) -> Identity {
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        Identity {
            dev,
            ino,
            len: meta.len(),
            modified: meta.modified().unwrap_or(UNIX_EPOCH),
        }
    }
}

/// One version of one file, ready to send.
#[derive(Debug)]
pub struct Entry {
    identity: Identity,
    pub body: Bytes,
    pub content_type: HeaderValue,
    /// `"<hash>"`, `"<hash>-gz"`, `"<hash>-br"`: the tags of the plain, gzip and brotli bodies.
    etags: [HeaderValue; 3],
    /// Whole seconds, as `Last-Modified` says it.
    pub modified: SystemTime,
    pub last_modified: HeaderValue,
    pub compressible: bool,
    gzip: OnceLock<Option<Bytes>>,
    brotli: OnceLock<Option<Bytes>>,
}

impl Entry {
    fn load(identity: Identity, path: &Path, body: Vec<u8>) -> Entry {
        let hash = Sha256::digest(&body);
        let hash: String = hash[..10].iter().map(|b| format!("{b:02x}")).collect();
        let seconds = identity
            .modified
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let modified = UNIX_EPOCH + std::time::Duration::from_secs(seconds);
        let content_type = content_type(path, &body);
        let compressible = body.len() >= MIN_COMPRESS_BYTES && is_text(content_type);
        let etag = |suffix: &str| header_value(&format!("\"{hash}{suffix}\""));
        Entry {
            identity,
            content_type: HeaderValue::from_static(content_type),
            etags: [etag(""), etag("-gz"), etag("-br")],
            modified,
            last_modified: header_value(&httpdate::fmt_http_date(modified)),
            compressible,
            body: Bytes::from(body),
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The `ETag` of the body sent with `coding`.
    pub fn etag(&self, coding: Coding) -> &HeaderValue {
        match coding {
            Coding::Identity => &self.etags[0],
            Coding::Gzip => &self.etags[1],
            Coding::Brotli => &self.etags[2],
        }
    }

    /// The body in `coding`, compressing it the first time (call off the async threads).
    /// `None` when compression failed; the caller then sends the plain body.
    pub fn encoded(&self, coding: Coding) -> Option<Bytes> {
        let cell = match coding {
            Coding::Identity => return Some(self.body.clone()),
            Coding::Gzip => &self.gzip,
            Coding::Brotli => &self.brotli,
        };
        cell.get_or_init(|| compress::encode(coding, &self.body).map(Bytes::from))
            .clone()
    }

    /// Whether the `coding` copy is already made (then it can be sent without waiting).
    pub fn has_encoded(&self, coding: Coding) -> bool {
        match coding {
            Coding::Identity => true,
            Coding::Gzip => self.gzip.get().is_some(),
            Coding::Brotli => self.brotli.get().is_some(),
        }
    }
}

fn header_value(text: &str) -> HeaderValue {
    // Hashes and HTTP dates are ASCII; an impossible failure degrades to an empty value.
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The output folder and what has been read from it.
#[derive(Debug)]
pub struct Files {
    /// The folder with symlinks resolved: every file served lies under it.
    root: PathBuf,
    cache: RwLock<HashMap<PathBuf, Arc<Entry>>>,
}

impl Files {
    /// The folder `dir`, which must exist.
    pub fn new(dir: &Path) -> std::io::Result<Files> {
        Ok(Files {
            root: dir.canonicalize()?,
            cache: RwLock::default(),
        })
    }

    /// The file a request path names, or `None` (then 404).
    pub fn get(&self, request_path: &str) -> Option<Arc<Entry>> {
        let relative = resolve(request_path)?;
        let mut path = self.root.join(&relative);
        let mut meta = std::fs::metadata(&path).ok();
        if meta.as_ref().is_some_and(std::fs::Metadata::is_dir) {
            path.push(INDEX);
            meta = std::fs::metadata(&path).ok();
        }
        let Some(meta) = meta.filter(std::fs::Metadata::is_file) else {
            self.forget(&path);
            return None;
        };
        let identity = Identity::of(&meta);
        if let Some(entry) = self.cached(&path).filter(|e| e.identity == identity) {
            return Some(entry);
        }
        // A new version, or a first request: check where it really is, then read it.
        let real = path.canonicalize().ok()?;
        if !real.starts_with(&self.root) {
            tracing::warn!(path = %path.display(), "refused: it resolves outside the output folder");
            self.forget(&path);
            return None;
        }
        let body = std::fs::read(&real).ok()?;
        // Re-read the identity: the bytes belong to the file as it is now.
        let identity = std::fs::metadata(&real).map_or(identity, |m| Identity::of(&m));
        let entry = Arc::new(Entry::load(identity, &real, body));
        if let Ok(mut cache) = self.cache.write() {
            cache.insert(path, entry.clone());
        }
        Some(entry)
    }

    fn cached(&self, path: &Path) -> Option<Arc<Entry>> {
        self.cache.read().ok()?.get(path).cloned()
    }

    fn forget(&self, path: &Path) {
        if self.cached(path).is_some()
            && let Ok(mut cache) = self.cache.write()
        {
            cache.remove(path);
        }
    }

    /// Files held in memory, for tests and metrics.
    pub fn cached_files(&self) -> usize {
        self.cache.read().map_or(0, |c| c.len())
    }
}

/// A request path as a relative path inside the folder, or `None` when it tries to leave it
/// or names a hidden file.
pub fn resolve(request_path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for raw in request_path.split('/') {
        if raw.is_empty() {
            continue;
        }
        let segment = percent_decode_str(raw).decode_utf8().ok()?;
        let bad_char = segment.contains(['/', '\\', '\0']);
        if bad_char || segment.starts_with('.') {
            return None;
        }
        out.push(segment.as_ref());
    }
    Some(out)
}

/// The content type of a file: by what the file is, for the feed formats, else by extension.
fn content_type(path: &Path, body: &[u8]) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]);
    match extension.as_str() {
        "xml" if head.contains("<feed") => "application/atom+xml; charset=utf-8",
        "xml" if head.contains("<rss") || head.contains("<rdf:RDF") => {
            "application/rss+xml; charset=utf-8"
        }
        "xml" => "application/xml; charset=utf-8",
        "json" if head.contains("https://jsonfeed.org/version/") => {
            "application/feed+json; charset=utf-8"
        }
        "json" => "application/json",
        "html" | "htm" => "text/html; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        _ => mime_guess::from_ext(&extension)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    }
}

fn is_text(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.contains("xml")
        || content_type.contains("json")
        || content_type.starts_with("application/javascript")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_folder_or_hide_resolve_to_nothing() {
        assert_eq!(resolve("/"), Some(PathBuf::new()));
        assert_eq!(resolve("/feed.xml"), Some(PathBuf::from("feed.xml")));
        assert_eq!(
            resolve("//category/transport.xml"),
            Some(PathBuf::from("category/transport.xml"))
        );
        assert_eq!(
            resolve("/%E5%88%86%E7%B1%BB.xml"),
            Some(PathBuf::from("分类.xml"))
        );
        for bad in [
            "/../etc/passwd",
            "/category/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/a%2fb",
            "/a%5cb",
            "/a%00b",
            "/.feed.xml.abc.tmp",
            "/./feed.xml",
            "/%ff",
        ] {
            assert_eq!(resolve(bad), None, "{bad}");
        }
    }

    #[test]
    fn feed_types_come_from_the_document() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0">"#;
        let atom = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">"#;
        let json = br#"{"version": "https://jsonfeed.org/version/1.1"}"#;
        let rss_type = "application/rss+xml; charset=utf-8";
        for (name, body, wanted) in [
            ("feed.xml", &rss[..], rss_type),
            ("category/a.xml", rss, rss_type),
            ("atom.xml", atom, "application/atom+xml; charset=utf-8"),
            ("feed.json", json, "application/feed+json; charset=utf-8"),
            ("status.json", b"{}", "application/json"),
            ("logo.png", b"\x89PNG", "image/png"),
            ("index.html", b"<!DOCTYPE html>", "text/html; charset=utf-8"),
        ] {
            assert_eq!(content_type(Path::new(name), body), wanted, "{name}");
        }
    }
}
