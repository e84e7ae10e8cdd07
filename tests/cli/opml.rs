//! `beatwire opml export` and `opml import` through the binary: the export is read back with
//! quick-xml (not the library that wrote it), the import is read back with the config loader,
//! and import(export) gives the same sources.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use beatwire::config::Config;
use common::{beatwire, fixture, write_config};
use quick_xml::events::{BytesStart, Event};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One `<outline>`: how deep it sits under `<body>` (1 = top) and its attributes.
type Outline = (usize, BTreeMap<String, String>);

/// The version attribute of `<opml>`, the head's title, and every outline in document order.
fn read_opml(xml: &str) -> (String, String, Vec<Outline>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let attrs = |e: &BytesStart<'_>| -> BTreeMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                let value = a.unescape_value().expect("escaped value").into_owned();
                (key, value)
            })
            .collect()
    };
    let (mut version, mut title, mut outlines) = (String::new(), String::new(), Vec::new());
    let mut depth = 0;
    let mut in_title = false;
    loop {
        match reader.read_event().expect("well-formed OPML") {
            Event::Start(e) if e.name().as_ref() == b"outline" => {
                depth += 1;
                outlines.push((depth, attrs(&e)));
            }
            Event::Empty(e) if e.name().as_ref() == b"outline" => {
                outlines.push((depth + 1, attrs(&e)));
            }
            Event::End(e) if e.name().as_ref() == b"outline" => depth -= 1,
            Event::Start(e) if e.name().as_ref() == b"opml" => {
                version = attrs(&e).remove("version").unwrap_or_default();
            }
            Event::Start(e) if e.name().as_ref() == b"title" => in_title = true,
            Event::End(e) if e.name().as_ref() == b"title" => in_title = false,
            Event::Text(t) if in_title => title.push_str(&t.decode().expect("text")),
            Event::Eof => break,
            _ => {}
        }
    }
    (version, title, outlines)
}

fn attr<'a>(outline: &'a Outline, key: &str) -> Option<&'a str> {
    outline.1.get(key).map(String::as_str)
}

const SOURCES: &str = r#"[[category]]
name = "交通与通道"
slug = "transport"
keywords = ["铁路"]

[[source]]
id = "chinanews"
name = "中国新闻网 财经"
url = "https://www.chinanews.example/rss/finance.xml"
site = "https://www.chinanews.example/finance/"

[[source]]
id = "cqrb"
name = "重庆日报 & 区域合作"
url = "https://cqrb.example/atom.xml"
category = "交通与通道"

[[source]]
id = "zgrb"
url = "http://www.zgrb.example/jjxz/"
kind = "page"
[source.list]
item = "ul.news li"

[[source]]
id = "ynrb"
url = "https://ynrb.example/feed.json"
category = "交通与通道"

[[source]]
id = "scjjrb"
name = "四川经济日报"
url = "http://www.scjjrb.example/jjxz/rss.xml"
category = "产业协作"
"#;

fn export(dir: &Path, args: &[&str]) -> String {
    let out = beatwire(&[&["opml", "export"], args].concat(), dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn export_lists_the_feed_sources_in_category_folders() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), SOURCES);
    let (version, title, outlines) = read_opml(&export(dir.path(), &[]));
    assert_eq!(version, "2.0");
    assert_eq!(title, "西南经济协作");
    let shape: Vec<(usize, &str, Option<&str>)> = outlines
        .iter()
        .map(|o| (o.0, attr(o, "text").unwrap(), attr(o, "xmlUrl")))
        .collect();
    assert_eq!(
        shape,
        [
            (
                1,
                "中国新闻网 财经",
                Some("https://www.chinanews.example/rss/finance.xml")
            ),
            (1, "交通与通道", None),
            (
                2,
                "重庆日报 & 区域合作",
                Some("https://cqrb.example/atom.xml")
            ),
            (2, "ynrb", Some("https://ynrb.example/feed.json")),
            (1, "产业协作", None),
            (
                2,
                "四川经济日报",
                Some("http://www.scjjrb.example/jjxz/rss.xml")
            ),
        ],
        "the page source has no feed and is left out"
    );
    assert_eq!(
        attr(&outlines[0], "htmlUrl"),
        Some("https://www.chinanews.example/finance/")
    );
    assert_eq!(attr(&outlines[0], "type"), Some("rss"));
    assert_eq!(attr(&outlines[2], "title"), Some("重庆日报 & 区域合作"));
    assert_eq!(attr(&outlines[2], "htmlUrl"), None);
}

