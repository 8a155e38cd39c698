//! The log on PostgreSQL, which several nodes may append to.
//!
//! # Appending
//!
//! One transaction per batch: take the advisory lock every appender on every node queues on
//! (`pg_advisory_xact_lock`, released when the transaction ends), read the head, refuse the batch
//! with [`StoreError::SequenceGap`] unless it starts at head + 1 (another node got there first),
//! insert it, `NOTIFY` the new head (delivered only if the transaction commits), commit. The
//! commit returns once PostgreSQL has flushed it: the server's `synchronous_commit` applies (with
//! a synchronous standby configured, `on` waits for it too), except that `off`, which would
//! answer before the flush, is raised to `on` for the append's transaction.
//!
//! # When the connection fails
//!
//! [`PgLog::append_batch`] reconnects and tries again, pausing 50 ms, then twice as long each
//! time up to 2 s, for at most [`RETRY_FOR`]; then the batch fails with
//! [`StoreError::Unavailable`] (or [`StoreError::OutcomeUnknown`], below). Which failures are
//! retried depends on when they happen:
//!
//! - **Before `COMMIT` was sent**, a lost connection (or the server shutting down, or a standby
//!   that became read-only) rolled the transaction back: nothing was written, and trying again is
//!   safe. Any other error from the server before `COMMIT` is final and returned as it is.
//! - **During `COMMIT`**, a lost connection is ambiguous: the commit may have happened (and been
//!   acknowledged to nobody). The next attempts then check before writing: under the append lock
//!   (which also waits out the old session's transaction if the server still runs it), if the log
//!   already reaches the batch's last seq, the rows from its first seq are read and compared with
//!   the batch, seq, time, body and leaf, byte for byte. All identical: the earlier commit
//!   happened, and the batch succeeds without writing again. Not there (head + 1 is still its
//!   first seq): it did not happen, and the batch is written now. There but different: another
//!   node's entries won, and the batch fails with [`StoreError::SequenceGap`] like any lost race.
//!   If the database stays out of reach for [`RETRY_FOR`], the batch fails with
//!   [`StoreError::OutcomeUnknown`]; the log itself says, once reachable again, which it was.
//!
//! So an entry is acknowledged only once it is known to be in the log, and no batch is ever
//! written twice: the second write would fail the head check, and is only attempted after the
//! check found the first one absent.

use std::sync::Arc;
use std::thread::sleep;
use std::time::{Duration, Instant};

use postgres::Transaction;
use postgres::fallible_iterator::FallibleIterator;

use super::confined::Confined;
use super::{
    APPEND_LOCK, Bytes32, Client, Conn, Int, LOCK_CLASS, connect, connection_lost, sql_u64,
};
use crate::backend::{Entry, LogBackend};
use crate::error::{Context, StoreError};
use crate::location::{PgConfig, pg_config};

/// How long an append keeps trying to reach the database before it gives up: long enough for a
/// restart or a managed failover, short enough that callers are answered.
pub(crate) const RETRY_FOR: Duration = Duration::from_secs(30);
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// The channel appends `NOTIFY` with the new head.
const CHANNEL: &str = "deconflict_log";

/// Session settings of the writer. A session of ours that vanished mid-transaction (its client
/// partitioned away) would hold the append lock until TCP gave up on it, hours by default; the
/// server ends such a session after 10 s idle in its transaction, and a waiter gives up after
/// 10 s (and retries), so every node's appends resume within seconds.
const WRITER_SETTINGS: &str = "-c idle_in_transaction_session_timeout=10s -c lock_timeout=10s";

/// The log in a PostgreSQL database: one connection (made again when it dies), used either to
/// append or to read.
///
/// Several processes may append to one database: appends queue on an advisory lock held for
/// their transaction, and one that does not start at the head + 1 it finds is refused with
/// [`StoreError::SequenceGap`], nothing written. [`LogBackend::append_batch`] rides out a lost
/// connection for up to 30 s (reconnecting with a growing pause) and, when the connection was
/// lost during `COMMIT`, reads the batch back under the lock before writing again: identical
/// rows mean the commit happened and the batch succeeds; so no acknowledged entry is lost and
/// none is written twice. Out of reach for longer, it fails with [`StoreError::Unavailable`]
/// (nothing written) or [`StoreError::OutcomeUnknown`] (the commit's fate unknown).
#[derive(Debug)]
pub struct PgLog {
    conn: Client,
}

impl PgLog {
    /// Connects to the database at `url` (see [`crate::Location::parse`]), creating the tables
    /// if needed.
    pub fn open(url: &str) -> Result<PgLog, StoreError> {
        Ok(PgLog {
            conn: Client::open_with(url, Some(WRITER_SETTINGS))?,
        })
    }

    /// Like [`PgLog::open`], but for a connection that must never write.
    pub fn open_reader(url: &str) -> Result<PgLog, StoreError> {
        Ok(PgLog {
            conn: Client::open_reader(url)?,
        })
    }
}

