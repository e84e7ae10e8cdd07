//! Identity against the store: the rules of `dedup` applied to the stories of one document of
//! one source. The read side computes each story's keys (with the source's guid trust and host
//! aliases) and asks whether the store knows it; the commit side, [`apply`], is the run's one
//! write path: through the [`Writer`] it decides and writes each story (new, updated in place,
//! a copy added to a story's provenance, or nothing) and returns what it did.
//!
//! Must not: fetch, parse or filter (the caller hands over normalised stories that passed the
//! beat), or publish.

use std::borrow::Borrow;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};

use crate::dedup::candidates::NearIndex;
use crate::dedup::merge::{self, add_copy, copy_from, sighting_of, update_primary};
use crate::dedup::{self, Change, GuidSeen, GuidTrust, HostAliases, Identity, Sketch};
use crate::model::{Item, ItemKey};
use crate::normalise::item::Normalised;
use crate::store::{
    Backend, REMOVALS_KEPT, SharedStore, Sharing, SketchWrite, StoreError, WriteGuard,
};

/// The one write path of a run: the store's story writes and the near-duplicate index that
/// caches its sketches. A run keeps it in a `Mutex<Writer>`: two sources committing at once
/// must not both find one story new, and the index must follow what was written.
#[derive(Debug)]
pub struct Writer {
    store: SharedStore,
    /// Near-duplicate text is compared between stories at most this far apart; zero: never.
    window: TimeDelta,
    /// The sketches of the days looked at so far.
    near: NearIndex,
    /// With a store other processes write to: the store's write generation at this writer's
    /// last turn. Another process's turn since makes `near` stale.
    generation: Option<i64>,
    /// The newest sketch change `near` has seen, and when it was read.
    mark: Option<i64>,
    marked_at: Option<Instant>,
}

impl Writer {
    /// `window` is capped at [`dedup::MAX_NEAR_WINDOW`].
    pub fn new(store: SharedStore, window: std::time::Duration) -> Writer {
        let window = TimeDelta::from_std(window).unwrap_or(dedup::MAX_NEAR_WINDOW);
        Writer {
            store,
            window: window.min(dedup::MAX_NEAR_WINDOW),
            near: NearIndex::default(),
            generation: None,
            mark: None,
            marked_at: None,
        }
    }

    /// With a store shared by several processes, waits for this process's turn at writing (the
    /// store's write lock, held until the guard drops) and, when another process wrote since
    /// this one's last turn, brings the cached sketches up to date with the sketches changed
    /// since: a copy it stored a moment ago is found as surely as one stored by this process.
    /// `None` for a store one process owns.
    fn take_turn(&mut self) -> Result<Option<Box<dyn WriteGuard>>, StoreError> {
        let store = Arc::clone(&self.store);
        let Some(sharing) = store.sharing() else {
            return Ok(None);
        };
        let turn = sharing.lock_writes()?;
        let generation = turn.generation();
        if self.generation.map(|g| g + 1) != Some(generation) {
            self.catch_up(sharing)?;
        }
        self.generation = Some(generation);
        Ok(Some(turn))
    }

    /// Applies the sketch changes made since this writer's mark; with no mark, or one older
    /// than the store remembers removals for, starts the cache afresh from a new mark.
    fn catch_up(&mut self, sharing: &dyn Sharing) -> Result<(), StoreError> {
        let fresh = self
            .marked_at
            .is_some_and(|at| at.elapsed() < REMOVALS_KEPT / 2);
        match self.mark.filter(|_| fresh) {
            Some(mark) => {
                let changes = sharing.sketch_changes(Some(mark))?;
                self.near.apply_changes(
                    changes
                        .written
                        .into_iter()
                        .map(|e| (e.id, e.published, e.sketch)),
                    changes.removed,
                );
                self.mark = Some(changes.mark.max(mark));
            }
            None => {
                self.mark = Some(sharing.sketch_changes(None)?.mark);
                self.near = NearIndex::default();
            }
        }
        self.marked_at = Some(Instant::now());
        Ok(())
    }

    /// The store it writes to.
    pub fn store(&self) -> &SharedStore {
        &self.store
    }

