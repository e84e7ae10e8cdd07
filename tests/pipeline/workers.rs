//! Several `beatwire run` processes sharing one PostgreSQL store: each source is fetched once
//! in a due period, each story stored once, the published feed the same as one process's, and
//! a run killed with `kill -9` loses nothing: its hosts go to the next run once its leases
//! expire.
//!
//! Each test makes a database of its own; without a PostgreSQL server they say so and pass
//! (see `common::postgres`).

use crate::common;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::postgres::TestDatabase;
use common::{
    Answer, TestSite, beatwire_command, beatwire_text, feed_source, read_feed, write_config,
};

/// A feed of `count` stories of host `host`, feed `feed`, each with a text of its own.
fn rss(host: u8, feed: u8, count: u8) -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><link>${BASE}/</link>"#,
    );
    for i in 0..count {
        out.push_str(&format!(
            "<item><title>站点{host}第{feed}栏第{i}条：成渝地区双城经济圈项目进展{host}{feed}{i}</title>\
             <link>${{BASE}}/n/{feed}/{i}.htm</link><guid>h{host}-f{feed}-{i}</guid>\
             <pubDate>Tue, {day:02} Nov 2026 0{i}:00:00 +0800</pubDate>\
             <description>第{host}站第{feed}栏第{i}条。重庆与四川两地围绕项目{host}-{feed}-{i}签署协议，\
             推动产业协作、交通互联与公共服务共享，涉及投资{host}{feed}{i}亿元。</description></item>",
            day = 1 + host,
        ));
    }
    out.push_str("</channel></rss>");
    out
}

/// `hosts` sites on 127.0.0.2, 127.0.0.3, ..., each with `feeds` feeds of three stories,
/// answering after `delay`; the config's sources in host order.
async fn sites(hosts: u8, feeds: u8, delay: Duration) -> (Vec<TestSite>, String) {
    let mut sites = Vec::new();
    let mut sources = String::new();
    for h in 0..hosts {
        let site = TestSite::start_on([127, 0, 0, 2 + h]).await;
        for f in 0..feeds {
            let path = format!("/feed{f}.xml");
            site.set(
                &path,
                Answer::ok("application/rss+xml", rss(h, f, 3)).after(delay),
            );
            sources.push_str(&feed_source(
                &format!("h{h}-f{f}"),
                &format!("站点{h}"),
                &site.url(&path),
            ));
        }
        sites.push(site);
    }
    (sites, sources)
}

/// `feeds.toml` in `dir` with the store at `store`, and the extra `[fetch]` lines.
fn config(dir: &Path, store: &str, fetch: &str, sources: &str) {
    let path = write_config(dir, sources);
    let text = std::fs::read_to_string(&path).expect("feeds.toml");
    let text = text
        .replace(
            "store = \"data/beatwire.sled\"",
            &format!("store = \"{store}\""),
        )
        .replace("[fetch]\n", &format!("[fetch]\n{fetch}\n"))
        .replace("timeout = \"5s\"", "timeout = \"60s\"");
    std::fs::write(&path, text).expect("write feeds.toml");
}

