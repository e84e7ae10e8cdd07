//! Stories through the trait: a round trip, keys, the time index and its order, the
//! near-duplicate window. Each case runs on sled and on PostgreSQL.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use beatwire::dedup::Sketch;
use beatwire::model::{Item, ItemKey, Outlet};
use beatwire::store::SketchWrite;

use crate::both;
use crate::harness::Fixture;

/// 2018-12-24 11:06:36 China time, the seed article's time.
pub const SEED: i64 = 1_545_620_796;
pub const DAY: i64 = 86_400;

pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().expect("an instant")
}

pub fn item(id: &str, published: DateTime<Utc>) -> Item {
    Item {
        id: id.to_owned(),
        source: "scjjrb".to_owned(),
        title: format!("川渝合作 {id}"),
        link: format!("https://example.com/jjxz/{id}.html"),
        summary: "成渝地区双城经济圈建设".to_owned(),
        content_html: "<p>四川经济日报讯（记者 陈家明）川渝两地签署协议。</p>".to_owned(),
        published,
        updated: None,
        authors: vec!["陈家明".to_owned()],
        categories: vec!["今日西南".to_owned()],
        outlet: Outlet {
            name: "四川经济日报".to_owned(),
            url: Some("http://www.scjjrb.com/".to_owned()),
        },
        first_seen: published,
        origin: None,
        content_hash: "h1".to_owned(),
        provenance: vec![],
        linkless: false,
    }
}

pub fn ids(items: &[Item]) -> Vec<String> {
    items.iter().map(|item| item.id.clone()).collect()
}

fn link(id: &str) -> ItemKey {
    ItemKey::Link(format!("https://example.com/jjxz/{id}.html"))
}

pub const TEXT: &str = "重庆经济协作区第二十次市长联席会在自贡召开，云、贵、川、渝等4省市20个成员市(区)的代表分别做了交流发言。自贡市委副书记、市长何树平出席会议并致辞，重庆市发改委副巡视员周韶晖，四川省发改委二级巡视员彭跃，四川省经济合作局党组成员、副局长刘瑛等出席会议。自贡市委副书记李国贵主持会议。";

both!(
    a_story_round_trips_with_its_chinese_text,
    keys_lead_to_the_latest_story_they_were_given_to,
    keys_are_looked_up_in_the_order_given,
    a_redated_story_moves_in_the_time_index,
    ties_are_broken_by_id_bytes_and_limit_is_kept,
    nanoseconds_are_kept_and_ordered,
    the_sketch_window_holds_its_stories_and_follows_an_update,
);

fn a_story_round_trips_with_its_chinese_text(f: &Fixture) {
    let store = f.store.as_ref();
    let mut story = item("s1", at(SEED));
    story.content_html = format!("<p>{TEXT}</p><p>“引号”與繁體 😀 &amp; \u{0}</p>");
    story.updated = Some(at(SEED + 60));
    story.origin = Some("s0".to_owned());
    let keys = [
        link("s1"),
        ItemKey::Guid {
            source: "scjjrb".to_owned(),
            guid: "稿件-1".to_owned(),
        },
        ItemKey::Content {
            source: "scjjrb".to_owned(),
            hash: "abc".to_owned(),
        },
    ];
    assert_eq!(store.get("s1").expect("get"), None);
    store.put_new_story(&story, &keys, None).expect("put");
    assert_eq!(store.get("s1").expect("get"), Some(story.clone()));
    for key in &keys {
        assert_eq!(store.find(key).expect("find").as_deref(), Some("s1"));
    }
    assert_eq!(store.find(&link("nope")).expect("find"), None);
    assert_eq!(store.latest(5).expect("latest"), vec![story]);
    store.flush().expect("flush");
}

fn keys_lead_to_the_latest_story_they_were_given_to(f: &Fixture) {
    let store = f.store.as_ref();
    let shared = link("shared");
    // The same key twice in one write is one key.
    store
        .put_new_story(
            &item("a", at(SEED)),
            &[shared.clone(), shared.clone(), link("a")],
            None,
        )
        .expect("put a");
    store
        .put_story(
            &item("b", at(SEED)),
            std::slice::from_ref(&shared),
            SketchWrite::Keep,
        )
        .expect("put b");
    assert_eq!(store.find(&shared).expect("find").as_deref(), Some("b"));
    // Keys are never removed: a's own key still leads to it.
    assert_eq!(store.find(&link("a")).expect("find").as_deref(), Some("a"));
}

fn keys_are_looked_up_in_the_order_given(f: &Fixture) {
    let store = f.store.as_ref();
    store
        .put_new_story(&item("a", at(SEED)), &[link("a")], None)
        .expect("put a");
    store
        .put_new_story(&item("b", at(SEED)), &[link("b")], None)
        .expect("put b");
    let first = |keys: &[ItemKey]| store.find_first(keys).expect("find_first");
    assert_eq!(first(&[link("b"), link("a")]).as_deref(), Some("b"));
    assert_eq!(first(&[link("a"), link("b")]).as_deref(), Some("a"));
    // Unknown keys before a known one are passed over; none known, or none given: none.
    assert_eq!(
        first(&[link("x"), link("y"), link("a")]).as_deref(),
        Some("a")
    );
    assert_eq!(first(&[link("x"), link("y")]), None);
    assert_eq!(first(&[]), None);
    // Each key's answer in the order given, a key given twice answered twice.
    let each = store
        .find_each(&[link("x"), link("b"), link("a"), link("b")])
        .expect("find_each");
    let each: Vec<Option<&str>> = each.iter().map(Option::as_deref).collect();
    assert_eq!(each, [None, Some("b"), Some("a"), Some("b")]);
    assert!(store.find_each(&[]).expect("none asked").is_empty());
}

