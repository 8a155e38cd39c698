//! The durable, append-only log that is deconflict's database, and the parties and credentials
//! tables the command line manages.
//!
//! # The log model
//!
//! Every accepted command becomes one [`Entry`]: a sequence number, a timestamp and an opaque
//! body encoded by the model crate. Sequence numbers start at 1 and have no gaps; the caller
//! assigns them (it has to, because it evaluates each command against the state left by the one
//! before) and the store refuses any entry that is not exactly the head plus one. Entries are
//! never updated or deleted: the current state is a fold over the log, rebuilt at start-up by
//! reading it back with [`Log::read`]. The store never interprets a body.
//!
//! # Durability
//!
//! A [`Ticket`] resolves `Ok` only after the transaction holding its entry has committed, and
//! every connection runs SQLite in WAL mode with `synchronous = FULL`, in which a commit returns
//! only after the write-ahead log has been fsynced. So an entry whose ticket resolved survives a
//! process crash and a power cut, and the server answers a caller only after that. (`NORMAL`, the
//! usual WAL setting, would survive a crash of the process but could lose the last commits to a
//! power cut.) When a write fails, every ticket of that batch gets the error and the log is
//! *poisoned*: it refuses all later appends, because the caller has already applied entries that
//! are not on disk and carrying on would leave a gap between what it told people and what the log
//! can prove.
//!
//! # Group commit
//!
//! An fsync costs milliseconds on real disks, so one per entry would cap the service at a few
//! hundred commands a second. [`Log`] owns one writer thread: callers [`Log::submit`] entries to
//! a queue and wait on their tickets; the writer takes everything queued, writes it in one
//! transaction, commits once and resolves all those tickets together. While one commit's fsync
//! runs, the next batch gathers on its own, so there is no delay timer to tune and a lone caller
//! waits for exactly one fsync. [`LogStats`] counts commits and entries to show the effect. Reads
//! use separate read-only connections, which WAL lets run alongside the writer.
//!
//! # Schema
//!
//! One SQLite file per data directory, `DIR/deconflict.db` ([`db_path`]), marked with SQLite's
//! `application_id` and versioned by `user_version` ([`SCHEMA_VERSION`]); a file from a newer
//! binary or from another application is refused with an error naming the versions.
//!
//! ```sql
//! log         (seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, body BLOB NOT NULL)
//! parties     (name TEXT PRIMARY KEY, coordinator INTEGER NOT NULL, created_ms INTEGER NOT NULL)
//! credentials (id TEXT PRIMARY KEY, party TEXT NOT NULL REFERENCES parties,
//!              role TEXT NOT NULL, token_sha256 BLOB NOT NULL UNIQUE,
//!              created_ms INTEGER NOT NULL, revoked_ms INTEGER)
//! ```
//!
//! Triggers on `log` refuse gaps, updates and deletes, so even a hand-run `sqlite3` session
//! cannot rewrite history; a partial unique index allows at most one coordinator. Tokens are
//! stored only as SHA-256 digests.
//!
//! # Why the backend trait is so small
//!
//! [`LogBackend`] has three methods: append a contiguous batch in one durable transaction, say
//! the head, read a range. That is all an append-only log with caller-chosen sequence numbers
//! needs, and it maps directly onto PostgreSQL later: the "seq must be head + 1" check becomes the
//! optimistic concurrency control between several service nodes sharing one log, and tailing is
//! `read` from the last seq seen. Group commit, poisoning and the read pool live above the trait
//! in [`Log`], so a second backend gets them for free and cannot get them subtly wrong.
//!
//! # Parties and credentials
//!
//! [`Directory`] is plain synchronous code for the CLI (add parties, issue, list and revoke
//! tokens) and for the server's auth layer ([`Directory::authenticate`]). It opens the same file;
//! WAL and a busy timeout make a CLI process and a running server safe together, and because the
//! server looks each token up on every request, a revocation applies at once.
//!
//! # Webhooks
//!
//! [`Webhooks`] keeps the URLs parties register for their events, each with the secret its
//! deliveries are signed with and where its deliveries stand (the last entry delivered, the
//! failures since); the server does the delivering.

mod backend;
mod checkpoints;
mod directory;
mod error;
mod log;
mod schema;
mod webhooks;

pub use backend::{Entry, LogBackend, SqliteLog};
pub use checkpoints::{Checkpoints, Cosignature, LogKeys, StoredCheckpoint, WITNESSES_PER_PARTY};
pub use directory::{
    Credential, CredentialInfo, Directory, DirectoryVersion, IssuedToken, Party, Role,
    TOKEN_PREFIX, to_hex, validate_party_name,
};
pub use error::StoreError;
pub use log::{Log, LogStats, Ticket};
pub use schema::{DB_FILE, SCHEMA_VERSION, db_path};
pub use webhooks::{WEBHOOKS_PER_PARTY, Webhook, Webhooks};
