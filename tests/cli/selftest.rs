//! `[[source.test]]` end to end: `beatwire check` only validates them, `check --online` fetches
//! each test URL from a real HTTP server on 127.0.0.1 and reports every mismatch.

use crate::common;

use std::path::Path;

use common::{TestSite, write_config};

const STORY: &str = "/jjxz/2019-01/03/content_1188.htm";

fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    common::beatwire_text(&all, dir)
}

/// A page source whose tests are `tests` (TOML text of `[[source.test]]` blocks).
fn tested_source(dir: &Path, site: &TestSite, tests: &str) {
    write_config(
        dir,
        &format!(
            "[[source]]\nid = \"zgrb\"\nurl = \"{}\"\nkind = \"page\"\n\
             [source.list]\nitem = \"ul.news li\"\n\
             [source.article]\ntitle = \".biaoti\"\n\n{tests}",
            site.url("/jjxz/index.htm")
        ),
    );
}

async fn story_site() -> TestSite {
    common::fixture_site("zgrb").await
}

#[tokio::test(flavor = "multi_thread")]
async fn passing_tests_exit_0_and_offline_check_fetches_nothing() {
    let site = story_site().await;
    let dir = tempfile::tempdir().unwrap();
    let url = site.url(STORY);
    tested_source(
        dir.path(),
        &site,
        &format!(
            "[[source.test]]\nurl = \"{url}\"\ntitle = \"自贡与重庆荣昌签署川渝毗邻地区合作框架协议\"\n\
             published = \"2019-01-03 09:30\"\ncontains = [\"濑溪河流域水环境治理\", \"荣昌高新区\"]\n\
             [[source.test]]\nurl = \"{url}\"\npublished = \"2019-01-03T01:30:00Z\"\ncontains = \"签署\"\n"
        ),
    );
    let (code, stdout, stderr) = check(dir.path(), &["--online"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.ends_with("2 source tests: 2 passed, 0 failed\n"),
        "{stdout}"
    );

    // Offline, the tests are only validated: a dead test URL does not matter.
    drop(site);
    let (code, stdout, _) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("source tests"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_mismatch_names_the_source_the_url_and_the_field() {
    let site = story_site().await;
    let dir = tempfile::tempdir().unwrap();
    let url = site.url(STORY);
    let gone = site.url("/jjxz/gone.htm");
    tested_source(
        dir.path(),
        &site,
        &format!(
            "[[source.test]]\nurl = \"{url}\"\ntitle = \"自贡与荣昌签署协议\"\n\
             published = \"2019-01-04\"\ncontains = [\"成渝中线高铁\", \"南向通道\"]\n\
             [[source.test]]\nurl = \"{gone}\"\n"
        ),
    );
    let (code, stdout, stderr) = check(dir.path(), &["--online"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    let head = format!("source zgrb test {url}");
    assert_eq!(lines.len(), 5, "{stdout}");
    assert_eq!(
        lines[0],
        format!(
            "{head}: title: expected `自贡与荣昌签署协议`, got `自贡与重庆荣昌签署川渝毗邻地区合作框架协议`"
        )
    );
    assert_eq!(
        lines[1],
        format!("{head}: published: expected 2019-01-04, got 2019-01-03T09:30:00+08:00")
    );
    assert!(
        lines[2].starts_with(&format!(
            "{head}: contains: expected `南向通道`, got a body of "
        )),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with(&format!("source zgrb test {gone}: ")) && lines[3].contains("404"),
        "{}",
        lines[3]
    );
    assert_eq!(lines[4], "2 source tests: 0 passed, 2 failed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_test_entry_is_a_config_error_at_its_line() {
    let site = story_site().await;
    let dir = tempfile::tempdir().unwrap();
    tested_source(
        dir.path(),
        &site,
        "[[source.test]]\nurl = \"https://example.org/a.htm\"\nexpect = \"x\"\n",
    );
    let (code, _, stderr) = check(dir.path(), &["--online"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(":26:1: unknown key `expect` in [[source.test]]"),
        "{stderr}"
    );
}
