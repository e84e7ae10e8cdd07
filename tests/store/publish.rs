//! The same stories in a sled and in a PostgreSQL store publish the same bytes, and the
//! command line works end to end on PostgreSQL.

use std::path::Path;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use beatwire::app;
use beatwire::config::Config;
use beatwire::model::ItemKey;
use beatwire::store::{self, Location};

use crate::common::{Answer, TestSite, beatwire_command, feed_source, fixture, write_config};
use crate::harness::TestDatabase;
use crate::stories::{DAY, SEED, at, item};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 1, 20, 8, 0, 0)
        .single()
        .expect("an instant")
}

/// `feeds.toml` in `dir` with `store` as the store, loaded.
fn config_with_store(dir: &Path, sources: &str, store: &str) -> Config {
    let path = write_config(dir, sources);
    let text = std::fs::read_to_string(&path).expect("read").replace(
        "store = \"data/beatwire.sled\"",
        &format!("store = \"{store}\""),
    );
    std::fs::write(&path, &text).expect("write");
    Config::from_toml(&text, &path).expect("config")
}

fn store_the_stories(location: &Location) {
    let store = store::open(location).expect("open");
    // Ties broken by id bytes, sub-second dates, an update that moves a story, a removed one.
    let stories = [
        ("B", at(SEED)),
        ("a", at(SEED)),
        ("a-b", at(SEED)),
        ("ab", at(SEED)),
        ("四川", at(SEED)),
        ("ms", at(SEED) + TimeDelta::nanoseconds(1_200)),
        ("ms2", at(SEED) + TimeDelta::nanoseconds(1_500)),
        ("moved", at(SEED - 3 * DAY)),
        ("gone", at(SEED - DAY)),
    ];
    for (id, published) in stories {
        let mut story = item(id, published);
        story.title = format!("川渝合作 “{id}” & <标题>");
        let key = ItemKey::Link(story.link.clone());
        store.put_new_story(&story, &[key], None).expect("put");
    }
    let mut moved = item("moved", at(SEED + DAY));
    moved.updated = Some(at(SEED + DAY));
    store
        .put_story(&moved, &[], beatwire::store::SketchWrite::Keep)
        .expect("update");
    assert!(store.remove("gone", at(SEED)).expect("remove"));
    store.flush().expect("flush");
}

#[test]
fn sled_and_postgres_publish_the_same_bytes() {
    let Some(database) = TestDatabase::create() else {
        return;
    };
    let sled_dir = tempfile::tempdir().expect("tempdir");
    let pg_dir = tempfile::tempdir().expect("tempdir");
    let on_sled = config_with_store(sled_dir.path(), "", "data/beatwire.sled");
    let on_pg = config_with_store(pg_dir.path(), "", &database.url);
    assert!(matches!(on_pg.beat.store, Location::Postgres(_)));
    for config in [&on_sled, &on_pg] {
        store_the_stories(&config.beat.store);
        let published = app::publish(config, now()).expect("publish");
        assert_eq!(published.items, 8);
    }
    for file in ["feed.xml", "atom.xml", "feed.json", "index.html"] {
        let read =
            |config: &Config| std::fs::read(config.beat.output.join(file)).expect("published file");
        let (sled_bytes, pg_bytes) = (read(&on_sled), read(&on_pg));
        assert!(
            sled_bytes == pg_bytes,
            "{file} differs:\n--- sled\n{}\n--- postgres\n{}",
            String::from_utf8_lossy(&sled_bytes),
            String::from_utf8_lossy(&pg_bytes)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn run_status_and_publish_on_postgres_from_the_command_line() {
    let Some(database) = TestDatabase::create() else {
        return;
    };
    let site = TestSite::start().await;
    site.set(
        "/atom.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let url = database.url_with_password("s3cret");
    let sources = feed_source("cqrb", "重庆日报", &site.url("/atom.xml"));
    config_with_store(dir.path(), &sources, &url);

    let run = |args: &[&str]| {
        let out = beatwire_command(args, dir.path())
            .output()
            .expect("run beatwire");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains("s3cret"), "a password shown: {text}");
        (out.status.code().expect("exit code"), text)
    };
    let (code, text) = run(&["run"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        !dir.path().join("data").exists(),
        "no sled store and no lock file"
    );
    // Two at once: PostgreSQL takes no file lock.
    let (code, text) = run(&["status"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("cqrb"), "{text}");
    let (code, text) = run(&["publish"]);
    assert_eq!(code, 0, "{text}");
    let feed = std::fs::read_to_string(dir.path().join("public/feed.xml")).expect("feed.xml");
    assert!(feed.contains("西部陆海新通道班列开行突破千列"), "{feed}");
    let store = store::open(&Location::Postgres(database.url.clone())).expect("open");
    assert_eq!(store.latest(10).expect("latest").len(), 3);
    assert!(
        store
            .source_state("cqrb")
            .expect("state")
            .last_success
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn beatwire_store_in_the_environment_wins_over_the_config() {
    let Some(database) = TestDatabase::create() else {
        return;
    };
    let site = TestSite::start().await;
    site.set(
        "/atom.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let sources = feed_source("cqrb", "重庆日报", &site.url("/atom.xml"));
    write_config(dir.path(), &sources);
    let out = beatwire_command(&["run"], dir.path())
        .env("BEATWIRE_STORE", &database.url)
        .output()
        .expect("run beatwire");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("data/beatwire.sled").exists());
    let store = store::open(&Location::Postgres(database.url.clone())).expect("open");
    assert_eq!(store.latest(10).expect("latest").len(), 3);
}
