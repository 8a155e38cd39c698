//! TAK devices' identity: a device enrols for a client certificate with its
//! party's token as the password, then reports over Cursor-on-Target by the
//! certificate alone. The certificate is what the service says (whatever
//! the request asked), acts as the credential that enrolled it and no
//! other, and stops with it; a certificate the device CA did not issue gets
//! nowhere.

use super::*;
use crate::revocation::{cot_position, head, track_of};
use crate::scene::{GATE, WEST_OF_GATE, scene};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, SanType,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio_rustls::rustls::{self, RootCertStore};
use x509_parser::prelude::{FromDer, X509Certificate};

/// Cursor-on-Target over TLS for `h`, serving a certificate for
/// `localhost`, which is returned.
async fn serve_cot_tls(h: &Harness) -> (SocketAddr, CertificateDer<'static>) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (h.dir.path().join("cot.crt"), h.dir.path().join("cot.key"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let identity = deconflict_server::tls::Identity::read(&cert, &key).unwrap();
    h.state.enrol_against(&identity);
    let tls = h.state.cot_tls(&identity).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(deconflict_server::cot::serve_cot(
        listener,
        Some(tls),
        h.state.clone(),
        None,
        std::future::pending(),
    ));
    (addr, made.cert.der().clone())
}

/// A request for `path` as a TAK client sends it: HTTP Basic with `user`
/// and `password`.
fn basic(method: Method, path: &str, user: &str, password: &str) -> axum::http::request::Builder {
    let credentials = STANDARD.encode(format!("{user}:{password}"));
    Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Basic {credentials}"))
}

/// A key and the PKCS#10 request `params` make of it, PEM.
fn request(params: &CertificateParams) -> (KeyPair, String) {
    let key = KeyPair::generate().unwrap();
    let csr = params.serialize_request(&key).unwrap().pem().unwrap();
    (key, csr)
}

/// Enrols a device of `who` named `user` with `csr`.
async fn enrol(h: &Harness, who: &str, user: &str, csr: &str) -> Reply {
    let request = basic(
        Method::POST,
        "/Marti/api/tls/signClient/v2?clientUid=ANDROID-test&version=5.2",
        user,
        &h.token(who),
    )
    .header("content-type", "application/pkcs10")
    .body(Body::from(csr.to_owned()))
    .unwrap();
    h.send(request).await
}

/// A device of `who`: its key and the certificate it was issued, with what
/// the answer said to trust.
struct Device {
    key: KeyPair,
    certificate: CertificateDer<'static>,
    trust: Vec<CertificateDer<'static>>,
}

async fn enrolled(h: &Harness, who: &str, user: &str) -> Device {
    let (key, csr) = request(&CertificateParams::default());
    let answer = enrol(h, who, user, &csr).await.expect(200).json();
    let der =
        |value: &Value| CertificateDer::from(STANDARD.decode(value.as_str().unwrap()).unwrap());
    let trust = (0..)
        .map_while(|i| answer.get(format!("ca{i}")))
        .map(der)
        .collect();
    Device {
        key,
        certificate: der(&answer["signedCert"]),
        trust,
    }
}

