//! Item identity, as pure functions: the keys that recognise a story, the public guid a new story
//! gets, and whether a story seen again changed.
//!
//! The rules, in order (the first that applies decides):
//! 1. same source and same guid, when the guid is unique within its document (a feed that
//!    repeats one guid for several items cannot be trusted with identity, so those items fall
//!    back to rule 2);
//! 2. same canonical link (`normalise::canonical_link`: scheme-insensitive, lowercase host,
//!    no fragment, no tracking parameters, sorted query).
//!
//! A story is stored under every key it was seen with, so a feed that adds guids later, or a
//! second source linking to the same page, still finds it. The public guid is derived from the
//! first key a story was stored under and never changes afterwards.
//!
//! Must not: read or write the store (the caller looks keys up and passes what it found).

use std::collections::HashMap;

use crate::model::{Item, ItemKey};
use crate::normalise::content_hash;

/// What to do with a story just read from a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Never seen: store it under a new public guid.
    New,
    /// Seen, and its content changed: update the stored story `id` in place.
    Updated { id: String },
    /// Seen, unchanged: write nothing.
    Same { id: String },
}

/// What identifies one story of a document, before lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    pub guid: Option<&'a str>,
    /// The canonical link, when the story has a link.
    pub canonical_link: Option<&'a str>,
}

/// The keys of each story of one document, in order of preference.
///
/// A story with neither a usable guid nor a link gets no keys: it cannot be recognised again,
/// so the caller must skip it rather than store it on every run.
pub fn keys_for_document(source: &str, stories: &[Identity<'_>]) -> Vec<Vec<ItemKey>> {
    let mut guid_counts: HashMap<&str, usize> = HashMap::new();
    for story in stories {
        if let Some(guid) = story.guid {
            *guid_counts.entry(guid).or_default() += 1;
        }
    }
    stories
        .iter()
        .map(|story| {
            let mut keys = Vec::with_capacity(2);
            if let Some(guid) = story.guid.filter(|g| guid_counts.get(g) == Some(&1)) {
                keys.push(ItemKey::Guid {
                    source: source.to_owned(),
                    guid: guid.to_owned(),
                });
            }
            if let Some(link) = story.canonical_link {
                keys.push(ItemKey::Link(link.to_owned()));
            }
            keys
        })
        .collect()
}

/// The public guid of a story first stored under `key`: stable across runs and machines.
pub fn story_id(key: &ItemKey) -> String {
    let bytes = key.to_bytes();
    content_hash(&[&String::from_utf8_lossy(&bytes)])
}

/// Compares a story just read with the stored one it was recognised as, if any.
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
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn identity<'a>(guid: Option<&'a str>, link: Option<&'a str>) -> Identity<'a> {
        Identity {
            guid,
            canonical_link: link,
        }
    }

    #[test]
    fn unique_guids_come_first_and_links_second() {
        let keys = keys_for_document("cqrb", &[identity(Some("g1"), Some("https://a/1"))]);
        assert_eq!(
            keys[0],
            vec![
                ItemKey::Guid {
                    source: "cqrb".into(),
                    guid: "g1".into()
                },
                ItemKey::Link("https://a/1".into())
            ]
        );
    }

    // A CMS that gives every item the same guid must not collapse the feed into one story.
    #[test]
    fn repeated_guids_fall_back_to_links() {
        let keys = keys_for_document(
            "s",
            &[
                identity(Some("same"), Some("https://a/1")),
                identity(Some("same"), Some("https://a/2")),
                identity(None, None),
            ],
        );
        assert_eq!(keys[0], vec![ItemKey::Link("https://a/1".into())]);
        assert_eq!(keys[1], vec![ItemKey::Link("https://a/2".into())]);
        assert!(keys[2].is_empty());
    }

    #[test]
    fn story_ids_are_stable_and_distinct() {
        let a = ItemKey::Link("https://a/1".into());
        let b = ItemKey::Guid {
            source: "s".into(),
            guid: "https://a/1".into(),
        };
        assert_eq!(story_id(&a), story_id(&a.clone()));
        assert_ne!(story_id(&a), story_id(&b));
        assert_eq!(story_id(&a).len(), 32);
    }

    #[test]
    fn classify_compares_content_hashes() {
        let at = Utc.with_ymd_and_hms(2018, 12, 24, 3, 6, 36).unwrap();
        let item = Item {
            id: String::new(),
            source: "s".into(),
            title: "标题".into(),
            link: "https://a/1".into(),
            summary: String::new(),
            content_html: "<p>正文</p>".into(),
            published: at,
            updated: None,
            authors: vec![],
            categories: vec![],
            outlet: Default::default(),
            first_seen: at,
            content_hash: "h1".into(),
        };
        let stored = Item {
            id: "abc".into(),
            ..item.clone()
        };
        assert_eq!(classify(None, &item), Change::New);
        assert_eq!(
            classify(Some(&stored), &item),
            Change::Same { id: "abc".into() }
        );
        let changed = Item {
            content_hash: "h2".into(),
            ..item
        };
        assert_eq!(
            classify(Some(&stored), &changed),
            Change::Updated { id: "abc".into() }
        );
    }
}
