use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::error::{Context, StoreError};
use crate::location::{Location, PgConfig, pg_config};
use crate::pg::confined::Confined;
use crate::pg::{self, LEASE_LOCK, WRITE_TURN_LOCK, connection_lost};
use crate::schema::APPLICATION_ID;

/// How long [`Lease::is_held`] waits for the database before it answers no.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The right to do what exactly one node may do at a time: sign checkpoints, run the sweep.
///
/// On PostgreSQL it is a session-level advisory lock (`pg_try_advisory_lock`) held by a session
/// of its own for as long as the `Lease` lives: dropping the `Lease` closes the session, and a
/// session that dies (its node crashed, `pg_terminate_backend`, a restart) lets the lock go, so
/// another node's [`Lease::try_acquire`] gets it. A holder must check [`Lease::is_held`] before
/// each act and stop when it says no: a partitioned holder learns it has lost the lease only when
/// the check fails, which the server may already have decided (TCP keepalives, or a
/// `tcp_user_timeout` in the URL, bound how late). On SQLite the lease is always granted: one
/// node owns the data directory.
pub struct Lease {
    /// The session holding the lock, on a thread of its own; `None` on SQLite.
    session: Option<Confined<postgres::Client>>,
}

impl fmt::Debug for Lease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lease")
            .field("postgres", &self.session.is_some())
            .finish()
    }
}

impl Lease {
    /// The lease if no one else holds it, `None` if someone does. Each try opens a session (and
    /// closes it again unless it won), so poll at human rates, say once a second.
    pub fn try_acquire(location: &Location) -> Result<Option<Lease>, StoreError> {
        let url = match location {
            Location::Sqlite(_) => return Ok(Some(Lease { session: None })),
            Location::Postgres(url) => url,
        };
        let config = pg_config(url)?;
        let session = Confined::spawn("deconflict-pg-lease", move || pg::connect(&config))?;
        let won: bool = session.run(|session| {
            session
                .query_one(
                    "SELECT pg_try_advisory_lock($1, $2)",
                    &[&APPLICATION_ID, &LEASE_LOCK],
                )
                .and_then(|row| row.try_get(0))
                .during("trying to take the lease")
        })??;
        // Dropping a session that lost closes it.
        Ok(won.then_some(Lease {
            session: Some(session),
        }))
    }

    /// Whether the lease is still this holder's: its session answers, and holds the lock.
    /// Any doubt (no answer within two seconds, an error) is a no, after which the lease is lost
    /// for good; drop it and try to acquire it again.
    pub fn is_held(&self) -> bool {
        let Some(session) = &self.session else {
            return true;
        };
        session
            .run(|session| holds(session, LEASE_LOCK))
            .unwrap_or(false)
    }
}

/// Whether `session` answers within [`CHECK_TIMEOUT`] and holds advisory lock `key`.
fn holds(session: &mut postgres::Client, key: i32) -> bool {
    if session.is_closed() || session.is_valid(CHECK_TIMEOUT).is_err() {
        return false;
    }
    session
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
                 AND pid = pg_backend_pid() AND granted
                 AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2)",
            &[&APPLICATION_ID, &key],
        )
        .and_then(|row| row.try_get(0))
        .unwrap_or(false)
}

/// Session settings of a [`WriteTurn`]: waiting for the turn is its purpose, so no lock or
/// statement timeout the database or role may set cuts the wait short.
const TURN_SETTINGS: &str = "-c lock_timeout=0 -c statement_timeout=0";

/// A node's turn at writing the log: a cluster-wide mutual exclusion among the writers of one
/// log, which one node holds across a whole decide, append, commit cycle, so that the nodes
/// sharing a PostgreSQL log take turns instead of racing and losing to [`StoreError::Behind`].
///
/// On PostgreSQL it is a session-level advisory lock (`pg_advisory_lock`, on a key no other
/// lock of the store uses, per database) taken by a session of the handle's own:
/// [`WriteTurn::acquire`] blocks until this session holds it, [`WriteTurn::release`] lets it go,
/// and dropping the handle closes the session, which lets it go too. On SQLite, where one node
/// owns the data directory, every call succeeds at once.
///
/// The turn excludes other *sessions*, that is other handles (other nodes), not other threads
/// using this same handle: a second `acquire` through a handle that holds the turn returns at
/// once, and one `release` lets it go. A node serialises its own writers under its own lock (the
/// one it submits under) and shares one `WriteTurn` among them.
///
/// The turn is an arrangement between well-behaved nodes, not what keeps the log consistent:
/// that remains the log's head check (every append must start at head + 1). If the session
/// dies while the turn is held (the connection dropped, `pg_terminate_backend`, a database
/// restart), the lock is gone with it and another node may take its turn; the holder is not
/// told, but its next append after the other node's fails with [`StoreError::Behind`], and it
/// must catch up as after any lost race (read the log to its head, [`crate::Log::caught_up`]),
/// then acquire the turn again ([`WriteTurn::acquire`] opens a new session if the old one
/// died). [`WriteTurn::is_held`] asks the database, for a holder that wants to know sooner.
///
/// A holder whose node vanished without closing its connection (a power cut, a partition) keeps
/// the turn until the server notices the connection is dead: TCP keepalives, or a
/// `tcp_user_timeout` in the URL, bound how long the other nodes wait.
///
/// Every call blocks its thread, `acquire` for as long as another node holds the turn; from
/// async code, call `acquire` through `spawn_blocking`.
pub struct WriteTurn {
    /// The session taking the turn, on a thread of its own; `None` on SQLite.
    session: Option<Confined<TurnSession>>,
    /// On SQLite, whether the turn is taken.
    taken: AtomicBool,
}

