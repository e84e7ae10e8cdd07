//! How copies of one story merge: the provenance a story keeps, which copy is primary, and what
//! an update in place keeps from the stored story.
//!
//! The rules (see the module doc of `dedup`): the copy that represents a story (its primary) is
//! the original: the one published first (its own date); on a tie, the one whose outlet another
//! copy names as the story's writer (`来源`); then the one stored first. Every copy is recorded
//! once per (source, link) with its outlet, guid, date, the writer its page names and the time
//! it was first seen, the primary first and the others by date, source and link, so the same
//! copies give the same provenance in whatever order they were read; a copy is never dropped.
//!
//! Must not: read or write the store, or decide whether two stories are copies.

use chrono::{DateTime, Utc};

use crate::model::{Item, ItemKey, Sighting};

/// The copy that `item`, just read from its source, stands for.
pub fn sighting_of(item: &Item, guid: Option<&str>) -> Sighting {
    Sighting {
        source: item.source.clone(),
        outlet: item.outlet.clone(),
        link: item.link.clone(),
        guid: guid.map(str::to_owned),
        published: item.published,
        seen: item.first_seen,
        origin: item.origin.clone(),
        linkless: item.linkless,
    }
}

/// Whether `story`'s primary copy came from `source`.
pub fn is_primary_source(story: &Item, source: &str) -> bool {
    story.source == source
}

/// The copy of `story` from `source`, if it has one.
pub fn copy_from<'a>(story: &'a Item, source: &str) -> Option<&'a Sighting> {
    story.provenance.iter().find(|s| s.source == source)
}

/// Whether `candidate` should represent a story that `current` represents, among `copies` (the
/// story's copies, `candidate` among them): it was published first, or at the same time and
/// another copy names its outlet as the story's writer while none names `current`'s.
pub fn represents_before(candidate: &Sighting, current: &Sighting, copies: &[Sighting]) -> bool {
    match candidate.published.cmp(&current.published) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => {
            named_as_writer(candidate, copies) && !named_as_writer(current, copies)
        }
    }
}

/// Whether another copy's page names `copy`'s outlet as the story's writer.
fn named_as_writer(copy: &Sighting, copies: &[Sighting]) -> bool {
    copies
        .iter()
        .any(|c| c.source != copy.source && c.origin.as_deref() == Some(copy.outlet.name.as_str()))
}

/// Puts the copies after the first (the primary) in their one order: by date, source, link.
pub fn order_copies(provenance: &mut [Sighting]) {
    if let Some((_, others)) = provenance.split_first_mut() {
        others.sort_by(|a, b| {
            (a.published, &a.source, &a.link).cmp(&(b.published, &b.source, &b.link))
        });
    }
}

/// Adds `copy` to `story`'s provenance unless a copy from the same source under the same link
/// is already there. Returns whether the story changed.
///
/// A story stored before provenance was recorded first gets its own primary copy written out,
/// so nothing it stood for is lost.
pub fn add_copy(story: &mut Item, copy: Sighting) -> bool {
    if story.provenance.is_empty() {
        story.provenance = story.sightings().into_owned();
    }
    if story
        .provenance
        .iter()
        .any(|s| s.source == copy.source && s.link == copy.link)
    {
        return false;
    }
    story.provenance.push(copy);
    order_copies(&mut story.provenance);
    true
}

/// The stored story `stored` with the primary copy's new text `fresh`: same public guid, first
/// seen and provenance; `updated` moves (to the source's own `updated` when it is later than
/// the last one, else to `now`).
pub fn update_primary(
    stored: &Item,
    mut fresh: Item,
    guid: Option<&str>,
    now: DateTime<Utc>,
) -> Item {
    let updated = match (fresh.updated, stored.updated) {
        (Some(theirs), Some(last)) if theirs > last => theirs,
        (Some(theirs), None) if theirs > stored.published => theirs,
        _ => now,
    };
    fresh.id = stored.id.clone();
    fresh.first_seen = stored.first_seen;
    fresh.updated = Some(updated);
    fresh.provenance = stored.sightings().into_owned();
    if let Some(primary) = fresh.provenance.first_mut() {
        primary.link = fresh.link.clone();
        primary.linkless = fresh.linkless;
        primary.outlet = fresh.outlet.clone();
        primary.published = fresh.published;
        primary.origin = fresh.origin.clone();
        if guid.is_some() {
            primary.guid = guid.map(str::to_owned);
        }
    }
    fresh
}

