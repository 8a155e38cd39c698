//! TAK devices' identity: the deployment's device CA and the client certificates it issued.
//!
//! The CA is made once per deployment (the first node to need it stores it; on PostgreSQL every
//! other node then reads the same one) and never changes. Each certificate it issues is recorded
//! by the SHA-256 of its DER with the credential it acts as, so a device connecting with one is
//! that credential, no more: [`Devices::credential`] answers `None` once the credential is revoked
//! or its party removed, so a certificate is revoked with its credential, at once and on every
//! node, with no revocation list to hand out.

use std::path::Path;

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::directory::Credential;
use crate::error::{Context, StoreError};
use crate::location::{Db, Location};
use crate::{pg, schema};

/// How many unexpired certificates one credential may hold: a device each, for a unit's
/// handsets, few enough that no credential can fill the table.
pub const CERTIFICATES_PER_CREDENTIAL: i64 = 64;

/// The device CA: its certificate and its PKCS#8 private key, both DER.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceCa {
    pub cert_der: Vec<u8>,
    pub key_pkcs8: Vec<u8>,
}

// Never prints the key.
impl std::fmt::Debug for DeviceCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCa").finish_non_exhaustive()
    }
}

/// A certificate the device CA issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCertificate {
    /// The SHA-256 of the certificate's DER.
    pub sha256: [u8; 32],
    /// The credential the device acts as.
    pub credential_id: String,
    /// The name the device enrolled with.
    pub subject: String,
    /// The TAK client's uid, as it gave it when enrolling.
    pub client_uid: String,
    pub issued_ms: i64,
    pub expires_ms: i64,
}

/// The device CA and certificates of a deployment, on their own connection.
#[derive(Debug)]
pub struct Devices {
    conn: Db,
}

impl Devices {
    /// Opens the database of data directory `dir`, creating it if needed.
    pub fn open(dir: &Path) -> Result<Devices, StoreError> {
        Ok(Devices {
            conn: Db::Sqlite(schema::open(dir)?),
        })
    }

    /// Opens the tables at `location`, on either backend.
    pub fn open_at(location: &Location) -> Result<Devices, StoreError> {
        Ok(Devices {
            conn: Db::open(location)?,
        })
    }

    /// The deployment's device CA, made by `make` and stored if there is none yet. When several
    /// nodes make one at once, the first stored wins and all of them get it.
    pub fn ca_or_insert(
        &mut self,
        make: impl FnOnce() -> DeviceCa,
        now_ms: i64,
    ) -> Result<DeviceCa, StoreError> {
        let conn = match &mut self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::devices::ca_or_insert(pg, make, now_ms),
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("locking the device CA")?;
        let stored = tx
            .query_row(
                "SELECT cert_der, key_pkcs8 FROM device_ca WHERE id = 1",
                [],
                |row| {
                    Ok(DeviceCa {
                        cert_der: row.get(0)?,
                        key_pkcs8: row.get(1)?,
                    })
                },
            )
            .optional()
            .during("reading the device CA")?;
        if let Some(ca) = stored {
            return Ok(ca);
        }
        let ca = make();
        tx.execute(
            "INSERT INTO device_ca (id, cert_der, key_pkcs8, created_ms) VALUES (1, ?1, ?2, ?3)",
            params![ca.cert_der, ca.key_pkcs8, now_ms],
        )
        .during("storing the device CA")?;
        tx.commit().during("committing the device CA")?;
        Ok(ca)
    }

    /// Records a certificate just issued, durably, before it is handed out. Refused with
    /// [`StoreError::TooManyCertificates`] beyond [`CERTIFICATES_PER_CREDENTIAL`] unexpired
    /// ones for the credential, and with [`StoreError::AlreadyRevoked`] for a revoked one.
    pub fn issued(&mut self, certificate: &DeviceCertificate) -> Result<(), StoreError> {
        let conn = match &mut self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::devices::issued(pg, certificate.clone()),
        };
        let c = certificate;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("locking the device certificates")?;
        let revoked: bool = tx
            .query_row(
                "SELECT revoked_ms IS NOT NULL FROM credentials WHERE id = ?1",
                [&c.credential_id],
                |row| row.get(0),
            )
            .optional()
            .during("looking up the credential")?
            .ok_or_else(|| StoreError::NoSuchCredential(c.credential_id.clone()))?;
        if revoked {
            return Err(StoreError::AlreadyRevoked(c.credential_id.clone()));
        }
        let held: i64 = tx
            .query_row(
                "SELECT count(*) FROM device_certificates
                 WHERE credential_id = ?1 AND expires_ms > ?2",
                params![c.credential_id, c.issued_ms],
                |row| row.get(0),
            )
            .during("counting a credential's certificates")?;
        if held >= CERTIFICATES_PER_CREDENTIAL {
            return Err(StoreError::TooManyCertificates {
                credential: c.credential_id.clone(),
                max: CERTIFICATES_PER_CREDENTIAL,
            });
        }
        tx.execute(
            "INSERT INTO device_certificates
                 (sha256, credential_id, subject, client_uid, issued_ms, expires_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                c.sha256,
                c.credential_id,
                c.subject,
                c.client_uid,
                c.issued_ms,
                c.expires_ms
            ],
        )
        .during("recording a device certificate")?;
        tx.commit().during("committing a device certificate")
    }

    /// The credential the certificate whose DER hashes to `sha256` acts as; `None` if this CA
    /// never issued it, it has expired by `now_ms`, or its credential is revoked or its party
    /// removed.
    pub fn credential(
        &self,
        sha256: &[u8; 32],
        now_ms: i64,
    ) -> Result<Option<Credential>, StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::devices::credential(pg, *sha256, now_ms),
        };
        conn.prepare_cached(
            "SELECT c.id, c.party, c.role, p.coordinator
             FROM device_certificates d
             JOIN credentials c ON c.id = d.credential_id
             JOIN parties p ON p.name = c.party
             WHERE d.sha256 = ?1 AND d.expires_ms > ?2 AND c.revoked_ms IS NULL",
        )
        .and_then(|mut stmt| {
            stmt.query_row(params![sha256, now_ms], |row| {
                Ok(Credential {
                    id: row.get(0)?,
                    party: row.get(1)?,
                    role: row.get(2)?,
                    coordinator: row.get(3)?,
                })
            })
            .optional()
        })
        .during("looking up a device certificate")
    }
}
