//! TLS to PostgreSQL, through rustls: the connector a location's `sslmode` and `sslrootcert` ask
//! for (see [`crate::Location::parse`]).
//!
//! A server's certificate is always checked against the certificates in `sslrootcert`, never
//! taken on trust: `require` and `verify-ca` check that they sign it, `verify-full` also that it
//! names the host connected to. (libpq's `require` without a root file checks nothing; a
//! connection that anyone on the path can read and rewrite is no better than a plain one, so this
//! build asks for the file.)

use std::path::Path;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::StoreError;

/// Whether the server's certificate must name the host connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// `require`, `verify-ca`: signed by a root of `sslrootcert`.
    Chain,
    /// `verify-full`: that, and issued for the host.
    ChainAndName,
}

/// The connector for connections that check the server's certificate against the PEM
/// certificates in `roots`.
pub(crate) fn connector(roots: &Path, check: Check) -> Result<MakeRustlsConnect, StoreError> {
    let invalid = |why: String| {
        StoreError::InvalidLocation(format!("sslrootcert: {}: {why}", roots.display()))
    };
    let mut store = RootCertStore::empty();
    let certificates = CertificateDer::pem_file_iter(roots)
        .map_err(|e| invalid(format!("cannot read it: {e}")))?;
    for certificate in certificates {
        let certificate = certificate.map_err(|e| invalid(format!("not PEM certificates: {e}")))?;
        store
            .add(certificate)
            .map_err(|e| invalid(format!("a certificate that cannot be a root: {e}")))?;
    }
    if store.is_empty() {
        return Err(invalid("holds no PEM certificate".into()));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
        .build()
        .map_err(|e| invalid(e.to_string()))?;
    let verifier: Arc<dyn ServerCertVerifier> = match check {
        Check::ChainAndName => webpki,
        Check::Chain => Arc::new(ChainOnly(webpki)),
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// libpq's `verify-ca`: the certificate's chain checked to a root, whatever host it names.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            // The name is checked after the chain: this error means the chain held.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
