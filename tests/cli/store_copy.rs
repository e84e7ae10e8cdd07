//! `beatwire store copy`: a store built by real runs (with pruned and removed stories) copied
//! whole, checked record by record and by publishing from both sides; and what it refuses.

use std::path::{Path, PathBuf};

use beatwire::app;
use beatwire::config::Config;
use beatwire::dedup::GuidTrust;
use beatwire::store::{self, Backend, Counts, Location, Record};
use chrono::{DateTime, TimeZone, Utc};

use crate::common;
use common::{Answer, TestSite, beatwire_text, feed_source, fixture, write_config};

/// Long after the fixture stories were published, long before today.
fn long_ago() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 6, 1, 0, 0, 0)
        .single()
        .expect("valid instant")
}

async fn sites() -> TestSite {
    let site = TestSite::start().await;
    site.set(
        "/cqrb.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    site.set(
        "/ynrb.json",
        Answer::ok("application/feed+json", fixture("sites/ynrb/feed.json")),
    );
    site.set(
        "/scjjrb.xml",
        Answer::ok("application/rss+xml", fixture("sites/scjjrb/rss.xml")),
    );
    site
}

fn sources(site: &TestSite) -> String {
    [
        feed_source("cqrb", "重庆日报", &site.url("/cqrb.xml")),
        feed_source("ynrb", "云南日报", &site.url("/ynrb.json")),
        feed_source("scjjrb", "四川经济日报", &site.url("/scjjrb.xml")),
    ]
    .concat()
}

/// Runs the binary off the async runtime (the test site answers on it).
async fn run(args: &[&str], dir: &Path) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        beatwire_text(&args, &dir)
    })
    .await
    .expect("beatwire")
}

fn store_of(dir: &Path) -> PathBuf {
    dir.join("data/beatwire.sled")
}

fn sled(path: &Path) -> Location {
    Location::Sled(path.to_owned())
}

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

fn records(store: &dyn Backend) -> Vec<Record> {
    let mut all = Vec::new();
    store
        .export(&mut |record| {
            all.push(record);
            Ok(())
        })
        .expect("export");
    all
}

/// A store built the way a beat builds one: `cqrb` read long ago, then `beatwire run` over
/// every source (which prunes the stories of long ago), then one story removed and one
/// source's guids judged unstable. The stories pruned, and the id of the one removed.
async fn built(dir: &Path, site: &TestSite) -> (usize, String) {
    let config = Config::load(&write_config(dir, &sources(site))).expect("config");
    let options = app::RunOptions {
        only: vec!["cqrb".to_owned()],
        force: true,
        publish: false,
    };
    let report = app::run(&config, &options, long_ago()).await.expect("run");
    let pruned = report.sources[0].new as usize;
    assert!(pruned > 0, "{:?}", report.sources);
    // `run` prunes too: the stories of long ago leave, each leaving a tombstone.
    let (code, _, stderr) = run(&["run"], dir).await;
    assert_eq!(code, 0, "{stderr}");

    let store = store::open(&sled(&store_of(dir))).expect("open");
    let removed = store.latest(1).expect("latest")[0].id.clone();
    assert!(store.remove(&removed, Utc::now()).expect("remove"));
    // `app` records a source's guids as unstable when they change between fetches.
    store
        .set_guid_trust("ynrb", GuidTrust::Unstable)
        .expect("trust");
    store.flush().expect("flush");
    (pruned, removed)
}

