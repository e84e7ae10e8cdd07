//! Every output of a real run, read back by independent readers: feed-rs for all formats, the
//! `rss` crate (with its validation) for the RSS files, `atom_syndication` for Atom, serde_json
//! for JSON Feed, and quick-xml for well-formedness. Dates must be RFC 822 / RFC 3339, guids
//! unique, and the four views of the beat must list the same stories in the same order.

use crate::common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use quick_xml::events::Event;
use regex::Regex;

use beatwire::app::report::SourceStatus;
use common::{Answer, TestSite, feed_source, fixture, write_config};

struct Outputs {
    _dir: tempfile::TempDir,
    output: PathBuf,
    categories: Vec<String>,
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap()
}

async fn demo_outputs() -> Outputs {
    let dir = tempfile::tempdir().expect("test setup");
    let demo = beatwire::demo::run(dir.path(), "127.0.0.1:8080", now())
        .await
        .expect("test setup");
    for source in &demo.report.sources {
        assert_eq!(source.status, SourceStatus::Ok, "{source:?}");
    }
    Outputs {
        _dir: dir,
        output: demo.config.beat.output.clone(),
        categories: demo
            .config
            .categories
            .iter()
            .map(|c| c.slug.clone())
            .collect(),
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Walks every event of the document: quick-xml reports unclosed, mismatched or broken markup.
fn assert_well_formed(path: &Path) {
    let bytes = read(path);
    let mut reader = quick_xml::Reader::from_reader(bytes.as_slice());
    reader.config_mut().check_end_names = true;
    let mut depth = 0_i64;
    let mut roots = 0;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
            }
            Ok(Event::Empty(_)) if depth == 0 => roots += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(text)) => {
                text.decode()
                    .unwrap_or_else(|e| panic!("{}: bad text: {e}", path.display()));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "{} is not well-formed at {}: {e}",
                path.display(),
                reader.buffer_position()
            ),
        }
        buf.clear();
    }
    assert_eq!(depth, 0, "{}: unclosed elements", path.display());
    assert_eq!(roots, 1, "{}: one root element", path.display());
}

/// RFC 822 as RSS 2.0 wants it (with a four-digit year and a numeric zone), and a real instant.
fn assert_rfc822(date: &str) -> DateTime<Utc> {
    let shape = Regex::new(
        r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$",
    )
    .expect("test setup");
    assert!(shape.is_match(date), "not an RFC 822 date: {date}");
    let parsed = DateTime::parse_from_rfc2822(date)
        .unwrap_or_else(|e| panic!("{date}: {e}"))
        .with_timezone(&Utc);
    // The zone is the beat's: China time.
    assert!(date.ends_with("+0800"), "{date}");
    parsed
}

/// Checks one RSS file and returns its guids in order.
fn check_rss(path: &Path, ttl: &str) -> Vec<String> {
    assert_well_formed(path);
    let bytes = read(path);
    let channel = rss::Channel::read_from(bytes.as_slice()).expect("test setup");
    rss::validation::Validate::validate(&channel)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let feed = feed_rs::parser::parse(bytes.as_slice()).expect("test setup");
    assert_eq!(feed.entries.len(), channel.items.len());
    assert_eq!(channel.ttl.as_deref(), Some(ttl));
    assert_eq!(channel.language.as_deref(), Some("zh-cn"));
    let self_link = channel
        .atom_ext
        .as_ref()
        .and_then(|a| a.links.iter().find(|l| l.rel == "self"))
        .map(|l| l.href.clone());
    let name = path
        .file_name()
        .expect("test setup")
        .to_string_lossy()
        .into_owned();
    assert!(
        self_link
            .as_deref()
            .is_some_and(|href| href.ends_with(&name)),
        "{}: self link {self_link:?}",
        path.display()
    );

    let mut dates = Vec::new();
    let mut guids = Vec::new();
    for item in &channel.items {
        let guid = item.guid.as_ref().expect("every item has a guid");
        assert!(!guid.permalink);
        guids.push(guid.value.clone());
        dates.push(assert_rfc822(item.pub_date.as_deref().expect("pubDate")));
        assert!(item.title.is_some() && item.link.is_some());
        assert!(item.description.is_some(), "description");
        assert!(item.content.is_some(), "content:encoded");
        let source = item.source.as_ref().expect("source");
        assert!(source.title.as_deref().is_some_and(|t| !t.is_empty()));
    }
    let unique: HashSet<&String> = guids.iter().collect();
    assert_eq!(
        unique.len(),
        guids.len(),
        "{}: duplicate guids",
        path.display()
    );
    // Newest first, and the build date is the newest story's.
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    match dates.first() {
        Some(newest) => {
            let built = assert_rfc822(channel.last_build_date.as_deref().expect("lastBuildDate"));
            assert_eq!(&built, newest);
            assert_eq!(
                assert_rfc822(channel.pub_date.as_deref().expect("pubDate")),
                built
            );
        }
        None => assert!(channel.last_build_date.is_none()),
    }
    guids
}

