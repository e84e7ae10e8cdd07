//! Item identity, as pure functions: the keys that recognise a story, the public guid a new story
//! gets, near-duplicate sketches, how copies of one story merge, and whether a story seen again
//! changed.
//!
//! # The rules, in order (the first that recognises a story decides)
//! 1. **Same source, same guid**, when the guid is unique within its document and the source's
//!    guids are stable. A feed that repeats one guid for several items cannot be trusted with
//!    identity, so those items fall back to rule 2. A source whose guids are seen to change for
//!    the same link, or to move from one story to another (a guid that is a position in the
//!    list), is marked unstable ([`GuidTrust::Unstable`], see [`judge_guids`]) and from then on
//!    is recognised by links only.
//! 2. **Same canonical link** (`normalise::canonical_link`: scheme-insensitive, lowercase host,
//!    default port dropped, no fragment, no tracking parameters, sorted query), after the
//!    source's host aliases ([`HostAliases`], `aliases = [...]` on a `[[source]]`) have been
//!    applied: a link on `m.example.com` is compared as the same link on `www.example.com`.
//!    A link that several stories of one document share (all pointing at the home page) is left
//!    to the guids for the stories that have one ([`usable_links`]).
//! 3. **Near-duplicate text across sources**: a MinHash sketch ([`sketch::Sketch`]) of the
//!    normalised title and body over character 5-grams (Chinese has no spaces to split words
//!    on); two stories of different sources whose dates are at most the window apart (7 days by
//!    default) and whose sketches agree on at least [`sketch::SIMILAR`] of their bins are one
//!    story. Stories with less than [`sketch::MIN_CHARS`] characters of text are left to rules 1
//!    and 2: short texts look alike too easily.
//!
//! # Copies and the primary copy
//! Copies merge into one story ([`merge`]). The **primary copy is the first one stored**: it gave
//! the story its public guid, and its title, text, link and outlet are what the feed shows; it
//! stays primary, so a story never changes its face because another outlet ran it later. Every
//! other copy is kept in the story's provenance (source, outlet, link, guid, its own date, when it
//! was seen) and published as "also reported by". A copy's text changing touches nothing; the
//! primary copy's text changing updates the story in place.
//!
//! A story is stored under every key it was seen with, so a feed that adds guids later, or a
//! second source linking to the same page, still finds it. The public guid is derived from the
//! first key a story was stored under and never changes afterwards.
//!
//! Must not: read or write the store (the caller looks keys up and passes what it found).

pub mod candidates;
pub mod merge;
pub mod sketch;

use std::collections::HashMap;

use url::Url;

use crate::model::{Item, ItemKey};
use crate::normalise::{canonical_link, content_hash};

pub use sketch::Sketch;

/// The longest time window rule 3 uses, whatever the config says: a run loads the sketches of
/// the days around each new story, so the window bounds what a lookup reads.
pub const MAX_NEAR_WINDOW: chrono::TimeDelta = chrono::TimeDelta::days(366);

/// What to do with a story just read from a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Never seen: store it under a new public guid.
    New,
    /// Seen, and its content changed: update the stored story `id` in place.
    Updated { id: String },
    /// Seen, unchanged: write nothing.
    Same { id: String },
    /// Another copy of the stored story `id`: add it to the story's provenance.
    DuplicateOf { id: String },
    /// Pruned or removed: it keeps a tombstone and must not come back.
    Gone { id: String },
}

/// Whether a source's guids can identify its stories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuidTrust {
    /// Guids unique in their document identify stories (rule 1).
    #[default]
    Trusted,
    /// The source's guids changed or moved between fetches: links only.
    Unstable,
}

/// What identifies one story of a document, before lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    pub guid: Option<&'a str>,
    /// The canonical link, when the story has a link.
    pub canonical_link: Option<&'a str>,
}

/// The guids of a document that are unique in it (rule 1's first condition).
pub fn unique_guids<'a>(stories: &[Identity<'a>]) -> Vec<Option<&'a str>> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for guid in stories.iter().filter_map(|s| s.guid) {
        *counts.entry(guid).or_default() += 1;
    }
    stories
        .iter()
        .map(|s| s.guid.filter(|g| counts.get(g) == Some(&1)))
        .collect()
}

/// The links of a document that identify their story. A link that several stories of the
/// document share (every item pointing at the home page) identifies none of them: it is left
/// out for the stories that have a guid to go by, and kept for the others (nothing better).
pub fn usable_links<'a>(
    stories: &[Identity<'a>],
    guids: &[Option<&'a str>],
) -> Vec<Option<&'a str>> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for link in stories.iter().filter_map(|s| s.canonical_link) {
        *counts.entry(link).or_default() += 1;
    }
    stories
        .iter()
        .zip(guids)
        .map(|(story, guid)| {
            story
                .canonical_link
                .filter(|link| guid.is_none() || counts.get(link) == Some(&1))
        })
        .collect()
}

