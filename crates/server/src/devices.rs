//! TAK devices' identity: the deployment's device CA, which signs the
//! certificate a device asks for when it enrols (`routes::marti`), and
//! tells which credential a certificate acts as when a device connects
//! with it (`crate::cot`).
//!
//! - **What is signed.** Only the request's public key is taken (its
//!   signature proving the device holds the key). Everything else is the
//!   service's: the subject names the user the device enrolled as and the
//!   party (`OU`); the certificate is for client authentication only, never
//!   a CA, valid for [`CERTIFICATE_LIFE_MS`]. A request asking to be a CA,
//!   or for other names, gets none of it.
//! - **Bound to a credential.** Each certificate is recorded, before it is
//!   handed out, with the credential that enrolled it (`deconflict_store::
//!   Devices`); a connection with it acts as that credential, and stops
//!   being able to once the credential is revoked.
//! - **One CA per deployment**, made by the first node to start and kept in
//!   the store, so every node trusts the certificates any node issued.

use crate::tls::{Identity, ServerConfig, TlsError};
use deconflict_model::Actor;
use deconflict_service::StartError;
use deconflict_store::{Credential, DeviceCa, DeviceCertificate, Devices, Location, StoreError};
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DistinguishedName,
    DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SerialNumber,
};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use tokio_rustls::rustls::RootCertStore;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::server::WebPkiClientVerifier;

/// How long a device certificate is valid: a year, as TAK servers issue
/// them; revoking the credential ends it sooner.
pub(crate) const CERTIFICATE_LIFE_MS: i64 = 365 * 24 * 3600 * 1000;
/// How long the CA is valid.
const CA_LIFE_MS: i64 = 30 * 365 * 24 * 3600 * 1000;
/// How far back a certificate's validity starts, for devices whose clocks
/// run behind.
const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;
/// The organisation every certificate names.
const ORGANISATION: &str = "deconflict";

/// Why a certificate was not issued.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EnrolError {
    #[error(
        "the body is not a PKCS#10 certificate signing request (PEM, or the base64 of its DER)"
    )]
    NotRequest,
    #[error("the certificate signing request cannot be used: {0}")]
    Request(rcgen::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("signing the certificate: {0}")]
    Signing(rcgen::Error),
}

/// A certificate just issued, and what the device should trust.
pub(crate) struct Issued {
    pub(crate) certificate: CertificateDer<'static>,
    /// The anchors of the service's own TLS certificate, then the device CA.
    pub(crate) trust: Vec<CertificateDer<'static>>,
}

/// The device CA of the deployment, and the table of what it issued.
pub(crate) struct Authority {
    issuer: Issuer<'static, KeyPair>,
    ca: CertificateDer<'static>,
    store: Arc<Mutex<Devices>>,
    /// What trusts the service's TLS certificate, once it serves TLS.
    server_anchors: OnceLock<Vec<CertificateDer<'static>>>,
}

impl Authority {
    /// The deployment's CA at `store`, made now if it has none.
    pub(crate) fn open(store: &Location) -> Result<Authority, StartError> {
        let mut devices = Devices::open_at(store)?;
        let now = deconflict_service::now_ms();
        let unusable = |e: rcgen::Error| StartError::DeviceCa(e.to_string());
        let made = make_ca(now).map_err(unusable)?;
        let stored = devices.ca_or_insert(|| made, now)?;
        let key = KeyPair::try_from(stored.key_pkcs8.as_slice()).map_err(unusable)?;
        let ca = CertificateDer::from(stored.cert_der);
        let issuer = Issuer::from_ca_cert_der(&ca, key).map_err(unusable)?;
        Ok(Authority {
            issuer,
            ca,
            store: Arc::new(Mutex::new(devices)),
            server_anchors: OnceLock::new(),
        })
    }

    /// Enrolment answers from now on tell devices to trust `identity`'s
    /// anchors: the certificate the service serves TLS with. Set once, at
    /// start-up.
    pub(crate) fn trust_service(&self, identity: &Identity) {
        let _ = self.server_anchors.set(identity.anchors());
    }

    /// The TLS configuration of a Cursor-on-Target listener serving
    /// `identity`: a client may present a certificate of this CA, or none
    /// (and then authenticate by token).
    pub(crate) fn serve(&self, identity: &Identity) -> Result<Arc<ServerConfig>, TlsError> {
        let mut roots = RootCertStore::empty();
        roots
            .add(self.ca.clone())
            .map_err(|e| TlsError::DeviceCa(e.to_string()))?;
        let verifier = WebPkiClientVerifier::builder_with_provider(
            Arc::new(roots),
            Arc::new(ring::default_provider()),
        )
        .allow_unauthenticated()
        .build()
        .map_err(|e| TlsError::DeviceCa(e.to_string()))?;
        identity.serve(verifier)
    }