/// Why one attempt at a batch failed.
enum Failure {
    /// The server refused, or the batch does not follow the head: final, nothing was written.
    Refused(StoreError),
    /// The connection went before `COMMIT` was sent: nothing was written.
    Lost(StoreError),
    /// The connection went during `COMMIT`: the batch may be in the log.
    Ambiguous(StoreError),
}

impl LogBackend for PgLog {
    fn append_batch(&mut self, entries: &[Entry]) -> Result<(), StoreError> {
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return Ok(());
        };
        // Checked here so that an attempt only ever fails on the database's account.
        for (entry, expected) in entries.iter().zip(first.seq..) {
            if entry.seq != expected {
                return Err(StoreError::SequenceGap {
                    expected,
                    got: entry.seq,
                });
            }
        }
        sql_u64(last.seq)?;
        // The whole retry loop runs on the connection's thread; the batch goes there with it.
        let entries = entries.to_vec();
        self.conn.run(move |conn| append_confined(conn, &entries))
    }

    fn head(&self) -> Result<u64, StoreError> {
        self.conn.read("reading the log head", |conn| {
            let row = conn.query_one(HEAD, &[])?;
            Ok(row.try_get::<_, Int<u64>>(0)?.0)
        })
    }

    fn read(&self, from_seq: u64, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let from = sql_u64(from_seq.max(1))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.conn
            .read("reading the log", move |conn| read_rows(conn, from, limit))
    }
}

/// [`LogBackend::append_batch`] on the connection's thread, `entries` checked contiguous and
/// not empty.
fn append_confined(conn: &mut Conn, entries: &[Entry]) -> Result<(), StoreError> {
    let deadline = Instant::now() + RETRY_FOR;
    let mut pause = FIRST_PAUSE;
    let mut maybe_committed = false;
    loop {
        let attempt = conn
            .write(|conn| Ok(attempt(conn, entries, maybe_committed)))
            .unwrap_or_else(|unreachable| Err(Failure::Lost(unreachable)));
        let cause = match attempt {
            Ok(()) => return Ok(()),
            Err(Failure::Refused(e)) => return Err(e),
            Err(Failure::Lost(e)) => e,
            Err(Failure::Ambiguous(e)) => {
                maybe_committed = true;
                e
            }
        };
        conn.reset();
        if Instant::now() + pause > deadline {
            let cause = Box::new(cause);
            return Err(if maybe_committed {
                StoreError::OutcomeUnknown(cause)
            } else {
                StoreError::Unavailable(cause)
            });
        }
        sleep(pause);
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}

const HEAD: &str = "SELECT coalesce(max(seq), 0) FROM log";

fn read_rows(
    conn: &mut impl postgres::GenericClient,
    from: i64,
    limit: i64,
) -> Result<Vec<Entry>, postgres::Error> {
    conn.query(
        "SELECT seq, time_ms, body, leaf FROM log WHERE seq >= $1 ORDER BY seq LIMIT $2",
        &[&from, &limit],
    )?
    .iter()
    .map(|row| {
        Ok(Entry {
            seq: row.try_get::<_, Int<u64>>(0)?.0,
            time_ms: row.try_get(1)?,
            body: row.try_get(2)?,
            leaf: row.try_get::<_, Option<Bytes32>>(3)?.map(|leaf| leaf.0),
        })
    })
    .collect()
}

/// One transaction appending `entries` (contiguous, not empty). With `maybe_committed`, an
/// earlier attempt's `COMMIT` went unanswered: the batch may be there already.
fn attempt(
    conn: &mut postgres::Client,
    entries: &[Entry],
    maybe_committed: bool,
) -> Result<(), Failure> {
    match transact(conn, entries, maybe_committed) {
        Ok(()) => Ok(()),
        Err(Stage::Refused(refusal)) => Err(Failure::Refused(refusal)),
        Err(Stage::BeforeCommit(e)) => Err(before_commit(conn, e)),
        // The server answered and the session lives: it said no, and rolled back.
        Err(Stage::Commit(e)) if !connection_lost(conn, &e) => {
            Err(Failure::Refused(append_error(e)))
        }
        Err(Stage::Commit(e)) => Err(Failure::Ambiguous(append_error(e))),
    }
}

/// Where a transaction failed.
enum Stage {
    /// The batch does not follow the head.
    Refused(StoreError),
    BeforeCommit(postgres::Error),
    Commit(postgres::Error),
}

fn transact(
    conn: &mut postgres::Client,
    entries: &[Entry],
    maybe_committed: bool,
) -> Result<(), Stage> {
    let mut tx = conn.transaction().map_err(Stage::BeforeCommit)?;
    match lock_and_write(&mut tx, entries, maybe_committed)? {
        Written::Now => tx.commit().map_err(Stage::Commit),
        // Dropping the transaction rolls it back; it wrote nothing.
        Written::Before => Ok(()),
    }
}

/// A failure before `COMMIT`: lost with the session, or the server's refusal.
fn before_commit(conn: &postgres::Client, error: postgres::Error) -> Failure {
    if connection_lost(conn, &error) {
        Failure::Lost(append_error(error))
    } else {
        Failure::Refused(append_error(error))
    }
}

fn append_error(error: postgres::Error) -> StoreError {
    StoreError::Postgres {
        action: "appending to the log",
        error: Arc::new(error),
    }
}

enum Written {
    /// Inserted in this transaction, to be committed.
    Now,
    /// Found in the log, identical: an earlier attempt's commit happened.
    Before,
}

/// Takes the append lock and inserts the batch, unless the head says otherwise.
fn lock_and_write(
    tx: &mut Transaction<'_>,
    entries: &[Entry],
    maybe_committed: bool,
) -> Result<Written, Stage> {
    let first = entries[0].seq;
    let last = first + entries.len() as u64 - 1;
    let durability: String = tx
        .query_one(
            "SELECT current_setting('synchronous_commit') FROM pg_advisory_xact_lock($1, $2)",
            &[&LOCK_CLASS, &APPEND_LOCK],
        )
        .and_then(|row| row.try_get(0))
        .map_err(Stage::BeforeCommit)?;
    // `off` would answer before the commit is flushed; any other value (the server's choice,
    // waiting for standbys or not) flushes at least here first.
    if durability == "off" {
        tx.batch_execute("SET LOCAL synchronous_commit = on")
            .map_err(Stage::BeforeCommit)?;
    }
    let head = tx
        .query_one(HEAD, &[])
        .and_then(|row| row.try_get::<_, Int<u64>>(0))
        .map_err(Stage::BeforeCommit)?
        .0;
    if head + 1 != first {
        if maybe_committed && head >= last {
            let from = i64::try_from(first).unwrap_or(i64::MAX);
            let stored = read_rows(tx, from, entries.len() as i64).map_err(Stage::BeforeCommit)?;
            if stored == entries {
                return Ok(Written::Before);
            }
        }
        return Err(Stage::Refused(StoreError::SequenceGap {
            expected: head + 1,
            got: first,
        }));
    }
    let mut seqs = Vec::with_capacity(entries.len());
    let mut times = Vec::with_capacity(entries.len());
    let mut bodies = Vec::with_capacity(entries.len());
    let mut leaves = Vec::with_capacity(entries.len());
    for entry in entries {
        // Checked by the caller against the last seq.
        seqs.push(i64::try_from(entry.seq).unwrap_or(i64::MAX));
        times.push(entry.time_ms);
        bodies.push(entry.body.as_slice());
        leaves.push(entry.leaf.as_ref().map(<[u8; 32]>::as_slice));
    }
    // One statement for the whole batch, one round trip.
    tx.execute(
        "INSERT INTO log (seq, time_ms, body, leaf)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[]) ORDER BY 1",
        &[&seqs, &times, &bodies, &leaves],
    )
    .map_err(Stage::BeforeCommit)?;
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &last.to_string()])
        .map_err(Stage::BeforeCommit)?;
    Ok(Written::Now)
}