/// The keys of each story of one document, in order of preference.
///
/// A story with neither a usable guid nor a link gets no keys: it cannot be recognised again,
/// so the caller must skip it rather than store it on every run.
pub fn keys_for_document(
    source: &str,
    stories: &[Identity<'_>],
    trust: GuidTrust,
) -> Vec<Vec<ItemKey>> {
    let guids: Vec<Option<&str>> = match trust {
        GuidTrust::Trusted => unique_guids(stories),
        GuidTrust::Unstable => vec![None; stories.len()],
    };
    let links = usable_links(stories, &guids);
    guids
        .into_iter()
        .zip(links)
        .map(|(guid, link)| {
            let mut keys = Vec::with_capacity(2);
            if let Some(guid) = guid {
                keys.push(ItemKey::Guid {
                    source: source.to_owned(),
                    guid: guid.to_owned(),
                });
            }
            if let Some(link) = link {
                keys.push(ItemKey::Link(link.to_owned()));
            }
            keys
        })
        .collect()
}

/// What the store knew about one story of a document, for [`judge_guids`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuidSeen<'a> {
    /// The story's guid, when unique in its document.
    pub guid: Option<&'a str>,
    /// The stored story this source's guid leads to.
    pub by_guid: Option<&'a str>,
    /// The stored story the link leads to, when this source has a copy in it, and the guid
    /// that copy had.
    pub by_link: Option<(&'a str, Option<&'a str>)>,
}

/// Judges a source's guids from one document: [`GuidTrust::Unstable`] when at least a quarter
/// of the stories the store already knew (and at least one) show a guid that changed under the
/// same link, or a guid that now names another story than its link does.
pub fn judge_guids(seen: &[GuidSeen<'_>]) -> GuidTrust {
    let mut known = 0usize;
    let mut broken = 0usize;
    for story in seen {
        if story.by_guid.is_none() && story.by_link.is_none() {
            continue;
        }
        known += 1;
        let moved = matches!((story.by_guid, story.by_link), (Some(a), Some((b, _))) if a != b);
        let changed = matches!(
            (story.by_guid, story.by_link, story.guid),
            (None, Some((_, Some(old))), Some(new)) if old != new
        );
        if moved || changed {
            broken += 1;
        }
    }
    if broken > 0 && broken * 4 >= known {
        GuidTrust::Unstable
    } else {
        GuidTrust::Trusted
    }
}

/// Per-source host aliases: hosts that serve the same pages, read as the first one listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostAliases {
    /// alias → the host it is read as.
    to: HashMap<String, String>,
}

impl HostAliases {
    /// `hosts[0]` is the host links are compared under; the others are read as it.
    pub fn new(hosts: &[String]) -> HostAliases {
        let mut to = HashMap::new();
        if let Some((main, others)) = hosts.split_first() {
            for alias in others {
                to.insert(alias.to_lowercase(), main.to_lowercase());
            }
        }
        HostAliases { to }
    }

    /// The canonical link of `url` (rule 2), its host read through the aliases first.
    pub fn canonical_link(&self, url: &Url) -> String {
        let host = url.host_str().map(str::to_lowercase);
        match host.and_then(|h| self.to.get(&h)) {
            Some(main) => {
                let mut aliased = url.clone();
                match aliased.set_host(Some(main)) {
                    Ok(()) => canonical_link(&aliased),
                    Err(_) => canonical_link(url),
                }
            }
            None => canonical_link(url),
        }
    }
}

/// The public guid of a story first stored under `key`: stable across runs and machines.
pub fn story_id(key: &ItemKey) -> String {
    let bytes = key.to_bytes();
    // As text, as it always was: the ids already published must not change.
    content_hash(&[String::from_utf8_lossy(&bytes).as_bytes()])
}

/// Compares a story just read with the stored one it was recognised as, if any, when the
/// story is this source's primary copy (other copies go through [`merge`]).
pub fn classify(existing: Option<&Item>, candidate: &Item) -> Change {
    match existing {
        None => Change::New,
        Some(stored) if stored.content_hash == candidate.content_hash => Change::Same {
            id: stored.id.clone(),
        },
        Some(stored) => Change::Updated {
            id: stored.id.clone(),
        },
    }
}

#[cfg(test)]
mod tests;