    /// Signs the public key of `request` (PEM, or bare base64 DER) for a
    /// device of `actor`'s credential named `user`, and records it before handing
    /// it out.
    pub(crate) async fn issue(
        &self,
        request: &[u8],
        actor: &Actor,
        user: &str,
        client_uid: &str,
    ) -> Result<Issued, EnrolError> {
        let request = std::str::from_utf8(request)
            .ok()
            .and_then(request_der)
            .ok_or(EnrolError::NotRequest)?;
        let request = CertificateSigningRequestParams::from_der(&request.into())
            .map_err(EnrolError::Request)?;
        let now = deconflict_service::now_ms();
        let params = device_params(user, &actor.party, now);
        let certificate = params
            .signed_by(&request.public_key, &self.issuer)
            .map_err(EnrolError::Signing)?;
        let der = certificate.der().clone();
        let record = DeviceCertificate {
            sha256: Sha256::digest(&der).into(),
            credential_id: actor.credential_id.clone(),
            subject: user.to_owned(),
            client_uid: client_uid.to_owned(),
            issued_ms: now,
            expires_ms: now + CERTIFICATE_LIFE_MS,
        };
        let store = self.store.clone();
        crate::blocking::store(move || lock(&store).issued(&record)).await?;
        let mut trust = self.server_anchors.get().cloned().unwrap_or_default();
        trust.push(self.ca.clone());
        Ok(Issued {
            certificate: der,
            trust,
        })
    }

    /// The credential a device certificate (verified against the CA by the
    /// TLS handshake) acts as; `None` once revoked or expired.
    pub(crate) async fn credential(
        &self,
        certificate: &CertificateDer<'_>,
    ) -> Result<Option<Credential>, StoreError> {
        let sha256 = fingerprint(certificate);
        let store = self.store.clone();
        crate::blocking::store(move || {
            lock(&store).credential(&sha256, deconflict_service::now_ms())
        })
        .await
    }
}

/// The SHA-256 of a certificate's DER, by which the store knows it.
fn fingerprint(certificate: &CertificateDer<'_>) -> [u8; 32] {
    Sha256::digest(certificate).into()
}

fn lock(store: &Mutex<Devices>) -> std::sync::MutexGuard<'_, Devices> {
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The request's DER: from PEM, or from bare base64 as some TAK clients
/// send it.
fn request_der(body: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let inner: String = body
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(inner)
        .ok()
        .filter(|der| !der.is_empty())
}

fn make_ca(now_ms: i64) -> Result<DeviceCa, rcgen::Error> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::default();
    let id = u32::from_be_bytes(random());
    params.distinguished_name = names(&format!("deconflict device CA {id:08x}"), None);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.serial_number = Some(serial());
    params.not_before = instant(now_ms - CLOCK_SKEW_MS);
    params.not_after = instant(now_ms + CA_LIFE_MS);
    let certificate = params.self_signed(&key)?;
    Ok(DeviceCa {
        cert_der: certificate.der().to_vec(),
        key_pkcs8: key.serialize_der(),
    })
}

/// What a device certificate says, whatever its request asked.
fn device_params(user: &str, party: &str, now_ms: i64) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = names(user, Some(party));
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.use_authority_key_identifier_extension = true;
    params.serial_number = Some(serial());
    params.not_before = instant(now_ms - CLOCK_SKEW_MS);
    params.not_after = instant(now_ms + CERTIFICATE_LIFE_MS);
    params
}

fn names(common: &str, party: Option<&str>) -> DistinguishedName {
    let mut names = DistinguishedName::new();
    names.push(DnType::CommonName, common);
    names.push(DnType::OrganizationName, ORGANISATION);
    if let Some(party) = party {
        names.push(DnType::OrganizationalUnitName, party);
    }
    names
}

/// A random positive 128-bit serial number.
fn serial() -> SerialNumber {
    let mut bytes: [u8; 16] = random();
    bytes[0] &= 0x7f;
    SerialNumber::from_slice(&bytes)
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the system's random numbers");
    bytes
}

fn instant(ms: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::UNIX_EPOCH + time::Duration::milliseconds(ms)
}
