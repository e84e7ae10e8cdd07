//! One `[[source]]` of `feeds.toml`: [`SourceRule`] with its `[source.list]` ([`ListRule`]) and
//! `[source.article]` ([`ArticleRule`]), the walker that builds them, and the source fingerprint.
//!
//! This file must not fetch or match anything: selectors are compiled here and used elsewhere.

use std::collections::HashMap;
use std::time::Duration;

use chrono_tz::Tz;
use encoding_rs::Encoding;
use sha2::{Digest, Sha256};
use toml_edit::{Item, TableLike};
use url::Url;

use super::problem::Report;
use super::selftest::{self, SourceTest};
use super::value::{self, Css, WEB, compiled, required};
use super::walk::{Spanned, Table};
use crate::model::SourceKind;

/// One source of stories: a feed, or an HTML page that lists stories.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRule {
    /// Stable and unique; `[a-z0-9-]`.
    pub id: String,
    /// The outlet, shown in `<source>`, when given; [`SourceRule::name`] falls back to the id.
    pub name: Option<Box<str>>,
    pub url: Url,
    pub kind: SourceKind,
    /// Overrides `[fetch].every`.
    pub every: Option<Duration>,
    /// Overrides charset detection.
    pub encoding: Option<&'static Encoding>,
    /// Overrides `[beat].timezone`.
    pub timezone: Option<Tz>,
    /// Whether `[filter]` applies to this source.
    pub filter: bool,
    /// Hosts that serve the same pages, lowercase: links on any of them are compared as links
    /// on the first (identity rule 2). Empty, or at least two hosts.
    pub aliases: Box<[String]>,
    /// How to find stories on the page; always present for `kind = "page"`, never for feeds.
    /// Boxed, as are `article` and `site`: most sources have none, and a beat of 100,000
    /// sources holds every rule from start to end.
    pub list: Option<Box<ListRule>>,
    /// How to read a story page; `None` means generic extraction.
    pub article: Option<Box<ArticleRule>>,
    /// `[[source.test]]`: articles `check --online` reads to confirm the rules still work.
    pub tests: Box<[SourceTest]>,
    /// A label that groups sources (the folder of `opml export`); it does not tag stories.
    pub category: Option<Box<str>>,
    /// The site a feed belongs to (OPML's `htmlUrl`), when known.
    pub site: Option<Box<Url>>,
    /// The first 16 hex digits of a SHA-256 over the source's keys and values as written
    /// (sub-tables included, `[[source.test]]` left out): editing any of them, a selector say,
    /// changes it.
    pub fingerprint: Fingerprint,
}

/// A source's fingerprint: 16 lowercase hex digits, held in place rather than on the heap (a
/// beat of 100,000 sources holds every one from start to end).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 16]);

impl Fingerprint {
    /// The fingerprint of the first eight bytes of `digest` (a SHA-256, so there are 32).
    fn of(digest: &[u8]) -> Fingerprint {
        let mut first = [0; 8];
        first.copy_from_slice(&digest[..8]);
        let mut digits = [0; 16];
        digits.copy_from_slice(format!("{:016x}", u64::from_be_bytes(first)).as_bytes());
        Fingerprint(digits)
    }

    pub fn as_str(&self) -> &str {
        // Only `of` makes one, from ASCII hex digits.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprint({})", self.as_str())
    }
}

impl SourceRule {
    /// The outlet, shown in `<source>`: the name given, else the id.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// The source's zone, or the beat's.
    pub fn timezone_or(&self, beat: Tz) -> Tz {
        self.timezone.unwrap_or(beat)
    }

    /// The source's interval, or the default.
    pub fn every_or(&self, default: Duration) -> Duration {
        self.every.unwrap_or(default)
    }
}

/// `[source.list]`: how to find stories on a list page.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRule {
    /// One element per story.
    pub item: Css,
    /// The element whose `href` is the story, inside `item`; `None` means the first `a[href]`.
    pub link: Option<Css>,
    /// The title, inside `item`; `None`: the link text.
    pub title: Option<Css>,
    /// The date, inside `item`.
    pub date: Option<Css>,
}

/// `[source.article]`: how to read one story page.
/// An absent selector falls back to generic extraction.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleRule {
    pub title: Option<Css>,
    pub body: Option<Css>,
    pub date: Option<Css>,
    pub author: Option<Css>,
    pub outlet: Option<Css>,
    /// Elements dropped from the body before it is kept.
    pub remove: Vec<Css>,
    /// For feeds: fetch each new story's page for the full body.
    pub full_text: bool,
}

