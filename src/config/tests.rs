//! Whole-file tests of `feeds.toml` loading: the fixtures under `fixtures/config/`, the
//! `[[source]]` rules, and `feeds.example.toml` at the package root.

use pretty_assertions::assert_eq;

use super::*;
use crate::model::SourceKind;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/config")
        .join(name)
}

fn problems_in(result: Result<Config, ConfigError>) -> Vec<String> {
    match result {
        Ok(_) => panic!("loaded without problems"),
        Err(e) => e.problems().iter().map(|p| p.to_string()).collect(),
    }
}

fn problems_of(name: &str) -> Vec<String> {
    problems_in(Config::load(&fixture(name)))
}

fn problems(text: &str) -> Vec<String> {
    problems_in(Config::from_toml(text, Path::new("feeds.toml")))
}

const BEAT: &str = "[beat]\ntitle = \"西南经济协作\"\nlink = \"https://example.org/beat/\"\n";

fn load(text: &str) -> Config {
    Config::from_toml(text, Path::new("feeds.toml")).expect("config loads")
}

#[test]
fn broken_config_reports_every_problem_at_its_position() {
    assert_eq!(
        problems_of("broken.toml"),
        [
            "3:8: `link` is not a valid URL `example.org/beat`: relative URL without a base",
            "4:12: unknown time zone `Asia/Shangai`; did you mean `Asia/Shanghai`?",
            "5:13: `max_items` must be an integer, found a string",
            "8:1: unknown key `evrey` in [fetch]; did you mean `every`?",
            "9:11: invalid duration `30 sec later`: expected number at 7 (write e.g. \"30s\", \"15m\", \"2h 30m\")",
            "16:8: invalid CSS selector `div[`: unexpected end of selector",
            "19:6: duplicate source id `scjjrb` (first at line 12)",
            "21:8: kind = \"page\" needs a [source.list] table with `item`",
            "26:1: `[source.list]` is only for kind = \"page\"",
        ]
    );
    let err = Config::load(&fixture("broken.toml")).unwrap_err();
    let first = err.to_string().lines().next().unwrap().to_owned();
    assert!(first.ends_with("broken.toml:3:8: `link` is not a valid URL `example.org/beat`: relative URL without a base"), "{first}");
    assert_eq!(err.to_string().lines().count(), 9);
}

#[test]
fn valid_config_is_typed_and_paths_resolve_against_its_folder() {
    let path = fixture("valid.toml");
    let config = Config::load(&path).unwrap();
    assert_eq!(config.path, path);
    let beat = &config.beat;
    assert_eq!(beat.title, "西南经济协作");
    assert_eq!(beat.link.as_str(), "https://example.org/beat/");
    assert_eq!(
        beat.feed_url.as_ref().map(Url::as_str),
        Some("https://example.org/beat/feed.xml")
    );
    assert_eq!(
        (beat.language.as_str(), beat.timezone),
        ("zh-CN", chrono_tz::Asia::Chongqing)
    );
    assert_eq!((beat.max_items, beat.keep_days), (50, 30));
    assert_eq!(beat.store, Location::Sled(fixture("state/beat.sled")));
    assert_eq!(beat.output, Path::new("/var/lib/beatwire/public"));

    let fetch = &config.fetch;
    assert_eq!(fetch.user_agent, "beatwire-test/1.0");
    assert_eq!((fetch.concurrency, fetch.per_host), (4, 2));
    assert_eq!(fetch.per_host_interval, Duration::from_millis(1500));
    assert_eq!(fetch.timeout, Duration::from_secs(120));
    assert_eq!(fetch.stall_timeout, Duration::from_secs(45));
    assert_eq!(fetch.max_body, 512 * 1024);
    assert_eq!(fetch.every, Duration::from_secs(2 * 3600 + 30 * 60));
    assert_eq!(
        fetch.proxy.as_ref().map(Url::as_str),
        Some("socks5h://127.0.0.1:1080")
    );

    assert_eq!(config.filter.include, ["经济协作", "川渝"]);
    assert_eq!(config.filter.exclude, ["广告"]);
    assert_eq!(
        config.categories,
        [CategoryRule {
            name: "交通".into(),
            slug: "transport".into(),
            keywords: vec!["高铁".into(), "航道".into()]
        }]
    );

    let feed = config.source("cq-feed").unwrap();
    assert_eq!(
        (feed.name(), feed.kind, feed.filter),
        ("cq-feed", SourceKind::Feed, true)
    );
    assert_eq!((feed.list.is_none(), feed.article.is_none()), (true, true));
    assert_eq!(feed.every_or(fetch.every), fetch.every);
    assert_eq!(feed.timezone_or(beat.timezone), chrono_tz::Asia::Chongqing);

    let page = config.source("scjjrb").unwrap();
    assert_eq!(
        (page.name(), page.kind, page.filter),
        ("四川经济日报", SourceKind::Page, false)
    );
    assert_eq!(page.url.as_str(), "http://example.com/jjxz/");
    assert_eq!(page.every_or(fetch.every), Duration::from_secs(15 * 60));
    assert_eq!(page.encoding, Some(encoding_rs::GBK));
    assert_eq!(page.timezone_or(beat.timezone), chrono_tz::Asia::Shanghai);
    let list = page.list.as_ref().unwrap();
    assert_eq!(list.item.text, "ul.news li");
    assert_eq!(list.link.as_ref().map(|c| c.text.as_str()), Some("a"));
    assert_eq!(
        (
            list.title.is_none(),
            list.date.as_ref().map(|c| c.text.as_str())
        ),
        (true, Some("span.date"))
    );
    let article = page.article.as_ref().unwrap();
    assert_eq!(
        article.body.as_ref().map(|c| c.text.as_str()),
        Some("#content, .TRS_Editor")
    );
    assert_eq!(
        article
            .remove
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>(),
        [".share", "script"]
    );
    assert!(article.full_text && article.date.is_none());
    assert!(config.source("nope").is_none());
}

