//! The run status file, `status.json` in the output folder: what the last run did and when the
//! outputs were last published. `app` writes it (atomically) at the end of every `run`, `fetch`
//! and `publish`; `serve` reads it for `/healthz` and `/metrics`, so it never needs the store.
//!
//! It holds no error text (a source's failure message may name internal hosts), only ids,
//! outcomes, counts and times.
//!
//! Must not: open the store or know how a run works; it is plain data and its file.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::atomic::{WriteError, write_atomic};
use crate::model::SourceStatus;

/// The file's name in the output folder.
pub const STATUS_FILE: &str = "status.json";

/// The whole file. Each part is replaced by the command that knows it; the other part is kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// The last `run` or `fetch`.
    pub run: Option<RunStatus>,
    /// The last time the outputs were written.
    pub published: Option<PublishStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunStatus {
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    pub sources: Vec<SourceRun>,
}

/// One source's outcome in the last run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRun {
    pub id: String,
    pub status: SourceStatus,
    pub http_status: Option<u16>,
    pub new: usize,
    pub updated: usize,
    /// How long the source's pass took (fetch, parse and store), in seconds.
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishStatus {
    pub at: DateTime<Utc>,
    /// Stories in `feed.xml`.
    pub items: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a status file: {source}", path.display())]
    Invalid {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl Status {
    /// The status file of the output folder `dir`.
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(STATUS_FILE)
    }

    /// Reads `path`; `Ok(None)` when there is no such file yet.
    pub fn read(path: &Path) -> Result<Option<Status>, StatusError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(StatusError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| StatusError::Invalid {
                path: path.to_owned(),
                source,
            })
    }

    /// Replaces the parts given in the status file of `dir`, keeping the others as they were.
    /// An unreadable old file is replaced whole.
    pub fn update(
        dir: &Path,
        run: Option<RunStatus>,
        published: Option<PublishStatus>,
    ) -> Result<Status, StatusError> {
        let path = Status::path_in(dir);
        let mut status = Status::read(&path).ok().flatten().unwrap_or_default();
        if run.is_some() {
            status.run = run;
        }
        if published.is_some() {
            status.published = published;
        }
        std::fs::create_dir_all(dir).map_err(|source| {
            StatusError::Write(WriteError {
                path: dir.to_owned(),
                source,
            })
        })?;
        let mut bytes =
            serde_json::to_vec_pretty(&status).map_err(|source| StatusError::Invalid {
                path: path.clone(),
                source,
            })?;
        bytes.push(b'\n');
        write_atomic(&path, &bytes)?;
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, h, 0, 0).unwrap()
    }

    fn run() -> RunStatus {
        RunStatus {
            started: at(8),
            finished: at(9),
            sources: vec![SourceRun {
                id: "cqrb".into(),
                status: SourceStatus::Ok,
                http_status: Some(200),
                new: 3,
                updated: 0,
                seconds: 0.25,
            }],
        }
    }

    #[test]
    fn each_part_is_replaced_and_the_other_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert_eq!(Status::read(&Status::path_in(&out)).unwrap(), None);

        Status::update(&out, Some(run()), None).unwrap();
        let published = PublishStatus {
            at: at(10),
            items: 8,
        };
        let status = Status::update(&out, None, Some(published.clone())).unwrap();
        assert_eq!(status.run, Some(run()));
        let read = Status::read(&Status::path_in(&out)).unwrap().unwrap();
        assert_eq!(read, status);
        assert_eq!(read.published, Some(published));
    }

    #[test]
    fn a_broken_file_is_an_error_to_read_and_replaced_on_update() {
        let dir = tempfile::tempdir().unwrap();
        let path = Status::path_in(dir.path());
        std::fs::write(&path, b"{not json").unwrap();
        let error = Status::read(&path).unwrap_err();
        assert!(error.to_string().contains("status.json"), "{error}");
        let status = Status::update(dir.path(), Some(run()), None).unwrap();
        assert_eq!(status.published, None);
        assert_eq!(Status::read(&path).unwrap(), Some(status));
    }
}
