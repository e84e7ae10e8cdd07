//! Group flushing: a source's pass ends only once its writes are on disk, and the passes that
//! end together share one flush instead of queueing one each. Flushes start at least
//! [`GATHER`] apart, so that passes ending a few milliseconds apart share one too.
//!
//! It owns only the counters that tell whether a flush started after a caller's writes; what is
//! written, and how sled makes it durable, belongs to the store.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use crate::store::{self, SharedStore, StoreError};

/// The least time from the end of one flush to the start of the next. A flush makes sled write
/// and sync its log; back to back, one every millisecond or so, they took a tenth of a first
/// fetch's CPU. A pass waits this much longer at most, holding no request slot meanwhile.
pub const GATHER: Duration = Duration::from_millis(5);

/// Flushes a store on behalf of many tasks: a caller waits for one flush that started after it
/// called (so after its writes), and a flush in progress serves everyone who called before it.
#[derive(Debug, Default)]
pub struct GroupFlush {
    /// Flushes begun so far; a flush's generation is this count once it began.
    started: AtomicU64,
    /// The generation of the last flush that finished.
    finished: AtomicU64,
    /// One flush at a time: those who wait meanwhile are served by the next one. Holds when
    /// the last flush ended.
    turn: tokio::sync::Mutex<Option<Instant>>,
}

impl GroupFlush {
    /// Returns once every write made before this call is durable.
    pub async fn flush(&self, store: &SharedStore) -> Result<(), StoreError> {
        let before = self.started.load(Ordering::Acquire);
        let mut last_end = self.turn.lock().await;
        // A flush that began after this call (generation > before) has finished: it covered
        // the caller's writes.
        if self.finished.load(Ordering::Acquire) > before {
            return Ok(());
        }
        if let Some(end) = *last_end {
            // Callers arriving meanwhile wait for the turn, and this flush serves them too.
            tokio::time::sleep_until(end + GATHER).await;
        }
        let generation = self.started.fetch_add(1, Ordering::AcqRel) + 1;
        store::flush_async(store).await?;
        self.finished.store(generation, Ordering::Release);
        *last_end = Some(Instant::now());
        Ok(())
    }

    /// Flushes that actually reached the store.
    #[cfg(test)]
    fn count(&self) -> u64 {
        self.finished.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn callers_waiting_together_share_one_flush_and_a_later_caller_gets_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let store = store::open(&store::Location::Sled(dir.path().join("store"))).unwrap();
        let group = std::sync::Arc::new(GroupFlush::default());
        // Hold the turn so that all callers arrive while no flush has begun.
        let turn = group.turn.lock().await;
        let callers: Vec<_> = (0..64)
            .map(|_| {
                let (group, store) = (group.clone(), store.clone());
                tokio::spawn(async move { group.flush(&store).await })
            })
            .collect();
        // One thread: yielding lets every spawned caller run up to the turn.
        tokio::task::yield_now().await;
        drop(turn);
        for caller in callers {
            caller.await.unwrap().unwrap();
        }
        assert_eq!(group.count(), 1, "64 callers that waited together");
        group.flush(&store).await.unwrap();
        assert_eq!(group.count(), 2, "a caller after that flush");
    }

    #[tokio::test]
    async fn a_flush_starts_no_sooner_than_gather_after_the_last_one_ended() {
        let dir = tempfile::tempdir().unwrap();
        let store = store::open(&store::Location::Sled(dir.path().join("store"))).unwrap();
        let group = GroupFlush::default();
        let mut ends = Vec::new();
        for _ in 0..4 {
            group.flush(&store).await.unwrap();
            ends.push(group.turn.lock().await.expect("a flush ended"));
        }
        for pair in ends.windows(2) {
            assert!(pair[1] - pair[0] >= GATHER, "{:?}", pair[1] - pair[0]);
        }
        assert_eq!(
            group.count(),
            4,
            "each caller came after the last flush: one each"
        );
    }
}
