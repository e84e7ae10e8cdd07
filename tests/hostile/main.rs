//! Sites that misbehave, each in its own way, next to a good one: every misbehaviour ends as a
//! clear per-source error of its exact class, in bounded time, and the good source of the same
//! run is still published.
//!
//! The good site answers on 127.0.0.1 and the hostile one on 127.0.0.3: two hosts, so the
//! hostile one never holds up the good one. Clocks are real and short (`FETCH`).

#[path = "../common/mod.rs"]
mod common;
mod lifecycle;
mod politeness;
mod server;
mod streaming;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

use beatwire::app::report::{RunReport, SourceReport, SourceStatus};
use beatwire::app::{self, RunOptions};
use beatwire::config::Config;
use beatwire::model::ErrorClass;
use common::{Answer, TestSite, feed_source, fixture};
use server::{Behaviour, Hostile};

/// The hostile host.
const HOSTILE_IP: &str = "127.0.0.3";
/// A title of the good source's feed.
const GOOD_TITLE: &str = "西部陆海新通道班列开行突破千列 渝桂黔陇协同发力";

/// Short clocks: silence is noticed after 500 ms (plus up to 500 ms to connect), a request
/// ends after 3 s, a body after 256 KiB.
const FETCH: &str = r#"[fetch]
timeout = "3s"
stall_timeout = "500ms"
max_body = "256KiB"
per_host_interval = "0s"
every = "15m"
"#;
const TIMEOUT: Duration = Duration::from_secs(3);
const STALL: Duration = Duration::from_millis(500);
/// What a loaded 2-core machine may add to a clock.
const SLACK: Duration = Duration::from_millis(1500);

fn write_config(dir: &Path, fetch: &str, sources: &str) -> Config {
    let text = format!(
        "[beat]\ntitle = \"西南经济协作\"\nlink = \"https://example.org/beat/\"\n\
         store = \"data/beatwire.sled\"\noutput = \"public\"\n\n{fetch}\n{sources}"
    );
    let path = dir.join("feeds.toml");
    std::fs::write(&path, text).expect("write feeds.toml");
    Config::load(&path).expect("a valid config")
}

/// A site on 127.0.0.1 serving one good feed at `/good.xml`.
async fn good_site() -> TestSite {
    let site = TestSite::start().await;
    site.set(
        "/good.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    site
}

async fn run(config: &Config, force: bool, now: DateTime<Utc>) -> (RunReport, Duration) {
    run_only(config, &[], force, now).await
}

/// A run of only the sources `only` (all when empty).
async fn run_only(
    config: &Config,
    only: &[&str],
    force: bool,
    now: DateTime<Utc>,
) -> (RunReport, Duration) {
    let options = RunOptions {
        only: only.iter().map(ToString::to_string).collect(),
        force,
        publish: true,
    };
    let started = Instant::now();
    let report = app::run(config, &options, now).await.expect("the run");
    (report, started.elapsed())
}

fn source<'a>(report: &'a RunReport, id: &str) -> &'a SourceReport {
    report
        .sources
        .iter()
        .find(|s| &*s.id == id)
        .expect("the source is in the report")
}

/// The good source is fetched and its stories are in the published feed.
fn assert_good_published(report: &RunReport) {
    assert_eq!(
        source(report, "good").status,
        SourceStatus::Ok,
        "{report:#?}"
    );
    let published = report.published.as_ref().expect("published");
    let feed = std::fs::read_to_string(&published.path).expect("feed.xml");
    assert!(feed.contains(GOOD_TITLE), "the good source is published");
}

/// One run with the good source and one hostile source `bad` at `/bad.xml`: the hostile one
/// fails with `class` in less than `within`, the good one is published.
async fn fails_alone(behaviour: Behaviour, class: ErrorClass, within: Duration) -> Duration {
    let bad = Hostile::start(HOSTILE_IP).await;
    bad.set("/bad.xml", behaviour);
    fails_alone_at(&bad.url("/bad.xml"), class, within).await
}

/// [`fails_alone`] for any URL.
async fn fails_alone_at(url: &str, class: ErrorClass, within: Duration) -> Duration {
    let good = good_site().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let sources = [
        feed_source("good", "重庆日报", &good.url("/good.xml")),
        feed_source("bad", "坏站", url),
    ]
    .concat();
    let config = write_config(dir.path(), FETCH, &sources);
    let (report, elapsed) = run(&config, true, Utc::now()).await;
    let failed = source(&report, "bad");
    assert_eq!(failed.status, SourceStatus::Failed);
    assert_eq!(failed.error_class, Some(class), "{failed:#?}");
    let error = failed.error.as_deref().expect("an error");
    assert!(error.contains(url), "the error names the URL: {error}");
    assert!(
        elapsed < within,
        "{class}: took {elapsed:?}, expected under {within:?}"
    );
    assert_good_published(&report);
    elapsed
}

