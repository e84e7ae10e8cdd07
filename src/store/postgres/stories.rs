//! Stories in PostgreSQL: writing one (one statement: the story, its keys, its sketch),
//! reading them back in sled's order, the near-duplicate window, removing and pruning.
//!
//! Must not: encode a story differently from sled (`codec.rs` does it for both), or order
//! them differently: newest first, ties by id in byte order (`COLLATE "C"`).

use chrono::{DateTime, TimeZone, Utc};

use super::Db;
use crate::dedup::Sketch;
use crate::model::{Item, ItemKey};
use crate::store::error::{decode, encode};
use crate::store::sharing::REMOVALS_KEPT;
use crate::store::{Pruned, SketchChanges, SketchEntry, SketchWrite, StoreError, Tombstone, codec};

/// The SQL of a story's row, replacing what was stored under its id: id, seconds,
/// nanoseconds, bytes. A macro so that the one-statement write below is built from the same
/// text at compile time.
macro_rules! upsert_story {
    () => {
        "INSERT INTO stories (id, published_s, published_ns, value)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET published_s = EXCLUDED.published_s,
         published_ns = EXCLUDED.published_ns, value = EXCLUDED.value"
    };
}

/// The SQL of a story's sketch, replacing its old one: id, seconds, sketch bytes.
macro_rules! upsert_sketch {
    () => {
        "INSERT INTO sketches (id, published_s, sketch)
     VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET published_s = EXCLUDED.published_s, sketch = EXCLUDED.sketch"
    };
}

/// The story and its keys (`$5`, a `bytea[]`), then, in the statements that follow, its sketch:
/// one statement, so one round trip, atomic on its own. Every data-modifying part of a `WITH`
/// runs to completion whether or not the final `SELECT` reads it.
macro_rules! story_and_keys {
    () => {
        concat!(
            "WITH story AS (",
            upsert_story!(),
            " RETURNING 1),
     keys AS (INSERT INTO story_keys (key, id) SELECT k, $1 FROM unnest($5::bytea[]) AS k
         ON CONFLICT (key) DO UPDATE SET id = EXCLUDED.id RETURNING 1),"
        )
    };
}

/// A story's row: see [`upsert_story`].
pub(super) const UPSERT_STORY: &str = upsert_story!();

/// A story's sketch: see [`upsert_sketch`].
pub(super) const UPSERT_SKETCH: &str = upsert_sketch!();

/// A story, its keys and a new sketch (`$6`).
const PUT_SETTING_SKETCH: &str = concat!(
    story_and_keys!(),
    " sketch AS (INSERT INTO sketches (id, published_s, sketch) VALUES ($1, $2, $6)
         ON CONFLICT (id) DO UPDATE SET published_s = EXCLUDED.published_s,
             sketch = EXCLUDED.sketch RETURNING 1)
     SELECT 1"
);

/// A story and its keys, its sketch (if any) moved to the story's date.
const PUT_KEEPING_SKETCH: &str = concat!(
    story_and_keys!(),
    " sketch AS (UPDATE sketches SET published_s = $2 WHERE id = $1 RETURNING 1)
     SELECT 1"
);

/// A story and its keys, without a sketch.
const PUT_CLEARING_SKETCH: &str = concat!(
    story_and_keys!(),
    " sketch AS (DELETE FROM sketches WHERE id = $1 RETURNING 1)
     SELECT 1"
);

/// What a write does to the story's sketch, owned so it can go to the store's runtime.
#[derive(Debug)]
enum SketchOp {
    Keep,
    Set(Vec<u8>),
    Clear,
}

/// One story write, encoded on the caller's thread.
#[derive(Debug)]
pub(super) struct StoryWrite {
    id: String,
    published_s: i64,
    published_ns: i64,
    value: Vec<u8>,
    /// Sorted and without repeats: one upsert cannot touch a row twice, and every writer
    /// locks keys in the same order.
    keys: Vec<Vec<u8>>,
    sketch: SketchOp,
}

impl StoryWrite {
    pub(super) fn new(
        item: &Item,
        keys: &[ItemKey],
        sketch: SketchWrite<'_>,
    ) -> Result<StoryWrite, StoreError> {
        let mut keys: Vec<Vec<u8>> = keys.iter().map(ItemKey::to_bytes).collect();
        keys.sort_unstable();
        keys.dedup();
        Ok(StoryWrite {
            id: item.id.clone(),
            published_s: item.published.timestamp(),
            published_ns: i64::from(item.published.timestamp_subsec_nanos()),
            value: codec::item_value(item)?,
            keys,
            sketch: match sketch {
                SketchWrite::Keep => SketchOp::Keep,
                SketchWrite::Set(sketch) => SketchOp::Set(sketch.to_bytes()),
                SketchWrite::Clear => SketchOp::Clear,
            },
        })
    }
}

