//! The PostgreSQL store's schema: versioned SQL files (`migrations/NNNN_*.sql`) applied in
//! order at open, each recorded in `schema_migrations`.
//!
//! Everything runs in one transaction under an advisory lock, so two processes opening a
//! fresh database at once apply each migration once. A database of a newer schema than this
//! build knows is refused with [`StoreError::Schema`], naming both versions.
//!
//! Must not: change a migration once released; a change is a new file.

use super::Db;
use crate::store::StoreError;

/// Every migration, by version, oldest first.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("migrations/0001_init.sql")),
    (2, include_str!("migrations/0002_sketch_changes.sql")),
];

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: i32 = 2;

/// The advisory lock key taken while migrating ("beatwire" as ASCII).
const MIGRATION_LOCK: i64 = 0x6265_6174_7769_7265;

/// Brings the database up to [`SCHEMA_VERSION`].
pub(super) async fn migrate(db: Db) -> Result<(), StoreError> {
    let mut client = db.client().await?;
    let tx = client.transaction().await?;
    tx.batch_execute(&format!(
        "SELECT pg_advisory_xact_lock({MIGRATION_LOCK});
         CREATE TABLE IF NOT EXISTS schema_migrations (
             version integer PRIMARY KEY,
             applied timestamptz NOT NULL DEFAULT now()
         );"
    ))
    .await?;
    let found: Option<i32> = tx
        .query_one("SELECT max(version) FROM schema_migrations", &[])
        .await?
        .get(0);
    let found = found.unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(StoreError::Schema {
            store: db.url.to_string(),
            found: found.unsigned_abs(),
            expected: SCHEMA_VERSION.unsigned_abs(),
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[version],
        )
        .await?;
        tracing::info!(store = %db.url, version, "store migrated");
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_up_to_the_schema_version() {
        let versions: Vec<i32> = MIGRATIONS.iter().map(|(v, _)| *v).collect();
        let expected: Vec<i32> = (1..=SCHEMA_VERSION).collect();
        assert_eq!(versions, expected);
    }
}
