//! Removing and pruning through the trait: tombstones, keys that outlive their story, and what
//! is remembered per source. Each case runs on sled and on PostgreSQL.

use beatwire::dedup::{GuidTrust, Sketch};
use beatwire::model::{ErrorClass, ItemKey, SourceState, Validators};
use beatwire::store::{Pruned, SketchWrite, Tombstone};

use crate::both;
use crate::harness::Fixture;
use crate::stories::{DAY, SEED, at, ids, item};

both!(
    prune_removes_only_stories_old_by_date_and_by_first_seen,
    remove_leaves_a_tombstone_and_the_keys,
    source_states_round_trip_in_id_order,
    guid_trust_round_trips,
);

fn prune_removes_only_stories_old_by_date_and_by_first_seen(f: &Fixture) {
    let store = f.store.as_ref();
    let now = at(SEED + 100 * DAY);
    let cutoff = at(SEED + 10 * DAY);
    let old = item("old", at(SEED));
    let mut late_seen = item("late-seen", at(SEED));
    late_seen.first_seen = at(SEED + 50 * DAY);
    let young = item("young", at(SEED + 20 * DAY));
    let key = ItemKey::Link("https://example.com/jjxz/old.html".into());
    let sketch = Sketch::of(
        "标题",
        &"成渝地区双城经济圈建设，川渝两地签署协议。".repeat(8),
    )
    .expect("sketch");
    store
        .put_story(&old, std::slice::from_ref(&key), SketchWrite::Set(&sketch))
        .expect("put");
    store
        .put_story(&late_seen, &[], SketchWrite::Keep)
        .expect("put");
    store
        .put_story(&young, &[], SketchWrite::Keep)
        .expect("put");

    let pruned = store.prune(cutoff, now).expect("prune");
    assert_eq!(
        pruned,
        Pruned {
            stories: 1,
            kept_young: 1
        }
    );
    assert_eq!(store.get("old").expect("get"), None);
    assert!(store.get("late-seen").expect("get").is_some());
    assert_eq!(
        ids(&store.latest(10).expect("latest")),
        ["young", "late-seen"]
    );
    assert!(
        store
            .sketches_between(at(SEED - DAY), at(SEED + DAY))
            .expect("window")
            .is_empty(),
        "the pruned story's sketch went with it"
    );
    // The key still leads to the story's tombstone.
    assert_eq!(store.find(&key).expect("find").as_deref(), Some("old"));
    assert_eq!(
        store.tombstone("old").expect("tombstone"),
        Some(Tombstone {
            published: at(SEED),
            removed: now
        })
    );
    assert_eq!(store.tombstone("young").expect("tombstone"), None);
    // Pruning again finds nothing more to do.
    assert_eq!(store.prune(cutoff, now).expect("prune").stories, 0);
    // A story dated exactly at the cutoff stays.
    store
        .put_new_story(&item("edge", cutoff), &[], None)
        .expect("put");
    let mut edge = item("edge-seen-old", cutoff);
    edge.first_seen = at(SEED);
    store.put_new_story(&edge, &[], None).expect("put");
    assert_eq!(store.prune(cutoff, now).expect("prune").stories, 0);
}

fn remove_leaves_a_tombstone_and_the_keys(f: &Fixture) {
    let store = f.store.as_ref();
    assert!(!store.remove("nope", at(SEED)).expect("remove"));
    let key = ItemKey::Link("https://example.com/jjxz/a.html".into());
    store
        .put_new_story(&item("a", at(SEED)), std::slice::from_ref(&key), None)
        .expect("put");
    store
        .put_new_story(&item("b", at(SEED)), &[], None)
        .expect("put");
    assert!(store.remove("a", at(SEED + DAY)).expect("remove"));
    assert_eq!(store.get("a").expect("get"), None);
    assert_eq!(ids(&store.latest(10).expect("latest")), ["b"]);
    assert_eq!(store.find(&key).expect("find").as_deref(), Some("a"));
    assert_eq!(
        store.tombstone("a").expect("tombstone"),
        Some(Tombstone {
            published: at(SEED),
            removed: at(SEED + DAY)
        })
    );
    assert!(!store.remove("a", at(SEED + 2 * DAY)).expect("again"));
}