    /// Stores a story whose text is `text`, with a fresh near-duplicate sketch of it, and keeps
    /// the index in step.
    fn put_with_sketch(
        &mut self,
        item: &Item,
        keys: &[ItemKey],
        text: &str,
    ) -> Result<(), StoreError> {
        let sketch = Sketch::of(&item.title, text);
        let write = sketch.as_ref().map_or(SketchWrite::Clear, SketchWrite::Set);
        self.store.put_story(item, keys, write)?;
        match sketch {
            Some(sketch) => self.near.insert(item.id.clone(), item.published, sketch),
            None => self.near.remove(&item.id),
        }
        Ok(())
    }

    /// How far apart two stories may be dated and still be compared as copies.
    pub fn window(&self) -> TimeDelta {
        self.window
    }
}

/// One story of a document ready to commit: the normalised story and its keys.
#[derive(Debug, Clone)]
pub struct Keyed {
    pub story: Normalised,
    pub keys: Vec<ItemKey>,
}

/// How far a source's guids were trusted in making a document's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guids {
    /// The trust the keys were made with.
    pub trust: GuidTrust,
    /// The guids turned out unstable in this document: commit records it.
    pub judged_unstable: bool,
}

/// The keys of every story of a document (before the beat filter: uniqueness of guids is a
/// property of the whole document). Judges the source's guids first, and records a source
/// whose guids turned out unstable.
///
/// `store` is `None` in a dry run: nothing is known and guids are trusted.
pub fn document_keys(
    store: Option<&dyn Backend>,
    source: &str,
    aliases: &HostAliases,
    stories: &[impl Borrow<Normalised>],
) -> Result<(Vec<Vec<ItemKey>>, Guids), StoreError> {
    let links: Vec<String> = stories
        .iter()
        .map(|s| aliases.canonical_link(&s.borrow().url))
        .collect();
    let identities: Vec<Identity<'_>> = stories
        .iter()
        .zip(&links)
        .map(|(story, link)| {
            let story = story.borrow();
            // A story with no link of its own is known by its content, not its site's link.
            let linkless = story.item.linkless;
            Identity {
                guid: story.guid.as_deref(),
                canonical_link: (!linkless).then_some(link.as_str()),
                content: linkless.then_some((story.item.title.as_str(), story.text.as_str())),
            }
        })
        .collect();
    let mut trust = GuidTrust::Trusted;
    let mut judged_unstable = false;
    if let Some(store) = store {
        trust = store.guid_trust(source)?;
        if trust == GuidTrust::Trusted {
            trust = judge(store, source, &identities)?;
            judged_unstable = trust == GuidTrust::Unstable;
        }
    }
    let keys = dedup::keys_for_document(source, &identities, trust);
    Ok((
        keys,
        Guids {
            trust,
            judged_unstable,
        },
    ))
}

