//! What makes the log verifiable, kept beside it: the log's keys, the
//! checkpoints it signed, and the cosignatures witnesses sent. The store
//! keeps them as text and bytes; their meaning belongs to the ledger crate.

use std::path::Path;

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use crate::error::{Context, StoreError};
use crate::location::{Db, Location};
use crate::{pg, schema};

/// How many witness keys one party may use: a few (a primary and its
/// spares), so that no party can crowd a checkpoint with cosignatures until
/// its note is too long for anyone to read.
pub const WITNESSES_PER_PARTY: i64 = 4;

/// The log's identity: made once, when the first server opens the data directory.
#[derive(Clone, PartialEq, Eq)]
pub struct LogKeys {
    /// The checkpoint origin, e.g. `deconflict/1f2e3d4c`.
    pub origin: String,
    /// The signing key in note format (`PRIVATE+KEY+...`).
    pub signer_key: String,
    /// The secret the salts of commitments derive from.
    pub salt_secret: [u8; 32],
}

impl std::fmt::Debug for LogKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogKeys")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// A checkpoint as stored: its size and the signed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub time_ms: i64,
    /// The note as the log signed it, without cosignatures.
    pub note: String,
}

/// A witness's cosignature of one checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    /// The witness's verifier key.
    pub witness: String,
    pub party: String,
    /// The note signature line (`— name base64`).
    pub signature: String,
    pub time_ms: i64,
}

/// The keys, checkpoints and cosignatures of a data directory.
#[derive(Debug)]
pub struct Checkpoints {
    conn: Db,
}

impl Checkpoints {
    pub fn open(dir: &Path) -> Result<Checkpoints, StoreError> {
        Ok(Checkpoints {
            conn: Db::Sqlite(schema::open(dir)?),
        })
    }

    /// Opens the keys, checkpoints and cosignatures at `location`, on either backend.
    pub fn open_at(location: &Location) -> Result<Checkpoints, StoreError> {
        Ok(Checkpoints {
            conn: Db::open(location)?,
        })
    }