fn source_states_round_trip_in_id_order(f: &Fixture) {
    let store = f.store.as_ref();
    assert_eq!(
        store.source_state("scjjrb").expect("state"),
        SourceState::default()
    );
    assert!(store.source_states().expect("states").is_empty());
    let state = SourceState {
        validators: Validators {
            etag: Some("\"abc\"".to_owned()),
            last_modified: Some("Mon, 24 Dec 2018 03:06:36 GMT".to_owned()),
        },
        body_hash: Some("h".to_owned()),
        last_fetch: Some(at(SEED)),
        last_success: Some(at(SEED)),
        last_error: Some("连接超时".to_owned()),
        failures: 2,
        next_due: Some(at(SEED + 900)),
        stories: 42,
        config_hash: Some("c".to_owned()),
        last_error_class: Some(ErrorClass::Timeout),
        moved_to: Some("https://example.org/new.xml".to_owned()),
        gone_since: Some(at(SEED)),
        postponed_until: Some(at(SEED + 120)),
        last_found: Some(12),
        last_found_at: Some(at(SEED)),
        repairs: vec!["escaped 3 bare '&'".to_owned()],
    };
    store.set_source_state("scjjrb", &state).expect("set");
    for id in ["cqrb", "Ynrb", "c-q"] {
        store
            .set_source_state(id, &SourceState::default())
            .expect("set");
    }
    assert_eq!(store.source_state("scjjrb").expect("state"), state);
    let all = store.source_states().expect("states");
    let order: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(order, ["Ynrb", "c-q", "cqrb", "scjjrb"]);
    assert_eq!(all[3].1, state);
    // Set again: replaced, not added.
    store
        .set_source_state("scjjrb", &SourceState::default())
        .expect("set");
    assert_eq!(store.source_states().expect("states").len(), 4);
}

fn guid_trust_round_trips(f: &Fixture) {
    let store = f.store.as_ref();
    assert_eq!(store.guid_trust("cqrb").expect("get"), GuidTrust::Trusted);
    store
        .set_guid_trust("cqrb", GuidTrust::Unstable)
        .expect("set");
    assert_eq!(store.guid_trust("cqrb").expect("get"), GuidTrust::Unstable);
    assert_eq!(store.guid_trust("scjjrb").expect("get"), GuidTrust::Trusted);
    store
        .set_guid_trust("cqrb", GuidTrust::Trusted)
        .expect("set");
    assert_eq!(store.guid_trust("cqrb").expect("get"), GuidTrust::Trusted);
}

/// A damaged value in a PostgreSQL store (sled's are its unit tests) is an error naming what
/// was damaged, and the rest of the store still reads.
#[test]
fn postgres_damaged_values_are_reported_as_corrupt() {
    let Some(f) = crate::harness::postgres() else {
        return;
    };
    let store = f.store.as_ref();
    let good = item("good", at(SEED + DAY));
    store.put_new_story(&good, &[], None).expect("put");
    let url = &f.database.as_ref().expect("a database").url;
    crate::harness::execute(
        url,
        &format!(
            "INSERT INTO stories (id, published_s, published_ns, value)
                 VALUES ('bad', {SEED}, 0, '\\x7b6e6f74'::bytea);
             INSERT INTO sources (source, value) VALUES ('cqrb', '[]'::bytea);
             INSERT INTO tombstones (id, value) VALUES ('gone', 'x'::bytea);"
        ),
    )
    .expect("damage written");

    let error = store.get("bad").expect_err("a damaged story");
    assert!(error.to_string().contains("corrupt item bad"), "{error}");
    let error = store.latest(10).expect_err("a damaged story listed");
    assert!(error.to_string().contains("corrupt item bad"), "{error}");
    let error = store
        .prune(at(SEED + 10 * DAY), at(SEED + 20 * DAY))
        .expect_err("a damaged story pruned");
    assert!(error.to_string().contains("corrupt item bad"), "{error}");
    let error = store.source_state("cqrb").expect_err("a damaged state");
    assert!(
        error.to_string().contains("state of source cqrb"),
        "{error}"
    );
    assert!(store.source_states().is_err());
    let error = store.tombstone("gone").expect_err("a damaged tombstone");
    assert!(error.to_string().contains("tombstone gone"), "{error}");

    // Nothing else was lost: the good story is still there, and the failed prune kept it.
    assert_eq!(store.get("good").expect("get"), Some(good));
    assert_eq!(
        store.source_state("scjjrb").expect("state"),
        SourceState::default()
    );
}

/// PostgreSQL writes commit without waiting for the server's disk; the store's flush (which
/// ends every source's pass) must put everything written before it on disk: the server's log
/// is flushed at least as far as it reached when the write returned. (The server's own log
/// writer would flush it too, but only every 200 ms by default.)
#[test]
fn postgres_flush_puts_what_was_written_on_the_server_s_disk() {
    use crate::common::postgres::query_text;

    let Some(f) = crate::harness::postgres() else {
        return;
    };
    let store = f.store.as_ref();
    let url = &f.database.as_ref().expect("a database").url;
    let lsn = |sql: &str| query_text(url, sql).expect("query").expect("a row");
    for round in 0..5 {
        let mut story = item(&format!("s{round}"), at(SEED + DAY));
        story.content_html = format!("<p>{}</p>", "川渝合作。".repeat(400));
        store.put_new_story(&story, &[], None).expect("put");
        let written = lsn("SELECT pg_current_wal_insert_lsn()");
        store.flush().expect("flush");
        let on_disk = lsn(&format!(
            "SELECT pg_current_wal_flush_lsn() >= '{written}'::pg_lsn"
        ));
        assert_eq!(
            on_disk, "t",
            "round {round}: the log is flushed past {written}"
        );
    }
    // Nothing written since: a flush has nothing to wait for, and still succeeds.
    store.flush().expect("flush");
}
