//! The story's title, chosen on evidence rather than position: each of the page's own claims
//! (the JSON-LD `headline` of the article, `og:title`, `twitter:title`, the heading that the
//! `<title>` repeats, the top `<h1>` before the body, the `<title>` itself) is read as plain
//! text with the site's name cut off, and the headline is the one most of them agree on.
//!
//! This module must not read the body: it looks at headings, `<title>` and meta tags only.

mod heading;
mod site;

use super::Rule;
use super::dom::Dom;
use super::meta::Meta;
use crate::normalise::{clean_text, html_to_text};

pub use heading::subtitle;
pub use site::{is_site_name, strip_site_suffix};

/// Headings longer than this are not titles.
const MAX_TITLE_CHARS: usize = 150;
/// A title this short (in letters and digits) that agrees with little may be a column's name.
const MAX_LABEL_CHARS: usize = 8;

/// A title found, with the rule that found it and the line it is on (when it is on the page).
#[derive(Debug, Clone)]
pub struct Title {
    pub text: String,
    pub rule: Rule,
    pub line: Option<usize>,
}

/// Where a claim about the title comes from, in the order that breaks ties: the article's
/// structured data first, the page's furniture last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    LinkedData,
    OpenGraph,
    Heading,
    Twitter,
    PageTitle,
    OwnHeading,
}

impl Source {
    /// Claims of one family are often copies of one field (`twitter:title` of `og:title`, the
    /// `<h1>` of the heading the `<title>` repeats): they count once as support.
    fn family(self) -> u8 {
        match self {
            Source::LinkedData => 0,
            Source::OpenGraph | Source::Twitter => 1,
            Source::Heading | Source::OwnHeading => 2,
            Source::PageTitle => 3,
        }
    }
}

/// One claim: its text, its key (how claims are compared) and the line it is on.
struct Claim {
    source: Source,
    text: String,
    key: String,
    rule: Rule,
    line: Option<usize>,
}

/// The story's title; `body_start` is the first node of the body (titles sit before it).
pub fn find_title(dom: &Dom<'_>, meta: &Meta, body_start: u32) -> Option<Title> {
    let page_title = meta.page_title.as_deref().map(plain).unwrap_or_default();
    let body_line = dom.line_at(body_start);
    let og = meta.tag(&["og:title"]).map(|(_, v)| plain(v));
    let mut sites = meta.site_names();
    if let Some(suffix) = og
        .as_deref()
        .and_then(|og| site::shared_suffix(&page_title, og))
    {
        sites.push(suffix);
    }
    let meta_claim = |source, text: &str, rule: Rule| {
        let text = site::strip_named_site(&strip_site_suffix(text), &sites);
        Claim {
            source,
            key: key(&text),
            text,
            rule,
            line: None,
        }
    };

    let mut claims = Vec::with_capacity(6);
    if let Some(text) = meta.headline() {
        let rule = Rule::Meta("JSON-LD headline".to_owned());
        // A headline field holds no site name by design: only one the page names is cut.
        let text = site::strip_named_site(&plain(&text), &sites);
        claims.push(Claim {
            source: Source::LinkedData,
            key: key(&text),
            text,
            rule,
            line: None,
        });
    }
    if let Some(text) = &og {
        claims.push(meta_claim(
            Source::OpenGraph,
            text,
            Rule::Meta("og:title".to_owned()),
        ));
    }
    if let Some((_, text)) = meta.tag(&["twitter:title"]) {
        let rule = Rule::Meta("twitter:title".to_owned());
        claims.push(meta_claim(Source::Twitter, &plain(text), rule));
    }
    let repeated = (!page_title.is_empty())
        .then(|| heading::repeated_by_page_title(dom, &page_title, body_line))
        .flatten();
    if let Some(index) = repeated {
        let text = site::strip_named_site(&dom.lines[index].text, &sites);
        claims.push(Claim {
            source: Source::Heading,
            key: key(&text),
            text,
            rule: Rule::Generic("heading repeated by <title>"),
            line: Some(index),
        });
    }
    if let Some((text, line)) = heading::own_heading(dom, body_start) {
        claims.push(Claim {
            source: Source::OwnHeading,
            key: key(&text),
            text,
            rule: Rule::Generic("top heading before the body"),
            line,
        });
    }
    if !page_title.is_empty() {
        let rule = Rule::Generic("<title> without the site suffix");
        claims.push(meta_claim(Source::PageTitle, &page_title, rule));
    }
    claims.retain(|c| c.key.chars().count() >= 2 && c.text.chars().count() <= MAX_TITLE_CHARS * 2);

    if let Some(title) = choose(&claims) {
        return Some(title);
    }
    // No claim at all: the last top heading before the body.
    heading::last_before_body(dom, body_line).map(|index| Title {
        text: dom.lines[index].text.clone(),
        rule: Rule::Generic("heading before the body"),
        line: Some(index),
    })
}