#[tokio::test]
async fn a_server_that_never_answers_is_left_after_the_stall_timeout() {
    // Connecting may take `STALL`, then silence may last `STALL`: well before `TIMEOUT`.
    fails_alone(
        Behaviour::NeverAnswers,
        ErrorClass::NoAnswer,
        2 * STALL + SLACK,
    )
    .await;
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_stalled() {
    fails_alone(Behaviour::Stall, ErrorClass::Stalled, STALL + SLACK).await;
}

#[tokio::test]
async fn one_byte_now_and_then_is_stopped_by_the_total_timeout() {
    let trickle = Behaviour::Trickle(STALL / 3);
    let elapsed = fails_alone(trickle, ErrorClass::Timeout, TIMEOUT + SLACK).await;
    assert!(
        elapsed >= TIMEOUT,
        "each byte came before the stall timeout"
    );
}

#[tokio::test]
async fn an_endless_body_stops_at_max_body() {
    fails_alone(Behaviour::Endless, ErrorClass::TooLarge, SLACK).await;
}

#[tokio::test]
async fn a_gzip_bomb_stops_at_max_body_counted_inflated() {
    fails_alone(Behaviour::GzipBomb, ErrorClass::TooLarge, SLACK).await;
}

#[tokio::test]
async fn an_html_page_where_a_feed_was_expected() {
    fails_alone(Behaviour::Html, ErrorClass::Html, SLACK).await;
}

#[tokio::test]
async fn an_empty_200() {
    fails_alone(Behaviour::Empty, ErrorClass::Empty, SLACK).await;
}

#[tokio::test]
async fn an_answer_that_is_not_http() {
    fails_alone(Behaviour::Garbage, ErrorClass::Protocol, SLACK).await;
}

#[tokio::test]
async fn a_server_error_without_retry_after() {
    fails_alone(
        Behaviour::Status(500, Vec::new()),
        ErrorClass::HttpStatus,
        SLACK,
    )
    .await;
}

#[tokio::test]
async fn a_redirect_loop_is_told_from_too_many_redirects() {
    let looping = Hostile::start(HOSTILE_IP).await;
    looping.set("/a.xml", Behaviour::Redirect(302, "/b.xml".to_owned()));
    looping.set("/b.xml", Behaviour::Redirect(307, "/a.xml".to_owned()));
    fails_alone_at(&looping.url("/a.xml"), ErrorClass::RedirectLoop, SLACK).await;
    assert_eq!((looping.hits("/a.xml"), looping.hits("/b.xml")), (1, 1));

    let good = good_site().await;
    let bad = Hostile::start(HOSTILE_IP).await;
    for hop in 0..=12 {
        bad.set(
            &format!("/hop/{hop}"),
            Behaviour::Redirect(307, format!("/hop/{}", hop + 1)),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        feed_source("good", "重庆日报", &good.url("/good.xml")),
        feed_source("bad", "坏站", &bad.url("/hop/0")),
    ]
    .concat();
    let config = write_config(dir.path(), FETCH, &sources);
    let (report, _) = run(&config, true, Utc::now()).await;
    let failed = source(&report, "bad");
    assert_eq!(failed.error_class, Some(ErrorClass::TooManyRedirects));
    assert_eq!(bad.hits("/hop/10"), 1);
    assert_eq!(
        bad.hits("/hop/11"),
        0,
        "ten redirects are followed, not more"
    );
    assert_good_published(&report);
}

#[tokio::test]
async fn a_refused_connection() {
    let closed = std::net::TcpListener::bind((HOSTILE_IP, 0)).unwrap();
    let url = format!("http://{}/feed.xml", closed.local_addr().unwrap());
    drop(closed);
    fails_alone_at(&url, ErrorClass::Connect, SLACK).await;
}

#[tokio::test]
async fn tls_to_a_server_that_speaks_plain_http() {
    let bad = Hostile::start(HOSTILE_IP).await;
    bad.set("/bad.xml", Behaviour::Html);
    let url = format!("https://{}/bad.xml", bad.addr);
    fails_alone_at(&url, ErrorClass::Tls, 2 * STALL + SLACK).await;
}

#[tokio::test]
async fn a_host_name_that_does_not_resolve() {
    // `.invalid` never resolves (RFC 6761), with or without a network.
    let url = "http://beatwire-test.invalid/feed.xml";
    fails_alone_at(url, ErrorClass::Dns, TIMEOUT + SLACK).await;
}

#[tokio::test]
async fn a_connection_that_is_never_accepted_times_out_connecting() {
    // A listener whose accept queue is full: the kernel drops further SYNs unanswered.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(format!("{HOSTILE_IP}:0").parse().unwrap())
        .unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..4 {
        let connect = tokio::net::TcpStream::connect(addr);
        if let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_millis(200), connect).await {
            queued.push(stream);
        }
    }
    let elapsed = fails_alone_at(
        &format!("http://{addr}/feed.xml"),
        ErrorClass::ConnectTimeout,
        STALL + SLACK,
    )
    .await;
    assert!(elapsed >= STALL);
    drop((queued, listener));
}

#[tokio::test]
async fn a_source_that_turns_hostile_keeps_what_was_published() {
    let good = good_site().await;
    let bad = Hostile::start(HOSTILE_IP).await;
    bad.set("/bad.xml", Behaviour::Feed(fixture("sites/ynrb/feed.json")));
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        feed_source("good", "重庆日报", &good.url("/good.xml")),
        feed_source("bad", "云南日报", &bad.url("/bad.xml")),
    ]
    .concat();
    let config = write_config(dir.path(), FETCH, &sources);
    let (first, _) = run(&config, true, Utc::now()).await;
    assert_eq!(source(&first, "bad").new, 3);
    let published = first.published.as_ref().unwrap();
    let before = std::fs::read(&published.path).unwrap();

    for behaviour in [Behaviour::Stall, Behaviour::GzipBomb, Behaviour::Html] {
        bad.set("/bad.xml", behaviour);
        let (report, _) = run(&config, true, Utc::now()).await;
        assert_eq!(source(&report, "bad").status, SourceStatus::Failed);
        let after = report.published.as_ref().unwrap();
        assert_eq!(after.items, published.items);
        assert_eq!(std::fs::read(&after.path).unwrap(), before, "nothing lost");
    }
}

