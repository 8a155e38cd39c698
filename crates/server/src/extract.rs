//! Request extractors whose refusals are problem+json naming the field:
//! [`Body`] (JSON, unknown fields refused, 413 beyond the limit),
//! [`OptionalBody`] (the same, an empty body being `{}`), and [`Query`].

use crate::problem::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use deconflict_model::{
    ActivityId, AlertRef, ChallengeId, ConflictId, DeclarationId, IncidentId, ModelError, Noun,
    StopId,
};
use serde::de::DeserializeOwned;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub(crate) struct Body<T>(pub(crate) T);

/// A JSON request body that may be left out (empty is `T::default()`).
#[derive(Debug)]
pub(crate) struct OptionalBody<T>(pub(crate) T);

/// The `{id}` of a route's path, as the id type `T`. Text that is not an id
/// of that type is refused with the very 404 of an id that names nothing
/// (or that the caller may not see).
#[derive(Debug)]
pub(crate) struct Id<T>(pub(crate) T);

/// An id type of the model, as a path names it.
pub(crate) trait PathId: Sized {
    const NOUN: Noun;
    fn parse(text: &str) -> Option<Self>;
}

macro_rules! path_id {
    ($name:ident, $noun:ident) => {
        impl PathId for $name {
            const NOUN: Noun = Noun::$noun;
            fn parse(text: &str) -> Option<$name> {
                $name::parse(text)
            }
        }
    };
}

path_id!(DeclarationId, Declaration);
path_id!(ActivityId, Activity);
path_id!(ConflictId, Conflict);
path_id!(IncidentId, Incident);
path_id!(StopId, Stop);
path_id!(ChallengeId, Challenge);
path_id!(AlertRef, Alert);

impl<T: PathId> FromRequestParts<AppState> for Id<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Id<T>, ApiError> {
        let axum::extract::Path(text) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::NoRoute)?;
        T::parse(&text)
            .map(Id)
            .ok_or_else(|| ModelError::NotFound(T::NOUN).into())
    }
}

/// The request body as it came, for a route that reads its own formats;
/// too large a body is `too_large`, as on every other route.
#[derive(Debug)]
pub(crate) struct RawBody(pub(crate) Bytes);

impl FromRequest<AppState> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<RawBody, ApiError> {
        bytes(req, state).await.map(RawBody)
    }
}

/// The query string as `T`.
#[derive(Debug)]
pub(crate) struct Query<T>(pub(crate) T);

async fn bytes(req: Request, state: &AppState) -> Result<Bytes, ApiError> {
    let limit = req
        .extensions()
        .get::<crate::routes::BodyLimit>()
        .map_or(state.config().body_limit, |limit| limit.0);
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge { limit }
        } else {
            ApiError::malformed(None, rejection.body_text())
        }
    })
}

impl<T: DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Body<T>, ApiError> {
        let bytes = bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::malformed(
                None,
                "the request needs a JSON body".to_owned(),
            ));
        }
        parse_json(&bytes).map(Body)
    }
}

impl<T: DeserializeOwned + Default> FromRequest<AppState> for OptionalBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<OptionalBody<T>, ApiError> {
        let bytes = bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalBody(T::default()));
        }
        parse_json(&bytes).map(OptionalBody)
    }
}

impl<T: DeserializeOwned> FromRequestParts<AppState> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Query<T>, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let (field, detail) = name_field(&e.path().to_string(), &e.inner().to_string());
                let field = field.unwrap_or_else(|| "query".to_owned());
                ApiError::query(field, detail)
            })
    }
}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

/// Parses JSON, naming the field at fault: `geometry.coordinates[0]`,
/// `label` for a missing one, `colour` for an unknown one.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let (field, detail) = name_field(&e.path().to_string(), &e.inner().to_string());
        ApiError::malformed(field, detail)
    })?;
    de.end()
        .map_err(|e| ApiError::malformed(None, e.to_string()))?;
    Ok(value)
}

/// The field a serde error is about, and the message with that field first.
pub(crate) fn name_field(path: &str, message: &str) -> (Option<String>, String) {
    let path = if path == "." || path == "?" { "" } else { path };
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    let field = match (path, named) {
        // serde_path_to_error already names an unknown field in its path.
        (p, Some(name)) if p.ends_with(name) => p.to_owned(),
        ("", Some(name)) => name.to_owned(),
        (p, Some(name)) => format!("{p}.{name}"),
        ("", None) => return (None, message.to_owned()),
        (p, None) => p.to_owned(),
    };
    let detail = format!("{field}: {message}");
    (Some(field), detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        label: String,
        inner: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        values: Vec<f64>,
    }

    fn field_of(json: &str) -> Option<String> {
        match parse_json::<Outer>(json.as_bytes()) {
            Err(ApiError::MalformedBody { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_the_field_at_fault() {
        assert_eq!(
            field_of(r#"{"label": "a", "inner": {"values": [1, "x"]}}"#).as_deref(),
            Some("inner.values[1]")
        );
        assert_eq!(
            field_of(r#"{"inner": {"values": []}}"#).as_deref(),
            Some("label")
        );
        assert_eq!(
            field_of(r#"{"label": "a", "colour": 1, "inner": {"values": []}}"#).as_deref(),
            Some("colour")
        );
        assert_eq!(
            field_of(r#"{"label": "a", "inner": {"values": [], "x": 1}}"#).as_deref(),
            Some("inner.x")
        );
        assert_eq!(
            field_of(r#"{"label": 5, "inner": {"values": []}}"#).as_deref(),
            Some("label")
        );
        assert_eq!(field_of(r#"{"label": "a""#), None);
        assert_eq!(
            field_of(r#"{"label": "a", "inner": {"values": []}} x"#),
            None
        );
    }
}
