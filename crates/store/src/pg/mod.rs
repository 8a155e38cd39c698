//! The PostgreSQL backend: connections that come back after the database did, the schema, and the
//! tables' queries (the log's in `log.rs`).
//!
//! Every session lives on a thread of its own (`confined.rs`), so that the handles can be called
//! from async code too. Every handle reaches PostgreSQL through [`Client`], which connects again whenever
//! the connection turned out closed (a restart, a failover, `pg_terminate_backend`). A read that
//! fails because the connection died is tried once more on a new one; a write is not, because its
//! commit may have happened: the caller sees the error and decides. The log's writer does better
//! than that, see `log.rs`.

pub(crate) mod checkpoints;
pub(crate) mod confined;
pub(crate) mod devices;
pub(crate) mod directory;
pub(crate) mod log;
mod schema;
pub(crate) mod tls;
pub(crate) mod webhooks;

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use postgres::Transaction;
use postgres::types::{FromSql, Type};

use self::confined::Confined;
use crate::error::{Context, StoreError};
use crate::location::{Location, PgConfig, pg_config};
use crate::schema::APPLICATION_ID;

/// Advisory locks are taken as (class, key) pairs; the class is the application id, so they
/// cannot collide with another application's locks in the same database.
const LOCK_CLASS: i32 = APPLICATION_ID;
/// Held by whoever migrates the schema, so two nodes starting at once do not both run a step.
const SCHEMA_LOCK: i32 = 0;
/// Held by the transaction appending to the log: appenders from every node queue on it.
const APPEND_LOCK: i32 = 1;
/// Held for a [`crate::Lease`]'s life, by its own session.
pub(crate) const LEASE_LOCK: i32 = 2;
/// Held by the write transactions that check before they write (a party's limits, the one
/// coordinator), which SQLite serialises with `BEGIN IMMEDIATE`.
const WRITES_LOCK: i32 = 3;
/// Held by a [`crate::WriteTurn`]'s session while its node takes its turn at writing the log.
pub(crate) const WRITE_TURN_LOCK: i32 = 4;

/// How long a connection attempt may take before it counts as a failure; the driver's default
/// is to wait for the operating system, minutes on a black-holed network.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects with `config`, over TLS if it says so (see [`Location::parse`]).
pub(crate) fn connect(config: &PgConfig) -> Result<postgres::Client, StoreError> {
    let mut config = config.clone();
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    config.connect().during("connecting to PostgreSQL")
}

/// Takes advisory lock `key` until the transaction ends.
fn lock(tx: &mut Transaction<'_>, key: i32) -> Result<(), postgres::Error> {
    tx.execute("SELECT pg_advisory_xact_lock($1, $2)", &[&LOCK_CLASS, &key])
        .map(drop)
}

/// The handle to a connection that reconnects ([`Conn`]), confined to a thread of its own
/// ([`Confined`]) so that its methods can be called from anywhere, async code included. The
/// closures it takes run on that thread, so they own what they use (`'static`).
pub(crate) struct Client {
    location: Location,
    conn: Confined<Conn>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// Adds server settings (`-c name=value ...`) to every session `config` makes.
pub(crate) fn add_settings(config: &mut postgres::Config, settings: &str) {
    let options = match config.get_options() {
        Some(theirs) => format!("{theirs} {settings}"),
        None => settings.to_owned(),
    };
    config.options(&options);
}

impl Client {
    /// Connects to `url` and brings the schema up to date.
    pub(crate) fn open(url: &str) -> Result<Client, StoreError> {
        Client::open_with(url, None)
    }

    /// Like [`Client::open`], adding server settings (`-c name=value ...`) to every session.
    pub(crate) fn open_with(url: &str, settings: Option<&str>) -> Result<Client, StoreError> {
        Client::open_session(url, settings, Access::ReadWrite)
    }

    /// Like [`Client::open`], for a connection that must never write: every session refuses
    /// writes, as SQLite's `query_only` does.
    pub(crate) fn open_reader(url: &str) -> Result<Client, StoreError> {
        Client::open_session(url, None, Access::ReadOnly)
    }

    fn open_session(
        url: &str,
        settings: Option<&str>,
        access: Access,
    ) -> Result<Client, StoreError> {
        let mut config = pg_config(url)?;
        if let Some(settings) = settings {
            add_settings(&mut config, settings);
        }
        let conn = Confined::spawn("deconflict-pg", move || {
            let mut conn = connect(&config)?;
            schema::migrate(&mut conn)?;
            access.set(&mut conn)?;
            Ok(Conn {
                config,
                access,
                conn: Some(conn),
            })
        })?;
        Ok(Client {
            location: Location::Postgres(url.to_owned()),
            conn,
        })
    }

    /// Runs `job` on the connection's thread.
    pub(crate) fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Conn) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.conn.run(job)?
    }

    /// [`Conn::read`] on the connection's thread.
    pub(crate) fn read<T: Send + 'static>(
        &self,
        action: &'static str,
        read: impl FnMut(&mut postgres::Client) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.run(move |conn| conn.read(action, read))
    }

    /// [`Conn::write`] on the connection's thread.
    pub(crate) fn write<T: Send + 'static>(
        &self,
        write: impl FnOnce(&mut postgres::Client) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.run(move |conn| conn.write(write))
    }

    /// [`Conn::checked_write`] on the connection's thread.
    pub(crate) fn checked_write<T: Send + 'static>(
        &self,
        action: &'static str,
        write: impl FnOnce(&mut Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.run(move |conn| conn.checked_write(action, write))
    }
}

