//! A PostgreSQL store as records, for `beatwire store copy`: every row handed out a page at a
//! time (keyset pages, so the store is never in memory whole), a batch of records written in
//! one transaction exactly as given, and each kind counted.
//!
//! Must not: apply identity rules or change a record on the way: a copy is whole and exact.

use super::state::Table;
use super::stories::{UPSERT_SKETCH, UPSERT_STORY};
use super::{Db, PgStore};
use crate::dedup::Sketch;
use crate::model::ItemKey;
use crate::store::error::{corrupt, decode, encode};
use crate::store::{Counts, Record, StoreError, codec};

/// Rows read per query.
const PAGE: i64 = 1_000;

/// One page of rows: the text or bytes each was ordered by, and its columns.
type Rows = Vec<tokio_postgres::Row>;

/// The rows of `query` (ordered by its first column, `$1` the last one seen) after `after`.
async fn page_by_text(db: Db, query: &'static str, after: String) -> Result<Rows, StoreError> {
    let client = db.client().await?;
    let statement = client.prepare_cached(query).await?;
    Ok(client.query(&statement, &[&after, &PAGE]).await?)
}

async fn page_by_bytes(db: Db, query: &'static str, after: Vec<u8>) -> Result<Rows, StoreError> {
    let client = db.client().await?;
    let statement = client.prepare_cached(query).await?;
    Ok(client.query(&statement, &[&after, &PAGE]).await?)
}

