//! Host leases and the write lock of a shared PostgreSQL store (sled has none).

use std::time::Duration;

use chrono::{TimeDelta, Utc};

use beatwire::store;

use crate::harness::{self, Fixture};

const LEASE: Duration = Duration::from_secs(60);

fn hosts(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("host{i:03}.example.cn")).collect()
}

#[test]
fn sled_shares_nothing() {
    assert!(harness::sled().store.sharing().is_none());
}

#[test]
fn two_claimers_get_disjoint_hosts() {
    let Some(f) = harness::postgres() else {
        return;
    };
    let other = store::open(&f.location).expect("a second process's store");
    let all = hosts(10);
    let now = Utc::now();
    let one = f.store.sharing().expect("shares");
    let two = other.sharing().expect("shares");
    let first = one
        .claim_hosts("w1", &all, 6, false, LEASE, now)
        .expect("claim");
    let second = two
        .claim_hosts("w2", &all, 6, false, LEASE, now)
        .expect("claim");
    assert_eq!(first.len(), 6);
    assert_eq!(second.len(), 4, "only what w1 left");
    assert!(
        first.iter().all(|h| !second.contains(h)),
        "{first:?} {second:?}"
    );
    // Registering again is idempotent; everything is leased.
    assert!(
        one.claim_hosts("w3", &all, 10, true, LEASE, now)
            .expect("claim")
            .is_empty()
    );
    // Given back, a host is free again (due at once: no next_due).
    one.release_host("w1", &first[0], None).expect("release");
    // Not held by w2: nothing happens.
    two.release_host("w2", &first[1], None).expect("release");
    assert_eq!(
        two.claim_hosts("w2", &all, 10, false, LEASE, now)
            .expect("claim"),
        vec![first[0].clone()]
    );
}

#[test]
fn claims_at_once_from_threads_never_overlap() {
    let Some(f) = harness::postgres() else {
        return;
    };
    let all = hosts(200);
    let claimers: Vec<_> = (0..4)
        .map(|w| {
            let store = store::open(&f.location).expect("open");
            let all = all.clone();
            std::thread::spawn(move || {
                let sharing = store.sharing().expect("shares");
                sharing
                    .claim_hosts(&format!("w{w}"), &all, 60, false, LEASE, Utc::now())
                    .expect("claim")
            })
        })
        .collect();
    let mut claimed: Vec<String> = claimers
        .into_iter()
        .flat_map(|c| c.join().expect("no panic"))
        .collect();
    let total = claimed.len();
    claimed.sort();
    claimed.dedup();
    assert_eq!(claimed.len(), total, "a host leased twice");
    assert_eq!(total, 200);
}

#[test]
fn an_expired_lease_is_claimed_again_and_renewal_keeps_one() {
    let Some(f) = harness::postgres() else {
        return;
    };
    let sharing = f.store.sharing().expect("shares");
    let all = hosts(3);
    let now = Utc::now();
    let short = Duration::from_millis(300);
    assert_eq!(
        sharing
            .claim_hosts("w1", &all[..2], 10, false, short, now)
            .expect("claim")
            .len(),
        2
    );
    sharing
        .claim_hosts("w2", &all[2..], 10, false, short, now)
        .expect("claim");
    sharing.renew_leases("w2", LEASE).expect("renew");
    std::thread::sleep(Duration::from_millis(600));
    let again = sharing
        .claim_hosts("w3", &all, 10, false, LEASE, Utc::now())
        .expect("claim");
    assert_eq!(again, all[..2].to_vec(), "w1's expired, w2's renewed");
}

#[test]
fn a_host_released_until_later_waits_unless_forced() {
    let Some(f) = harness::postgres() else {
        return;
    };
    let sharing = f.store.sharing().expect("shares");
    let all = hosts(2);
    let now = Utc::now();
    let claimed = sharing
        .claim_hosts("w1", &all, 10, false, LEASE, now)
        .expect("claim");
    assert_eq!(claimed, all);
    let later = now + TimeDelta::minutes(15);
    sharing
        .release_host("w1", &all[0], Some(later))
        .expect("release");
    sharing.release_host("w1", &all[1], None).expect("release");
    assert_eq!(
        sharing
            .claim_hosts("w2", &all, 10, false, LEASE, now)
            .expect("claim"),
        vec![all[1].clone()]
    );
    assert_eq!(
        sharing
            .claim_hosts("w3", &all, 10, true, LEASE, now)
            .expect("forced"),
        vec![all[0].clone()]
    );
    // Due by the caller's clock once `next_due` has passed.
    sharing
        .release_host("w3", &all[0], Some(later))
        .expect("release");
    assert_eq!(
        sharing
            .claim_hosts("w4", &all, 10, false, LEASE, later)
            .expect("claim"),
        vec![all[0].clone()]
    );
}

