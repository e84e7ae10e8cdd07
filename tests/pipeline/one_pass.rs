//! One source pass for `run` and `try`: the dry run predicts what the run stores, story for
//! story, on the project's sample sites (RSS, Atom, JSON Feed and a GBK page source read from
//! its list and story pages); and a GBK feed corrected in place is read again, not taken as
//! unchanged.

use crate::common;

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};

use beatwire::app::{self, RunOptions};
use beatwire::config::Config;
use beatwire::demo::{self, sites};
use beatwire::inspect::trial::{TrialOptions, try_source};
use beatwire::model::{Item, SourceStatus};
use beatwire::store::Store;
use common::{Answer, TestSite, feed_source, write_config};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn try_predicts_what_run_stores_for_every_source_kind() {
    let mut running = Vec::new();
    for name in sites::names() {
        running.push(sites::start(&name).await.unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("feeds.toml");
    std::fs::write(&config_path, demo::config_text(&running, "127.0.0.1:8080")).unwrap();
    let config = Config::load(&config_path).unwrap();
    let kinds: Vec<_> = config.sources.iter().map(|s| s.kind).collect();
    assert!(
        kinds.contains(&beatwire::model::SourceKind::Page)
            && kinds.contains(&beatwire::model::SourceKind::Feed),
        "{kinds:?}"
    );

    // The dry runs first: they write nothing, so the run after them starts from nothing.
    let mut trials = Vec::new();
    for source in &config.sources {
        let options = TrialOptions {
            limit: usize::MAX,
            ..TrialOptions::default()
        };
        let trial = try_source(&config, &source.id, &options, now())
            .await
            .unwrap();
        assert!(trial.error.is_none(), "{trial:?}");
        trials.push(trial);
    }
    assert!(
        !config.beat.store.sled_path().unwrap().exists(),
        "try wrote no store"
    );

    let options = RunOptions {
        only: Vec::new(),
        force: true,
        publish: false,
    };
    let report = app::run(&config, &options, now()).await.unwrap();
    let store = Store::open(config.beat.store.sled_path().unwrap()).unwrap();
    let stored = store.latest(usize::MAX).unwrap();
    // Every copy of every stored story, by its link: the story and the copy's source.
    let mut by_link: BTreeMap<String, (&Item, String)> = BTreeMap::new();
    for item in &stored {
        for copy in item.sightings().iter() {
            by_link.insert(copy.link.clone(), (item, copy.source.clone()));
        }
    }

    let mut compared = 0;
    for (trial, source) in trials.iter().zip(&report.sources) {
        assert_eq!(*trial.id, *source.id);
        assert_eq!(source.status, SourceStatus::Ok, "{source:?}");
        let kept: Vec<_> = trial
            .stories
            .iter()
            .filter(|s| s.dropped.is_none())
            .collect();
        let dropped = trial.stories.len() - kept.len();
        assert_eq!(
            dropped, source.filtered as usize,
            "the filter's verdicts of {}",
            trial.id
        );
        assert_eq!(
            kept.len(),
            (source.new + source.duplicates) as usize,
            "stories of {}",
            trial.id
        );
        for story in &trial.stories {
            let found = by_link.get(&story.link);
            let Some((item, copy_source)) = found.filter(|_| story.dropped.is_none()) else {
                assert!(
                    story.dropped.is_some() && found.is_none(),
                    "{} is stored exactly when the filter keeps it",
                    story.link
                );
                continue;
            };
            assert_eq!(copy_source, &trial.id, "{}", story.link);
            let published = story
                .published
                .as_deref()
                .map(|p| DateTime::parse_from_rfc3339(p).unwrap().with_timezone(&Utc));
            let copy = item.sightings().into_owned();
            let copy = copy.iter().find(|c| c.link == story.link).unwrap();
            assert_eq!(copy.outlet.name, story.outlet, "{}", story.link);
            assert_eq!(copy.published, published.unwrap_or(now()), "{}", story.link);
            if item.source == trial.id {
                // The story as this source gave it: every field the feed publishes.
                assert_eq!(item.title, story.title);
                assert_eq!(item.link, story.link);
                assert_eq!(item.authors, story.authors, "{}", story.link);
                assert_eq!(item.outlet.name, story.outlet);
                assert_eq!(item.categories, story.categories, "{}", story.link);
                assert_eq!(item.content_html, story.body_html, "{}", story.link);
                compared += 1;
            }
        }
    }
    assert!(compared >= 8, "{compared} stories compared field by field");
}

/// Two GBK titles whose bytes differ while a lossy UTF-8 reading of them is the same text.
const BEFORE: &str = "贵阳召开经济会议";
const AFTER: &str = "昆明召开经济会议";

fn gbk_feed(site: &TestSite, title: &str) -> Vec<u8> {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"gbk\"?><rss version=\"2.0\"><channel><title>贵州日报</title>\
         <item><title>{title}</title><link>{}</link><guid>gz-1</guid>\
         <pubDate>2026-11-20 09:15</pubDate><description>黔滇两省经济协作会议召开</description></item>\
         </channel></rss>",
        site.url("/a/1.htm")
    );
    encoding_rs::GBK.encode(&xml).0.into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gbk_feed_corrected_in_place_is_read_again() {
    let site = TestSite::start().await;
    let before = gbk_feed(&site, BEFORE);
    let after = gbk_feed(&site, AFTER);
    assert_ne!(before, after);
    assert_eq!(
        String::from_utf8_lossy(&before),
        String::from_utf8_lossy(&after),
        "a hash of the lossy text would take the correction for the same document"
    );
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &feed_source("gzrb", "贵州日报", &site.url("/feed.xml")),
    );
    let config = Config::load(&config).unwrap();
    let options = RunOptions {
        only: Vec::new(),
        force: true,
        publish: false,
    };

    site.set("/feed.xml", Answer::ok("application/rss+xml", before));
    let first = app::run(&config, &options, now()).await.unwrap();
    assert_eq!(first.sources[0].new, 1, "{first:?}");

    site.set("/feed.xml", Answer::ok("application/rss+xml", after));
    let later = now() + chrono::TimeDelta::hours(1);
    let second = app::run(&config, &options, later).await.unwrap();
    let source = &second.sources[0];
    assert_eq!(source.status, SourceStatus::Ok, "{source:?}");
    assert_eq!(source.updated, 1, "{source:?}");
    let store = Store::open(config.beat.store.sled_path().unwrap()).unwrap();
    let titles: Vec<String> = store
        .latest(10)
        .unwrap()
        .into_iter()
        .map(|i| i.title)
        .collect();
    assert_eq!(titles, [AFTER]);
}