/// The claim most others agree with; ties go to the more trusted source. A short claim (a
/// column's name such as `新闻动态` set as a heading and in the `<title>`) loses to the
/// article's own headline when that is much longer and says more than the label.
fn choose(claims: &[Claim]) -> Option<Title> {
    let support = |claim: &Claim| {
        let mut sources: Vec<u8> = claims
            .iter()
            .filter(|other| agrees(other, claim))
            .map(|other| other.source.family())
            .collect();
        // The heading was found because the <title> repeats it: the <title> agrees.
        if claim.source == Source::Heading {
            sources.push(Source::PageTitle.family());
        }
        sources.sort();
        sources.dedup();
        sources.len()
    };
    let mut ranked: Vec<(usize, &Claim)> = claims.iter().map(|c| (support(c), c)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.source.cmp(&b.1.source)));
    let (_, mut best) = *ranked.first()?;
    if best.key.chars().count() <= MAX_LABEL_CHARS
        && let Some((_, headline)) = ranked.iter().find(|(_, c)| {
            matches!(
                c.source,
                Source::LinkedData | Source::OpenGraph | Source::OwnHeading
            ) && c.key.chars().count() >= best.key.chars().count() * 2
                && !c.key.contains(&best.key)
        })
    {
        best = headline;
    }
    // A title taken from a tag keeps the line of a heading that says the same.
    let line = best.line.or_else(|| {
        claims
            .iter()
            .find(|c| c.line.is_some() && c.key == best.key)
            .and_then(|c| c.line)
    });
    Some(Title {
        text: best.text.clone(),
        rule: best.rule.clone(),
        line,
    })
}

/// Whether `other` says what `claim` says: the same words, or those words and then a part set
/// off by a separator (`Headline - Series name`, `Headline（Agency）`): what both share is the
/// headline. A claim cut short mid-sentence gets no support this way.
fn agrees(other: &Claim, claim: &Claim) -> bool {
    if other.key == claim.key {
        return true;
    }
    let Some(rest) = other.text.strip_prefix(claim.text.as_str()) else {
        return false;
    };
    let spaced = rest.starts_with(char::is_whitespace);
    let rest = rest.trim_start();
    claim.key.chars().count() >= 4
        && (spaced && rest.starts_with(['-', '–', '—', '|', '·', '/', '(', '['])
            || rest.starts_with(['｜', '（', '【', '_', '|']))
}

/// A title as plain text: tags removed, entities decoded, white space collapsed to single
/// spaces (a headline's lines joined). Markup escaped once more (`&lt;div&gt;` in JSON-LD,
/// which no parser decodes) is read the same way, once more.
fn plain(text: &str) -> String {
    let mut text = clean_text(text);
    for _ in 0..2 {
        if !text.contains(['<', '&']) {
            break;
        }
        text = clean_text(&html_to_text(&text).replace('\n', " "));
    }
    text
}

/// Letters and digits only, lower-cased: how titles are compared.
pub fn key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(source: Source, text: &str) -> Claim {
        Claim {
            source,
            text: text.to_owned(),
            key: key(text),
            rule: Rule::Generic("test"),
            line: None,
        }
    }

    /// Markup inside a title field (escaped once in a tag, twice in JSON-LD, or a headline
    /// split over two blocks) comes out as plain text.
    #[test]
    fn titles_are_plain_text() {
        assert_eq!(
            plain("<div>Flood barriers hold</div>\n<div>as the  river peaks</div>"),
            "Flood barriers hold as the river peaks"
        );
        assert_eq!(
            plain("&lt;b&gt;Tom &amp;amp; Jerry&lt;/b&gt; return"),
            "Tom & Jerry return"
        );
        assert_eq!(
            plain("Q&A: rates &quot;on hold&quot;"),
            "Q&A: rates \"on hold\""
        );
    }

    /// The headline is what most sources say, not what the first one says.
    #[test]
    fn the_claim_most_sources_agree_on_wins() {
        let claims = [
            claim(Source::LinkedData, "Bridge reopens early"),
            claim(Source::OpenGraph, "Old bridge reopens two weeks early"),
            claim(Source::Twitter, "Old bridge reopens two weeks early"),
            claim(Source::PageTitle, "Old bridge reopens two weeks early"),
        ];
        let title = choose(&claims).unwrap();
        assert_eq!(title.text, "Old bridge reopens two weeks early");
        // Copies within one family (twitter:title of og:title) count once: a tie goes to the
        // article's structured data.
        let claims = [
            claim(Source::LinkedData, "Bridge reopens early"),
            claim(Source::OpenGraph, "Old bridge reopens two weeks early"),
            claim(Source::Twitter, "Old bridge reopens two weeks early"),
        ];
        assert_eq!(choose(&claims).unwrap().text, "Bridge reopens early");
    }

    /// A claim followed by a part set off by a separator (a series or agency name) supports
    /// the shorter claim; a claim cut off mid-sentence gets no support from the whole one.
    #[test]
    fn the_part_two_sources_share_is_the_headline() {
        let claims = [
            claim(
                Source::OpenGraph,
                "Chapter Two: The long road - Tales of the Valley",
            ),
            claim(Source::Heading, "Chapter Two: The long road"),
        ];
        assert_eq!(choose(&claims).unwrap().text, "Chapter Two: The long road");
        let claims = [
            claim(Source::OpenGraph, "Council votes on the"),
            claim(Source::Heading, "Council votes on the \"new\" budget"),
        ];
        assert_eq!(
            choose(&claims).unwrap().text,
            "Council votes on the \"new\" budget"
        );
    }

    /// A column's name that the `<title>` repeats loses to the article's own longer headline.
    #[test]
    fn a_section_label_loses_to_the_articles_headline() {
        let claims = [
            claim(Source::Heading, "新闻动态"),
            claim(Source::PageTitle, "新闻动态"),
            claim(Source::OwnHeading, "东区开展冬季消防安全检查"),
        ];
        assert_eq!(choose(&claims).unwrap().text, "东区开展冬季消防安全检查");
        // A short headline that is no label stays when nothing longer says otherwise.
        let claims = [
            claim(Source::Heading, "春运开启"),
            claim(Source::PageTitle, "春运开启"),
        ];
        assert_eq!(choose(&claims).unwrap().text, "春运开启");
    }
}
