//! `beatwire add URL`: what a URL is, turned into a new `[[source]]`.
//!
//! The URL is fetched with the run's own client and decoded by the run's rules. A feed (RSS,
//! Atom, JSON Feed, as `parse` reads them) becomes a feed source. An HTML page that names feeds
//! (see [`discover`](super::discover)) gives those feeds, each fetched to confirm it is one: one
//! confirmed feed is taken; of several, the first is taken only when the operator said so
//! (`--yes`), else the command stops and lists them. A page that names no feed becomes a page
//! source with guessed `[source.list]` selectors (see [`guess`](super::guess)) and a comment
//! asking the operator to confirm them with `beatwire try`.
//!
//! Must not: write anything: it returns the new text of `feeds.toml`, checked to load, and the
//! caller writes it with [`FeedsFile::replace`].

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use url::Url;

use super::discover::{Named, discover};
use super::edit::{EditError, FeedsFile, NewSource};
use super::guess::{GuessedList, guess_list};
use super::names::{id_from_url, unique_id};
use crate::decode::decode;
use crate::fetch::{Fetched, Fetcher};
use crate::model::{SourceKind, Validators};
use crate::parse::{FeedFormat, ParseError, ParsedFeed, parse_feed};

/// Most feeds of one page fetched to confirm them.
pub const MAX_CANDIDATES: usize = 10;
/// Stories of a guessed list shown to the operator.
const SHOWN_STORIES: usize = 5;

/// What the operator asked for.
#[derive(Debug, Clone)]
pub struct AddRequest {
    pub url: Url,
    /// The id to use instead of one derived from the URL.
    pub id: Option<String>,
    pub category: Option<String>,
    /// Of several feeds found on a page, take the first.
    pub take_first: bool,
}

/// Why nothing was added: the URL (exit code 1), or `feeds.toml` ([`AddError::Edit`], exit
/// code 2).
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// `feeds.toml` does not load, already has the source, or refused the new one.
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Fetch(#[from] crate::fetch::FetchError),
    #[error("{url}: {reason}")]
    NothingFound { url: String, reason: String },
    #[error(
        "{page} names {} feeds:\n{}\nrun `beatwire add FEED-URL` with the one you want, or add \
         --yes to take the first",
        feeds.len(),
        list_feeds(feeds)
    )]
    SeveralFeeds { page: String, feeds: Vec<FoundFeed> },
}

/// A feed found and read.
#[derive(Debug, Clone)]
pub struct FoundFeed {
    pub url: Url,
    pub format: FeedFormat,
    pub title: Option<String>,
    /// The site it belongs to.
    pub link: Option<Url>,
    pub items: usize,
}

/// What the URL turned out to be.
#[derive(Debug, Clone)]
pub enum Found {
    /// The URL is a feed.
    Feed(FoundFeed),
    /// The URL is a page naming these feeds; the first was taken.
    Discovered { page: Url, feeds: Vec<FoundFeed> },
    /// The URL is a page with no feed: a page source with guessed selectors.
    Page(GuessedList),
}

/// The source to add, why, and the new text of `feeds.toml`.
#[derive(Debug, Clone)]
pub struct Plan {
    pub source: NewSource,
    pub found: Found,
    pub text: String,
}

