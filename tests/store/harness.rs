//! The two stores every case runs on: sled in a temp dir, and PostgreSQL in a database of the
//! test's own, created on the server of `$BEATWIRE_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`) and dropped when the test ends.
//!
//! Where no PostgreSQL answers, a PostgreSQL case says in one line that it was skipped and
//! why, and passes; with `BEATWIRE_REQUIRE_POSTGRES=1` it fails instead.

use beatwire::store::{self, Location, SharedStore};

pub use crate::common::postgres::{TestDatabase, execute};

/// One store of a case, and what keeps it alive.
pub struct Fixture {
    // Dropped first: the store before its folder or database.
    pub store: SharedStore,
    pub location: Location,
    pub dir: tempfile::TempDir,
    pub database: Option<TestDatabase>,
}

/// A fresh sled store.
pub fn sled() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let location = Location::Sled(dir.path().join("beatwire.sled"));
    Fixture {
        store: store::open(&location).expect("open sled"),
        location,
        dir,
        database: None,
    }
}

/// A fresh PostgreSQL store; `None` when skipped (see the module doc).
pub fn postgres() -> Option<Fixture> {
    let database = TestDatabase::create()?;
    let location = Location::Postgres(database.url.clone());
    Some(Fixture {
        store: store::open(&location).expect("open postgres"),
        location,
        dir: tempfile::tempdir().expect("tempdir"),
        database: Some(database),
    })
}

/// `#[test]`s `sled` and `postgres` running the case `fn name(&Fixture)` on each store.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sled() {
                super::$name(&$crate::harness::sled());
            }
            #[test]
            fn postgres() {
                if let Some(fixture) = $crate::harness::postgres() {
                    super::$name(&fixture);
                }
            }
        }
    )*};
}
