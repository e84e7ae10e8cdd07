//! The run status file, `status.json` in the output folder: what the last run did and when the
//! outputs were last published. `app` writes it (atomically) at the end of every `run`, `fetch`
//! and `publish`; `serve` reads it for `/healthz` and `/metrics`, so it never needs the store.
//! A run's record is streamed into the file from the run's own reports ([`RunRecord`]), and the
//! old file is read streamed too: at 100,000 sources it is some 16 MB, never held whole.
//!
//! It holds no error text (a source's failure message may name internal hosts), only ids,
//! outcomes, counts and times.
//!
//! Must not: open the store or know how a run works; it is plain data and its file.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::atomic::{WriteError, write_atomic_with};
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
    pub new: u32,
    pub updated: u32,
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

/// A run's record as [`Status::record_run`] writes it: a [`RunStatus`] whose sources come from
/// an iterator over borrowed parts, so a run of many sources is not copied again to be written.
#[derive(Debug, Clone)]
pub struct RunRecord<I> {
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    /// Each source in the run's order; cloned once to be walked.
    pub sources: I,
}

/// One source of a [`RunRecord`]: a [`SourceRun`] with its id borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SourceRecord<'a> {
    pub id: &'a str,
    pub status: SourceStatus,
    pub http_status: Option<u16>,
    pub new: u32,
    pub updated: u32,
    pub seconds: f64,
}

/// Written as a [`RunStatus`] is, field for field.
impl<'a, I> Serialize for RunRecord<I>
where
    I: Iterator<Item = SourceRecord<'a>> + Clone,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Each<I>(I);
        impl<'a, I: Iterator<Item = SourceRecord<'a>> + Clone> Serialize for Each<I> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.clone())
            }
        }
        let mut run = serializer.serialize_struct("RunStatus", 3)?;
        run.serialize_field("started", &self.started)?;
        run.serialize_field("finished", &self.finished)?;
        run.serialize_field("sources", &Each(self.sources.clone()))?;
        run.end()
    }
}

impl RunStatus {
    /// This run as a [`RunRecord`] borrowing it.
    pub fn record(&self) -> RunRecord<impl Iterator<Item = SourceRecord<'_>> + Clone> {
        RunRecord {
            started: self.started,
            finished: self.finished,
            sources: self.sources.iter().map(|s| SourceRecord {
                id: &s.id,
                status: s.status,
                http_status: s.http_status,
                new: s.new,
                updated: s.updated,
                seconds: s.seconds,
            }),
        }
    }
}

/// The file as written: [`Status`]'s fields, borrowed.
#[derive(Serialize)]
struct Parts<'s, R> {
    run: Option<&'s R>,
    published: Option<&'s PublishStatus>,
}

/// The file read for its `published` part alone: the run's sources are skipped, not kept.
#[derive(Deserialize)]
struct PublishedPart {
    published: Option<PublishStatus>,
}

impl Status {
    /// The status file of the output folder `dir`.
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(STATUS_FILE)
    }

    /// Reads `path`; `Ok(None)` when there is no such file yet.
    pub fn read(path: &Path) -> Result<Option<Status>, StatusError> {
        read_json(path)
    }

    /// Records the run in the status file of `dir`, with `published` when given and else the
    /// file's own `published` part, as it was. The file is streamed out as it is written (a run
    /// of 100,000 sources makes a file of some 16 MB) and replaces the old one atomically; of the
    /// old one only its `published` part is read. An unreadable old file is replaced whole.
    pub fn record_run<'a, I>(
        dir: &Path,
        run: &RunRecord<I>,
        published: Option<&PublishStatus>,
    ) -> Result<(), StatusError>
    where
        I: Iterator<Item = SourceRecord<'a>> + Clone,
    {
        let path = Status::path_in(dir);
        let kept = match published {
            Some(_) => None,
            None => read_json::<PublishedPart>(&path)
                .ok()
                .flatten()
                .and_then(|p| p.published),
        };
        write(dir, &path, Some(run), published.or(kept.as_ref()))
    }

    /// Records a publication in the status file of `dir`, keeping its `run` part as it was.
    /// An unreadable old file is replaced whole.
    pub fn record_published(dir: &Path, published: &PublishStatus) -> Result<(), StatusError> {
        let path = Status::path_in(dir);
        let old = Status::read(&path).ok().flatten().unwrap_or_default();
        write(dir, &path, old.run.as_ref(), Some(published))
    }
}

