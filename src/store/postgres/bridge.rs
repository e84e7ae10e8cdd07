//! The PostgreSQL store's own small tokio runtime, and the one way its synchronous methods
//! run async work on it.
//!
//! The [`Backend`](crate::store::Backend) trait is synchronous and is called both from tasks
//! on the app's runtime and from `spawn_blocking` threads. Blocking on a future from inside a
//! runtime panics (`Handle::block_on`, or the sync `postgres` crate), so every call spawns its
//! future here and waits for the answer on a std channel: the caller's thread blocks as it
//! would on sled's disk, and the database work runs on threads of this runtime alone.
//!
//! Must not: know SQL.

use std::future::Future;

use crate::store::StoreError;

/// Worker threads of the store's runtime: the work is waiting on the database.
const THREADS: usize = 2;

/// Owns the runtime; dropping it stops the runtime without waiting, so it may be dropped
/// anywhere, inside another runtime too.
#[derive(Debug)]
pub(super) struct Bridge {
    runtime: Option<tokio::runtime::Runtime>,
}

impl Bridge {
    pub(super) fn new() -> Result<Bridge, StoreError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(THREADS)
            .thread_name("beatwire-store")
            .enable_all()
            .build()
            .map_err(StoreError::Runtime)?;
        Ok(Bridge {
            runtime: Some(runtime),
        })
    }

    /// Runs `work` on the store's runtime and waits for its result.
    pub(super) fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
        T: Send + 'static,
    {
        let runtime = self.runtime.as_ref().ok_or(StoreError::Stopped)?;
        let (sender, answer) = std::sync::mpsc::sync_channel(1);
        runtime.spawn(async move {
            // The caller waits for this; it cannot have gone away.
            let _ = sender.send(work.await);
        });
        // No answer: the task was dropped (the runtime stopping) or panicked.
        answer.recv().map_err(|_| StoreError::Stopped)?
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
