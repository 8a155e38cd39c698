use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::error::{Context, StoreError};
use crate::location::{Location, pg_config};
use crate::pg::{self, LEASE_LOCK};
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
    /// The session holding the lock; `None` on SQLite.
    session: Option<Mutex<postgres::Client>>,
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
        let mut session = pg::connect(&pg_config(url)?)?;
        let won: bool = session
            .query_one(
                "SELECT pg_try_advisory_lock($1, $2)",
                &[&APPLICATION_ID, &LEASE_LOCK],
            )
            .and_then(|row| row.try_get(0))
            .during("trying to take the lease")?;
        Ok(won.then(|| Lease {
            session: Some(Mutex::new(session)),
        }))
    }

    /// Whether the lease is still this holder's: its session answers, and holds the lock.
    /// Any doubt (no answer within two seconds, an error) is a no, after which the lease is lost
    /// for good; drop it and try to acquire it again.
    pub fn is_held(&self) -> bool {
        let Some(session) = &self.session else {
            return true;
        };
        let mut session = session.lock().unwrap_or_else(PoisonError::into_inner);
        if session.is_closed() || session.is_valid(CHECK_TIMEOUT).is_err() {
            return false;
        }
        session
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
                     AND pid = pg_backend_pid() AND granted
                     AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2)",
                &[&APPLICATION_ID, &LEASE_LOCK],
            )
            .and_then(|row| row.try_get(0))
            .unwrap_or(false)
    }
}