#[tokio::test]
async fn every_output_reads_back_with_independent_readers() {
    let out = demo_outputs().await;
    let dir = &out.output;

    // feed.xml: RSS 2.0.
    let guids = check_rss(&dir.join("feed.xml"), "30");
    assert_eq!(guids.len(), 10);
    let xml = String::from_utf8(read(&dir.join("feed.xml"))).unwrap();
    for needle in [
        "<content:encoded>",
        "<dc:creator>",
        "<category>",
        "<source url=",
    ] {
        assert!(xml.contains(needle), "{needle} missing");
    }

    // atom.xml: Atom 1.0, the same stories in the same order.
    let atom_path = dir.join("atom.xml");
    assert_well_formed(&atom_path);
    let atom = atom_syndication::Feed::read_from(read(&atom_path).as_slice()).unwrap();
    let atom_ids: Vec<String> = atom.entries.iter().map(|e| e.id.clone()).collect();
    let expected: Vec<String> = guids.iter().map(|g| format!("urn:beatwire:{g}")).collect();
    assert_eq!(atom_ids, expected);
    assert!(
        atom.links
            .iter()
            .any(|l| l.rel == "self" && l.href.ends_with("/atom.xml"))
    );
    assert!(atom.links.iter().any(|l| l.rel == "alternate"));
    assert!(
        !atom.authors.is_empty(),
        "the feed names an author for every entry"
    );
    for entry in &atom.entries {
        assert!(entry.published.is_some());
        assert!(entry.updated <= atom.updated);
        let content = entry.content.as_ref().expect("content");
        assert_eq!(content.content_type.as_deref(), Some("html"));
        assert!(entry.links.iter().any(|l| l.rel == "alternate"));
    }
    let atom_rs = feed_rs::parser::parse(read(&atom_path).as_slice()).unwrap();
    assert_eq!(atom_rs.entries.len(), 10);

    // feed.json: JSON Feed 1.1.
    let json_bytes = read(&dir.join("feed.json"));
    let json: serde_json::Value = serde_json::from_slice(&json_bytes).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    let items = json["items"].as_array().unwrap();
    let json_ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(json_ids, guids);
    for item in items {
        for key in ["url", "title", "content_html", "date_published"] {
            assert!(item[key].is_string(), "{key} in {item}");
        }
        let date = item["date_published"].as_str().unwrap();
        assert!(date.ends_with("+08:00"), "{date}");
        DateTime::parse_from_rfc3339(date).unwrap();
        if let Some(tags) = item.get("tags") {
            assert!(tags.as_array().unwrap().iter().all(|t| t.is_string()));
        }
    }
    let json_rs = feed_rs::parser::parse(json_bytes.as_slice()).unwrap();
    assert_eq!(json_rs.entries.len(), 10);

    // Categories: RSS feeds of their own, each story also in feed.xml and tagged with it.
    let feed = feed_rs::parser::parse(read(&dir.join("feed.xml")).as_slice()).unwrap();
    let mut categorised = 0;
    for slug in &out.categories {
        let path = dir.join("category").join(format!("{slug}.xml"));
        let ids = check_rss(&path, "30");
        categorised += ids.len();
        let channel = rss::Channel::read_from(read(&path).as_slice()).unwrap();
        let name = channel.title.rsplit(" · ").next().unwrap().to_owned();
        for item in &channel.items {
            assert!(
                item.categories.iter().any(|c| c.name == name),
                "{slug}: {:?}",
                item.title
            );
        }
        for id in &ids {
            assert!(guids.contains(id), "{slug}: {id} not in feed.xml");
        }
    }
    assert!(
        categorised > 0,
        "the demo's stories fall in some categories"
    );

    // index.html: every story, same order, with the feeds linked for discovery.
    let page = String::from_utf8(read(&dir.join("index.html"))).unwrap();
    let mut at = 0;
    for entry in &feed.entries {
        let title = entry.title.as_ref().unwrap().content.clone();
        let found = page[at..]
            .find(&title)
            .unwrap_or_else(|| panic!("{title} missing or out of order"));
        at += found + title.len();
    }
    for (kind, href) in [
        ("application/rss+xml", "feed.xml"),
        ("application/atom+xml", "atom.xml"),
        ("application/feed+json", "feed.json"),
    ] {
        let link = page
            .split("<link ")
            .skip(1)
            .find(|tag| tag.contains(&format!("href=\"{href}\"")))
            .unwrap_or_else(|| panic!("no <link> to {href}"));
        assert!(link.contains("rel=\"alternate\""), "{link}");
        assert!(link.contains(&format!("type=\"{kind}\"")), "{link}");
    }
    assert!(!page.contains("<script"));
}