/// `fresh`, a copy of `stored` that represents it from now on (see [`represents_before`]):
/// the story with `fresh`'s title, link, date, outlet, authors and text, and every copy. A
/// story already published (first seen before `now`) keeps its guid and its `updated` moves;
/// one first seen in this run takes the guid of `fresh`'s first key, the guid the original
/// would have had had it come first.
pub fn take_over(
    stored: &Item,
    mut fresh: Item,
    guid: Option<&str>,
    first_key: Option<&ItemKey>,
    now: DateTime<Utc>,
) -> Item {
    let mut copies = stored.sightings().into_owned();
    copies.insert(0, sighting_of(&fresh, guid));
    order_copies(&mut copies);
    fresh.first_seen = stored.first_seen;
    fresh.provenance = copies;
    if stored.first_seen < now {
        fresh.id = stored.id.clone();
        fresh.updated = Some(now);
    } else {
        fresh.id = first_key.map_or_else(|| stored.id.clone(), super::story_id);
    }
    fresh
}

/// The link keys of a story's copies other than the one representing it (a copy without a link
/// of its own has none: its site's link names no story).
pub fn copy_links(story: &Item) -> Vec<ItemKey> {
    story
        .provenance
        .iter()
        .skip(1)
        .filter(|copy| !copy.linkless)
        .map(|copy| match url::Url::parse(&copy.link) {
            Ok(url) => ItemKey::Link(crate::normalise::canonical_link(&url)),
            Err(_) => ItemKey::Link(copy.link.clone()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::tests::item;
    use crate::model::Outlet;
    use chrono::TimeZone;

    fn copy(source: &str, outlet: &str, link: &str) -> Sighting {
        let mut other = item(link);
        other.source = source.into();
        other.outlet = Outlet {
            name: outlet.into(),
            url: None,
        };
        sighting_of(&other, None)
    }

    #[test]
    fn copies_are_kept_once_each_the_primary_first_and_the_others_in_one_order() {
        let mut story = item("https://scjjrb.example/1");
        story.outlet.name = "四川经济日报".into();
        assert!(add_copy(
            &mut story,
            copy("cqrb", "重庆日报", "https://cqrb.example/9")
        ));
        assert!(!add_copy(
            &mut story,
            copy("cqrb", "重庆日报", "https://cqrb.example/9")
        ));
        assert!(add_copy(
            &mut story,
            copy("cqrb", "重庆日报", "https://cqrb.example/10")
        ));
        assert!(add_copy(
            &mut story,
            copy("ynrb", "云南日报", "https://ynrb.example/3")
        ));
        let links: Vec<&str> = story.provenance.iter().map(|s| s.link.as_str()).collect();
        assert_eq!(
            links,
            [
                "https://scjjrb.example/1",
                "https://cqrb.example/10",
                "https://cqrb.example/9",
                "https://ynrb.example/3"
            ],
            "the primary first, then the copies of one date by source and link"
        );
        assert!(is_primary_source(&story, "s"));
        assert_eq!(
            copy_from(&story, "ynrb").map(|s| s.link.as_str()),
            Some("https://ynrb.example/3")
        );
    }

    #[test]
    fn an_update_keeps_guid_first_seen_and_copies_and_moves_updated() {
        let now = Utc.with_ymd_and_hms(2018, 12, 25, 0, 0, 0).unwrap();
        let mut stored = item("https://scjjrb.example/1");
        stored.id = "abc".into();
        add_copy(
            &mut stored,
            copy("cqrb", "重庆日报", "https://cqrb.example/9"),
        );
        let mut fresh = item("https://scjjrb.example/1");
        fresh.content_html = "<p>更正后的正文</p>".into();
        fresh.first_seen = now;
        let updated = update_primary(&stored, fresh.clone(), Some("g1"), now);
        assert_eq!(updated.id, "abc");
        assert_eq!(updated.first_seen, stored.first_seen);
        assert_eq!(updated.updated, Some(now));
        assert_eq!(updated.provenance.len(), 2);
        assert_eq!(updated.provenance[0].guid.as_deref(), Some("g1"));
        assert_eq!(updated.content_html, "<p>更正后的正文</p>");

        // The source's own `updated` wins when it moved forward.
        let theirs = Utc.with_ymd_and_hms(2018, 12, 24, 9, 0, 0).unwrap();
        fresh.updated = Some(theirs);
        assert_eq!(
            update_primary(&stored, fresh.clone(), None, now).updated,
            Some(theirs)
        );
        let mut later = stored.clone();
        later.updated = Some(theirs);
        assert_eq!(update_primary(&later, fresh, None, now).updated, Some(now));
    }

    #[test]
    fn the_original_is_the_first_published_then_the_one_named_as_writer() {
        let at = |h| Utc.with_ymd_and_hms(2018, 12, 24, h, 0, 0).unwrap();
        let mut original = copy("scjjrb", "四川经济日报", "https://scjjrb.example/1");
        let mut reprint = copy("cqrb", "重庆日报", "https://cqrb.example/9");
        original.published = at(3);
        reprint.published = at(6);
        let copies = [original.clone(), reprint.clone()];
        assert!(represents_before(&original, &reprint, &copies));
        assert!(!represents_before(&reprint, &original, &copies));

        // The same time: the copy whose outlet the other names as writer wins, else none.
        reprint.published = at(3);
        assert!(!represents_before(
            &original,
            &reprint,
            &[original.clone(), reprint.clone()]
        ));
        reprint.origin = Some("四川经济日报".into());
        let copies = [original.clone(), reprint.clone()];
        assert!(represents_before(&original, &reprint, &copies));
        assert!(!represents_before(&reprint, &original, &copies));
        // A copy naming its own outlet proves nothing.
        original.origin = Some("四川经济日报".into());
        reprint.origin = None;
        let copies = [original.clone(), reprint.clone()];
        assert!(!represents_before(&original, &reprint, &copies));
    }

    #[test]
    fn the_original_takes_over_with_a_guid_that_depends_on_whether_the_story_was_published() {
        let reprint = item("https://cqrb.example/9");
        let mut original = item("https://scjjrb.example/1");
        original.source = "scjjrb".into();
        original.published = reprint.published - chrono::TimeDelta::hours(3);
        let key = ItemKey::Link("https://scjjrb.example/1".into());

        // Not published yet: the guid the original would have had, no update.
        let now = reprint.first_seen;
        let taken = take_over(&reprint, original.clone(), None, Some(&key), now);
        assert_eq!(taken.id, crate::dedup::story_id(&key));
        assert_eq!(
            (taken.updated, taken.first_seen),
            (None, reprint.first_seen)
        );
        let links: Vec<&str> = taken.provenance.iter().map(|c| c.link.as_str()).collect();
        assert_eq!(
            links,
            ["https://scjjrb.example/1", "https://cqrb.example/9"]
        );
        assert_eq!(
            copy_links(&taken),
            [ItemKey::Link(crate::normalise::canonical_link(
                &url::Url::parse("https://cqrb.example/9").unwrap()
            ))]
        );

        // Published in an earlier run: the guid stays and the story shows as updated.
        let later = now + chrono::TimeDelta::hours(1);
        let taken = take_over(&reprint, original, None, Some(&key), later);
        assert_eq!(
            (taken.id.as_str(), taken.updated),
            (reprint.id.as_str(), Some(later))
        );
    }

    #[test]
    fn a_copy_without_a_link_of_its_own_leaves_no_link_key() {
        let mut reprint = item("https://xian.example/");
        reprint.linkless = true;
        let mut original = item("https://scjjrb.example/1");
        original.source = "scjjrb".into();
        original.published = reprint.published - chrono::TimeDelta::hours(3);
        let taken = take_over(&reprint, original, None, None, reprint.first_seen);
        let copy = taken.provenance.iter().find(|c| c.source == "s").unwrap();
        assert!(copy.linkless);
        assert!(
            copy_links(&taken).is_empty(),
            "the site's link names no story"
        );
    }
}
