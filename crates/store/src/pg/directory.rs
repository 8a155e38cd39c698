//! [`crate::Directory`] on PostgreSQL: the same rules as on SQLite, each write one transaction
//! under the lock that stands in for SQLite's `BEGIN IMMEDIATE`.

use std::error::Error as StdError;

use postgres::Row;
use postgres::types::{FromSql, Type};

use super::Client;
use crate::directory::{
    Credential, CredentialInfo, DirectoryVersion, IssuedToken, Party, Role, TOKEN_PREFIX, now_ms,
    random, to_hex, token_hash,
};
use crate::error::{Context, StoreError};

pub(crate) fn add_party(pg: &Client, name: &str, coordinator: bool) -> Result<Party, StoreError> {
    let name = name.to_owned();
    pg.checked_write("adding a party", move |tx| {
        let exists: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM parties WHERE name = $1)",
                &[&name],
            )
            .and_then(|row| row.try_get(0))
            .during("looking up a party")?;
        if exists {
            return Err(StoreError::PartyExists(name));
        }
        if coordinator {
            let existing = tx
                .query_opt("SELECT name FROM parties WHERE coordinator", &[])
                .and_then(|row| row.map(|row| row.try_get(0)).transpose())
                .during("looking up the coordinator")?;
            if let Some(existing) = existing {
                return Err(StoreError::CoordinatorExists { existing });
            }
        }
        let party = Party {
            name,
            coordinator,
            created_ms: now_ms(),
        };
        tx.execute(
            "INSERT INTO parties (name, coordinator, created_ms) VALUES ($1, $2, $3)",
            &[&party.name, &party.coordinator, &party.created_ms],
        )
        .during("adding a party")?;
        Ok(party)
    })
}

pub(crate) fn parties(pg: &Client) -> Result<Vec<Party>, StoreError> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    pg.read("listing parties", |conn| {
        conn.query(
            r#"SELECT name, coordinator, created_ms FROM parties ORDER BY name COLLATE "C""#,
            &[],
        )?
        .iter()
        .map(|row| {
            Ok(Party {
                name: row.try_get(0)?,
                coordinator: row.try_get(1)?,
                created_ms: row.try_get(2)?,
            })
        })
        .collect()
    })
}

pub(crate) fn issue_token(pg: &Client, party: &str, role: Role) -> Result<IssuedToken, StoreError> {
    let party = party.to_owned();
    pg.checked_write("issuing a token", move |tx| {
        let coordinator: bool = tx
            .query_opt("SELECT coordinator FROM parties WHERE name = $1", &[&party])
            .and_then(|row| row.map(|row| row.try_get(0)).transpose())
            .during("looking up the party")?
            .ok_or_else(|| StoreError::NoSuchParty(party.clone()))?;
        if role == Role::Approver && !coordinator {
            return Err(StoreError::ApproverNotCoordinator { party });
        }
        let token = format!("{TOKEN_PREFIX}{}", to_hex(&random::<32>()?));
        let created_ms = now_ms();
        // Under the lock no one else adds an id between the look and the insert, so a clash is
        // found before it would abort the transaction.
        let id = loop {
            let id = format!("cred_{}", to_hex(&random::<4>()?));
            let taken: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM credentials WHERE id = $1)",
                    &[&id],
                )
                .and_then(|row| row.try_get(0))
                .during("choosing a credential id")?;
            if !taken {
                break id;
            }
        };
        tx.execute(
            "INSERT INTO credentials (id, party, role, token_sha256, created_ms)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &id,
                &party,
                &role.as_str(),
                &token_hash(&token).as_slice(),
                &created_ms,
            ],
        )
        .during("storing the credential")?;
        Ok(IssuedToken {
            credential: CredentialInfo {
                id,
                party,
                role,
                created_ms,
                revoked_ms: None,
            },
            token,
        })
    })
}

const SELECT_CREDENTIAL: &str = "SELECT id, party, role, created_ms, revoked_ms FROM credentials";