/// Looks each story's guid and link up and lets `dedup::judge_guids` decide.
fn judge(
    store: &dyn Backend,
    source: &str,
    identities: &[Identity<'_>],
) -> Result<GuidTrust, StoreError> {
    let guids = dedup::unique_guids(identities);
    let links = dedup::usable_links(identities, &guids);
    /// The story a link leads to (when this source has a copy in it) and that copy's guid.
    type LinkedCopy = (String, Option<String>);
    // Every guid and link of the document looked up at once: for story i, slot 2i is its
    // guid's key and 2i + 1 its link's.
    let wanted: Vec<Option<ItemKey>> = guids
        .iter()
        .zip(&links)
        .flat_map(|(guid, link)| {
            [
                guid.map(|guid| ItemKey::Guid {
                    source: source.to_owned(),
                    guid: guid.to_owned(),
                }),
                link.map(|link| ItemKey::Link(link.to_owned())),
            ]
        })
        .collect();
    let keys: Vec<ItemKey> = wanted.iter().flatten().cloned().collect();
    let mut answers = store.find_each(&keys)?.into_iter();
    let mut ids: Vec<Option<String>> = wanted
        .iter()
        .map(|key| key.as_ref().and_then(|_| answers.next().flatten()))
        .collect();
    let mut found: Vec<(Option<String>, Option<LinkedCopy>)> = Vec::new();
    for pair in ids.chunks_exact_mut(2) {
        let by_guid = pair[0].take();
        let mut by_link = None;
        if let Some(id) = pair[1].take()
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

/// Commits the stories of one document of `source`: records guids judged unstable, then
/// stores each story according to its identity. One [`Change`] per story that has a key, in
/// order; a story with no key (no usable guid, no link, no content) could never be recognised
/// again and is skipped rather than stored anew on every run.
///
/// `&mut Writer`: the caller holds the run's one write path for the whole document.
pub fn apply(
    writer: &mut Writer,
    source: &str,
    guids: Guids,
    stories: Vec<Keyed>,
    now: DateTime<Utc>,
) -> Result<Vec<Change>, StoreError> {
    let _turn = writer.take_turn()?;
    if guids.judged_unstable {
        tracing::warn!(
            source,
            "guids change between fetches; identifying stories by link"
        );
        writer.store.set_guid_trust(source, GuidTrust::Unstable)?;
    }
    let mut changes = Vec::with_capacity(stories.len());
    for keyed in stories {
        if let Some(change) = store_story(writer, keyed, now)? {
            changes.push(change);
        }
    }
    Ok(changes)
}

/// Stores one story according to its identity; `None` when it has no key.
fn store_story(
    writer: &mut Writer,
    keyed: Keyed,
    now: DateTime<Utc>,
) -> Result<Option<Change>, StoreError> {
    let Keyed { story, keys } = keyed;
    let Some(first_key) = keys.first() else {
        return Ok(None);
    };
    let Normalised {
        mut item,
        guid,
        text,
        ..
    } = story;
    let guid = guid.as_deref();
    let store = writer.store.clone();

    // Rules 1 and 2: a key the store knows.
    if let Some(id) = store.find_first(&keys)? {
        match store.get(&id)? {
            Some(stored) => {
                let seen = Seen::new(item, guid, &text, &keys);
                return known_story(writer, stored, seen, now).map(Some);
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
        && let Some(stored) = near_copy(writer, &item, sketch)?
    {
        tracing::debug!(item = %stored.id, copy = %item.link, "near-duplicate merged");
        let seen = Seen::new(item, guid, &text, &keys);
        return another_copy(writer, stored, seen, now).map(Some);
    }

    item.id = dedup::story_id(first_key);
    if store.tombstone(&item.id)?.is_some() {
        return Ok(Some(Change::Gone { id: item.id }));
    }
    item.provenance = vec![sighting_of(&item, guid)];
    store.put_new_story(&item, &keys, sketch.as_ref())?;
    if let Some(sketch) = sketch {
        writer.near.insert(item.id.clone(), item.published, sketch);
    }
    Ok(Some(Change::New))
}

/// A story of a document recognised by one of its keys.
struct Seen<'a> {
    item: Item,
    guid: Option<&'a str>,
    text: &'a str,
    keys: &'a [ItemKey],
}

impl<'a> Seen<'a> {
    fn new(item: Item, guid: Option<&'a str>, text: &'a str, keys: &'a [ItemKey]) -> Seen<'a> {
        Seen {
            item,
            guid,
            text,
            keys,
        }
    }
}

/// A story recognised by one of its keys: the primary copy again (same or updated), another
/// source's copy of it (merged), or a copy already recorded (nothing to do).
fn known_story(
    writer: &mut Writer,
    stored: Item,
    seen: Seen<'_>,
    now: DateTime<Utc>,
) -> Result<Change, StoreError> {
    if !merge::is_primary_source(&stored, &seen.item.source) {
        return another_copy(writer, stored, seen, now);
    }
    let Seen {
        item,
        guid,
        text,
        keys,
    } = seen;
    match dedup::classify(Some(&stored), &item) {
        Change::Updated { id } => {
            let updated = update_primary(&stored, item, guid, now);
            writer.put_with_sketch(&updated, keys, text)?;
            Ok(Change::Updated { id })
        }
        change => {
            remember_keys(writer.store.as_ref(), &stored, keys)?;
            Ok(change)
        }
    }
}

/// Another source's copy of a stored story: it joins the story's copies, and represents the
/// story when it is the original (see `dedup::merge`); a copy already recorded changes
/// nothing.
fn another_copy(
    writer: &mut Writer,
    stored: Item,
    seen: Seen<'_>,
    now: DateTime<Utc>,
) -> Result<Change, StoreError> {
    let id = stored.id.clone();
    let copy = sighting_of(&seen.item, seen.guid);
    let mut copies = stored.sightings().into_owned();
    if copies
        .iter()
        .any(|c| c.source == copy.source && c.link == copy.link)
    {
        remember_keys(writer.store.as_ref(), &stored, seen.keys)?;
        return Ok(Change::Same { id });
    }
    copies.push(copy.clone());
    if merge::represents_before(&copy, &copies[0], &copies) {
        return represent(writer, stored, seen, now);
    }
    let mut merged = stored;
    add_copy(&mut merged, copy);
    writer
        .store
        .put_story(&merged, seen.keys, SketchWrite::Keep)?;
    Ok(Change::DuplicateOf { id })
}

/// `seen` becomes the copy that represents `stored`: the story takes its title, link, date,
/// outlet, authors and body, and keeps every copy. A story already published keeps its guid
/// and shows as updated; one not published yet (first seen in this run) takes the guid the
/// original would have had, so the same copies give the same story whatever order they came in.
fn represent(
    writer: &mut Writer,
    stored: Item,
    seen: Seen<'_>,
    now: DateTime<Utc>,
) -> Result<Change, StoreError> {
    let Seen {
        item,
        guid,
        text,
        keys,
    } = seen;
    let item = merge::take_over(&stored, item, guid, keys.first(), now);
    let mut keys = keys.to_vec();
    if item.id != stored.id {
        writer.store.remove(&stored.id, now)?;
        writer.near.remove(&stored.id);
        // The other copies' links lead to the story under its new guid; a key left behind
        // leads to the old guid's tombstone, and that copy is passed over, not stored again.
        for link in merge::copy_links(&item) {
            if !keys.contains(&link) {
                keys.push(link);
            }
        }
    }
    writer.put_with_sketch(&item, &keys, text)?;
    tracing::debug!(item = %item.id, was = %stored.id, link = %item.link, "the original represents the story");
    Ok(Change::DuplicateOf { id: item.id })
}

/// Seen under a key it was not stored with (a feed that added guids): remember the key.
fn remember_keys(store: &dyn Backend, stored: &Item, keys: &[ItemKey]) -> Result<(), StoreError> {
    for key in keys {
        if store.find(key)?.is_none() {
            return store.put_story(stored, keys, SketchWrite::Keep);
        }
    }
    Ok(())
}

/// The stored story of another source whose text `item` nearly repeats, if any (rule 3).
pub fn near_copy(
    writer: &mut Writer,
    item: &Item,
    sketch: &Sketch,
) -> Result<Option<Item>, StoreError> {
    if writer.window.is_zero() {
        return Ok(None);
    }
    for (from, to) in writer.near.missing_days(item.published, writer.window) {
        let entries = writer.store.sketches_between(from, to)?;
        writer.near.load(
            from,
            entries.into_iter().map(|e| (e.id, e.published, e.sketch)),
        );
    }
    let ids: Vec<String> = writer
        .near
        .candidates(sketch, item.published, writer.window)
        .into_iter()
        .map(|c| c.id.to_owned())
        .collect();
    for id in ids {
        // Copies are merged across sources only: one outlet's two stories stay two. The date
        // is checked again on the story itself: a sketch a crash left at a story's old date
        // must not stand for it.
        if let Some(stored) = writer.store.get(&id)?
            && within(&stored, item, writer.window)
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

/// Whether the store knows a story under any of its keys (a pruned one too: its keys stay with
/// its tombstone), so a page source does not fetch it again.
pub fn is_known(store: &dyn Backend, keys: &[ItemKey]) -> Result<bool, StoreError> {
    for key in keys {
        if store.find(key)?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}
