//! `/v1/log`: the public log, its proofs, its signed checkpoints and the
//! witnesses' cosignatures.
//!
//! Every party, whatever its role, may check all of it: a leaf shows
//! nothing but its entry's number (see `deconflict_record`). What a party
//! may read of an entry, the payloads that open its fields, follows
//! `deconflict_model::may_read` (through `deconflict_service::disclosure`): its own
//! entries, what it sees of others' objects, and of a conflict it is in
//! what the API shows it. Entries are numbered from 0 here, as Merkle
//! leaves are (`index = seq - 1`), and only durable entries are shown, so
//! that every proof can be checked against a checkpoint the log has signed
//! or will sign.

use super::{Route, route};
use crate::auth::Caller;
use crate::extract::{Body, Query};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_ledger::{Hash, VerifierKey};
use deconflict_model::{Command, Entry, RevealStep, revealable_alone};
use deconflict_record::{Payload, publish};
use deconflict_service::disclosure::{Opened, opened};
use deconflict_service::record::CosignError;
use serde::{Deserialize, Serialize};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/v1/log/key", key),
        route(Method::GET, "/v1/log/checkpoint", checkpoint),
        route(Method::GET, "/v1/log/entries", entries),
        route(Method::GET, "/v1/log/proof/inclusion", inclusion),
        route(Method::GET, "/v1/log/proof/consistency", consistency),
        route(Method::POST, "/v1/log/cosignature", cosignature),
        route(Method::POST, "/v1/log/reveal", reveal),
        route(Method::GET, "/v1/log/payloads", payloads),
    ]
}