impl fmt::Debug for WriteTurn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteTurn")
            .field("postgres", &self.session.is_some())
            .finish_non_exhaustive()
    }
}

/// A [`WriteTurn`]'s session, on its thread.
struct TurnSession {
    config: PgConfig,
    conn: Option<postgres::Client>,
    /// Whether this session took the lock (and has not released it); the session may have died
    /// since, taking the lock with it.
    held: bool,
}

impl TurnSession {
    fn acquire(&mut self) -> Result<(), StoreError> {
        if self.held {
            if let Some(conn) = &mut self.conn
                && holds(conn, WRITE_TURN_LOCK)
            {
                return Ok(());
            }
            // The session died, and the lock with it.
            self.held = false;
            self.conn = None;
        }
        if self.conn.as_ref().is_none_or(postgres::Client::is_closed) {
            self.conn = None;
            self.conn = Some(pg::connect(&self.config)?);
        }
        let conn = self.conn.as_mut().expect("connected just above");
        match conn.execute(
            "SELECT pg_advisory_lock($1, $2)",
            &[&APPLICATION_ID, &WRITE_TURN_LOCK],
        ) {
            Ok(_) => {
                self.held = true;
                Ok(())
            }
            Err(error) => {
                if connection_lost(conn, &error) {
                    self.conn = None;
                }
                Err(error).during("waiting for the turn to write")
            }
        }
    }

    fn release(&mut self) -> Result<(), StoreError> {
        if !std::mem::take(&mut self.held) {
            return Ok(());
        }
        let Some(conn) = self.conn.as_mut().filter(|conn| !conn.is_closed()) else {
            return Ok(());
        };
        match conn.execute(
            "SELECT pg_advisory_unlock($1, $2)",
            &[&APPLICATION_ID, &WRITE_TURN_LOCK],
        ) {
            Ok(_) => Ok(()),
            // The lock went with the session.
            Err(error) if connection_lost(conn, &error) => {
                self.conn = None;
                Ok(())
            }
            Err(error) => {
                // Unknown whether the lock is still held: close the session, which releases it.
                self.conn = None;
                Err(error).during("giving up the turn to write")
            }
        }
    }
}

impl WriteTurn {
    /// A handle for taking turns at writing the log at `location`, not holding the turn yet. On
    /// PostgreSQL it opens a session of its own, on a thread of its own.
    pub fn open(location: &Location) -> Result<WriteTurn, StoreError> {
        let url = match location {
            Location::Sqlite(_) => {
                return Ok(WriteTurn {
                    session: None,
                    taken: AtomicBool::new(false),
                });
            }
            Location::Postgres(url) => url,
        };
        let mut config = pg_config(url)?;
        pg::add_settings(&mut config, TURN_SETTINGS);
        let session = Confined::spawn("deconflict-pg-turn", move || {
            let conn = pg::connect(&config)?;
            Ok(TurnSession {
                config,
                conn: Some(conn),
                held: false,
            })
        })?;
        Ok(WriteTurn {
            session: Some(session),
            taken: AtomicBool::new(false),
        })
    }

    /// Blocks until this handle holds the turn (at once if it does already). A session that died
    /// is replaced by a new one first.
    pub fn acquire(&self) -> Result<(), StoreError> {
        match &self.session {
            None => {
                self.taken.store(true, Ordering::Release);
                Ok(())
            }
            Some(session) => session.run(TurnSession::acquire)?,
        }
    }

    /// Lets the turn go, if this handle holds it. An error means the database's answer was not
    /// understood; the session is closed then, which lets the turn go all the same.
    pub fn release(&self) -> Result<(), StoreError> {
        match &self.session {
            None => {
                self.taken.store(false, Ordering::Release);
                Ok(())
            }
            Some(session) => session.run(TurnSession::release)?,
        }
    }

    /// Whether this handle holds the turn: it took it, has not released it, and (on PostgreSQL)
    /// its session answers within two seconds and holds the lock. Any doubt is a no.
    pub fn is_held(&self) -> bool {
        match &self.session {
            None => self.taken.load(Ordering::Acquire),
            Some(session) => session
                .run(|turn| {
                    turn.held
                        && turn
                            .conn
                            .as_mut()
                            .is_some_and(|conn| holds(conn, WRITE_TURN_LOCK))
                })
                .unwrap_or(false),
        }
    }
}