#[test]
fn export_published_lists_the_feeds_beatwire_writes() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), SOURCES);
    let (_, _, outlines) = read_opml(&export(dir.path(), &["--published"]));
    let urls: Vec<(&str, &str)> = outlines
        .iter()
        .map(|o| (attr(o, "xmlUrl").unwrap(), attr(o, "version").unwrap()))
        .collect();
    assert_eq!(
        urls,
        [
            ("https://example.org/beat/feed.xml", "RSS 2.0"),
            ("https://example.org/beat/atom.xml", "Atom 1.0"),
            ("https://example.org/beat/feed.json", "JSON Feed 1.1"),
            ("https://example.org/beat/category/transport.xml", "RSS 2.0"),
        ]
    );
    assert_eq!(
        attr(&outlines[3], "text"),
        Some("西南经济协作 · 交通与通道")
    );
    assert!(
        outlines
            .iter()
            .all(|o| attr(o, "htmlUrl") == Some("https://example.org/beat/"))
    );

    // Without [beat].feed_url the public URLs are unknown: a config error.
    let config = std::fs::read_to_string(dir.path().join("feeds.toml")).unwrap();
    let without: String = config
        .lines()
        .filter(|l| !l.starts_with("feed_url"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("feeds.toml"), without).unwrap();
    let out = beatwire(&["opml", "export", "--published"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("feed_url"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn import_adds_nested_feeds_with_their_folder_and_skips_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let before = std::fs::read_to_string(write_config(
        dir.path(),
        "# 已有的源\n[[source]]\nid = \"existing\"\nurl = \"https://existing.example.org/existing.xml\"\n",
    ))
    .unwrap();
    let opml = dir.path().join("subscriptions.opml");
    std::fs::write(&opml, fixture("opml/subscriptions.opml")).unwrap();
    let out = beatwire(&["opml", "import", "subscriptions.opml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.ends_with("4 added, 3 skipped\n"), "{stdout}");
    assert!(stdout.contains("already present as `existing`"), "{stdout}");
    assert!(
        stdout.contains("skipped https://cqrb.example/atom.xml: already present as `cqrb-example`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("skipped mailto:news@example.org: not an http(s) URL"),
        "{stdout}"
    );

    let after = std::fs::read_to_string(dir.path().join("feeds.toml")).unwrap();
    assert!(after.starts_with(&before), "{after}");
    let config = Config::load(&dir.path().join("feeds.toml")).unwrap();
    let got: Vec<(&str, &str, Option<&str>, Option<&str>)> = config
        .sources
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.name(),
                s.category.as_deref(),
                s.site.as_ref().map(|u| u.as_str()),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("existing", "existing", None, None),
            (
                "chinanews-example-finance",
                "中国新闻网 财经",
                None,
                Some("https://www.chinanews.example/finance/")
            ),
            (
                "cqrb-example",
                "重庆日报 · 区域合作",
                Some("交通与通道"),
                Some("https://cqrb.example/html/")
            ),
            ("ynrb-example", "云南日报", Some("西部"), None),
            (
                "scjjrb-example-jjxz",
                "四川经济日报",
                Some("产业协作"),
                None
            ),
        ]
    );

    // Importing the same file again adds nothing and leaves the file as it is.
    let out = beatwire(&["opml", "import", "subscriptions.opml"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).ends_with("0 added, 7 skipped\n"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("feeds.toml")).unwrap(),
        after
    );
}

#[test]
fn import_of_an_export_gives_the_same_sources_back() {
    let from = tempfile::tempdir().unwrap();
    write_config(from.path(), SOURCES);
    let exported = export(from.path(), &[]);

    let to = tempfile::tempdir().unwrap();
    write_config(to.path(), "");
    std::fs::write(to.path().join("sources.opml"), &exported).unwrap();
    let out = beatwire(&["opml", "import", "sources.opml"], to.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).ends_with("4 added, 0 skipped\n"));
    assert_eq!(export(to.path(), &[]), exported);

    let feeds = |dir: &Path| -> Vec<(String, String, Option<String>, Option<String>)> {
        let config = Config::load(&dir.join("feeds.toml")).unwrap();
        let mut sources: Vec<_> = config
            .sources
            .into_iter()
            .filter(|s| s.kind == beatwire::model::SourceKind::Feed)
            .map(|s| {
                (
                    s.url.to_string(),
                    s.name().to_owned(),
                    s.category.map(String::from),
                    s.site.map(|u| u.to_string()),
                )
            })
            .collect();
        sources.sort();
        sources
    };
    assert_eq!(feeds(to.path()), feeds(from.path()));
}

#[test]
fn a_file_that_is_not_opml_changes_nothing_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let before = std::fs::read_to_string(write_config(dir.path(), "")).unwrap();
    std::fs::write(dir.path().join("list.opml"), "<html><body>no</body></html>").unwrap();
    for file in ["list.opml", "missing.opml"] {
        let out = beatwire(&["opml", "import", file], dir.path());
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(text(&out.stderr).contains(file), "{}", text(&out.stderr));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("feeds.toml")).unwrap(),
            before
        );
    }
}

#[test]
fn the_projects_own_feed_sources_export_and_import_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(&root.join("feeds.toml")).unwrap();
    let feeds: Vec<String> = config
        .sources
        .iter()
        .filter(|s| s.kind == beatwire::model::SourceKind::Feed)
        .map(|s| s.url.to_string())
        .collect();
    assert!(!feeds.is_empty());
    let out = beatwire(&["--config", "feeds.toml", "opml", "export"], root);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let exported = text(&out.stdout);
    let (_, _, outlines) = read_opml(&exported);
    let urls: Vec<String> = outlines
        .iter()
        .filter_map(|o| attr(o, "xmlUrl").map(str::to_owned))
        .collect();
    assert_eq!(urls, feeds);

    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "");
    std::fs::write(dir.path().join("own.opml"), &exported).unwrap();
    let out = beatwire(&["opml", "import", "own.opml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).ends_with(&format!("{} added, 0 skipped\n", feeds.len())),
        "{}",
        text(&out.stdout)
    );
}
