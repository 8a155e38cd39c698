//! Protected sites that stay true: an owner re-confirms its site
//! (`/v1/declarations/{id}/reconfirm`); a party challenges a public site it
//! sees, the coordinator any (`/v1/declarations/{id}/challenges`); the owner
//! answers and the coordinator rules (`/v1/challenges/{id}/...`). A party
//! sees the challenges of its own sites (not who raised them, unless the
//! coordinator names the challenger), the ones it raised, and, the
//! coordinator, all; any other is not found.

use super::{Route, route};
use crate::auth::Caller;
use crate::extract::{Body, Id, OptionalBody};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use deconflict_model::{ChallengeId, Command, DeclarationId, ModelError, Noun};
use deconflict_wire::theatre::{AnswerIn, ChallengeIn, ChallengeOut, RulingIn};
use deconflict_wire::{DeclarationOut, EmptyIn};
use serde::Serialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::POST, "/v1/declarations/{id}/reconfirm", reconfirm),
        route(Method::POST, "/v1/declarations/{id}/challenges", challenge),
        route(Method::GET, "/v1/challenges", list),
        route(Method::GET, "/v1/challenges/{id}", get),
        route(Method::POST, "/v1/challenges/{id}/answer", answer),
        route(Method::POST, "/v1/challenges/{id}/ruling", ruling),
    ]
}

/// The challenges the caller may see.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Challenges")]
pub(crate) struct ChallengesOut {
    items: Vec<ChallengeOut>,
}

async fn reconfirm(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<DeclarationId>,
    OptionalBody(EmptyIn {}): OptionalBody<EmptyIn>,
) -> Result<Json<DeclarationOut>, ApiError> {
    let declaration = app
        .execute(&caller, Command::Reconfirm { id }, |state, _| {
            state.declaration(&caller, &id)
        })
        .await??;
    Ok(Json(declaration.into()))
}

async fn challenge(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<DeclarationId>,
    Body(body): Body<ChallengeIn>,
) -> Result<impl IntoResponse, ApiError> {
    let command = Command::Challenge {
        id,
        grounds: body.grounds,
    };
    let challenge = app
        .execute(&caller, command, |state, entry| {
            entry
                .outcome
                .challenge
                .and_then(|c| state.challenge(&caller, &c))
                .ok_or(ApiError::Internal)
        })
        .await??;
    let location = format!("/v1/challenges/{}", challenge.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ChallengeOut::from(challenge)),
    ))
}

async fn list(
    Caller(caller): Caller,
    State(app): State<AppState>,
) -> Result<Json<ChallengesOut>, ApiError> {
    let items = app
        .read(|state| state.challenges(&caller))
        .await?
        .into_iter()
        .map(ChallengeOut::from)
        .collect();
    Ok(Json(ChallengesOut { items }))
}

async fn get(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ChallengeId>,
) -> Result<Json<ChallengeOut>, ApiError> {
    let challenge = app
        .read(|state| state.challenge(&caller, &id))
        .await?
        .ok_or(ModelError::NotFound(Noun::Challenge))?;
    Ok(Json(challenge.into()))
}

/// Runs a command on a challenge; answers with the challenge after it.
async fn on_challenge(
    app: &AppState,
    caller: &deconflict_model::Actor,
    id: ChallengeId,
    command: Command,
) -> Result<Json<ChallengeOut>, ApiError> {
    let challenge = app
        .execute(caller, command, |state, _| state.challenge(caller, &id))
        .await?
        .ok_or(ApiError::Internal)?;
    Ok(Json(challenge.into()))
}

async fn answer(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ChallengeId>,
    Body(body): Body<AnswerIn>,
) -> Result<Json<ChallengeOut>, ApiError> {
    let command = Command::AnswerChallenge {
        id,
        answer: body.answer,
    };
    on_challenge(&app, &caller, id, command).await
}

async fn ruling(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ChallengeId>,
    Body(body): Body<RulingIn>,
) -> Result<Json<ChallengeOut>, ApiError> {
    let command = Command::RuleChallenge {
        id,
        ruling: body.ruling.into(),
        reason: body.reason,
        name_challenger: body.name_challenger,
    };
    on_challenge(&app, &caller, id, command).await
}
