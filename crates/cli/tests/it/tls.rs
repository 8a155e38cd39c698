//! HTTPS with `--tls-cert` and `--tls-key`: a certificate made for the test,
//! a client that trusts only it and one that does not, and the refusals.

use crate::demo::demo;
use crate::{Server, bin, connect, data_dir, exchange, http, run};
use rustls::pki_types::{CertificateDer, ServerName};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A self-signed certificate for `localhost`, as PEM files.
pub(crate) struct Cert {
    pub(crate) cert: PathBuf,
    key: PathBuf,
    pub(crate) der: CertificateDer<'static>,
}

impl Cert {
    /// Writes `NAME.crt` and `NAME.key` into `dir`.
    pub(crate) fn new(dir: &Path, name: &str) -> Cert {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let cert = dir.join(format!("{name}.crt"));
        let key = dir.join(format!("{name}.key"));
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
        Cert {
            cert,
            key,
            der: made.cert.der().clone(),
        }
    }

    /// `--tls-cert CERT --tls-key KEY`.
    pub(crate) fn flags(&self) -> [&str; 4] {
        [
            "--tls-cert",
            self.cert.to_str().unwrap(),
            "--tls-key",
            self.key.to_str().unwrap(),
        ]
    }
}

/// A TLS connection to `addr` for `localhost`, trusting only `trusted`.
pub(crate) fn tls_client(
    addr: &str,
    trusted: &CertificateDer<'static>,
) -> std::io::Result<rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(trusted.clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let tls = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    Ok(rustls::StreamOwned::new(tls, connect(addr)?))
}

/// One HTTPS request to `addr` for `localhost`, trusting only `trusted`.
fn https(
    addr: &str,
    trusted: &CertificateDer<'static>,
    path: &str,
    token: Option<&str>,
) -> std::io::Result<(u16, String)> {
    exchange(tls_client(addr, trusted)?, addr, "GET", path, token, None)
}

/// `127.0.0.1` with the port of `addr`, whatever address it listens on.
fn loopback(addr: &str) -> String {
    let (_, port) = addr.rsplit_once(':').unwrap();
    format!("127.0.0.1:{port}")
}

