//! Identity in the run: the rules of `dedup` applied against the store, for the stories of one
//! document of one source. Keys (with the source's guid trust and host aliases), lookups,
//! near-duplicate candidates, and what is written: a new story, an update in place, a copy
//! added to a story's provenance, or nothing.
//!
//! Must not: fetch, parse or filter (the caller hands over normalised stories that passed the
//! beat), or publish.

use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};
use url::Url;

use super::report::SourceReport;
use crate::dedup::candidates::NearIndex;
use crate::dedup::merge::{self, add_copy, copy_from, sighting_of, update_primary};
use crate::dedup::{self, Change, GuidSeen, GuidTrust, HostAliases, Identity, Sketch};
use crate::model::{Item, ItemKey};
use crate::store::{SketchWrite, Store, StoreError};

/// What identity shares across the sources of one run.
#[derive(Debug)]
pub struct Identities {
    /// Near-duplicate text is compared between stories at most this far apart; zero: never.
    pub window: TimeDelta,
    /// The sketches of the days looked at so far. A std mutex: it is never held across an
    /// `.await`, only while one story is looked up or stored.
    near: Mutex<NearIndex>,
}

impl Identities {
    /// `window` is capped at [`dedup::MAX_NEAR_WINDOW`].
    pub fn new(window: std::time::Duration) -> Identities {
        let window = TimeDelta::from_std(window).unwrap_or(dedup::MAX_NEAR_WINDOW);
        Identities {
            window: window.min(dedup::MAX_NEAR_WINDOW),
            near: Mutex::default(),
        }
    }
}

/// One normalised story of a document, as identity needs it.
#[derive(Debug, Clone)]
pub struct Story {
    pub item: Item,
    /// The document's guid for it, if any.
    pub guid: Option<String>,
    /// Its absolute link.
    pub url: Url,
    /// The visible text of its body.
    pub text: String,
}

/// The keys of every story of a document (before the beat filter: uniqueness of guids is a
/// property of the whole document). Judges the source's guids first, and records a source
/// whose guids turned out unstable.
pub fn document_keys(
    store: &Store,
    source: &str,
    aliases: &HostAliases,
    stories: &[Story],
) -> Result<Vec<Vec<ItemKey>>, StoreError> {
    let links: Vec<String> = stories
        .iter()
        .map(|s| aliases.canonical_link(&s.url))
        .collect();
    let identities: Vec<Identity<'_>> = stories
        .iter()
        .zip(&links)
        .map(|(story, link)| Identity {
            guid: story.guid.as_deref(),
            canonical_link: Some(link),
        })
        .collect();
    let mut trust = store.guid_trust(source)?;
    if trust == GuidTrust::Trusted {
        trust = judge(store, source, &identities)?;
        if trust == GuidTrust::Unstable {
            tracing::warn!(
                source,
                "guids change between fetches; identifying stories by link"
            );
            store.set_guid_trust(source, trust)?;
        }
    }
    Ok(dedup::keys_for_document(source, &identities, trust))
}

