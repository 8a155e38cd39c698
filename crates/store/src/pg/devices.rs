//! [`crate::Devices`] on PostgreSQL.

use super::Client;
use crate::devices::{CERTIFICATES_PER_CREDENTIAL, DeviceCa, DeviceCertificate};
use crate::directory::Credential;
use crate::error::{Context, StoreError};

pub(crate) fn ca_or_insert(
    pg: &Client,
    make: impl FnOnce() -> DeviceCa,
    now_ms: i64,
) -> Result<DeviceCa, StoreError> {
    if let Some(ca) = ca(pg)? {
        return Ok(ca);
    }
    let made = make();
    let insert = made.clone();
    // Two nodes starting on a new database at once both get here: the first insert wins and
    // both go on with its CA.
    pg.write(move |conn| {
        conn.execute(
            "INSERT INTO device_ca (id, cert_der, key_pkcs8, created_ms)
             VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING",
            &[&insert.cert_der, &insert.key_pkcs8, &now_ms],
        )
        .during("storing the device CA")
    })?;
    Ok(ca(pg)?.unwrap_or(made))
}

fn ca(pg: &Client) -> Result<Option<DeviceCa>, StoreError> {
    pg.read("reading the device CA", |conn| {
        conn.query_opt(
            "SELECT cert_der, key_pkcs8 FROM device_ca WHERE id = 1",
            &[],
        )?
        .map(|row| {
            Ok(DeviceCa {
                cert_der: row.try_get(0)?,
                key_pkcs8: row.try_get(1)?,
            })
        })
        .transpose()
    })
}

pub(crate) fn issued(pg: &Client, c: DeviceCertificate) -> Result<(), StoreError> {
    pg.checked_write("recording a device certificate", move |tx| {
        let revoked: bool = tx
            .query_opt(
                "SELECT revoked_ms IS NOT NULL FROM credentials WHERE id = $1",
                &[&c.credential_id],
            )
            .and_then(|row| row.map(|row| row.try_get(0)).transpose())
            .during("looking up the credential")?
            .ok_or_else(|| StoreError::NoSuchCredential(c.credential_id.clone()))?;
        if revoked {
            return Err(StoreError::AlreadyRevoked(c.credential_id));
        }
        let held: i64 = tx
            .query_one(
                "SELECT count(*) FROM device_certificates
                 WHERE credential_id = $1 AND expires_ms > $2",
                &[&c.credential_id, &c.issued_ms],
            )
            .and_then(|row| row.try_get(0))
            .during("counting a credential's certificates")?;
        if held >= CERTIFICATES_PER_CREDENTIAL {
            return Err(StoreError::TooManyCertificates {
                credential: c.credential_id,
                max: CERTIFICATES_PER_CREDENTIAL,
            });
        }
        tx.execute(
            "INSERT INTO device_certificates
                 (sha256, credential_id, subject, client_uid, issued_ms, expires_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &c.sha256.as_slice(),
                &c.credential_id,
                &c.subject,
                &c.client_uid,
                &c.issued_ms,
                &c.expires_ms,
            ],
        )
        .during("recording a device certificate")?;
        Ok(())
    })
}

pub(crate) fn credential(
    pg: &Client,
    sha256: [u8; 32],
    now_ms: i64,
) -> Result<Option<Credential>, StoreError> {
    pg.read("looking up a device certificate", move |conn| {
        conn.query_opt(
            "SELECT c.id, c.party, c.role, p.coordinator
             FROM device_certificates d
             JOIN credentials c ON c.id = d.credential_id
             JOIN parties p ON p.name = c.party
             WHERE d.sha256 = $1 AND d.expires_ms > $2 AND c.revoked_ms IS NULL",
            &[&sha256.as_slice(), &now_ms],
        )?
        .map(|row| super::directory::credential(&row))
        .transpose()
    })
}