impl Plan {
    /// What `beatwire add` prints once the source is written to `config`.
    pub fn describe(&self, config: &Path) -> String {
        let source = &self.source;
        let mut out = String::new();
        match &self.found {
            Found::Feed(feed) => {
                let _ = writeln!(
                    out,
                    "{}: {} \"{}\", {} items",
                    feed.url,
                    format_name(feed.format),
                    feed.title.as_deref().unwrap_or(""),
                    feed.items
                );
            }
            Found::Discovered { page, feeds } => {
                let _ = writeln!(
                    out,
                    "{page} names {} feed(s):\n{}",
                    feeds.len(),
                    list_feeds(feeds)
                );
            }
            Found::Page(guessed) => {
                let list = &guessed.selectors;
                let optional = |key: &str, css: &Option<String>| {
                    css.as_ref()
                        .map(|css| format!(", {key} = \"{css}\""))
                        .unwrap_or_default()
                };
                let _ = writeln!(
                    out,
                    "{}: no feed; guessed [source.list] item = \"{}\"{}{}, {} stories:",
                    source.url,
                    list.item,
                    optional("link", &list.link),
                    optional("date", &list.date),
                    guessed.stories.len()
                );
                for story in guessed.stories.iter().take(SHOWN_STORIES) {
                    let _ = writeln!(
                        out,
                        "  {}  {}",
                        story.title.as_deref().unwrap_or("(untitled)"),
                        story.link.as_deref().unwrap_or("")
                    );
                }
            }
        }
        let kind = match source.kind {
            SourceKind::Feed => "feed",
            SourceKind::Page => "page",
        };
        let _ = write!(
            out,
            "added {kind} source `{}` ({}) to {}",
            source.id,
            source.url,
            config.display()
        );
        if source.kind == SourceKind::Page {
            let _ = write!(
                out,
                "\nthe selectors are a guess: confirm them with `beatwire try {}`",
                source.id
            );
        }
        out
    }
}

/// Fetches `request.url` and plans the new source; nothing is written.
pub async fn plan(
    file: &FeedsFile,
    request: &AddRequest,
    fetcher: &Fetcher,
    now: DateTime<Utc>,
) -> Result<Plan, AddError> {
    file.refuse_present(&request.url)?;
    let tz = file.config.beat.timezone;
    let fetched = fetch_text(fetcher, &request.url).await?;
    let (source_url, found) = match parse_feed(&fetched.text, Some(&fetched.final_url), tz, now) {
        Ok(feed) => {
            let url = fetched
                .moved_to
                .clone()
                .unwrap_or_else(|| request.url.clone());
            let found = found_feed(url.clone(), feed);
            (url, Found::Feed(found))
        }
        Err(ParseError::Html) => from_page(file, request, fetcher, &fetched, now).await?,
        // Markup that is no feed: an HTML fragment with no <html> or doctype, read as a page.
        // See: `add` called "not a feed" on pages that open with `<div>` or `<table>`.
        Err(ParseError::NotAFeed { .. }) if is_markup(&fetched.text) => {
            from_page(file, request, fetcher, &fetched, now).await?
        }
        Err(e) => {
            return Err(AddError::NothingFound {
                url: request.url.to_string(),
                reason: e.to_string(),
            });
        }
    };
    file.refuse_present(&source_url)?;
    let id = match &request.id {
        Some(id) => id.clone(),
        None => unique_id(&id_from_url(&source_url), &file.ids()),
    };
    let source = new_source(id, source_url, request, &found);
    let text = file.with_sources(std::slice::from_ref(&source))?;
    Ok(Plan {
        source,
        found,
        text,
    })
}

/// A fetched document, decoded.
struct FetchedText {
    text: String,
    final_url: Url,
    moved_to: Option<Url>,
}

async fn fetch_text(fetcher: &Fetcher, url: &Url) -> Result<FetchedText, AddError> {
    match fetcher.get(url, &Validators::default()).await? {
        Fetched::Body(body) => Ok(FetchedText {
            text: decode(&body.bytes, body.content_type.as_deref(), None).text,
            final_url: body.final_url,
            moved_to: body.moved_to,
        }),
        Fetched::NotModified { .. } => Err(AddError::NothingFound {
            url: url.to_string(),
            reason: "HTTP 304 to a request without validators".to_owned(),
        }),
    }
}

/// Whether `text` opens with a tag (after white space, a BOM and comments aside).
fn is_markup(text: &str) -> bool {
    text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .starts_with('<')
}

fn found_feed(url: Url, feed: ParsedFeed) -> FoundFeed {
    FoundFeed {
        link: feed.link.as_deref().and_then(|l| Url::parse(l).ok()),
        url,
        format: feed.format,
        title: feed.title.filter(|t| !t.is_empty()),
        items: feed.items.len(),
    }
}