#[test]
fn compiled_selectors_match_real_html() {
    let config = Config::load(&fixture("valid.toml")).unwrap();
    let list = config.source("scjjrb").unwrap().list.clone().unwrap();
    let html = scraper::Html::parse_fragment(
        "<ul class=news><li><a href=/a>川渝合作</a><span class=date>12-24</span></li><li><a href=/b>b</a></li></ul>",
    );
    assert_eq!(html.select(&list.item.selector).count(), 2);
}

#[test]
fn a_syntax_error_is_one_problem_at_its_position() {
    assert_eq!(
        problems_of("syntax.toml"),
        ["5:7: invalid TOML: unclosed table, expected `]`"]
    );
    assert_eq!(
        problems(&format!("{BEAT}keep_days = 3\nkeep_days = 4\n")),
        ["5:1: invalid TOML: duplicate key"]
    );
}

#[test]
fn cjk_text_before_a_problem_counts_characters_not_bytes() {
    // `every` is at byte 85 but character 77 of its line.
    assert_eq!(
        problems_of("cjk.toml"),
        [
            "1:77: invalid duration `十五分钟`: expected number at 0 (write e.g. \"30s\", \"15m\", \"2h 30m\")"
        ]
    );
    let text = "[beat]\ntitle = \"重庆日报\" x\n";
    assert_eq!(
        problems(text),
        ["2:16: invalid TOML: unexpected key or value, expected newline, `#`"]
    );
}

#[test]
fn a_bad_encoding_label_is_the_only_problem_of_a_good_config() {
    assert_eq!(
        problems_of("bad-encoding.toml"),
        ["9:12: unknown encoding `gbk2312`; did you mean `gb2312`?"]
    );
}

#[test]
fn an_unreadable_file_names_its_path() {
    let err = Config::load(&fixture("no-such-file.toml")).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(err.to_string().starts_with("cannot read "), "{err}");
    assert!(err.to_string().contains("no-such-file.toml: "), "{err}");
}

#[test]
fn sources_need_an_id_a_url_and_a_known_kind() {
    let text = format!(
        "{BEAT}[[source]]\nname = \"x\"\n[[source]]\nid = \"Cq_Daily\"\nurl = \"https://example.com/\"\nkind = \"rss\"\nencodng = \"gbk\"\n"
    );
    assert_eq!(
        problems(&text),
        [
            "4:1: missing `id` in [[source]]",
            "4:1: missing `url` in [[source]]",
            "7:6: source id `Cq_Daily` may hold only a-z, 0-9 and `-`, found `C`",
            "9:8: unknown source kind `rss`; expected \"feed\" or \"page\"",
            "10:1: unknown key `encodng` in [[source]]; did you mean `encoding`?",
        ]
    );
}

