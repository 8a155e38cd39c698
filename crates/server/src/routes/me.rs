//! `GET /v1/me`: who the caller's token speaks for, so that a client (the
//! console) can show it and offer only what the role may do.

use super::{Route, route};
use crate::auth::Caller;
use axum::Json;
use axum::http::Method;
use serde::Serialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![route(Method::GET, "/v1/me", me)]
}

/// Who the caller is: its party, its role, and its credential's id.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Me")]
pub(crate) struct MeOut {
    party: String,
    #[schemars(extend("enum" = ["viewer", "operator", "approver", "auditor"]))]
    role: &'static str,
    /// Whether the party is the coordinating authority.
    coordinator: bool,
    credential_id: String,
}

async fn me(Caller(caller): Caller) -> Json<MeOut> {
    Json(MeOut {
        role: caller.role.as_str(),
        coordinator: caller.coordinator,
        party: caller.party,
        credential_id: caller.credential_id,
    })
}
