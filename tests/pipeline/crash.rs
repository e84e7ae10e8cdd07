//! A run killed in the middle (`kill -9` while it stores stories) leaves a store that opens, a
//! feed that is whole, and nothing stored twice once the next run has finished. Also
//! `beatwire prune` from the command line.
//!
//! `runs_killed_at_random_moments_lose_nothing_reported` kills 30 runs at seeded random moments
//! and takes a minute or two: it is ignored by `cargo test` and run by `.ci/run`
//! (`cargo test --test pipeline crash:: -- --ignored`). `BEATWIRE_CRASH_SEED=N` replays one
//! sequence.

use crate::common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use beatwire::model::ItemKey;
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

/// `beatwire -vv run --force` in `dir`, and the moment its log says it has read the feed (it
/// stores the stories next).
fn spawn_until_read(dir: &Path) -> (Child, std::sync::mpsc::Receiver<Instant>) {
    let mut child = beatwire(&["-vv", "run", "--force"], dir)
        .stderr(Stdio::piped())
        .spawn()
        .expect("beatwire starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        // Read to the end, so that the run never blocks on a full pipe.
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains(" read ") && line.contains("items=") {
                let _ = tx.send(Instant::now());
            }
        }
    });
    (child, rx)
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
    // How long a run spends storing once it has read the feed, measured on a scratch copy, so
    // that the kills land inside it however busy the machine is.
    let scratch = tempfile::tempdir().unwrap();
    write_config(
        scratch.path(),
        &feed_source("s", "某报", &site.url("/rss.xml")),
    );
    let (mut child, read) = spawn_until_read(scratch.path());
    let read_at = read
        .recv_timeout(Duration::from_secs(120))
        .expect("the run reads the feed");
    assert!(child.wait().unwrap().success());
    let storing = read_at.elapsed().as_millis() as u64;

    let mut killed_mid_store = false;
    for percent in [10u64, 30, 50, 70, 90, 120] {
        let delay_ms = storing * percent / 100;
        let (child, read) = spawn_until_read(dir.path());
        read.recv_timeout(Duration::from_secs(120))
            .expect("the run reads the feed");
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        kill(child);

        // The store opens (the killed process's lock went with it) and is consistent.
        let store = Store::open(config.beat.store.sled_path().unwrap())
            .expect("the store opens after a crash");
        let stored = store.len();
        assert!((2..=BIG as usize).contains(&stored), "{stored}");
        let latest = store.latest(usize::MAX).unwrap();
        assert_eq!(
            latest.len(),
            stored,
            "every story is in the time index once"
        );
        drop(store);
        eprintln!("killed {delay_ms} ms after reading the feed: {stored} stories stored");
        killed_mid_store |= stored > 2 && stored < BIG as usize;

        // The feed is whole: the one from before, or none half-written.
        let feed = std::fs::read(&feed_path).unwrap();
        feed_rs::parser::parse(feed.as_slice()).expect("the feed parses");
        if stored == BIG as usize {
            break;
        }
        assert_eq!(feed, first_feed);
    }
    assert!(
        killed_mid_store,
        "no kill landed while stories were being stored"
    );

    // The next run finishes the job: every story once, and the temp file of a write a kill
    // cut short (`status.json`'s, when the kill landed at the very end) is gone.
    let status = beatwire(&["run", "--force"], dir.path()).status().unwrap();
    assert!(status.success());
    let leftovers: Vec<_> = std::fs::read_dir(&config.beat.output)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        // Temp files of an interrupted write start with a dot; the outputs themselves stay.
        .filter(|name| name.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let store = Store::open(config.beat.store.sled_path().unwrap()).unwrap();
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

/// A small generator (64-bit LCG, top bits) so that a seed replays the same kill moments.
struct Moments(u64);

impl Moments {
    /// A number in `0..bound`.
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound.max(1)
    }
}

const SOURCES: [&str; 3] = ["a", "b", "c"];

/// Source `source`'s feed with stories `stories` (newest last), dated back from now a minute
/// apart (so that none is old enough to be pruned), each with its own text.
fn source_feed(source: &str, stories: std::ops::Range<u64>) -> String {
    let salt = u64::from(source.as_bytes()[0]) << 40;
    let now = chrono::Utc::now();
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><link>${BASE}/</link>"#,
    );
    let newest = stories.end;
    for i in stories {
        let published = now - chrono::Duration::minutes((newest - i) as i64);
        out.push_str(&format!(
            "<item><title>{source}{i} {}</title><link>${{BASE}}/{source}/{i}.htm</link><guid>{source}-{i}</guid><pubDate>{}</pubDate><description>{}</description></item>\n",
            text(salt + i, 12),
            published.to_rfc2822(),
            text(salt + i + 1_000_000, 400)
        ));
    }
    out.push_str("</channel></rss>");
    out
}

/// The sources a `-v` run reported done without failing: `INFO ...: source done source=a
/// status=Ok new=3 ...`. Their stories were stored and flushed before the line was written.
/// Only whole lines count (the kill may cut the last one).
fn reported_done(stderr: &str) -> Vec<String> {
    let whole = stderr.rsplit_once('\n').map_or("", |(lines, _)| lines);
    whole
        .lines()
        .filter(|line| line.contains("source done") && !line.contains("status=Failed"))
        .filter_map(|line| {
            let at = line.find(" source=")? + " source=".len();
            let id = line[at..].split_whitespace().next()?;
            Some(id.to_owned())
        })
        .collect()
}

