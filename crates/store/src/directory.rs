use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

use crate::error::{Context, StoreError};
use crate::location::{Db, Location};
use crate::{pg, schema};

/// What every issued token starts with, so that secret scanners and people can recognise one.
pub const TOKEN_PREFIX: &str = "dcf_";

/// What a credential lets its holder do. The server decides what each role may call; the store
/// only keeps the one rule that is about parties: approvers belong to the coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Sees what its party may see.
    Viewer,
    /// Declares and changes its party's objects.
    Operator,
    /// Clears or refuses plans; only for the coordinator party.
    Approver,
    /// Reads the log and evidence, changes nothing.
    Auditor,
}

impl Role {
    /// All roles, in the order `--help` should list them.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Operator, Role::Approver, Role::Auditor];

    /// The name used on the command line and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Approver => "approver",
            Role::Auditor => "auditor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// The CHECK constraint limits the column to the four names; a file edited by hand still gets a
// clear error rather than a guess.
impl FromSql for Role {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Role> {
        value
            .as_str()?
            .parse()
            .map_err(|e: StoreError| FromSqlError::Other(Box::new(e)))
    }
}

impl FromStr for Role {
    type Err = StoreError;

    fn from_str(name: &str) -> Result<Role, StoreError> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == name)
            .ok_or_else(|| StoreError::UnknownRole(name.to_owned()))
    }
}

/// A party as listed by [`Directory::parties`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Lowercase identifier, `[a-z][a-z0-9_-]{0,31}`.
    pub name: String,
    /// Whether this is the (single) coordinating party.
    pub coordinator: bool,
    /// When it was added, in milliseconds since the Unix epoch.
    pub created_ms: i64,
}

/// A credential as listed by [`Directory::credentials`]: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialInfo {
    /// Public identifier (`cred_` and 8 hex digits), safe to log and to pass to `revoke`.
    pub id: String,
    /// The party it acts for.
    pub party: String,
    /// What it may do.
    pub role: Role,
    /// When it was issued, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// When it was revoked, if it was.
    pub revoked_ms: Option<i64>,
}

/// A freshly issued token: the only moment the secret exists outside its holder.
#[derive(Debug)]
pub struct IssuedToken {
    /// The credential the token belongs to.
    pub credential: CredentialInfo,
    /// The bearer token, `dcf_` and 64 hex digits; shown once, stored only as a SHA-256.
    pub token: String,
}

/// Who a valid token speaks for, as the server's auth layer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Public credential id, for logs.
    pub id: String,
    /// The party it acts for.
    pub party: String,
    /// What it may do.
    pub role: Role,
    /// Whether `party` is the coordinator.
    pub coordinator: bool,
}

/// What [`Directory::version`] answers: equal twice in a row only if no credential was issued,
/// revoked or deleted and no party added or deleted in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectoryVersion(pub(crate) [i64; 7]);

/// The parties and credentials tables of a data directory.
///
/// The CLI changes them while a server may be running on the same files; the server reads them
/// on every request, so a change (above all a revocation) applies to the next request without
/// a restart. `Send` but not `Sync`: a server shares one behind a mutex or opens one per thread.
#[derive(Debug)]
pub struct Directory {
    conn: Db,
}

impl Directory {
    /// Opens the database of data directory `dir`, creating it if needed.
    pub fn open(dir: &Path) -> Result<Directory, StoreError> {
        Ok(Directory {
            conn: Db::Sqlite(schema::open(dir)?),
        })
    }

    /// Opens the directory at `location`, on either backend, creating the tables if needed.
    pub fn open_at(location: &Location) -> Result<Directory, StoreError> {
        Ok(Directory {
            conn: Db::open(location)?,
        })
    }

