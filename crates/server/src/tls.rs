//! HTTPS: the rustls server configuration from PEM files, and the
//! handshake, bounded in time.
//!
//! Each handshake runs in its connection's own task (see `crate::serve`),
//! after the connection took its place under the connection cap, so a slow
//! or silent client holds up no one else, and a failed one is logged at
//! debug and forgotten: the accept loop never stops for a client's mistake.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::{self, PemObject};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::server::danger::ClientCertVerifier;
use tokio_rustls::server::TlsStream;

pub use tokio_rustls::rustls::ServerConfig;

/// How long a client may take over its handshake before it is dropped, so
/// connections that never speak do not pile up.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A certificate or key that cannot be used, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("the TLS {what} `{path}`: {reason}")]
    File {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("the device CA cannot verify client certificates: {0}")]
    DeviceCa(String),
    #[error("the TLS certificate `{cert}` and private key `{key}`: {error}")]
    Pair {
        cert: PathBuf,
        key: PathBuf,
        error: rustls::Error,
    },
}

/// A certificate chain (leaf first) and its private key, read from PEM
/// files, from which the service's TLS configurations are made.
pub struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    cert_path: PathBuf,
    key_path: PathBuf,
}

// Never prints the key.
impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("cert", &self.cert_path)
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// Reads the certificate chain in the PEM file `cert` (leaf first) and
    /// the private key in the PEM file `key` (PKCS#8, PKCS#1 or SEC1).
    pub fn read(cert: &Path, key: &Path) -> Result<Identity, TlsError> {
        Ok(Identity {
            chain: read_chain(cert)?,
            key: PrivateKeyDer::from_pem_file(key).map_err(|e| {
                file_error("private key", key, e, "PKCS#8, PKCS#1 or SEC1 private key")
            })?,
            cert_path: cert.to_owned(),
            key_path: key.to_owned(),
        })
    }

    /// What a client is given to trust this identity by: the chain's
    /// certificates above the leaf, or the leaf itself when it comes alone
    /// (self-signed, or pinned).
    pub(crate) fn anchors(&self) -> Vec<CertificateDer<'static>> {
        match self.chain.as_slice() {
            [leaf] => vec![leaf.clone()],
            [_, above @ ..] => above.to_vec(),
            [] => Vec::new(),
        }
    }

    /// HTTPS: TLS 1.2 and 1.3 with ring's algorithms, no client
    /// certificates.
    pub fn https(&self) -> Result<Arc<ServerConfig>, TlsError> {
        self.serve(WebPkiClientVerifier::no_client_auth())
    }

    /// As [`Identity::https`], asking clients for a certificate that
    /// `verifier` checks.
    pub(crate) fn serve(
        &self,
        verifier: Arc<dyn ClientCertVerifier>,
    ) -> Result<Arc<ServerConfig>, TlsError> {
        let pair = |error| TlsError::Pair {
            cert: self.cert_path.clone(),
            key: self.key_path.clone(),
            error,
        };
        let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(pair)?
            .with_client_cert_verifier(verifier)
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(pair)?;
        // HTTP/1.1, over TLS as in the clear: HTTP/2 would bring in a second
        // protocol stack for requests that are small and independent.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The HTTPS configuration of [`Identity::read`]`(cert, key)`.
pub fn config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    Identity::read(cert, key)?.https()
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let error = |e| file_error("certificate", path, e, "certificate");
    let chain = CertificateDer::pem_file_iter(path)
        .map_err(error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(error)?;
    if chain.is_empty() {
        return Err(error(pem::Error::NoItemsFound));
    }
    Ok(chain)
}

fn file_error(what: &'static str, path: &Path, error: pem::Error, wanted: &str) -> TlsError {
    let reason = match error {
        pem::Error::Io(e) => format!("cannot read it: {e}"),
        pem::Error::NoItemsFound => format!("holds no PEM {wanted}"),
        pem::Error::MissingSectionEnd { .. } => {
            "is not valid PEM: a section has no END line".into()
        }
        pem::Error::IllegalSectionStart { line } => format!(
            "is not valid PEM: a malformed BEGIN line `{}`",
            String::from_utf8_lossy(&line).trim_end()
        ),
        e => format!("is not valid PEM: {e}"),
    };
    TlsError::File {
        what,
        path: path.to_owned(),
        reason,
    }
}

/// The server side of a TLS handshake on `tcp`, given at most
/// [`HANDSHAKE_TIMEOUT`].
pub(crate) async fn handshake(
    acceptor: &TlsAcceptor,
    tcp: TcpStream,
) -> io::Result<TlsStream<TcpStream>> {
    tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp))
        .await
        .unwrap_or_else(|_| Err(io::ErrorKind::TimedOut.into()))
}
