use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Context, StoreError};

/// The file a data directory's database lives in.
pub const DB_FILE: &str = "deconflict.db";

/// Marks the file as ours in SQLite's header ("DCNF"), so that pointing the service at some other
/// application's database fails loudly instead of adding tables to it.
pub(crate) const APPLICATION_ID: i32 = 0x4443_4e46;

/// `MIGRATIONS[v]` takes a database from `user_version` v to v + 1; a new file starts at 0.
/// Append to this list, never edit an entry: files in the field were made by the old text.
const MIGRATIONS: &[&str] = &[
    // v0 -> v1
    "
    CREATE TABLE log (
        seq     INTEGER PRIMARY KEY CHECK (seq >= 1),
        time_ms INTEGER NOT NULL,
        body    BLOB    NOT NULL
    ) STRICT;

    -- The backstops behind the Rust checks, so that no tool, process or future bug can rewrite
    -- history or leave a hole in it.
    CREATE TRIGGER log_contiguous BEFORE INSERT ON log
    WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM log)
    BEGIN SELECT RAISE(ABORT, 'log sequence gap'); END;
    CREATE TRIGGER log_no_update BEFORE UPDATE ON log
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
    CREATE TRIGGER log_no_delete BEFORE DELETE ON log
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;

    CREATE TABLE parties (
        name        TEXT    PRIMARY KEY,
        coordinator INTEGER NOT NULL CHECK (coordinator IN (0, 1)),
        created_ms  INTEGER NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX parties_one_coordinator ON parties (coordinator) WHERE coordinator = 1;

    CREATE TABLE credentials (
        id           TEXT    PRIMARY KEY,
        party        TEXT    NOT NULL REFERENCES parties (name),
        role         TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'approver', 'auditor')),
        token_sha256 BLOB    NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
        created_ms   INTEGER NOT NULL,
        revoked_ms   INTEGER
    ) STRICT;
    ",
    // v1 -> v2: what makes the log verifiable. Each entry's leaf hash; one row of keys; the
    // checkpoints the log signed, and the witnesses' cosignatures of them.
    "
    ALTER TABLE log ADD COLUMN leaf BLOB CHECK (leaf IS NULL OR length(leaf) = 32);

    CREATE TABLE ledger_keys (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        origin      TEXT    NOT NULL,
        signer_key  TEXT    NOT NULL,
        salt_secret BLOB    NOT NULL CHECK (length(salt_secret) = 32),
        created_ms  INTEGER NOT NULL
    ) STRICT;
    CREATE TRIGGER ledger_keys_no_update BEFORE UPDATE ON ledger_keys
    BEGIN SELECT RAISE(ABORT, 'the log keys never change'); END;

    CREATE TABLE checkpoints (
        size    INTEGER PRIMARY KEY CHECK (size >= 0),
        time_ms INTEGER NOT NULL,
        note    TEXT    NOT NULL
    ) STRICT;
    CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'a signed checkpoint never changes'); END;

    CREATE TABLE cosignatures (
        size      INTEGER NOT NULL REFERENCES checkpoints (size),
        witness   TEXT    NOT NULL,
        party     TEXT    NOT NULL REFERENCES parties (name),
        signature TEXT    NOT NULL,
        time_ms   INTEGER NOT NULL,
        PRIMARY KEY (size, witness)
    ) STRICT;
    CREATE TABLE witnesses (
        witness TEXT PRIMARY KEY,
        party   TEXT NOT NULL REFERENCES parties (name)
    ) STRICT;
    ",
    // v2 -> v3: webhooks, each with the secret its deliveries are signed with (kept as is: signing
    // needs it) and where its deliveries stand: the last entry fully delivered and the failures
    // since. A removed webhook keeps its row, so its id is never handed out again.
    "
    CREATE TABLE webhooks (
        id              TEXT    PRIMARY KEY,
        party           TEXT    NOT NULL REFERENCES parties (name),
        credential_id   TEXT    NOT NULL REFERENCES credentials (id),
        url             TEXT    NOT NULL,
        secret          BLOB    NOT NULL CHECK (length(secret) = 32),
        created_ms      INTEGER NOT NULL,
        removed_ms      INTEGER,
        cursor          INTEGER NOT NULL CHECK (cursor >= 0),
        attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_status     INTEGER,
        last_error      TEXT,
        last_attempt_ms INTEGER,
        next_attempt_ms INTEGER,
        delivered       INTEGER NOT NULL DEFAULT 0 CHECK (delivered >= 0)
    ) STRICT;
    CREATE INDEX webhooks_live ON webhooks (party) WHERE removed_ms IS NULL;
    ",
    // v3 -> v4: TAK devices' identity. The deployment's device CA (one row, made once, never
    // changed) and every certificate it issued, by the SHA-256 of its DER, each bound to the
    // credential it acts as.
    "
    CREATE TABLE device_ca (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        cert_der   BLOB    NOT NULL,
        key_pkcs8  BLOB    NOT NULL,
        created_ms INTEGER NOT NULL
    ) STRICT;
    CREATE TRIGGER device_ca_no_update BEFORE UPDATE ON device_ca
    BEGIN SELECT RAISE(ABORT, 'the device CA never changes'); END;

    CREATE TABLE device_certificates (
        sha256        BLOB    PRIMARY KEY CHECK (length(sha256) = 32),
        credential_id TEXT    NOT NULL REFERENCES credentials (id),
        subject       TEXT    NOT NULL,
        client_uid    TEXT    NOT NULL,
        issued_ms     INTEGER NOT NULL,
        expires_ms    INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX device_certificates_credential ON device_certificates (credential_id);
    ",
];

