//! A PostgreSQL database of the test's own, created on the server at `$BEATWIRE_TEST_POSTGRES`
//! (`postgres://postgres@127.0.0.1:5432/test` when unset) and dropped when the test ends.
//!
//! Where no server answers (a laptop without PostgreSQL), [`TestDb::create`] says so in one line
//! and gives `None`, so the test passes having checked nothing; with
//! `BEATWIRE_REQUIRE_POSTGRES=1` (set by `.ci/run` when a server answers) that is a failure.

/// The server's maintenance database the tests connect to first.
pub fn admin_url() -> String {
    std::env::var("BEATWIRE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A database that lives as long as this value.
#[derive(Debug)]
pub struct TestDb {
    /// Where the database is: a `store = "..."` value.
    pub url: String,
    name: String,
}

/// Runs `work` on a runtime of its own, on a thread of its own: callable from a test's runtime.
fn on_own_runtime<T: Send + 'static>(
    work: impl FnOnce() -> std::pin::Pin<Box<dyn Future<Output = T> + Send>> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(work())
    })
    .join()
    .expect("the database thread")
}

async fn admin(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

impl TestDb {
    /// A fresh, empty database named after `test`; `None` (said in one line) when no server
    /// answers and none is required.
    pub fn create(test: &str) -> Option<TestDb> {
        let admin_url = admin_url();
        let name = format!(
            "beatwire_test_{}_{}_{:x}",
            test,
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or_default()
        );
        let (server, create) = (admin_url.clone(), format!("CREATE DATABASE {name}"));
        let made = on_own_runtime(move || {
            Box::pin(async move { admin(&server).await?.batch_execute(&create).await })
        });
        if let Err(error) = made {
            let required = std::env::var("BEATWIRE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "PostgreSQL is required (BEATWIRE_REQUIRE_POSTGRES=1) but {admin_url} failed: {error}"
            );
            println!("skipped: PostgreSQL not reachable at {admin_url}: {error}");
            return None;
        }
        let mut url = url::Url::parse(&admin_url).expect("BEATWIRE_TEST_POSTGRES is a URL");
        url.set_path(&format!("/{name}"));
        Some(TestDb {
            url: url.to_string(),
            name,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (server, drop) = (
            admin_url(),
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
        let dropped = on_own_runtime(move || {
            Box::pin(async move { admin(&server).await?.batch_execute(&drop).await })
        });
        if let Err(error) = dropped {
            eprintln!("cannot drop the test database {}: {error}", self.name);
        }
    }
}