    /// Adds a party; `coordinator` makes it the coordinating party, of which there is at most one.
    pub fn add_party(&mut self, name: &str, coordinator: bool) -> Result<Party, StoreError> {
        validate_party_name(name)?;
        let conn = match &mut self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::directory::add_party(pg, name, coordinator),
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("locking the directory to add a party")?;
        if party_exists(&tx, name)? {
            return Err(StoreError::PartyExists(name.to_owned()));
        }
        if coordinator {
            let existing: Option<String> = tx
                .query_row(
                    "SELECT name FROM parties WHERE coordinator = 1",
                    [],
                    |row| row.get(0),
                )
                .optional()
                .during("looking up the coordinator")?;
            if let Some(existing) = existing {
                return Err(StoreError::CoordinatorExists { existing });
            }
        }
        let party = Party {
            name: name.to_owned(),
            coordinator,
            created_ms: now_ms(),
        };
        tx.execute(
            "INSERT INTO parties (name, coordinator, created_ms) VALUES (?1, ?2, ?3)",
            params![party.name, party.coordinator, party.created_ms],
        )
        .during("adding a party")?;
        tx.commit().during("committing the new party")?;
        Ok(party)
    }

    /// All parties, by name.
    pub fn parties(&self) -> Result<Vec<Party>, StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::directory::parties(pg),
        };
        let mut stmt = conn
            .prepare_cached("SELECT name, coordinator, created_ms FROM parties ORDER BY name")
            .during("listing parties")?;
        let rows = stmt
            .query_map([], |row| {
                Ok(Party {
                    name: row.get(0)?,
                    coordinator: row.get(1)?,
                    created_ms: row.get(2)?,
                })
            })
            .during("listing parties")?;
        rows.collect::<Result<_, _>>().during("listing parties")
    }

    /// Issues a new bearer token for `party` with `role`. The returned token is not kept anywhere:
    /// the database holds only its SHA-256, so a lost token is revoked and reissued, not recovered.
    pub fn issue_token(&mut self, party: &str, role: Role) -> Result<IssuedToken, StoreError> {
        let conn = match &mut self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::directory::issue_token(pg, party, role),
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("locking the directory to issue a token")?;
        let coordinator: bool = tx
            .query_row(
                "SELECT coordinator FROM parties WHERE name = ?1",
                [party],
                |row| row.get(0),
            )
            .optional()
            .during("looking up the party")?
            .ok_or_else(|| StoreError::NoSuchParty(party.to_owned()))?;
        if role == Role::Approver && !coordinator {
            return Err(StoreError::ApproverNotCoordinator {
                party: party.to_owned(),
            });
        }

        let token = format!("{TOKEN_PREFIX}{}", to_hex(&random::<32>()?));
        let created_ms = now_ms();
        // 2^32 ids make a clash unlikely but not impossible across years of issuing; retry rather
        // than fail an operator's command on bad luck.
        let mut attempts = 0;
        let id = loop {
            let id = format!("cred_{}", to_hex(&random::<4>()?));
            let inserted = tx.execute(
                "INSERT INTO credentials (id, party, role, token_sha256, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, party, role.as_str(), token_hash(&token), created_ms],
            );
            match inserted {
                Ok(_) => break id,
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == ErrorCode::ConstraintViolation && attempts < 8 =>
                {
                    attempts += 1;
                }
                Err(e) => return Err(e).during("storing the credential"),
            }
        };
        tx.commit().during("committing the credential")?;
        Ok(IssuedToken {
            credential: CredentialInfo {
                id,
                party: party.to_owned(),
                role,
                created_ms,
                revoked_ms: None,
            },
            token,
        })
    }

    /// All credentials, revoked ones included, oldest first; never the secrets.
    pub fn credentials(&self) -> Result<Vec<CredentialInfo>, StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::directory::credentials(pg),
        };
        let mut stmt = conn
            .prepare_cached(&format!("{SELECT_CREDENTIAL} ORDER BY created_ms, id"))
            .during("listing credentials")?;
        let rows = stmt
            .query_map([], credential_info)
            .during("listing credentials")?;
        rows.collect::<Result<_, _>>().during("listing credentials")
    }

    /// Revokes credential `id` (as shown by [`Directory::credentials`]); from the next
    /// [`Directory::authenticate`] on, in any process, its token is refused.
    pub fn revoke(&mut self, id: &str) -> Result<CredentialInfo, StoreError> {
        let conn = match &mut self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::directory::revoke(pg, id),
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("locking the directory to revoke a credential")?;
        let mut credential = tx
            .query_row(
                &format!("{SELECT_CREDENTIAL} WHERE id = ?1"),
                [id],
                credential_info,
            )
            .optional()
            .during("looking up the credential")?
            .ok_or_else(|| StoreError::NoSuchCredential(id.to_owned()))?;
        if credential.revoked_ms.is_some() {
            return Err(StoreError::AlreadyRevoked(id.to_owned()));
        }
        let revoked_ms = now_ms();
        tx.execute(
            "UPDATE credentials SET revoked_ms = ?2 WHERE id = ?1",
            params![id, revoked_ms],
        )
        .during("revoking the credential")?;
        tx.commit().during("committing the revocation")?;
        credential.revoked_ms = Some(revoked_ms);
        Ok(credential)
    }

    /// A summary of the parties and credentials tables that changes whenever a credential is
    /// issued, revoked or deleted, or a party added or deleted: one aggregate query, cheap enough
    /// to ask several times a second, so that [`Directory::credential_states`] is read only when
    /// something changed.
    pub fn version(&self) -> Result<DirectoryVersion, StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::directory::version(pg),
        };
        conn.prepare_cached(
                "SELECT count(*), count(revoked_ms), coalesce(max(revoked_ms), 0),
                        coalesce(max(created_ms), 0), coalesce(sum(rowid), 0),
                        (SELECT count(*) FROM parties), (SELECT coalesce(sum(rowid), 0) FROM parties)
                 FROM credentials",
            )
            .and_then(|mut stmt| {
                stmt.query_row([], |row| {
                    let mut summary = [0i64; 7];
                    for (i, value) in summary.iter_mut().enumerate() {
                        *value = row.get(i)?;
                    }
                    Ok(DirectoryVersion(summary))
                })
            })
            .during("summarising the directory")
    }

    /// Every credential's id and whether it is still valid: not revoked, and its party still
    /// listed.
    pub fn credential_states(&self) -> Result<Vec<(String, bool)>, StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::directory::credential_states(pg),
        };
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, revoked_ms IS NULL AND EXISTS (SELECT 1 FROM parties WHERE name = party)
                 FROM credentials",
            )
            .during("listing credential states")?;
        let rows = stmt
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .during("listing credential states")?;
        rows.collect::<Result<_, _>>()
            .during("listing credential states")
    }

    /// The credential a bearer token belongs to, or `None` if it is unknown or revoked.
    ///
    /// Reads the database on every call (one indexed lookup, microseconds), so revocations by
    /// another process apply at once. The lookup is by the token's SHA-256, so its timing tells
    /// an attacker nothing about how close a guess came to a real token.
    pub fn authenticate(&self, token: &str) -> Result<Option<Credential>, StoreError> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::directory::authenticate(pg, token),
        };
        conn
            // A correlated subquery rather than a JOIN: same answer, but the bundled SQLite ran the
            // JOIN form about five times slower (~25 µs against ~5 µs per lookup in the
            // `authenticate` bench), and this runs on every request.
            .prepare_cached(
                "SELECT id, party, role, (SELECT coordinator FROM parties WHERE name = party)
                 FROM credentials
                 WHERE token_sha256 = ?1 AND revoked_ms IS NULL",
            )
            .and_then(|mut stmt| {
                stmt.query_row([token_hash(token)], |row| {
                    Ok(Credential {
                        id: row.get(0)?,
                        party: row.get(1)?,
                        role: row.get(2)?,
                        coordinator: row.get(3)?,
                    })
                })
                .optional()
            })
            .during("authenticating a token")
    }
}

