//! The tables on PostgreSQL: the same as on SQLite (`crate::schema`), step for step, so one
//! [`SCHEMA_VERSION`] numbers both; `deconflict_schema` holds the version this database is at.

use postgres::Client;

use super::{LOCK_CLASS, SCHEMA_LOCK};
use crate::error::{Context, StoreError};
use crate::schema::SCHEMA_VERSION;

/// `MIGRATIONS[v]` takes a database from version v to v + 1, as the SQLite list of the same index
/// does. Append to this list, never edit an entry.
const MIGRATIONS: &[&str] = &[
    // v0 -> v1
    "
    CREATE TABLE log (
        seq     bigint PRIMARY KEY CHECK (seq >= 1),
        time_ms bigint NOT NULL,
        body    bytea  NOT NULL
    );

    -- The backstops behind the Rust checks, so that no tool, process or future bug can rewrite
    -- history or leave a hole in it. Rows inserted earlier by the same statement are visible to a
    -- row trigger's query, so a many-row INSERT is checked row by row. (Concurrent inserts are
    -- serialised by the appenders' advisory lock; the primary key catches any that are not.)
    CREATE FUNCTION deconflict_log_contiguous() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
        IF NEW.seq IS DISTINCT FROM (SELECT coalesce(max(seq), 0) + 1 FROM log) THEN
            RAISE EXCEPTION 'log sequence gap' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$;
    CREATE FUNCTION deconflict_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
    END $$;
    CREATE TRIGGER log_contiguous BEFORE INSERT ON log
        FOR EACH ROW EXECUTE FUNCTION deconflict_log_contiguous();
    CREATE TRIGGER log_no_update BEFORE UPDATE OR DELETE ON log
        FOR EACH ROW EXECUTE FUNCTION deconflict_refuse('the log is append-only');
    -- TRUNCATE fires no row trigger; SQLite has nothing like it.
    CREATE TRIGGER log_no_truncate BEFORE TRUNCATE ON log
        FOR EACH STATEMENT EXECUTE FUNCTION deconflict_refuse('the log is append-only');

    CREATE TABLE parties (
        name        text    PRIMARY KEY,
        coordinator boolean NOT NULL,
        created_ms  bigint  NOT NULL
    );
    CREATE UNIQUE INDEX parties_one_coordinator ON parties (coordinator) WHERE coordinator;

    CREATE TABLE credentials (
        id           text   PRIMARY KEY,
        party        text   NOT NULL REFERENCES parties (name),
        role         text   NOT NULL CHECK (role IN ('viewer', 'operator', 'approver', 'auditor')),
        token_sha256 bytea  NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
        created_ms   bigint NOT NULL,
        revoked_ms   bigint
    );
    ",
    // v1 -> v2
    "
    ALTER TABLE log ADD COLUMN leaf bytea CHECK (leaf IS NULL OR length(leaf) = 32);

    CREATE TABLE ledger_keys (
        id          integer PRIMARY KEY CHECK (id = 1),
        origin      text    NOT NULL,
        signer_key  text    NOT NULL,
        salt_secret bytea   NOT NULL CHECK (length(salt_secret) = 32),
        created_ms  bigint  NOT NULL
    );
    CREATE TRIGGER ledger_keys_no_update BEFORE UPDATE ON ledger_keys
        FOR EACH ROW EXECUTE FUNCTION deconflict_refuse('the log keys never change');

    CREATE TABLE checkpoints (
        size    bigint PRIMARY KEY CHECK (size >= 0),
        time_ms bigint NOT NULL,
        note    text   NOT NULL
    );
    CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
        FOR EACH ROW EXECUTE FUNCTION deconflict_refuse('a signed checkpoint never changes');

    CREATE TABLE cosignatures (
        size      bigint NOT NULL REFERENCES checkpoints (size),
        witness   text   NOT NULL,
        party     text   NOT NULL REFERENCES parties (name),
        signature text   NOT NULL,
        time_ms   bigint NOT NULL,
        PRIMARY KEY (size, witness)
    );
    CREATE TABLE witnesses (
        witness text PRIMARY KEY,
        party   text NOT NULL REFERENCES parties (name)
    );
    ",
    // v2 -> v3
    "
    CREATE TABLE webhooks (
        id              text   PRIMARY KEY,
        party           text   NOT NULL REFERENCES parties (name),
        credential_id   text   NOT NULL REFERENCES credentials (id),
        url             text   NOT NULL,
        secret          bytea  NOT NULL CHECK (length(secret) = 32),
        created_ms      bigint NOT NULL,
        removed_ms      bigint,
        cursor          bigint NOT NULL CHECK (cursor >= 0),
        attempts        bigint NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_status     bigint,
        last_error      text,
        last_attempt_ms bigint,
        next_attempt_ms bigint,
        delivered       bigint NOT NULL DEFAULT 0 CHECK (delivered >= 0)
    );
    CREATE INDEX webhooks_live ON webhooks (party) WHERE removed_ms IS NULL;
    ",
    // v3 -> v4
    "
    CREATE TABLE device_ca (
        id         integer PRIMARY KEY CHECK (id = 1),
        cert_der   bytea  NOT NULL,
        key_pkcs8  bytea  NOT NULL,
        created_ms bigint NOT NULL
    );
    CREATE TRIGGER device_ca_no_update BEFORE UPDATE ON device_ca
        FOR EACH ROW EXECUTE FUNCTION deconflict_refuse('the device CA never changes');

    CREATE TABLE device_certificates (
        sha256        bytea  PRIMARY KEY CHECK (length(sha256) = 32),
        credential_id text   NOT NULL REFERENCES credentials (id),
        subject       text   NOT NULL,
        client_uid    text   NOT NULL,
        issued_ms     bigint NOT NULL,
        expires_ms    bigint NOT NULL
    );
    CREATE INDEX device_certificates_credential ON device_certificates (credential_id);
    ",
];

const _: () = assert!(MIGRATIONS.len() as i64 == SCHEMA_VERSION);

/// Brings the database's schema up to [`SCHEMA_VERSION`], or refuses one from a newer binary.
pub(super) fn migrate(conn: &mut Client) -> Result<(), StoreError> {
    // The advisory lock makes nodes opening a new database at once take turns: the second finds
    // the work done.
    // READ WRITE: a reader's session refuses writes by default, but runs this check too.
    let mut tx = conn
        .build_transaction()
        .read_only(false)
        .start()
        .during("starting the schema check")?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&LOCK_CLASS, &SCHEMA_LOCK],
    )
    .during("locking the schema")?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS deconflict_schema (
             id      integer PRIMARY KEY CHECK (id = 1),
             version bigint  NOT NULL CHECK (version >= 0)
         )",
    )
    .during("creating the schema version table")?;
    let version: i64 = tx
        .query_opt("SELECT version FROM deconflict_schema WHERE id = 1", &[])
        .during("reading the schema version")?
        .map(|row| row.try_get(0))
        .transpose()
        .during("reading the schema version")?
        .unwrap_or(0);
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    // The CHECK keeps it from being negative.
    let from = usize::try_from(version).unwrap_or_default();
    for step in &MIGRATIONS[from..] {
        tx.batch_execute(step).during("migrating the schema")?;
    }
    tx.execute(
        "INSERT INTO deconflict_schema (id, version) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version",
        &[&SCHEMA_VERSION],
    )
    .during("recording the schema version")?;
    tx.commit().during("committing the schema")
}
