//! Certificate enrolment as TAK clients do it (`/Marti/api/tls/...`), so a
//! stock ATAK, WinTAK, iTAK or pytak joins with the service's address, a
//! user name and the party's token as the password (HTTP Basic):
//!
//! 1. `GET /Marti/api/tls/config`: the names the request should carry.
//! 2. `POST /Marti/api/tls/signClient/v2?clientUid=…`: a PKCS#10 request in;
//!    the certificate (`signedCert`) and what to trust (`ca0`, `ca1`, …)
//!    out, base64 DER, as JSON (or XML when only XML is accepted).
//! 3. `GET /Marti/api/device/profile/enrollment`: no profile to hand out
//!    (204).
//!
//! The device then connects to Cursor-on-Target over TLS with the
//! certificate and reports as the credential that enrolled it (see
//! [`crate::devices`]). A token authenticates here exactly as a bearer
//! token does anywhere (rate limit, failures by address), and the
//! certificate can do no more than the token.

use super::{Route, route};
use crate::auth::authenticate;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Query};
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use deconflict_model::Actor;
use deconflict_store::StoreError;
use serde::Deserialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/Marti/api/tls/config", config),
        route(Method::POST, "/Marti/api/tls/signClient/v2", sign),
        route(Method::GET, "/Marti/api/device/profile/enrollment", profile),
    ]
}

/// The longest user name a certificate is issued for.
const MAX_USER: usize = 64;
/// The longest client uid recorded.
const MAX_CLIENT_UID: usize = 128;

/// A device enrolling: the credential of the token it gave as its
/// password, and the user name it gave.
pub(crate) struct Enrolling {
    actor: Actor,
    user: String,
}

/// A refusal to a TAK client, which authenticates with Basic.
pub(crate) struct Refused(ApiError);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let challenge = matches!(self.0, ApiError::Unauthenticated);
        let mut response = self.0.into_response();
        if challenge {
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"Basic realm="deconflict""#),
            );
        }
        response
    }
}

impl From<ApiError> for Refused {
    fn from(e: ApiError) -> Refused {
        Refused(e)
    }
}

impl FromRequestParts<AppState> for Enrolling {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refused> {
        let basic = basic(&parts.headers);
        let token = basic.as_ref().map(|(_, token)| token.as_str());
        let actor = authenticate(parts, state, token.map_err(|why| *why)).await?;
        let user = basic.map(|(user, _)| user).unwrap_or_default();
        let user = user.trim();
        if user.is_empty() || user.chars().count() > MAX_USER || user.chars().any(char::is_control)
        {
            return Err(Refused(ApiError::Invalid {
                code: "invalid_field",
                field: "username".into(),
                detail: format!(
                    "username: the name the certificate is issued to, 1 to {MAX_USER} characters, none of them control characters"
                ),
            }));
        }
        Ok(Enrolling {
            actor,
            user: user.to_owned(),
        })
    }
}

/// The user name and password of `Authorization: Basic`, or why there are
/// none.
fn basic(headers: &HeaderMap) -> Result<(String, String), &'static str> {
    let header = headers
        .get(AUTHORIZATION)
        .ok_or("no Authorization header")?;
    let encoded = header
        .to_str()
        .ok()
        .and_then(|h| {
            h.strip_prefix("Basic ")
                .or_else(|| h.strip_prefix("basic "))
        })
        .ok_or("Authorization is not Basic")?;
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or("Authorization: Basic is not base64 of UTF-8")?;
    let (user, password) = decoded
        .split_once(':')
        .ok_or("Authorization: Basic has no password")?;
    Ok((user.to_owned(), password.to_owned()))
}

/// The subject names a device's request should carry; the party is the
/// caller's own.
async fn config(enrolling: Enrolling) -> Response {
    let party = &enrolling.actor.party;
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ns2:certificateConfig xmlns="http://bbn.com/marti/xml/config" xmlns:ns2="com.bbn.marti.config"><nameEntries><nameEntry name="O" value="deconflict"/><nameEntry name="OU" value="{party}"/></nameEntries></ns2:certificateConfig>"#
    );
    ([(CONTENT_TYPE, "application/xml")], xml).into_response()
}

#[derive(Debug, Deserialize)]
struct SignParams {
    /// The TAK client's uid, recorded with the certificate.
    #[serde(rename = "clientUid")]
    client_uid: Option<String>,
}

/// Signs the device's request; see [`crate::devices`].
async fn sign(
    axum::extract::State(state): axum::extract::State<AppState>,
    enrolling: Enrolling,
    Query(params): Query<SignParams>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, Refused> {
    let client_uid = params.client_uid.unwrap_or_default();
    if client_uid.chars().count() > MAX_CLIENT_UID || client_uid.chars().any(char::is_control) {
        return Err(Refused(ApiError::InvalidQuery {
            field: Some("clientUid".into()),
            detail: format!(
                "clientUid: at most {MAX_CLIENT_UID} characters, none of them control characters"
            ),
        }));
    }
    let actor = &enrolling.actor;
    let issued = state
        .devices()
        .issue(&body, actor, &enrolling.user, &client_uid)
        .await
        .map_err(refusal)?;
    tracing::info!(
        party = %actor.party,
        credential = %actor.credential_id,
        user = %enrolling.user,
        "device certificate issued"
    );
    let signed = STANDARD.encode(&issued.certificate);
    let trust: Vec<String> = issued.trust.iter().map(|c| STANDARD.encode(c)).collect();
    if wants_xml(&headers) {
        let cas: String = trust.iter().map(|ca| format!("<ca>{ca}</ca>")).collect();
        let xml = format!("<enrollment><signedCert>{signed}</signedCert>{cas}</enrollment>");
        return Ok(([(CONTENT_TYPE, "application/xml")], xml).into_response());
    }
    let mut json = serde_json::Map::new();
    json.insert("signedCert".into(), signed.into());
    for (i, ca) in trust.into_iter().enumerate() {
        json.insert(format!("ca{i}"), ca.into());
    }
    Ok(axum::Json(json).into_response())
}

/// Whether the client takes XML and not JSON.
fn wants_xml(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    accept.contains("xml") && !accept.contains("json")
}

fn refusal(e: crate::devices::EnrolError) -> Refused {
    use crate::devices::EnrolError;
    Refused(match e {
        EnrolError::NotRequest | EnrolError::Request(_) => ApiError::MalformedBody {
            field: None,
            detail: e.to_string(),
        },
        EnrolError::Store(e @ StoreError::TooManyCertificates { .. }) => ApiError::StateConflict {
            code: "too_many_certificates",
            detail: e.to_string(),
        },
        // Revoked between the token's lookup and the record.
        EnrolError::Store(StoreError::AlreadyRevoked(_)) => ApiError::Unauthenticated,
        EnrolError::Store(e) if e.is_unreachable() => {
            ApiError::Service(deconflict_service::Error::Unreachable)
        }
        e => {
            tracing::error!(error = %e, "issuing a device certificate");
            ApiError::Internal
        }
    })
}

/// No enrolment profile to hand out: the device has what it needs.
async fn profile(_enrolling: Enrolling) -> StatusCode {
    StatusCode::NO_CONTENT
}