/// Writes a story, its keys and its sketch in one statement (one round trip).
pub(super) async fn put(db: Db, write: StoryWrite) -> Result<(), StoreError> {
    let client = db.client().await?;
    let (id, keys) = (&write.id, &write.keys);
    let (seconds, nanos, value) = (&write.published_s, &write.published_ns, &write.value);
    match &write.sketch {
        SketchOp::Set(sketch) => {
            let statement = client.prepare_cached(PUT_SETTING_SKETCH).await?;
            client
                .execute(&statement, &[id, seconds, nanos, value, keys, sketch])
                .await?
        }
        SketchOp::Keep => {
            let statement = client.prepare_cached(PUT_KEEPING_SKETCH).await?;
            client
                .execute(&statement, &[id, seconds, nanos, value, keys])
                .await?
        }
        SketchOp::Clear => {
            let statement = client.prepare_cached(PUT_CLEARING_SKETCH).await?;
            client
                .execute(&statement, &[id, seconds, nanos, value, keys])
                .await?
        }
    };
    Ok(())
}

/// The id under each of `keys`, in their order: one query.
pub(super) async fn find_each(
    db: Db,
    keys: Vec<Vec<u8>>,
) -> Result<Vec<Option<String>>, StoreError> {
    let client = db.client().await?;
    let statement = client
        .prepare_cached(
            // A lookup by primary key for each key: a join here may be planned as a scan
            // of every key stored, while the table is young and its statistics say it is small.
            "SELECT (SELECT s.id FROM story_keys s WHERE s.key = k.key)
             FROM unnest($1::bytea[]) WITH ORDINALITY AS k (key, place)
             ORDER BY k.place",
        )
        .await?;
    let rows = client.query(&statement, &[&keys]).await?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
}

pub(super) async fn find(db: Db, key: Vec<u8>) -> Result<Option<String>, StoreError> {
    let client = db.client().await?;
    let statement = client
        .prepare_cached("SELECT id FROM story_keys WHERE key = $1")
        .await?;
    let row = client.query_opt(&statement, &[&key]).await?;
    Ok(row.map(|row| row.get(0)))
}

pub(super) async fn get(db: Db, id: String) -> Result<Option<Item>, StoreError> {
    let client = db.client().await?;
    let statement = client
        .prepare_cached("SELECT value FROM stories WHERE id = $1")
        .await?;
    let Some(row) = client.query_opt(&statement, &[&id]).await? else {
        return Ok(None);
    };
    let bytes: Vec<u8> = row.get(0);
    codec::item_from(&bytes, id.as_bytes()).map(Some)
}

/// The `limit` newest stories, ordered by (published desc, id asc), as sled's time index.
pub(super) async fn latest(db: Db, limit: usize) -> Result<Vec<Item>, StoreError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let client = db.client().await?;
    let statement = client
        .prepare_cached(
            "SELECT id, value FROM stories
             ORDER BY published_s DESC, published_ns DESC, id LIMIT $1",
        )
        .await?;
    client
        .query(&statement, &[&limit])
        .await?
        .into_iter()
        .map(|row| {
            let id: String = row.get(0);
            let bytes: Vec<u8> = row.get(1);
            codec::item_from(&bytes, id.as_bytes())
        })
        .collect()
}

/// Every sketch of a story dated in `[from, to]` (to the second), oldest first.
pub(super) async fn sketches_between(
    db: Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SketchEntry>, StoreError> {
    let client = db.client().await?;
    let statement = client
        .prepare_cached(
            "SELECT published_s, id, sketch FROM sketches
             WHERE published_s >= $1 AND published_s <= $2 ORDER BY published_s, id",
        )
        .await?;
    let rows = client
        .query(&statement, &[&from.timestamp(), &to.timestamp()])
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| sketch_entry(row.get(0), row.get(1), row.get(2)))
        .collect())
}

/// A sketch's row as an entry; `None` (said in the log) when its bytes are damaged.
fn sketch_entry(seconds: i64, id: String, bytes: &[u8]) -> Option<SketchEntry> {
    let Some(sketch) = Sketch::from_bytes(bytes) else {
        tracing::warn!(item = %id, "damaged near-duplicate sketch skipped");
        return None;
    };
    let published = Utc.timestamp_opt(seconds, 0).single().unwrap_or_default();
    Some(SketchEntry {
        published,
        id,
        sketch,
    })
}

