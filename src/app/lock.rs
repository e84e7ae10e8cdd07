//! The run lock: at most one `run` / `fetch` / `publish` works on a store at a time.
//!
//! An OS file lock (`flock`) on `<store>.lock`, not a pid file: the kernel drops it when the
//! process ends, however it ends, so a run killed with `kill -9` never leaves a stale lock.
//! A PostgreSQL store takes no file lock: several workers may share it (the store's
//! `Sharing` keeps them apart).
//!
//! Must not: open the store itself.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::store::Location;

/// Another process holds the lock of this store.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another beatwire run is in progress (it holds {})", path.display())]
    Held { path: PathBuf },
    #[error("cannot create the lock file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Held for as long as it lives; dropping it releases the lock.
/// How long a held lock is asked again before it counts as another run's.
const HELD_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

#[derive(Debug)]
pub struct RunLock {
    /// The lock file and its path; `None` for a store that is not a file.
    held: Option<(File, PathBuf)>,
}

impl RunLock {
    /// Takes the lock of the store at `store` (asking again for half a second): a sled store's lock file, and
    /// nothing for a PostgreSQL store.
    pub fn acquire(store: &Location) -> Result<RunLock, LockError> {
        match store {
            Location::Sled(path) => RunLock::acquire_file(path),
            Location::Postgres(_) => Ok(RunLock { held: None }),
        }
    }

    fn acquire_file(store: &Path) -> Result<RunLock, LockError> {
        let path = lock_path(store);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| LockError::Io {
                path: path.clone(),
                source,
            })?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| LockError::Io {
                path: path.clone(),
                source,
            })?;
        // A lock let go a moment ago can still be held for a few milliseconds by a process this
        // one (or a thread of it) was starting: the child shares the lock file's description
        // until its `exec` closes it. So a held lock is asked again for a short while before it
        // counts as another run's.
        let deadline = std::time::Instant::now() + HELD_GRACE;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    return Ok(RunLock {
                        held: Some((file, path)),
                    });
                }
                Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => return Err(LockError::Held { path }),
                Err(TryLockError::Error(source)) => return Err(LockError::Io { path, source }),
            }
        }
    }

    /// The lock file; `None` when the store takes none.
    pub fn path(&self) -> Option<&Path> {
        self.held.as_ref().map(|(_, path)| path.as_path())
    }
}

fn lock_path(store: &Path) -> PathBuf {
    let mut name = store.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    store.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_drops() {
        let dir = tempfile::tempdir().unwrap();
        let store = Location::Sled(dir.path().join("data").join("beatwire.sled"));
        let first = RunLock::acquire(&store).unwrap();
        assert_eq!(
            first.path(),
            Some(dir.path().join("data").join("beatwire.sled.lock").as_path())
        );
        assert!(matches!(
            RunLock::acquire(&store),
            Err(LockError::Held { .. })
        ));
        drop(first);
        assert!(RunLock::acquire(&store).is_ok());
    }

    #[test]
    fn a_postgres_store_takes_no_file_lock() {
        let store = Location::Postgres("postgres://beat@127.0.0.1/beat".to_owned());
        let first = RunLock::acquire(&store).unwrap();
        let second = RunLock::acquire(&store).unwrap();
        assert_eq!((first.path(), second.path()), (None, None));
    }
}
