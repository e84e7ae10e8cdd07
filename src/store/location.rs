//! Where a store lives: a sled database at a path (the embedded default) or a PostgreSQL
//! database named by a `postgres://` / `postgresql://` URL.
//!
//! Must not: open anything. A URL is only ever shown with its password replaced by `***`
//! ([`Location`]'s `Display` and `Debug`, [`redact`]).

use std::fmt;
use std::path::{Path, PathBuf};

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

/// Whether `text` names a PostgreSQL database rather than a path.
pub fn is_postgres_url(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
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
}
