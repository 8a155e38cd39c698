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

    /// SQLite reported an error.
    #[error("database error while {action}: {error}")]
    Sqlite {
        /// What was being done, as a gerund phrase ("appending to the log").
        action: &'static str,
        /// SQLite's error.
        error: Arc<rusqlite::Error>,
    },
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