fn credential_info(row: &Row) -> Result<CredentialInfo, postgres::Error> {
    Ok(CredentialInfo {
        id: row.try_get(0)?,
        party: row.try_get(1)?,
        role: row.try_get::<_, Role>(2)?,
        created_ms: row.try_get(3)?,
        revoked_ms: row.try_get(4)?,
    })
}

pub(crate) fn credentials(pg: &Client) -> Result<Vec<CredentialInfo>, StoreError> {
    pg.read("listing credentials", |conn| {
        conn.query(
            &format!(r#"{SELECT_CREDENTIAL} ORDER BY created_ms, id COLLATE "C""#),
            &[],
        )?
        .iter()
        .map(credential_info)
        .collect()
    })
}

pub(crate) fn revoke(pg: &Client, id: &str) -> Result<CredentialInfo, StoreError> {
    let id = id.to_owned();
    pg.checked_write("revoking a credential", move |tx| {
        let mut credential = tx
            .query_opt(&format!("{SELECT_CREDENTIAL} WHERE id = $1"), &[&id])
            .and_then(|row| row.as_ref().map(credential_info).transpose())
            .during("looking up the credential")?
            .ok_or_else(|| StoreError::NoSuchCredential(id.clone()))?;
        if credential.revoked_ms.is_some() {
            return Err(StoreError::AlreadyRevoked(id));
        }
        let revoked_ms = now_ms();
        tx.execute(
            "UPDATE credentials SET revoked_ms = $2 WHERE id = $1",
            &[&id, &revoked_ms],
        )
        .during("revoking the credential")?;
        credential.revoked_ms = Some(revoked_ms);
        Ok(credential)
    })
}

pub(crate) fn version(pg: &Client) -> Result<DirectoryVersion, StoreError> {
    // Where SQLite sums rowids, this sums xmin, the transaction that wrote each row version: it
    // changes on every insert, update and delete.
    pg.read("summarising the directory", |conn| {
        let row = conn.query_one(
            "SELECT count(*), count(revoked_ms), coalesce(max(revoked_ms), 0),
                    coalesce(max(created_ms), 0), coalesce(sum(xmin::text::bigint), 0)::bigint,
                    (SELECT count(*) FROM parties),
                    (SELECT coalesce(sum(xmin::text::bigint), 0)::bigint FROM parties)
             FROM credentials",
            &[],
        )?;
        let mut summary = [0i64; 7];
        for (i, value) in summary.iter_mut().enumerate() {
            *value = row.try_get(i)?;
        }
        Ok(DirectoryVersion(summary))
    })
}

pub(crate) fn credential_states(pg: &Client) -> Result<Vec<(String, bool)>, StoreError> {
    pg.read("listing credential states", |conn| {
        conn.query(
            "SELECT id, revoked_ms IS NULL AND EXISTS (SELECT 1 FROM parties WHERE name = party)
             FROM credentials",
            &[],
        )?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
    })
}

pub(crate) fn authenticate(pg: &Client, token: &str) -> Result<Option<Credential>, StoreError> {
    let hash = token_hash(token);
    pg.read("authenticating a token", move |conn| {
        conn.query_opt(
            "SELECT c.id, c.party, c.role, p.coordinator
             FROM credentials c JOIN parties p ON p.name = c.party
             WHERE c.token_sha256 = $1 AND c.revoked_ms IS NULL",
            &[&hash.as_slice()],
        )?
        .map(|row| credential(&row))
        .transpose()
    })
}

/// A credential from a row of `id, party, role, coordinator`.
pub(crate) fn credential(row: &Row) -> Result<Credential, postgres::Error> {
    Ok(Credential {
        id: row.try_get(0)?,
        party: row.try_get(1)?,
        role: row.try_get(2)?,
        coordinator: row.try_get(3)?,
    })
}

// The CHECK constraint limits the column to the four names, as on SQLite.
impl<'a> FromSql<'a> for Role {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Role, Box<dyn StdError + Sync + Send>> {
        Ok(<&str>::from_sql(ty, raw)?.parse::<Role>()?)
    }

    fn accepts(ty: &Type) -> bool {
        <&str as FromSql>::accepts(ty)
    }
}
