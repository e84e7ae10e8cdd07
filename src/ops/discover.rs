//! The feeds an HTML page names: `<link rel="alternate">` with a feed type (RSS, Atom, RDF,
//! JSON Feed), then, as feed finders commonly do, `<a>` links on the same site whose path looks
//! like a feed (`rss`, `atom`, `feed`, `rdf` in it, or ending in `.xml`). The second kind are
//! only guesses: the caller fetches each to confirm it is a feed.
//!
//! Must not: fetch anything; it reads one page.

use std::sync::LazyLock;

use scraper::{Html, Selector};
use url::Url;

use crate::extract::guard::{MAX_NESTING, within_depth};
use crate::normalise::{canonical_link, clean_text, resolve};

/// Link types that announce a feed.
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "text/xml",
    "application/xml",
];

/// Words in a link's path (or query) that make it a likely feed.
const FEED_WORDS: &[&str] = &["rss", "atom", "feed", "rdf"];

/// How a page names a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// `<link rel="alternate" type="application/rss+xml">` and the like: the page says so.
    Alternate,
    /// An `<a>` whose path looks like a feed: a guess to confirm.
    Anchor,
}

/// One feed a page names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub url: Url,
    /// The link's `title` (or the anchor's text).
    pub title: Option<String>,
    pub named: Named,
}

/// The feeds `html` names, `<link rel="alternate">` first, each once, in page order. `page` is
/// the page's URL (after redirects); a `<base href>` in the page wins over it.
pub fn discover(html: &str, page: &Url) -> Vec<Candidate> {
    let document = Html::parse_document(within_depth(html, MAX_NESTING));
    let base = document
        .select(&BASE)
        .next()
        .and_then(|b| b.attr("href"))
        .and_then(|href| resolve(page, href))
        .unwrap_or_else(|| page.clone());
    let mut found: Vec<Candidate> = Vec::new();
    let mut push = |candidate: Candidate| {
        let key = canonical_link(&candidate.url);
        if key != canonical_link(page) && !found.iter().any(|c| canonical_link(&c.url) == key) {
            found.push(candidate);
        }
    };
    for link in document.select(&LINKS) {
        let rel = link.attr("rel").unwrap_or_default().to_ascii_lowercase();
        if !rel.split_ascii_whitespace().any(|r| r == "alternate") {
            continue;
        }
        let kind = link
            .attr("type")
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let kind = kind.split(';').next().unwrap_or_default().trim();
        if !FEED_TYPES.contains(&kind) {
            continue;
        }
        if let Some(url) = link.attr("href").and_then(|href| resolve(&base, href)) {
            push(Candidate {
                url,
                title: link.attr("title").map(clean_text).filter(|t| !t.is_empty()),
                named: Named::Alternate,
            });
        }
    }
    for anchor in document.select(&ANCHORS) {
        let Some(url) = anchor.attr("href").and_then(|href| resolve(&base, href)) else {
            continue;
        };
        if same_site(&url, page) && looks_like_feed(&url) {
            let text = clean_text(&anchor.text().collect::<String>());
            push(Candidate {
                url,
                title: (!text.is_empty()).then_some(text),
                named: Named::Anchor,
            });
        }
    }
    found
}

static BASE: LazyLock<Selector> = LazyLock::new(|| css("base[href]"));
static LINKS: LazyLock<Selector> = LazyLock::new(|| css("link[href]"));
static ANCHORS: LazyLock<Selector> = LazyLock::new(|| css("a[href]"));

fn css(text: &str) -> Selector {
    Selector::parse(text).expect("the selectors of this file are valid")
}

/// Whether two URLs are on one site (the host without `www.`).
fn same_site(a: &Url, b: &Url) -> bool {
    let host = |u: &Url| {
        let h = u.host_str().unwrap_or_default().to_ascii_lowercase();
        h.strip_prefix("www.").map(str::to_owned).unwrap_or(h)
    };
    host(a) == host(b)
}

fn looks_like_feed(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    let query = url.query().unwrap_or_default().to_ascii_lowercase();
    let words = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .chain(query.split(|c: char| !c.is_ascii_alphanumeric()));
    let mut words = words.filter(|w| !w.is_empty());
    path.ends_with(".xml") || words.any(|w| FEED_WORDS.contains(&w) || w == "rss2")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("http://www.example.cn/news/index.html").unwrap()
    }

    #[test]
    fn alternate_links_come_first_then_feed_like_anchors() {
        let html = r#"<html><head>
            <link rel="stylesheet" href="/s.css">
            <link rel="Alternate" type="application/rss+xml" title="要闻 RSS" href="/rss/news.xml">
            <link rel="alternate" type="application/atom+xml" href="atom.xml">
            <link rel="alternate" hreflang="en" href="/en/">
            </head><body>
            <a href="/news/a.html">A story</a>
            <a href="/rss/news.xml">RSS</a>
            <a href="http://example.cn/feed/">订阅</a>
            <a href="http://other.example.org/rss.xml">elsewhere</a>
            <a href="/index.php?format=rss2">rss2</a>
            </body></html>"#;
        let found = discover(html, &page());
        let urls: Vec<(&str, Named)> = found.iter().map(|c| (c.url.as_str(), c.named)).collect();
        assert_eq!(
            urls,
            [
                ("http://www.example.cn/rss/news.xml", Named::Alternate),
                ("http://www.example.cn/news/atom.xml", Named::Alternate),
                ("http://example.cn/feed/", Named::Anchor),
                ("http://www.example.cn/index.php?format=rss2", Named::Anchor),
            ]
        );
        assert_eq!(found[0].title.as_deref(), Some("要闻 RSS"));
    }

    #[test]
    fn a_base_href_resolves_the_links() {
        let html = r#"<head><base href="http://cdn.example.cn/x/">
            <link rel="alternate" type="application/feed+json" href="feed.json"></head>"#;
        let found = discover(html, &page());
        assert_eq!(found[0].url.as_str(), "http://cdn.example.cn/x/feed.json");
    }

    #[test]
    fn a_page_without_feeds_names_none() {
        let html = r#"<a href="/news/2019/a.html">成渝地区双城经济圈建设</a>"#;
        assert!(discover(html, &page()).is_empty());
    }
}
