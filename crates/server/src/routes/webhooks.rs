//! `/v1/webhooks`: the URLs a party's events are POSTed to; how they are
//! sent, signed and retried is [`crate::webhooks`].
//!
//! A webhook belongs to the party of the credential that registers it and
//! delivers what that credential may see, from the moment it is registered.
//! Operators and approvers register and remove them; any credential of the
//! party reads them, with where their deliveries stand. The secret that
//! signs the deliveries is answered once, at registration, and never again.
//! Another party's webhook is answered exactly like one that does not exist.

use super::{Route, route};
use crate::auth::Caller;
use crate::extract::Body;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::webhooks::{Target, store};
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_model::{Actor, ModelError, Role};
use deconflict_service::now_ms;
use deconflict_store::{Webhook, to_hex};
use deconflict_wire::Page;
use deconflict_wire::schema::Time;
use deconflict_wire::time::{rfc3339, rfc3339_opt};
use serde::{Deserialize, Serialize};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::POST, "/v1/webhooks", register),
        route(Method::GET, "/v1/webhooks", list),
        route(Method::GET, "/v1/webhooks/{id}", get),
        route(Method::DELETE, "/v1/webhooks/{id}", remove),
    ]
}

/// A webhook to register.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WebhookIn {
    /// An `http://` or `https://` URL with a host, without a user name or
    /// password. https receivers are checked against Mozilla's root
    /// certificates.
    #[schemars(length(max = 2048), extend("format" = "uri"))]
    #[schemars(example = &"https://ops.example.org/deconflict")]
    url: String,
}

/// A webhook and where its deliveries stand; never its secret.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Webhook")]
pub(crate) struct WebhookOut {
    #[schemars(example = &"whk_0f1e2d3c4b5a6978")]
    id: String,
    url: String,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    created_at: i64,
    /// The last log entry whose events were all delivered (at registration,
    /// the log's end then).
    cursor: u64,
    /// Events delivered so far.
    delivered: u64,
    /// Failed attempts in a row; 0 once an event is delivered.
    attempts: u32,
    /// The HTTP status of the last attempt, if the receiver answered.
    last_status: Option<u16>,
    /// Why the last attempt failed; `null` after a delivery.
    last_error: Option<String>,
    #[serde(with = "rfc3339_opt")]
    #[schemars(with = "Option<Time>")]
    last_attempt_at: Option<i64>,
    /// When the failed event is sent again; `null` while deliveries succeed.
    #[serde(with = "rfc3339_opt")]
    #[schemars(with = "Option<Time>")]
    next_attempt_at: Option<i64>,
}

impl From<Webhook> for WebhookOut {
    fn from(hook: Webhook) -> WebhookOut {
        WebhookOut {
            id: hook.id,
            url: hook.url,
            created_at: hook.created_ms,
            cursor: hook.cursor,
            delivered: hook.delivered,
            attempts: hook.attempts,
            last_status: hook.last_status,
            last_error: hook.last_error,
            last_attempt_at: hook.last_attempt_ms,
            next_attempt_at: hook.next_attempt_ms,
        }
    }
}

/// The answer to a registration, the one place the secret is shown. No
/// `Debug`, so it cannot end up in a log.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "WebhookRegistered")]
pub(crate) struct RegisteredOut {
    #[serde(flatten)]
    webhook: WebhookOut,
    /// The HMAC-SHA256 key of the deliveries' signatures, in hex. Shown only
    /// here.
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    secret: String,
    /// The same key as Standard Webhooks libraries take it (`whsec_` and its
    /// base64), to check `webhook-signature`. Shown only here.
    #[schemars(regex(pattern = r"^whsec_[A-Za-z0-9+/]{43}=$"))]
    standard_webhooks_secret: String,
}

/// Registering and removing are writes: operators and approvers only.
fn may_change(caller: &Actor, verb: &'static str) -> Result<(), ApiError> {
    match caller.role {
        Role::Operator | Role::Approver => Ok(()),
        role => Err(ModelError::RoleForbidden { role, verb }.into()),
    }
}

async fn register(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Body(body): Body<WebhookIn>,
) -> Result<impl IntoResponse, ApiError> {
    may_change(&caller, "register webhooks")?;
    Target::parse(&body.url)
        .and_then(|target| target.check_literal(app.config().webhook_private))
        .map_err(|why| ApiError::Invalid {
            code: "invalid_field",
            field: "url".into(),
            detail: format!("url: {why}"),
        })?;
    // Events from the log's durable end on: what a stream opened now gets.
    let cursor = app.feed().durable();
    let credential = caller.credential_id;
    let hook = store(app.webhooks(), move |store| {
        store.register(&credential, &body.url, cursor, now_ms())
    })
    .await?;
    app.webhooks().changed();
    let location = format!("/v1/webhooks/{}", hook.id);
    let secret = to_hex(&hook.secret);
    let standard_webhooks_secret = format!("whsec_{}", BASE64.encode(hook.secret));
    let answer = RegisteredOut {
        webhook: hook.into(),
        secret,
        standard_webhooks_secret,
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(answer),
    ))
}

/// The caller's party's webhooks, by id: at most a few, so one page.
async fn list(
    Caller(caller): Caller,
    State(app): State<AppState>,
) -> Result<Json<Page<WebhookOut>>, ApiError> {
    let hooks = store(app.webhooks(), move |store| store.list(&caller.party)).await?;
    Ok(Json(Page {
        items: hooks.into_iter().map(Into::into).collect(),
        next_after: None,
    }))
}

/// Webhook `id` if it is the caller's party's; anything else, whether it
/// names another party's webhook, a removed one or nothing, is the same 404.
async fn own(
    app: &AppState,
    caller: &Actor,
    id: Result<Path<String>, PathRejection>,
) -> Result<Webhook, ApiError> {
    let not_found = ApiError::NotFound("webhook");
    let Ok(Path(id)) = id else {
        return Err(not_found);
    };
    match store(app.webhooks(), move |store| store.get(&id)).await? {
        Some(hook) if hook.party == caller.party => Ok(hook),
        _ => Err(not_found),
    }
}

async fn get(
    Caller(caller): Caller,
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<WebhookOut>, ApiError> {
    Ok(Json(own(&app, &caller, id).await?.into()))
}

async fn remove(
    Caller(caller): Caller,
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    may_change(&caller, "remove webhooks")?;
    let hook = own(&app, &caller, id).await?;
    store(app.webhooks(), move |store| {
        store.remove(&hook.id, now_ms())
    })
    .await?;
    app.webhooks().changed();
    Ok(StatusCode::NO_CONTENT)
}
