//! The read phase of a source's pass, shared by `run` and `try`: a fetched document (or a
//! local file) → decode → parse (a feed) or list (a page) → normalise → keys → for stories read
//! from their own page, fetch and extract the new ones → normalise again → the beat filter's
//! verdict. It returns every story with what became of it, and writes nothing.
//!
//! `run` commits the kept stories (`identity::apply`); `try` prints what this returned, so what
//! `try` shows is what `run` would store.
//!
//! Must not: write to the store, publish, or fetch the source's own document (the caller does:
//! `run` with its validators, `try` unconditionally or from a file).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use url::Url;

use super::identity::{self, Guids, Keyed};
use super::page::{self, StoryError};
use crate::config::SourceRule;
use crate::decode::decode;
use crate::dedup::HostAliases;
use crate::extract::Article;
use crate::fetch::Fetcher;
use crate::filter::{BeatFilter, Verdict};
use crate::model::{ItemKey, Outlet, RawItem, SourceKind};
use crate::normalise::item::{ItemContext, Normalised, normalise_item};
use crate::parse::{ParseError, parse_feed};
use crate::store::{Backend, StoreError};

/// What reading one source needs.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub rule: &'a SourceRule,
    pub fetcher: &'a Fetcher,
    pub filter: &'a BeatFilter,
    /// The zone of dates written without one: the source's, else the beat's.
    pub tz: Tz,
    pub now: DateTime<Utc>,
    /// What the store knows. `None` in a dry run: no story is known and guids are trusted.
    pub store: Option<&'a dyn Backend>,
    /// Story pages read at most, the first ones listed; a run reads every new one.
    pub pages: usize,
}

/// The source's document, as fetched (or read from a file).
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub bytes: &'a [u8],
    pub content_type: Option<&'a str>,
    /// Where it came from, after redirects: links resolve against it.
    pub url: &'a Url,
}

