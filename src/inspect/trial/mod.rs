//! `beatwire try ID`: a dry run of one source. It fetches the source's page or feed (or reads a
//! local file) and runs the read phase a run runs (`read`), then lists each story as the feed
//! would publish it, shows the first few story pages with the rule behind each field, and says
//! what looks wrong: a selector that matched nothing, stories without dates, every story
//! dropped by the beat filter, links given twice.
//!
//! - this file: [`try_source`] and the [`Trial`] it returns (what `try --json` prints);
//! - `render`: the trial as people read it on a terminal;
//! - `warn`: what an operator should look at, from what the trial found.
//!
//! Must not: open the store, take the run lock, or write anything (no output, no status); it
//! works while a `run` holds the lock and before the store exists.

mod render;
mod warn;

pub use render::render;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use url::Url;

use crate::app::UnknownSource;
use crate::app::page;
use crate::app::read::{self, Document, Fate, PageRead, ReadStory, Reader};
use crate::config::{Config, SourceRule};
use crate::extract::{Article, Rule};
use crate::fetch::{Fetched, Fetcher};
use crate::filter::BeatFilter;
use crate::model::{RawItem, SourceKind, Validators};
use crate::normalise::html_to_text;
use crate::normalise::item::Dated;

/// Story pages read by default.
pub const DEFAULT_LIMIT: usize = 3;

/// What to try.
#[derive(Debug, Clone, Default)]
pub struct TrialOptions {
    /// Read this local page or feed instead of fetching.
    pub file: Option<PathBuf>,
    /// Fetch this URL instead of the source's; with `file`, the URL links resolve against.
    pub url: Option<Url>,
    /// Story pages to read (the first ones listed).
    pub limit: usize,
}

/// What `try --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trial {
    pub id: String,
    pub kind: SourceKind,
    /// The URL fetched, or the file read.
    pub input: String,
    /// The URL links resolve against (after redirects).
    pub url: String,
    pub http_status: Option<u16>,
    pub encoding: Option<&'static str>,
    /// Why the source yields nothing (the fetch or the document failed).
    pub error: Option<String>,
    pub stories: Vec<TrialStory>,
    /// The first `limit` stories, read as a run would read them.
    pub articles: Vec<TrialArticle>,
    pub warnings: Vec<String>,
}

/// One story found, as the feed would publish it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialStory {
    pub title: String,
    pub link: String,
    /// RFC 3339 in the source's zone (a date from the link is its day at 00:00); `null`: no
    /// date found (the story would carry the time it is first seen).
    pub published: Option<String>,
    /// Why the beat filter drops it, when it does (judged on what was read: the title, the
    /// feed's text, or the story page for those read).
    pub dropped: Option<String>,
    pub categories: Vec<String>,
    pub authors: Vec<String>,
    /// The outlet the story is published under.
    pub outlet: String,
    /// The body as it would be stored (sanitized HTML); not printed.
    #[serde(skip)]
    pub body_html: String,
}

/// One story page read, each field with the rule that gave it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialArticle {
    pub link: String,
    pub error: Option<String>,
    pub fields: Vec<TrialField>,
    pub body_chars: usize,
    /// The first line of the body text.
    pub body_start: String,
    /// `[source.article]` selectors that found nothing on this page.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialField {
    pub field: &'static str,
    pub value: Option<String>,
    /// `selector `h1``, `TRS profile: ...`, `generic: ...`, `feed`, `list ...`.
    pub rule: Option<String>,
}

impl TrialArticle {
    /// A page at `link`, nothing read yet.
    fn at(link: String) -> TrialArticle {
        TrialArticle {
            link,
            error: None,
            fields: Vec::new(),
            body_chars: 0,
            body_start: String::new(),
            warnings: Vec::new(),
        }
    }
}

impl Trial {
    /// Whether the source yielded any story.
    pub fn found_stories(&self) -> bool {
        self.error.is_none() && !self.stories.is_empty()
    }
}

