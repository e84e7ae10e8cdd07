//! One document through each stage, on the project's own fixtures: decode (GBK and UTF-8),
//! parse (strict, and the lenient fallback on broken feeds), article extraction, the dedup
//! judgement (sketch, near-duplicate test, classify) and publish.
//!
//! `cargo bench --bench stages` (about a minute: small samples, short measurement times).

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use url::Url;

use beatwire::decode::decode;
use beatwire::dedup::{Sketch, classify};
use beatwire::extract::{PageContext, ZoneChoice, read_article};
use beatwire::model::Item;
use beatwire::parse::parse_feed;
use beatwire::publish::{Channel, publish};

const SHANGHAI: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("read {}: {e}", full.display()))
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 7, 1, 0, 0, 0)
        .single()
        .expect("a time")
}

fn quick<'c>(c: &'c mut Criterion, name: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    group
}

fn decode_bench(c: &mut Criterion) {
    let mut group = quick(c, "decode");
    for name in [
        "extract/seed-gbk.html",
        "extract/english.html",
        "decode/late_meta_gbk.html",
    ] {
        let bytes = fixture(name);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| b.iter(|| decode(&bytes, None, None).text.len()));
    }
    group.finish();
}

fn parse_bench(c: &mut Criterion) {
    let mut group = quick(c, "parse");
    let base = Url::parse("http://example.com/feed.xml").expect("url");
    let documents = [
        ("strict/rss-gb2312", "sites/scjjrb/rss.xml"),
        ("strict/atom", "sites/cqrb/atom.xml"),
        ("strict/jsonfeed", "sites/ynrb/feed.json"),
        ("lenient/bare-amp", "parse/bare-amp.xml"),
        ("lenient/gbk-undeclared", "parse/gbk-undeclared.xml"),
        ("lenient/truncated", "parse/truncated.xml"),
        ("lenient/scan", "parse/atom-base64.xml"),
    ];
    for (name, path) in documents {
        let text = decode(&fixture(path), None, None).text;
        let feed = parse_feed(&text, Some(&base), SHANGHAI, now()).expect("a feed");
        assert_eq!(
            name.starts_with("lenient"),
            !feed.lenient.is_empty(),
            "{name} takes the path it is named after"
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| parse_feed(&text, Some(&base), SHANGHAI, now()).map(|f| f.items.len()))
        });
    }
    group.finish();
}

fn extract_bench(c: &mut Criterion) {
    let mut group = quick(c, "extract");
    for name in ["seed-gbk", "english", "portal-lazy", "trs-gov"] {
        let html = decode(&fixture(&format!("extract/{name}.html")), None, None).text;
        let url = Url::parse("http://www.example.cn/news/2019-01/05/content_1.htm").expect("url");
        let page = PageContext {
            url: &url,
            rule: None,
            zone: ZoneChoice::Given(SHANGHAI),
            now: now(),
        };
        group.throughput(Throughput::Bytes(html.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| read_article(&html, &page).map(|a| a.body_text.len()))
        });
    }
    group.finish();
}

/// (title, body) of each dedup fixture: a header of `key: value` lines, a blank line, the body.
fn dedup_texts() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dedup");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures/dedup")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("txt"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("fixture");
            let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
            let title = head
                .lines()
                .find_map(|l| l.strip_prefix("title: "))
                .unwrap_or("")
                .to_owned();
            (title, body.to_owned())
        })
        .collect()
}

fn dedup_bench(c: &mut Criterion) {
    let mut group = quick(c, "dedup");
    let texts = dedup_texts();
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("sketch", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter_map(|(t, body)| Sketch::of(t, body))
                .count()
        })
    });
    let sketches: Vec<Sketch> = texts
        .iter()
        .filter_map(|(t, body)| Sketch::of(t, body))
        .collect();
    let pairs = (sketches.len() * sketches.len()) as u64;
    group.throughput(Throughput::Elements(pairs));
    group.bench_function("near-duplicate test, all pairs", |b| {
        b.iter(|| {
            sketches
                .iter()
                .flat_map(|a| sketches.iter().map(move |b| a.is_near(b)))
                .filter(|near| *near)
                .count()
        })
    });
    let items = items(2);
    group.throughput(Throughput::Elements(1));
    group.bench_function("classify", |b| {
        b.iter(|| classify(Some(&items[0]), &items[1]))
    });
    group.finish();
}

/// `count` stories of the beat, made from `fixtures/publish/items.json` with distinct ids and
/// times.
fn items(count: usize) -> Vec<Item> {
    let seed: Vec<Item> =
        serde_json::from_slice(&fixture("publish/items.json")).expect("items.json");
    (0..count)
        .map(|n| {
            let mut item = seed[n % seed.len()].clone();
            item.id = format!("{}-{n}", item.id);
            item.link = format!("{}?n={n}", item.link);
            item.content_hash = format!("{}{n}", item.content_hash);
            item.published -= TimeDelta::minutes(n as i64);
            item
        })
        .collect()
}

fn publish_bench(c: &mut Criterion) {
    let mut group = quick(c, "publish");
    let channel = Channel {
        title: "西南经济协作".to_owned(),
        description: "川渝滇黔经济协作新闻".to_owned(),
        link: "https://example.org/beat/".to_owned(),
        feed_url: Some("https://example.org/beat/feed.xml".to_owned()),
        language: "zh-cn".to_owned(),
        timezone: SHANGHAI,
        ttl_minutes: Some(30),
        categories: Vec::new(),
    };
    let items = items(200);
    let dir = tempfile::tempdir().expect("temp dir");
    group.throughput(Throughput::Elements(items.len() as u64));
    // Every file rewritten: a fresh folder each time, as on the first run or after a change.
    group.bench_function("200 stories, all files written", |b| {
        b.iter_batched(
            || tempfile::tempdir_in(dir.path()).expect("temp dir"),
            |out| publish(out.path(), &channel, &items).map(|_| out),
            criterion::BatchSize::PerIteration,
        )
    });
    // Nothing changed since the last publish: every file is compared and left alone.
    let same = dir.path().join("same");
    publish(&same, &channel, &items).expect("publish");
    group.bench_function("200 stories, unchanged", |b| {
        b.iter(|| publish(&same, &channel, &items).map(|p| p.items))
    });
    group.finish();
}

criterion_group!(
    benches,
    decode_bench,
    parse_bench,
    extract_bench,
    dedup_bench,
    publish_bench
);
criterion_main!(benches);