fn text(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// The log's verifier key, as `deconflict verify --key` takes it.
async fn key(Caller(_): Caller, State(app): State<AppState>) -> Response {
    text(format!("{}\n", app.record().verifier()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckpointParams {
    size: Option<u64>,
}

/// The latest checkpoint (signed now if entries landed since the last), or
/// the one of `size` entries, with every cosignature the log holds for it.
async fn checkpoint(
    Caller(_): Caller,
    State(app): State<AppState>,
    Query(params): Query<CheckpointParams>,
) -> Result<Response, ApiError> {
    let size = match params.size {
        Some(size) => size,
        None => app.sign_checkpoint_now().await.map_err(internal)?,
    };
    let note = app
        .record()
        .published(size)
        .map_err(internal)?
        .ok_or(ApiError::NotFound("checkpoint"))?;
    Ok(text(note))
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "the verifiable record");
    ApiError::Internal
}

/// The number of durable entries: the most any answer here covers.
fn durable(app: &AppState) -> u64 {
    app.log().stats().durable_seq
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntriesParams {
    start: u64,
    end: Option<u64>,
}

#[derive(Debug, Serialize)]
struct EntriesOut {
    /// Durable entries in the log now.
    size: u64,
    entries: Vec<LeafOut>,
}

#[derive(Debug, Serialize)]
struct LeafOut {
    index: u64,
    /// The leaf's exact bytes, as text: its Merkle hash is of these.
    leaf: String,
    /// What the caller may read of the entry, if anything.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    opened: Option<Opened>,
}

/// Leaves `start` to `end` (exclusive), at most a page of them, each with
/// what the caller may read of it.
async fn entries(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Query(params): Query<EntriesParams>,
) -> Result<Json<EntriesOut>, ApiError> {
    let size = durable(&app);
    let page = app.config().max_page as u64;
    let end = params.end.unwrap_or(params.start.saturating_add(page));
    if params.start > size {
        return Err(ApiError::query(
            "start",
            format!("the log has {size} entries"),
        ));
    }
    if end < params.start {
        return Err(ApiError::query("end", "must not be before start"));
    }
    let end = end.min(size).min(params.start + page);
    let reader = app.clone();
    let published = tokio::task::spawn_blocking(move || reader.published(params.start, end))
        .await
        .map_err(internal)??;
    let entries = app
        .read(|state| {
            published
                .into_iter()
                .map(|(entry, published)| LeafOut {
                    index: entry.seq - 1,
                    opened: opened(state, &caller, &entry, &published),
                    leaf: String::from_utf8_lossy(&published.leaf).into_owned(),
                })
                .collect()
        })
        .await?;
    Ok(Json(EntriesOut { size, entries }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InclusionParams {
    index: u64,
    size: u64,
}

/// A proof from the log's Merkle tree (RFC 9162): of inclusion (`index`,
/// `size`) or of consistency (`from`, `to`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "LogProof")]
pub(crate) struct ProofOut {
    /// The sizes or index the proof is for, as asked.
    #[serde(flatten)]
    of: ProofOf,
    /// The proof's hashes, base64, in the order RFC 9162 §2.1 gives them.
    #[schemars(extend("items" = {"type": "string", "contentEncoding": "base64"}))]
    hashes: Vec<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
enum ProofOf {
    Inclusion { index: u64, size: u64 },
    Consistency { from: u64, to: u64 },
}

fn proof(of: ProofOf, hashes: Vec<Hash>) -> Json<ProofOut> {
    Json(ProofOut {
        of,
        hashes: hashes.iter().map(|h| BASE64.encode(h)).collect(),
    })
}

/// That entry `index` is in the tree of the first `size` entries.
async fn inclusion(
    Caller(_): Caller,
    State(app): State<AppState>,
    Query(InclusionParams { index, size }): Query<InclusionParams>,
) -> Result<Json<ProofOut>, ApiError> {
    within_durable(&app, "size", size)?;
    if index >= size {
        return Err(ApiError::query("index", "must be below size"));
    }
    let hashes = app
        .record()
        .tree()
        .inclusion_proof(index, size)
        .map_err(internal)?;
    Ok(proof(ProofOf::Inclusion { index, size }, hashes))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsistencyParams {
    from: u64,
    to: u64,
}

/// That the tree of `from` entries is a prefix of the tree of `to`.
async fn consistency(
    Caller(_): Caller,
    State(app): State<AppState>,
    Query(ConsistencyParams { from, to }): Query<ConsistencyParams>,
) -> Result<Json<ProofOut>, ApiError> {
    within_durable(&app, "to", to)?;
    if from > to {
        return Err(ApiError::query("from", "must not be above to"));
    }
    let hashes = app
        .record()
        .tree()
        .consistency_proof(from, to)
        .map_err(internal)?;
    Ok(proof(ProofOf::Consistency { from, to }, hashes))
}

fn within_durable(app: &AppState, field: &str, size: u64) -> Result<(), ApiError> {
    let durable = durable(app);
    if size > durable {
        return Err(ApiError::query(
            field,
            format!("the log has {durable} entries"),
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CosignatureIn {
    /// The witness's verifier key (`cosignature/v1`, type 0x04).
    key: String,
    /// The checkpoint as the log signed it, with the witness's signature line added.
    note: String,
}

#[derive(Debug, Serialize)]
struct CosignatureOut {
    size: u64,
}

/// A witness's cosignature of one of the log's checkpoints. The witness
/// key is bound to the caller's party on first use.
async fn cosignature(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Body(body): Body<CosignatureIn>,
) -> Result<Json<CosignatureOut>, ApiError> {
    let invalid = |field: &str, detail: String| ApiError::Invalid {
        code: "invalid_field",
        field: field.to_owned(),
        detail: format!("{field}: {detail}"),
    };
    let key = VerifierKey::parse(&body.key).map_err(|e| invalid("key", e.to_string()))?;
    let writer = app.clone();
    let party = caller.party.clone();
    let taken =
        tokio::task::spawn_blocking(move || writer.record().cosign(&party, &key, &body.note))
            .await
            .map_err(internal)?;
    match taken {
        Ok(Some(size)) => Ok(Json(CosignatureOut { size })),
        Ok(None) => Err(ApiError::NotFound("checkpoint")),
        Err(CosignError::NotAWitnessKey) => {
            Err(invalid("key", CosignError::NotAWitnessKey.to_string()))
        }
        Err(e @ CosignError::NameOfOtherParty) => Err(ApiError::Forbidden {
            code: "not_owner",
            detail: format!("key: {e}"),
        }),
        Err(CosignError::Invalid(detail)) => Err(invalid("note", detail)),
        Err(CosignError::Store(deconflict_store::StoreError::WitnessOfOtherParty(_))) => {
            Err(ApiError::Forbidden {
                code: "not_owner",
                detail: "that witness key belongs to another party".into(),
            })
        }
        Err(CosignError::Store(e @ deconflict_store::StoreError::TooManyWitnesses { .. })) => {
            Err(ApiError::StateConflict {
                code: "too_many_witnesses",
                detail: e.to_string(),
            })
        }
        Err(e) => Err(internal(e)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevealIn {
    seq: u64,
    /// The field, as a JSON Pointer into the entry as the log encodes it.
    pointer: String,
}

/// Entry `seq` as the log stores it, if it is durable.
fn durable_entry(app: &AppState, seq: u64) -> Result<Option<deconflict_store::Entry>, ApiError> {
    if seq == 0 || seq > durable(app) {
        return Ok(None);
    }
    let batch = app.log().read(seq, 1).map_err(internal)?;
    Ok(batch.into_iter().find(|e| e.seq == seq))
}

/// The field to reveal, and the command that asks for it: read from the
/// log, outside the command lock. Only the party whose entry it is, or an
/// approver of the coordinator, gets past the first check, so no other
/// party learns from the answer whether an entry has a field there.
fn reveal_of(
    app: &AppState,
    caller: &deconflict_model::Actor,
    seq: u64,
    pointer: &str,
) -> Result<(Payload, Command), ApiError> {
    let stored = durable_entry(app, seq)?
        .ok_or_else(|| ApiError::query("seq", "no such entry in the log"))?;
    let entry = Entry::decode(&stored.body).map_err(internal)?;
    let approver = caller.coordinator && caller.role == deconflict_model::Role::Approver;
    if !approver && entry.actor.party != caller.party {
        return Err(ApiError::Forbidden {
            code: "not_owner",
            detail: "only the party whose entry it is, or an approver of the coordinator, may \
                     reveal its fields"
                .into(),
        });
    }
    let payload = publish(&stored.body, app.record().secret())
        .map_err(internal)?
        .payloads
        .into_iter()
        .find(|p| p.pointer == pointer)
        .ok_or_else(|| ApiError::Invalid {
            code: "invalid_field",
            field: "pointer".into(),
            detail: format!("pointer: entry {seq} holds no field there"),
        })?;
    let command = Command::Reveal {
        seq,
        pointer: pointer.to_owned(),
        own: revealable_alone(&entry, pointer),
        owner: entry.actor.party,
    };
    Ok((payload, command))
}

#[derive(Debug, Serialize)]
struct RevealOut {
    /// `revealed`: public from now on; `requested`: it waits for another
    /// approver of the coordinator, or for one and the owner's consent.
    state: RevealStep,
    /// The payload that opens the field, once it is public.
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<Payload>,
}

/// Makes one field of an earlier entry public, as a logged act. A party
/// reveals alone only a field of its own entry that tells of nothing but
/// its own; anything else takes two approvers of the coordinator, or one
/// and the owner's consent (the owner asking too), and the owner is told.
async fn reveal(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Body(body): Body<RevealIn>,
) -> Result<Json<RevealOut>, ApiError> {
    let reader = app.clone();
    let who = caller.clone();
    let (payload, command) =
        tokio::task::spawn_blocking(move || reveal_of(&reader, &who, body.seq, &body.pointer))
            .await
            .map_err(internal)??;
    let step = app
        .execute(&caller, command, |_, entry| entry.outcome.reveal)
        .await?
        .ok_or(ApiError::Internal)?;
    Ok(Json(RevealOut {
        state: step,
        payload: (step == RevealStep::Revealed).then_some(payload),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PayloadsParams {
    seq: u64,
}

#[derive(Debug, Serialize)]
struct PayloadsOut {
    seq: u64,
    /// What the caller may read of the entry; absent if nothing.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    opened: Option<Opened>,
}

/// What the caller may read of entry `seq`: its own fields, what it sees of
/// others', and the fields made public, each with the salt that opens its
/// commitment and the entry's commitments to check them against its leaf.
async fn payloads(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Query(PayloadsParams { seq }): Query<PayloadsParams>,
) -> Result<Json<PayloadsOut>, ApiError> {
    if seq == 0 {
        return Err(ApiError::query("seq", "log entries are numbered from 1"));
    }
    if seq > durable(&app) {
        return Ok(Json(PayloadsOut { seq, opened: None }));
    }
    let reader = app.clone();
    let found = tokio::task::spawn_blocking(move || reader.published(seq - 1, seq))
        .await
        .map_err(internal)??;
    let opened = match found.into_iter().next() {
        Some((entry, published)) => {
            app.read(|state| opened(state, &caller, &entry, &published))
                .await?
        }
        None => None,
    };
    Ok(Json(PayloadsOut { seq, opened }))
}
