//! Near-duplicate detection on the labelled set in `fixtures/dedup/`: every story goes through
//! the real identity step (`app::identity`) into a real sled store, and the stories the store
//! ends up with are compared with the labels, pair by pair.
//!
//! Run with `cargo test --test pipeline dedup:: -- --nocapture` to see the figures.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use url::Url;

use beatwire::app::identity::{self, Keyed, Writer};
use beatwire::dedup::HostAliases;
use beatwire::dedup::sketch::{SIMILAR, Sketch};
use beatwire::model::{Outlet, RawItem};
use beatwire::normalise::html_to_text;
use beatwire::normalise::item::{ItemContext, normalise_item};
use beatwire::store::{self, SharedStore};

/// One labelled fixture story.
#[derive(Debug, Clone)]
struct Labelled {
    file: String,
    source: String,
    outlet: String,
    title: String,
    link: String,
    published: DateTime<Utc>,
    cluster: String,
    body_html: String,
}

fn read_fixtures() -> Vec<Labelled> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dedup");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixtures/dedup") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read fixture");
        let (header, body) = text.split_once("\n\n").expect("header, blank line, body");
        let fields: HashMap<&str, &str> = header
            .lines()
            .map(|line| line.split_once(": ").expect("key: value"))
            .collect();
        let field = |key: &str| fields.get(key).expect(key).to_string();
        let body_html = body
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| format!("<p>{l}</p>"))
            .collect();
        out.push(Labelled {
            file: path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned(),
            source: field("source"),
            outlet: field("outlet"),
            title: field("title"),
            link: field("link"),
            published: DateTime::parse_from_rfc3339(&field("published"))
                .expect("published")
                .with_timezone(&Utc),
            cluster: field("cluster"),
            body_html,
        });
    }
    out.sort_by(|a, b| a.published.cmp(&b.published).then(a.file.cmp(&b.file)));
    out
}

/// Precision and recall over pairs of stories: a pair is "merged" when the store holds both as
/// one story, "same" when the labels say they are one.
fn pairwise(labels: &[String], found: &[String]) -> (f64, f64, usize, usize, usize) {
    let (mut merged, mut same, mut both) = (0, 0, 0);
    for i in 0..labels.len() {
        for j in i + 1..labels.len() {
            let is_same = labels[i] == labels[j];
            let is_merged = found[i] == found[j];
            same += usize::from(is_same);
            merged += usize::from(is_merged);
            both += usize::from(is_same && is_merged);
        }
    }
    let precision = if merged == 0 {
        1.0
    } else {
        both as f64 / merged as f64
    };
    let recall = if same == 0 {
        1.0
    } else {
        both as f64 / same as f64
    };
    (precision, recall, merged, same, both)
}

/// Commits each labelled story, in date order, through the real identity step: story `i` by
/// `writers[i % writers.len()]` (each a process of its own on one store). Returns the id of
/// the stored story each fixture ended up in, read back from the stories' provenance.
fn store_labelled(
    stories: &[Labelled],
    writers: &mut [Writer],
    store: &SharedStore,
) -> Vec<String> {
    let now = Utc.with_ymd_and_hms(2018, 12, 27, 0, 0, 0).unwrap();
    for (i, labelled) in stories.iter().enumerate() {
        let outlet = Outlet {
            name: labelled.outlet.clone(),
            url: None,
        };
        let base = Url::parse(&labelled.link).expect("a fixture's link");
        let ctx = ItemContext {
            source: &labelled.source,
            outlet: &outlet,
            base: &base,
            site: None,
            tz: chrono_tz::Asia::Shanghai,
            now,
        };
        let raw = RawItem {
            guid: Some(labelled.file.clone()),
            link: Some(labelled.link.clone()),
            title: Some(labelled.title.clone()),
            content: Some(labelled.body_html.clone()),
            published: Some(labelled.published),
            ..Default::default()
        };
        let normalised = [normalise_item(&raw, &ctx).expect("normalised")];
        let (keys, guids) = identity::document_keys(
            Some(store.as_ref()),
            &labelled.source,
            &HostAliases::default(),
            &normalised,
        )
        .expect("keys");
        let [story] = normalised;
        let keyed = vec![Keyed {
            story,
            keys: keys[0].clone(),
        }];
        let writer = &mut writers[i % writers.len()];
        identity::apply(writer, &labelled.source, guids, keyed, now).expect("committed");
    }
    let mut story_of_link: BTreeMap<String, String> = BTreeMap::new();
    for item in store.latest(usize::MAX).expect("latest") {
        for copy in item.sightings().iter() {
            story_of_link.insert(copy.link.clone(), item.id.clone());
        }
    }
    stories
        .iter()
        .map(|s| {
            story_of_link
                .get(&s.link)
                .cloned()
                .unwrap_or_else(|| panic!("{} is in no stored story", s.file))
        })
        .collect()
}

