use std::path::Path;

use rusqlite::{Connection, TransactionBehavior, params};

use crate::error::{Context, StoreError};
use crate::schema;

/// One log entry. The store never looks inside `body`: its meaning belongs to the model crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Position in the log: the first entry is 1 and there are no gaps.
    pub seq: u64,
    /// When the entry was accepted, in milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// The encoded entry, opaque to the store.
    pub body: Vec<u8>,
    /// A digest the caller keeps with the entry (the server's Merkle leaf hash), as opaque as
    /// the body; `None` only for entries written before the store kept one.
    pub leaf: Option<[u8; 32]>,
}

/// Where the log is kept: [`SqliteLog`] or [`crate::PgLog`].
///
/// Deliberately three methods: an append-only log with caller-chosen sequence numbers needs no
/// more, and every method added here is one more a second backend must get exactly right.
pub trait LogBackend: Send + 'static {
    /// Appends `entries` in one transaction that is durable when this returns `Ok`.
    ///
    /// The first entry's `seq` must be exactly `head() + 1` and the rest must follow without a
    /// gap; otherwise nothing is written and the error is [`StoreError::SequenceGap`]. That check
    /// is the optimistic concurrency control that lets several writers share one log.
    fn append_batch(&mut self, entries: &[Entry]) -> Result<(), StoreError>;

    /// The sequence number of the last durable entry, 0 for an empty log.
    fn head(&self) -> Result<u64, StoreError>;

    /// Up to `limit` entries in order, starting at `from_seq` (fewer at the end of the log).
    fn read(&self, from_seq: u64, limit: usize) -> Result<Vec<Entry>, StoreError>;
}

/// The log in an SQLite database: one connection, used either to append or to read.
#[derive(Debug)]
pub struct SqliteLog {
    conn: Connection,
}

impl SqliteLog {
    /// Opens the log of data directory `dir` (see [`crate::db_path`]), creating it if needed.
    pub fn open(dir: &Path) -> Result<SqliteLog, StoreError> {
        Ok(SqliteLog {
            conn: schema::open(dir)?,
        })
    }

    /// Like [`SqliteLog::open`], but for a connection that must never write: a bug that tries
    /// fails instead of contending with the writer for the lock.
    pub fn open_reader(dir: &Path) -> Result<SqliteLog, StoreError> {
        let conn = schema::open(dir)?;
        conn.execute_batch("PRAGMA query_only = ON")
            .during("making a read connection read-only")?;
        Ok(SqliteLog { conn })
    }
}

fn to_sql_seq(seq: u64) -> Result<i64, StoreError> {
    i64::try_from(seq).map_err(|_| StoreError::SequenceOutOfRange(seq))
}

fn head_of(conn: &Connection) -> Result<u64, StoreError> {
    let head: i64 = conn
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM log")
        .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)))
        .during("reading the log head")?;
    // The CHECK constraint keeps seq positive.
    Ok(u64::try_from(head).unwrap_or_default())
}

impl LogBackend for SqliteLog {
    fn append_batch(&mut self, entries: &[Entry]) -> Result<(), StoreError> {
        let Some(first) = entries.first() else {
            return Ok(());
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("locking the log for appending")?;
        // Checked inside the write lock: with several writers, the loser of a race sees the gap
        // here rather than a bare constraint error from the trigger.
        let mut expected = head_of(&tx)? + 1;
        if first.seq != expected {
            return Err(StoreError::SequenceGap {
                expected,
                got: first.seq,
            });
        }
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO log (seq, time_ms, body, leaf) VALUES (?1, ?2, ?3, ?4)",
                )
                .during("preparing the log insert")?;
            for entry in entries {
                if entry.seq != expected {
                    return Err(StoreError::SequenceGap {
                        expected,
                        got: entry.seq,
                    });
                }
                insert
                    .execute(params![
                        to_sql_seq(entry.seq)?,
                        entry.time_ms,
                        entry.body,
                        entry.leaf
                    ])
                    .during("appending to the log")?;
                expected += 1;
            }
        }
        // With synchronous = FULL this returns only after the WAL is fsynced.
        tx.commit().during("committing log entries")
    }

    fn head(&self) -> Result<u64, StoreError> {
        head_of(&self.conn)
    }

    fn read(&self, from_seq: u64, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let from = to_sql_seq(from_seq.max(1))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT seq, time_ms, body, leaf FROM log WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
            )
            .during("preparing the log read")?;
        let rows = stmt
            .query_map(params![from, limit], |row| {
                Ok(Entry {
                    seq: u64::try_from(row.get::<_, i64>(0)?).unwrap_or_default(),
                    time_ms: row.get(1)?,
                    body: row.get(2)?,
                    leaf: row.get(3)?,
                })
            })
            .during("reading the log")?;
        rows.collect::<Result<_, _>>().during("reading the log")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64) -> Entry {
        Entry {
            seq,
            time_ms: 1_700_000_000_000 + i64::try_from(seq).unwrap(),
            body: format!("body of {seq}").into_bytes(),
            leaf: None,
        }
    }

    #[test]
    fn rejected_batch_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = SqliteLog::open(dir.path()).unwrap();
        log.append_batch(&[entry(1)]).unwrap();
        // The gap is in the middle: the valid first entry must not be committed alone.
        let err = log
            .append_batch(&[entry(2), entry(3), entry(5)])
            .unwrap_err();
        assert_eq!(err.to_string(), "log sequence gap: expected 4, got 5");
        assert_eq!(log.head().unwrap(), 1);
    }

    #[test]
    fn reader_connection_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let mut reader = SqliteLog::open_reader(dir.path()).unwrap();
        assert!(reader.append_batch(&[entry(1)]).is_err());
    }

    #[test]
    fn read_from_zero_starts_at_the_beginning() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = SqliteLog::open(dir.path()).unwrap();
        log.append_batch(&[entry(1), entry(2)]).unwrap();
        let read = log.read(0, 10).unwrap();
        assert_eq!(read, vec![entry(1), entry(2)]);
    }

    #[test]
    fn seq_beyond_sqlite_range_is_refused_clearly() {
        let err = to_sql_seq(u64::MAX).unwrap_err();
        assert_eq!(
            err.to_string(),
            "log sequence number 18446744073709551615 is out of range"
        );
    }
}
