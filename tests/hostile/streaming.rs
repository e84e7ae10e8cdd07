//! A run streams its sources: a bounded window of passes at a time, fed from the hosts with
//! room, so a run of many sources holds few passes, and a slow host's sources, however many and
//! however early in the config, never keep the other hosts' sources waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;

use super::server::{Behaviour, Hostile};
use super::{FETCH, fixture, run, write_config};
use beatwire::app::report::SourceStatus;

fn feed(id: &str, url: &str) -> String {
    super::feed_source(id, "某站", url)
}

#[tokio::test]
async fn a_slow_hosts_sources_first_in_the_config_do_not_hold_up_a_fast_host() {
    let slow = Hostile::start("127.0.0.21").await;
    let fast = Hostile::start("127.0.0.22").await;
    let document = fixture("sites/cqrb/atom.xml");
    let mut sources = String::new();
    // More slow sources than the whole window holds, all before the fast ones.
    for i in 0..18 {
        let path = format!("/{i}.xml");
        slow.set(
            &path,
            Behaviour::Slow(Duration::from_millis(400), document.clone()),
        );
        sources.push_str(&feed(&format!("slow-{i}"), &slow.url(&path)));
    }
    for i in 0..10 {
        let path = format!("/{i}.xml");
        fast.set(&path, Behaviour::Feed(document.clone()));
        sources.push_str(&feed(&format!("fast-{i}"), &fast.url(&path)));
    }
    let dir = tempfile::tempdir().unwrap();
    let fetch = format!("{FETCH}per_host = 2\nconcurrency = 4\n");
    let config = write_config(dir.path(), &fetch, &sources);
    let (report, _) = run(&config, true, Utc::now()).await;
    assert!(!report.any_failed(), "{report:#?}");
    assert_eq!(slow.most_in_flight(), 2, "per_host still holds");

    let mut slow_arrivals: Vec<_> = slow.arrivals().into_iter().map(|(_, at)| at).collect();
    slow_arrivals.sort();
    let fast_arrivals: Vec<_> = fast.arrivals().into_iter().map(|(_, at)| at).collect();
    assert_eq!((slow_arrivals.len(), fast_arrivals.len()), (18, 10));
    // The slow host answers two at a time after 400 ms; its third request starts when the first
    // two are answered. By then every fast source has been fetched.
    let last_fast = fast_arrivals.iter().max().unwrap();
    assert!(
        *last_fast < slow_arrivals[2],
        "the fast host's last request came {:?} after the slow host's third",
        *last_fast - slow_arrivals[2]
    );
    // The report keeps the order of feeds.toml, whatever order the passes ended in.
    let ids: Vec<&str> = report.sources.iter().map(|s| &*s.id).collect();
    let mut expected: Vec<String> = (0..18).map(|i| format!("slow-{i}")).collect();
    expected.extend((0..10).map(|i| format!("fast-{i}")));
    assert_eq!(ids, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_of_many_sources_holds_a_bounded_window_of_passes() {
    let hosts = [
        Hostile::start("127.0.0.23").await,
        Hostile::start("127.0.0.24").await,
        Hostile::start("127.0.0.25").await,
    ];
    const SOURCES: usize = 600;
    let mut sources = String::new();
    for i in 0..SOURCES {
        let host = &hosts[i % hosts.len()];
        let path = format!("/{i}.xml");
        host.set(&path, Behaviour::Status(304, Vec::new()));
        sources.push_str(&feed(&format!("s{i}"), &host.url(&path)));
    }
    let dir = tempfile::tempdir().unwrap();
    let fetch = format!("{FETCH}per_host = 1\nconcurrency = 2\n");
    let config = write_config(dir.path(), &fetch, &sources);

    // Counts the runtime's tasks while the run goes: every pass is a task.
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();
    let (most, running) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicBool::new(true)),
    );
    let sampler = {
        let (most, running) = (most.clone(), running.clone());
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                most.fetch_max(metrics.num_alive_tasks(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    let (report, _) = run(&config, true, Utc::now()).await;
    running.store(false, Ordering::Relaxed);
    sampler.await.unwrap();

    assert_eq!(report.sources.len(), SOURCES);
    assert!(
        report
            .sources
            .iter()
            .all(|s| s.status == SourceStatus::NotModified),
        "{:#?}",
        report
            .sources
            .iter()
            .find(|s| s.status != SourceStatus::NotModified)
    );
    let most = most.load(Ordering::Relaxed);
    // The window: 4 passes per request slot (2) and per host share; the rest are the servers'
    // and the client's connection tasks.
    assert!(
        most > before && most < before + 40,
        "{most} tasks alive at most ({before} before the run) for {SOURCES} sources"
    );
}