/// Reads the JSON file `path` as a `T`, streamed; `Ok(None)` when there is no such file.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, StatusError> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StatusError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    serde_json::from_reader(std::io::BufReader::new(file))
        .map(Some)
        .map_err(|source| match source.io_error_kind() {
            Some(kind) => StatusError::Read {
                path: path.to_owned(),
                source: std::io::Error::new(kind, source),
            },
            None => StatusError::Invalid {
                path: path.to_owned(),
                source,
            },
        })
}

/// Writes the status file `path` of `dir` (creating `dir`), pretty-printed, ending in a newline.
fn write<R: Serialize>(
    dir: &Path,
    path: &Path,
    run: Option<&R>,
    published: Option<&PublishStatus>,
) -> Result<(), StatusError> {
    std::fs::create_dir_all(dir).map_err(|source| {
        StatusError::Write(WriteError {
            path: dir.to_owned(),
            source,
        })
    })?;
    write_atomic_with(path, |out| {
        serde_json::to_writer_pretty(&mut *out, &Parts { run, published })?;
        out.write_all(b"\n")
    })?;
    Ok(())
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
        let path = Status::path_in(&out);
        assert_eq!(Status::read(&path).unwrap(), None);

        Status::record_run(&out, &run().record(), None).unwrap();
        let published = PublishStatus {
            at: at(10),
            items: 8,
        };
        Status::record_published(&out, &published).unwrap();
        let read = Status::read(&path).unwrap().unwrap();
        assert_eq!(read.run, Some(run()), "publishing kept the run");
        assert_eq!(read.published, Some(published.clone()));

        let mut later = run();
        later.started = at(11);
        Status::record_run(&out, &later.record(), None).unwrap();
        let read = Status::read(&path).unwrap().unwrap();
        assert_eq!(read.run, Some(later.clone()));
        assert_eq!(
            read.published,
            Some(published),
            "the run kept the publication"
        );

        let again = PublishStatus {
            at: at(12),
            items: 9,
        };
        Status::record_run(&out, &later.record(), Some(&again)).unwrap();
        let read = Status::read(&path).unwrap().unwrap();
        assert_eq!((read.run, read.published), (Some(later), Some(again)));
    }

    #[test]
    fn the_streamed_file_is_the_status_pretty_printed() {
        let dir = tempfile::tempdir().unwrap();
        let mut run = run();
        run.sources.push(SourceRun {
            id: "scjjrb".into(),
            status: SourceStatus::NotModified,
            http_status: None,
            new: 0,
            updated: 2,
            seconds: 1.5,
        });
        let published = PublishStatus {
            at: at(10),
            items: 8,
        };
        Status::record_run(dir.path(), &run.record(), Some(&published)).unwrap();
        let whole = Status {
            run: Some(run),
            published: Some(published),
        };
        let mut expected = serde_json::to_vec_pretty(&whole).unwrap();
        expected.push(b'\n');
        let written = std::fs::read(Status::path_in(dir.path())).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }

    #[test]
    fn a_broken_file_is_an_error_to_read_and_replaced_on_update() {
        let dir = tempfile::tempdir().unwrap();
        let path = Status::path_in(dir.path());
        std::fs::write(&path, b"{not json").unwrap();
        let error = Status::read(&path).unwrap_err();
        assert!(error.to_string().contains("status.json"), "{error}");
        Status::record_run(dir.path(), &run().record(), None).unwrap();
        let status = Status {
            run: Some(run()),
            published: None,
        };
        assert_eq!(Status::read(&path).unwrap(), Some(status.clone()));

        std::fs::write(&path, b"[1, 2").unwrap();
        let published = PublishStatus {
            at: at(10),
            items: 8,
        };
        Status::record_published(dir.path(), &published).unwrap();
        let status = Status {
            run: None,
            published: Some(published),
        };
        assert_eq!(Status::read(&path).unwrap(), Some(status));
    }
}
