//! `beatwire extract` and the reading it shares with the pipeline: the fixture pages of
//! `fixtures/extract/` against their expected JSON, and the command line on files and over
//! real HTTP.

use crate::common;

use std::path::Path;
use std::process::Output;

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use pretty_assertions::assert_eq;
use serde_json::Value;
use url::Url;

use beatwire::extract::ZoneChoice;
use beatwire::inspect::documents::{PageReading, extract_page};
use common::{Answer, TestSite, beatwire, fixture, write_config};

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract")
}

#[test]
fn fixture_pages_read_as_their_expected_json() {
    let mut checked = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let case: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let page = case["page"].as_str().unwrap();
        let url = Url::parse(case["url"].as_str().unwrap()).unwrap();
        let now: DateTime<Utc> = case["now"].as_str().unwrap().parse().unwrap();
        let bytes = std::fs::read(fixtures().join(page)).unwrap();
        // A page of the beat is read in its source's zone; `"timezone": "page"` reads it as
        // `beatwire extract FILE` does, in the zone the page itself says.
        let zone = match case["timezone"].as_str() {
            Some("page") => ZoneChoice::FromPage { fallback: Shanghai },
            Some(name) => ZoneChoice::Given(name.parse().unwrap()),
            None => ZoneChoice::Given(Shanghai),
        };
        let reading = PageReading {
            rule: None,
            encoding: None,
            zone,
            now,
        };
        let read = extract_page(page, &bytes, Some("text/html"), &url, &reading);
        let mut actual = serde_json::to_value(&read).unwrap();
        assert_eq!(actual["file"], page);
        actual.as_object_mut().unwrap().remove("file");
        assert_eq!(actual, case["expected"], "{page}");
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} fixture pages");
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn extract_json_prints_one_line_per_input_and_bad_inputs_say_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.html"), "").unwrap();
    let seed = fixtures().join("seed-gbk.html");
    let out = beatwire(
        &[
            "extract",
            "--json",
            "--url",
            "http://www.scjjrb.com/jjxz/2018-12/24/content_36551.htm",
            seed.to_str().unwrap(),
            "empty.html",
            "missing.html",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a bad input makes the exit code 1"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["file"], seed.to_str().unwrap());
    assert_eq!(
        lines[0]["title"],
        "重庆经济协作区第二十次市长联席会在自贡召开"
    );
    assert_eq!(lines[0]["published"], "2018-12-24T11:06:36+08:00");
    assert_eq!(lines[0]["author"], serde_json::json!(["陈家明"]));
    assert_eq!(lines[0]["outlet"], "四川经济日报");
    assert_eq!(lines[0]["section"], "今日西南");
    assert_eq!(lines[1]["file"], "empty.html");
    assert_eq!(
        lines[1]["error"],
        "http://www.scjjrb.com/jjxz/2018-12/24/content_36551.htm: no article body found (the page is empty)"
    );
    assert!(lines[1].get("title").is_none());
    assert_eq!(lines[2]["file"], "missing.html");
    assert!(
        lines[2]["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot read missing.html: ")
    );
}

#[test]
fn extract_without_json_shows_each_field_with_its_rule() {
    let seed = fixtures().join("seed-gbk.html");
    let out = beatwire(&["extract", seed.to_str().unwrap()], &fixtures());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // Read alone, without a source, the page names no zone: the rule says the default was used.
    assert!(
        text.contains(
            "  published  2018-12-24T11:06:36+08:00  (generic: date under the title \
             (zone Asia/Shanghai, the default: the page names none))"
        ),
        "{text}"
    );
    assert!(text.contains("  section    今日西南  (generic: column name over the title)"));
    assert!(text.contains("\n深化区域协作 共襄南向开放\n"));
    assert!(out.stderr.is_empty());
}

#[tokio::test]
async fn extract_fetches_urls_and_reads_as_the_source_says() {
    let site = TestSite::start().await;
    // GBK bytes, no charset in the header: the page's <meta> says it.
    site.set(
        "/jjxz/2018-12/24/content_36551.htm",
        Answer::ok("text/html", fixture("extract/seed-gbk.html")),
    );
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "[[source]]\nid = \"scjjrb\"\nname = \"四川经济日报\"\nurl = \"{}\"\nkind = \"page\"\n\
             [source.list]\nitem = \"ul.news li\"\n[source.article]\ntitle = \"td.biaoti\"\nbody = \"#zoom\"\nremove = [\"div.share\"]\n",
            site.url("/jjxz/")
        ),
    );
    let page = site.url("/jjxz/2018-12/24/content_36551.htm");
    let missing = site.url("/jjxz/none.htm");
    let dir_path = dir.path().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        beatwire(
            &["extract", "--json", "--source", "scjjrb", &page, &missing],
            &dir_path,
        )
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines[0]["encoding"], "GBK");
    assert_eq!(lines[0]["rules"]["title"], "selector `td.biaoti`");
    assert_eq!(lines[0]["rules"]["body"], "selector `#zoom`");
    assert_eq!(lines[0]["published"], "2018-12-24T11:06:36+08:00");
    assert!(
        lines[0]["body_text"]
            .as_str()
            .unwrap()
            .starts_with("深化区域协作 共襄南向开放")
    );
    assert_eq!(
        lines[1]["error"],
        format!("{}: HTTP 404", site.url("/jjxz/none.htm"))
    );

    let dir_path = dir.path().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        beatwire(&["extract", "--source", "nope", "x.html"], &dir_path)
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no source with id `nope`"));
}
