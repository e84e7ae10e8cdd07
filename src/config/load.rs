//! The walker over a parsed `feeds.toml`: the top level, `[beat]`, `[fetch]`, `[filter]` and
//! `[[category]]` (sources are walked in `source.rs`). Every problem is reported, then the walk
//! goes on, so one `check` shows them all.
//!
//! This file must not read files (the caller hands it the text) nor compile values itself: it
//! only decides which key is which and calls the compilers of `value.rs`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml_edit::{Document, TableLike};

use super::parts;
use super::problem::{ConfigError, Report};
use super::source::{SourceList, sources};
use super::value::{self, PROXY, WEB, byte_size, compiled, count, duration_at, required};
use super::walk::{Spanned, Table};
use super::{
    BeatRule, CategoryRule, Config, DEFAULT_CONCURRENCY, DEFAULT_DEDUP_WINDOW, DEFAULT_EVERY,
    DEFAULT_KEEP_DAYS, DEFAULT_LANGUAGE, DEFAULT_LEASE, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_ITEMS,
    DEFAULT_OUTPUT, DEFAULT_PER_HOST, DEFAULT_PER_HOST_INTERVAL, DEFAULT_STALL_TIMEOUT,
    DEFAULT_STORE, DEFAULT_TIMEOUT, DEFAULT_TIMEZONE, FetchPolicy, FilterRule,
};
use crate::store::Location;

pub(super) const TOP_KEYS: &[&str] = &["beat", "fetch", "filter", "category", "source"];
pub(super) const BEAT_KEYS: &[&str] = &[
    "title",
    "description",
    "link",
    "feed_url",
    "language",
    "timezone",
    "max_items",
    "keep_days",
    "dedup_window",
    "store",
    "output",
];
pub(super) const FETCH_KEYS: &[&str] = &[
    "user_agent",
    "concurrency",
    "per_host",
    "per_host_interval",
    "timeout",
    "stall_timeout",
    "max_body",
    "every",
    "proxy",
    "lease",
];
pub(super) const FILTER_KEYS: &[&str] = &["include", "exclude", "regex"];
pub(super) const CATEGORY_KEYS: &[&str] = &["name", "slug", "keywords"];

/// Parses and checks the whole document; see [`Config::from_toml`].
///
/// A large file is parsed a part at a time (see `parts.rs`), which reads the same document
/// with a fraction of the memory; when the parts cannot be read on their own, the whole is.
pub(super) fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let parts = parts::split(text);
    if parts.len() > 1
        && let Some(result) = parse_in_parts(text, path, &parts)
    {
        return result;
    }
    let mut report = Report::new(text);
    let doc = match Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let message = e.message().trim().replace('\n', "; ");
            report.at(
                &e.span().unwrap_or(0..0),
                format!("invalid TOML: {message}"),
            );
            return Err(invalid(path, report));
        }
    };
    let root = Table::new("", doc.as_table() as &dyn TableLike, 0..0);
    root.deny_unknown(TOP_KEYS, &mut report);
    let head = head(&root, path, &mut report);
    let mut list = SourceList::default();
    sources(&root, &mut report, &mut list);
    combine(path, head, list, report)
}

/// [`parse`] over `parts` (the head's range first); `None` when a part does not parse on its
/// own, or holds anything but `[[source]]` tables, or the head holds sources.
fn parse_in_parts(
    text: &str,
    path: &Path,
    parts: &[Range<usize>],
) -> Option<Result<Config, ConfigError>> {
    let (head_range, parts) = parts.split_first()?;
    let mut report = Report::new(text);
    let doc = Document::parse(text.get(head_range.clone())?).ok()?;
    if doc.as_table().contains_key("source") {
        return None;
    }
    let root = Table::new("", doc.as_table() as &dyn TableLike, 0..0);
    root.deny_unknown(TOP_KEYS, &mut report);
    let head = head(&root, path, &mut report);
    // Room for every source at once (each part but the last holds `SOURCES_PER_PART`): a list
    // grown by doubling held about twice the sources for a moment, and was copied to do it.
    let mut list = SourceList::with_capacity(parts.len() * parts::SOURCES_PER_PART);
    for part in parts {
        let doc = Document::parse(text.get(part.clone())?).ok()?;
        if doc.as_table().iter().any(|(key, _)| key != "source") {
            return None;
        }
        report.set_base(part.start);
        let root = Table::new("", doc.as_table() as &dyn TableLike, 0..0);
        sources(&root, &mut report, &mut list);
        report.set_base(0);
    }
    Some(combine(path, head, list, report))
}