pub(super) const SOURCE_KEYS: &[&str] = &[
    "id", "name", "url", "kind", "every", "encoding", "timezone", "filter", "aliases", "category",
    "site", "list", "article", "test",
];
pub(super) const LIST_KEYS: &[&str] = &["item", "link", "title", "date"];
pub(super) const ARTICLE_KEYS: &[&str] = &[
    "title",
    "body",
    "date",
    "author",
    "outlet",
    "remove",
    "full_text",
];

/// The sources walked so far, over one table or over the parts of a large file.
#[derive(Debug)]
pub(super) struct SourceList {
    /// Each id and where it was first written (an offset into the whole text).
    first_seen: HashMap<String, usize>,
    /// `None` once any source has a problem (all are reported).
    pub(super) rules: Option<Vec<SourceRule>>,
}

impl Default for SourceList {
    fn default() -> Self {
        SourceList {
            first_seen: HashMap::new(),
            rules: Some(Vec::new()),
        }
    }
}

impl SourceList {
    /// An empty list with room for `sources`.
    pub(super) fn with_capacity(sources: usize) -> Self {
        SourceList {
            first_seen: HashMap::with_capacity(sources),
            rules: Some(Vec::with_capacity(sources)),
        }
    }
}

/// Walks the `[[source]]` tables of `root` into `list`.
pub(super) fn sources(root: &Table<'_>, report: &mut Report<'_>, list: &mut SourceList) {
    for table in root.tables("source", "[[source]]", report) {
        let (rule, id) = source(&table, report);
        if let Some(Spanned { value: id, span }) = id {
            if let Some(&first) = list.first_seen.get(&id) {
                let line = report.line_of(first);
                report.at(
                    &span,
                    format!("duplicate source id `{id}` (first at line {line})"),
                );
            } else {
                let at = report.absolute(span.start);
                list.first_seen.insert(id, at);
            }
        }
        match (rule, list.rules.as_mut()) {
            (Some(rule), Some(rules)) => rules.push(rule),
            _ => list.rules = None,
        }
    }
}

fn kind(text: &str) -> Result<SourceKind, String> {
    match text {
        "feed" => Ok(SourceKind::Feed),
        "page" => Ok(SourceKind::Page),
        other => Err(format!(
            "unknown source kind `{other}`; expected \"feed\" or \"page\""
        )),
    }
}

/// One source, and its id (for the duplicate check) even when the rest has problems.
fn source(t: &Table<'_>, report: &mut Report<'_>) -> (Option<SourceRule>, Option<Spanned<String>>) {
    t.deny_unknown(SOURCE_KEYS, report);
    let id = required(t, "id", report, |s| value::slug(s, "source id"));
    let name = t.string("name", report);
    if let Some(name) = name.as_ref().filter(|n| n.value.trim().is_empty()) {
        report.at(&name.span, "`name` must not be empty");
    }
    let url = required(t, "url", report, |s| value::url(s, "url", WEB));
    let kind_given = compiled(t, "kind", report, kind);
    let kind_ok = kind_given.is_some() || t.inner.get("kind").is_none();
    let kind = kind_given.as_ref().map_or(SourceKind::Feed, |k| k.value);
    let every = value::duration_at(t, "every", report).map(|d| d.value);
    let encoding = compiled(t, "encoding", report, value::encoding).map(|e| e.value);
    let timezone = compiled(t, "timezone", report, value::zone).map(|z| z.value);
    let filter = t.boolean("filter", report).unwrap_or(true);
    let aliases = host_aliases(t, report);
    let category = t.string("category", report);
    if let Some(empty) = category.as_ref().filter(|c| c.value.trim().is_empty()) {
        report.at(&empty.span, "`category` must not be empty");
    }
    let site =
        compiled(t, "site", report, |s| value::url(s, "site", WEB)).map(|u| Box::new(u.value));

    let list_table = t.table("list", "[source.list]", report);
    let list = list_table.as_ref().and_then(|l| list_rule(l, report));
    if kind_ok {
        match (kind, &list_table) {
            (SourceKind::Page, None) if t.inner.get("list").is_none() => {
                let at = kind_given.as_ref().map_or(&t.span, |k| &k.span);
                report.at(
                    at,
                    "kind = \"page\" needs a [source.list] table with `item`",
                );
            }
            (SourceKind::Feed, Some(l)) => {
                report.at(&l.span, "`[source.list]` is only for kind = \"page\"");
            }
            _ => {}
        }
    }
    let article = t
        .table("article", "[source.article]", report)
        .map(|a| Box::new(article_rule(&a, report)));
    let tests = selftest::tests(t, report);

    let rule = (|| {
        let id = id.clone()?.value;
        Some(SourceRule {
            name: name.map(|n| n.value.into_boxed_str()),
            id,
            url: url?.value,
            kind,
            every,
            encoding,
            timezone,
            filter,
            aliases: aliases.into_boxed_slice(),
            list: if kind == SourceKind::Page {
                Some(Box::new(list?))
            } else {
                None
            },
            article,
            tests: tests?.into_boxed_slice(),
            category: category.map(|c| c.value.into_boxed_str()),
            site,
            fingerprint: fingerprint(t.inner, report.text()),
        })
    })();
    (rule, id)
}