fn a_redated_story_moves_in_the_time_index(f: &Fixture) {
    let store = f.store.as_ref();
    store
        .put_new_story(&item("a", at(SEED)), &[], None)
        .expect("put");
    store
        .put_new_story(&item("b", at(SEED - 3_600)), &[], None)
        .expect("put");
    assert_eq!(ids(&store.latest(10).expect("latest")), ["a", "b"]);
    let mut updated = item("a", at(SEED - 2 * DAY));
    updated.title = "更新".to_owned();
    store
        .put_story(&updated, &[], SketchWrite::Keep)
        .expect("update");
    let latest = store.latest(10).expect("latest");
    assert_eq!(ids(&latest), ["b", "a"], "moved, not duplicated");
    assert_eq!(latest[1], updated);
    store
        .put_story(&item("a", at(SEED)), &[], SketchWrite::Keep)
        .expect("update back");
    assert_eq!(ids(&store.latest(10).expect("latest")), ["a", "b"]);
}

fn ties_are_broken_by_id_bytes_and_limit_is_kept(f: &Fixture) {
    let store = f.store.as_ref();
    // Byte order, not a language's: upper case before lower, `-` counted, CJK after ASCII.
    for id in ["c", "a", "b", "ab", "a-b", "B", "四川", "Z", "a b"] {
        store
            .put_new_story(&item(id, at(SEED)), &[], None)
            .expect("put");
    }
    store
        .put_new_story(&item("z", at(SEED + 1)), &[], None)
        .expect("put");
    store
        .put_new_story(&item("old", at(SEED - DAY)), &[], None)
        .expect("put");
    assert_eq!(
        ids(&store.latest(20).expect("latest")),
        [
            "z", "B", "Z", "a", "a b", "a-b", "ab", "b", "c", "四川", "old"
        ]
    );
    assert_eq!(ids(&store.latest(2).expect("latest")), ["z", "B"]);
    assert!(store.latest(0).expect("latest").is_empty());
}

fn nanoseconds_are_kept_and_ordered(f: &Fixture) {
    let store = f.store.as_ref();
    let base = at(SEED);
    // Apart by less than a microsecond (a timestamp column would make them a tie, ordered by
    // id), the later one with the id that sorts last.
    let earlier = item("a", base + TimeDelta::nanoseconds(100));
    let later = item("b", base + TimeDelta::nanoseconds(900));
    store.put_new_story(&earlier, &[], None).expect("put");
    store.put_new_story(&later, &[], None).expect("put");
    let latest = store.latest(5).expect("latest");
    assert_eq!(ids(&latest), ["b", "a"]);
    assert_eq!(latest[1].published, earlier.published);
    // Before 1970 too.
    store
        .put_new_story(
            &item("1969", at(-DAY) + TimeDelta::nanoseconds(5)),
            &[],
            None,
        )
        .expect("put");
    assert_eq!(
        store.latest(5).expect("latest")[2].published,
        at(-DAY) + TimeDelta::nanoseconds(5)
    );
}

fn the_sketch_window_holds_its_stories_and_follows_an_update(f: &Fixture) {
    let store = f.store.as_ref();
    let sketch = Sketch::of("标题", TEXT).expect("sketch");
    for (id, offset) in [("old", -30 * DAY), ("in", 0), ("late", 6 * DAY)] {
        store
            .put_story(&item(id, at(SEED + offset)), &[], SketchWrite::Set(&sketch))
            .expect("put");
    }
    let window = |days: i64| {
        ids_of(
            store
                .sketches_between(at(SEED - days * DAY), at(SEED + days * DAY))
                .expect("range"),
        )
    };
    assert_eq!(window(7), ["in", "late"]);
    assert_eq!(window(1), ["in"]);
    // The bounds are whole seconds, both kept.
    let entries = store
        .sketches_between(at(SEED), at(SEED) + TimeDelta::milliseconds(10))
        .expect("range");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].published, at(SEED));
    assert_eq!(entries[0].sketch, sketch);

    // Re-dated: the sketch follows, kept or replaced; cleared: it goes.
    let key = link("in");
    store
        .put_story(
            &item("in", at(SEED - 2 * DAY)),
            std::slice::from_ref(&key),
            SketchWrite::Keep,
        )
        .expect("re-put");
    assert_eq!(window(1), Vec::<String>::new());
    assert_eq!(window(7), ["in", "late"]);
    store
        .put_story(
            &item("in", at(SEED - 40 * DAY)),
            &[key],
            SketchWrite::Set(&sketch),
        )
        .expect("re-put");
    assert_eq!(window(7), ["late"]);
    assert_eq!(window(41), ["in", "old", "late"]);
    store
        .put_story(&item("late", at(SEED + 6 * DAY)), &[], SketchWrite::Clear)
        .expect("put");
    assert_eq!(window(7), Vec::<String>::new());
    // A new story without a sketch has none in the window.
    store
        .put_new_story(&item("bare", at(SEED)), &[], None)
        .expect("put");
    assert_eq!(window(1), Vec::<String>::new());
}

fn ids_of(entries: Vec<beatwire::store::SketchEntry>) -> Vec<String> {
    entries.into_iter().map(|e| e.id).collect()
}