fn invalid(path: &Path, report: Report<'_>) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_owned(),
        problems: report.into_problems(),
    }
}

/// Everything of the top level but the sources.
struct Head {
    beat: Option<BeatRule>,
    fetch: FetchPolicy,
    filter: FilterRule,
    categories: Option<Vec<CategoryRule>>,
}

fn head(root: &Table<'_>, path: &Path, report: &mut Report<'_>) -> Head {
    let base = path.parent().unwrap_or(Path::new(""));
    let beat = match root.table("beat", "[beat]", report) {
        Some(t) => beat(&t, base, report),
        None => {
            if root.inner.get("beat").is_none() {
                report.at(
                    &(0..0),
                    "missing [beat] table (it needs at least `title` and `link`)",
                );
            }
            None
        }
    };
    let user_agent = beat
        .as_ref()
        .map_or_else(FetchPolicy::default_user_agent, |b| {
            FetchPolicy::user_agent_for(&b.link)
        });
    let fetch = root
        .table("fetch", "[fetch]", report)
        .map(|t| fetch(&t, user_agent.clone(), report))
        .unwrap_or_else(|| FetchPolicy {
            user_agent,
            ..FetchPolicy::default()
        });
    let filter = root
        .table("filter", "[filter]", report)
        .map(|t| filter(&t, report))
        .unwrap_or_default();
    let categories = categories(root, report);
    Head {
        beat,
        fetch,
        filter,
        categories,
    }
}

fn combine(
    path: &Path,
    head: Head,
    list: SourceList,
    mut report: Report<'_>,
) -> Result<Config, ConfigError> {
    match (head.beat, head.categories, list.rules) {
        (Some(beat), Some(categories), Some(mut sources)) if report.is_clean() => {
            sources.shrink_to_fit();
            Ok(Config {
                path: path.to_owned(),
                beat,
                fetch: head.fetch,
                filter: head.filter,
                categories,
                sources,
            })
        }
        _ => {
            if report.is_clean() {
                // Every `None` above comes with a reported problem; this only guards the rule.
                report.at(&(0..0), "the configuration could not be read");
            }
            Err(invalid(path, report))
        }
    }
}

/// A path as written, made absolute against the config file's directory when relative.
fn resolve(
    base: &Path,
    written: Option<Spanned<String>>,
    default: &str,
    key: &str,
    report: &mut Report<'_>,
) -> PathBuf {
    let written = match written {
        Some(Spanned { value, span }) if value.trim().is_empty() => {
            report.at(&span, format!("`{key}` must not be empty"));
            default.to_owned()
        }
        Some(s) => s.value,
        None => default.to_owned(),
    };
    let path = PathBuf::from(written);
    if path.is_absolute() {
        path
    } else {
        base.join(path)
    }
}

fn beat(t: &Table<'_>, base: &Path, report: &mut Report<'_>) -> Option<BeatRule> {
    t.deny_unknown(BEAT_KEYS, report);
    let title = t.required_string("title", report);
    if let Some(title) = title.as_ref().filter(|s| s.value.trim().is_empty()) {
        report.at(&title.span, "`title` must not be empty");
    }
    let description = t.string("description", report).map(|s| s.value);
    let link = required(t, "link", report, |s| value::url(s, "link", WEB));
    let feed_url = compiled(t, "feed_url", report, |s| value::url(s, "feed_url", WEB));
    let language = compiled(t, "language", report, language);
    let timezone = compiled(t, "timezone", report, value::zone);
    let max_items = count(t, "max_items", DEFAULT_MAX_ITEMS, report);
    let keep_days = count(t, "keep_days", DEFAULT_KEEP_DAYS, report);
    let dedup_window =
        duration_at(t, "dedup_window", report).map_or(DEFAULT_DEDUP_WINDOW, |d| d.value);
    let store = match t.string("store", report) {
        Some(written) if crate::store::is_postgres_url(&written.value) => {
            let url = written.value.trim();
            if let Err(reason) = crate::store::check_postgres_url(url) {
                report.at(
                    &written.span,
                    format!("`store`: not a PostgreSQL URL the client reads: {reason}"),
                );
            }
            Location::Postgres(url.to_owned())
        }
        written => Location::Sled(resolve(base, written, DEFAULT_STORE, "store", report)),
    };
    let output = t.string("output", report);
    let output = resolve(base, output, DEFAULT_OUTPUT, "output", report);
    Some(BeatRule {
        title: title?.value,
        description: description.unwrap_or_default(),
        link: link?.value,
        feed_url: feed_url.map(|u| u.value),
        language: language.map_or_else(|| DEFAULT_LANGUAGE.to_owned(), |l| l.value),
        timezone: timezone.map_or(DEFAULT_TIMEZONE, |z| z.value),
        max_items,
        keep_days,
        dedup_window,
        store,
        output,
    })
}

