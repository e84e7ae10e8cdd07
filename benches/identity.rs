//! Identity and the store at scale: classify + store throughput with 100,000 stories, near-
//! duplicate lookup time at 1,000 and at 100,000 stories, the store's size on disk against the
//! raw JSON of its stories, and `publish` of 500 stories from a store of 100,000.
//!
//! `cargo bench --bench identity` (the one-off figures, fill rate and sizes, are printed
//! before criterion's own).
//!
//! Stories are generated: beat-like text made of phrases drawn from the labelled fixtures mixed
//! with random CJK characters, 500 stories a day from 20 sources, so a store of 100,000 spans
//! 200 days and a time window always holds about the same number of stories. They are
//! classified as a run meets them: a thousand at a time, as documents of 25 stories of one
//! source.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use url::Url;

use beatwire::app::identity::{self, Keyed, Writer};
use beatwire::dedup::sketch::SKETCH_BYTES;
use beatwire::dedup::{HostAliases, Sketch};
use beatwire::model::{Item, Outlet};
use beatwire::normalise::item::{Dated, Normalised};
use beatwire::publish::{self, Channel};
use beatwire::store::{SharedStore, Store};

const STORIES_PER_DAY: i64 = 500;
const SOURCES: u64 = 20;
const WINDOW: Duration = Duration::from_secs(7 * 86_400);

/// A fixed pseudo-random generator (no dependency needed for a bench's text).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// Phrases of the labelled fixtures, split at punctuation.
fn phrases() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dedup");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("fixtures/dedup") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("fixture");
        let body = text.split_once("\n\n").map_or("", |(_, b)| b);
        out.extend(
            body.split(|c: char| "，,。、；：“”（）()\n".contains(c))
                .filter(|p| p.chars().count() >= 4)
                .map(str::to_owned),
        );
    }
    out.sort();
    out.dedup();
    out
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("valid")
}

/// Story `n`: about 900 characters in paragraphs, a third of them fixture phrases.
fn story(n: u64, phrases: &[String]) -> Normalised {
    let mut rng = Lcg(n.wrapping_add(0x5eed));
    let random = |chars: usize, rng: &mut Lcg| -> String {
        (0..chars)
            .map(|_| char::from_u32(0x4E00 + (rng.next() % 0x51A5) as u32).unwrap_or('中'))
            .collect()
    };
    let mut body = String::new();
    let mut text = String::new();
    for _ in 0..6 {
        let mut paragraph = String::new();
        for _ in 0..5 {
            if rng.next().is_multiple_of(3) {
                paragraph.push_str(&phrases[(rng.next() as usize) % phrases.len()]);
            } else {
                let length = 20 + (rng.next() % 20) as usize;
                paragraph.push_str(&random(length, &mut rng));
            }
            paragraph.push('，');
        }
        body.push_str(&format!("<p>{paragraph}</p>"));
        text.push_str(&paragraph);
        text.push('\n');
    }
    let source = format!("s{}", n % SOURCES);
    let published = start() + TimeDelta::seconds(n as i64 * 86_400 / STORIES_PER_DAY);
    let link = format!("https://{source}.example.cn/news/{n}.html");
    let title = random(18, &mut rng);
    let item = Item {
        id: String::new(),
        source: source.clone(),
        title,
        link: link.clone(),
        summary: text.chars().take(200).collect(),
        content_html: body,
        published,
        updated: None,
        authors: vec!["陈家明".to_owned()],
        categories: vec!["今日西南".to_owned()],
        outlet: Outlet {
            name: format!("{source}日报"),
            url: Some(format!("https://{source}.example.cn/")),
        },
        first_seen: published,
        origin: None,
        content_hash: format!("{n:032x}"),
        provenance: Vec::new(),
        linkless: false,
    };
    Normalised {
        item,
        guid: Some(format!("{source}-{n}")),
        url: Url::parse(&link).expect("link"),
        text,
        dated: Dated::Written,
    }
}

/// Stories per feed document: a source's stories arrive a document at a time.
const PER_DOCUMENT: usize = 25;

/// `stories` as the documents their sources would serve: each source's stories, in order,
/// [`PER_DOCUMENT`] to a document.
fn documents(stories: Vec<Normalised>) -> Vec<Vec<Normalised>> {
    let mut by_source: std::collections::BTreeMap<String, Vec<Normalised>> = Default::default();
    for story in stories {
        by_source
            .entry(story.item.source.clone())
            .or_default()
            .push(story);
    }
    let mut out = Vec::new();
    for (_, mut stories) in by_source {
        while !stories.is_empty() {
            let rest = stories.split_off(stories.len().min(PER_DOCUMENT));
            out.push(std::mem::replace(&mut stories, rest));
        }
    }
    out
}