/// Looks each story's guid and link up and lets `dedup::judge_guids` decide.
fn judge(
    store: &Store,
    source: &str,
    identities: &[Identity<'_>],
) -> Result<GuidTrust, StoreError> {
    let guids = dedup::unique_guids(identities);
    let links = dedup::usable_links(identities, &guids);
    /// The story a link leads to (when this source has a copy in it) and that copy's guid.
    type LinkedCopy = (String, Option<String>);
    let mut found: Vec<(Option<String>, Option<LinkedCopy>)> = Vec::new();
    for (link, guid) in links.iter().zip(&guids) {
        let by_guid = match guid {
            Some(guid) => store.find(&ItemKey::Guid {
                source: source.to_owned(),
                guid: (*guid).to_owned(),
            })?,
            None => None,
        };
        let mut by_link = None;
        if let Some(link) = *link
            && let Some(id) = store.find(&ItemKey::Link(link.to_owned()))?
            && let Some(story) = store.get(&id)?
            && let Some(copy) = copy_from(&story, source)
        {
            by_link = Some((id, copy.guid.clone()));
        }
        found.push((by_guid, by_link));
    }
    let seen: Vec<GuidSeen<'_>> = guids
        .iter()
        .zip(&found)
        .map(|(guid, (by_guid, by_link))| GuidSeen {
            guid: *guid,
            by_guid: by_guid.as_deref(),
            by_link: by_link
                .as_ref()
                .map(|(id, guid)| (id.as_str(), guid.as_deref())),
        })
        .collect();
    Ok(dedup::judge_guids(&seen))
}

/// Stores one story according to its identity, and counts what happened in `report`.
///
/// `None`: the story has no key (neither a usable guid nor a link), so it could never be
/// recognised again; it is skipped rather than stored anew on every run.
pub fn store_story(
    store: &Store,
    identities: &Identities,
    story: Story,
    keys: Vec<ItemKey>,
    report: &mut SourceReport,
    now: DateTime<Utc>,
) -> Result<Option<Change>, StoreError> {
    let Some(first_key) = keys.first() else {
        return Ok(None);
    };
    let Story {
        mut item,
        guid,
        text,
        ..
    } = story;
    let guid = guid.as_deref();

    // Rules 1 and 2: a key the store knows.
    let mut known = None;
    for key in &keys {
        if let Some(id) = store.find(key)? {
            known = Some(id);
            break;
        }
    }
    if let Some(id) = known {
        match store.get(&id)? {
            Some(stored) => {
                return known_story(
                    store, identities, stored, item, guid, &text, &keys, report, now,
                )
                .map(Some);
            }
            None if store.tombstone(&id)?.is_some() => {
                tracing::trace!(item = %id, "pruned story seen again");
                return Ok(Some(Change::Gone { id }));
            }
            // A key left by a story that is gone without a tombstone: as new.
            None => {}
        }
    }

    // Rule 3: near-duplicate text of another source's story.
    let sketch = Sketch::of(&item.title, &text);
    if let Some(sketch) = &sketch
        && let Some(mut stored) = near_copy(store, identities, &item, sketch)?
    {
        let id = stored.id.clone();
        add_copy(&mut stored, sighting_of(&item, guid));
        store.put_story(&stored, &keys, SketchWrite::Keep)?;
        report.duplicates += 1;
        tracing::debug!(item = %id, copy = %item.link, "near-duplicate merged");
        return Ok(Some(Change::DuplicateOf { id }));
    }

    item.id = dedup::story_id(first_key);
    if store.tombstone(&item.id)?.is_some() {
        return Ok(Some(Change::Gone { id: item.id }));
    }
    item.provenance = vec![sighting_of(&item, guid)];
    store.put_new_story(&item, &keys, sketch.as_ref())?;
    if let Some(sketch) = sketch {
        lock(identities).insert(item.id.clone(), item.published, sketch);
    }
    report.new += 1;
    Ok(Some(Change::New))
}

/// A story recognised by one of its keys: the primary copy again (same or updated), another
/// source's copy of it (merged), or a copy already recorded (nothing to do).
#[expect(
    clippy::too_many_arguments,
    reason = "one story's whole context, used once"
)]
fn known_story(
    store: &Store,
    identities: &Identities,
    stored: Item,
    item: Item,
    guid: Option<&str>,
    text: &str,
    keys: &[ItemKey],
    report: &mut SourceReport,
    now: DateTime<Utc>,
) -> Result<Change, StoreError> {
    let id = stored.id.clone();
    if merge::is_primary_source(&stored, &item.source) {
        return match dedup::classify(Some(&stored), &item) {
            Change::Updated { id } => {
                let sketch = Sketch::of(&item.title, text);
                let updated = update_primary(&stored, item, guid, now);
                let write = sketch.as_ref().map_or(SketchWrite::Clear, SketchWrite::Set);
                store.put_story(&updated, keys, write)?;
                let mut near = lock(identities);
                match sketch {
                    Some(sketch) => near.insert(id.clone(), updated.published, sketch),
                    None => near.remove(&id),
                }
                report.updated += 1;
                Ok(Change::Updated { id })
            }
            change => {
                remember_keys(store, &stored, keys)?;
                Ok(change)
            }
        };
    }
    let mut merged = stored;
    if add_copy(&mut merged, sighting_of(&item, guid)) {
        store.put_story(&merged, keys, SketchWrite::Keep)?;
        report.duplicates += 1;
        return Ok(Change::DuplicateOf { id });
    }
    remember_keys(store, &merged, keys)?;
    Ok(Change::Same { id })
}

/// Seen under a key it was not stored with (a feed that added guids): remember the key.
fn remember_keys(store: &Store, stored: &Item, keys: &[ItemKey]) -> Result<(), StoreError> {
    for key in keys {
        if store.find(key)?.is_none() {
            return store.put(stored, keys);
        }
    }
    Ok(())
}

/// The stored story of another source whose text `item` nearly repeats, if any (rule 3).
pub fn near_copy(
    store: &Store,
    identities: &Identities,
    item: &Item,
    sketch: &Sketch,
) -> Result<Option<Item>, StoreError> {
    if identities.window.is_zero() {
        return Ok(None);
    }
    let ids: Vec<String> = {
        let mut near = lock(identities);
        for (from, to) in near.missing_days(item.published, identities.window) {
            let entries = store.sketches_between(from, to)?;
            near.load(
                from,
                entries.into_iter().map(|e| (e.id, e.published, e.sketch)),
            );
        }
        near.candidates(sketch, item.published, identities.window)
            .into_iter()
            .map(|c| c.id.to_owned())
            .collect()
    };
    for id in ids {
        // Copies are merged across sources only: one outlet's two stories stay two. The date
        // is checked again on the story itself: a sketch a crash left at a story's old date
        // must not stand for it.
        if let Some(stored) = store.get(&id)?
            && within(&stored, item, identities.window)
            && !merge::is_primary_source(&stored, &item.source)
            && copy_from(&stored, &item.source).is_none()
        {
            return Ok(Some(stored));
        }
    }
    Ok(None)
}

/// Whether `stored` is dated within `window` of `item`, its date read to the second as the
/// sketch index keeps it.
fn within(stored: &Item, item: &Item, window: TimeDelta) -> bool {
    DateTime::from_timestamp(stored.published.timestamp(), 0)
        .is_some_and(|at| (at - item.published).abs() <= window)
}

fn lock(identities: &Identities) -> std::sync::MutexGuard<'_, NearIndex> {
    // A panic while the index was held leaves it usable: it only caches the store.
    identities
        .near
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether the store knows a story under any of its keys (a pruned one too: its keys stay with
/// its tombstone), so a page source does not fetch it again.
pub fn is_known(store: &Store, keys: &[ItemKey]) -> Result<bool, StoreError> {
    for key in keys {
        if store.find(key)?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}