/// Wakes a waiting tail when another node appends: a session that `LISTEN`s on [`CHANNEL`],
/// on a thread of its own.
pub(crate) struct Listener {
    session: Confined<Listening>,
}

impl Listener {
    pub(crate) fn open(url: &str) -> Result<Listener, StoreError> {
        let config = pg_config(url)?;
        let session = Confined::spawn("deconflict-pg-listen", move || {
            let mut listening = Listening { config, conn: None };
            listening.connect()?;
            Ok(listening)
        })?;
        Ok(Listener { session })
    }

    /// Waits up to `timeout` for an append's notification; the head it announced, if one came.
    /// A dead session is replaced (what it missed, the caller's look at the head finds).
    pub(crate) fn wait(&mut self, timeout: Duration) -> Option<u64> {
        self.session
            .run(move |listening| listening.wait(timeout))
            .ok()
            .flatten()
    }
}

/// The listening session, on the [`Listener`]'s thread.
struct Listening {
    config: PgConfig,
    conn: Option<postgres::Client>,
}

impl Listening {
    fn connect(&mut self) -> Result<&mut postgres::Client, StoreError> {
        let mut conn = connect(&self.config)?;
        conn.batch_execute(&format!("LISTEN {CHANNEL}"))
            .during("listening for appends")?;
        Ok(self.conn.insert(conn))
    }

    /// [`Listener::wait`], on the thread.
    fn wait(&mut self, timeout: Duration) -> Option<u64> {
        let conn = match self.conn.take() {
            Some(conn) if !conn.is_closed() => self.conn.insert(conn),
            _ => match self.connect() {
                Ok(conn) => conn,
                Err(_) => {
                    sleep(timeout);
                    return None;
                }
            },
        };
        let mut notifications = conn.notifications();
        let first = notifications.timeout_iter(timeout).next();
        let mut newest = match first {
            Ok(Some(notification)) => notification.payload().parse::<u64>().ok(),
            _ => return None,
        };
        // Take what else is already buffered, without waiting again.
        while let Ok(Some(more)) = notifications.iter().next() {
            newest = newest.max(more.payload().parse().ok());
        }
        newest
    }
}