#[tokio::test]
async fn every_misbehaviour_at_once_takes_no_longer_than_the_slowest() {
    let good = good_site().await;
    let mut hosts = Vec::new();
    let behaviours = [
        Behaviour::NeverAnswers,
        Behaviour::Stall,
        Behaviour::Trickle(STALL / 3),
        Behaviour::Endless,
        Behaviour::GzipBomb,
        Behaviour::Html,
        Behaviour::Empty,
        Behaviour::Garbage,
        Behaviour::Redirect(301, "/feed.xml".to_owned()),
        Behaviour::Status(429, vec![("Retry-After", "60".to_owned())]),
        Behaviour::Status(410, Vec::new()),
    ];
    let mut sources = feed_source("good", "重庆日报", &good.url("/good.xml"));
    for (i, behaviour) in behaviours.into_iter().enumerate() {
        // Each on a host of its own: 127.0.0.10, 127.0.0.11, ...
        let host = Hostile::start(&format!("127.0.0.{}", 10 + i)).await;
        host.set("/feed.xml", behaviour);
        sources.push_str(&feed_source(
            &format!("bad-{i}"),
            "坏站",
            &host.url("/feed.xml"),
        ));
        hosts.push(host);
    }
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), FETCH, &sources);
    let (report, elapsed) = run(&config, true, Utc::now()).await;
    let classes: Vec<_> = report.sources[1..]
        .iter()
        .map(|s| s.error_class.map_or("none".to_owned(), |c| c.to_string()))
        .collect();
    assert_eq!(
        classes,
        [
            "no_answer",
            "stalled",
            "timeout",
            "too_large",
            "too_large",
            "html",
            "empty",
            "protocol",
            "redirect_loop",
            "rate_limited",
            "gone"
        ]
    );
    assert!(elapsed < TIMEOUT + SLACK, "took {elapsed:?}");
    assert_good_published(&report);
}

/// `now` plus `seconds`, for comparing due times.
fn after(now: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    now + TimeDelta::seconds(seconds)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_run_in_parallel_yet_a_shared_story_is_stored_once() {
    // Eight outlets syndicating one feed of 150 stories (the same links), each on a host of its
    // own, all answering at the same moment: their passes store at the same time.
    let mut entries = String::new();
    for i in 0..150 {
        entries.push_str(&format!(
            "<entry><id>urn:story:{i}</id><title>川渝合作第{i}条</title>\
             <link href=\"https://cqrb.example.org/story/{i}.html\"/>\
             <updated>2026-11-27T08:00:00+08:00</updated><content type=\"html\">成渝 {i}</content></entry>"
        ));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <id>urn:feed</id><title>转载</title><updated>2026-11-27T08:00:00+08:00</updated>{entries}</feed>"
    );
    let mut hosts = Vec::new();
    let mut sources = String::new();
    for i in 0..8 {
        let host = Hostile::start(&format!("127.0.0.{}", 40 + i)).await;
        let pause = Duration::from_millis(300);
        host.set(
            "/feed.xml",
            Behaviour::Slow(pause, document.clone().into_bytes()),
        );
        sources.push_str(&feed_source(
            &format!("copy-{i}"),
            "转载",
            &host.url("/feed.xml"),
        ));
        hosts.push(host);
    }
    let dir = tempfile::tempdir().unwrap();
    // This test is about storing, not clocks: generous timeouts, so a loaded machine parsing
    // eight feeds at once does not turn a slow answer into a failure.
    let patient = FETCH
        .replace("timeout = \"3s\"", "timeout = \"30s\"")
        .replace("stall_timeout = \"500ms\"", "stall_timeout = \"20s\"");
    let config = write_config(dir.path(), &patient, &sources);
    let (report, _) = run(&config, true, Utc::now()).await;
    let new: u32 = report.sources.iter().map(|s| s.new).sum();
    let duplicates: u32 = report.sources.iter().map(|s| s.duplicates).sum();
    assert_eq!((new, duplicates), (150, 7 * 150), "{report:#?}");
}