impl PgStore {
    /// Hands every row of `query` to `each`, a page at a time, in the order of its first (text)
    /// column.
    fn each_by_text(
        &self,
        query: &'static str,
        each: &mut dyn FnMut(&tokio_postgres::Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut after = String::new();
        loop {
            let from = after.clone();
            let rows = self.run(move |db| page_by_text(db, query, from))?;
            for row in &rows {
                each(row)?;
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == PAGE => after = last.get(0),
                _ => return Ok(()),
            }
        }
    }

    pub(super) fn export_records(
        &self,
        sink: &mut dyn FnMut(Record) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.each_by_text(
            "SELECT s.id, s.value, k.sketch FROM stories s LEFT JOIN sketches k ON k.id = s.id
             WHERE s.id > $1 ORDER BY s.id LIMIT $2",
            &mut |row| {
                let id: String = row.get(0);
                let value: Vec<u8> = row.get(1);
                let sketch: Option<Vec<u8>> = row.get(2);
                let item = codec::item_from(&value, id.as_bytes())?;
                let sketch = match sketch {
                    Some(bytes) => {
                        Some(Box::new(Sketch::from_bytes(&bytes).ok_or_else(|| {
                            corrupt(format!("sketch of item {id}"), "wrong length")
                        })?))
                    }
                    None => None,
                };
                sink(Record::Story { item, sketch })
            },
        )?;
        let mut after: Vec<u8> = Vec::new();
        loop {
            let from = after.clone();
            let rows = self.run(move |db| {
                page_by_bytes(
                    db,
                    "SELECT key, id FROM story_keys WHERE key > $1 ORDER BY key LIMIT $2",
                    from,
                )
            })?;
            for row in &rows {
                let key: Vec<u8> = row.get(0);
                let id: String = row.get(1);
                let parsed = ItemKey::from_bytes(&key).ok_or_else(|| {
                    corrupt(
                        format!("key {}", String::from_utf8_lossy(&key)),
                        "unknown kind",
                    )
                })?;
                sink(Record::Key { key: parsed, id })?;
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == PAGE => after = last.get(0),
                _ => break,
            }
        }
        self.each_by_text(
            "SELECT id, value FROM tombstones WHERE id > $1 ORDER BY id LIMIT $2",
            &mut |row| {
                let id: String = row.get(0);
                let value: Vec<u8> = row.get(1);
                let tombstone = decode(&value, || format!("tombstone {id}"))?;
                sink(Record::Tombstone { id, tombstone })
            },
        )?;
        self.each_by_text(
            "SELECT source, value FROM sources WHERE source > $1 ORDER BY source LIMIT $2",
            &mut |row| {
                let id: String = row.get(0);
                let value: Vec<u8> = row.get(1);
                let state = decode(&value, || format!("state of source {id}"))?;
                sink(Record::Source { id, state })
            },
        )?;
        self.each_by_text(
            "SELECT source, value FROM guids WHERE source > $1 ORDER BY source LIMIT $2",
            &mut |row| {
                let source: String = row.get(0);
                let value: Vec<u8> = row.get(1);
                let trust = decode(&value, || format!("guid trust of source {source}"))?;
                sink(Record::GuidTrust { source, trust })
            },
        )
    }

    pub(super) fn import_records(&self, records: &[Record]) -> Result<(), StoreError> {
        let rows = records.iter().map(Row::of).collect::<Result<Vec<_>, _>>()?;
        self.run(move |db| write_rows(db, rows))
    }

    pub(super) fn count_records(&self) -> Result<Counts, StoreError> {
        self.run(|db| async move {
            let client = db.client().await?;
            let row = client
                .query_one(
                    "SELECT (SELECT count(*) FROM stories),
                            (SELECT count(*) FROM sketches k JOIN stories s ON s.id = k.id),
                            (SELECT count(*) FROM story_keys),
                            (SELECT count(*) FROM tombstones),
                            (SELECT count(*) FROM sources),
                            (SELECT count(*) FROM guids)",
                    &[],
                )
                .await?;
            let count = |i: usize| u64::try_from(row.get::<_, i64>(i)).unwrap_or_default();
            Ok(Counts {
                stories: count(0),
                sketches: count(1),
                keys: count(2),
                tombstones: count(3),
                sources: count(4),
                guid_trust: count(5),
            })
        })
    }
}

/// A record encoded on the caller's thread, ready for its table.
#[derive(Debug)]
enum Row {
    Story {
        id: String,
        published_s: i64,
        published_ns: i64,
        value: Vec<u8>,
        sketch: Option<Vec<u8>>,
    },
    Key(Vec<u8>, String),
    Tombstone(String, Vec<u8>),
    Source(String, Vec<u8>),
    Guids(String, Vec<u8>),
}

impl Row {
    fn of(record: &Record) -> Result<Row, StoreError> {
        Ok(match record {
            Record::Story { item, sketch } => Row::Story {
                id: item.id.clone(),
                published_s: item.published.timestamp(),
                published_ns: i64::from(item.published.timestamp_subsec_nanos()),
                value: codec::item_value(item)?,
                sketch: sketch.as_ref().map(|s| s.to_bytes()),
            },
            Record::Key { key, id } => Row::Key(key.to_bytes(), id.clone()),
            Record::Tombstone { id, tombstone } => {
                Row::Tombstone(id.clone(), encode(tombstone, || format!("tombstone {id}"))?)
            }
            Record::Source { id, state } => Row::Source(
                id.clone(),
                encode(state, || format!("state of source {id}"))?,
            ),
            Record::GuidTrust { source, trust } => Row::Guids(
                source.clone(),
                encode(trust, || format!("guid trust of source {source}"))?,
            ),
        })
    }
}

/// Writes `rows` in one transaction, each replacing what was stored under its id or key.
async fn write_rows(db: Db, rows: Vec<Row>) -> Result<(), StoreError> {
    let mut client = db.client().await?;
    let tx = client.transaction().await?;
    for row in &rows {
        match row {
            Row::Story {
                id,
                published_s,
                published_ns,
                value,
                sketch,
            } => {
                tx.execute(UPSERT_STORY, &[id, published_s, published_ns, value])
                    .await?;
                match sketch {
                    Some(sketch) => {
                        tx.execute(UPSERT_SKETCH, &[id, published_s, sketch])
                            .await?;
                    }
                    None => {
                        tx.execute("DELETE FROM sketches WHERE id = $1", &[id])
                            .await?;
                    }
                }
            }
            Row::Key(key, id) => {
                tx.execute(
                    "INSERT INTO story_keys (key, id) VALUES ($1, $2)
                     ON CONFLICT (key) DO UPDATE SET id = EXCLUDED.id",
                    &[key, id],
                )
                .await?;
            }
            Row::Tombstone(id, value) => {
                tx.execute(
                    "INSERT INTO tombstones (id, value) VALUES ($1, $2)
                     ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value",
                    &[id, value],
                )
                .await?;
            }
            Row::Source(source, value) => {
                tx.execute(Table::Sources.upsert(), &[source, value])
                    .await?;
            }
            Row::Guids(source, value) => {
                tx.execute(Table::Guids.upsert(), &[source, value]).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}
