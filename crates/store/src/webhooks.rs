//! The webhooks parties register: where each one's events go, the secret they are signed with,
//! and where its deliveries stand. The store keeps them; the server delivers.
//!
//! A webhook belongs to the party of the credential that registered it and delivers what that
//! credential may see, so it stops with the credential: [`Webhooks::live`] and
//! [`Webhooks::credential`] leave out a webhook whose credential is revoked. Removal is soft (the
//! row stays, with `removed_ms`), so a removed webhook's id never names another one.
//!
//! Every write is one durable transaction (`synchronous = FULL`, like everything in the file): a
//! cursor recorded here was delivered, so a restart resumes after it and never skips an event.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::checkpoints::sql_size;
use crate::directory::{Credential, random, to_hex};
use crate::error::{Context, StoreError};
use crate::location::{Db, Location};
use crate::pg::webhooks::param;
use crate::{pg, schema};

/// How many live webhooks one party may have: enough for a primary receiver, a spare and a few
/// tools, few enough that no party can make the service spend its time posting.
pub const WEBHOOKS_PER_PARTY: i64 = 8;

/// One webhook and where its deliveries stand.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    /// `whk_` and 16 hex digits.
    pub id: String,
    /// The party of the credential that registered it.
    pub party: String,
    /// The credential whose events it delivers.
    pub credential_id: String,
    pub url: String,
    /// The HMAC-SHA256 key of its deliveries' signatures.
    pub secret: [u8; 32],
    pub created_ms: i64,
    /// The last log entry whose events were all delivered (or the log's head at registration).
    pub cursor: u64,
    /// Failed attempts in a row since the last delivery.
    pub attempts: u32,
    /// The HTTP status of the last attempt, if it got one.
    pub last_status: Option<u16>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    pub last_attempt_ms: Option<i64>,
    /// When the next attempt is due, while deliveries are failing.
    pub next_attempt_ms: Option<i64>,
    /// Events delivered so far.
    pub delivered: u64,
}

// Never prints the secret.
impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("party", &self.party)
            .field("credential_id", &self.credential_id)
            .field("url", &self.url)
            .field("cursor", &self.cursor)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// The webhooks table of a data directory, on its own connection.
#[derive(Debug)]
pub struct Webhooks {
    conn: Db,
}

const SELECT_WEBHOOK: &str = "SELECT id, party, credential_id, url, secret, created_ms, cursor,
    attempts, last_status, last_error, last_attempt_ms, next_attempt_ms, delivered
    FROM webhooks";

impl Webhooks {
    /// Opens the database of data directory `dir`, creating it if needed.
    pub fn open(dir: &Path) -> Result<Webhooks, StoreError> {
        Ok(Webhooks {
            conn: Db::Sqlite(schema::open(dir)?),
        })
    }

    /// Opens the webhooks table at `location`, on either backend.
    pub fn open_at(location: &Location) -> Result<Webhooks, StoreError> {
        Ok(Webhooks {
            conn: Db::open(location)?,
        })
    }