/// See [`Sharing::sketch_changes`](crate::store::Sharing::sketch_changes).
pub(super) async fn sketch_changes(
    db: Db,
    since: Option<i64>,
) -> Result<SketchChanges, StoreError> {
    let client = db.client().await?;
    let Some(since) = since else {
        let newest = client
            .prepare_cached(
                "SELECT greatest((SELECT max(changed) FROM sketches),
                                 (SELECT max(changed) FROM sketch_removals))",
            )
            .await?;
        let newest: Option<i64> = client.query_one(&newest, &[]).await?.get(0);
        return Ok(SketchChanges {
            mark: newest.unwrap_or(0),
            ..SketchChanges::default()
        });
    };
    // Writes and removals in one query (one round trip), in the order they were made.
    let statement = client
        .prepare_cached(
            "SELECT changed, id, published_s, sketch FROM sketches WHERE changed > $1
             UNION ALL
             SELECT changed, id, NULL::bigint, NULL::bytea FROM sketch_removals WHERE changed > $1
             ORDER BY 1",
        )
        .await?;
    let mut changes = SketchChanges {
        mark: since,
        ..SketchChanges::default()
    };
    for row in client.query(&statement, &[&since]).await? {
        changes.mark = changes.mark.max(row.get(0));
        let id: String = row.get(1);
        match (row.get::<_, Option<i64>>(2), row.get::<_, Option<&[u8]>>(3)) {
            (Some(seconds), Some(bytes)) => {
                changes.written.extend(sketch_entry(seconds, id, bytes))
            }
            _ => changes.removed.push(id),
        }
    }
    Ok(changes)
}

pub(super) async fn tombstone(db: Db, id: String) -> Result<Option<Tombstone>, StoreError> {
    let client = db.client().await?;
    let statement = client
        .prepare_cached("SELECT value FROM tombstones WHERE id = $1")
        .await?;
    let Some(row) = client.query_opt(&statement, &[&id]).await? else {
        return Ok(None);
    };
    let bytes: Vec<u8> = row.get(0);
    decode(&bytes, || format!("tombstone {id}")).map(Some)
}

/// Removes `ids` (their stories and sketches) and leaves `tombstones` for them, inside `tx`.
async fn bury(
    tx: &deadpool_postgres::Transaction<'_>,
    ids: &[String],
    tombstones: &[Vec<u8>],
) -> Result<(), StoreError> {
    let stories = tx
        .prepare_cached("DELETE FROM stories WHERE id = ANY($1)")
        .await?;
    tx.execute(&stories, &[&ids]).await?;
    let sketches = tx
        .prepare_cached("DELETE FROM sketches WHERE id = ANY($1)")
        .await?;
    tx.execute(&sketches, &[&ids]).await?;
    let stones = tx
        .prepare_cached(
            "INSERT INTO tombstones (id, value) SELECT * FROM unnest($1::text[], $2::bytea[])
             ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value",
        )
        .await?;
    tx.execute(&stones, &[&ids, &tombstones]).await?;
    Ok(())
}

fn tombstone_value(
    id: &str,
    published: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, StoreError> {
    encode(
        &Tombstone {
            published,
            removed: now,
        },
        || format!("tombstone {id}"),
    )
}

pub(super) async fn remove(db: Db, id: String, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let mut client = db.client().await?;
    let tx = client.transaction().await?;
    let statement = tx
        .prepare_cached("SELECT value FROM stories WHERE id = $1 FOR UPDATE")
        .await?;
    let Some(row) = tx.query_opt(&statement, &[&id]).await? else {
        return Ok(false);
    };
    let bytes: Vec<u8> = row.get(0);
    let published = codec::item_published(&bytes, id.as_bytes())?;
    let stone = tombstone_value(&id, published, now)?;
    bury(&tx, std::slice::from_ref(&id), &[stone]).await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes every story dated before `cutoff` that the store also first saw before it, in one
/// transaction.
pub(super) async fn prune(
    db: Db,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Pruned, StoreError> {
    let mut client = db.client().await?;
    let tx = client.transaction().await?;
    let statement = tx
        .prepare_cached(
            "SELECT id, value FROM stories WHERE (published_s, published_ns) < ($1, $2)
             ORDER BY published_s, published_ns, id FOR UPDATE",
        )
        .await?;
    let cutoff_ns = i64::from(cutoff.timestamp_subsec_nanos());
    let rows = tx
        .query(&statement, &[&cutoff.timestamp(), &cutoff_ns])
        .await?;
    let mut pruned = Pruned::default();
    let mut ids = Vec::new();
    let mut stones = Vec::new();
    for row in rows {
        let id: String = row.get(0);
        let bytes: Vec<u8> = row.get(1);
        let item = codec::item_from(&bytes, id.as_bytes())?;
        if item.first_seen >= cutoff {
            pruned.kept_young += 1;
            continue;
        }
        stones.push(tombstone_value(&id, item.published, now)?);
        ids.push(id);
    }
    if !ids.is_empty() {
        bury(&tx, &ids, &stones).await?;
    }
    let forget = tx
        .prepare_cached("DELETE FROM sketch_removals WHERE at < now() - make_interval(secs => $1)")
        .await?;
    tx.execute(&forget, &[&REMOVALS_KEPT.as_secs_f64()]).await?;
    tx.commit().await?;
    pruned.stories = ids.len();
    Ok(pruned)
}
