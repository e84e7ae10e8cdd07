//! How a PostgreSQL store's connections are secured: libpq's `sslmode` and `sslrootcert`, read
//! from the store URL (or, when it does not say, from `$PGSSLMODE` and `$PGSSLROOTCERT`, as every
//! libpq client does), turned into the URL tokio-postgres is given and a rustls client for it.
//!
//! tokio-postgres knows only `disable`, `prefer` and `require`, verifies nothing by itself, and
//! refuses `sslrootcert`; so both parameters are taken out of the URL here and the modes that
//! verify are done by the rustls client:
//!
//! | `sslmode` | TLS | the server's certificate |
//! |---|---|---|
//! | `disable` | never | - |
//! | `prefer` (the default) | when the server offers it | not checked |
//! | `require` | always | not checked |
//! | `verify-ca` | always | signed by a root (`sslrootcert`, else the system's) |
//! | `verify-full` | always | as `verify-ca`, and names the host connected to |
//!
//! Must not: connect, or read anything else of the URL (tokio-postgres parses the rest).

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_cert_signed_by_trust_anchor};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(text: &str) -> Result<Mode, TlsError> {
        Ok(match text {
            "disable" => Mode::Disable,
            // `allow` tries plain text first; no server here asks for TLS only after refusing
            // it, so it is read as `prefer`, which gives the same connection.
            "allow" | "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            other => return Err(TlsError::Mode(other.to_owned())),
        })
    }

    /// What tokio-postgres is told: the modes that verify are `require` to it.
    fn ssl_mode(self) -> SslMode {
        match self {
            Mode::Disable => SslMode::Disable,
            Mode::Prefer => SslMode::Prefer,
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
        }
    }
}

/// How one store's connections are secured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub mode: Mode,
    /// A PEM file of the root certificates the server's must chain to (`verify-ca`,
    /// `verify-full`); `None` means the system's.
    pub root_cert: Option<PathBuf>,
}

/// A TLS setting that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error(
        "unknown sslmode `{0}`: expected disable, allow, prefer, require, verify-ca or verify-full"
    )]
    Mode(String),
    #[error("cannot read the root certificates in {path}: {reason}")]
    RootCert { path: PathBuf, reason: String },
    #[error("no root certificate could be loaded from {0}")]
    NoRoots(String),
    #[error("cannot set up TLS: {0}")]
    Setup(String),
}

/// `url` without its `sslmode` and `sslrootcert` parameters, and the TLS they (or `env`, for
/// what the URL does not say) ask for. `env` is `std::env::var` but for tests.
pub fn split(url: &str, env: impl Fn(&str) -> Option<String>) -> Result<(String, Tls), TlsError> {
    // By hand rather than with `url::Url`: a PostgreSQL URL may list several hosts
    // (`postgres://a,b/db`), which is no URL to it; only the query is read, and the rest is
    // handed on as written.
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (mut mode, mut root_cert) = (None, None);
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = || percent_encoding::percent_decode_str(value).decode_utf8_lossy();
        match key {
            "sslmode" => mode = Some(Mode::parse(&value())?),
            "sslrootcert" => root_cert = Some(PathBuf::from(value().into_owned())),
            _ => kept.push(pair),
        }
    }
    let env = |name: &str| env(name).filter(|v| !v.is_empty());
    let mode = match (mode, env("PGSSLMODE")) {
        (Some(mode), _) => mode,
        (None, Some(text)) => Mode::parse(&text)?,
        (None, None) => Mode::Prefer,
    };
    let root_cert = root_cert.or_else(|| env("PGSSLROOTCERT").map(PathBuf::from));
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, Tls { mode, root_cert }))
}

impl Tls {
    /// The mode tokio-postgres connects with.
    pub fn ssl_mode(&self) -> SslMode {
        self.mode.ssl_mode()
    }

    /// The connector for tokio-postgres. Roots are read here, once a store opens, so a missing
    /// or empty `sslrootcert` is an error at open, not at the first connection.
    pub fn connector(&self) -> Result<MakeRustlsConnect, TlsError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Setup(e.to_string()))?;
        let libpq = |roots| {
            Arc::new(LibpqVerifier {
                roots,
                algorithms: provider.signature_verification_algorithms,
            })
        };
        let config = match self.mode {
            Mode::Disable | Mode::Prefer | Mode::Require => builder
                .dangerous()
                .with_custom_certificate_verifier(libpq(None)),
            Mode::VerifyCa => builder
                .dangerous()
                .with_custom_certificate_verifier(libpq(Some(Arc::new(self.roots()?)))),
            Mode::VerifyFull => {
                let verifier = WebPkiServerVerifier::builder_with_provider(
                    Arc::new(self.roots()?),
                    provider.clone(),
                )
                .build()
                .map_err(|e| TlsError::Setup(e.to_string()))?;
                builder.with_webpki_verifier(verifier)
            }
        }
        .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }

    fn roots(&self) -> Result<RootCertStore, TlsError> {
        let mut roots = RootCertStore::empty();
        let (certificates, from) = match &self.root_cert {
            Some(path) => {
                let failed = |reason: String| TlsError::RootCert {
                    path: path.clone(),
                    reason,
                };
                let certificates = CertificateDer::pem_file_iter(path)
                    .map_err(|e| failed(e.to_string()))?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| failed(e.to_string()))?;
                (certificates, path.display().to_string())
            }
            None => (
                rustls_native_certs::load_native_certs().certs,
                "the system's certificate store".to_owned(),
            ),
        };
        let (added, _) = roots.add_parsable_certificates(certificates);
        if added == 0 {
            return Err(TlsError::NoRoots(from));
        }
        Ok(roots)
    }
}