/// An HTML page: the feeds it names, else a guessed list.
async fn from_page(
    file: &FeedsFile,
    request: &AddRequest,
    fetcher: &Fetcher,
    page: &FetchedText,
    now: DateTime<Utc>,
) -> Result<(Url, Found), AddError> {
    let tz = file.config.beat.timezone;
    let mut feeds: Vec<FoundFeed> = Vec::new();
    let mut present: Option<EditError> = None;
    for candidate in discover(&page.text, &page.final_url)
        .into_iter()
        .take(MAX_CANDIDATES)
    {
        if let Err(e) = file.refuse_present(&candidate.url) {
            present.get_or_insert(e);
            continue;
        }
        let confirmed = match fetch_text(fetcher, &candidate.url).await {
            Ok(fetched) => parse_feed(&fetched.text, Some(&fetched.final_url), tz, now)
                .map(|feed| found_feed(candidate.url.clone(), feed))
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match confirmed {
            Ok(feed) => feeds.push(feed),
            // A guessed link that is no feed is simply not one; a named feed that cannot be
            // read is worth a line.
            Err(e) if candidate.named == Named::Alternate => {
                tracing::warn!(url = %candidate.url, "the page names this feed, but: {e}");
            }
            Err(e) => tracing::debug!(url = %candidate.url, "not a feed: {e}"),
        }
    }
    match feeds.len() {
        0 => {
            if let Some(present) = present {
                return Err(present.into());
            }
            let guessed = guess_list(&page.text, &page.final_url, tz, now).ok_or_else(|| {
                AddError::NothingFound {
                    url: request.url.to_string(),
                    reason: "an HTML page that names no feed and shows no repeated list of \
                             story links"
                        .to_owned(),
                }
            })?;
            let url = page.moved_to.clone().unwrap_or_else(|| request.url.clone());
            Ok((url, Found::Page(guessed)))
        }
        1 => Ok((
            feeds[0].url.clone(),
            Found::Discovered {
                page: page.final_url.clone(),
                feeds,
            },
        )),
        _ if request.take_first => Ok((
            feeds[0].url.clone(),
            Found::Discovered {
                page: page.final_url.clone(),
                feeds,
            },
        )),
        _ => Err(AddError::SeveralFeeds {
            page: page.final_url.to_string(),
            feeds,
        }),
    }
}

fn new_source(id: String, url: Url, request: &AddRequest, found: &Found) -> NewSource {
    let mut source = NewSource {
        id,
        name: None,
        url,
        kind: SourceKind::Feed,
        category: request.category.clone(),
        site: None,
        list: None,
        comment: Vec::new(),
    };
    match found {
        Found::Feed(feed) => {
            source.name = feed.title.clone();
            source.site = feed.link.clone();
        }
        Found::Discovered { page, feeds } => {
            source.name = feeds[0].title.clone();
            source.site = feeds[0].link.clone().or_else(|| Some(page.clone()));
            source.comment = vec![format!("Found on {page} by `beatwire add`.")];
        }
        Found::Page(guessed) => {
            source.kind = SourceKind::Page;
            source.name = guessed.page_title.clone();
            source.list = Some(guessed.selectors.clone());
            source.comment = vec![
                format!(
                    "[source.list] was guessed by `beatwire add` ({} stories on the page).",
                    guessed.stories.len()
                ),
                format!(
                    "Confirm it with `beatwire try {}` and correct the selectors if needed.",
                    source.id
                ),
            ];
        }
    }
    source
}

/// The feeds as lines: `  URL  "title" (format, N items)`.
pub fn list_feeds(feeds: &[FoundFeed]) -> String {
    let mut out = String::new();
    for (i, feed) in feeds.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(
            out,
            "  {}  \"{}\" ({}, {} items)",
            feed.url,
            feed.title.as_deref().unwrap_or(""),
            format_name(feed.format),
            feed.items
        );
    }
    out
}

/// How a feed format is called in messages.
pub fn format_name(format: FeedFormat) -> &'static str {
    match format {
        FeedFormat::Rss0 => "RSS 0.9x",
        FeedFormat::Rss1 => "RSS 1.0",
        FeedFormat::Rss2 => "RSS 2.0",
        FeedFormat::Atom => "Atom",
        FeedFormat::JsonFeed => "JSON Feed",
        FeedFormat::Cdf => "CDF",
    }
}
