//! [`crate::Checkpoints`] on PostgreSQL.

use postgres::error::SqlState;

use super::{Bytes32, Client, Int, sql_u64};
use crate::checkpoints::{Cosignature, LogKeys, StoredCheckpoint, WITNESSES_PER_PARTY};
use crate::error::{Context, StoreError};

pub(crate) fn keys_or_insert(
    pg: &Client,
    make: impl FnOnce() -> LogKeys,
    now_ms: i64,
) -> Result<LogKeys, StoreError> {
    if let Some(keys) = keys(pg)? {
        return Ok(keys);
    }
    let made = make();
    let insert = made.clone();
    // Two nodes starting on a new database at once both get here: the first insert wins and
    // both go on with its keys.
    pg.write(move |conn| {
        conn.execute(
            "INSERT INTO ledger_keys (id, origin, signer_key, salt_secret, created_ms)
             VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
            &[
                &insert.origin,
                &insert.signer_key,
                &insert.salt_secret.as_slice(),
                &now_ms,
            ],
        )
        .during("storing the log keys")
    })?;
    Ok(keys(pg)?.unwrap_or(made))
}

pub(crate) fn keys(pg: &Client) -> Result<Option<LogKeys>, StoreError> {
    pg.read("reading the log keys", |conn| {
        conn.query_opt(
            "SELECT origin, signer_key, salt_secret FROM ledger_keys WHERE id = 1",
            &[],
        )?
        .map(|row| {
            Ok(LogKeys {
                origin: row.try_get(0)?,
                signer_key: row.try_get(1)?,
                salt_secret: row.try_get::<_, Bytes32>(2)?.0,
            })
        })
        .transpose()
    })
}

/// Stores `checkpoint`; one already stored at its size with the same note (signed by another
/// node, the same bytes) makes this a no-op, one with another note an error, as before.
pub(crate) fn add_checkpoint(pg: &Client, checkpoint: &StoredCheckpoint) -> Result<(), StoreError> {
    let size = sql_u64(checkpoint.size)?;
    let checkpoint = checkpoint.clone();
    pg.write(move |conn| {
        let inserted = conn.execute(
            "INSERT INTO checkpoints (size, time_ms, note) VALUES ($1, $2, $3)",
            &[&size, &checkpoint.time_ms, &checkpoint.note],
        );
        match inserted {
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                // Outside a transaction: the failed insert left the session usable.
                let stored: Option<String> = conn
                    .query_opt("SELECT note FROM checkpoints WHERE size = $1", &[&size])
                    .and_then(|row| row.map(|row| row.try_get(0)).transpose())
                    .during("comparing a checkpoint")?;
                if stored.as_ref() == Some(&checkpoint.note) {
                    Ok(())
                } else {
                    Err(e).during("storing a checkpoint")
                }
            }
            done => done.map(drop).during("storing a checkpoint"),
        }
    })
}

/// The checkpoint of `size`, or the largest one.
pub(crate) fn checkpoint(
    pg: &Client,
    size: Option<u64>,
) -> Result<Option<StoredCheckpoint>, StoreError> {
    let size = size.map(sql_u64).transpose()?;
    pg.read("reading a checkpoint", move |conn| {
        conn.query_opt(
            "SELECT size, time_ms, note FROM checkpoints
             WHERE $1::bigint IS NULL OR size = $1 ORDER BY size DESC LIMIT 1",
            &[&size],
        )?
        .map(|row| {
            Ok(StoredCheckpoint {
                size: row.try_get::<_, Int<u64>>(0)?.0,
                time_ms: row.try_get(1)?,
                note: row.try_get(2)?,
            })
        })
        .transpose()
    })
}

pub(crate) fn add_cosignature(pg: &Client, size: u64, c: &Cosignature) -> Result<(), StoreError> {
    let size = sql_u64(size)?;
    let c = c.clone();
    pg.checked_write("storing a cosignature", move |tx| {
        let owner: Option<String> = tx
            .query_opt(
                "SELECT party FROM witnesses WHERE witness = $1",
                &[&c.witness],
            )
            .and_then(|row| row.map(|row| row.try_get(0)).transpose())
            .during("looking up a witness")?;
        match owner {
            Some(owner) if owner != c.party => {
                return Err(StoreError::WitnessOfOtherParty(c.witness.clone()));
            }
            Some(_) => {}
            None => {
                let (party_exists, keys): (bool, i64) = tx
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM parties WHERE name = $1),
                                (SELECT count(*) FROM witnesses WHERE party = $1)",
                        &[&c.party],
                    )
                    .and_then(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                    .during("counting a party's witnesses")?;
                if !party_exists {
                    return Err(StoreError::NoSuchParty(c.party.clone()));
                }
                if keys >= WITNESSES_PER_PARTY {
                    return Err(StoreError::TooManyWitnesses {
                        party: c.party.clone(),
                        max: WITNESSES_PER_PARTY,
                    });
                }
                tx.execute(
                    "INSERT INTO witnesses (witness, party) VALUES ($1, $2)",
                    &[&c.witness, &c.party],
                )
                .during("registering a witness")?;
            }
        }
        tx.execute(
            "INSERT INTO cosignatures (size, witness, party, signature, time_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (size, witness)
             DO UPDATE SET signature = excluded.signature, time_ms = excluded.time_ms",
            &[&size, &c.witness, &c.party, &c.signature, &c.time_ms],
        )
        .during("storing a cosignature")?;
        Ok(())
    })
}

pub(crate) fn latest_cosigned(pg: &Client) -> Result<Option<u64>, StoreError> {
    pg.read("reading the latest cosigned checkpoint", |conn| {
        Ok(conn
            .query_one("SELECT max(size) FROM cosignatures", &[])?
            .try_get::<_, Option<Int<u64>>>(0)?
            .map(|size| size.0))
    })
}

pub(crate) fn cosignatures(pg: &Client, size: u64) -> Result<Vec<Cosignature>, StoreError> {
    let size = sql_u64(size)?;
    pg.read("reading cosignatures", move |conn| {
        conn.query(
            r#"SELECT witness, party, signature, time_ms FROM cosignatures
               WHERE size = $1 ORDER BY witness COLLATE "C""#,
            &[&size],
        )?
        .iter()
        .map(|row| {
            Ok(Cosignature {
                witness: row.try_get(0)?,
                party: row.try_get(1)?,
                signature: row.try_get(2)?,
                time_ms: row.try_get(3)?,
            })
        })
        .collect()
    })
}
