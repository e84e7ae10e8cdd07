//! [`Sharing`] in PostgreSQL: host leases (`hosts`) and the write lock (a session advisory
//! lock and `write_generation`).
//!
//! Must not: decide which hosts a worker wants or how long its lease is; the caller says.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use deadpool_postgres::Object;
use tokio_postgres::SimpleQueryMessage;

use super::bridge::Bridge;
use super::{Db, PgStore, stories};
use crate::store::error::corrupt;
use crate::store::{Sharing, SketchChanges, StoreError, WriteGuard};

/// The advisory lock key of the write lock ("bw-write" as ASCII).
const WRITE_LOCK: i64 = 0x6277_2d77_7269_7465;

/// Hosts registered per statement.
const REGISTER_BATCH: usize = 10_000;

impl Sharing for PgStore {
    fn claim_hosts(
        &self,
        worker: &str,
        hosts: &[String],
        limit: usize,
        force: bool,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        // Sorted and without repeats: every worker registers in the same order, so two never
        // wait on each other's rows crosswise.
        let mut hosts = hosts.to_vec();
        hosts.sort_unstable();
        hosts.dedup();
        let worker = worker.to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(move |db| claim(db, worker, hosts, limit, force, lease, now))
    }

    fn release_host(
        &self,
        worker: &str,
        host: &str,
        next_due: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let (worker, host) = (worker.to_owned(), host.to_owned());
        self.run(move |db| async move {
            let client = db.client().await?;
            let statement = client
                .prepare_cached(
                    "UPDATE hosts SET worker = NULL, lease_until = NULL, next_due = $3
                     WHERE host = $1 AND worker = $2",
                )
                .await?;
            client
                .execute(&statement, &[&host, &worker, &next_due])
                .await?;
            Ok(())
        })
    }

    fn renew_leases(&self, worker: &str, lease: Duration) -> Result<(), StoreError> {
        let worker = worker.to_owned();
        self.run(move |db| async move {
            let client = db.client().await?;
            let statement = client
                .prepare_cached(
                    "UPDATE hosts SET lease_until = now() + make_interval(secs => $2)
                     WHERE worker = $1",
                )
                .await?;
            client
                .execute(&statement, &[&worker, &lease.as_secs_f64()])
                .await?;
            Ok(())
        })
    }

    fn sketch_changes(&self, since: Option<i64>) -> Result<SketchChanges, StoreError> {
        self.run(move |db| stories::sketch_changes(db, since))
    }

    fn lock_writes(&self) -> Result<Box<dyn WriteGuard>, StoreError> {
        let (client, generation) = self.run(lock)?;
        Ok(Box::new(PgWriteGuard {
            client: Some(client),
            generation,
            bridge: Arc::clone(&self.bridge),
        }))
    }
}

async fn claim(
    db: Db,
    worker: String,
    hosts: Vec<String>,
    limit: i64,
    force: bool,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let mut client = db.client().await?;
    let tx = client.transaction().await?;
    let register = tx
        .prepare_cached(
            "INSERT INTO hosts (host) SELECT h FROM unnest($1::text[]) AS h
             ON CONFLICT (host) DO NOTHING",
        )
        .await?;
    for batch in hosts.chunks(REGISTER_BATCH) {
        tx.execute(&register, &[&batch]).await?;
    }
    let statement = tx
        .prepare_cached(
            "UPDATE hosts SET worker = $2, lease_until = now() + make_interval(secs => $5)
             WHERE host IN (
                 SELECT host FROM hosts
                 WHERE host = ANY($1)
                   AND (lease_until IS NULL OR lease_until <= now())
                   AND ($4 OR next_due IS NULL OR next_due <= $6)
                 ORDER BY host
                 LIMIT $3
                 FOR UPDATE SKIP LOCKED)
             RETURNING host",
        )
        .await?;
    let rows = tx
        .query(
            &statement,
            &[&hosts, &worker, &limit, &force, &lease.as_secs_f64(), &now],
        )
        .await?;
    tx.commit().await?;
    let mut claimed: Vec<String> = rows.into_iter().map(|row| row.get(0)).collect();
    claimed.sort_unstable();
    Ok(claimed)
}

/// Takes the write lock on a connection of its own and bumps the write generation: one round
/// trip (two statements sent as one simple query, run in order).
async fn lock(db: Db) -> Result<(Object, i64), StoreError> {
    let client = db.client().await?;
    let answered = client
        .simple_query(&format!(
            "SELECT pg_advisory_lock({WRITE_LOCK});
             UPDATE write_generation SET generation = generation + 1 RETURNING generation"
        ))
        .await;
    let generation = answered.map_err(StoreError::from).and_then(|messages| {
        messages
            .iter()
            .rev()
            .find_map(|message| match message {
                SimpleQueryMessage::Row(row) => row.get(0),
                _ => None,
            })
            .ok_or_else(|| corrupt("write generation".into(), "no row"))
            .and_then(|text| {
                text.parse::<i64>()
                    .map_err(|e| corrupt("write generation".into(), e))
            })
    });
    match generation {
        Ok(generation) => Ok((client, generation)),
        Err(e) => {
            // The lock may be held by this session: end it rather than pool it.
            drop(Object::take(client));
            Err(e)
        }
    }
}

/// Holds the write lock until dropped.
struct PgWriteGuard {
    client: Option<Object>,
    generation: i64,
    bridge: Arc<Bridge>,
}

impl std::fmt::Debug for PgWriteGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgWriteGuard")
            .field("generation", &self.generation)
            .finish()
    }
}

impl WriteGuard for PgWriteGuard {
    fn generation(&self) -> i64 {
        self.generation
    }
}

impl Drop for PgWriteGuard {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        let unlocked = self.bridge.run(async move {
            match client
                .batch_execute(&format!("SELECT pg_advisory_unlock({WRITE_LOCK})"))
                .await
            {
                Ok(()) => Ok(()),
                Err(e) => {
                    // Its session ending is what lets the lock go.
                    drop(Object::take(client));
                    Err(StoreError::from(e))
                }
            }
        });
        if let Err(e) = unlocked {
            tracing::warn!(error = %e, "write lock let go by closing its connection");
        }
    }
}