#[tokio::test]
async fn a_copy_holds_every_record_and_publishes_the_same_feeds() {
    let site = sites().await;
    let from_dir = tempfile::tempdir().expect("tempdir");
    let (pruned, removed) = built(from_dir.path(), &site).await;
    let to_dir = tempfile::tempdir().expect("tempdir");
    write_config(to_dir.path(), &sources(&site));
    let (from, to) = (store_of(from_dir.path()), store_of(to_dir.path()));

    // Run from a folder without feeds.toml: the command needs none.
    let (code, stdout, stderr) = run(
        &[
            "store",
            "copy",
            "--from",
            text(&from),
            "--to",
            text(&to),
            "--json",
        ],
        &std::env::temp_dir(),
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(report["from"], text(&from));
    assert_eq!(report["to"], text(&to));

    let source = store::open(&sled(&from)).expect("open source");
    let copy = store::open(&sled(&to)).expect("open copy");
    let counts = source.counts().expect("counts");
    assert_eq!(copy.counts().expect("counts"), counts);
    let stories = source.latest(1_000).expect("latest");
    assert_eq!(counts.stories, stories.len() as u64);
    assert_eq!(counts.tombstones, pruned as u64 + 1);
    assert_eq!((counts.sources, counts.guid_trust), (3, 1));
    assert!(
        counts.keys > counts.stories + counts.tombstones,
        "{counts:?}"
    );
    assert!(counts.sketches > 0, "{counts:?}");
    for (field, value) in [
        ("stories", counts.stories),
        ("sketches", counts.sketches),
        ("keys", counts.keys),
        ("tombstones", counts.tombstones),
        ("sources", counts.sources),
        ("guid_trust", counts.guid_trust),
    ] {
        assert_eq!(report["counts"][field], value, "{field}");
    }

    // Every record of the source reads back the same from the copy, by the ordinary reads.
    let all = records(source.as_ref());
    for record in &all {
        match record {
            Record::Story { item, sketch } => {
                assert_eq!(copy.get(&item.id).expect("get").as_ref(), Some(item));
                let near = copy
                    .sketches_between(item.published, item.published)
                    .expect("sketches")
                    .into_iter()
                    .find(|entry| entry.id == item.id)
                    .map(|entry| entry.sketch);
                assert_eq!(near.as_ref(), sketch.as_deref(), "sketch of {}", item.id);
            }
            Record::Key { key, id } => {
                assert_eq!(copy.find(key).expect("find").as_ref(), Some(id), "{key}");
            }
            Record::Tombstone { id, tombstone } => {
                assert_eq!(
                    copy.tombstone(id).expect("tombstone").as_ref(),
                    Some(tombstone)
                );
            }
            Record::Source { id, state } => {
                assert_eq!(&copy.source_state(id).expect("state"), state, "{id}");
            }
            Record::GuidTrust { source, trust } => {
                assert_eq!(&copy.guid_trust(source).expect("trust"), trust);
            }
        }
    }
    // …and the copy holds nothing more.
    assert_eq!(records(copy.as_ref()), all);
    assert!(copy.tombstone(&removed).expect("tombstone").is_some());
    assert_eq!(copy.guid_trust("ynrb").expect("trust"), GuidTrust::Unstable);
    assert_eq!(copy.latest(1_000).expect("latest"), stories);
    drop((source, copy));

    for dir in [from_dir.path(), to_dir.path()] {
        let (code, _, stderr) = run(&["publish"], dir).await;
        assert_eq!(code, 0, "{stderr}");
    }
    for file in ["feed.xml", "atom.xml", "feed.json"] {
        let read = |dir: &Path| std::fs::read(dir.join("public").join(file)).expect(file);
        let published = read(from_dir.path());
        assert!(published.len() > 1_000, "{file}");
        assert!(read(to_dir.path()) == published, "{file} differs");
    }

    // In words, and sled to sled again from the copy.
    let again = to_dir.path().join("again.sled");
    let (code, stdout, stderr) = run(
        &[
            "store",
            "copy",
            "--from",
            "data/beatwire.sled",
            "--to",
            "again.sled",
        ],
        to_dir.path(),
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let line = format!(
        "copied data/beatwire.sled to again.sled: {}; both stores count the same\n",
        counts.describe()
    );
    assert_eq!(stdout, line);
    let again = store::open(&sled(&again)).expect("open");
    assert_eq!(records(again.as_ref()), all);
}

#[tokio::test]
async fn a_copy_to_postgres_and_back_publishes_the_same_feeds() {
    let Some(db) = common::postgres::TestDatabase::create() else {
        return;
    };
    let site = sites().await;
    let from_dir = tempfile::tempdir().expect("tempdir");
    built(from_dir.path(), &site).await;
    let back_dir = tempfile::tempdir().expect("tempdir");
    write_config(back_dir.path(), &sources(&site));
    let (from, back) = (store_of(from_dir.path()), store_of(back_dir.path()));
    for (a, b) in [
        (text(&from), db.url.as_str()),
        (db.url.as_str(), text(&back)),
    ] {
        let (code, stdout, stderr) = run(
            &["store", "copy", "--from", a, "--to", b],
            &std::env::temp_dir(),
        )
        .await;
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("both stores count the same"), "{stdout}");
    }
    let source = store::open(&sled(&from)).expect("open source");
    let all = records(source.as_ref());
    let postgres = store::open(&Location::Postgres(db.url.clone())).expect("open PostgreSQL");
    assert_eq!(records(postgres.as_ref()), all);
    let copied = store::open(&sled(&back)).expect("open copy");
    assert_eq!(records(copied.as_ref()), all);
    drop((source, postgres, copied));
    for dir in [from_dir.path(), back_dir.path()] {
        let (code, _, stderr) = run(&["publish"], dir).await;
        assert_eq!(code, 0, "{stderr}");
    }
    for file in ["feed.xml", "atom.xml", "feed.json"] {
        let read = |dir: &Path| std::fs::read(dir.join("public").join(file)).expect(file);
        assert!(
            read(back_dir.path()) == read(from_dir.path()),
            "{file} differs"
        );
    }
}

#[tokio::test]
async fn a_store_not_empty_missing_the_same_or_locked_is_refused() {
    let site = sites().await;
    let dir = tempfile::tempdir().expect("tempdir");
    write_config(
        dir.path(),
        &feed_source("cqrb", "重庆日报", &site.url("/cqrb.xml")),
    );
    let (code, _, stderr) = run(&["run"], dir.path()).await;
    assert_eq!(code, 0, "{stderr}");
    let from = "data/beatwire.sled";
    let copy = |to: &'static str| ["store", "copy", "--from", from, "--to", to];

    // A destination that holds anything at all, even only a source's state.
    {
        let other = store::open(&sled(&dir.path().join("other.sled"))).expect("open");
        other
            .set_source_state("ynrb", &Default::default())
            .expect("state");
        other.flush().expect("flush");
    }
    let (code, stdout, stderr) = run(&copy("other.sled"), dir.path()).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("not empty"), "{stderr}");
    assert!(stderr.contains("1 sources"), "{stderr}");
    let other = store::open(&sled(&dir.path().join("other.sled"))).expect("open");
    assert_eq!(
        other.counts().expect("counts"),
        Counts {
            sources: 1,
            ..Counts::default()
        }
    );
    drop(other);

    // Nothing at --from: said so, and nothing is created there or at --to.
    let (code, _, stderr) = run(
        &["store", "copy", "--from", "none.sled", "--to", "new.sled"],
        dir.path(),
    )
    .await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no store at none.sled"), "{stderr}");
    assert!(!dir.path().join("none.sled").exists());
    assert!(!dir.path().join("new.sled").exists());

    // The same store, however written.
    let (code, _, stderr) = run(&copy("./data/../data/beatwire.sled"), dir.path()).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("onto itself"), "{stderr}");

    // A run holding the store: exit 3, as for every command that takes the lock.
    let held = app::lock::RunLock::acquire(&sled(&dir.path().join(from))).expect("lock");
    let (code, _, stderr) = run(&copy("new.sled"), dir.path()).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("another beatwire run"), "{stderr}");
    drop(held);
    let (code, _, stderr) = run(&copy("new.sled"), dir.path()).await;
    assert_eq!(code, 0, "{stderr}");
}
