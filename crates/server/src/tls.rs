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
    #[error("the TLS certificate `{cert}` and private key `{key}`: {error}")]
    Pair {
        cert: PathBuf,
        key: PathBuf,
        error: rustls::Error,
    },
}

/// TLS 1.2 and 1.3 with ring's algorithms, serving the certificate chain in
/// the PEM file `cert` (leaf first) with the private key in the PEM file
/// `key` (PKCS#8, PKCS#1 or SEC1).
pub fn config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let chain = read_chain(cert)?;
    let private = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| file_error("private key", key, e, "PKCS#8, PKCS#1 or SEC1 private key"))?;
    let pair = |error| TlsError::Pair {
        cert: cert.to_owned(),
        key: key.to_owned(),
        error,
    };
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(pair)?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(pair)?;
    // HTTP/1.1, over TLS as in the clear: HTTP/2 would bring in a second
    // protocol stack for requests that are small and independent.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
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