/// A language tag such as `zh-cn`: letters, digits and `-`.
fn language(text: &str) -> Result<String, String> {
    let ok = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`language` must be a language tag like \"zh-cn\", found `{text}`"
        ))
    }
}

fn fetch(t: &Table<'_>, user_agent: String, report: &mut Report<'_>) -> FetchPolicy {
    t.deny_unknown(FETCH_KEYS, report);
    let agent = t.string("user_agent", report);
    if let Some(agent) = agent.as_ref().filter(|a| a.value.trim().is_empty()) {
        report.at(&agent.span, "`user_agent` must not be empty");
    }
    let duration = |key: &str, default: Duration, report: &mut Report<'_>| {
        duration_at(t, key, report).map_or(default, |d| d.value)
    };
    let timeout = duration_at(t, "timeout", report);
    if let Some(zero) = timeout.as_ref().filter(|d| d.value.is_zero()) {
        report.at(&zero.span, "`timeout` must be more than 0s");
    }
    let lease = duration_at(t, "lease", report);
    if let Some(short) = lease.as_ref().filter(|d| d.value < Duration::from_secs(1)) {
        report.at(&short.span, "`lease` must be at least 1s");
    }
    let stall_timeout = duration_at(t, "stall_timeout", report);
    if let Some(zero) = stall_timeout.as_ref().filter(|d| d.value.is_zero()) {
        report.at(&zero.span, "`stall_timeout` must be more than 0s");
    }
    FetchPolicy {
        user_agent: agent.map_or(user_agent, |a| a.value),
        concurrency: count(t, "concurrency", DEFAULT_CONCURRENCY, report),
        per_host: count(t, "per_host", DEFAULT_PER_HOST, report),
        per_host_interval: duration("per_host_interval", DEFAULT_PER_HOST_INTERVAL, report),
        timeout: timeout.map_or(DEFAULT_TIMEOUT, |d| d.value),
        stall_timeout: stall_timeout.map_or(DEFAULT_STALL_TIMEOUT, |d| d.value),
        max_body: byte_size(t, "max_body", DEFAULT_MAX_BODY_BYTES, report),
        every: duration("every", DEFAULT_EVERY, report),
        proxy: compiled(t, "proxy", report, |s| value::url(s, "proxy", PROXY)).map(|u| u.value),
        lease: lease.map_or(DEFAULT_LEASE, |d| d.value),
    }
}

/// The strings of an array, each checked to be non-empty.
fn words(t: &Table<'_>, key: &str, report: &mut Report<'_>) -> Option<Spanned<Vec<String>>> {
    let Spanned { value, span } = t.strings(key, report)?;
    let mut out = Vec::with_capacity(value.len());
    for word in value {
        if word.value.trim().is_empty() {
            report.at(&word.span, format!("`{key}` must not hold an empty string"));
        } else {
            out.push(word.value);
        }
    }
    Some(Spanned { value: out, span })
}

fn filter(t: &Table<'_>, report: &mut Report<'_>) -> FilterRule {
    t.deny_unknown(FILTER_KEYS, report);
    FilterRule {
        include: words(t, "include", report)
            .map(|w| w.value)
            .unwrap_or_default(),
        exclude: words(t, "exclude", report)
            .map(|w| w.value)
            .unwrap_or_default(),
        regex: compiled(t, "regex", report, value::Pattern::parse).map(|p| p.value),
    }
}

