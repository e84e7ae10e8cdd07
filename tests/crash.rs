//! A run killed in the middle (`kill -9` while it stores stories) leaves a store that opens, a
//! feed that is whole, and nothing stored twice once the next run has finished. Also
//! `beatwire prune` from the command line.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use beatwire::store::Store;
use common::{Answer, TestSite, beatwire_command, feed_source, write_config};

fn beatwire(args: &[&str], dir: &std::path::Path) -> Command {
    let mut command = beatwire_command(args, dir);
    command.stdout(Stdio::null()).stderr(Stdio::null());
    command
}

/// Text of `chars` CJK characters drawn by a fixed generator from `seed`: distinct stories.
fn text(seed: u64, chars: usize) -> String {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..chars)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            char::from_u32(0x4E00 + ((state >> 33) % 0x51A5) as u32).unwrap_or('中')
        })
        .collect()
}

fn rss(count: u64) -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><link>${BASE}/</link>"#,
    );
    for i in 0..count {
        out.push_str(&format!(
            "<item><title>第{i}条 {}</title><link>${{BASE}}/n/{i}.htm</link><guid>n-{i}</guid><pubDate>2026-11-{:02} 10:00</pubDate><description>{}</description></item>\n",
            text(i, 12),
            1 + i % 26,
            text(i + 1_000_000, 600)
        ));
    }
    out.push_str("</channel></rss>");
    out
}

fn kill(mut child: Child) {
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_mid_way_leaves_a_store_that_opens_and_a_whole_feed() {
    const BIG: u64 = 1000;
    let site = TestSite::start().await;
    site.set("/rss.xml", Answer::ok("application/rss+xml", rss(2)));
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_config(dir.path(), &feed_source("s", "某报", &site.url("/rss.xml")));
    let config = beatwire::config::Config::load(&config_path).unwrap();
    let status = beatwire(&["run"], dir.path()).status().unwrap();
    assert!(status.success());
    let feed_path = config.beat.output.join("feed.xml");
    let first_feed = std::fs::read(&feed_path).unwrap();

    site.set("/rss.xml", Answer::ok("application/rss+xml", rss(BIG)));
    // How long a whole run takes here, measured on a scratch copy, so the kills land inside it.
    let scratch = tempfile::tempdir().unwrap();
    write_config(
        scratch.path(),
        &feed_source("s", "某报", &site.url("/rss.xml")),
    );
    let started = std::time::Instant::now();
    assert!(
        beatwire(&["run"], scratch.path())
            .status()
            .unwrap()
            .success()
    );
    let whole = started.elapsed().as_millis() as u64;

    let mut killed_mid_store = false;
    for percent in [50u64, 65, 80, 90, 95, 120] {
        let delay_ms = whole * percent / 100;
        let child = beatwire(&["run", "--force"], dir.path()).spawn().unwrap();
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        kill(child);

        // The store opens (the killed process's lock went with it) and is consistent.
        let store = Store::open(&config.beat.store).expect("the store opens after a crash");
        let stored = store.len();
        assert!((2..=BIG as usize).contains(&stored), "{stored}");
        let latest = store.latest(usize::MAX).unwrap();
        assert_eq!(
            latest.len(),
            stored,
            "every story is in the time index once"
        );
        drop(store);
        eprintln!("killed after {delay_ms} ms: {stored} stories stored");
        killed_mid_store |= stored > 2 && stored < BIG as usize;

        // The feed is whole: the one from before, or none half-written.
        let feed = std::fs::read(&feed_path).unwrap();
        feed_rs::parser::parse(feed.as_slice()).expect("the feed parses");
        let leftovers: Vec<_> = std::fs::read_dir(&config.beat.output)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            // Temp files of an interrupted write start with a dot; the outputs themselves stay.
            .filter(|name| name.to_string_lossy().starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        if stored == BIG as usize {
            break;
        }
        assert_eq!(feed, first_feed);
    }
    assert!(
        killed_mid_store,
        "no kill landed while stories were being stored"
    );

    // The next run finishes the job: every story once.
    let status = beatwire(&["run", "--force"], dir.path()).status().unwrap();
    assert!(status.success());
    let store = Store::open(&config.beat.store).unwrap();
    assert_eq!(store.len(), BIG as usize);
    drop(store);
    let feed = feed_rs::parser::parse(std::fs::read(&feed_path).unwrap().as_slice()).unwrap();
    assert_eq!(feed.entries.len(), 200);

    // `beatwire prune` on young stories removes nothing and says so.
    let output = beatwire(&["prune"], dir.path())
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "pruned 0 stories older than 90 days\n"
    );
}