/// Why a document gave no stories at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{url}: {source}")]
    Parse { url: String, source: ParseError },
    #[error(transparent)]
    List(StoryError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// What became of a story read.
#[derive(Debug, Clone, PartialEq)]
pub enum Fate {
    /// It goes to the store.
    Kept,
    /// The beat filter drops it, for this reason.
    Filtered(String),
    /// Its page gave no story (a page source's story has nothing else to go on).
    Unread(String),
}

/// A story's own page, read.
#[derive(Debug, Clone)]
pub struct PageRead {
    /// The page's URL after redirects.
    pub url: Url,
    pub article: Result<Article, String>,
}

/// One story of the document, as the feed would publish it.
#[derive(Debug, Clone)]
pub struct ReadStory {
    pub story: Normalised,
    pub keys: Vec<ItemKey>,
    /// The story as the feed or list page gave it.
    pub listed: RawItem,
    /// Its page, when it was read.
    pub page: Option<PageRead>,
    pub fate: Fate,
}

/// What reading a source's document gave.
#[derive(Debug, Clone)]
pub struct Read {
    pub encoding: &'static encoding_rs::Encoding,
    /// Empty when the document was read as written; else a feed read only after repairs, one
    /// line per kind of repair (`escaped 3 bare '&'`), as `parse --json` shows them.
    pub repairs: Vec<String>,
    /// Stories the document lists, before anything is skipped.
    pub listed: usize,
    /// The feed's `ttl`, in minutes.
    pub ttl: Option<u32>,
    /// How the stories' keys were made (commit records guids judged unstable).
    pub guids: Guids,
    /// Every new story of the document, once each, in its order.
    pub stories: Vec<ReadStory>,
    /// Items with no title and no text: one line each.
    pub skipped: Vec<String>,
    /// Links the document gives more than once, with how often: one story is kept.
    pub repeated: Vec<(String, usize)>,
    /// Stories the store knows already, not read again (sources read from story pages).
    pub known: usize,
}

impl Read {
    /// The stories that go to the store, with their keys.
    pub fn kept(self) -> Vec<Keyed> {
        self.stories
            .into_iter()
            .filter(|s| s.fate == Fate::Kept)
            .map(|s| Keyed {
                story: s.story,
                keys: s.keys,
            })
            .collect()
    }

    /// Stories the beat filter drops.
    pub fn filtered(&self) -> usize {
        self.stories
            .iter()
            .filter(|s| matches!(s.fate, Fate::Filtered(_)))
            .count()
    }

    /// Why each story page that gave nothing was not read, in document order.
    pub fn unread(&self) -> Vec<String> {
        self.stories
            .iter()
            .filter_map(|s| match (&s.fate, &s.page) {
                (Fate::Unread(why), _) => Some(why.clone()),
                (
                    _,
                    Some(PageRead {
                        article: Err(e), ..
                    }),
                ) => Some(e.clone()),
                _ => None,
            })
            .collect()
    }

    /// The `[source.article]` warnings of every story page read.
    pub fn page_warnings(&self) -> Vec<Vec<String>> {
        self.stories
            .iter()
            .filter_map(|s| s.page.as_ref()?.article.as_ref().ok())
            .map(|article| article.warnings.clone())
            .collect()
    }
}

/// Reads one source's document: see the module doc.
pub async fn read(reader: &Reader<'_>, document: Document<'_>) -> Result<Read, ReadError> {
    let rule = reader.rule;
    let decoded = decode(document.bytes, document.content_type, rule.encoding);
    // The stories, the feed's `ttl` and repairs, and the site the feed names (the link of a
    // story without one).
    let (raws, ttl, repairs, site) = match (&rule.kind, &rule.list) {
        (SourceKind::Page, Some(list)) => {
            let raws = page::list_stories(decoded.text, document.url, list, reader.tz, reader.now)
                .await
                .map_err(ReadError::List)?;
            (raws, None, Vec::new(), None)
        }
        _ => {
            let feed = parse_feed(&decoded.text, Some(document.url), reader.tz, reader.now)
                .map_err(|source| ReadError::Parse {
                    url: document.url.to_string(),
                    source,
                })?;
            (feed.items, feed.ttl, feed.lenient, feed.link)
        }
    };
    tracing::debug!(source = %rule.id, items = raws.len(), encoding = decoded.encoding.name(), "read");
    let outlet = Outlet {
        name: rule.name().to_owned(),
        url: Some(rule.url.origin().ascii_serialization() + "/"),
    };
    let ctx = ItemContext {
        source: &rule.id,
        outlet: &outlet,
        base: document.url,
        site: site.as_deref(),
        tz: reader.tz,
        now: reader.now,
    };
    let mut skipped = Vec::new();
    // Each story with the item the document gave.
    let mut stories: Vec<(Normalised, &RawItem)> = Vec::with_capacity(raws.len());
    for raw in &raws {
        match normalise_item(raw, &ctx) {
            Ok(story) => stories.push((story, raw)),
            Err(reason) => {
                tracing::info!(source = %rule.id, title = ?raw.title, %reason, "story skipped");
                skipped.push(format!(
                    "{reason}: {}",
                    raw.title.as_deref().or(raw.link.as_deref()).unwrap_or("-")
                ));
            }
        }
    }
    let aliases = HostAliases::new(&rule.aliases);
    let normalised: Vec<&Normalised> = stories.iter().map(|(story, _)| story).collect();
    let (keys, guids) = identity::document_keys(reader.store, &rule.id, &aliases, &normalised)?;
    let mut read = Read {
        encoding: decoded.encoding,
        repairs,
        listed: raws.len(),
        ttl,
        guids,
        stories: Vec::with_capacity(stories.len()),
        skipped,
        repeated: Vec::new(),
        known: 0,
    };
    // The keys and the link of each story taken so far.
    let mut taken: Vec<(&[ItemKey], String)> = Vec::new();
    let mut pages_read = 0;
    for ((story, raw), story_keys) in stories.into_iter().zip(&keys) {
        // A story the document gives twice is one story: the first one given.
        let first = taken
            .iter()
            .find(|(keys, _)| keys.iter().any(|k| story_keys.contains(k)));
        if let Some((_, link)) = first {
            match read.repeated.iter_mut().find(|(l, _)| l == link) {
                Some((_, count)) => *count += 1,
                None => read.repeated.push((link.clone(), 2)),
            }
            continue;
        }
        taken.push((story_keys, story.url.to_string()));
        let mut next = ReadStory {
            story,
            keys: story_keys.clone(),
            listed: raw.clone(),
            page: None,
            fate: Fate::Kept,
        };
        // A story without a link of its own has no page to read: the feed's text is all of it.
        if page::reads_pages(rule) && !next.story.item.linkless {
            // Known stories are not fetched again; new ones are read from their own page.
            if let Some(store) = reader.store
                && identity::is_known(store, story_keys)?
            {
                read.known += 1;
                continue;
            }
            if pages_read < reader.pages {
                pages_read += 1;
                read_page(reader, &ctx, &mut next).await;
            }
        }
        if next.fate == Fate::Kept {
            judge(reader, &mut next);
        }
        read.stories.push(next);
    }
    Ok(read)
}

/// Reads a story's own page into it: for a page source the page's fields come first; for a
/// feed, the feed's, and the page's body replaces the feed's (see `extract::merged`).
async fn read_page(reader: &Reader<'_>, ctx: &ItemContext<'_>, story: &mut ReadStory) {
    let rule = reader.rule;
    let url = story.story.url.clone();
    match page::fetch_article(reader.fetcher, &url, rule, reader.tz, reader.now).await {
        Ok((article, final_url)) => {
            for warning in &article.warnings {
                tracing::warn!(source = %rule.id, url = %final_url, "{warning}");
            }
            let merged = crate::extract::merged(&story.listed, &article, rule.kind, &final_url);
            match normalise_item(&merged, ctx) {
                Ok(mut normalised) => {
                    normalised.item.origin = article.writer().map(str::to_owned);
                    // The keys stay those of the link listed: they are what the store knows.
                    story.story = Normalised {
                        url: story.story.url.clone(),
                        guid: story.story.guid.clone(),
                        ..normalised
                    };
                }
                Err(reason) => story.fate = Fate::Unread(format!("{final_url}: {reason}")),
            }
            story.page = Some(PageRead {
                url: final_url,
                article: Ok(article),
            });
        }
        Err(error) => {
            tracing::warn!(source = %rule.id, item = %url, %error, "story page not read");
            // A feed story keeps the feed's own text; a listed story has none.
            if rule.kind == SourceKind::Page {
                story.fate = Fate::Unread(error.to_string());
            }
            story.page = Some(PageRead {
                url,
                article: Err(error.to_string()),
            });
        }
    }
}

/// The beat filter's verdict and categories, on what was read.
fn judge(reader: &Reader<'_>, story: &mut ReadStory) {
    let item = &mut story.story.item;
    if reader.rule.filter
        && let Verdict::Drop(reason) = reader.filter.verdict(&item.title, &story.story.text)
    {
        tracing::debug!(source = %reader.rule.id, item = %item.link, %reason, "filtered out");
        story.fate = Fate::Filtered(reason);
    }
    item.categories = reader.filter.categories(&item.title, &story.story.text);
}
