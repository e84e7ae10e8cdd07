//! Group flushing: a source's pass ends only once its writes are on disk, and the passes that
//! end together share one flush instead of queueing one each.
//!
//! It owns only the counters that tell whether a flush started after a caller's writes; what is
//! written, and how sled makes it durable, belongs to the store.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::store::{Store, StoreError};

/// Flushes a store on behalf of many tasks: a caller waits for one flush that started after it
/// called (so after its writes), and a flush in progress serves everyone who called before it.
#[derive(Debug, Default)]
pub struct GroupFlush {
    /// Flushes begun so far; a flush's generation is this count once it began.
    started: AtomicU64,
    /// The generation of the last flush that finished.
    finished: AtomicU64,
    /// One flush at a time: those who wait meanwhile are served by the next one.
    turn: tokio::sync::Mutex<()>,
}

impl GroupFlush {
    /// Returns once every write made before this call is durable.
    pub async fn flush(&self, store: &Store) -> Result<(), StoreError> {
        let before = self.started.load(Ordering::Acquire);
        let _turn = self.turn.lock().await;
        // A flush that began after this call (generation > before) has finished: it covered
        // the caller's writes.
        if self.finished.load(Ordering::Acquire) > before {
            return Ok(());
        }
        let generation = self.started.fetch_add(1, Ordering::AcqRel) + 1;
        store.flush_async().await?;
        self.finished.store(generation, Ordering::Release);
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
        let store = Store::open(&dir.path().join("store")).unwrap();
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
}
