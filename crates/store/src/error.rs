use std::path::PathBuf;
use std::sync::Arc;

/// Everything that can go wrong in the store, each message naming what is wrong.
///
/// Messages are complete on their own (an SQLite or I/O cause is part of the text, not a separate
/// `source`), because they travel to callers through tickets and log lines that print one line.
///
/// `Clone` because one failed group commit has to hand the same error to every caller waiting in
/// that batch; the non-`Clone` sources are therefore kept behind `Arc`.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An entry's sequence number is not the one after the log's head.
    #[error("log sequence gap: expected {expected}, got {got}")]
    SequenceGap {
        /// The only sequence number the log would accept next.
        expected: u64,
        /// The sequence number that was offered.
        got: u64,
    },

    /// A sequence number outside what the backend can store (SQLite integers are signed).
    #[error("log sequence number {0} is out of range")]
    SequenceOutOfRange(u64),

    /// An earlier append failed, so the log accepts nothing more from this handle.
    #[error("the log refuses appends since an earlier write failed: {0}")]
    Poisoned(Box<StoreError>),

    /// The operating system would not start the writer thread.
    #[error("cannot start the log writer thread: {0}")]
    WriterThread(Arc<std::io::Error>),

    /// The writer thread is gone (it panicked, or the process is shutting down).
    #[error("the log writer has stopped; the entry's fate is unknown")]
    WriterStopped,

    /// The operating system would not start the thread a PostgreSQL connection lives on.
    #[error("cannot start a database connection thread: {0}")]
    ConnectionThread(Arc<std::io::Error>),

    /// The thread a PostgreSQL connection lives on has stopped (the process is shutting down);
    /// a write sent to it may or may not have happened.
    #[error("the database connection's thread has stopped")]
    ConnectionStopped,

    /// The database file was written by a newer version of this software.
    #[error("database schema version {found} is newer than this binary supports ({supported})")]
    SchemaTooNew {
        /// `user_version` found in the file.
        found: i64,
        /// The newest version this binary knows.
        supported: i64,
    },

    /// The file is an SQLite database, but not one of ours.
    #[error("`{path}` is not a deconflict database (application_id {application_id:#010x})")]
    NotADeconflictDatabase {
        /// The database file.
        path: PathBuf,
        /// `application_id` found in the file.
        application_id: i32,
    },

    /// SQLite could not be put in write-ahead-log mode (some network filesystems refuse it).
    #[error("`{path}` cannot use write-ahead logging (journal mode stayed `{mode}`)")]
    NoWal {
        /// The database file.
        path: PathBuf,
        /// The journal mode SQLite reported instead of `wal`.
        mode: String,
    },

    /// A party name that does not match `[a-z][a-z0-9_-]{0,31}`.
    #[error(
        "invalid party name `{0}`: use 1 to 32 characters, a lowercase letter first, then \
         lowercase letters, digits, `_` or `-`"
    )]
    InvalidPartyName(String),

    /// `add_party` with a name already taken.
    #[error("party `{0}` already exists")]
    PartyExists(String),

    /// A party name that is not in the directory.
    #[error("party `{0}` does not exist")]
    NoSuchParty(String),

    /// A witness key sent by a party other than the one that first used it.
    #[error("witness key `{0}` belongs to another party")]
    WitnessOfOtherParty(String),

    /// A party's witness key beyond the number allowed.
    #[error("party `{party}` already uses {max} witness keys, the most allowed")]
    TooManyWitnesses { party: String, max: i64 },

    /// A party's webhook beyond the number allowed.
    #[error("party `{party}` already has {max} webhooks, the most allowed")]
    TooManyWebhooks { party: String, max: i64 },

    /// A device certificate beyond the number one credential may hold.
    #[error("credential `{credential}` already holds {max} device certificates, the most allowed")]
    TooManyCertificates { credential: String, max: i64 },

    /// A second coordinator was requested.
    #[error("party `{existing}` is already the coordinator; there can be only one")]
    CoordinatorExists {
        /// The party that is the coordinator now.
        existing: String,
    },

    /// A role name that is not one of the four.
    #[error("unknown role `{0}` (expected viewer, operator, approver or auditor)")]
    UnknownRole(String),

    /// An approver credential requested for a party that is not the coordinator.
    #[error("role approver is only for the coordinator party, and `{party}` is not it")]
    ApproverNotCoordinator {
        /// The party the credential was requested for.
        party: String,
    },

    /// A credential id that is not in the directory.
    #[error("credential `{0}` does not exist")]
    NoSuchCredential(String),

    /// `revoke` of a credential that was revoked before.
    #[error("credential `{0}` is already revoked")]
    AlreadyRevoked(String),

    /// The operating system's random source failed.
    #[error("cannot draw random bytes for a token or secret: {0}")]
    Random(getrandom::Error),

    /// A filesystem operation around the database failed.
    #[error("cannot {action} `{path}`: {error}")]
    Io {
        /// What was being done, as a verb phrase ("create data directory").
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The operating system's error.
        error: Arc<std::io::Error>,
    },

    /// Another writer appended to the log first (several nodes share one PostgreSQL log, or
    /// several processes one SQLite file): nothing of the batch was written, and the log takes
    /// nothing more from this handle until the caller has read what it missed and called
    /// [`Log::caught_up`](crate::Log::caught_up). The log is not poisoned.
    #[error("another writer appended first; the log's head is now {head}")]
    Behind {
        /// The log's head when the batch was refused.
        head: u64,
    },

    /// The database could not be reached for long enough that the writer gave up: nothing of the
    /// batch was written. As after [`StoreError::Behind`], the log waits for
    /// [`Log::caught_up`](crate::Log::caught_up).
    #[error("the database is unreachable; nothing was written: {0}")]
    Unavailable(Box<StoreError>),

    /// The connection was lost while the batch was committing and the database could not be
    /// reached again to see whether the commit had happened: the entries may or may not be in the
    /// log, which says which once it is reachable. As after [`StoreError::Behind`], the log waits
    /// for [`Log::caught_up`](crate::Log::caught_up).
    #[error(
        "the connection was lost while committing, and whether the entries were written is unknown: {0}"
    )]
    OutcomeUnknown(Box<StoreError>),

    /// A database location that is not a PostgreSQL URL this store can use (the message never
    /// repeats the URL, which may hold a password).
    #[error("invalid database location: {0}")]
    InvalidLocation(String),

    /// PostgreSQL reported an error, or the connection to it failed.
    #[error("database error while {action}: {}", with_causes(error))]
    Postgres {
        /// What was being done, as a gerund phrase ("appending to the log").
        action: &'static str,
        /// The driver's error.
        error: Arc<postgres::Error>,
    },

    /// SQLite reported an error.
    #[error("database error while {action}: {error}")]
    Sqlite {
        /// What was being done, as a gerund phrase ("appending to the log").
        action: &'static str,
        /// SQLite's error.
        error: Arc<rusqlite::Error>,
    },
}

