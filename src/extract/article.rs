//! One article page → [`Article`]: the body first (selector, TRS, generic), then each field
//! from the first rule that gives it, then boilerplate out of the body.
//!
//! Metadata is read from lines near the body (`fields::Regions`): under the title, at the end
//! of the story and right after it.
//!
//! This module must not sanitize the body (the caller runs `normalise::sanitize` last).

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use regex::Regex;
use scraper::Html;
use serde::Serialize;
use url::Url;

use super::body::Body;
use super::dom::Dom;
use super::fields::{self, Regions};
use super::meta::{self, Meta};
use super::published::{self, Signals};
use super::title::{self, Title};
use super::{ExtractError, MAX_PAGE_BYTES, Rule, clean, generic, guard, select, trs};
use crate::config::ArticleRule;
use crate::normalise::date_in_url;

/// A body with less text than this (see `Counts::weight`) is no article.
pub const MIN_BODY_WEIGHT: u32 = 60;

/// What an error page says in its `<title>` or `<h1>`.
static NOT_FOUND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b404\b|not found|页面不存在|页面未找到|找不到(?:该|此|您要的)?页面|页面已删除|文章不存在|信息不存在|稿件不存在|无法找到")
        .expect("valid regex")
});

/// What reading a page needs besides the page.
#[derive(Debug, Clone, Copy)]
pub struct PageContext<'a> {
    /// The page's URL after redirects: links resolve against it, errors name it.
    pub url: &'a Url,
    /// The source's `[source.article]`, if any.
    pub rule: Option<&'a ArticleRule>,
    /// The zone of dates that carry none.
    pub zone: ZoneChoice,
    /// For relative dates (`3分钟前`) and years left out (`12-24 11:06`).
    pub now: DateTime<Utc>,
}

/// Where the zone of a time written without one comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneChoice {
    /// A source's `timezone` (or one asked for): every time without a zone is in it, whatever
    /// the page says. The beat's pages are always read this way.
    Given(Tz),
    /// No source: the page's own metadata, language or country says where it is; `fallback`
    /// when it says nothing.
    FromPage { fallback: Tz },
}

/// Which rule gave each field (`None`: the field was not found).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rules {
    pub title: Option<Rule>,
    pub published: Option<Rule>,
    pub author: Option<Rule>,
    pub outlet: Option<Rule>,
    pub section: Option<Rule>,
    pub lead_image: Option<Rule>,
    pub body: Rule,
}

impl Rules {
    /// Only the body's rule: no other field found.
    pub fn body_only(body: Rule) -> Rules {
        Rules {
            title: None,
            published: None,
            author: None,
            outlet: None,
            section: None,
            lead_image: None,
            body,
        }
    }
}

/// A story as read from its page.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub title: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
    pub outlet: Option<String>,
    pub section: Option<String>,
    /// Absolute URL.
    pub lead_image: Option<String>,
    /// The body as the page has it, boilerplate out; not sanitized.
    pub body_html: String,
    /// The body's visible text, one line per paragraph.
    pub body_text: String,
    pub rules: Rules,
    /// `[source.article]` selectors that found nothing.
    pub warnings: Vec<String>,
    /// The zone the page's times without one were read in.
    pub zone: Tz,
}

impl Article {
    /// The outlet the page names as the story's writer: a `来源` line, `ContentSource`, the
    /// source's selector, or an agency credited as the author. Not the publisher or the name
    /// the site gives itself in its tags: those name the site that carries the story.
    pub fn writer(&self) -> Option<&str> {
        let named = match self.rules.outlet.as_ref()? {
            Rule::Meta(tag) => tag == fields::AGENCY_RULE,
            Rule::Zoned(..) => false,
            Rule::Selector(_) | Rule::Trs(_) | Rule::Generic(_) => true,
        };
        self.outlet.as_deref().filter(|_| named)
    }
}