/// `aliases = ["www.example.com", "m.example.com", ...]`: host names, the first one the host
/// the others are read as; at least two, no repeats.
fn host_aliases(t: &Table<'_>, report: &mut Report<'_>) -> Vec<String> {
    let Some(list) = t.strings("aliases", report) else {
        return Vec::new();
    };
    let mut hosts: Vec<String> = Vec::new();
    for host in &list.value {
        let name = host.value.trim().to_lowercase();
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            && url::Host::parse(&name).is_ok();
        if !valid {
            report.at(
                &host.span,
                format!(
                    "`aliases` must hold host names like \"m.example.com\", found `{}`",
                    host.value
                ),
            );
        } else if hosts.contains(&name) {
            report.at(
                &host.span,
                format!("host `{name}` is listed twice in `aliases`"),
            );
        } else {
            hosts.push(name);
        }
    }
    if hosts.len() == 1 {
        report.at(
            &list.span,
            "`aliases` needs at least two hosts: the one links are read as, then its aliases",
        );
    }
    hosts
}

fn css(t: &Table<'_>, key: &str, report: &mut Report<'_>) -> Option<Css> {
    compiled(t, key, report, Css::parse).map(|c| c.value)
}

fn list_rule(t: &Table<'_>, report: &mut Report<'_>) -> Option<ListRule> {
    t.deny_unknown(LIST_KEYS, report);
    let item = required(t, "item", report, Css::parse);
    let link = css(t, "link", report);
    let title = css(t, "title", report);
    let date = css(t, "date", report);
    Some(ListRule {
        item: item?.value,
        link,
        title,
        date,
    })
}

/// The article rule; its problems are reported, bad selectors left out.
fn article_rule(t: &Table<'_>, report: &mut Report<'_>) -> ArticleRule {
    t.deny_unknown(ARTICLE_KEYS, report);
    let mut remove = Vec::new();
    for text in t
        .strings("remove", report)
        .map(|a| a.value)
        .unwrap_or_default()
    {
        match Css::parse(&text.value) {
            Ok(css) => remove.push(css),
            Err(message) => report.at(&text.span, message),
        }
    }
    ArticleRule {
        title: css(t, "title", report),
        body: css(t, "body", report),
        date: css(t, "date", report),
        author: css(t, "author", report),
        outlet: css(t, "outlet", report),
        remove,
        full_text: t.boolean("full_text", report).unwrap_or(false),
    }
}

/// Hashes every `key.path = value` of the table, values as written, in document order.
fn fingerprint(table: &dyn TableLike, text: &str) -> Fingerprint {
    fn feed(hasher: &mut Sha256, prefix: &str, table: &dyn TableLike, text: &str) {
        for (key, item) in table.iter() {
            // Self-tests change nothing about how the source is fetched or read.
            if prefix.is_empty() && key == "test" {
                continue;
            }
            let path = if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            };
            match item {
                Item::Table(t) => feed(hasher, &path, t, text),
                Item::Value(toml_edit::Value::InlineTable(t)) => feed(hasher, &path, t, text),
                Item::ArrayOfTables(array) => {
                    for t in array.iter() {
                        feed(hasher, &path, t, text);
                    }
                }
                _ => {
                    let raw = item.span().and_then(|s| text.get(s)).unwrap_or_default();
                    hasher.update(path.as_bytes());
                    hasher.update(b"=");
                    hasher.update(raw.as_bytes());
                    hasher.update(b"\n");
                }
            }
        }
    }
    let mut hasher = Sha256::new();
    feed(&mut hasher, "", table, text);
    Fingerprint::of(&hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_spells_the_first_eight_bytes_of_its_digest_in_lowercase_hex() {
        // The form stores already hold as a source's `config_hash`: a fingerprint written any
        // other way would make every source look edited after an upgrade.
        let digest = [0x01, 0xab, 0x00, 0xff, 0x10, 0x9c, 0x7e, 0x42, 0xee, 0xee];
        let expected: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let fingerprint = Fingerprint::of(&digest);
        assert_eq!(fingerprint.as_str(), expected);
        assert_eq!(fingerprint.as_str(), "01ab00ff109c7e42");
        assert_eq!(fingerprint.to_string(), expected);
    }
}