#[tokio::test]
async fn the_same_store_publishes_the_same_bytes() {
    let out = demo_outputs().await;
    let snapshot = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files = vec![];
        for name in ["feed.xml", "atom.xml", "feed.json", "index.html"] {
            files.push((name.to_owned(), read(&dir.join(name))));
        }
        let mut categories: Vec<PathBuf> = std::fs::read_dir(dir.join("category"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        categories.sort();
        for path in categories {
            files.push((path.display().to_string(), read(&path)));
        }
        files
    };
    let before = snapshot(&out.output);
    let config =
        beatwire::config::Config::load(&out.output.parent().unwrap().join("feeds.toml")).unwrap();
    let published = beatwire::app::publish(&config, now()).unwrap();
    assert_eq!(published.files.len(), 4 + out.categories.len());
    assert_eq!(snapshot(&out.output), before);
}

#[tokio::test]
async fn an_empty_beat_still_publishes_valid_feeds() {
    let site = TestSite::start().await;
    site.set("/down.xml", Answer::status(503));
    site.set(
        "/atom.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_config(
        dir.path(),
        &format!(
            "[filter]\ninclude = [\"不会出现的关键词\"]\n\n[[category]]\nname = \"交通\"\nslug = \"transport\"\nkeywords = [\"高铁\"]\n\n{}",
            feed_source("cqrb", "重庆日报", &site.url("/atom.xml"))
        ),
    );
    let config = beatwire::config::Config::load(&config_path).unwrap();
    let options = beatwire::app::RunOptions {
        force: true,
        publish: true,
        ..Default::default()
    };
    let report = beatwire::app::run(&config, &options, now()).await.unwrap();
    assert_eq!(report.sources[0].filtered, 3);
    let output = &config.beat.output;
    assert!(check_rss(&output.join("feed.xml"), "15").is_empty());
    assert!(check_rss(&output.join("category/transport.xml"), "15").is_empty());
    assert_well_formed(&output.join("atom.xml"));
    let atom =
        atom_syndication::Feed::read_from(read(&output.join("atom.xml")).as_slice()).unwrap();
    assert!(atom.entries.is_empty());
    let json: serde_json::Value = serde_json::from_slice(&read(&output.join("feed.json"))).unwrap();
    assert_eq!(json["items"], serde_json::json!([]));
    let page = String::from_utf8(read(&output.join("index.html"))).unwrap();
    assert!(page.contains("暂无报道"));
}