/// All `[[category]]` tables; `None` when any has a problem (all are reported).
fn categories(root: &Table<'_>, report: &mut Report<'_>) -> Option<Vec<CategoryRule>> {
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let mut out = Some(Vec::new());
    for t in root.tables("category", "[[category]]", report) {
        t.deny_unknown(CATEGORY_KEYS, report);
        let name = t.required_string("name", report);
        if let Some(name) = name.as_ref().filter(|n| n.value.trim().is_empty()) {
            report.at(&name.span, "`name` must not be empty");
        }
        let slug = required(&t, "slug", report, |s| value::slug(s, "category slug"));
        if let Some(Spanned { value, span }) = &slug {
            if let Some(&first) = first_seen.get(value) {
                let line = report.line_of(first);
                report.at(
                    span,
                    format!("duplicate category slug `{value}` (first at line {line})"),
                );
            } else {
                first_seen.insert(value.clone(), span.start);
            }
        }
        if t.inner.get("keywords").is_none() {
            t.missing("keywords", report);
        }
        let written = t.inner.get("keywords").and_then(|k| k.as_array());
        let none_written = written.is_some_and(|a| a.is_empty());
        let keywords = words(&t, "keywords", report);
        if let Some(empty) = keywords.as_ref().filter(|_| none_written) {
            report.at(&empty.span, "`keywords` must hold at least one keyword");
        }
        match (name, slug, keywords, out.as_mut()) {
            (Some(name), Some(slug), Some(keywords), Some(list)) => list.push(CategoryRule {
                name: name.value,
                slug: slug.value,
                keywords: keywords.value,
            }),
            _ => out = None,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match parse(text, Path::new("feeds.toml")) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems().iter().map(|p| p.to_string()).collect(),
        }
    }

    const BEAT: &str = "[beat]\ntitle = \"西南经济协作\"\nlink = \"https://example.org/beat/\"\n";

    /// A file large enough to be parsed in parts (see `parts.rs`).
    fn large(sources: usize, source: impl Fn(usize) -> String) -> String {
        let mut text = format!("{BEAT}[fetch]\nconcurrency = 4\n\n");
        for i in 0..sources {
            text.push_str(&source(i));
        }
        assert!(parts::split(&text).len() > 2, "the file is read in parts");
        text
    }

    fn padded(i: usize) -> String {
        format!(
            "[[source]]\nid = \"s{i}\"\nname = \"{}\"\nurl = \"https://example.org/{i}.xml\"\n\n",
            "某".repeat(150)
        )
    }

    #[test]
    fn a_large_file_read_in_parts_is_the_same_config_with_the_same_positions() {
        let text = large(2500, padded);
        let config = parse(&text, Path::new("feeds.toml")).unwrap();
        assert_eq!(config.fetch.concurrency, 4);
        assert_eq!(config.sources.len(), 2500);
        let alone = parse(&format!("{BEAT}{}", padded(1777)), Path::new("feeds.toml")).unwrap();
        assert_eq!(config.sources[1777], alone.sources[0]);

        // Problems in later parts are told at their line in the whole file.
        let text = large(2500, |i| match i {
            1500 => padded(10),
            2200 => padded(i).replace("https://", "ftp://"),
            _ => padded(i),
        });
        let line = |needle: &str, nth: usize| {
            let at = text.match_indices(needle).nth(nth).unwrap().0;
            text[..at].matches('\n').count() + 1
        };
        let problems = problems(&text);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with(&format!(
                "{}:6: duplicate source id `s10` (first at line {}",
                line("id = \"s10\"", 1),
                line("id = \"s10\"", 0)
            )),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with(&format!("{}:7: ", line("ftp://", 0))),
            "{problems:?}"
        );
    }

    #[test]
    fn a_large_file_whose_parts_do_not_stand_alone_is_read_whole() {
        // A table after the sources: the last part would hold it.
        let text = format!("{}[filter]\ninclude = [\"川渝\"]\n", large(2500, padded));
        let config = parse(&text, Path::new("feeds.toml")).unwrap();
        assert_eq!(
            (config.sources.len(), config.filter.include.len()),
            (2500, 1)
        );
    }

    #[test]
    fn a_postgres_url_is_a_store_of_its_own_and_a_path_stays_sled() {
        let at = |store: &str| {
            let text = format!("{BEAT}store = \"{store}\"\n");
            parse(&text, Path::new("conf/feeds.toml"))
                .unwrap()
                .beat
                .store
        };
        assert_eq!(
            at("postgres://beat:pw@db.example.org/beat"),
            Location::Postgres("postgres://beat:pw@db.example.org/beat".to_owned())
        );
        assert_eq!(
            at("postgresql://db.example.org/beat"),
            Location::Postgres("postgresql://db.example.org/beat".to_owned())
        );
        assert_eq!(
            at("state/postgres.sled"),
            Location::Sled(PathBuf::from("conf/state/postgres.sled"))
        );
        assert!(!format!("{:?}", at("postgres://beat:pw@db/beat")).contains("pw@"));
    }

    #[test]
    fn a_postgres_url_the_client_cannot_read_is_told_at_its_position() {
        let text = format!("{BEAT}store = \"postgres://beat:pw@db/beat?sslmode=sometimes\"\n");
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("4:9: `store`: not a PostgreSQL URL the client reads: ")
                && found[0].contains("sslmode"),
            "{found:?}"
        );
        assert!(!found[0].contains("pw@"), "{found:?}");
    }

    #[test]
    fn a_minimal_config_takes_every_default() {
        let config = parse(BEAT, Path::new("conf/feeds.toml")).unwrap();
        assert_eq!(config.beat.timezone, DEFAULT_TIMEZONE);
        assert_eq!(
            config.beat.store,
            Location::Sled(PathBuf::from("conf/data/beatwire.sled"))
        );
        assert_eq!(config.beat.output, Path::new("conf/public"));
        assert_eq!(config.beat.language, "zh-cn");
        let agent =
            FetchPolicy::user_agent_for(&url::Url::parse("https://example.org/beat/").unwrap());
        assert_eq!(
            config.fetch,
            FetchPolicy {
                user_agent: agent,
                ..FetchPolicy::default()
            }
        );
        assert_eq!(config.filter, FilterRule::default());
        assert!(config.categories.is_empty() && config.sources.is_empty());
    }

    #[test]
    fn a_missing_beat_and_unknown_tables_are_reported() {
        let text = "[fetchh]\nevery = \"1m\"\n";
        assert_eq!(
            problems(text),
            [
                "1:1: missing [beat] table (it needs at least `title` and `link`)",
                "1:2: unknown table `fetchh`; did you mean `fetch`?",
            ]
        );
    }

    #[test]
    fn fetch_numbers_sizes_and_proxies_are_checked() {
        let text = format!(
            "{BEAT}[fetch]\nconcurrency = 0\nper_host = \"2\"\nmax_body = \"lots\"\ntimeout = \"0s\"\nstall_timeout = \"0s\"\nproxy = \"ftp://p.example.org\"\n"
        );
        assert_eq!(
            problems(&text),
            [
                "5:15: `concurrency` must be at least 1, found 0",
                "6:12: `per_host` must be an integer, found a string",
                "7:12: invalid size `lots` (write e.g. \"10MiB\", \"512KB\" or a number of bytes)",
                "8:11: `timeout` must be more than 0s",
                "9:17: `stall_timeout` must be more than 0s",
                "10:9: `proxy` must use http, https, socks5 or socks5h, found `ftp://p.example.org`",
            ]
        );
    }

    #[test]
    fn the_filter_regex_is_compiled_at_load_with_its_position() {
        let text = format!("{BEAT}[filter]\nregex = \"成渝(地区|经济圈)\"\n");
        let config = parse(&text, Path::new("feeds.toml")).unwrap();
        let pattern = config.filter.regex.unwrap();
        assert!(pattern.regex.is_match("成渝地区双城经济圈"));

        let text = format!("{BEAT}[filter]\ninclude = [\"川渝\"]\nregex = \"成渝(地区\"\n");
        assert_eq!(
            problems(&text),
            ["6:9: invalid regex `成渝(地区`: unclosed group"]
        );
        let text = format!("{BEAT}[filter]\nregex = [\"a\"]\n");
        assert_eq!(
            problems(&text),
            ["5:9: `regex` must be a string, found an array"]
        );
    }

    #[test]
    fn categories_need_a_name_a_unique_slug_and_keywords() {
        let text = format!(
            "{BEAT}[[category]]\nname = \"交通\"\nslug = \"transport\"\nkeywords = [\"高铁\"]\n\
             [[category]]\nname = \"交通2\"\nslug = \"transport\"\nkeywords = []\n\
             [[category]]\nslug = \"Trade\"\n"
        );
        assert_eq!(
            problems(&text),
            [
                "10:8: duplicate category slug `transport` (first at line 6)",
                "11:12: `keywords` must hold at least one keyword",
                "12:1: missing `name` in [[category]]",
                "12:1: missing `keywords` in [[category]]",
                "13:8: category slug `Trade` may hold only a-z, 0-9 and `-`, found `T`",
            ]
        );
    }
}