/// Classify and store one document's stories as a run does: the document's keys (its
/// source's guids judged), then each story's identity.
fn classify_and_store(writer: &mut Writer, stories: Vec<Normalised>) {
    let source = stories[0].item.source.clone();
    let store = writer.store().clone();
    let (keys, guids) = identity::document_keys(
        Some(store.as_ref()),
        &source,
        &HostAliases::default(),
        &stories,
    )
    .expect("keys");
    let keyed = stories
        .into_iter()
        .zip(keys)
        .map(|(story, keys)| Keyed { story, keys })
        .collect();
    identity::apply(writer, &source, guids, keyed, story_now()).expect("stored");
}

/// The run's writer over `store`.
fn writer(store: &Store) -> Writer {
    let shared: SharedStore = std::sync::Arc::new(store.clone());
    Writer::new(shared, WINDOW)
}

fn story_now() -> DateTime<Utc> {
    start() + TimeDelta::days(400)
}

/// A store in `dir` filled with stories `0..count`; returns it, the fill time and the raw JSON
/// bytes of the stories as stored.
fn filled(dir: &Path, count: u64, phrases: &[String]) -> (Store, Duration, u64) {
    let store = Store::open(&dir.join("beatwire.sled")).expect("open");
    let mut writer = writer(&store);
    // A thousand stories at a time, as the documents of one run.
    let runs: Vec<Vec<Vec<Normalised>>> = (0..count)
        .step_by(1_000)
        .map(|first| {
            documents(
                (first..count.min(first + 1_000))
                    .map(|n| story(n, phrases))
                    .collect(),
            )
        })
        .collect();
    let started = Instant::now();
    for document in runs.into_iter().flatten() {
        classify_and_store(&mut writer, document);
    }
    drop(writer);
    store.flush().expect("flush");
    let took = started.elapsed();
    let raw: u64 = store
        .latest(usize::MAX)
        .expect("latest")
        .iter()
        .map(|item| serde_json::to_vec(item).expect("json").len() as u64)
        .sum();
    (store, took, raw)
}

/// What sled alone costs per operation in a tree of 100,000 entries, with random keys: an insert
/// of a small value (a key or an index entry), an insert of a story-sized value, and a lookup of
/// a key that is not there (how every key of a new story is looked up), and the floor these set
/// for storing one new story.
fn sled_alone(dir: &Path, story_bytes: usize) {
    let db = sled::open(dir.join("alone.sled")).expect("open");
    let mut rng = Lcg(7);
    let mut key = || rng.next().wrapping_mul(0x9E37_79B9_7F4A_7C15).to_be_bytes();
    let per_op = |tree: &sled::Tree, value: &[u8], key: &mut dyn FnMut() -> [u8; 8]| {
        for _ in 0..100_000 {
            tree.insert(key(), value).expect("insert");
        }
        let started = Instant::now();
        for _ in 0..10_000 {
            tree.insert(key(), value).expect("insert");
        }
        let insert = started.elapsed().as_secs_f64() / 10_000.0;
        let started = Instant::now();
        for _ in 0..10_000 {
            std::hint::black_box(tree.get(key()).expect("get"));
        }
        (insert, started.elapsed().as_secs_f64() / 10_000.0)
    };
    let small = db.open_tree("small").expect("tree");
    let (small_insert, lookup) = per_op(&small, &[7u8; 40], &mut key);
    let sketches = db.open_tree("sketch").expect("tree");
    let (sketch_insert, _) = per_op(&sketches, &[7u8; SKETCH_BYTES], &mut key);
    let big = db.open_tree("big").expect("tree");
    let (big_insert, _) = per_op(&big, &vec![7u8; story_bytes], &mut key);
    // A new story: its text, its sketch, its time-index entry and two keys written; its two
    // keys looked up twice (judging the guids, then storing) and its tombstone once. (Its
    // source's guid trust is looked up once a document.)
    let floor = big_insert + sketch_insert + 3.0 * small_insert + 5.0 * lookup;
    println!(
        "sled alone, into a tree of 100000: insert {:.1} us ({story_bytes}-byte value), {:.1} us \
         ({SKETCH_BYTES} bytes), {:.1} us (40 bytes), lookup {:.1} us; a new story's 5 inserts \
         and 5 lookups: {:.0} us = at most {:.0} stories/s before any other work",
        big_insert * 1e6,
        sketch_insert * 1e6,
        small_insert * 1e6,
        lookup * 1e6,
        floor * 1e6,
        1.0 / floor
    );
}

