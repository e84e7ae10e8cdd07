//! What is remembered per source in PostgreSQL: its state (`sources`) and whether its guids are
//! trusted (`guids`), JSON values as in sled.
//!
//! Must not: decide anything about a source; it keeps and hands back.

use super::Db;
use crate::dedup::GuidTrust;
use crate::model::SourceState;
use crate::store::StoreError;
use crate::store::error::decode;

/// The tables of one JSON value per source.
#[derive(Debug, Clone, Copy)]
pub(super) enum Table {
    Sources,
    Guids,
}

impl Table {
    pub(super) fn upsert(self) -> &'static str {
        match self {
            Table::Sources => {
                "INSERT INTO sources (source, value) VALUES ($1, $2)
                 ON CONFLICT (source) DO UPDATE SET value = EXCLUDED.value"
            }
            Table::Guids => {
                "INSERT INTO guids (source, value) VALUES ($1, $2)
                 ON CONFLICT (source) DO UPDATE SET value = EXCLUDED.value"
            }
        }
    }

    fn select(self) -> &'static str {
        match self {
            Table::Sources => "SELECT value FROM sources WHERE source = $1",
            Table::Guids => "SELECT value FROM guids WHERE source = $1",
        }
    }
}

pub(super) async fn put(
    db: Db,
    table: Table,
    source: String,
    value: Vec<u8>,
) -> Result<(), StoreError> {
    let client = db.client().await?;
    let statement = client.prepare_cached(table.upsert()).await?;
    client.execute(&statement, &[&source, &value]).await?;
    Ok(())
}

async fn get(db: &Db, table: Table, source: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let client = db.client().await?;
    let statement = client.prepare_cached(table.select()).await?;
    let row = client.query_opt(&statement, &[&source]).await?;
    Ok(row.map(|row| row.get(0)))
}

pub(super) async fn source_state(db: Db, source: String) -> Result<SourceState, StoreError> {
    let Some(bytes) = get(&db, Table::Sources, &source).await? else {
        return Ok(SourceState::default());
    };
    decode(&bytes, || format!("state of source {source}"))
}

/// Every remembered source state, ordered by source id (its bytes, as sled's keys).
pub(super) async fn source_states(db: Db) -> Result<Vec<(String, SourceState)>, StoreError> {
    let client = db.client().await?;
    let statement = client
        .prepare_cached("SELECT source, value FROM sources ORDER BY source")
        .await?;
    client
        .query(&statement, &[])
        .await?
        .into_iter()
        .map(|row| {
            let source: String = row.get(0);
            let bytes: Vec<u8> = row.get(1);
            let state = decode(&bytes, || format!("state of source {source}"))?;
            Ok((source, state))
        })
        .collect()
}

pub(super) async fn guid_trust(db: Db, source: String) -> Result<GuidTrust, StoreError> {
    let Some(bytes) = get(&db, Table::Guids, &source).await? else {
        return Ok(GuidTrust::default());
    };
    decode(&bytes, || format!("guid trust of source {source}"))
}
