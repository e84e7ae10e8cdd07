//! The news sites of `bench/fetch.sh`: many hosts (127.0.0.2, 127.0.0.3, ...) on one port, each
//! answering its feeds after a fixed delay, with an ETag so that a second run gets 304s.
//!
//! It writes the configs of the benchmark's runs into `--dir`, prints `ready` once it serves,
//! and keeps a log of when each request arrived and how many were in flight, which it reports
//! at `/stats?interval_ms=N` (on the first host) as `key value` lines.
//!
//! ```text
//! fetch_bench_server --dir DIR [--hosts 50] [--sources 1000] [--delay-ms 20]
//!                    [--concurrency 32] [--interval-ms 250] [--interval-sources 10] [--port 0]
//! ```
//!
//! `--port` serves on a given port instead of one the system picks: a pass repeated on a kept
//! work directory (`KEEP=1 bench/fetch.sh`) must find its sources at the URLs they were first
//! fetched from, or their validators do not apply.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use tokio::time::Instant;

#[derive(Debug, Clone)]
struct Options {
    dir: PathBuf,
    hosts: u8,
    sources: usize,
    delay: Duration,
    concurrency: usize,
    interval: Duration,
    interval_sources: usize,
    /// The port every host listens on; 0 lets the system choose one (a bench run repeating a
    /// pass on a kept store needs the port its sources were first fetched on).
    port: u16,
}

#[derive(Debug, Default)]
struct Log {
    /// Per host: when each request arrived.
    arrivals: HashMap<IpAddr, Vec<Instant>>,
    in_flight: usize,
    most_in_flight: usize,
    per_host: HashMap<IpAddr, (usize, usize)>,
    not_modified: usize,
    full: usize,
    /// The first request's arrival and the last answer's end: the fetching as the sites saw it.
    first: Option<Instant>,
    last: Option<Instant>,
    /// How long the answers took, from the handler's start to the response: the delay as the
    /// server kept it.
    held: Duration,
}

#[derive(Debug, Clone)]
struct Site {
    ip: IpAddr,
    port: u16,
    delay: Duration,
    log: Arc<Mutex<Log>>,
    timer: Timer,
}

/// Holds answers until their time on a thread of its own, sleeping with the OS's clock: tokio's
/// timer counts whole milliseconds and rounds up, so it held a 20 ms answer for 21.2 ms on
/// average, and the bench's bound assumes 20.
#[derive(Debug, Clone)]
struct Timer {
    wake: std::sync::mpsc::Sender<(std::time::Instant, tokio::sync::oneshot::Sender<()>)>,
}

impl Timer {
    fn start() -> Timer {
        let (wake, due) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut pending: Vec<(std::time::Instant, tokio::sync::oneshot::Sender<()>)> =
                Vec::new();
            loop {
                let now = std::time::Instant::now();
                let (ready, waiting): (Vec<_>, Vec<_>) =
                    pending.drain(..).partition(|(at, _)| *at <= now);
                pending = waiting;
                for (_, answer) in ready {
                    let _ = answer.send(());
                }
                let next = pending.iter().map(|(at, _)| *at).min();
                let received = match next {
                    Some(at) => due.recv_timeout(at.saturating_duration_since(now)),
                    None => due
                        .recv()
                        .map_err(|_| std::sync::mpsc::RecvTimeoutError::Disconnected),
                };
                match received {
                    Ok(entry) => pending.push(entry),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
        });
        Timer { wake }
    }

    /// Returns at `at`.
    async fn until(&self, at: std::time::Instant) {
        let (answer, done) = tokio::sync::oneshot::channel();
        if self.wake.send((at, answer)).is_ok() {
            let _ = done.await;
        }
    }
}

fn ip(host: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + host))
}

fn options() -> Options {
    let mut options = Options {
        dir: PathBuf::from("."),
        hosts: 50,
        sources: 1000,
        delay: Duration::from_millis(20),
        concurrency: 32,
        interval: Duration::from_millis(250),
        interval_sources: 10,
        port: 0,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or_default();
        let number = || value.parse::<u64>().expect("a number");
        match pair[0].as_str() {
            "--dir" => options.dir = PathBuf::from(value),
            "--hosts" => options.hosts = u8::try_from(number()).expect("at most 250 hosts"),
            "--sources" => options.sources = number() as usize,
            "--delay-ms" => options.delay = Duration::from_millis(number()),
            "--concurrency" => options.concurrency = number() as usize,
            "--interval-ms" => options.interval = Duration::from_millis(number()),
            "--interval-sources" => options.interval_sources = number() as usize,
            "--port" => options.port = u16::try_from(number()).expect("a port"),
            other => panic!("unknown option {other}"),
        }
    }
    options
}

#[tokio::main]
async fn main() {
    let options = options();
    let log = Arc::new(Mutex::new(Log::default()));
    // Every host on the same port; a port taken on one of them means trying another.
    let (listeners, port) = 'bind: loop {
        let first = tokio::net::TcpListener::bind((ip(0), options.port))
            .await
            .expect("bind");
        let port = first.local_addr().expect("addr").port();
        let mut listeners = vec![first];
        for host in 1..options.hosts {
            match tokio::net::TcpListener::bind(SocketAddr::new(ip(host), port)).await {
                Ok(listener) => listeners.push(listener),
                Err(error) if options.port != 0 => panic!("port {port} on host {host}: {error}"),
                Err(_) => continue 'bind,
            }
        }
        break (listeners, port);
    };
    let started = Instant::now();
    let timer = Timer::start();
    for listener in listeners {
        let site = Site {
            ip: listener.local_addr().expect("addr").ip(),
            port,
            delay: options.delay,
            timer: timer.clone(),
            log: log.clone(),
        };
        let app = Router::new()
            .route("/stats", axum::routing::get(stats))
            .fallback(feed)
            .with_state((site, started));
        // Answers go out at once, as a news site's would: no Nagle delay on small responses.
        let listener = listener.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    }
    write_configs(&options, port);
    println!("ready {port}");
    std::future::pending::<()>().await;
}

