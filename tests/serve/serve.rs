//! `serve` over real HTTP on 127.0.0.1: validators and 304s, HEAD, compression, content types,
//! health and metrics, and paths that try to leave the output folder.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use reqwest::header::{self, HeaderMap};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use beatwire::serve::{self, ServeOptions};
use beatwire::status::{PublishStatus, Status};

struct Server {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    client: reqwest::Client,
}

impl Server {
    async fn start(dir: &Path, options: ServeOptions) -> Server {
        let listener = serve::bind("127.0.0.1:0").await.expect("test setup");
        let addr = listener.local_addr().expect("test setup");
        let dir = dir.to_owned();
        let task = tokio::spawn(async move {
            serve::serve(listener, &dir, options, std::future::pending())
                .await
                .expect("test setup");
        });
        // The client's own decompression is off: the tests look at the bytes on the wire.
        let client = reqwest::Client::builder()
            .no_gzip()
            .no_brotli()
            .no_deflate()
            .build()
            .expect("test setup");
        Server { addr, task, client }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("test setup")
    }

    /// Sends `path` byte for byte (no client normalises it) and returns the status code.
    async fn raw_status(&self, path: &str) -> u16 {
        let mut stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .expect("test setup");
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("test setup");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.expect("test setup");
        let answer = String::from_utf8_lossy(&answer);
        answer
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {answer}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn header_of(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(&name)
        .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
        .to_str()
        .expect("test setup")
        .to_owned()
}

/// The demo's outputs in a temp dir: real files published by the real pipeline.
async fn published() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("test setup");
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap();
    let demo = beatwire::demo::run(dir.path(), "127.0.0.1:8080", now)
        .await
        .expect("test setup");
    let output = demo.config.beat.output.clone();
    (dir, output)
}

#[tokio::test]
async fn files_carry_validators_and_conditional_requests_get_304() {
    let (_dir, output) = published().await;
    let server = Server::start(&output, ServeOptions::default()).await;
    let on_disk = std::fs::read(output.join("feed.xml")).unwrap();

    let full = server.get("/feed.xml", &[]).await;
    assert_eq!(full.status(), 200);
    let headers = full.headers().clone();
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "application/rss+xml; charset=utf-8"
    );
    let etag = header_of(&headers, header::ETAG);
    let last_modified = header_of(&headers, header::LAST_MODIFIED);
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    assert_eq!(header_of(&headers, header::VARY), "accept-encoding");
    assert_eq!(full.bytes().await.unwrap().as_ref(), on_disk.as_slice());

    let by_etag = server
        .get("/feed.xml", &[("if-none-match", etag.as_str())])
        .await;
    assert_eq!(by_etag.status(), 304);
    assert_eq!(header_of(by_etag.headers(), header::ETAG), etag);
    assert!(by_etag.bytes().await.unwrap().is_empty());

    let weak = format!("\"other\", W/{etag}");
    let by_weak = server.get("/feed.xml", &[("if-none-match", &weak)]).await;
    assert_eq!(by_weak.status(), 304);

    let by_date = server
        .get(
            "/feed.xml",
            &[("if-modified-since", last_modified.as_str())],
        )
        .await;
    assert_eq!(by_date.status(), 304);