#[test]
fn list_and_article_rules_report_their_own_problems() {
    let text = format!(
        "{BEAT}[[source]]\nid = \"a\"\nurl = \"https://example.com/\"\nkind = \"page\"\n\
         list = {{ titel = \"h2\" }}\n\
         [source.article]\nremove = [\".ok\", \"p[\", 3]\nfull_text = \"yes\"\n"
    );
    assert_eq!(
        problems(&text),
        [
            "8:8: missing `item` in [source.list]",
            "8:10: unknown key `titel` in [source.list]; did you mean `title`?",
            "10:18: invalid CSS selector `p[`: unexpected end of selector",
            "10:24: `remove` must hold only strings, found an integer",
            "11:13: `full_text` must be a boolean, found a string",
        ]
    );
}

#[test]
fn top_level_shapes_are_checked() {
    let text = format!(
        "source = \"x\"\n{BEAT}[filter]\ninclude = \"川渝\"\nexclude = [\"\"]\n[fetch]\nevery = 30\nmax_body = true\n"
    );
    assert_eq!(
        problems(&text),
        [
            "1:10: `source` must be an array of tables ([[source]]), found a string",
            "6:11: `include` must be an array of strings, found a string",
            "7:12: `exclude` must not hold an empty string",
            "9:9: `every` must be a duration such as \"30m\", found an integer",
            "10:12: `max_body` must be a size like \"10MiB\" or an integer of bytes, found a boolean",
        ]
    );
    assert_eq!(
        problems("[beat]\n"),
        [
            "1:1: missing `title` in [beat]",
            "1:1: missing `link` in [beat]"
        ]
    );
}