/// Whether a [`Client`]'s sessions may write.
#[derive(Debug, Clone, Copy)]
enum Access {
    ReadWrite,
    ReadOnly,
}

impl Access {
    /// Makes a new session `ReadOnly` if it is to be. Set once connected, not with the other
    /// settings at connection: `target_session_attrs=read-write` (a URL naming a primary and its
    /// standbys) asks each server on connecting whether the session is read-only, and would
    /// take every one of them for a standby.
    fn set(self, conn: &mut postgres::Client) -> Result<(), StoreError> {
        match self {
            Access::ReadWrite => Ok(()),
            Access::ReadOnly => conn
                .batch_execute("SET default_transaction_read_only = on")
                .during("making the session read-only"),
        }
    }
}

/// A connection that reconnects, owned by the thread of one [`Client`].
pub(crate) struct Conn {
    config: PgConfig,
    access: Access,
    conn: Option<postgres::Client>,
}

impl Conn {
    /// The open connection, made anew if there is none or it died.
    fn connection(&mut self) -> Result<&mut postgres::Client, StoreError> {
        if self.conn.as_ref().is_none_or(postgres::Client::is_closed) {
            self.conn = None;
            let mut conn = connect(&self.config)?;
            self.access.set(&mut conn)?;
            self.conn = Some(conn);
        }
        Ok(self.conn.as_mut().expect("connected just above"))
    }

    /// Drops the connection, so the next use makes a new one.
    pub(crate) fn reset(&mut self) {
        self.conn = None;
    }

    /// Runs `read`, and once more on a new connection if the first one turned out dead.
    pub(crate) fn read<T>(
        &mut self,
        action: &'static str,
        mut read: impl FnMut(&mut postgres::Client) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        {
            let conn = self.connection()?;
            match read(conn) {
                Err(e) if connection_lost(conn, &e) => {}
                done => return done.during(action),
            }
        }
        self.reset();
        let conn = self.connection()?;
        read(conn).during(action)
    }

    /// Runs `write` once; a connection found dead (or read-only: a demoted primary) is replaced
    /// on the next call.
    pub(crate) fn write<T>(
        &mut self,
        write: impl FnOnce(&mut postgres::Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.connection()?;
        let done = write(conn);
        if let Err(StoreError::Postgres { error, .. }) = &done
            && connection_lost(conn, error)
        {
            self.reset();
        }
        done
    }

    /// Runs `write` in a transaction holding the lock that serialises checked writes, and
    /// commits if it returns `Ok`.
    pub(crate) fn checked_write<T>(
        &mut self,
        action: &'static str,
        write: impl FnOnce(&mut Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.write(|conn| {
            let mut tx = conn.transaction().during(action)?;
            lock(&mut tx, WRITES_LOCK).during(action)?;
            let done = write(&mut tx)?;
            tx.commit().during(action)?;
            Ok(done)
        })
    }
}

/// Whether `error` means the session is gone or unusable for writing (so nothing of an
/// uncommitted transaction survives, and a new connection may do better): the socket closed, or
/// the server said it is shutting down, not accepting connections, or (after a failover, on the
/// old primary) read-only.
pub(crate) fn connection_lost(conn: &postgres::Client, error: &postgres::Error) -> bool {
    conn.is_closed() || lost(error)
}

/// [`connection_lost`], as far as `error` alone tells.
pub(crate) fn lost(error: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    if error.is_closed() {
        return true;
    }
    let Some(db) = error.as_db_error() else {
        // Not the server's answer: the socket failed (I/O) or timed out.
        return true;
    };
    let code = db.code();
    code.code().starts_with("08")
        || [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::READ_ONLY_SQL_TRANSACTION,
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
        ]
        .contains(code)
}

/// A `bigint` column narrowed to `T`, refusing a value out of range rather than wrapping it.
pub(crate) struct Int<T>(pub(crate) T);

impl<'a, T> FromSql<'a> for Int<T>
where
    T: TryFrom<i64>,
    T::Error: StdError + Send + Sync + 'static,
{
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Int(T::try_from(i64::from_sql(ty, raw)?)?))
    }

    fn accepts(ty: &Type) -> bool {
        <i64 as FromSql>::accepts(ty)
    }
}

/// A `bytea` column of exactly 32 bytes (a digest, a secret); the tables' CHECKs keep them so.
pub(crate) struct Bytes32(pub(crate) [u8; 32]);

impl<'a> FromSql<'a> for Bytes32 {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Bytes32(<&[u8]>::from_sql(ty, raw)?.try_into()?))
    }

    fn accepts(ty: &Type) -> bool {
        <&[u8] as FromSql>::accepts(ty)
    }
}

/// A sequence number or size as PostgreSQL stores it (`bigint` is signed).
pub(crate) fn sql_u64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::SequenceOutOfRange(value))
}