    /// Registers a webhook delivering to `url` the events of credential `credential_id` after
    /// log entry `cursor`, with a new random secret. Refused with
    /// [`StoreError::TooManyWebhooks`] beyond [`WEBHOOKS_PER_PARTY`] live ones for the party.
    pub fn register(
        &mut self,
        credential_id: &str,
        url: &str,
        cursor: u64,
        now_ms: i64,
    ) -> Result<Webhook, StoreError> {
        let conn = match &mut self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => {
                return pg::webhooks::register(pg, credential_id, url, cursor, now_ms);
            }
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("locking the webhooks to register one")?;
        let (party, revoked): (String, bool) = tx
            .query_row(
                "SELECT party, revoked_ms IS NOT NULL FROM credentials WHERE id = ?1",
                [credential_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .during("looking up the credential")?
            .ok_or_else(|| StoreError::NoSuchCredential(credential_id.to_owned()))?;
        if revoked {
            return Err(StoreError::AlreadyRevoked(credential_id.to_owned()));
        }
        let live: i64 = tx
            .query_row(
                "SELECT count(*) FROM webhooks WHERE party = ?1 AND removed_ms IS NULL",
                [&party],
                |row| row.get(0),
            )
            .during("counting a party's webhooks")?;
        if live >= WEBHOOKS_PER_PARTY {
            return Err(StoreError::TooManyWebhooks {
                party,
                max: WEBHOOKS_PER_PARTY,
            });
        }
        // 64 random bits: no clash to retry in any realistic number of registrations.
        let webhook = Webhook {
            id: format!("whk_{}", to_hex(&random::<8>()?)),
            party,
            credential_id: credential_id.to_owned(),
            url: url.to_owned(),
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
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                webhook.id,
                webhook.party,
                webhook.credential_id,
                webhook.url,
                webhook.secret,
                webhook.created_ms,
                sql_size(cursor)?,
            ],
        )
        .during("storing a webhook")?;
        tx.commit().during("committing a webhook")?;
        Ok(webhook)
    }

    /// The party's webhooks, removed ones left out, by id.
    pub fn list(&self, party: &str) -> Result<Vec<Webhook>, StoreError> {
        match &self.conn {
            Db::Sqlite(conn) => select(
                conn,
                "WHERE party = ?1 AND removed_ms IS NULL ORDER BY id",
                [party],
            ),
            Db::Postgres(pg) => pg::webhooks::select(
                pg,
                r#"WHERE party = $1 AND removed_ms IS NULL ORDER BY id COLLATE "C""#,
                vec![param(party.to_owned())],
            ),
        }
    }

    /// Every webhook that should be delivering: not removed, its credential not revoked.
    pub fn live(&self) -> Result<Vec<Webhook>, StoreError> {
        const LIVE: &str = "WHERE removed_ms IS NULL AND credential_id IN
                 (SELECT id FROM credentials WHERE revoked_ms IS NULL)";
        match &self.conn {
            Db::Sqlite(conn) => select(conn, &format!("{LIVE} ORDER BY id"), []),
            Db::Postgres(pg) => {
                pg::webhooks::select(pg, &format!(r#"{LIVE} ORDER BY id COLLATE "C""#), vec![])
            }
        }
    }

    /// Webhook `id`, unless it was removed.
    pub fn get(&self, id: &str) -> Result<Option<Webhook>, StoreError> {
        let found = match &self.conn {
            Db::Sqlite(conn) => select(conn, "WHERE id = ?1 AND removed_ms IS NULL", [id])?,
            Db::Postgres(pg) => pg::webhooks::select(
                pg,
                "WHERE id = $1 AND removed_ms IS NULL",
                vec![param(id.to_owned())],
            )?,
        };
        Ok(found.into_iter().next())
    }

    /// The credential webhook `id` delivers for; `None` once the webhook is removed or the
    /// credential revoked, either of which ends its deliveries.
    pub fn credential(&self, id: &str) -> Result<Option<Credential>, StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => return pg::webhooks::credential(pg, id),
        };
        conn.prepare_cached(
            "SELECT c.id, c.party, c.role, p.coordinator
                 FROM webhooks w
                 JOIN credentials c ON c.id = w.credential_id
                 JOIN parties p ON p.name = c.party
                 WHERE w.id = ?1 AND w.removed_ms IS NULL AND c.revoked_ms IS NULL",
        )
        .and_then(|mut stmt| {
            stmt.query_row([id], |row| {
                Ok(Credential {
                    id: row.get(0)?,
                    party: row.get(1)?,
                    role: row.get(2)?,
                    coordinator: row.get(3)?,
                })
            })
            .optional()
        })
        .during("looking up a webhook's credential")
    }

    /// Removes webhook `id`; whether there was a live one to remove.
    pub fn remove(&mut self, id: &str, now_ms: i64) -> Result<bool, StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => {
                let changed = pg::webhooks::update(
                    pg,
                    "removing a webhook",
                    "UPDATE webhooks SET removed_ms = $2 WHERE id = $1 AND removed_ms IS NULL",
                    vec![param(id.to_owned()), param(now_ms)],
                )?;
                return Ok(changed == 1);
            }
        };
        let changed = conn
            .execute(
                "UPDATE webhooks SET removed_ms = ?2 WHERE id = ?1 AND removed_ms IS NULL",
                params![id, now_ms],
            )
            .during("removing a webhook")?;
        Ok(changed == 1)
    }

    /// Records that every event up to log entry `cursor` was delivered, `events` of them since
    /// the last record, the last answered with `status`; the failures in a row start again at 0.
    pub fn record_success(
        &mut self,
        id: &str,
        cursor: u64,
        events: u64,
        status: u16,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => {
                pg::webhooks::update(
                    pg,
                    "recording a delivery",
                    "UPDATE webhooks SET cursor = $2, delivered = delivered + $3, attempts = 0,
                         last_status = $4, last_error = NULL, last_attempt_ms = $5,
                         next_attempt_ms = NULL
                     WHERE id = $1",
                    vec![
                        param(id.to_owned()),
                        param(sql_size(cursor)?),
                        param(sql_size(events)?),
                        param(i64::from(status)),
                        param(now_ms),
                    ],
                )?;
                return Ok(());
            }
        };
        conn.execute(
            "UPDATE webhooks SET cursor = ?2, delivered = delivered + ?3, attempts = 0,
                     last_status = ?4, last_error = NULL, last_attempt_ms = ?5,
                     next_attempt_ms = NULL
                 WHERE id = ?1",
            params![id, sql_size(cursor)?, sql_size(events)?, status, now_ms],
        )
        .during("recording a delivery")?;
        Ok(())
    }

    /// Records a failed attempt: the status if the receiver answered, why it failed, and when
    /// the next attempt is due.
    pub fn record_failure(
        &mut self,
        id: &str,
        status: Option<u16>,
        error: &str,
        next_attempt_ms: i64,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let conn = match &self.conn {
            Db::Sqlite(conn) => conn,
            Db::Postgres(pg) => {
                pg::webhooks::update(
                    pg,
                    "recording a failed delivery",
                    "UPDATE webhooks SET attempts = attempts + 1, last_status = $2,
                         last_error = $3, last_attempt_ms = $4, next_attempt_ms = $5
                     WHERE id = $1",
                    vec![
                        param(id.to_owned()),
                        param(status.map(i64::from)),
                        param(error.to_owned()),
                        param(now_ms),
                        param(next_attempt_ms),
                    ],
                )?;
                return Ok(());
            }
        };
        conn.execute(
            "UPDATE webhooks SET attempts = attempts + 1, last_status = ?2, last_error = ?3,
                     last_attempt_ms = ?4, next_attempt_ms = ?5
                 WHERE id = ?1",
            params![id, status, error, now_ms, next_attempt_ms],
        )
        .during("recording a failed delivery")?;
        Ok(())
    }
}