/// A TLS connection to `addr` trusting `server`, presenting `chain` with
/// `key`.
async fn connect(
    addr: SocketAddr,
    server: &CertificateDer<'static>,
    chain: Vec<CertificateDer<'static>>,
    key: &KeyPair,
) -> std::io::Result<TlsStream<TcpStream>> {
    let mut roots = RootCertStore::empty();
    roots.add(server.clone()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_client_auth_cert(chain, PrivateKeyDer::Pkcs8(key.serialize_der().into()))
    .unwrap();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await?;
    connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
}

/// Whether the service ends the TLS connection within `wait`: a refused
/// certificate, or a revoked credential.
async fn ended_within(tls: &mut TlsStream<TcpStream>, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, tls.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

/// Whether a device presenting `chain` is refused: its handshake fails, or
/// the connection ends within a second of its first report.
async fn refused(
    addr: SocketAddr,
    server: &CertificateDer<'static>,
    chain: Vec<CertificateDer<'static>>,
    key: &KeyPair,
) -> bool {
    match connect(addr, server, chain, key).await {
        Err(_) => true,
        Ok(mut tls) => {
            let _ = tls
                .write_all(cot_position("ANDROID-pmf-3", GATE, "").as_bytes())
                .await;
            ended_within(&mut tls, Duration::from_secs(1)).await
        }
    }
}

/// Waits until the unit's track is at `at`, or fails after five seconds.
async fn until_tracked(h: &Harness, unit: &str, at: (f64, f64)) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while track_of(h, unit).await != Some(at) {
        assert!(Instant::now() < deadline, "the report was not taken");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn parsed<'a>(der: &'a CertificateDer<'_>) -> X509Certificate<'a> {
    X509Certificate::from_der(der).unwrap().1
}

#[tokio::test]
async fn a_device_enrolled_with_its_token_reports_by_its_certificate_alone() {
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    let (addr, server) = serve_cot_tls(&h).await;
    let device = enrolled(&h, "pmf/operator", "pmf-3-radio").await;

    // What it is issued: its user name and party, for client authentication.
    let issued = parsed(&device.certificate);
    let subject = issued.subject().to_string();
    assert!(
        subject.contains("CN=pmf-3-radio") && subject.contains("OU=pmf"),
        "{subject}"
    );
    assert!(!issued.is_ca());
    let usage = issued.extended_key_usage().unwrap().unwrap().value;
    assert!(usage.client_auth && !usage.server_auth);
    // To trust: the service's certificate, then the device CA, which
    // issued it.
    assert_eq!(device.trust.len(), 2);
    assert_eq!(device.trust[0], server);
    assert_eq!(issued.issuer(), parsed(&device.trust[1]).subject());
    assert!(parsed(&device.trust[1]).is_ca());

    // A stock position report: no token anywhere.
    let mut tak = connect(addr, &server, vec![device.certificate], &device.key)
        .await
        .unwrap();
    let report = cot_position("ANDROID-pmf-3", GATE, "");
    assert!(!report.contains("token"));
    tak.write_all(report.as_bytes()).await.unwrap();
    until_tracked(&h, &unit, GATE).await;
}

#[tokio::test]
async fn a_certificate_says_what_the_service_says_whatever_the_request_asks() {
    let h = Harness::new();
    scene(&h).await;
    let (addr, server) = serve_cot_tls(&h).await;
    // The PMF asks to be a CA, for the coalition's name, for serving.
    let mut greedy = CertificateParams::new(vec!["joc.example".to_owned()]).unwrap();
    greedy.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    greedy.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let mut names = DistinguishedName::new();
    names.push(DnType::CommonName, "coalition");
    names.push(DnType::OrganizationalUnitName, "coalition");
    greedy.distinguished_name = names;
    let (key, csr) = request(&greedy);
    let answer = enrol(&h, "pmf/operator", "pmf-liaison", &csr)
        .await
        .expect(200)
        .json();
    let der = CertificateDer::from(
        STANDARD
            .decode(answer["signedCert"].as_str().unwrap())
            .unwrap(),
    );
    let issued = parsed(&der);
    let subject = issued.subject().to_string();
    assert!(
        subject.contains("OU=pmf") && !subject.contains("coalition"),
        "{subject}"
    );
    assert!(!issued.is_ca());
    assert!(issued.subject_alternative_name().unwrap().is_none());
    let usage = issued.extended_key_usage().unwrap().unwrap().value;
    assert!(usage.client_auth && !usage.server_auth);

    // Signing a certificate of its own with it gets the PMF nowhere.
    let issuer = Issuer::from_ca_cert_der(&der, key).unwrap();
    let mut forged = CertificateParams::default();
    forged
        .distinguished_name
        .push(DnType::OrganizationalUnitName, "coalition");
    let forged_key = KeyPair::generate().unwrap();
    let forged = forged.signed_by(&forged_key, &issuer).unwrap();
    let before = head(&h).await;
    let chain = vec![forged.der().clone(), der];
    assert!(
        refused(addr, &server, chain, &forged_key).await,
        "a certificate signed by a device's is taken"
    );
    assert_eq!(head(&h).await, before);
}

#[tokio::test]
async fn a_certificate_of_another_ca_is_refused_at_the_handshake() {
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    let (addr, server) = serve_cot_tls(&h).await;
    // A CA of the PMF's own making, and a certificate from it that says
    // everything the service's would.
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::default();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "deconflict device CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_ca_cert_der(ca_cert.der(), ca_key).unwrap();
    let mut leaf = CertificateParams::default();
    leaf.distinguished_name
        .push(DnType::CommonName, "pmf-3-radio");
    leaf.distinguished_name
        .push(DnType::OrganizationalUnitName, "pmf");
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    leaf.subject_alt_names = vec![SanType::DnsName("localhost".try_into().unwrap())];
    let key = KeyPair::generate().unwrap();
    let leaf = leaf.signed_by(&key, &issuer).unwrap();
    assert!(
        refused(addr, &server, vec![leaf.der().clone()], &key).await,
        "a certificate of another CA is taken"
    );
    assert_ne!(track_of(&h, &unit).await, Some(GATE));
}

#[tokio::test]
async fn revoking_a_credential_revokes_its_devices_certificates() {
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    let (addr, server) = serve_cot_tls(&h).await;
    let device = enrolled(&h, "pmf/operator", "pmf-3-radio").await;
    let chain = vec![device.certificate.clone()];
    let mut tak = connect(addr, &server, chain.clone(), &device.key)
        .await
        .unwrap();
    tak.write_all(cot_position("ANDROID-pmf-3", GATE, "").as_bytes())
        .await
        .unwrap();
    until_tracked(&h, &unit, GATE).await;

    h.directory().revoke(&h.credential("pmf/operator")).unwrap();
    assert!(
        ended_within(&mut tak, Duration::from_secs(1)).await,
        "the device's connection stays open"
    );
    // Connecting again with the certificate: closed, nothing recorded.
    let before = head(&h).await;
    if let Ok(mut again) = connect(addr, &server, chain, &device.key).await {
        let _ = again
            .write_all(cot_position("ANDROID-pmf-3", WEST_OF_GATE, "").as_bytes())
            .await;
        assert!(ended_within(&mut again, Duration::from_secs(1)).await);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(head(&h).await, before);
    assert_eq!(track_of(&h, &unit).await, Some(GATE));
    // Nor can the revoked token enrol another device.
    let (_, csr) = request(&CertificateParams::default());
    enrol(&h, "pmf/operator", "pmf-3-spare", &csr)
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn enrolment_takes_a_token_as_the_basic_password_and_nothing_else() {
    let h = Harness::new();
    let (_, csr) = request(&CertificateParams::default());
    let post = |request: axum::http::request::Builder| {
        request
            .header("content-type", "application/pkcs10")
            .body(Body::from(csr.clone()))
            .unwrap()
    };
    let path = "/Marti/api/tls/signClient/v2?clientUid=x";
    // No credentials, a bearer token, a wrong password: 401, asking for Basic.
    let bare = Request::builder().method(Method::POST).uri(path);
    let bearer = Request::builder().method(Method::POST).uri(path).header(
        "authorization",
        format!("Bearer {}", h.token("pmf/operator")),
    );
    let wrong = basic(Method::POST, path, "pmf-3", "dcf_0000");
    for request in [bare, bearer, wrong] {
        let reply = h.send(post(request)).await;
        assert_eq!(
            reply.headers["www-authenticate"],
            r#"Basic realm="deconflict""#
        );
        reply.problem(401, "unauthenticated");
    }
    // A name the certificate cannot carry, and a body that is no request.
    let token = h.token("pmf/operator");
    let unnamed = h.send(post(basic(Method::POST, path, " ", &token))).await;
    assert_eq!(unnamed.problem(422, "invalid_field")["field"], "username");
    let garbage = basic(Method::POST, path, "pmf-3", &token)
        .body(Body::from("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"))
        .unwrap();
    h.send(garbage).await.problem(422, "malformed_body");

    // The names asked for are the caller's own party's.
    let config = h
        .send(
            basic(Method::GET, "/Marti/api/tls/config", "pmf-3", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .expect(200);
    assert_eq!(config.headers["content-type"], "application/xml");
    let config = config.text();
    assert!(
        config.contains(r#"<nameEntry name="OU" value="pmf"/>"#),
        "{config}"
    );
    for other in ["coalition", "joc", "isf", "ocha"] {
        assert!(!config.contains(other), "{config}");
    }
    // XML for a client that takes only XML.
    let xml = h
        .send(
            basic(Method::POST, path, "pmf-3", &token)
                .header("accept", "application/xml")
                .body(Body::from(csr.clone()))
                .unwrap(),
        )
        .await
        .expect(200)
        .text();
    assert!(
        xml.starts_with("<enrollment><signedCert>") && xml.contains("<ca>"),
        "{xml}"
    );
    // No profile to hand out.
    h.send(
        basic(
            Method::GET,
            "/Marti/api/device/profile/enrollment?clientUid=x",
            "pmf-3",
            &token,
        )
        .body(Body::empty())
        .unwrap(),
    )
    .await
    .expect(204);
}