/// A week: the window a beat compares copies within.
const WINDOW: std::time::Duration = std::time::Duration::from_secs(7 * 86_400);

#[test]
fn labelled_near_duplicates_merge_and_look_alikes_do_not() {
    let stories = read_fixtures();
    assert!(stories.len() >= 12, "the labelled set is there");
    let dir = tempfile::tempdir().unwrap();
    let store = store::open(&store::Location::Sled(dir.path().join("beatwire.sled"))).unwrap();
    let found = store_labelled(&stories, &mut [Writer::new(store.clone(), WINDOW)], &store);
    let labels: Vec<String> = stories.iter().map(|s| s.cluster.clone()).collect();
    let (precision, recall, merged, same, both) = pairwise(&labels, &found);
    println!(
        "near-duplicate fixtures: {} stories, {} clusters, {} stored; pairs: {same} labelled same, {merged} merged, {both} both; precision {precision:.3}, recall {recall:.3}",
        stories.len(),
        {
            let mut c = labels.clone();
            c.sort();
            c.dedup();
            c.len()
        },
        store.latest(usize::MAX).unwrap().len()
    );
    for (story, id) in stories.iter().zip(&found) {
        println!("  {:<28} {:<16} → {}", story.file, story.cluster, &id[..8]);
    }
    // The margins: the least similar copies of one story, the most similar distinct stories.
    let sketches: Vec<Sketch> = stories
        .iter()
        .map(|s| Sketch::of(&s.title, &html_to_text(&s.body_html)).expect("long enough"))
        .collect();
    let (mut least_same, mut most_distinct) = (1.0f64, 0.0f64);
    for i in 0..stories.len() {
        for j in i + 1..stories.len() {
            let similarity = sketches[i].similarity(&sketches[j]);
            if labels[i] == labels[j] {
                least_same = least_same.min(similarity);
            } else {
                most_distinct = most_distinct.max(similarity);
            }
        }
    }
    println!(
        "  sketch similarity: copies at least {least_same:.3}, distinct stories at most {most_distinct:.3} (threshold {SIMILAR})"
    );
    assert!(most_distinct < SIMILAR && least_same >= SIMILAR);
    assert_eq!(precision, 1.0, "no look-alike may merge");
    assert!(recall >= 0.95, "recall {recall}");
}

/// Two processes committing in turn to one PostgreSQL store: each writer's cached sketches
/// must follow what the other stored (the changes since its last turn), so the stories end up
/// merged exactly as one writer on sled merges them. A writer that kept its first look at the
/// window would miss the copies the other stored after it.
#[test]
fn two_writers_on_one_postgres_store_merge_exactly_as_one_does() {
    let Some(database) = crate::common::postgres::TestDatabase::create() else {
        return;
    };
    let stories = read_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let sled = store::open(&store::Location::Sled(dir.path().join("beatwire.sled"))).unwrap();
    let alone = store_labelled(&stories, &mut [Writer::new(sled.clone(), WINDOW)], &sled);

    let location = store::Location::Postgres(database.url.clone());
    let (one, two) = (
        store::open(&location).unwrap(),
        store::open(&location).unwrap(),
    );
    let mut writers = [Writer::new(one.clone(), WINDOW), Writer::new(two, WINDOW)];
    let shared = store_labelled(&stories, &mut writers, &one);
    assert_eq!(shared, alone);
    let stored = |s: &SharedStore| s.latest(usize::MAX).unwrap();
    assert_eq!(stored(&one), stored(&sled));
}
