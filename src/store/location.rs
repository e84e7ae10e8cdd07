//! Where a store lives: a sled database at a path (the embedded default) or a PostgreSQL
//! database named by a `postgres://` / `postgresql://` URL.
//!
//! Must not: open anything. A URL is only ever shown with its password replaced by `***`
//! ([`Location`]'s `Display` and `Debug`, [`redact`]).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::StoreError;

/// The store `[beat] store` (or `$BEATWIRE_STORE`) names.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// A sled database directory.
    Sled(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl Location {
    /// `text` as a location: a PostgreSQL URL, or else a path, resolved against `base` when
    /// relative.
    pub fn parse(text: &str, base: &Path) -> Location {
        if is_postgres_url(text) {
            return Location::Postgres(text.to_owned());
        }
        let path = PathBuf::from(text);
        if path.is_absolute() {
            Location::Sled(path)
        } else {
            Location::Sled(base.join(path))
        }
    }

    /// The sled database's path; `None` for PostgreSQL.
    pub fn sled_path(&self) -> Option<&Path> {
        match self {
            Location::Sled(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

impl Location {
    /// [`StoreError::Missing`] when no store is there yet: a sled folder without its database
    /// file. (A PostgreSQL store is told missing by opening it.)
    pub fn require_existing(&self) -> Result<(), StoreError> {
        match self {
            Location::Sled(path) if !path.join("db").is_file() => Err(StoreError::Missing {
                path: path.to_path_buf(),
            }),
            _ => Ok(()),
        }
    }

    /// Whether both name the same store (the same folder however written; the same URL).
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
}

/// Text that names no store.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error("an empty store location: give a path or a postgres:// URL")]
    Empty,
}

/// A location as the command line gives it: a URL, or a path relative to the working directory.
impl FromStr for Location {
    type Err = LocationError;

    fn from_str(text: &str) -> Result<Location, LocationError> {
        if text.trim().is_empty() {
            return Err(LocationError::Empty);
        }
        Ok(Location::parse(text, Path::new("")))
    }
}

/// Whether `text` names a PostgreSQL database rather than a path.
pub fn is_postgres_url(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// Why the PostgreSQL client cannot read `url`, if it cannot: checked where the URL is
/// written (the config file), before anything connects. The reason names the option at
/// fault, never a value, so a password cannot show.
pub fn check_postgres_url(url: &str) -> Result<(), String> {
    // The TLS parameters first: tokio-postgres reads neither `sslrootcert` nor the modes that
    // verify (see `postgres::tls`).
    let (url, _) = super::postgres::split_tls(url, |_| None).map_err(|e| e.to_string())?;
    url.parse::<tokio_postgres::Config>()
        .map(|_| ())
        .map_err(|e| super::error::chain(&e))
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sled(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sled(path) => f.debug_tuple("Sled").field(path).finish(),
            Location::Postgres(url) => f.debug_tuple("Postgres").field(&redact(url)).finish(),
        }
    }
}

/// `url` with its password (in the user part or a `password=` parameter) replaced by `***`.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                // Only fails for URLs that cannot have a user part, which this one has.
                let _ = parsed.set_password(Some("***"));
            }
            if parsed.query_pairs().any(|(name, _)| name == "password") {
                let pairs: Vec<(String, String)> = parsed
                    .query_pairs()
                    .map(|(name, value)| {
                        let value = if name == "password" {
                            "***".to_owned()
                        } else {
                            value.into_owned()
                        };
                        (name.into_owned(), value)
                    })
                    .collect();
                parsed.query_pairs_mut().clear().extend_pairs(pairs);
            }
            parsed.to_string()
        }
        // Not a URL the client reads either: show its scheme and host part only.
        Err(_) => {
            let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
            let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            format!("{scheme}://{host}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_postgres_and_the_rest_paths() {
        let base = Path::new("/etc/beatwire");
        assert_eq!(
            Location::parse("postgres://u@db/beat", base),
            Location::Postgres("postgres://u@db/beat".to_owned())
        );
        assert!(matches!(
            Location::parse("postgresql://db/beat", base),
            Location::Postgres(_)
        ));
        assert_eq!(
            Location::parse("data/beat.sled", base),
            Location::Sled(PathBuf::from("/etc/beatwire/data/beat.sled"))
        );
        assert_eq!(
            Location::parse("/var/lib/beat.sled", base),
            Location::Sled(PathBuf::from("/var/lib/beat.sled"))
        );
    }

    #[test]
    fn passwords_are_never_shown() {
        let location = Location::Postgres("postgres://beat:s3cret@db:5432/beat".to_owned());
        assert_eq!(location.to_string(), "postgres://beat:***@db:5432/beat");
        assert!(!format!("{location:?}").contains("s3cret"));
        let shown = redact("postgresql://db/beat?user=beat&password=s3cret&sslmode=disable");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("sslmode=disable"), "{shown}");
        assert_eq!(redact("postgres://u@db/beat"), "postgres://u@db/beat");
        assert!(!redact("postgres://u:s3cret@[bad/beat").contains("s3cret"));
    }

    #[test]
    fn a_url_the_client_cannot_read_is_told_by_its_option() {
        assert_eq!(
            check_postgres_url("postgres://beat:s3cret@db:5432/beat"),
            Ok(())
        );
        assert_eq!(
            check_postgres_url("postgresql://db/beat?sslmode=disable"),
            Ok(())
        );
        for (url, option) in [
            (
                "postgres://beat:s3cret@db/beat?sslmode=sometimes",
                "sslmode",
            ),
            ("postgres://beat:s3cret@db:port/beat", "port"),
        ] {
            let reason = check_postgres_url(url).expect_err(url);
            assert!(reason.contains(option), "{url}: {reason}");
            assert!(!reason.contains("s3cret"), "{reason}");
        }
    }
}
