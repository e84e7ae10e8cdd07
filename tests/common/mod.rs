//! A real HTTP server on 127.0.0.1:0 for the integration tests, serving documents the test
//! chooses (fixtures or broken answers) and changeable while it runs.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of this helper"
)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use beatwire::demo::sites::{BASE_PLACEHOLDER, replace_all};

/// What the server answers for one path.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    /// How long the server waits before answering.
    pub delay: std::time::Duration,
}

impl Answer {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status: 200,
            content_type: content_type.to_owned(),
            body: body.into(),
            delay: std::time::Duration::ZERO,
        }
    }

    /// The same answer, given after `delay`.
    pub fn after(mut self, delay: std::time::Duration) -> Answer {
        self.delay = delay;
        self
    }

    pub fn status(status: u16) -> Answer {
        Answer {
            status,
            content_type: "text/plain".to_owned(),
            body: Vec::new(),
            delay: std::time::Duration::ZERO,
        }
    }
}

type Routes = Arc<Mutex<HashMap<String, Answer>>>;
/// Requests seen, by path.
type Hits = Arc<Mutex<HashMap<String, usize>>>;

/// A test site: a map from path to answer, served over real HTTP.
#[derive(Debug)]
pub struct TestSite {
    pub addr: SocketAddr,
    routes: Routes,
    hits: Hits,
    task: tokio::task::JoinHandle<()>,
}

impl TestSite {
    pub async fn start() -> TestSite {
        TestSite::start_on([127, 0, 0, 1]).await
    }

    /// A site on another loopback address (127.0.0.2, ...): a host of its own for the fetcher.
    pub async fn start_on(ip: [u8; 4]) -> TestSite {
        let routes: Routes = Arc::default();
        let hits: Hits = Arc::default();
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::from(ip), 0))
            .await
            .expect("bind a loopback address, port 0");
        let addr = listener.local_addr().expect("local addr");
        let app = Router::new()
            .fallback(answer)
            .with_state((routes.clone(), hits.clone()));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("test server");
        });
        TestSite {
            addr,
            routes,
            hits,
            task,
        }
    }

    /// How many requests asked for `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .expect("hits lock")
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Serves `answer` at `path`; `${BASE}` in the body becomes this site's origin.
    pub fn set(&self, path: &str, mut answer: Answer) {
        let origin = format!("http://{}", self.addr);
        answer.body = replace_all(&answer.body, BASE_PLACEHOLDER, origin.as_bytes());
        self.routes
            .lock()
            .expect("routes lock")
            .insert(path.to_owned(), answer);
    }
}

impl Drop for TestSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(State((routes, hits)): State<(Routes, Hits)>, request: Request) -> Response {
    *hits
        .lock()
        .expect("hits lock")
        .entry(request.uri().path().to_owned())
        .or_default() += 1;
    let found = routes
        .lock()
        .expect("routes lock")
        .get(request.uri().path())
        .cloned();
    let answer = found.unwrap_or_else(|| Answer::status(404));
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    Response::builder()
        .status(StatusCode::from_u16(answer.status).expect("status"))
        .header(header::CONTENT_TYPE, answer.content_type)
        .body(Body::from(answer.body))
        .expect("response")
}

/// The bytes of a file under `fixtures/`.
pub fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("read {}: {e}", full.display()))
}

/// A test site serving every file under `fixtures/sites/NAME` at its path there
/// (`fixtures/sites/zgrb/jjxz/index.htm` at `/jjxz/index.htm`), as `text/html` unless it is XML
/// or JSON.
pub async fn fixture_site(name: &str) -> TestSite {
    fn walk(dir: &Path, into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("fixture folder") {
            let path = entry.expect("fixture entry").path();
            if path.is_dir() {
                walk(&path, into);
            } else {
                into.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sites")
        .join(name);
    let mut files = Vec::new();
    walk(&root, &mut files);
    let site = TestSite::start().await;
    for file in files {
        let at = file.strip_prefix(&root).expect("under the root");
        let path = format!("/{}", at.to_string_lossy().replace('\\', "/"));
        let content_type = match file.extension().and_then(|e| e.to_str()) {
            Some("xml") => "application/xml",
            Some("json") => "application/json",
            _ => "text/html",
        };
        let body = std::fs::read(&file).expect("fixture file");
        site.set(&path, Answer::ok(content_type, body));
    }
    site
}

/// Writes `feeds.toml` into `dir` with the given `[[source]]` blocks and returns its path.
pub fn write_config(dir: &Path, sources: &str) -> PathBuf {
    let text = format!(
        r#"[beat]
title = "西南经济协作"
description = "测试"
link = "https://example.org/beat/"
feed_url = "https://example.org/beat/feed.xml"
store = "data/beatwire.sled"
output = "public"

[fetch]
timeout = "5s"
every = "15m"
# Every test site answers on 127.0.0.1, one host: no need to space requests out.
per_host_interval = "0s"

{sources}"#
    );
    let path = dir.join("feeds.toml");
    std::fs::write(&path, text).expect("write feeds.toml");
    path
}

/// A `[[source]]` block for a feed.
pub fn feed_source(id: &str, name: &str, url: &str) -> String {
    format!("[[source]]\nid = \"{id}\"\nname = \"{name}\"\nurl = \"{url}\"\nkind = \"feed\"\n\n")
}

/// Runs the built `beatwire` binary in `dir`, without the environment's config or log filter.
pub fn beatwire(args: &[&str], dir: &Path) -> Output {
    beatwire_command(args, dir).output().expect("run beatwire")
}

/// Runs the binary in `dir`: its exit code, stdout and stderr (UTF-8).
pub fn beatwire_text(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = beatwire(args, dir);
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// The binary, ready to run in `dir` with `args`, without the caller's `RUST_LOG` or
/// `BEATWIRE_CONFIG` or `BEATWIRE_STORE`.
pub fn beatwire_command(args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_beatwire"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .env_remove("BEATWIRE_CONFIG")
        .env_remove("BEATWIRE_STORE");
    command
}

/// A published feed file, parsed back with feed-rs, and its text.
pub fn read_feed(path: &Path) -> (feed_rs::model::Feed, String) {
    let xml = std::fs::read_to_string(path).expect("feed.xml");
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("feed.xml parses");
    (feed, xml)
}

/// The titles of a feed's entries, in its order.
pub fn titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| e.title.clone().expect("every entry has a title").content)
        .collect()
}

/// Run options that fetch every source, due or not, and publish when asked.
pub fn forced(publish: bool) -> beatwire::app::RunOptions {
    beatwire::app::RunOptions {
        only: Vec::new(),
        force: true,
        publish,
    }
}
pub mod postgres;