/// The server's certificate checked as libpq's `prefer`, `require` and `verify-ca` do, which
/// rustls's own verifier cannot (it always checks the chain and the host name): with no roots
/// (`prefer`, `require`), not at all; with roots (`verify-ca`), that it chains to one of them
/// and is valid now, whatever host it names. The handshake's signatures are checked either way,
/// so the server holds the key of the certificate it shows.
#[derive(Debug)]
struct LibpqVerifier {
    roots: Option<Arc<RootCertStore>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for LibpqVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(roots) = &self.roots {
            let certificate = rustls::server::ParsedCertificate::try_from(end_entity)?;
            verify_server_cert_signed_by_trust_anchor(
                &certificate,
                roots,
                intermediates,
                now,
                self.algorithms.all,
            )?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_tls_parameters_leave_the_url_and_the_rest_stays_in_order() {
        let (url, tls) = split(
            "postgres://beat@db.example.org/beat?application_name=w1&sslmode=verify-full&sslrootcert=%2Fetc%2Fbeat%2Froot.pem&connect_timeout=5",
            none,
        )
        .expect("split");
        assert_eq!(
            url,
            "postgres://beat@db.example.org/beat?application_name=w1&connect_timeout=5"
        );
        assert_eq!(tls.mode, Mode::VerifyFull);
        assert_eq!(tls.root_cert, Some(PathBuf::from("/etc/beat/root.pem")));
        assert_eq!(tls.ssl_mode(), SslMode::Require);
    }

    #[test]
    fn without_a_word_the_mode_is_prefer_and_the_url_is_unchanged() {
        let (url, tls) = split("postgres://beat@db/beat", none).expect("split");
        assert_eq!(url, "postgres://beat@db/beat");
        assert_eq!(
            tls,
            Tls {
                mode: Mode::Prefer,
                root_cert: None
            }
        );
        let (url, _) = split("postgres://beat@db/beat?sslmode=disable", none).expect("split");
        assert_eq!(url, "postgres://beat@db/beat");
    }

    #[test]
    fn the_environment_fills_in_what_the_url_does_not_say() {
        let env = |name: &str| match name {
            "PGSSLMODE" => Some("verify-ca".to_owned()),
            "PGSSLROOTCERT" => Some("/etc/ca.pem".to_owned()),
            _ => None,
        };
        let (_, tls) = split("postgres://beat@db/beat", env).expect("split");
        assert_eq!(tls.mode, Mode::VerifyCa);
        assert_eq!(tls.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        // The URL wins over the environment.
        let (_, tls) = split(
            "postgres://beat@db/beat?sslmode=disable&sslrootcert=here.pem",
            env,
        )
        .expect("split");
        assert_eq!(tls.mode, Mode::Disable);
        assert_eq!(tls.root_cert, Some(PathBuf::from("here.pem")));
        // An empty variable is not set.
        let blank = |_: &str| Some(String::new());
        assert_eq!(
            split("postgres://db/beat", blank).expect("split").1.mode,
            Mode::Prefer
        );
    }

    #[test]
    fn an_unknown_mode_is_refused_by_name_from_the_url_or_the_environment() {
        let error = split("postgres://db/beat?sslmode=verify_full", none).expect_err("unknown");
        assert!(error.to_string().contains("`verify_full`"), "{error}");
        let env = |name: &str| (name == "PGSSLMODE").then(|| "strict".to_owned());
        let error = split("postgres://db/beat", env).expect_err("unknown");
        assert!(error.to_string().contains("`strict`"), "{error}");
    }

    #[test]
    fn a_root_file_that_is_missing_or_holds_no_certificate_is_an_error_at_open() {
        let dir = tempfile::tempdir().expect("dir");
        let missing = Tls {
            mode: Mode::VerifyCa,
            root_cert: Some(dir.path().join("absent.pem")),
        };
        let Err(error) = missing.connector() else {
            panic!("a missing root file was read");
        };
        assert!(error.to_string().contains("absent.pem"), "{error}");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").expect("write");
        let Err(error) = (Tls {
            mode: Mode::VerifyFull,
            root_cert: Some(empty),
        })
        .connector() else {
            panic!("a root file of no certificate was read");
        };
        assert!(error.to_string().contains("empty.pem"), "{error}");
        // The modes that verify nothing need no roots.
        assert!(
            Tls {
                mode: Mode::Require,
                root_cert: Some(dir.path().join("absent.pem"))
            }
            .connector()
            .is_ok()
        );
    }
}