fn disk_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => disk_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn channel() -> Channel {
    Channel {
        title: "西南经济协作".to_owned(),
        description: String::new(),
        link: "https://example.org/beat/".to_owned(),
        feed_url: None,
        language: "zh-cn".to_owned(),
        timezone: chrono_tz::Asia::Shanghai,
        ttl_minutes: Some(30),
        categories: Vec::new(),
    }
}

fn benches(c: &mut Criterion) {
    let phrases = phrases();
    // sled alone first, on a disk not yet busy writing back the stores below.
    let story_bytes = (0..100)
        .map(|n| {
            let json = serde_json::to_vec(&story(n, &phrases).item).expect("json");
            lz4_flex::block::compress_prepend_size(&json).len()
        })
        .sum::<usize>()
        / 100;
    let alone_dir = tempfile::tempdir().expect("tempdir");
    sled_alone(alone_dir.path(), story_bytes);
    drop(alone_dir);
    let small_dir = tempfile::tempdir().expect("tempdir");
    let middle_dir = tempfile::tempdir().expect("tempdir");
    let big_dir = tempfile::tempdir().expect("tempdir");
    let (small, _, _) = filled(small_dir.path(), 1_000, &phrases);
    let (middle, _, _) = filled(middle_dir.path(), 10_000, &phrases);
    let (big, took, raw) = filled(big_dir.path(), 100_000, &phrases);
    drop(big);
    let on_disk = disk_size(big_dir.path());
    let big = Store::open(&big_dir.path().join("beatwire.sled")).expect("reopen");
    println!(
        "fill: 100000 stories classified and stored in {:.2} s = {:.0} stories/s (one thread)",
        took.as_secs_f64(),
        100_000.0 / took.as_secs_f64()
    );
    println!(
        "size: {:.1} MB on disk for {:.1} MB of raw story JSON = {:.2}x ({} sketches)",
        on_disk as f64 / 1e6,
        raw as f64 / 1e6,
        on_disk as f64 / raw as f64,
        big.sketch_count()
    );

    // classify + store of new stories into the store of 100,000.
    let mut group = c.benchmark_group("classify_store");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000));
    let next = std::cell::Cell::new(100_000u64);
    let mut big_writer = writer(&big);
    group.bench_function("1000 new stories into 100000", |b| {
        b.iter_batched(
            || {
                let first = next.get();
                next.set(first + 1_000);
                documents((first..first + 1_000).map(|n| story(n, &phrases)).collect())
            },
            |documents| {
                for document in documents {
                    classify_and_store(&mut big_writer, document);
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    // Near-duplicate lookup: a syndicated copy of a story in the middle of each store. Warm:
    // the run has already loaded the window's sketches (every lookup after a run's first);
    // cold: a run's first lookup, which loads the window from sled. A store of 1,000 spans two
    // days, so its window holds all 1,000; from 10,000 on, a window holds 7,500.
    let mut group = c.benchmark_group("near_lookup");
    group.sample_size(20);
    for (name, store, count) in [
        ("1000", &small, 1_000u64),
        ("10000", &middle, 10_000),
        ("100000", &big, 100_000),
    ] {
        let mut copy = story(count / 2, &phrases);
        copy.item.source = "other".to_owned();
        copy.text.push_str("（来源：某报 责任编辑：李雪）");
        let sketch = Sketch::of(&copy.item.title, &copy.text).expect("sketch");
        let mut warm = writer(store);
        assert!(
            identity::near_copy(&mut warm, &copy.item, &sketch)
                .expect("lookup")
                .is_some(),
            "the copy is found"
        );
        group.bench_function(format!("warm, store of {name}"), |b| {
            b.iter(|| identity::near_copy(&mut warm, &copy.item, &sketch).expect("lookup"))
        });
        group.bench_function(
            format!("cold (window loaded from sled), store of {name}"),
            |b| {
                b.iter(|| {
                    let mut cold = writer(store);
                    identity::near_copy(&mut cold, &copy.item, &sketch).expect("lookup")
                })
            },
        );
    }
    group.finish();

    // publish of the newest 500 from the store of 100,000.
    let out = tempfile::tempdir().expect("tempdir");
    let mut group = c.benchmark_group("publish");
    group.sample_size(20);
    group.bench_function("500 stories from 100000", |b| {
        b.iter(|| {
            let items = big.latest(500).expect("latest");
            publish::publish(out.path(), &channel(), &items).expect("publish")
        })
    });
    group.finish();
}

criterion_group!(identity_benches, benches);
criterion_main!(identity_benches);
