//! [`crate::Webhooks`] on PostgreSQL.

use postgres::Row;
use postgres::types::ToSql;

use super::{Bytes32, Client, Int, sql_u64};
use crate::directory::{Credential, random, to_hex};
use crate::error::{Context, StoreError};
use crate::webhooks::{WEBHOOKS_PER_PARTY, Webhook};

pub(crate) fn register(
    pg: &Client,
    credential_id: &str,
    url: &str,
    cursor: u64,
    now_ms: i64,
) -> Result<Webhook, StoreError> {
    let sql_cursor = sql_u64(cursor)?;
    let credential_id = credential_id.to_owned();
    let url = url.to_owned();
    pg.checked_write("registering a webhook", move |tx| {
        let (party, revoked): (String, bool) = tx
            .query_opt(
                "SELECT party, revoked_ms IS NOT NULL FROM credentials WHERE id = $1",
                &[&credential_id],
            )
            .and_then(|row| {
                row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                    .transpose()
            })
            .during("looking up the credential")?
            .ok_or_else(|| StoreError::NoSuchCredential(credential_id.clone()))?;
        if revoked {
            return Err(StoreError::AlreadyRevoked(credential_id));
        }
        let live: i64 = tx
            .query_one(
                "SELECT count(*) FROM webhooks WHERE party = $1 AND removed_ms IS NULL",
                &[&party],
            )
            .and_then(|row| row.try_get(0))
            .during("counting a party's webhooks")?;
        if live >= WEBHOOKS_PER_PARTY {
            return Err(StoreError::TooManyWebhooks {
                party,
                max: WEBHOOKS_PER_PARTY,
            });
        }
        let webhook = Webhook {
            id: format!("whk_{}", to_hex(&random::<8>()?)),
            party,
            credential_id,
            url,
            secret: random::<32>()?,
            created_ms: now_ms,
            cursor,
            attempts: 0,
            last_status: None,
            last_error: None,
            last_attempt_ms: None,
            next_attempt_ms: None,
            delivered: 0,
        };
        tx.execute(
            "INSERT INTO webhooks (id, party, credential_id, url, secret, created_ms, cursor)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &webhook.id,
                &webhook.party,
                &webhook.credential_id,
                &webhook.url,
                &webhook.secret.as_slice(),
                &webhook.created_ms,
                &sql_cursor,
            ],
        )
        .during("storing a webhook")?;
        Ok(webhook)
    })
}

/// A query parameter owned, to travel to the connection's thread.
pub(crate) type Param = Box<dyn ToSql + Send + Sync>;

/// `value` as a [`Param`].
pub(crate) fn param(value: impl ToSql + Send + Sync + 'static) -> Param {
    Box::new(value)
}

fn borrowed(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|param| &**param as &(dyn ToSql + Sync))
        .collect()
}

/// The webhooks matching `clause`, a `WHERE` (and `ORDER BY`) over the table's columns.
pub(crate) fn select(
    pg: &Client,
    clause: &str,
    params: Vec<Param>,
) -> Result<Vec<Webhook>, StoreError> {
    let sql = format!(
        "SELECT id, party, credential_id, url, secret, created_ms, cursor, attempts,
                last_status, last_error, last_attempt_ms, next_attempt_ms, delivered
         FROM webhooks {clause}"
    );
    pg.read("reading webhooks", move |conn| {
        conn.query(&sql, &borrowed(&params))?
            .iter()
            .map(webhook)
            .collect()
    })
}

fn webhook(row: &Row) -> Result<Webhook, postgres::Error> {
    Ok(Webhook {
        id: row.try_get(0)?,
        party: row.try_get(1)?,
        credential_id: row.try_get(2)?,
        url: row.try_get(3)?,
        secret: row.try_get::<_, Bytes32>(4)?.0,
        created_ms: row.try_get(5)?,
        cursor: row.try_get::<_, Int<u64>>(6)?.0,
        attempts: row.try_get::<_, Int<u32>>(7)?.0,
        last_status: row.try_get::<_, Option<Int<u16>>>(8)?.map(|s| s.0),
        last_error: row.try_get(9)?,
        last_attempt_ms: row.try_get(10)?,
        next_attempt_ms: row.try_get(11)?,
        delivered: row.try_get::<_, Int<u64>>(12)?.0,
    })
}

pub(crate) fn credential(pg: &Client, id: &str) -> Result<Option<Credential>, StoreError> {
    let id = id.to_owned();
    pg.read("looking up a webhook's credential", move |conn| {
        conn.query_opt(
            "SELECT c.id, c.party, c.role, p.coordinator
             FROM webhooks w
             JOIN credentials c ON c.id = w.credential_id
             JOIN parties p ON p.name = c.party
             WHERE w.id = $1 AND w.removed_ms IS NULL AND c.revoked_ms IS NULL",
            &[&id],
        )?
        .map(|row| super::directory::credential(&row))
        .transpose()
    })
}

/// Runs one `UPDATE` of the table; how many rows it changed.
pub(crate) fn update(
    pg: &Client,
    action: &'static str,
    sql: &'static str,
    params: Vec<Param>,
) -> Result<u64, StoreError> {
    pg.write(move |conn| conn.execute(sql, &borrowed(&params)).during(action))
}