/// Reads one article page.
pub fn read_article(html: &str, page: &PageContext<'_>) -> Result<Article, ExtractError> {
    let url = page.url.as_str();
    let no_body = |reason: String| ExtractError::NoBody {
        url: url.to_owned(),
        reason,
    };
    if html.len() > MAX_PAGE_BYTES {
        return Err(ExtractError::TooLarge {
            url: url.to_owned(),
            size: html.len(),
            limit: MAX_PAGE_BYTES,
        });
    }
    if html.trim().is_empty() {
        return Err(no_body("the page is empty".to_owned()));
    }
    let document = Html::parse_document(&guard::for_reading(html, guard::MAX_NESTING));
    let dom = Dom::build(&document);
    let meta = Meta::collect(&dom);
    let signals = Signals::collect(&dom, &meta);
    let zone = published::page_zone(&signals, page);
    let mut selected = page
        .rule
        .map(|rule| select::apply(&dom, rule, zone.tz, page.now))
        .unwrap_or_default();

    let (mut body, body_rule) = if let Some((body, css)) = selected.body.take() {
        (body, Rule::Selector(css))
    } else if let Some(body) = trs::body(&dom) {
        (
            body,
            Rule::Trs(".TRS_Editor / .trs_editor_view / .TRS_UEDITOR"),
        )
    } else if let Some(body) = generic::find_body(&dom) {
        (body, Rule::Generic("text and link density"))
    } else if says_not_found(&dom, &meta) {
        return Err(no_body(NOT_FOUND_REASON.to_owned()));
    } else {
        return Err(no_body("the page has no paragraph of text".to_owned()));
    };
    if let Some(rule) = page.rule {
        select::remove(&dom, &mut body, rule);
    }

    let title = match (selected.title.take(), trs::title(&meta)) {
        (Some((text, css)), _) => Some(Title {
            text,
            rule: Rule::Selector(css),
            line: None,
        }),
        (None, Some(text)) => Some(Title {
            text,
            rule: Rule::Trs("meta ArticleTitle"),
            line: None,
        }),
        (None, None) => title::find_title(&dom, &meta, body.start()),
    };
    let title_line = title.as_ref().and_then(|t| t.line).or_else(|| {
        let text = &title.as_ref()?.text;
        dom.lines.iter().position(|l| &l.text == text)
    });
    if let Some(block) = title_line.and_then(|t| title::subtitle(&dom, t, body.start())) {
        body.prepend(&dom, block);
    }
    let body_lines = body.lines(&dom);
    let regions = Regions::new(&dom, title_line, &body_lines, body.end(&dom));
    let published = selected
        .published
        .take()
        .map(|(d, css)| (d, Rule::Selector(css)))
        .or_else(|| {
            trs::published(&meta, zone.tz, page.now).map(|d| (d, Rule::Trs("meta PubDate")))
        })
        .or_else(|| {
            let end = body.end(&dom);
            published::published(&dom, &meta, &signals, &regions, end, &zone, page.now)
        });
    let authors = selected
        .authors
        .take()
        .map(|(a, css)| (a, Rule::Selector(css)))
        .or_else(|| fields::authors(&dom, &meta, &regions));
    let outlet = selected
        .outlet
        .take()
        .map(|(o, css)| (o, Rule::Selector(css)))
        .or_else(|| trs::outlet(&meta).map(|o| (o, Rule::Trs("meta ContentSource"))))
        .or_else(|| fields::outlet(&meta, &regions));
    let before = title_line.unwrap_or_else(|| body_lines.first().copied().unwrap_or(0));
    let section = trs::section(&meta)
        .map(|s| (s, Rule::Trs("meta ColumnName")))
        .or_else(|| meta::section(&dom, &meta, before));

    let names = authors
        .as_ref()
        .map(|(a, _)| a.as_slice())
        .unwrap_or_default();
    clean::boilerplate(
        &dom,
        &mut body,
        title.as_ref().map(|t| t.text.as_str()),
        names,
    );
    check_body(&dom, &body, &meta).map_err(no_body)?;
    let lead_image = meta::lead_image(&dom, &meta, &body, page.url);
    // A page that writes no date anywhere may still file its own picture under the day it was
    // published (`/uploads/2025/04/05/…`): the last evidence there is, never a day to come.
    let published = published.or_else(|| {
        let (image, _) = lead_image.as_ref()?;
        let day = date_in_url(&Url::parse(image).ok()?, zone.tz)?;
        (day <= page.now).then_some((day, Rule::Generic("day in the lead picture's path")))
    });
    let body_html = body.html(&dom);
    let body_text = body
        .line_texts(&dom)
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let (title, title_rule) = split(title.map(|t| (t.text, t.rule)));
    let (published, published_rule) = split(published);
    let (authors, author_rule) = split(authors);
    let (outlet, outlet_rule) = split(outlet);
    let (section, section_rule) = split(section);
    let (lead_image, image_rule) = split(lead_image);
    Ok(Article {
        title,
        published,
        authors: authors.unwrap_or_default(),
        outlet,
        section,
        lead_image,
        body_html,
        body_text,
        rules: Rules {
            title: title_rule,
            published: published_rule,
            author: author_rule,
            outlet: outlet_rule,
            section: section_rule,
            lead_image: image_rule,
            body: body_rule,
        },
        warnings: selected.warnings,
        zone: zone.tz,
    })
}

fn split<T>(found: Option<(T, Rule)>) -> (Option<T>, Option<Rule>) {
    match found {
        Some((value, rule)) => (Some(value), Some(rule)),
        None => (None, None),
    }
}

/// Why what is left of the body is no article, if it is not.
fn check_body(dom: &Dom<'_>, body: &Body, meta: &Meta) -> Result<(), String> {
    let lines = body.line_texts(dom);
    let weight: u32 = lines.iter().map(|l| l.weight()).sum();
    if weight < MIN_BODY_WEIGHT {
        return Err(format!("{weight} characters of text"));
    }
    let chars: u32 = lines.iter().map(|l| l.chars).sum();
    let links: u32 = lines.iter().map(|l| l.link_chars).sum();
    if links * 2 > chars {
        return Err("the text is mostly links".to_owned());
    }
    let longest = lines.iter().map(|l| l.weight()).max().unwrap_or(0);
    let link_lines = lines.iter().filter(|l| l.link_density() > 0.5).count();
    if longest < MIN_BODY_WEIGHT && link_lines * 3 >= lines.len() {
        return Err("a list of links, no paragraph of prose".to_owned());
    }
    if weight < 1000 && says_not_found(dom, meta) {
        return Err(NOT_FOUND_REASON.to_owned());
    }
    Ok(())
}

const NOT_FOUND_REASON: &str = "the page says it was not found";

/// Whether the page's `<title>` or first `<h1>` says it is an error page (`404`, `页面不存在`).
fn says_not_found(dom: &Dom<'_>, meta: &Meta) -> bool {
    meta.page_title
        .as_deref()
        .is_some_and(|t| NOT_FOUND.is_match(t))
        || dom
            .first_named("h1")
            .is_some_and(|h| NOT_FOUND.is_match(&dom.text_of(h)))
}
