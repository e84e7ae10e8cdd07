//! Opening a store: data kept across a reopen, the schema version (a newer one refused, naming
//! both versions), concurrent first opens, unreachable servers, and a PostgreSQL store used and
//! dropped inside a runtime.

use beatwire::store::{self, Location, POSTGRES_SCHEMA_VERSION, SCHEMA_VERSION, StoreError};

use crate::harness::{self, Fixture, TestDatabase, execute};
use crate::stories::{SEED, at, ids, item};

fn reopen_keeps_data(fixture: Fixture) {
    let Fixture {
        store,
        location,
        dir: _dir,
        database: _database,
    } = fixture;
    let key = beatwire::model::ItemKey::Link("https://example.com/jjxz/s1.html".to_owned());
    store
        .put_new_story(&item("s1", at(SEED)), std::slice::from_ref(&key), None)
        .expect("put");
    store.flush().expect("flush");
    drop(store);
    let store = store::open(&location).expect("reopen");
    assert_eq!(store.find(&key).expect("find").as_deref(), Some("s1"));
    assert_eq!(ids(&store.latest(5).expect("latest")), ["s1"]);
}

#[test]
fn sled_reopen_keeps_data() {
    reopen_keeps_data(harness::sled());
}

#[test]
fn postgres_reopen_keeps_data() {
    if let Some(fixture) = harness::postgres() {
        reopen_keeps_data(fixture);
    }
}

fn assert_newer_refused(error: StoreError, found: u32, expected: u32) {
    assert!(
        matches!(error, StoreError::Schema { found: f, expected: e, .. } if f == found && e == expected),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!("schema version {found}")),
        "{message}"
    );
    assert!(
        message.contains(&format!("expects {expected}")),
        "{message}"
    );
    assert!(message.contains("upgrade beatwire"), "{message}");
}

#[test]
fn sled_of_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("beatwire.sled");
    {
        let db = sled::open(&path).expect("sled open");
        let meta = db.open_tree("meta").expect("meta");
        meta.insert("schema_version", b"7".as_slice())
            .expect("insert");
        db.flush().expect("flush");
    }
    let error = store::open(&Location::Sled(path)).expect_err("schema 7 is not ours");
    assert_newer_refused(error, 7, SCHEMA_VERSION);
}

#[test]
fn postgres_of_a_newer_schema_is_refused() {
    let Some(database) = TestDatabase::create() else {
        return;
    };
    let location = Location::Postgres(database.url.clone());
    drop(store::open(&location).expect("a fresh database is migrated"));
    // Opening again applies nothing twice.
    drop(store::open(&location).expect("reopen"));
    execute(
        &database.url,
        &format!(
            "DO $$ BEGIN
                 IF (SELECT count(*) FROM schema_migrations) <> {POSTGRES_SCHEMA_VERSION} THEN
                     RAISE EXCEPTION 'migrations recorded twice';
                 END IF;
             END $$;
             INSERT INTO schema_migrations (version) VALUES (99);"
        ),
    )
    .expect("a newer version recorded");
    let error = store::open(&location).expect_err("schema 99 is not ours");
    assert_newer_refused(error, 99, POSTGRES_SCHEMA_VERSION.unsigned_abs());
}

#[test]
fn postgres_opened_by_several_at_once_is_migrated_once() {
    let Some(database) = TestDatabase::create() else {
        return;
    };
    let location = Location::Postgres(database.url.clone());
    let openers: Vec<_> = (0..4)
        .map(|_| {
            let location = location.clone();
            std::thread::spawn(move || store::open(&location).map(drop))
        })
        .collect();
    for opener in openers {
        opener.join().expect("no panic").expect("opened");
    }
    execute(
        &database.url,
        &format!(
            "DO $$ BEGIN
                 IF (SELECT count(*) FROM schema_migrations) <> {POSTGRES_SCHEMA_VERSION} THEN
                     RAISE EXCEPTION 'migrated more than once';
                 END IF;
             END $$;"
        ),
    )
    .expect("each migration recorded once");
}