fn select<P: rusqlite::Params>(
    conn: &Connection,
    clause: &str,
    params: P,
) -> Result<Vec<Webhook>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!("{SELECT_WEBHOOK} {clause}"))
        .during("reading webhooks")?;
    stmt.query_map(params, |row| {
        Ok(Webhook {
            id: row.get(0)?,
            party: row.get(1)?,
            credential_id: row.get(2)?,
            url: row.get(3)?,
            secret: row.get(4)?,
            created_ms: row.get(5)?,
            cursor: unsigned(row, 6)?,
            attempts: row.get(7)?,
            last_status: row.get(8)?,
            last_error: row.get(9)?,
            last_attempt_ms: row.get(10)?,
            next_attempt_ms: row.get(11)?,
            delivered: unsigned(row, 12)?,
        })
    })
    .during("reading webhooks")?
    .collect::<Result<_, _>>()
    .during("reading webhooks")
}

/// A count or sequence number; the table's CHECKs keep them from being negative.
fn unsigned(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<u64> {
    let value: i64 = row.get(index)?;
    u64::try_from(value).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(index, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Directory, Role};

    /// A data directory with parties `a` and `b` and an operator of each.
    fn setup() -> (tempfile::TempDir, Webhooks, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let mut directory = Directory::open(dir.path()).unwrap();
        directory.add_party("a", false).unwrap();
        directory.add_party("b", true).unwrap();
        let a = directory.issue_token("a", Role::Operator).unwrap();
        let b = directory.issue_token("b", Role::Approver).unwrap();
        let webhooks = Webhooks::open(dir.path()).unwrap();
        (dir, webhooks, a.credential.id, b.credential.id)
    }

    #[test]
    fn registered_webhooks_are_listed_by_party_and_survive_a_reopen() {
        let (dir, mut webhooks, a, b) = setup();
        let first = webhooks
            .register(&a, "https://a.example/hook", 7, 1000)
            .unwrap();
        assert!(first.id.starts_with("whk_") && first.id.len() == 4 + 16);
        assert_eq!((first.party.as_str(), first.cursor), ("a", 7));
        assert_ne!(first.secret, [0; 32]);
        let second = webhooks.register(&a, "http://10.0.0.1/x", 9, 2000).unwrap();
        assert_ne!(
            first.secret, second.secret,
            "each webhook has its own secret"
        );
        let theirs = webhooks
            .register(&b, "https://b.example/", 0, 3000)
            .unwrap();

        let reopened = Webhooks::open(dir.path()).unwrap();
        let mut expected = vec![first.clone(), second];
        expected.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(reopened.list("a").unwrap(), expected);
        assert_eq!(reopened.list("b").unwrap(), vec![theirs]);
        assert_eq!(reopened.get(&first.id).unwrap(), Some(first));
        assert_eq!(reopened.get("whk_0000000000000000").unwrap(), None);
        assert_eq!(reopened.live().unwrap().len(), 3);
    }

    #[test]
    fn deliveries_and_failures_are_recorded() {
        let (_dir, mut webhooks, a, _) = setup();
        let hook = webhooks.register(&a, "https://a.example/", 3, 0).unwrap();
        webhooks
            .record_failure(&hook.id, Some(500), "answered 500", 2000, 1000)
            .unwrap();
        webhooks
            .record_failure(&hook.id, None, "connection refused", 4000, 2000)
            .unwrap();
        let failing = webhooks.get(&hook.id).unwrap().unwrap();
        assert_eq!(failing.attempts, 2);
        assert_eq!(failing.last_status, None);
        assert_eq!(failing.last_error.as_deref(), Some("connection refused"));
        assert_eq!(failing.last_attempt_ms, Some(2000));
        assert_eq!(failing.next_attempt_ms, Some(4000));
        assert_eq!(failing.cursor, 3, "a failure does not move the cursor");

        webhooks.record_success(&hook.id, 5, 2, 204, 5000).unwrap();
        webhooks.record_success(&hook.id, 6, 1, 200, 6000).unwrap();
        let delivered = webhooks.get(&hook.id).unwrap().unwrap();
        assert_eq!(
            (delivered.cursor, delivered.delivered, delivered.attempts),
            (6, 3, 0)
        );
        assert_eq!(delivered.last_status, Some(200));
        assert_eq!(delivered.last_error, None);
        assert_eq!(delivered.last_attempt_ms, Some(6000));
        assert_eq!(delivered.next_attempt_ms, None);
    }

    #[test]
    fn a_removed_webhook_is_gone_and_frees_its_place() {
        let (_dir, mut webhooks, a, _) = setup();
        let mut hooks = Vec::new();
        for i in 0..WEBHOOKS_PER_PARTY {
            hooks.push(webhooks.register(&a, "https://a.example/", 0, i).unwrap());
        }
        let err = webhooks
            .register(&a, "https://a.example/", 0, 99)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "party `a` already has 8 webhooks, the most allowed"
        );
        assert!(webhooks.remove(&hooks[0].id, 100).unwrap());
        assert!(!webhooks.remove(&hooks[0].id, 101).unwrap(), "removed once");
        assert_eq!(webhooks.get(&hooks[0].id).unwrap(), None);
        assert_eq!(webhooks.credential(&hooks[0].id).unwrap(), None);
        assert_eq!(webhooks.list("a").unwrap().len(), 7);
        assert!(webhooks.live().unwrap().iter().all(|h| h.id != hooks[0].id));
        webhooks.register(&a, "https://a.example/", 0, 102).unwrap();
    }

    #[test]
    fn a_webhook_stops_with_its_credential() {
        let (dir, mut webhooks, a, b) = setup();
        let hook = webhooks.register(&a, "https://a.example/", 0, 0).unwrap();
        let coordinators = webhooks.register(&b, "https://b.example/", 0, 0).unwrap();
        let credential = webhooks.credential(&hook.id).unwrap().unwrap();
        assert_eq!(
            (credential.id.as_str(), credential.party.as_str()),
            (a.as_str(), "a")
        );
        assert_eq!(credential.role, Role::Operator);
        assert!(!credential.coordinator);
        assert!(
            webhooks
                .credential(&coordinators.id)
                .unwrap()
                .unwrap()
                .coordinator
        );

        Directory::open(dir.path()).unwrap().revoke(&a).unwrap();
        assert_eq!(webhooks.credential(&hook.id).unwrap(), None);
        let live: Vec<String> = webhooks.live().unwrap().into_iter().map(|h| h.id).collect();
        assert_eq!(live, vec![coordinators.id]);
        // Still listed for its party, which can see it and remove it.
        assert_eq!(webhooks.list("a").unwrap().len(), 1);
        assert!(matches!(
            webhooks.register(&a, "https://a.example/", 0, 0),
            Err(StoreError::AlreadyRevoked(_))
        ));
        assert!(matches!(
            webhooks.register("cred_00000000", "https://a.example/", 0, 0),
            Err(StoreError::NoSuchCredential(_))
        ));
    }
}