fn hidden_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
                .filter(|name| name.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

// The whole of issue 8's crash check: many runs, each killed at a random moment (before, while
// or after it stores and publishes), every one followed by the checks.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "about two minutes: run by .ci/run"]
async fn runs_killed_at_random_moments_lose_nothing_reported() {
    const RUNS: u64 = 30;
    // Each run's feeds hold WINDOW stories, NEW of them not seen before: every run has about
    // the same work, so the kills spread over all of it.
    const WINDOW: u64 = 120;
    const NEW: u64 = 20;
    let window = |run: u64| run * NEW..run * NEW + WINDOW;
    let seed = std::env::var("BEATWIRE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("kill moments from BEATWIRE_CRASH_SEED={seed}");
    let mut moments = Moments(seed);

    let site = TestSite::start().await;
    let serve = |stories: std::ops::Range<u64>| {
        for source in SOURCES {
            site.set(
                &format!("/{source}.xml"),
                Answer::ok("application/rss+xml", source_feed(source, stories.clone())),
            );
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let sources: String = SOURCES
        .iter()
        .map(|s| feed_source(s, &format!("报{s}"), &site.url(&format!("/{s}.xml"))))
        .collect();
    let config_path = write_config(dir.path(), &sources);
    let config = beatwire::config::Config::load(&config_path).unwrap();
    let feed_path = config.beat.output.join("feed.xml");

    // A whole run, timed: the kills land from before a run's start to a little after its end.
    // Timed again every ten kills, on a store that has grown and been through crashes.
    let whole_run = |stories: std::ops::Range<u64>| {
        serve(stories);
        let started = Instant::now();
        assert!(
            beatwire(&["run", "--force"], dir.path())
                .status()
                .unwrap()
                .success()
        );
        let whole = started.elapsed().as_millis() as u64;
        eprintln!("a whole run: {whole} ms");
        whole
    };
    let mut whole = whole_run(0..WINDOW);
    let mut confirmed: HashSet<(String, u64)> = SOURCES
        .iter()
        .flat_map(|s| (0..WINDOW).map(|i| (s.to_string(), i)))
        .collect();

    let stderr_path = dir.path().join("run.log");
    let (mut kept_old, mut got_new) = (0, 0);
    for run in 1..=RUNS {
        if run % 10 == 0 {
            whole = whole.max(whole_run(window(run - 1)));
        }
        serve(window(run));
        let old_feed = std::fs::read(&feed_path).unwrap();
        let delay = moments.below(whole * 13 / 10);
        let child = beatwire_command(&["-v", "run", "--force"], dir.path())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(delay)).await;
        kill(child);
        let stderr = std::fs::read_to_string(&stderr_path).unwrap();
        let done = reported_done(&stderr);
        for source in &done {
            confirmed.extend(window(run).map(|i| (source.clone(), i)));
        }

        // The store opens, every story reported stored (in this run or before) is in it, and
        // its time index lists each story once.
        let store = Store::open(config.beat.store.sled_path().unwrap())
            .unwrap_or_else(|e| panic!("run {run} (seed {seed}): the store does not open: {e}"));
        for (source, i) in &confirmed {
            let key = ItemKey::Guid {
                source: source.clone(),
                guid: format!("{source}-{i}"),
            };
            assert!(
                store.find(&key).unwrap().is_some(),
                "run {run} killed after {delay} ms (seed {seed}): {source}-{i} was reported stored and is gone"
            );
        }
        assert_eq!(store.latest(usize::MAX).unwrap().len(), store.len());
        drop(store);

        // feed.xml is whole: the one from before the run, or the one this store publishes.
        let feed = std::fs::read(&feed_path).unwrap();
        feed_rs::parser::parse(feed.as_slice()).unwrap_or_else(|e| {
            panic!("run {run} killed after {delay} ms (seed {seed}): feed.xml: {e}")
        });
        let publish = beatwire(&["publish"], dir.path()).output().unwrap();
        assert!(publish.status.success(), "{publish:?}");
        let new_feed = std::fs::read(&feed_path).unwrap();
        assert!(
            feed == old_feed || feed == new_feed,
            "run {run} killed after {delay} ms (seed {seed}): feed.xml is neither the old file nor the new one"
        );
        if feed == new_feed && feed != old_feed {
            got_new += 1;
        } else {
            kept_old += 1;
        }
        let leftovers = hidden_files(&config.beat.output);
        assert!(
            leftovers.is_empty(),
            "run {run} killed after {delay} ms (seed {seed}): {leftovers:?}"
        );
        eprintln!(
            "run {run}: killed after {delay} ms, sources reported done: {done:?}, {} stories confirmed",
            confirmed.len()
        );
    }
    eprintln!(
        "{RUNS} runs killed: {kept_old} left the old feed, {got_new} had published the new one"
    );

    // A last run finishes the job: the last feeds' stories are all stored, and no story twice.
    whole_run(window(RUNS));
    confirmed.extend(
        SOURCES
            .iter()
            .flat_map(|s| window(RUNS).map(|i| (s.to_string(), i))),
    );
    let store = Store::open(config.beat.store.sled_path().unwrap()).unwrap();
    let links: HashSet<String> = store
        .latest(usize::MAX)
        .unwrap()
        .into_iter()
        .map(|item| item.link)
        .collect();
    assert_eq!(links.len(), store.len(), "a story is stored twice");
    assert!(store.len() >= confirmed.len());
    for (source, i) in &confirmed {
        assert!(
            links
                .iter()
                .any(|l| l.ends_with(&format!("/{source}/{i}.htm")))
        );
    }
}