#[test]
fn the_fingerprint_follows_the_source_text_not_its_comments() {
    let source = |selector: &str, comment: &str| {
        let text = format!(
            "{BEAT}[[source]]\nid = \"a\"\nurl = \"https://example.com/\"\nkind = \"page\"\n{comment}\n[source.list]\nitem = \"{selector}\"\n"
        );
        load(&text).sources[0].fingerprint
    };
    let base = source("ul li", "");
    assert_eq!(base.as_str().len(), 16);
    assert!(base.as_str().chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(source("ul li", "# the list of 今日西南"), base);
    assert_ne!(source("ul.news li", ""), base);
    let two = load(&format!(
        "{BEAT}[[source]]\nid = \"a\"\nurl = \"https://example.com/\"\n[[source]]\nid = \"b\"\nurl = \"https://example.com/\"\n"
    ));
    assert_ne!(two.sources[0].fingerprint, two.sources[1].fingerprint);
}

#[test]
fn the_example_config_loads_and_documents_the_beat() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/feeds.example.toml"));
    let config = Config::load(path).unwrap();
    assert_eq!(config.beat.title, "西南经济协作");
    assert_eq!(config.beat.timezone, DEFAULT_TIMEZONE);
    assert_eq!(
        config.beat.store,
        Location::Sled(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/beatwire.sled"))
    );
    assert_eq!(config.fetch.max_body, DEFAULT_MAX_BODY_BYTES);
    assert_eq!(config.fetch.every, DEFAULT_EVERY);
    assert_eq!(
        config
            .categories
            .iter()
            .map(|c| c.slug.as_str())
            .collect::<Vec<_>>(),
        ["transport", "industry"]
    );
    let kinds: Vec<_> = config
        .sources
        .iter()
        .map(|s| (s.id.as_str(), s.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("cq-economy", SourceKind::Feed),
            ("scjjrb", SourceKind::Page)
        ]
    );
    let feed = config.source("cq-economy").unwrap();
    assert!(feed.article.as_ref().is_some_and(|a| a.full_text));
    let page = config.source("scjjrb").unwrap();
    assert_eq!(page.encoding, Some(encoding_rs::GBK));
    assert_eq!(
        page.list.as_ref().map(|l| l.item.text.as_str()),
        Some("ul.news li")
    );
    assert_eq!(page.article.as_ref().map(|a| a.remove.len()), Some(3));
}

#[test]
fn aliases_and_dedup_window_are_read_and_checked() {
    let source = "[[source]]\nid = \"m\"\nurl = \"https://m.example.cn/rss\"\n";
    let config = load(&format!(
        "{BEAT}dedup_window = \"3d\"\n{source}aliases = [\"www.Example.cn\", \"m.example.cn\"]\n"
    ));
    assert_eq!(config.beat.dedup_window, Duration::from_secs(3 * 86_400));
    assert_eq!(
        *config.sources[0].aliases,
        ["www.example.cn", "m.example.cn"]
    );
    assert_eq!(
        load(&format!("{BEAT}{source}")).beat.dedup_window,
        DEFAULT_DEDUP_WINDOW
    );
    assert!(
        load(&format!("{BEAT}{source}")).sources[0]
            .aliases
            .is_empty()
    );

    assert_eq!(
        problems(&format!(
            "{BEAT}{source}aliases = [\"m.example.cn\", \"http://x/\", \"M.example.cn\"]\n"
        )),
        [
            "7:11: `aliases` needs at least two hosts: the one links are read as, then its aliases",
            "7:28: `aliases` must hold host names like \"m.example.com\", found `http://x/`",
            "7:41: host `m.example.cn` is listed twice in `aliases`",
        ]
    );
}

#[test]
fn source_tests_are_read_and_every_bad_key_is_reported_at_its_position() {
    let good = format!(
        "{BEAT}[[source]]\nid = \"a\"\nurl = \"https://example.org/feed.xml\"\n\
         [[source.test]]\nurl = \"https://example.org/a/1.htm\"\ntitle = \" 川渝  合作 \"\n\
         published = \"2018-12-24 11:06\"\ncontains = \"成渝\"\n\
         [[source.test]]\nurl = \"https://example.org/a/2.htm\"\ncontains = [\"甲\", \"乙\"]\n"
    );
    let config = load(&good);
    let tests = &config.sources[0].tests;
    assert_eq!(tests.len(), 2);
    assert_eq!(tests[0].title.as_deref(), Some("川渝 合作"));
    assert_eq!(
        tests[0].published.map(|d| d.to_string()).as_deref(),
        Some("2018-12-24 11:06")
    );
    assert_eq!(tests[0].contains, ["成渝"]);
    assert_eq!(tests[1].contains, ["甲", "乙"]);
    assert_eq!(tests[1].title, None);

    let bad = format!(
        "{BEAT}[[source]]\nid = \"a\"\nurl = \"https://example.org/feed.xml\"\n\
         [[source.test]]\ntitel = \"x\"\npublished = \"24/12/2018\"\ncontains = 3\n\
         [[source.test]]\nurl = \"example.org/a\"\ncontains = [\"\", 2]\n"
    );
    assert_eq!(
        problems(&bad),
        [
            "7:1: missing `url` in [[source.test]]",
            "8:1: unknown key `titel` in [[source.test]]; did you mean `title`?",
            "9:13: invalid `published` `24/12/2018`: expected RFC 3339 (2018-12-24T11:06:36+08:00), or `YYYY-MM-DD HH:MM[:SS]` / `YYYY-MM-DD` in the source's zone",
            "10:12: `contains` must be a string or an array of strings, found an integer",
            "12:7: `url` is not a valid URL `example.org/a`: relative URL without a base",
            "13:13: `contains` must not hold an empty string",
            "13:17: `contains` must hold only strings, found an integer",
        ]
    );
}

#[test]
fn a_source_test_leaves_the_fingerprint_alone() {
    let plain = format!("{BEAT}[[source]]\nid = \"a\"\nurl = \"https://example.org/f\"\n");
    let tested = format!("{plain}[[source.test]]\nurl = \"https://example.org/a/1.htm\"\n");
    assert_eq!(
        load(&plain).sources[0].fingerprint,
        load(&tested).sources[0].fingerprint
    );
}

#[test]
fn the_example_config_carries_a_source_test() {
    let config = Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("feeds.example.toml"))
        .expect("feeds.example.toml loads");
    let tests = &config.source("scjjrb").expect("the page source").tests;
    assert_eq!(tests.len(), 1);
    assert_eq!(
        tests[0].published,
        Some(ExpectedDate::parse("2018-12-24 11:06").unwrap())
    );
    assert_eq!(tests[0].contains, ["重庆经济协作区", "市长联席会"]);
}

#[test]
fn a_source_category_and_site_are_read_and_checked() {
    let source = "[[source]]\nid = \"m\"\nurl = \"https://m.example.cn/rss\"\n";
    let config = load(&format!(
        "{BEAT}{source}category = \"交通与通道\"\nsite = \"https://m.example.cn/\"\n"
    ));
    assert_eq!(config.sources[0].category.as_deref(), Some("交通与通道"));
    assert_eq!(
        config.sources[0].site.as_ref().map(|u| u.as_str()),
        Some("https://m.example.cn/")
    );
    assert_eq!(
        problems(&format!(
            "{BEAT}{source}category = \" \"\nsite = \"m.example.cn\"\n"
        )),
        [
            "7:12: `category` must not be empty",
            "8:8: `site` is not a valid URL `m.example.cn`: relative URL without a base",
        ]
    );
}
