//! The durable, append-only log that is deconflict's database, and the parties and credentials
//! tables the command line manages, on SQLite (one node, a data directory) or PostgreSQL (one or
//! several nodes sharing a database). A [`Location`] says which; every handle opens on either
//! with `open_at` and behaves the same, and `open(dir)` is SQLite.
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
//! power cut.) On PostgreSQL a commit returns once the server has flushed it to its WAL: its
//! `synchronous_commit` applies (`on` by default, which with a synchronous standby configured also
//! waits for the standby), but never `off`, which appends raise to `on`.
//!
//! When a write fails, every ticket of that batch gets the error and the log is *poisoned*: it
//! refuses all later appends, because the caller has already applied entries that are not on
//! disk and carrying on would leave a gap between what it told people and what the log can
//! prove. Three failures do not poison it, because the caller can learn from the log itself what
//! happened ([`StoreError::needs_catch_up`]): another node appended first
//! ([`StoreError::Behind`]), or PostgreSQL stayed unreachable while the writer retried
//! ([`StoreError::Unavailable`], [`StoreError::OutcomeUnknown`]); the log then refuses appends
//! until the caller has caught up and says so ([`Log::caught_up`]). [`PgLog`] tells how an append
//! that lost its connection during `COMMIT` finds out whether it committed.
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
//! On SQLite, one file per data directory, `DIR/deconflict.db` ([`db_path`]), marked with
//! SQLite's `application_id` and versioned by `user_version` ([`SCHEMA_VERSION`]); a file from a
//! newer binary or from another application is refused with an error naming the versions.
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
//! stored only as SHA-256 digests. Beside these, the log's keys, checkpoints, cosignatures and
//! witnesses (`checkpoints.rs`) and the webhooks (`webhooks.rs`).
//!
//! On PostgreSQL, the same tables in the connection's schema (`public` unless the URL's
//! `search_path` says otherwise), created at open by the same migration steps in PostgreSQL's
//! types (`bigint` for integers, `bytea` for blobs, `boolean` for the coordinator flag), and a
//! table `deconflict_schema (id = 1, version)` holding [`SCHEMA_VERSION`]: a newer version is
//! refused, and nodes opening a new database at once take turns under an advisory lock. The same
//! backstops as on SQLite, as PL/pgSQL triggers: `log` refuses a seq that is not max + 1, any
//! `UPDATE` or `DELETE`, and `TRUNCATE`; the keys and checkpoints are never updated. Lists are
//! sorted `COLLATE "C"`, byte order as on SQLite, whatever the database's locale.
//!
//! # Why the backend trait is so small
//!
//! [`LogBackend`] has three methods: append a contiguous batch in one durable transaction, say
//! the head, read a range. That is all an append-only log with caller-chosen sequence numbers
//! needs, and both backends implement it, [`SqliteLog`] and [`PgLog`]. On PostgreSQL the "seq
//! must be head + 1" check is the optimistic concurrency control between several nodes sharing
//! one log: appenders queue on an advisory lock held for their transaction, and the loser of a
//! race gets [`StoreError::SequenceGap`] with nothing written, which [`Log`] turns into
//! [`StoreError::Behind`]. Tailing is `read` from the last seq seen, woken by
//! [`Log::wait_for_append`] (`LISTEN`/`NOTIFY`). Group commit, poisoning, catching up and the
//! read pool live above the trait in [`Log`], so both backends share them. What is particular to
//! PostgreSQL stays inside [`PgLog::append_batch`]: reconnecting, and settling a commit whose
//! answer was lost, before it returns.
//!
//! # Several nodes
//!
//! On PostgreSQL, exactly one node should sign checkpoints and run the sweep: the one holding the
//! [`Lease`], a session-level advisory lock (on SQLite, always granted). Nodes that append take
//! turns under a [`WriteTurn`], another session-level advisory lock, held across a whole catch up,
//! decide, append, commit cycle ([`Log`] spells out the protocol); the head check stays what
//! keeps the log whole if a turn's session dies. Connections are made without TLS
//! ([`Location::parse`]): use a Unix socket or a trusted network.
//!
//! # Calling from async code
//!
//! The `postgres` driver blocks on a tokio runtime of its own in every call, which would panic
//! inside another runtime. So every PostgreSQL session lives on a thread of its own, which owns
//! it (and reconnects it): a handle's method sends that thread a closure and waits for the
//! answer. Every handle on either backend may therefore be called from anywhere, async code
//! included, and blocks briefly as an SQLite call does; dropping a handle ends its threads and
//! closes its sessions (a [`Lease`]'s lock is released on return). What waits for others
//! ([`WriteTurn::acquire`], [`Log::wait_for_append`], [`Ticket::wait`]) still belongs on a plain
//! thread or in `spawn_blocking`; `.await` a [`Ticket`] instead.
//!
//! # Parties and credentials
//!
//! [`Directory`] is plain synchronous code for the CLI (add parties, issue, list and revoke
//! tokens) and for the server's auth layer ([`Directory::authenticate`]). It opens the same file;
//! WAL and a busy timeout make a CLI process and a running server safe together, and because the
//! server looks each token up on every request, a revocation applies at once. On PostgreSQL the
//! writes that check before they write (one coordinator, a party's limits) take turns under an
//! advisory lock, as SQLite's `BEGIN IMMEDIATE` makes them.
//!
//! # Webhooks
//!
//! [`Webhooks`] keeps the URLs parties register for their events, each with the secret its
//! deliveries are signed with and where its deliveries stand (the last entry delivered, the
//! failures since); the server does the delivering.

mod backend;
mod checkpoints;
mod devices;
mod directory;
mod error;
mod lease;
mod location;
mod log;
mod pg;
mod schema;
mod webhooks;

pub use backend::{Entry, LogBackend, SqliteLog};
pub use checkpoints::{Checkpoints, Cosignature, LogKeys, StoredCheckpoint, WITNESSES_PER_PARTY};
pub use devices::{CERTIFICATES_PER_CREDENTIAL, DeviceCa, DeviceCertificate, Devices};
pub use directory::{
    Credential, CredentialInfo, Directory, DirectoryVersion, IssuedToken, Party, Role,
    TOKEN_PREFIX, to_hex, validate_party_name,
};
pub use error::StoreError;
pub use lease::{Lease, WriteTurn};
pub use location::Location;
pub use log::{Log, LogStats, Ticket};
pub use pg::log::PgLog;
pub use schema::{DB_FILE, SCHEMA_VERSION, db_path};
pub use webhooks::{WEBHOOKS_PER_PARTY, Webhook, Webhooks};
