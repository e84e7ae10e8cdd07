//! A PostgreSQL database of the test's own, created on the server at `$BEATWIRE_TEST_POSTGRES`
//! (`postgres://postgres@127.0.0.1:5432/test` when unset or empty) and dropped when the test ends.
//!
//! Where no server answers (a laptop without PostgreSQL), [`TestDatabase::create`] says so in one
//! line and gives `None`, so the test passes having checked nothing; with
//! `BEATWIRE_REQUIRE_POSTGRES=1` (set by `.ci/run` when a server answers) that is a failure.

use std::sync::atomic::{AtomicU32, Ordering};

use beatwire::store;

/// The server tests make their databases on, and the database they connect to for that.
pub fn admin_url() -> String {
    std::env::var("BEATWIRE_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Runs `sql` on the database at `url`, on a thread and runtime of its own (so it may be
/// called, and dropped, from inside a test's runtime).
pub fn execute(url: &str, sql: &str) -> Result<(), String> {
    simple_query(url, sql).map(drop)
}

/// The first column of the first row `sql` gives on the database at `url`, as text.
pub fn query_text(url: &str, sql: &str) -> Result<Option<String>, String> {
    Ok(simple_query(url, sql)?
        .iter()
        .find_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        }))
}

/// `sql` (any number of statements, simple query protocol) on a connection of its own, on a
/// thread and runtime of its own.
fn simple_query(url: &str, sql: &str) -> Result<Vec<tokio_postgres::SimpleQueryMessage>, String> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async {
            let mut config: tokio_postgres::Config = url.parse().map_err(|e| format!("{e}"))?;
            config.connect_timeout(std::time::Duration::from_secs(5));
            let (client, connection) = config
                .connect(tokio_postgres::NoTls)
                .await
                .map_err(|e| chain(&e))?;
            let driver = tokio::spawn(connection);
            let done = client.simple_query(&sql).await.map_err(|e| chain(&e));
            drop(client);
            let _ = driver.await;
            done
        })
    })
    .join()
    .map_err(|_| "the connecting thread panicked".to_owned())?
}

/// `error` and its causes (the client's own message is bare).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

/// A database of one test's own, dropped with it.
#[derive(Debug)]
pub struct TestDatabase {
    admin: String,
    name: String,
    /// Where the database is.
    pub url: String,
}

impl TestDatabase {
    /// A fresh database; `None` (after saying so) when PostgreSQL cannot be reached.
    pub fn create() -> Option<TestDatabase> {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let admin = admin_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "beatwire_test_{}_{}_{nanos}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        // A language's collation by default (ICU's root locale, where `a` < `B`), so that an
        // order that is not the bytes' shows; a plain database where ICU is missing.
        let icu = format!(
            "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'und'"
        );
        let created =
            execute(&admin, &icu).or_else(|_| execute(&admin, &format!("CREATE DATABASE {name}")));
        if let Err(reason) = created {
            let shown = store::redact(&admin);
            assert!(
                std::env::var("BEATWIRE_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "PostgreSQL is required (BEATWIRE_REQUIRE_POSTGRES=1) but not reachable at {shown}: {reason}"
            );
            println!("skipped: PostgreSQL not reachable at {shown}: {reason}");
            return None;
        }
        let mut url = url::Url::parse(&admin).expect("the admin URL is a URL");
        url.set_path(&name);
        Some(TestDatabase {
            admin,
            name,
            url: url.to_string(),
        })
    }

    /// This database's URL with a password the server (trust auth) ignores: what a message
    /// must never show.
    pub fn url_with_password(&self, password: &str) -> String {
        let mut url = url::Url::parse(&self.url).expect("a URL");
        url.set_password(Some(password)).expect("a password");
        url.to_string()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = execute(&self.admin, &drop) {
            eprintln!("cannot drop the test database {}: {e}", self.name);
        }
    }
}