/// The schema version this binary writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a connection waits for another one (in this or another process) to release the write
/// lock before giving up: long enough to ride out a group commit or a checkpoint.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The database file of data directory `dir`.
pub fn db_path(dir: &Path) -> PathBuf {
    dir.join(DB_FILE)
}

/// Opens (creating if needed) the database of data directory `dir`, brings its schema up to date
/// and sets every per-connection setting the durability guarantee rests on.
pub(crate) fn open(dir: &Path) -> Result<Connection, StoreError> {
    std::fs::create_dir_all(dir).map_err(|error| StoreError::Io {
        action: "create data directory",
        path: dir.to_owned(),
        error: Arc::new(error),
    })?;
    let path = db_path(dir);
    let mut conn = Connection::open(&path).during("opening the database")?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .during("setting the busy timeout")?;

    // journal_mode is a property of the file; the first open switches it and later ones see `wal`.
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .during("switching to write-ahead logging")?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::NoWal { path, mode });
    }
    // FULL in WAL mode syncs the WAL on every commit: a commit that returned survives power loss.
    // (NORMAL, the usual WAL companion, would only survive a process crash.)
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .during("setting connection pragmas")?;

    migrate(&mut conn, &path)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    // IMMEDIATE takes the write lock before reading the version, so two processes opening a new
    // file at once cannot both run the same migration.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .during("locking the database to check its schema")?;
    let application_id: i32 = tx
        .query_row("PRAGMA application_id", [], |row| row.get(0))
        .during("reading the application id")?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .during("reading the schema version")?;
    let has_tables: bool = tx
        .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_schema)", [], |row| {
            row.get(0)
        })
        .during("inspecting the schema")?;

    let fresh = application_id == 0 && version == 0 && !has_tables;
    if application_id != APPLICATION_ID && !fresh {
        return Err(StoreError::NotADeconflictDatabase {
            path: path.to_owned(),
            application_id,
        });
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    // Only a hand-edited file has a negative version; it is not one we made.
    let Ok(from) = usize::try_from(version) else {
        return Err(StoreError::NotADeconflictDatabase {
            path: path.to_owned(),
            application_id,
        });
    };
    for step in &MIGRATIONS[from..] {
        tx.execute_batch(step).during("migrating the schema")?;
    }
    tx.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
    ))
    .during("recording the schema version")?;
    tx.commit().during("committing the schema migration")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma(conn: &Connection, name: &str) -> String {
        conn.query_row(&format!("PRAGMA {name}"), [], |row| {
            row.get::<_, rusqlite::types::Value>(0)
        })
        .map(|value| format!("{value:?}"))
        .unwrap()
    }

    #[test]
    fn new_database_is_wal_fsync_full_and_versioned() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("nested/data")).unwrap();
        assert_eq!(pragma(&conn, "journal_mode"), r#"Text("wal")"#);
        // synchronous: 2 = FULL
        assert_eq!(pragma(&conn, "synchronous"), "Integer(2)");
        assert_eq!(
            pragma(&conn, "user_version"),
            format!("Integer({SCHEMA_VERSION})")
        );
        assert_eq!(
            pragma(&conn, "application_id"),
            format!("Integer({APPLICATION_ID})")
        );
        assert!(dir.path().join("nested/data").join(DB_FILE).exists());
    }

    #[test]
    fn reopening_does_not_migrate_again() {
        let dir = tempfile::tempdir().unwrap();
        drop(open(dir.path()).unwrap());
        let conn = open(dir.path()).unwrap();
        assert_eq!(
            pragma(&conn, "user_version"),
            format!("Integer({SCHEMA_VERSION})")
        );
    }

    #[test]
    fn newer_schema_is_refused_with_both_versions_named() {
        let dir = tempfile::tempdir().unwrap();
        open(dir.path())
            .unwrap()
            .execute_batch("PRAGMA user_version = 7")
            .unwrap();
        let err = open(dir.path()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "database schema version 7 is newer than this binary supports ({SCHEMA_VERSION})"
            )
        );
    }

    #[test]
    fn foreign_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = db_path(dir.path());
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE recipes (name TEXT)")
            .unwrap();
        let err = open(dir.path()).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotADeconflictDatabase {
                    application_id: 0,
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string().contains("is not a deconflict database"),
            "{err}"
        );
        let conn = Connection::open(&path).unwrap();
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .unwrap();
        assert_eq!(tables, 1, "no table was added to someone else's database");
    }

    #[test]
    fn log_table_refuses_gaps_updates_and_deletes_even_from_raw_sql() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(dir.path()).unwrap();
        let insert = "INSERT INTO log (seq, time_ms, body) VALUES";
        conn.execute(&format!("{insert} (1, 0, x'00')"), [])
            .unwrap();
        let gap = conn.execute(&format!("{insert} (3, 0, x'00')"), []);
        assert!(gap.unwrap_err().to_string().contains("log sequence gap"));
        let update = conn.execute("UPDATE log SET body = x'01'", []);
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let delete = conn.execute("DELETE FROM log", []);
        assert!(delete.unwrap_err().to_string().contains("append-only"));
    }
}
