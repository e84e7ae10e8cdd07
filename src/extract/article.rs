//! One article page → [`Article`]: the body first (selector, TRS, generic), then each field
//! from the first rule that gives it, then boilerplate out of the body.
//!
//! Metadata is read from lines near the body: the *head* (the lines under the title, down to
//! the first paragraph of prose, which is read for the reporter's name too) and the *tail*
//! (the last lines of the body and the few after it).
//!
//! This module must not sanitize the body (the caller runs `normalise::sanitize` last).

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use regex::Regex;
use scraper::Html;
use serde::Serialize;
use url::Url;

use super::body::Body;
use super::byline::{DateForm, date_in, has_date_label, outlet_in};
use super::dom::Dom;
use super::meta::{self, Meta};
use super::people::{authors_in, editors_in, is_name, people_in, trailing_in};
use super::title::{self, Title};
use super::{ExtractError, MAX_PAGE_BYTES, Rule, clean, generic, guard, select, trs};
use crate::config::ArticleRule;
use crate::normalise::parse_date;

/// A body with less text than this (see `Counts::weight`) is no article.
pub const MIN_BODY_WEIGHT: u32 = 60;
/// Lines under the title read as its byline, at most.
const HEAD_LINES: usize = 15;
/// Last lines of the body, and lines after it, read for credits.
const TAIL_LINES: usize = 5;
/// Characters at the start of the first paragraph read for the reporter's name.
const LEAD_CHARS: usize = 80;

/// `<meta>` names of the publication time, most trusted first.
const DATE_TAGS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "publish-date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "weibo:article:create_at",
    "<time datetime>",
];
/// `<meta>` names of the author.
const AUTHOR_TAGS: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "byl",
    "sailthru.author",
];

static NOT_FOUND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b404\b|not found|页面不存在|页面未找到|找不到(?:该|此|您要的)?页面|页面已删除|文章不存在|信息不存在|稿件不存在|无法找到")
        .expect("valid regex")
});
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[/_t])((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?:[/_.]|$)",
    )
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
    pub tz: Tz,
    /// For relative dates (`3分钟前`) and years left out (`12-24 11:06`).
    pub now: DateTime<Utc>,
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
    let document = Html::parse_document(guard::within_depth(html, guard::MAX_NESTING));
    let dom = Dom::build(&document);
    let meta = Meta::collect(&dom);
    let mut selected = page
        .rule
        .map(|rule| select::apply(&dom, rule, page.tz, page.now))
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
    let body_lines = body.lines(&dom);
    let (head, lead) = head_region(&dom, title_line, &body_lines);
    let tail = tail_region(&dom, &body_lines, body.end(&dom));
    let texts = |lines: &[usize]| -> Vec<&str> {
        lines.iter().map(|&i| dom.lines[i].text.as_str()).collect()
    };
    let (head, tail) = (texts(&head), texts(&tail));

    let published = selected
        .published
        .take()
        .map(|(d, css)| (d, Rule::Selector(css)))
        .or_else(|| {
            trs::published(&meta, page.tz, page.now).map(|d| (d, Rule::Trs("meta PubDate")))
        })
        .or_else(|| find_published(&dom, &meta, &head, &tail, body.end(&dom), page));
    let authors = selected
        .authors
        .take()
        .map(|(a, css)| (a, Rule::Selector(css)))
        .or_else(|| {
            find_authors(
                &meta,
                &head,
                lead.map(|i| dom.lines[i].text.as_str()),
                &tail,
            )
        });
    let outlet = selected
        .outlet
        .take()
        .map(|(o, css)| (o, Rule::Selector(css)))
        .or_else(|| trs::outlet(&meta).map(|o| (o, Rule::Trs("meta ContentSource"))))
        .or_else(|| {
            head.iter()
                .chain(tail.iter().rev())
                .find_map(|t| outlet_in(t))
                .map(|o| (o, Rule::Generic("来源 line")))
        });
    let before = title_line.unwrap_or_else(|| body_lines.first().copied().unwrap_or(0));
    let section = trs::section(&meta)
        .map(|s| (s, Rule::Trs("meta ColumnName")))
        .or_else(|| meta::section(&dom, &meta, before));

    clean::boilerplate(&dom, &mut body, title.as_ref().map(|t| t.text.as_str()));
    check_body(&dom, &body, &meta).map_err(no_body)?;
    let lead_image = meta::lead_image(&dom, &meta, &body, page.url);
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

/// The lines under the title down to the first paragraph of prose (returned apart).
fn head_region(
    dom: &Dom<'_>,
    title_line: Option<usize>,
    body_lines: &[usize],
) -> (Vec<usize>, Option<usize>) {
    let first_body = body_lines.first().copied().unwrap_or(dom.lines.len());
    let start = title_line.map_or(first_body.saturating_sub(6), |t| t + 1);
    let mut head = Vec::new();
    for index in start..dom.lines.len().min(start + HEAD_LINES) {
        let line = &dom.lines[index];
        let weight = line.weight();
        if weight >= 120 || weight >= 50 && line.text.contains('。') {
            return (head, Some(index));
        }
        head.push(index);
    }
    (head, None)
}