#[test]
fn serves_https_to_a_client_that_trusts_the_certificate_and_only_https() {
    let (dir, tokens) = data_dir(&["coalition/viewer"]);
    let cert = Cert::new(dir.path(), "service");
    let mut server = Server::serve(dir.path(), &cert.flags());
    assert!(
        server
            .banner
            .contains(&format!("on https://{}", server.addr)),
        "{}",
        server.banner
    );
    let (status, body) = https(&server.addr, &cert.der, "/healthz", None).unwrap();
    assert_eq!(status, 200, "{body}");
    let (status, body) = https(
        &server.addr,
        &cert.der,
        "/v1/declarations",
        Some(&tokens[0]),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let (status, _) = https(&server.addr, &cert.der, "/v1/declarations", None).unwrap();
    assert_eq!(status, 401);

    let plain = http(&server.addr, "GET", "/healthz", None, None);
    assert!(!matches!(plain, Ok((200, _))), "{plain:?}");
    let stranger = Cert::new(dir.path(), "stranger");
    let err = https(&server.addr, &stranger.der, "/healthz", None).unwrap_err();
    let rustls_error = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    assert!(
        matches!(rustls_error, Some(rustls::Error::InvalidCertificate(_))),
        "{err:?}"
    );
    // Neither failed handshake stopped the service, and it stops cleanly.
    let (status, _) = https(&server.addr, &cert.der, "/healthz", None).unwrap();
    assert_eq!(status, 200);
    server.signal("TERM");
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn with_tls_any_address_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let cert = Cert::new(dir.path(), "service");
    let mut command = bin();
    command
        .args(["serve", "--data", dir.path().to_str().unwrap()])
        .args(["--listen", "0.0.0.0:0", "--cot-listen", "off"])
        .args(["--cot-tls-listen", "off"])
        .args(cert.flags());
    let server = Server::start(command, "deconflict: serving");
    assert!(server.addr.starts_with("0.0.0.0:"), "{}", server.banner);
    let (status, body) = https(&loopback(&server.addr), &cert.der, "/healthz", None).unwrap();
    assert_eq!(status, 200, "{body}");
}

#[test]
fn the_demo_prints_its_https_url() {
    let dir = tempfile::tempdir().unwrap();
    let cert = Cert::new(dir.path(), "service");
    let server = demo(&cert.flags());
    let url = format!("https://{}", server.addr);
    assert!(
        server.banner.contains(&format!("url:      {url}\n")),
        "{}",
        server.banner
    );
    assert!(
        server.banner.contains(&format!("export DCF={url}\n")),
        "{}",
        server.banner
    );
    let (status, body) = https(&server.addr, &cert.der, "/healthz", None).unwrap();
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_certificate_without_its_key_or_a_bad_pem_file_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let cert = Cert::new(dir.path(), "service");
    let other = Cert::new(dir.path(), "other");
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate\n").unwrap();
    let garbage = garbage.to_str().unwrap();
    let missing = dir.path().join("missing.pem");
    let missing = missing.to_str().unwrap();
    let (cert_file, key_file) = (cert.cert.to_str().unwrap(), cert.key.to_str().unwrap());
    let other_key = other.key.to_str().unwrap();
    let data = dir.path().join("data");
    let refusal = |tls: &[&str]| {
        let mut args = vec![
            "serve",
            "--data",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ];
        args.extend(tls);
        let out = run(&args);
        assert!(!out.status.success(), "{tls:?} was accepted");
        String::from_utf8(out.stderr).unwrap()
    };
    for (tls, expected) in [
        (vec!["--tls-cert", cert_file], "tls_key: missing".to_owned()),
        (vec!["--tls-key", key_file], "tls_cert: missing".to_owned()),
        (
            vec!["--tls-cert", garbage, "--tls-key", key_file],
            format!("the TLS certificate `{garbage}`: holds no PEM certificate"),
        ),
        (
            vec!["--tls-cert", cert_file, "--tls-key", garbage],
            format!("the TLS private key `{garbage}`: holds no PEM"),
        ),
        (
            vec!["--tls-cert", missing, "--tls-key", key_file],
            format!("the TLS certificate `{missing}`: cannot read it"),
        ),
        (
            vec!["--tls-cert", cert_file, "--tls-key", other_key],
            format!("the TLS certificate `{cert_file}` and private key `{other_key}`"),
        ),
    ] {
        let err = refusal(&tls);
        assert!(err.contains(&expected), "{tls:?}: {err}");
    }
}

#[test]
fn cursor_on_target_over_tls_answers_a_ping_and_refuses_untrusting_clients() {
    let (dir, _) = data_dir(&[]);
    let cert = Cert::new(dir.path(), "cot");
    let mut command = bin();
    command
        .args(["serve", "--data", dir.path().to_str().unwrap()])
        .args(["--listen", "127.0.0.1:0", "--cot-listen", "off"])
        .args(["--cot-tls-listen", "127.0.0.1:0"])
        .args(cert.flags());
    let server = Server::start(command, "deconflict: serving");
    let cot = server
        .banner
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("deconflict: Cursor-on-Target on tls://")
        })
        .unwrap_or_else(|| panic!("no CoT over TLS in\n{}", server.banner))
        .to_owned();
    let now = "2026-01-01T00:00:00Z";
    let ping = format!(
        "<event version=\"2.0\" uid=\"ping-tls\" type=\"t-x-c-t\" how=\"h-g-i-g-o\" time=\"{now}\" \
         start=\"{now}\" stale=\"{now}\"><point lat=\"0\" lon=\"0\" hae=\"0\" ce=\"9999999\" \
         le=\"9999999\"/><detail/></event>"
    );
    let mut tak = tls_client(&cot, &cert.der).unwrap();
    use std::io::{Read, Write};
    tak.write_all(ping.as_bytes()).unwrap();
    tak.flush().unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&answer).contains("</event>") {
        let n = tak.read(&mut buf).unwrap();
        assert!(n > 0, "closed: {}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.contains("t-x-c-t-r") && answer.contains("ping-tls"),
        "{answer}"
    );
    // A client that does not trust the certificate gets no session.
    let other = Cert::new(dir.path(), "other");
    let mut stranger = tls_client(&cot, &other.der).unwrap();
    assert!(
        stranger
            .write_all(ping.as_bytes())
            .and_then(|()| stranger.flush())
            .is_err()
    );
}