/// Runs source `id` of `config` dry: the read phase a run uses (`read`), with no store (no
/// story is known yet, guids are trusted) and at most `limit` story pages. `Err` only for an
/// unknown id or a fetcher that cannot be built; what goes wrong with the source itself is the
/// trial's `error`.
pub async fn try_source(
    config: &Config,
    id: &str,
    options: &TrialOptions,
    now: DateTime<Utc>,
) -> anyhow::Result<Trial> {
    let rule = config
        .source(id)
        .ok_or_else(|| UnknownSource(id.to_owned()))?;
    let tz = rule.timezone_or(config.beat.timezone);
    let fetcher = Fetcher::new(&config.fetch)?;
    let target = options.url.clone().unwrap_or_else(|| rule.url.clone());
    let mut trial = Trial {
        id: rule.id.clone(),
        kind: rule.kind,
        input: target.to_string(),
        url: target.to_string(),
        http_status: None,
        encoding: None,
        error: None,
        stories: Vec::new(),
        articles: Vec::new(),
        warnings: Vec::new(),
    };
    let (bytes, content_type, base) = match &options.file {
        Some(path) => {
            trial.input = path.display().to_string();
            match std::fs::read(path) {
                Ok(bytes) => (bytes, None, target),
                Err(e) => {
                    trial.error = Some(format!("cannot read {}: {e}", path.display()));
                    return Ok(trial);
                }
            }
        }
        None => match fetcher.get(&target, &Validators::default()).await {
            Ok(Fetched::Body(body)) => {
                trial.http_status = Some(body.status);
                (body.bytes.to_vec(), body.content_type, body.final_url)
            }
            Ok(Fetched::NotModified { final_url, .. }) => {
                trial.error = Some(format!("{final_url}: HTTP 304 to an unconditional request"));
                return Ok(trial);
            }
            Err(e) => {
                trial.error = Some(e.to_string());
                return Ok(trial);
            }
        },
    };
    trial.url = base.to_string();
    let filter = BeatFilter::new(&config.filter, &config.categories);
    let reader = Reader {
        rule,
        fetcher: &fetcher,
        filter: &filter,
        tz,
        now,
        store: None,
        pages: options.limit,
    };
    let document = Document {
        bytes: &bytes,
        content_type: content_type.as_deref(),
        url: &base,
    };
    let read = match read::read(&reader, document).await {
        Ok(read) => read,
        Err(error) => {
            trial.error = Some(error.to_string());
            return Ok(trial);
        }
    };
    trial.encoding = Some(read.encoding.name());
    if !read.repairs.is_empty() {
        trial.warnings.push(format!(
            "the feed was read only after repairs: {}",
            read.repairs.join("; ")
        ));
    }
    for skipped in &read.skipped {
        trial
            .warnings
            .push(format!("a story was skipped: {skipped}"));
    }
    let mut undated = 0;
    for story in &read.stories {
        match &story.page {
            Some(page) => trial.articles.push(page_shown(story, page, rule, tz)),
            None if !page::reads_pages(rule) && trial.articles.len() < options.limit => {
                trial.articles.push(feed_shown(story, tz));
            }
            None => {}
        }
        let dropped = match &story.fate {
            // Not stored: its page's error is shown with the pages read.
            Fate::Unread(_) => continue,
            Fate::Filtered(reason) => Some(reason.clone()),
            Fate::Kept => None,
        };
        let dated = story.story.dated != Dated::FirstSeen;
        if !dated {
            undated += 1;
        }
        let item = &story.story.item;
        trial.stories.push(TrialStory {
            title: item.title.clone(),
            link: item.link.clone(),
            published: dated.then(|| item.published.with_timezone(&tz).to_rfc3339()),
            dropped,
            categories: item.categories.clone(),
            authors: item.authors.clone(),
            outlet: item.outlet.name.clone(),
            body_html: item.content_html.clone(),
        });
    }
    warn::warn_about(&mut trial, rule, &read.repeated, undated);
    Ok(trial)
}

/// A story a feed gave whole (its page is not read): the feed's own fields, and the day its
/// link names when the feed gives no date.
fn feed_shown(story: &ReadStory, tz: Tz) -> TrialArticle {
    let raw = &story.listed;
    let mut shown = TrialArticle::at(story.story.url.to_string());
    let body = raw.content.as_deref().or(raw.summary.as_deref());
    let text = body.map(html_to_text).unwrap_or_default();
    let feed = |present: bool| present.then(|| "feed".to_owned());
    let published = match story.story.dated {
        Dated::Url => Some("date in the URL".to_owned()),
        _ => feed(raw.published.is_some()),
    };
    shown.fields = vec![
        field("title", raw.title.clone(), feed(raw.title.is_some())),
        field(
            "published",
            published
                .is_some()
                .then(|| story.story.item.published.with_timezone(&tz).to_rfc3339()),
            published,
        ),
        authors_field(&raw.authors, feed(!raw.authors.is_empty())),
        field(
            "body",
            None,
            Some(
                if raw.content.is_some() {
                    "feed content"
                } else {
                    "feed summary"
                }
                .into(),
            ),
        ),
    ];
    describe_body(&mut shown, &text);
    shown
}