/// The last lines of the body and the lines right after it.
fn tail_region(dom: &Dom<'_>, body_lines: &[usize], body_end: u32) -> Vec<usize> {
    let mut tail: Vec<usize> = body_lines
        .iter()
        .rev()
        .take(TAIL_LINES)
        .rev()
        .copied()
        .collect();
    let after = dom.line_at(body_end);
    tail.extend(after..dom.lines.len().min(after + TAIL_LINES));
    tail
}

fn find_published(
    dom: &Dom<'_>,
    meta: &Meta,
    head: &[&str],
    tail: &[&str],
    body_end: u32,
    page: &PageContext<'_>,
) -> Option<(DateTime<Utc>, Rule)> {
    let (tz, now) = (page.tz, page.now);
    let under_title = |short: bool| {
        head.iter()
            .filter_map(|t| date_in(t, short, tz, now))
            .find(|(_, form)| *form != DateForm::DayOnly || !short)
    };
    if let Some((date, _)) = under_title(true) {
        return Some((date, Rule::Generic("date under the title")));
    }
    let tagged = DATE_TAGS.iter().find_map(|name| {
        let (name, value) = meta.tag(&[name])?;
        Some((
            parse_date(value, tz, now)?,
            value.contains(':'),
            name.to_owned(),
        ))
    });
    let tagged = tagged.or_else(|| {
        let value = meta.linked("datePublished")?;
        Some((
            parse_date(&value, tz, now)?,
            value.contains(':'),
            "JSON-LD datePublished".to_owned(),
        ))
    });
    if let Some((date, true, name)) = &tagged {
        return Some((*date, Rule::Meta(name.clone())));
    }
    if let Some((date, _)) = under_title(false) {
        return Some((date, Rule::Generic("date under the title")));
    }
    let body_line_end = dom.line_at(body_end);
    let labelled = dom.lines[..body_line_end.min(dom.lines.len())]
        .iter()
        .filter(|l| has_date_label(&l.text))
        .find_map(|l| date_in(&l.text, false, tz, now));
    if let Some((date, _)) = labelled {
        return Some((date, Rule::Generic("labelled date")));
    }
    if let Some((date, _)) = tail.iter().rev().find_map(|t| date_in(t, false, tz, now)) {
        return Some((date, Rule::Generic("date at the end of the story")));
    }
    if let Some((date, _, name)) = tagged {
        return Some((date, Rule::Meta(name)));
    }
    url_date(page.url, tz).map(|d| (d, Rule::Generic("date in the URL")))
}

/// `/2018-12/24/`, `/20181224/`, `t20181224_` in the URL's path: that day, at midnight.
fn url_date(url: &Url, tz: Tz) -> Option<DateTime<Utc>> {
    let captures = URL_DATE.captures(url.path())?;
    let number = |i: usize| captures.get(i)?.as_str().parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(i32::try_from(number(1)?).ok()?, number(2)?, number(3)?)?;
    date.and_hms_opt(0, 0, 0)?
        .and_local_timezone(tz)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
}

fn find_authors(
    meta: &Meta,
    head: &[&str],
    lead: Option<&str>,
    tail: &[&str],
) -> Option<(Vec<String>, Rule)> {
    let lead = lead.map(|t| {
        let end = t.char_indices().nth(LEAD_CHARS).map_or(t.len(), |(i, _)| i);
        &t[..end]
    });
    let from = |lines: &mut dyn Iterator<Item = &str>, read: fn(&str) -> Vec<String>| {
        lines.map(read).find(|names| !names.is_empty())
    };
    let head_lines = || head.iter().copied().chain(lead);
    if let Some(names) = from(&mut head_lines(), authors_in) {
        return Some((names, Rule::Generic("byline under the title")));
    }
    if let Some(names) = from(&mut tail.iter().rev().copied(), authors_in) {
        return Some((names, Rule::Generic("byline at the end of the story")));
    }
    if let Some(names) = from(
        &mut tail.iter().rev().copied().take(TAIL_LINES),
        trailing_in,
    ) {
        return Some((names, Rule::Generic("names closing the story")));
    }
    let tagged = AUTHOR_TAGS
        .iter()
        .find_map(|name| meta.tag(&[name]))
        .map(|(name, value)| (value.to_owned(), name.to_owned()))
        .or_else(|| {
            meta.linked("author")
                .map(|v| (v, "JSON-LD author".to_owned()))
        });
    if let Some((value, name)) = tagged {
        let people: Vec<String> = people_in(&value)
            .into_iter()
            .filter(|p| is_name(p) && !title::is_site_name(p))
            .collect();
        if !people.is_empty() {
            return Some((people, Rule::Meta(name)));
        }
    }
    if let Some(names) = from(&mut head_lines().chain(tail.iter().copied()), editors_in) {
        return Some((names, Rule::Generic("editor line")));
    }
    None
}
