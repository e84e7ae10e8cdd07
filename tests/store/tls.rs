//! A PostgreSQL store over TLS, on the test server's own certificate: each `sslmode` opens a
//! store (or refuses to, with its reason) and the server says whether the connection it got is
//! encrypted. Skipped, with a line saying why, where the server has TLS off or its certificate
//! cannot be read here.

use std::path::PathBuf;

use beatwire::store::{self, Location};

use crate::common::postgres::{TestDatabase, admin_url, query_text};

/// A test database and the PEM file of the certificate its server presents.
fn database_with_tls() -> Option<(TestDatabase, PathBuf)> {
    let database = TestDatabase::create()?;
    let ssl = query_text(&admin_url(), "SHOW ssl").expect("SHOW ssl");
    if ssl.as_deref() != Some("on") {
        println!("skipped: the PostgreSQL server has ssl off");
        return None;
    }
    let file = query_text(&admin_url(), "SHOW ssl_cert_file")
        .expect("SHOW ssl_cert_file")
        .map(PathBuf::from)?;
    if std::fs::read(&file).is_err() {
        println!(
            "skipped: the server's certificate {} cannot be read here",
            file.display()
        );
        return None;
    }
    Some((database, file))
}

fn with_query(url: &str, query: &str) -> String {
    format!("{url}?{query}")
}

/// Opens the store at `url`, then asks the server whether the connections to the database are
/// encrypted (the store's pool keeps its connection open).
fn encrypted(database: &TestDatabase, url: &str) -> Result<bool, String> {
    let store = store::open(&Location::Postgres(url.to_owned())).map_err(|e| e.to_string())?;
    let name = url::Url::parse(&database.url)
        .expect("a URL")
        .path()
        .trim_start_matches('/')
        .to_owned();
    let answer = query_text(
        &admin_url(),
        &format!(
            "SELECT bool_and(s.ssl)::text FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
             WHERE a.datname = '{name}'"
        ),
    )
    .expect("pg_stat_ssl");
    drop(store);
    Ok(answer.as_deref() == Some("true"))
}

#[test]
fn require_encrypts_and_disable_does_not() {
    let Some((database, _)) = database_with_tls() else {
        return;
    };
    assert!(encrypted(&database, &with_query(&database.url, "sslmode=require")).expect("require"));
    assert!(!encrypted(&database, &with_query(&database.url, "sslmode=disable")).expect("disable"));
    // The default, `prefer`, takes TLS when the server offers it.
    assert!(encrypted(&database, &database.url).expect("prefer"));
}

#[test]
fn verify_ca_accepts_the_server_s_own_root_and_refuses_another() {
    let Some((database, root)) = database_with_tls() else {
        return;
    };
    let url = with_query(
        &database.url,
        &format!("sslmode=verify-ca&sslrootcert={}", root.display()),
    );
    assert!(encrypted(&database, &url).expect("verify-ca with the server's root"));

    let dir = tempfile::tempdir().expect("dir");
    let other = dir.path().join("other-root.pem");
    let certificate = rcgen::generate_simple_self_signed(vec!["db.example.org".to_owned()])
        .expect("a certificate");
    std::fs::write(&other, certificate.cert.pem()).expect("write");
    let url = with_query(
        &database.url,
        &format!("sslmode=verify-ca&sslrootcert={}", other.display()),
    );
    let error = encrypted(&database, &url).expect_err("a root that did not sign the server's");
    assert!(error.contains("certificate"), "{error}");
    assert!(!error.contains("password"), "{error}");
}

#[test]
fn verify_full_checks_the_name_the_certificate_gives() {
    let Some((database, root)) = database_with_tls() else {
        return;
    };
    let names = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-ext", "subjectAltName", "-in"])
        .arg(&root)
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    let query = format!("sslmode=verify-full&sslrootcert={}", root.display());
    // The test server is reached at 127.0.0.1, which a certificate made for a host name
    // (`localhost`, the machine's name) does not name.
    if !names.contains("IP Address:127.0.0.1") {
        let error = encrypted(&database, &with_query(&database.url, &query))
            .expect_err("a certificate that does not name 127.0.0.1");
        assert!(error.contains("certificate"), "{error}");
    }
    // Reached by a name the certificate gives, the same server passes.
    if names.contains("DNS:localhost") {
        let mut url = url::Url::parse(&database.url).expect("a URL");
        url.set_host(Some("localhost")).expect("host");
        assert!(encrypted(&database, &with_query(url.as_str(), &query)).expect("verify-full"));
    }
}

#[test]
fn an_unknown_sslmode_is_refused_naming_it_before_connecting() {
    let Err(error) = store::open(&Location::Postgres(
        "postgres://beat@127.0.0.1:1/beat?sslmode=strict".to_owned(),
    )) else {
        panic!("an unknown mode opened a store");
    };
    assert!(error.to_string().contains("`strict`"), "{error}");
    assert!(
        store::check_postgres_url("postgres://beat@db/beat?sslmode=strict").is_err(),
        "`check` refuses it too"
    );
    assert!(
        store::check_postgres_url("postgres://beat@db/beat?sslmode=verify-full&sslrootcert=/r.pem")
            .is_ok(),
        "and reads the modes that verify"
    );
}