/// A story whose page was read: each field with the rule that gave it, or why it was not read.
fn page_shown(story: &ReadStory, page: &PageRead, rule: &SourceRule, tz: Tz) -> TrialArticle {
    let mut shown = TrialArticle::at(page.url.to_string());
    match &page.article {
        Ok(article) => {
            shown.fields = merged_fields(&story.listed, article, rule, tz);
            shown.warnings = article.warnings.clone();
            describe_body(&mut shown, &article.body_text);
        }
        Err(error) => shown.error = Some(error.clone()),
    }
    if let Fate::Unread(why) = &story.fate
        && shown.error.is_none()
    {
        shown.error = Some(why.clone());
    }
    shown
}

/// The fields a run keeps from the story page and the list or feed (see `extract::merged`), each
/// with the rule that gave it.
fn merged_fields(raw: &RawItem, article: &Article, rule: &SourceRule, tz: Tz) -> Vec<TrialField> {
    let shown = |r: &Option<Rule>| r.as_ref().map(ToString::to_string);
    let listed = |css: Option<&crate::config::Css>, fallback: &str| {
        Some(css.map_or_else(|| fallback.to_owned(), |c| format!("list: selector `{c}`")))
    };
    let date = |d: DateTime<Utc>| d.with_timezone(&tz).to_rfc3339();
    let list = rule.list.as_ref();
    let page_first = rule.kind == SourceKind::Page;
    let (title, title_rule) = match (&article.title, &raw.title) {
        (Some(t), _) if page_first || raw.title.is_none() => {
            (Some(t.clone()), shown(&article.rules.title))
        }
        (_, Some(t)) if page_first => (
            Some(t.clone()),
            listed(list.and_then(|l| l.title.as_ref()), "list: link text"),
        ),
        (_, Some(t)) => (Some(t.clone()), Some("feed".into())),
        _ => (None, None),
    };
    let (published, published_rule) = match (article.published, raw.published) {
        (Some(d), _) if page_first || raw.published.is_none() => {
            (Some(date(d)), shown(&article.rules.published))
        }
        (_, Some(d)) if page_first => (
            Some(date(d)),
            listed(list.and_then(|l| l.date.as_ref()), "list"),
        ),
        (_, Some(d)) => (Some(date(d)), Some("feed".into())),
        _ => (None, None),
    };
    let authors = if (page_first || raw.authors.is_empty()) && !article.authors.is_empty() {
        authors_field(&article.authors, shown(&article.rules.author))
    } else {
        authors_field(
            &raw.authors,
            (!raw.authors.is_empty()).then(|| "feed".into()),
        )
    };
    vec![
        field("title", title, title_rule),
        field("published", published, published_rule),
        authors,
        field(
            "outlet",
            article.outlet.clone(),
            shown(&article.rules.outlet),
        ),
        field(
            "section",
            article.section.clone(),
            shown(&article.rules.section),
        ),
        field(
            "lead image",
            article.lead_image.clone(),
            shown(&article.rules.lead_image),
        ),
        field("body", None, Some(article.rules.body.to_string())),
    ]
}

fn field(name: &'static str, value: Option<String>, rule: Option<String>) -> TrialField {
    TrialField {
        field: name,
        value,
        rule,
    }
}

fn authors_field(authors: &[String], rule: Option<String>) -> TrialField {
    let value = (!authors.is_empty()).then(|| authors.join(", "));
    field("author", value, rule)
}

fn describe_body(shown: &mut TrialArticle, text: &str) {
    shown.body_chars = text.chars().count();
    shown.body_start = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(BODY_START_CHARS)
        .collect();
}

/// How much of the body's first line is shown.
const BODY_START_CHARS: usize = 80;