#[test]
fn a_hundred_thousand_hosts_register_in_one_claim() {
    let Some(f) = harness::postgres() else {
        return;
    };
    let sharing = f.store.sharing().expect("shares");
    let all = hosts(100_000);
    let started = std::time::Instant::now();
    let claimed = sharing
        .claim_hosts("w1", &all, 50, false, LEASE, Utc::now())
        .expect("claim");
    assert_eq!(claimed.len(), 50);
    let again = sharing
        .claim_hosts("w2", &all, 100_000, false, LEASE, Utc::now())
        .expect("claim");
    assert_eq!(again.len(), 100_000 - 50);
    println!(
        "100,000 hosts registered and claimed in {:?}",
        started.elapsed()
    );
}

#[test]
fn two_write_locks_exclude_each_other_and_generations_increase() {
    let Some(f) = harness::postgres() else {
        return;
    };
    let Fixture {
        store: one,
        location,
        database: _database,
        ..
    } = f;
    let two = store::open(&location).expect("a second process's store");
    let first = one.sharing().expect("shares").lock_writes().expect("lock");
    let (taken, waiting) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let guard = two.sharing().expect("shares").lock_writes().expect("lock");
        taken.send(guard.generation()).expect("send");
        drop(guard);
        two
    });
    assert!(
        waiting.recv_timeout(Duration::from_millis(500)).is_err(),
        "the second writer waits while the first holds the lock"
    );
    let held_at = first.generation();
    drop(first);
    let second = waiting
        .recv_timeout(Duration::from_secs(10))
        .expect("the second writer gets the lock once the first lets go");
    assert_eq!(second, held_at + 1);
    drop(waiter.join().expect("no panic"));
    let third = one.sharing().expect("shares").lock_writes().expect("lock");
    assert_eq!(third.generation(), held_at + 2);
    drop(third);
}

#[test]
fn sketch_changes_since_a_mark_are_the_writes_moves_and_removals_after_it() {
    use beatwire::dedup::Sketch;
    use beatwire::store::SketchWrite;

    use crate::stories::{TEXT, at, item};

    let Some(f) = harness::postgres() else {
        return;
    };
    let store = f.store.as_ref();
    let sharing = store.sharing().expect("shares");
    let sketch = |title: &str| Sketch::of(title, TEXT).expect("long enough for a sketch");
    let ids = |entries: &[beatwire::store::SketchEntry]| -> Vec<String> {
        entries.iter().map(|e| e.id.clone()).collect()
    };
    for id in ["kept", "moved", "cleared", "removed"] {
        store
            .put_new_story(&item(id, at(1_000)), &[], Some(&sketch(id)))
            .expect("put");
    }
    let start = sharing.sketch_changes(None).expect("a mark");
    assert!(start.written.is_empty() && start.removed.is_empty());
    assert!(start.mark > 0);
    assert!(
        sharing
            .sketch_changes(Some(start.mark))
            .expect("none")
            .written
            .is_empty(),
        "nothing changed since the mark"
    );

    store
        .put_story(&item("moved", at(90_000)), &[], SketchWrite::Keep)
        .expect("moved");
    store
        .put_story(&item("cleared", at(1_000)), &[], SketchWrite::Clear)
        .expect("cleared");
    store.remove("removed", at(2_000)).expect("removed");
    store
        .put_new_story(&item("new", at(1_000)), &[], Some(&sketch("new")))
        .expect("new");

    let changes = sharing.sketch_changes(Some(start.mark)).expect("changes");
    assert_eq!(ids(&changes.written), ["moved", "new"]);
    assert_eq!(
        changes.written[0].published,
        at(90_000),
        "the moved sketch's new date"
    );
    assert_eq!(changes.removed, ["cleared", "removed"]);
    assert!(changes.mark > start.mark);
    // From the newest mark, nothing; and pruning removes sketches as removals too.
    assert!(
        sharing
            .sketch_changes(Some(changes.mark))
            .expect("none")
            .removed
            .is_empty()
    );
    store.prune(at(50_000), at(3_000)).expect("prune");
    let pruned = sharing.sketch_changes(Some(changes.mark)).expect("pruned");
    assert_eq!(pruned.removed, ["kept", "new"]);
}