    /// The log's keys, made by `make` and stored if there are none yet. On PostgreSQL, when
    /// several nodes make keys at once, the first stored wins and all of them get it.
    pub fn keys_or_insert(
        &mut self,
        make: impl FnOnce() -> LogKeys,
        now_ms: i64,
    ) -> Result<LogKeys, StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::checkpoints::keys_or_insert(pg, make, now_ms),
        };
        if let Some(keys) = sqlite_keys(conn)? {
            return Ok(keys);
        }
        let keys = make();
        conn.execute(
            "INSERT INTO ledger_keys (id, origin, signer_key, salt_secret, created_ms)
                 VALUES (1, ?1, ?2, ?3, ?4)",
            params![keys.origin, keys.signer_key, keys.salt_secret, now_ms],
        )
        .during("storing the log keys")?;
        Ok(keys)
    }

    pub fn keys(&self) -> Result<Option<LogKeys>, StoreError> {
        match &self.conn {
            Db::Sqlite(conn) => sqlite_keys(conn),
            Db::Postgres(pg) => pg::checkpoints::keys(pg),
        }
    }

    /// Stores a newly signed checkpoint, durably. Sizes only grow.
    ///
    /// A checkpoint already stored at the same size with a byte-identical note makes this a
    /// no-op that succeeds (the stored time stays): two nodes that signed the same deterministic
    /// checkpoint both store it. A different note at a size already stored is an error, and the
    /// stored one stays.
    pub fn add_checkpoint(&mut self, checkpoint: &StoredCheckpoint) -> Result<(), StoreError> {
        let size = sql_size(checkpoint.size)?;
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::checkpoints::add_checkpoint(pg, checkpoint),
        };
        let inserted = conn.execute(
            "INSERT INTO checkpoints (size, time_ms, note) VALUES (?1, ?2, ?3)",
            params![size, checkpoint.time_ms, checkpoint.note],
        );
        match inserted {
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
                let stored = checkpoint_where(conn, "WHERE size = ?1", [size])?;
                if stored.is_some_and(|stored| stored.note == checkpoint.note) {
                    Ok(())
                } else {
                    Err(e).during("storing a checkpoint")
                }
            }
            done => done.map(drop).during("storing a checkpoint"),
        }
    }

    /// The checkpoint of the largest size.
    pub fn latest(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        match &self.conn {
            Db::Sqlite(conn) => checkpoint_where(conn, "ORDER BY size DESC LIMIT 1", []),
            Db::Postgres(pg) => pg::checkpoints::checkpoint(pg, None),
        }
    }

    /// The checkpoint of exactly `size` entries.
    pub fn checkpoint(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        // No log holds more entries than SQL counts: no such checkpoint.
        if i64::try_from(size).is_err() {
            return Ok(None);
        }
        match &self.conn {
            Db::Sqlite(conn) => checkpoint_where(conn, "WHERE size = ?1", [sql_size(size)?]),
            Db::Postgres(pg) => pg::checkpoints::checkpoint(pg, Some(size)),
        }
    }

    /// Records a checked cosignature of checkpoint `size`. A witness key
    /// belongs to the first party that sends it; another party's use of it
    /// is refused with [`StoreError::WitnessOfOtherParty`], and a party's
    /// key beyond [`WITNESSES_PER_PARTY`] with [`StoreError::TooManyWitnesses`].
    pub fn add_cosignature(&mut self, size: u64, c: &Cosignature) -> Result<(), StoreError> {
        let conn = match &mut self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::checkpoints::add_cosignature(pg, size, c),
        };
        let tx = conn.transaction().during("locking the cosignatures")?;
        let owner: Option<String> = tx
            .query_row(
                "SELECT party FROM witnesses WHERE witness = ?1",
                [&c.witness],
                |row| row.get(0),
            )
            .optional()
            .during("looking up a witness")?;
        match owner {
            Some(owner) if owner != c.party => {
                return Err(StoreError::WitnessOfOtherParty(c.witness.clone()));
            }
            Some(_) => {}
            None => {
                let keys: i64 = tx
                    .query_row(
                        "SELECT count(*) FROM witnesses WHERE party = ?1",
                        [&c.party],
                        |row| row.get(0),
                    )
                    .during("counting a party's witnesses")?;
                if keys >= WITNESSES_PER_PARTY {
                    return Err(StoreError::TooManyWitnesses {
                        party: c.party.clone(),
                        max: WITNESSES_PER_PARTY,
                    });
                }
                tx.execute(
                    "INSERT INTO witnesses (witness, party) VALUES (?1, ?2)",
                    params![c.witness, c.party],
                )
                .map_err(|e| unknown_party(e, &c.party))?;
            }
        }
        tx.execute(
            "INSERT INTO cosignatures (size, witness, party, signature, time_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (size, witness) DO UPDATE SET signature = ?4, time_ms = ?5",
            params![sql_size(size)?, c.witness, c.party, c.signature, c.time_ms],
        )
        .during("storing a cosignature")?;
        tx.commit().during("committing a cosignature")
    }

    /// The size of the largest checkpoint any witness cosigned.
    pub fn latest_cosigned(&self) -> Result<Option<u64>, StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::checkpoints::latest_cosigned(pg),
        };
        conn.query_row("SELECT max(size) FROM cosignatures", [], |row| {
            row.get::<_, Option<i64>>(0)
        })
        .during("reading the latest cosigned checkpoint")
        .map(|size| size.map(|s| s as u64))
    }

    /// The cosignatures of checkpoint `size`, by witness key.
    pub fn cosignatures(&self, size: u64) -> Result<Vec<Cosignature>, StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::checkpoints::cosignatures(pg, size),
        };
        let mut statement = conn
            .prepare_cached(
                "SELECT witness, party, signature, time_ms FROM cosignatures
                 WHERE size = ?1 ORDER BY witness",
            )
            .during("reading cosignatures")?;
        statement
            .query_map([sql_size(size)?], |row| {
                Ok(Cosignature {
                    witness: row.get(0)?,
                    party: row.get(1)?,
                    signature: row.get(2)?,
                    time_ms: row.get(3)?,
                })
            })
            .during("reading cosignatures")?
            .collect::<Result<_, _>>()
            .during("reading cosignatures")
    }
}

fn checkpoint_where<P: rusqlite::Params>(
    conn: &Connection,
    clause: &str,
    params: P,
) -> Result<Option<StoredCheckpoint>, StoreError> {
    conn.query_row(
        &format!("SELECT size, time_ms, note FROM checkpoints {clause}"),
        params,
        |row| {
            Ok(StoredCheckpoint {
                size: row.get::<_, i64>(0)? as u64,
                time_ms: row.get(1)?,
                note: row.get(2)?,
            })
        },
    )
    .optional()
    .during("reading a checkpoint")
}

fn sqlite_keys(conn: &Connection) -> Result<Option<LogKeys>, StoreError> {
    conn.query_row(
        "SELECT origin, signer_key, salt_secret FROM ledger_keys WHERE id = 1",
        [],
        |row| {
            Ok(LogKeys {
                origin: row.get(0)?,
                signer_key: row.get(1)?,
                salt_secret: row.get(2)?,
            })
        },
    )
    .optional()
    .during("reading the log keys")
}

pub(crate) fn sql_size(size: u64) -> Result<i64, StoreError> {
    i64::try_from(size).map_err(|_| StoreError::SequenceOutOfRange(size))
}

fn unknown_party(error: rusqlite::Error, party: &str) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => StoreError::NoSuchParty(party.to_owned()),
        _ => StoreError::Sqlite {
            action: "registering a witness",
            error: std::sync::Arc::new(error),
        },
    }
}