fn spawn_run(dir: &Path) -> Child {
    beatwire_command(&["run", "--json"], dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("beatwire starts")
}

/// The ids of the published feed's entries.
fn entry_ids(dir: &Path) -> Vec<String> {
    let (feed, _) = read_feed(&dir.join("public/feed.xml"));
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_runs_on_one_store_fetch_each_source_once_and_publish_what_one_run_would() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    let (sites, sources) = sites(6, 3, Duration::from_millis(150)).await;
    let shared = tempfile::tempdir().expect("tempdir");
    config(shared.path(), &db.url, "", &sources);

    let runs: Vec<Child> = (0..3).map(|_| spawn_run(shared.path())).collect();
    let mut ran = Vec::new();
    for run in runs {
        let out = run.wait_with_output().expect("a run ends");
        let stdout = String::from_utf8(out.stdout).expect("utf-8");
        assert!(
            out.status.success(),
            "a run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_str(&stdout).expect("run --json");
        for source in report["sources"].as_array().expect("sources") {
            if source["status"] != "skipped" {
                ran.push(source["id"].as_str().expect("id").to_owned());
            }
        }
    }
    ran.sort();
    let mut every: Vec<String> = (0..6)
        .flat_map(|h| (0..3).map(move |f| format!("h{h}-f{f}")))
        .collect();
    every.sort();
    assert_eq!(
        ran, every,
        "every source was fetched by exactly one of the runs"
    );
    for site in &sites {
        for f in 0..3 {
            assert_eq!(
                site.hits(&format!("/feed{f}.xml")),
                1,
                "{} feed{f}",
                site.addr
            );
        }
    }

    // After the three, one `publish`; then one process alone on a sled store of the same sites.
    let (code, _, stderr) = beatwire_text(&["publish"], shared.path());
    assert_eq!(code, 0, "{stderr}");
    let alone = tempfile::tempdir().expect("tempdir");
    config(alone.path(), "data/beatwire.sled", "", &sources);
    let (code, _, stderr) = beatwire_text(&["run"], alone.path());
    assert_eq!(code, 0, "{stderr}");
    let ids = entry_ids(shared.path());
    assert_eq!(ids.len(), 6 * 3 * 3, "every story stored once");
    for file in ["feed.xml", "atom.xml", "feed.json"] {
        let three = std::fs::read(shared.path().join("public").join(file)).expect(file);
        let one = std::fs::read(alone.path().join("public").join(file)).expect(file);
        assert!(
            three == one,
            "{file}: three runs on PostgreSQL publish what one run on sled does"
        );
    }
    // A second round finds nothing due: no source is fetched again.
    let (code, _, stderr) = beatwire_text(&["run"], shared.path());
    assert_eq!(code, 0, "{stderr}");
    for site in &sites {
        assert_eq!(
            site.hits("/feed0.xml"),
            2,
            "the sled run's fetch and the shared run's one"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_mid_way_loses_nothing_and_its_hosts_go_to_the_next_run_after_the_lease() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    // One quick host, and one answering so slowly that the first run is killed waiting for it.
    let (quick, mut sources) = sites(1, 2, Duration::ZERO).await;
    let slow = TestSite::start_on([127, 0, 0, 9]).await;
    for f in 0..2 {
        let path = format!("/feed{f}.xml");
        slow.set(
            &path,
            Answer::ok("application/rss+xml", rss(9, f, 3)).after(Duration::from_secs(30)),
        );
        sources.push_str(&feed_source(
            &format!("slow-f{f}"),
            "慢站",
            &slow.url(&path),
        ));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    config(
        dir.path(),
        &db.url,
        "lease = \"2s\"\nstall_timeout = \"60s\"",
        &sources,
    );

    let log = std::fs::File::create(dir.path().join("first.log")).expect("log file");
    let mut first = beatwire_command(&["-vv", "run"], dir.path())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("beatwire starts");
    let started = Instant::now();
    // With per_host = 1 either of the slow host's feeds may be asked for first; the other
    // waits behind it.
    let slow_asked = || slow.hits("/feed0.xml") + slow.hits("/feed1.xml");
    while slow_asked() == 0 || quick[0].hits("/feed1.xml") == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the first run never reached both hosts: {}",
            std::fs::read_to_string(dir.path().join("first.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The quick host's stories are stored while the slow host keeps the first run waiting.
    std::thread::sleep(Duration::from_millis(1500));
    first.kill().expect("kill -9");
    first.wait().expect("reaped");
    let killed_at = Instant::now();

    // The slow host answers at once from now on.
    for f in 0..2 {
        slow.set(
            &format!("/feed{f}.xml"),
            Answer::ok("application/rss+xml", rss(9, f, 3)),
        );
    }
    // While the dead run's lease on the slow host holds, the next run leaves the host alone...
    let (code, stdout, stderr) = beatwire_text(&["run", "--json"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    if killed_at.elapsed() < Duration::from_secs(2) {
        assert!(
            !stdout.contains("slow-f0"),
            "a leased host was taken: {stdout}"
        );
    }
    // ... and once the lease has expired, the next run takes it.
    std::thread::sleep(Duration::from_secs(2).saturating_sub(killed_at.elapsed()));
    let (code, stdout, stderr) = beatwire_text(&["run", "--json"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("run --json");
    let statuses: Vec<(String, String)> = report["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or("").to_owned(),
                s["status"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    for f in 0..2 {
        assert!(
            statuses.contains(&(format!("slow-f{f}"), "ok".to_owned())),
            "the slow host's sources are fetched after the lease: {statuses:?}"
        );
    }
    let ids = entry_ids(dir.path());
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "no story published twice");
    assert_eq!(
        ids.len(),
        4 * 3,
        "every story of both hosts is stored: {ids:?} {statuses:?}"
    );
}
