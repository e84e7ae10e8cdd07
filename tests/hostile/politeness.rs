//! A host that asks to be left alone (429 / 503 with `Retry-After`) is left alone, by this run
//! and the next; requests to one host are spaced and bounded; other hosts do not wait for it.

use std::time::Duration;

use chrono::{TimeDelta, Utc};

use super::server::{Behaviour, Hostile};
use super::{FETCH, after, fixture, run, run_only, source, write_config};
use beatwire::app::report::SourceStatus;
use beatwire::inspect::status::status;
use beatwire::model::ErrorClass;

fn feed(id: &str, url: &str) -> String {
    super::feed_source(id, "某站", url)
}

#[tokio::test]
async fn retry_after_postpones_the_host_for_this_run_and_the_next() {
    let host = Hostile::start("127.0.0.4").await;
    let busy = Behaviour::Status(429, vec![("Retry-After", "120".to_owned())]);
    host.set("/a.xml", busy.clone());
    host.set("/b.xml", busy);
    host.set("/c.xml", Behaviour::Feed(fixture("sites/cqrb/atom.xml")));
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        feed("a", &host.url("/a.xml")),
        feed("b", &host.url("/b.xml")),
        feed("c", &host.url("/c.xml")),
    ]
    .concat();
    let config = write_config(dir.path(), FETCH, &sources);
    let now = Utc::now();

    let (report, _) = run_only(&config, &["a", "b"], false, now).await;
    assert_eq!(
        host.hits("/a.xml") + host.hits("/b.xml"),
        1,
        "one request, then none"
    );
    let mut classes: Vec<_> = report
        .sources
        .iter()
        .map(|s| (s.error_class, s.status))
        .collect();
    classes.sort_by_key(|(class, _)| class.map(|c| c.to_string()));
    assert_eq!(
        classes,
        [
            (Some(ErrorClass::Postponed), SourceStatus::Skipped),
            (Some(ErrorClass::RateLimited), SourceStatus::Failed),
        ]
    );
    let limited = report
        .sources
        .iter()
        .find(|s| s.status == SourceStatus::Failed)
        .unwrap();
    assert_eq!(limited.http_status, Some(429));
    assert!(limited.error.as_deref().unwrap().contains("Retry-After 2m"));
    let health = status(&config).unwrap();
    let (postponed, limited) = if health.sources[0].failures == 0 {
        (&health.sources[0], &health.sources[1])
    } else {
        (&health.sources[1], &health.sources[0])
    };
    // The neighbour is due when the host's wait is over, and that is no failure of its own.
    assert_eq!(
        (postponed.failures, postponed.last_error.as_deref()),
        (0, None)
    );
    let due = postponed.next_due.unwrap();
    assert!(
        due > after(now, 110) && due <= after(now, 120),
        "{postponed:#?}"
    );
    // The source told 429 backs off as after any failure (here longer than Retry-After).
    assert_eq!(limited.failures, 1);
    assert!(limited.next_due.unwrap() > after(now, 11 * 60));

    // The next run, a minute later: `c` was never fetched and is due, but its host still waits.
    let (report, _) = run_only(&config, &["c"], false, after(now, 60)).await;
    assert_eq!(
        source(&report, "c").error_class,
        Some(ErrorClass::Postponed)
    );
    assert_eq!(host.hits("/c.xml"), 0);

    // `--force` is the operator's word: the remembered wait is not applied.
    let (report, _) = run_only(&config, &["c"], true, after(now, 60)).await;
    assert_eq!(source(&report, "c").status, SourceStatus::Ok);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured_and_a_long_one_is_capped_at_a_day() {
    let soon = Hostile::start("127.0.0.5").await;
    let far = Hostile::start("127.0.0.6").await;
    let now = Utc::now();
    let in_two_hours = std::time::SystemTime::now() + Duration::from_secs(2 * 3600);
    soon.set(
        "/feed.xml",
        Behaviour::Status(
            503,
            vec![("Retry-After", httpdate::fmt_http_date(in_two_hours))],
        ),
    );
    far.set(
        "/feed.xml",
        Behaviour::Status(429, vec![("Retry-After", "31536000".to_owned())]),
    );
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        feed("soon", &soon.url("/feed.xml")),
        feed("far", &far.url("/feed.xml")),
    ]
    .concat();
    let config = write_config(dir.path(), FETCH, &sources);
    let (report, _) = run(&config, true, now).await;
    assert_eq!(
        source(&report, "soon").error_class,
        Some(ErrorClass::Unavailable)
    );
    assert_eq!(
        source(&report, "far").error_class,
        Some(ErrorClass::RateLimited)
    );
    let health = status(&config).unwrap();
    let soon_due = health.sources[0].next_due.unwrap();
    let two_hours = now + TimeDelta::hours(2);
    assert!(
        (soon_due - two_hours).abs() < TimeDelta::seconds(5),
        "{soon_due} vs {two_hours}"
    );
    assert_eq!(health.sources[1].next_due, Some(now + TimeDelta::days(1)));
}

