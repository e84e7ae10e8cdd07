//! Atomic file replacement: write a temp file beside the target, fsync it, rename it over the
//! target, fsync the folder. A reader sees the old file or the new one, never half of either.
//! `publish` writes the outputs and `status.json` with it, `ops::edit` writes `feeds.toml`.
//!
//! Must not: know what it writes or who reads it.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file that could not be written; the old file, if any, is as it was.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    pub path: PathBuf,
    pub source: io::Error,
}

/// The permissions the new file gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Those a plain `File::create` gives (`0o666` less the umask), not a temp file's `0o600`,
    /// so a web server running as another user can read the file.
    Plain,
    /// Those of the file it replaces (as [`Mode::Plain`] when there is none): a file the
    /// operator made private stays private.
    KeepExisting,
}

/// Replaces `path` with `bytes` atomically, with the permissions of a plain create.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    replace(path, bytes, Mode::Plain)
}

/// Replaces `path` with `bytes` atomically, the new file's permissions chosen by `mode`.
///
/// The temp file (`.<name>.<random>.tmp`, hidden from a static file server's listing) lives in
/// the target's folder so the rename never crosses file systems. On any error the temp file is
/// removed and the old file, if any, is left as it was.
pub fn replace(path: &Path, bytes: &[u8], mode: Mode) -> Result<(), WriteError> {
    replace_with(path, mode, |out| out.write_all(bytes))
}

/// [`write_atomic`] of what `write` writes, streamed through a buffer into the temp file: a
/// large file need not be built whole in memory first. An error from `write` fails the whole
/// write as any other would, leaving the old file as it was.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), WriteError> {
    replace_with(path, Mode::Plain, write)
}

/// [`replace`] of what `write` writes (see [`write_atomic_with`]).
pub fn replace_with(
    path: &Path,
    mode: Mode,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), WriteError> {
    let io_error = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let name = path.file_name().ok_or_else(|| {
        io_error(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path has no file name",
        ))
    })?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let kept = match mode {
        Mode::Plain => None,
        Mode::KeepExisting => std::fs::metadata(path).ok().map(|m| m.permissions()),
    };

    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }

    // Each step drops the temp file on failure, and dropping it deletes it.
    let mut file = builder.tempfile_in(dir).map_err(io_error)?;
    {
        let mut out = io::BufWriter::with_capacity(64 * 1024, &mut file);
        write(&mut out)
            .and_then(|()| out.flush())
            .map_err(io_error)?;
    }
    if let Some(permissions) = kept {
        file.as_file()
            .set_permissions(permissions)
            .map_err(io_error)?;
    }
    file.as_file().sync_all().map_err(io_error)?;
    file.persist(path).map_err(|error| io_error(error.error))?;
    sync_dir(dir).map_err(io_error)?;
    Ok(())
}

/// Like [`write_atomic`], but leaves `path` alone (same inode, same modification time) when it
/// already holds exactly `bytes`. Returns whether the file was written.
///
/// A quiet beat then keeps its `Last-Modified`, so conditional requests keep getting 304.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, WriteError> {
    match std::fs::read(path) {
        Ok(existing) if existing == bytes => Ok(false),
        _ => write_atomic(path, bytes).map(|()| true),
    }
}