    // An old date or another tag gets the whole file; If-None-Match wins over the date.
    let old = server
        .get(
            "/feed.xml",
            &[("if-modified-since", "Mon, 24 Dec 2018 03:06:36 GMT")],
        )
        .await;
    assert_eq!(old.status(), 200);
    let other = server
        .get(
            "/feed.xml",
            &[
                ("if-none-match", "\"stale\""),
                ("if-modified-since", last_modified.as_str()),
            ],
        )
        .await;
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn head_gives_the_headers_of_get_without_a_body() {
    let (_dir, output) = published().await;
    let server = Server::start(&output, ServeOptions::default()).await;
    let size = std::fs::metadata(output.join("atom.xml")).unwrap().len();
    let head = server
        .client
        .head(server.url("/atom.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    let headers = head.headers().clone();
    assert_eq!(
        header_of(&headers, header::CONTENT_LENGTH),
        size.to_string()
    );
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "application/atom+xml; charset=utf-8"
    );
    assert!(headers.contains_key(header::ETAG) && headers.contains_key(header::LAST_MODIFIED));
    assert!(head.bytes().await.unwrap().is_empty());

    let post = server
        .client
        .post(server.url("/feed.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
    assert_eq!(header_of(post.headers(), header::ALLOW), "GET, HEAD");
}

#[tokio::test]
async fn every_output_has_its_content_type() {
    let (_dir, output) = published().await;
    let server = Server::start(&output, ServeOptions::default()).await;
    for (path, wanted) in [
        ("/feed.xml", "application/rss+xml; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feed.json", "application/feed+json; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
        (
            "/category/transport.xml",
            "application/rss+xml; charset=utf-8",
        ),
        ("/status.json", "application/json"),
    ] {
        let response = server.get(path, &[]).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header_of(response.headers(), header::CONTENT_TYPE),
            wanted,
            "{path}"
        );
    }
    let root = server.get("/", &[]).await.text().await.unwrap();
    assert_eq!(
        root,
        std::fs::read_to_string(output.join("index.html")).unwrap()
    );
}

#[tokio::test]
async fn gzip_and_brotli_bodies_decode_to_the_file_and_have_their_own_tags() {
    let (_dir, output) = published().await;
    let server = Server::start(&output, ServeOptions::default()).await;
    let on_disk = std::fs::read_to_string(output.join("feed.xml")).unwrap();
    let plain_tag = header_of(server.get("/feed.xml", &[]).await.headers(), header::ETAG);

    let gz = server
        .get("/feed.xml", &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(header_of(gz.headers(), header::CONTENT_ENCODING), "gzip");
    let gz_tag = header_of(gz.headers(), header::ETAG);
    assert_ne!(gz_tag, plain_tag);
    let bytes = gz.bytes().await.unwrap();
    assert!(bytes.len() < on_disk.len());
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes.as_ref())
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, on_disk);

    let br = server
        .get("/feed.xml", &[("accept-encoding", "gzip, deflate, br")])
        .await;
    assert_eq!(header_of(br.headers(), header::CONTENT_ENCODING), "br");
    let br_tag = header_of(br.headers(), header::ETAG);
    let bytes = br.bytes().await.unwrap();
    let mut text = String::new();
    brotli::Decompressor::new(bytes.as_ref(), 4096)
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, on_disk);

    // Each copy revalidates with its own tag.
    let again = server
        .get(
            "/feed.xml",
            &[
                ("accept-encoding", "br"),
                ("if-none-match", br_tag.as_str()),
            ],
        )
        .await;
    assert_eq!(again.status(), 304);
    assert_eq!(header_of(again.headers(), header::ETAG), br_tag);
}

#[tokio::test]
async fn a_republished_file_gets_a_new_tag_and_a_removed_one_is_gone() {
    let (_dir, output) = published().await;
    let server = Server::start(&output, ServeOptions::default()).await;
    let first = server.get("/feed.json", &[]).await;
    let tag = header_of(first.headers(), header::ETAG);

    let text = std::fs::read_to_string(output.join("feed.json")).unwrap();
    let changed = text.replacen("示例", "样例", 1);
    assert_ne!(changed, text);
    beatwire::publish::write_atomic(&output.join("feed.json"), changed.as_bytes()).unwrap();
    let second = server
        .get("/feed.json", &[("if-none-match", tag.as_str())])
        .await;
    assert_eq!(second.status(), 200);
    assert_ne!(header_of(second.headers(), header::ETAG), tag);
    assert_eq!(second.text().await.unwrap(), changed);

    std::fs::remove_file(output.join("feed.json")).unwrap();
    assert_eq!(server.get("/feed.json", &[]).await.status(), 404);
}

#[tokio::test]
async fn paths_outside_the_output_folder_get_404() {
    let (dir, output) = published().await;
    std::fs::write(dir.path().join("secret.txt"), "the store's neighbour").unwrap();
    std::fs::write(output.join(".hidden"), "a temp file").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), output.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), output.join("up")).unwrap();
    }
    let server = Server::start(&output, ServeOptions::default()).await;
    for path in [
        "/../secret.txt",
        "/category/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/category%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/.hidden",
        "/link.txt",
        "/up/secret.txt",
        "/up/feeds.toml",
        "/missing.xml",
        "/category/",
    ] {
        assert_eq!(server.raw_status(path).await, 404, "{path}");
    }
    assert_eq!(server.raw_status("/feed.xml").await, 200);
    assert_eq!(server.raw_status("/category/transport.xml").await, 200);
}

#[tokio::test]
async fn healthz_tells_the_age_of_the_last_publish() {
    let (_dir, output) = published().await;
    let options = ServeOptions {
        stale_after: Duration::from_secs(600),
    };
    let server = Server::start(&output, options).await;
    let fresh = server.get("/healthz", &[]).await;
    assert_eq!(fresh.status(), 200);
    let body: serde_json::Value = serde_json::from_slice(&fresh.bytes().await.unwrap()).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["stories"], 10);
    assert!(body["age_seconds"].as_i64().unwrap() < 600, "{body}");

    let old = PublishStatus {
        at: Utc::now() - chrono::Duration::hours(2),
        items: 8,
    };
    Status::record_published(&output, &old).unwrap();
    let stale = server.get("/healthz", &[]).await;
    assert_eq!(stale.status(), 503);
    let body: serde_json::Value = serde_json::from_slice(&stale.bytes().await.unwrap()).unwrap();
    assert_eq!(body["status"], "stale");
    assert!(body["age_seconds"].as_i64().unwrap() >= 7200, "{body}");

    std::fs::remove_file(output.join("status.json")).unwrap();
    assert_eq!(server.get("/healthz", &[]).await.status(), 503);
}

#[tokio::test]
async fn metrics_report_the_last_run_in_prometheus_text() {
    let (_dir, output) = published().await;
    let server = Server::start(&output, ServeOptions::default()).await;
    let tag = header_of(server.get("/feed.xml", &[]).await.headers(), header::ETAG);
    server
        .get("/feed.xml", &[("if-none-match", tag.as_str())])
        .await;
    let response = server.get("/metrics", &[]).await;
    assert_eq!(response.status(), 200);
    assert!(
        header_of(response.headers(), header::CONTENT_TYPE)
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    for line in [
        "beatwire_stories 10",
        "beatwire_sources{status=\"ok\"} 4",
        "beatwire_sources{status=\"failed\"} 0",
        "beatwire_source_up{source=\"scjjrb\"} 1",
        "beatwire_http_responses_total{code=\"304\"} 1",
        "beatwire_http_responses_total{code=\"200\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
    }
    for prefix in [
        "beatwire_fetch_duration_seconds{source=\"cqrb\"} ",
        "beatwire_last_run_timestamp_seconds ",
        "beatwire_publish_age_seconds ",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(prefix)),
            "{prefix} missing in\n{text}"
        );
    }
    // Every sample line is `name{labels} number`.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }
}