#[test]
fn postgres_of_the_first_schema_is_migrated_and_keeps_its_stories() {
    let Some(database) = TestDatabase::create() else {
        return;
    };
    // A store as the first schema left it: one story with a sketch.
    let first = include_str!("../../src/store/postgres/migrations/0001_init.sql");
    execute(
        &database.url,
        &format!(
            "CREATE TABLE schema_migrations (
                 version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now());
             {first}
             INSERT INTO schema_migrations (version) VALUES (1);"
        ),
    )
    .expect("schema 1");
    let location = Location::Postgres(database.url.clone());
    let store = store::open(&location).expect("schema 1 is migrated on open");
    let sharing = store.sharing().expect("shares");
    let mark = sharing
        .sketch_changes(None)
        .expect("changes are numbered")
        .mark;
    let story = crate::stories::item("s1", crate::stories::at(1_000));
    let sketch = beatwire::dedup::Sketch::of("标题", crate::stories::TEXT).expect("a sketch");
    store
        .put_new_story(&story, &[], Some(&sketch))
        .expect("a story written after the migration");
    let changes = sharing.sketch_changes(Some(mark)).expect("changes");
    assert_eq!(changes.written.len(), 1);
    assert_eq!(store.get("s1").expect("get"), Some(story));
}

#[test]
fn an_unreachable_server_is_named_without_its_password() {
    // Nothing listens on port 1.
    let location = Location::Postgres("postgres://beat:s3cret@127.0.0.1:1/beat".to_owned());
    let error = store::open(&location).expect_err("nothing listens there");
    assert!(matches!(error, StoreError::Connect { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("127.0.0.1:1"), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
    assert!(!format!("{error:?}").contains("s3cret"));
    assert!(!format!("{location:?} {location}").contains("s3cret"));
}

#[test]
fn a_missing_database_is_named_without_its_password() {
    // A server that answers, asked for a database that is not there.
    let Some(database) = TestDatabase::create() else {
        return;
    };
    let mut url = url::Url::parse(&database.url_with_password("s3cret")).expect("a URL");
    let missing = format!("{}_missing", url.path().trim_start_matches('/'));
    url.set_path(&missing);
    let error = store::open(&Location::Postgres(url.to_string())).expect_err("no such database");
    assert!(matches!(error, StoreError::Refused { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with("cannot open the store at postgres://"),
        "{message}"
    );
    assert!(message.contains(&format!("/{missing}:")), "{message}");
    assert!(message.contains("does not exist"), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
}

// The trait is synchronous and called from async tasks and blocking threads of the app's
// runtime; opening, using and dropping the store there must neither panic nor hang.
#[tokio::test]
async fn postgres_is_used_and_dropped_inside_a_current_thread_runtime() {
    let Some(fixture) = harness::postgres() else {
        return;
    };
    fixture
        .store
        .put_new_story(&item("a", at(SEED)), &[], None)
        .expect("put");
    let reopened = store::open(&fixture.location).expect("open inside a runtime");
    assert_eq!(ids(&reopened.latest(5).expect("latest")), ["a"]);
    drop(reopened);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_is_used_from_tasks_and_blocking_threads() {
    let Some(fixture) = harness::postgres() else {
        return;
    };
    let Fixture {
        store: shared,
        database: _database,
        ..
    } = fixture;
    let mut tasks = Vec::new();
    for n in 0..8 {
        let store = shared.clone();
        let id = format!("s{n}");
        if n % 2 == 0 {
            tasks.push(tokio::spawn(async move {
                store.put_new_story(&item(&id, at(SEED + n)), &[], None)
            }));
        } else {
            tasks.push(tokio::task::spawn_blocking(move || {
                store.put_new_story(&item(&id, at(SEED + n)), &[], None)
            }));
        }
    }
    for task in tasks {
        task.await.expect("joined").expect("put");
    }
    assert_eq!(
        ids(&shared.latest(10).expect("latest")),
        ["s7", "s6", "s5", "s4", "s3", "s2", "s1", "s0"]
    );
    // The last handle dropped on a worker of this runtime.
    tokio::spawn(async move { drop(shared) })
        .await
        .expect("dropped");
}