/// The driver's message followed by its causes': on its own it says only "db error" or "error
/// connecting to server", and the server's words are in the cause.
fn with_causes(error: &postgres::Error) -> String {
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        message = format!("{message}: {inner}");
        cause = inner.source();
    }
    message
}

impl StoreError {
    /// Whether this is one of the outcomes after which a [`Log`](crate::Log) is not poisoned but
    /// waits for the caller to catch up with the database and call
    /// [`Log::caught_up`](crate::Log::caught_up): [`StoreError::Behind`],
    /// [`StoreError::Unavailable`], [`StoreError::OutcomeUnknown`].
    pub fn needs_catch_up(&self) -> bool {
        matches!(
            self,
            StoreError::Behind { .. } | StoreError::Unavailable(_) | StoreError::OutcomeUnknown(_)
        )
    }

    /// Whether the database could not be reached, or not as a server that takes writes (a
    /// PostgreSQL primary killed, restarting or demoted, before a failover ends): the call did
    /// nothing and may succeed later. The same failures a write rides out by trying again
    /// (see [`crate::PgLog`]).
    pub fn is_unreachable(&self) -> bool {
        match self {
            StoreError::Postgres { error, .. } => crate::pg::lost(error),
            StoreError::Unavailable(_) => true,
            _ => false,
        }
    }
}

/// Attaches what the store was doing to an SQLite error, so the message says more than
/// "database is locked".
pub(crate) trait Context<T> {
    fn during(self, action: &'static str) -> Result<T, StoreError>;
}

impl<T> Context<T> for Result<T, rusqlite::Error> {
    fn during(self, action: &'static str) -> Result<T, StoreError> {
        self.map_err(|error| StoreError::Sqlite {
            action,
            error: Arc::new(error),
        })
    }
}

impl<T> Context<T> for Result<T, postgres::Error> {
    fn during(self, action: &'static str) -> Result<T, StoreError> {
        self.map_err(|error| StoreError::Postgres {
            action,
            error: Arc::new(error),
        })
    }
}
