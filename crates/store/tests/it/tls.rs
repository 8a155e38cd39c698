//! TLS to PostgreSQL: a server that takes TCP connections over TLS only, and the store's
//! connections to it checked against the certificates a location names, never on trust.

use std::sync::OnceLock;

use deconflict_pgtest::TempPostgres;
use deconflict_store::{Location, Log};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};

use crate::{assert_contiguous_and_intact, entry};

/// A certificate authority's PEM certificate, and the server it signed for 127.0.0.1 only (no
/// host name), with the server's port.
struct Tls {
    ca: tempfile::NamedTempFile,
    /// Another authority, which signed nothing the server shows.
    stranger: tempfile::NamedTempFile,
    port: u16,
    server: TempPostgres,
}

fn authority(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    (pem, Issuer::new(params, key))
}

fn pem_file(pem: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), pem).unwrap();
    file
}

/// One TLS server for this file's tests.
fn tls() -> &'static Tls {
    static TLS: OnceLock<Tls> = OnceLock::new();
    TLS.get_or_init(|| {
        let (ca, issuer) = authority("deconflict test CA");
        let (stranger, _) = authority("another CA");
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.subject_alt_names = vec![SanType::IpAddress([127, 0, 0, 1].into())];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &issuer).unwrap();
        let (server, port) = TempPostgres::start_tls(&cert.pem(), &key.serialize_pem());
        Tls {
            ca: pem_file(&ca),
            stranger: pem_file(&stranger),
            port,
            server,
        }
    })
}

fn url(host: &str, query: &str) -> String {
    url_of("postgres", host, query)
}

fn url_of(database: &str, host: &str, query: &str) -> String {
    format!(
        "postgresql://postgres@{host}:{}/{database}?{query}",
        tls().port
    )
}

fn roots(file: &tempfile::NamedTempFile) -> String {
    file.path().display().to_string()
}

#[test]
fn a_log_is_kept_over_tls_checked_to_its_root_and_name() {
    let tls = tls();
    let database = tls.server.fresh_database();
    let database = database.rsplit('/').next().unwrap();
    let location = Location::parse(&url_of(
        database,
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={}", roots(&tls.ca)),
    ))
    .unwrap();
    let log = Log::open_at(&location).unwrap();
    assert_eq!(log.head().unwrap(), 0, "a database of its own");
    for seq in 1..=3 {
        log.submit(entry(seq)).wait().unwrap();
    }
    assert_contiguous_and_intact(&log.read(1, 10).unwrap());
    assert_eq!(log.head().unwrap(), 3);
}

#[test]
fn the_server_takes_no_connection_in_the_clear() {
    // What the TLS tests' success shows: the session got in, so it was encrypted.
    let location = Location::parse(&url("127.0.0.1", "sslmode=disable")).unwrap();
    let err = Log::open_at(&location).unwrap_err();
    assert!(err.to_string().contains("no encryption"), "{err}");
}

#[test]
fn a_certificate_from_another_authority_is_refused() {
    let tls = tls();
    for mode in ["verify-full", "verify-ca", "require"] {
        let location = Location::parse(&url(
            "127.0.0.1",
            &format!("sslmode={mode}&sslrootcert={}", roots(&tls.stranger)),
        ))
        .unwrap();
        let err = Log::open_at(&location).unwrap_err();
        assert!(err.to_string().contains("certificate"), "{mode}: {err}");
    }
}

#[test]
fn verify_full_checks_the_host_name_and_verify_ca_does_not() {
    let tls = tls();
    // The certificate names 127.0.0.1, not localhost.
    let full = Location::parse(&url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={}", roots(&tls.ca)),
    ))
    .unwrap();
    let err = Log::open_at(&full).unwrap_err();
    assert!(err.to_string().contains("certificate"), "{err}");
    let ca = Location::parse(&url(
        "localhost",
        &format!("sslmode=verify-ca&sslrootcert={}", roots(&tls.ca)),
    ))
    .unwrap();
    let log = Log::open_at(&ca).unwrap();
    log.head().unwrap();
}