/// Checks a party name against `[a-z][a-z0-9_-]{0,31}`: stable in URLs, logs and file names.
pub fn validate_party_name(name: &str) -> Result<(), StoreError> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && name.len() <= 32;
    if valid {
        Ok(())
    } else {
        Err(StoreError::InvalidPartyName(name.to_owned()))
    }
}

const SELECT_CREDENTIAL: &str = "SELECT id, party, role, created_ms, revoked_ms FROM credentials";

fn credential_info(row: &rusqlite::Row<'_>) -> rusqlite::Result<CredentialInfo> {
    Ok(CredentialInfo {
        id: row.get(0)?,
        party: row.get(1)?,
        role: row.get(2)?,
        created_ms: row.get(3)?,
        revoked_ms: row.get(4)?,
    })
}

fn party_exists(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM parties WHERE name = ?1)",
        [name],
        |row| row.get(0),
    )
    .during("looking up a party")
}

pub(crate) fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

pub(crate) fn random<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).map_err(StoreError::Random)?;
    Ok(bytes)
}

/// Lowercase hex, as tokens and secrets are written.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

pub(crate) fn now_ms() -> i64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_two_digits_a_byte() {
        assert_eq!(to_hex(&[0x00, 0xab, 0x0f]), "00ab0f");
    }

    #[test]
    fn party_names() {
        for good in ["a", "nato", "un-ocha", "ngo_7", &"x".repeat(32)] {
            assert!(validate_party_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Nato",
            "7th",
            "-a",
            "a b",
            "é",
            "ngo.1",
            &"x".repeat(33),
        ] {
            let err = validate_party_name(bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("invalid party name `{bad}`"))
            );
        }
    }

    #[test]
    fn roles_round_trip_and_unknown_role_is_named() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert_eq!(
            "admin".parse::<Role>().unwrap_err().to_string(),
            "unknown role `admin` (expected viewer, operator, approver or auditor)"
        );
    }

    #[test]
    fn token_shape() {
        let token = format!("{TOKEN_PREFIX}{}", to_hex(&random::<32>().unwrap()));
        assert_eq!(token.len(), 4 + 64);
        assert!(token[4..].bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(to_hex(&[0x00, 0xab, 0x0f]), "00ab0f");
    }

    #[test]
    fn the_version_changes_with_every_credential_change_and_states_say_which_are_valid() {
        let dir = tempfile::tempdir().unwrap();
        let mut directory = Directory::open(dir.path()).unwrap();
        let empty = directory.version().unwrap();
        assert_eq!(directory.version().unwrap(), empty);
        directory.add_party("a", false).unwrap();
        let party = directory.version().unwrap();
        assert_ne!(party, empty);
        let kept = directory
            .issue_token("a", Role::Viewer)
            .unwrap()
            .credential
            .id;
        let revoked = directory
            .issue_token("a", Role::Viewer)
            .unwrap()
            .credential
            .id;
        let issued = directory.version().unwrap();
        assert_ne!(issued, party);
        directory.revoke(&revoked).unwrap();
        assert_ne!(directory.version().unwrap(), issued);
        let mut states = directory.credential_states().unwrap();
        states.sort();
        let mut expected = vec![(kept, true), (revoked, false)];
        expected.sort();
        assert_eq!(states, expected);
    }

    #[test]
    fn a_non_token_is_refused_without_a_lookup_failure() {
        let dir = tempfile::tempdir().unwrap();
        let directory = Directory::open(dir.path()).unwrap();
        assert_eq!(directory.authenticate("").unwrap(), None);
        assert_eq!(directory.authenticate("Bearer xyz").unwrap(), None);
        assert_eq!(directory.authenticate("dcf_0000").unwrap(), None);
    }
}
