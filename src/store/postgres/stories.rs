//! Stories in PostgreSQL: writing one (one transaction: the story, its keys, its sketch),
//! reading them back in sled's order, the near-duplicate window, removing and pruning.
//!
//! Must not: encode a story differently from sled (`codec.rs` does it for both), or order
//! them differently: newest first, ties by id in byte order (`COLLATE "C"`).

use chrono::{DateTime, TimeZone, Utc};

use super::Db;
use crate::dedup::Sketch;
use crate::model::{Item, ItemKey};
use crate::store::error::{decode, encode};
use crate::store::{Pruned, SketchEntry, SketchWrite, StoreError, Tombstone, codec};

/// A story's row, replacing what was stored under its id: id, seconds, nanoseconds, bytes.
pub(super) const UPSERT_STORY: &str = "INSERT INTO stories (id, published_s, published_ns, value)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET published_s = EXCLUDED.published_s,
         published_ns = EXCLUDED.published_ns, value = EXCLUDED.value";

/// A story's sketch, replacing its old one: id, seconds, sketch bytes.
pub(super) const UPSERT_SKETCH: &str = "INSERT INTO sketches (id, published_s, sketch)
     VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET published_s = EXCLUDED.published_s, sketch = EXCLUDED.sketch";

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

pub(super) async fn put(db: Db, write: StoryWrite) -> Result<(), StoreError> {
    let mut client = db.client().await?;
    let tx = client.transaction().await?;
    let story = tx.prepare_cached(UPSERT_STORY).await?;
    let id = &write.id;
    tx.execute(
        &story,
        &[id, &write.published_s, &write.published_ns, &write.value],
    )
    .await?;
    if !write.keys.is_empty() {
        let keys = tx
            .prepare_cached(
                "INSERT INTO story_keys (key, id) SELECT k, $2 FROM unnest($1::bytea[]) AS k
                 ON CONFLICT (key) DO UPDATE SET id = EXCLUDED.id",
            )
            .await?;
        tx.execute(&keys, &[&write.keys, id]).await?;
    }
    match &write.sketch {
        SketchOp::Set(sketch) => {
            let set = tx.prepare_cached(UPSERT_SKETCH).await?;
            tx.execute(&set, &[id, &write.published_s, sketch]).await?;
        }
        SketchOp::Keep => {
            let moved = tx
                .prepare_cached("UPDATE sketches SET published_s = $2 WHERE id = $1")
                .await?;
            tx.execute(&moved, &[id, &write.published_s]).await?;
        }
        SketchOp::Clear => {
            let clear = tx
                .prepare_cached("DELETE FROM sketches WHERE id = $1")
                .await?;
            tx.execute(&clear, &[id]).await?;
        }
    }
    tx.commit().await?;
    Ok(())
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
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let seconds: i64 = row.get(0);
        let id: String = row.get(1);
        let bytes: Vec<u8> = row.get(2);
        let Some(sketch) = Sketch::from_bytes(&bytes) else {
            tracing::warn!(item = %id, "damaged near-duplicate sketch skipped");
            continue;
        };
        let published = Utc.timestamp_opt(seconds, 0).single().unwrap_or_default();
        out.push(SketchEntry {
            published,
            id,
            sketch,
        });
    }
    Ok(out)
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
    tx.commit().await?;
    pruned.stories = ids.len();
    Ok(pruned)
}