/// `throughput.toml`: every source on every host; `interval.toml`: a few hosts, spaced.
fn write_configs(options: &Options, port: u16) {
    let head = |concurrency: usize, interval: Duration, store: &str| {
        format!(
            "[beat]\ntitle = \"bench\"\nlink = \"https://example.org/\"\nstore = \"{store}.sled\"\n\
             output = \"{store}-public\"\n\n[fetch]\nconcurrency = {concurrency}\nper_host = 1\n\
             per_host_interval = \"{}ms\"\ntimeout = \"30s\"\nevery = \"30m\"\n\n",
            interval.as_millis()
        )
    };
    let source = |i: usize, host: u8| {
        format!(
            "[[source]]\nid = \"s{i}\"\nurl = \"http://{}:{port}/feed/{i}.xml\"\n\n",
            ip(host)
        )
    };
    let mut text = head(options.concurrency, Duration::ZERO, "throughput");
    for i in 0..options.sources {
        text.push_str(&source(i, (i % usize::from(options.hosts)) as u8));
    }
    write(&options.dir.join("throughput.toml"), &text);

    let mut text = head(options.concurrency, options.interval, "interval");
    for host in 0..5u8 {
        for k in 0..options.interval_sources {
            text.push_str(&source(usize::from(host) * 1000 + k, host));
        }
    }
    write(&options.dir.join("interval.toml"), &text);
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

async fn feed(State((site, _)): State<(Site, Instant)>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let arrived = Instant::now();
    let due = std::time::Instant::now() + site.delay;
    {
        let mut log = site.log.lock().expect("log");
        log.first.get_or_insert_with(Instant::now);
        log.arrivals
            .entry(site.ip)
            .or_default()
            .push(Instant::now());
        log.in_flight += 1;
        log.most_in_flight = log.most_in_flight.max(log.in_flight);
        let host = log.per_host.entry(site.ip).or_default();
        host.0 += 1;
        host.1 = host.1.max(host.0);
    }
    site.timer.until(due).await;
    let response = answer(&site, &path, request.headers());
    let mut log = site.log.lock().expect("log");
    log.last = Some(Instant::now());
    log.held += arrived.elapsed();
    log.in_flight -= 1;
    if let Some(host) = log.per_host.get_mut(&site.ip) {
        host.0 -= 1;
    }
    if response.status() == StatusCode::NOT_MODIFIED {
        log.not_modified += 1;
    } else {
        log.full += 1;
    }
    response
}

fn answer(site: &Site, path: &str, headers: &HeaderMap) -> Response {
    let Some(n) = path
        .strip_prefix("/feed/")
        .and_then(|p| p.strip_suffix(".xml"))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"v1-{n}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let origin = format!("http://{}:{}", site.ip, site.port);
    let mut items = String::new();
    for k in 0..3 {
        items.push_str(&format!(
            "<item><title>第{n}号来源 第{k}条 川渝经济协作</title>\
             <link>{origin}/story/{n}/{k}.html</link><guid>{origin}/story/{n}/{k}</guid>\
             <pubDate>Fri, 27 Nov 2026 0{k}:00:00 +0800</pubDate>\
             <description>成渝地区双城经济圈建设第{k}项工作。</description></item>"
        ));
    }
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\
         <title>来源 {n}</title><link>{origin}/</link><description>bench</description>\
         {items}</channel></rss>"
    );
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml".to_owned()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

/// `key value` lines: requests, 304s, the most in flight, and per-host interval accuracy.
async fn stats(
    State((site, _)): State<(Site, Instant)>,
    Query(query): Query<HashMap<String, u64>>,
) -> String {
    let mut log = site.log.lock().expect("log");
    let interval = Duration::from_millis(query.get("interval_ms").copied().unwrap_or(0));
    let span = match (log.first, log.last) {
        (Some(first), Some(last)) => last - first,
        _ => Duration::ZERO,
    };
    let mut out = format!(
        "requests {}\nnot_modified {}\nmost_in_flight {}\nmost_in_flight_per_host {}\n\
         span_s {:.3}\nheld_ms {:.2}\n",
        log.full + log.not_modified,
        log.not_modified,
        log.most_in_flight,
        log.per_host.values().map(|h| h.1).max().unwrap_or(0),
        span.as_secs_f64(),
        log.held.as_secs_f64() * 1000.0 / (log.full + log.not_modified).max(1) as f64,
    );
    if !interval.is_zero() {
        let (mut shortest, mut worst_span) = (Duration::MAX, 0.0f64);
        for arrivals in log.arrivals.values_mut().filter(|a| a.len() > 1) {
            arrivals.sort();
            for pair in arrivals.windows(2) {
                shortest = shortest.min(pair[1] - pair[0]);
            }
            let span = (arrivals[arrivals.len() - 1] - arrivals[0]).as_secs_f64();
            let ideal = interval.as_secs_f64() * (arrivals.len() - 1) as f64;
            worst_span = worst_span.max((span / ideal - 1.0).abs());
        }
        out.push_str(&format!(
            "shortest_gap_ms {:.1}\nspan_error_pct {:.2}\n",
            shortest.as_secs_f64() * 1000.0,
            worst_span * 100.0
        ));
    }
    if query.contains_key("reset") {
        *log = Log::default();
    }
    out
}