/// Removes the temp files [`write_atomic`] leaves in `dir` when its process is killed between
/// creating one and renaming it (hidden, `.<name>.<random>.tmp`). Returns how many it removed.
///
/// Only for a folder no other process is writing to at the time: publishing holds the run lock.
pub fn remove_leftover_temps(dir: &Path) -> io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(".tmp") && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Makes the rename itself durable (the folder's entry), where the platform allows it.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Read;

    /// The names in `dir`, sorted (for the tests of the modules that write with this one).
    pub(crate) fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    // See: a run killed with `kill -9` between creating `.feed.xml.XXXX.tmp` and renaming it
    // left the temp file in the output folder for good (tests/pipeline/crash.rs, random kills).
    #[test]
    fn leftover_temp_files_of_a_killed_write_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(".feed.xml.pSO9nn.tmp"), "<rss><chan").expect("write");
        std::fs::write(dir.path().join("feed.xml"), "<rss/>").expect("write");
        std::fs::write(dir.path().join(".keep"), "").expect("write");
        assert_eq!(remove_leftover_temps(dir.path()).expect("removed"), 1);
        assert_eq!(names(dir.path()), vec![".keep", "feed.xml"]);
        assert_eq!(
            remove_leftover_temps(&dir.path().join("none")).expect("no folder"),
            0
        );
    }

    #[test]
    fn creates_a_new_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feed.xml");
        write_atomic(&path, "西南经济协作".as_bytes()).expect("write");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "西南经济协作"
        );
        assert_eq!(names(dir.path()), ["feed.xml"]);
    }

    #[test]
    fn replaces_an_existing_file_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feed.xml");
        let old = "旧".repeat(100_000);
        std::fs::write(&path, &old).expect("write old");

        // A reader that opened the old file before the swap keeps reading the old file whole.
        let mut reader = std::fs::File::open(&path).expect("open old");
        write_atomic(&path, b"<new/>").expect("replace");

        assert_eq!(std::fs::read(&path).expect("read new"), b"<new/>");
        let mut seen = String::new();
        reader.read_to_string(&mut seen).expect("read old");
        assert_eq!(seen, old);
        assert_eq!(names(dir.path()), ["feed.xml"]);
    }

    #[cfg(unix)]
    #[test]
    fn new_file_gets_the_mode_of_a_plain_create() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).expect("create");
        let path = dir.path().join("feed.xml");
        write_atomic(&path, b"x").expect("write");
        let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&plain));
    }

    #[cfg(unix)]
    #[test]
    fn keep_existing_gives_the_new_file_the_old_one_s_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feeds.toml");
        let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        std::fs::write(&path, b"old").expect("write old");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");

        replace(&path, b"new", Mode::KeepExisting).expect("replace");
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
        assert_eq!(mode(&path), 0o640);

        // A plain write of the same file does not keep it.
        write_atomic(&path, b"plain").expect("write");
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).expect("create");
        assert_eq!(mode(&path), mode(&plain));
        assert_ne!(
            mode(&plain),
            0o640,
            "the umask must not give 0o640 by itself"
        );

        // With no old file, it is a plain create.
        let fresh = dir.path().join("fresh.toml");
        replace(&fresh, b"x", Mode::KeepExisting).expect("create");
        assert_eq!(mode(&fresh), mode(&plain));
        assert_eq!(names(dir.path()), ["feeds.toml", "fresh.toml", "plain"]);
    }

    #[test]
    fn failed_rename_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("feed.xml");
        std::fs::create_dir(&target).expect("a folder where the file should go");
        std::fs::write(target.join("keep"), b"k").expect("write");

        let error = write_atomic(&target, b"new").expect_err("cannot rename over a folder");
        assert_eq!(error.path, target);
        assert!(error.to_string().contains("feed.xml"), "{error}");
        assert_eq!(names(dir.path()), ["feed.xml"]);
        assert!(target.join("keep").exists());
    }

    #[test]
    fn a_streamed_write_lands_whole_and_a_failed_one_leaves_the_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("status.json");
        // More than the write buffer holds, in many small writes.
        let line = "0123456789abcdef".repeat(8);
        write_atomic_with(&path, |out| {
            (0..1000).try_for_each(|i| writeln!(out, "{i} {line}"))
        })
        .expect("streamed write");
        let written = std::fs::read_to_string(&path).expect("read");
        assert_eq!(written.lines().count(), 1000);
        assert!(written.ends_with(&format!("999 {line}\n")));

        let error = write_atomic_with(&path, |out| {
            out.write_all(&vec![b'x'; 200_000])?;
            Err(io::Error::other("the writer gave up"))
        })
        .expect_err("the writer's error fails the write");
        assert!(error.to_string().contains("gave up"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), written);
        assert_eq!(names(dir.path()), ["status.json"]);
    }

    #[test]
    fn unchanged_bytes_leave_the_file_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feed.xml");
        assert!(write_if_changed(&path, b"<a/>").expect("first write"));
        let before = std::fs::metadata(&path).expect("metadata");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!write_if_changed(&path, b"<a/>").expect("same bytes"));
        let after = std::fs::metadata(&path).expect("metadata");
        assert_eq!(
            before.modified().expect("mtime"),
            after.modified().expect("mtime")
        );
        assert!(write_if_changed(&path, b"<b/>").expect("new bytes"));
        assert_eq!(std::fs::read(&path).expect("read"), b"<b/>");
        assert_eq!(names(dir.path()), ["feed.xml"]);
    }

    #[test]
    fn missing_folder_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("absent").join("feed.xml");
        let error = write_atomic(&path, b"x").expect_err("no folder");
        assert!(error.to_string().contains("absent"), "{error}");
        assert!(names(dir.path()).is_empty());
    }
}
