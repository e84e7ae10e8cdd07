//! Where a store is: a sled database at a path, or a PostgreSQL database at a `postgres://`
//! URL. Told apart by the text alone, as `beatwire store copy --from/--to` and `store` in
//! `feeds.toml` write it, and opened into the backend it names.
//!
//! Must not: read or write a store; it only opens one (`open`) or looks whether one is there.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use url::Url;

use super::{SharedStore, StoreError};

/// The URL schemes of a PostgreSQL store.
const POSTGRES_SCHEMES: [&str; 2] = ["postgres", "postgresql"];

/// Where a store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A sled database: a folder (created at first open).
    Sled(PathBuf),
    /// A PostgreSQL database, by its connection URL.
    Postgres(Url),
}

/// Text that names no store.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error("an empty store location: give a path or a postgres:// URL")]
    Empty,
    #[error("{text}: not a store location (a path, or a postgres:// URL): unknown scheme {scheme}")]
    Scheme { text: String, scheme: String },
    #[error("{text}: not a PostgreSQL URL: {source}")]
    Url {
        text: String,
        source: url::ParseError,
    },
}

impl Location {
    /// A `postgres://` or `postgresql://` URL, or else a path. Other text with a `scheme://`
    /// is refused rather than taken for a folder of that name.
    pub fn parse(text: &str) -> Result<Location, LocationError> {
        if text.is_empty() {
            return Err(LocationError::Empty);
        }
        if let Some((scheme, _)) = text.split_once("://")
            && !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            if !POSTGRES_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
                return Err(LocationError::Scheme {
                    text: text.to_owned(),
                    scheme: scheme.to_owned(),
                });
            }
            return Url::parse(text)
                .map(Location::Postgres)
                .map_err(|source| LocationError::Url {
                    text: text.to_owned(),
                    source,
                });
        }
        Ok(Location::Sled(PathBuf::from(text)))
    }

    /// The folder of a sled store; `None` for a database server's.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Location::Sled(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }

    /// [`StoreError::Missing`] when no store is there yet: a sled folder without its
    /// database file. (A database server's store is told missing by opening it.)
    pub fn require_existing(&self) -> Result<(), StoreError> {
        match self {
            Location::Sled(path) if !path.join("db").is_file() => Err(StoreError::Missing {
                path: path.to_path_buf(),
            }),
            _ => Ok(()),
        }
    }

    /// Whether both name the same store (the same folder, however written; the same URL).
    pub fn same_as(&self, other: &Location) -> bool {
        match (self, other) {
            (Location::Sled(a), Location::Sled(b)) => {
                a == b
                    || matches!(
                        (a.canonicalize(), b.canonicalize()),
                        (Ok(a), Ok(b)) if a == b
                    )
            }
            (Location::Postgres(a), Location::Postgres(b)) => a == b,
            _ => false,
        }
    }

    /// Opens (or creates) the store here.
    pub fn open(&self) -> Result<SharedStore, StoreError> {
        match self {
            Location::Sled(path) => super::open(path),
            Location::Postgres(_) => Err(StoreError::Unavailable {
                location: self.to_string(),
                engine: "PostgreSQL",
            }),
        }
    }
}

impl FromStr for Location {
    type Err = LocationError;

    fn from_str(text: &str) -> Result<Location, LocationError> {
        Location::parse(text)
    }
}

/// The path, or the URL without its password: fit for a log or a report.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sled(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => {
                let mut shown = url.clone();
                if shown.password().is_some() {
                    // Only fails for URLs that cannot have a password, and this one has one.
                    let _ = shown.set_password(Some("***"));
                }
                write!(f, "{shown}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_postgres_urls_are_told_apart() {
        assert_eq!(
            Location::parse("data/beatwire.sled").expect("path"),
            Location::Sled(PathBuf::from("data/beatwire.sled"))
        );
        assert_eq!(
            Location::parse("/srv/a:b/beatwire.sled").expect("path with a colon"),
            Location::Sled(PathBuf::from("/srv/a:b/beatwire.sled"))
        );
        for text in [
            "postgres://beatwire@127.0.0.1:5432/beat",
            "postgresql://127.0.0.1/beat",
            "POSTGRES://127.0.0.1/beat",
        ] {
            let location = Location::parse(text).expect(text);
            assert!(matches!(location, Location::Postgres(_)), "{text}");
            assert_eq!(location.path(), None);
        }
        let error = Location::parse("mysql://127.0.0.1/beat").expect_err("unknown scheme");
        assert!(
            error.to_string().contains("unknown scheme mysql"),
            "{error}"
        );
        let error = Location::parse("postgres://[::1/beat").expect_err("bad URL");
        assert!(
            error.to_string().contains("not a PostgreSQL URL"),
            "{error}"
        );
        assert!(matches!(Location::parse(""), Err(LocationError::Empty)));
    }

    #[test]
    fn a_url_is_shown_without_its_password() {
        let location = Location::parse("postgres://beat:s3cret@127.0.0.1/beat").expect("url");
        let shown = location.to_string();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("beat:***@127.0.0.1"), "{shown}");
    }

    #[test]
    fn a_folder_without_a_database_is_missing_and_one_with_it_is_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("beatwire.sled");
        let location = Location::Sled(path.clone());
        let error = location.require_existing().expect_err("nothing there");
        assert!(matches!(error, StoreError::Missing { .. }), "{error:?}");
        assert!(!path.exists(), "looking creates nothing");
        drop(location.open().expect("create"));
        location.require_existing().expect("there now");
        let written = Location::Sled(dir.path().join(".").join("beatwire.sled"));
        assert!(location.same_as(&written));
        assert!(!location.same_as(&Location::Sled(dir.path().join("other.sled"))));
    }
}