#[tokio::test]
async fn requests_to_one_host_are_spaced_and_other_hosts_do_not_wait() {
    let busy = Hostile::start("127.0.0.7").await;
    let other = Hostile::start("127.0.0.8").await;
    let document = fixture("sites/cqrb/atom.xml");
    let mut sources = String::new();
    for i in 0..4 {
        busy.set(&format!("/{i}.xml"), Behaviour::Feed(document.clone()));
        sources.push_str(&feed(&format!("busy-{i}"), &busy.url(&format!("/{i}.xml"))));
    }
    other.set("/feed.xml", Behaviour::Feed(document));
    sources.push_str(&feed("other", &other.url("/feed.xml")));
    let dir = tempfile::tempdir().unwrap();
    let interval = Duration::from_millis(400);
    let fetch = FETCH.replace(
        "per_host_interval = \"0s\"",
        "per_host_interval = \"400ms\"",
    );
    let config = write_config(dir.path(), &fetch, &sources);
    let (report, _) = run(&config, true, Utc::now()).await;
    assert!(!report.any_failed(), "{report:#?}");

    let mut arrivals: Vec<_> = busy.arrivals().into_iter().map(|(_, at)| at).collect();
    arrivals.sort();
    assert_eq!(arrivals.len(), 4);
    // The client spaces its starts by the interval. The first request pays for setting up the
    // client on its way, so it arrives a little late; the others arrive as they left.
    let first_gap = arrivals[1] - arrivals[0];
    assert!(first_gap >= interval * 9 / 10, "first gap {first_gap:?}");
    for pair in arrivals[1..].windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= interval - Duration::from_millis(10), "gap {gap:?}");
    }
    // The same bounds over the three gaps: the first request's late arrival shortens the span.
    let span = arrivals[3] - arrivals[0];
    assert!(
        span >= interval * 29 / 10 - Duration::from_millis(20),
        "span {span:?}"
    );
    let other_arrival = other.arrivals()[0].1;
    assert!(
        other_arrival < arrivals[1],
        "the other host was not held up by the busy one"
    );
}

#[tokio::test]
async fn per_host_bounds_the_requests_in_flight_to_one_host() {
    let host = Hostile::start("127.0.0.9").await;
    let mut sources = String::new();
    for i in 0..6 {
        let path = format!("/{i}.xml");
        let slow = Behaviour::Slow(Duration::from_millis(150), fixture("sites/cqrb/atom.xml"));
        host.set(&path, slow);
        sources.push_str(&feed(&format!("s{i}"), &host.url(&path)));
    }
    let dir = tempfile::tempdir().unwrap();
    let fetch = format!("{FETCH}per_host = 2\nconcurrency = 8\n");
    let config = write_config(dir.path(), &fetch, &sources);
    let (report, _) = run(&config, true, Utc::now()).await;
    assert!(!report.any_failed(), "{report:#?}");
    assert_eq!(host.hits("/5.xml"), 1);
    assert_eq!(host.most_in_flight(), 2);
}

#[tokio::test]
async fn validators_are_sent_back_and_a_304_or_the_same_body_ends_the_pass_early() {
    let host = Hostile::start("127.0.0.10").await;
    let document = fixture("sites/cqrb/atom.xml");
    let validators = vec![
        ("Content-Type", "application/atom+xml".to_owned()),
        ("ETag", "\"v1\"".to_owned()),
        ("Last-Modified", "Fri, 27 Nov 2026 00:00:00 GMT".to_owned()),
    ];
    host.set("/etag.xml", Behaviour::Cached(validators, document.clone()));
    host.set("/plain.xml", Behaviour::Feed(document));
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        feed("etag", &host.url("/etag.xml")),
        feed("plain", &host.url("/plain.xml")),
    ]
    .concat();
    let config = write_config(dir.path(), FETCH, &sources);
    let (first, _) = run(&config, true, Utc::now()).await;
    // Both serve one document: whichever stores first has the 3 stories, the other 3 copies.
    let (etag, plain) = (source(&first, "etag"), source(&first, "plain"));
    assert_eq!((etag.new + plain.new, etag.new + etag.duplicates), (3, 3));
    let (second, _) = run(&config, true, Utc::now()).await;

    let heads = host.heads("/etag.xml");
    let agent = format!(
        "user-agent: beatwire/{} (+https://example.org/beat/)",
        env!("CARGO_PKG_VERSION")
    );
    assert!(
        heads[0].contains(&agent),
        "an honest User-Agent: {}",
        heads[0]
    );
    assert!(!heads[0].contains("if-none-match"));
    assert!(heads[1].contains("if-none-match: \"v1\""), "{}", heads[1]);
    assert!(heads[1].contains("if-modified-since: fri, 27 nov 2026 00:00:00 gmt"));
    let etag = source(&second, "etag");
    assert_eq!(
        (etag.status, etag.http_status),
        (SourceStatus::NotModified, Some(304))
    );
    let plain = source(&second, "plain");
    assert_eq!(
        (plain.status, plain.http_status),
        (SourceStatus::NotModified, Some(200))
    );
    assert_eq!(
        (plain.new, plain.duplicates),
        (0, 0),
        "the same body is not parsed again"
    );
}

#[tokio::test]
async fn cache_control_max_age_holds_a_source_back() {
    let host = Hostile::start("127.0.0.11").await;
    let headers = vec![
        ("Content-Type", "application/atom+xml".to_owned()),
        ("Cache-Control", "public, max-age=7200".to_owned()),
    ];
    host.set(
        "/feed.xml",
        Behaviour::Cached(headers, fixture("sites/cqrb/atom.xml")),
    );
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), FETCH, &feed("cached", &host.url("/feed.xml")));
    let now = Utc::now();
    run(&config, false, now).await;
    let health = status(&config).unwrap();
    assert_eq!(
        health.sources[0].next_due,
        Some(now + TimeDelta::hours(2)),
        "not every 15m"
    );
    let (report, _) = run(&config, false, after(now, 3600)).await;
    assert_eq!(source(&report, "cached").status, SourceStatus::Skipped);
    assert_eq!(host.hits("/feed.xml"), 1);
}
