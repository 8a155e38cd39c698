//! One error table: every failure the API can answer, with its stable code,
//! HTTP status and a message naming the field at fault, rendered as RFC 7807
//! `application/problem+json`.
//!
//! | code | status | when |
//! |---|---|---|
//! | `unauthenticated` | 401 | no bearer token, or an unknown or revoked one |
//! | `role_forbidden`, `not_coordinator`, `not_owner`, `not_involved` | 403 | the model's refusals by role, party or ownership |
//! | `not_found` | 404 | no such object — or one the caller may not know exists: the body is byte-identical |
//! | `no_route` | 404 | no such path |
//! | `method_not_allowed` | 405 | the path exists, the method does not |
//! | `wrong_state`, `version_mismatch`, `unacknowledged_conflicts` | 409 | the object's state does not allow the command |
//! | `stopped` | 409 | the activity meets a check fire that still stands |
//! | `awaiting_reconfirmation` | 409 | the activity meets an unconfirmed site whose owner may still re-confirm it |
//! | `too_many_witnesses` | 409 | the party already uses as many witness keys as allowed |
//! | `too_many_webhooks` | 409 | the party already has as many webhooks as allowed |
//! | `too_large` | 413 | the body, or a geometry's number of positions or its positions times the area it spans (`field` names it), exceeds the configured limit |
//! | `invalid_field`, `reason_required` | 422 | a field's value is refused; `field` names it (`geometry.coordinates[0][1]`, or a part of the path: a tile's `z`) |
//! | `import_refused` | 422 | features of an import are refused; `errors` names each by its index, field and reason, and nothing was imported |
//! | `rule_refused` | 422 | a rule of the theatre refuses the command; `rule` names it and its version, `field` the field it refuses |
//! | `malformed_body` | 422 | the body is not the JSON the route takes (syntax, type, unknown or missing field); `field` names it where it can |
//! | `invalid_query` | 422 | a query parameter is malformed or unknown; `field` names it |
//! | `rate_limited` | 429 | the credential's token bucket is empty; `Retry-After` says when to come back |
//! | `quota_exceeded` | 429 | the party wrote its daily quota of bytes to the log; `Retry-After` says when some of it frees |
//! | `reports_too_fast` | 429 | a batch carries more reports of one of the caller's units than its declared interval allows (`field` names the first); `Retry-After` says when it may |
//! | `too_many_failures` | 429 | the caller's address failed to authenticate too often; refused before its token is looked up until `Retry-After` |
//! | `internal` | 500 | a fault of the service; details only in its own log |
//! | `timeout` | 503 | the request took longer than the configured timeout |
//! | `unavailable` | 503 | the log refuses appends after a failed write; restart the service |
//! | `store_unreachable` | 503 | the log's database cannot be reached for now (several nodes on PostgreSQL); nothing was done; `Retry-After` says when to try again |
//! | `tampered` | 503 | an entry in the store no longer gives the leaf the log published: the store was changed; restore it from a good copy |
//!
//! Every body has `type` (`urn:deconflict:problem:CODE`), `title`, `status`,
//! `detail` and `code`, `field` where one is at fault, and `rule` (`{name,
//! version}`) where a rule refused. No body ever
//! echoes an id, a path or anything else the caller sent that could tell
//! apart an object it may not see from one that does not exist.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use deconflict_model::{ErrorKind, ModelError};
use deconflict_service::Error as ServiceError;
use serde::Serialize;

/// An API failure. `detail` names the field where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("missing or invalid bearer token")]
    Unauthenticated,
    /// The model's refusals by role, party or ownership; `code` is the model's.
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    /// Deliberately the same for "does not exist" and "not yours to see".
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("no such route")]
    NoRoute,
    #[error("this route does not take that method")]
    MethodNotAllowed,
    /// A field's value is refused (`invalid_field`, `reason_required`).
    #[error("{detail}")]
    Invalid {
        code: &'static str,
        field: String,
        detail: String,
    },
    /// A rule of the theatre refuses a field; the rule binds the caller.
    #[error("{detail}")]
    RuleRefused {
        rule: deconflict_model::RuleRef,
        field: String,
        detail: String,
    },
    /// The body is not the JSON the route takes.
    #[error("{detail}")]
    MalformedBody {
        field: Option<String>,
        detail: String,
    },
    /// Features of an import refused, each by its index: none imported.
    #[error(
        "{} of the features refused, nothing imported; the first, features[{}]: {}",
        .errors.len(),
        .errors[0].index,
        .errors[0].detail
    )]
    ImportRefused { errors: Vec<FeatureRefused> },
    /// A query parameter is malformed or unknown.
    #[error("{detail}")]
    InvalidQuery {
        field: Option<String>,
        detail: String,
    },
    /// The object's state does not allow the command; `code` is the model's.
    #[error("{detail}")]
    StateConflict { code: &'static str, detail: String },
    #[error("request body exceeds {limit} bytes")]
    TooLarge { limit: usize },
    /// A geometry with more positions than the service takes.
    #[error("{field}: {vertices} positions; this service takes at most {limit} in one geometry")]
    GeometryTooLarge {
        field: &'static str,
        vertices: usize,
        limit: usize,
    },
    /// A geometry whose positions times the area it spans would cost the
    /// command path more than one command may.
    #[error(
        "{field}: {vertices} positions over about {area_km2} km²; this service takes at most {limit} positions·km² in one geometry (fewer positions, or a smaller area)"
    )]
    GeometryTooCostly {
        field: &'static str,
        vertices: usize,
        area_km2: u64,
        limit: u64,
    },
    #[error("too many requests; retry after {retry_after_s} s")]
    RateLimited { retry_after_s: u64 },
    #[error("too many failed authentications from this address; retry after {retry_after_s} s")]
    TooManyFailures { retry_after_s: u64 },
    #[error("the request took longer than the service allows")]
    Timeout,
    /// The service's own refusals beside the model's: a quota, a unit's
    /// pace, a halted service, an unreachable database. Never
    /// [`deconflict_service::Error::Refused`] nor `Internal`, which map to
    /// the variants above.
    #[error(transparent)]
    Service(deconflict_service::Error),
    #[error("the service could not complete the request")]
    Internal,
}

impl ApiError {
    /// The stable snake_case code clients can match on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden { code, .. } => code,
            ApiError::NotFound(_) => "not_found",
            ApiError::NoRoute => "no_route",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Invalid { code, .. } => code,
            ApiError::ImportRefused { .. } => "import_refused",
            ApiError::RuleRefused { .. } => "rule_refused",
            ApiError::MalformedBody { .. } => "malformed_body",
            ApiError::InvalidQuery { .. } => "invalid_query",
            ApiError::StateConflict { code, .. } => code,
            ApiError::TooLarge { .. }
            | ApiError::GeometryTooLarge { .. }
            | ApiError::GeometryTooCostly { .. } => "too_large",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::TooManyFailures { .. } => "too_many_failures",
            ApiError::Timeout => "timeout",
            ApiError::Service(e) => match e {
                ServiceError::QuotaExceeded { .. } => "quota_exceeded",
                ServiceError::ReportsTooFast { .. } => "reports_too_fast",
                ServiceError::Unavailable => "unavailable",
                ServiceError::Tampered => "tampered",
                ServiceError::Unreachable => "store_unreachable",
                ServiceError::Refused(_) | ServiceError::Internal => "internal",
            },
            ApiError::Internal => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) | ApiError::NoRoute => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Invalid { .. }
            | ApiError::RuleRefused { .. }
            | ApiError::ImportRefused { .. }
            | ApiError::MalformedBody { .. }
            | ApiError::InvalidQuery { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::StateConflict { .. } => StatusCode::CONFLICT,
            ApiError::TooLarge { .. }
            | ApiError::GeometryTooLarge { .. }
            | ApiError::GeometryTooCostly { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited { .. } | ApiError::TooManyFailures { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Service(e) => match e {
                ServiceError::QuotaExceeded { .. } | ServiceError::ReportsTooFast { .. } => {
                    StatusCode::TOO_MANY_REQUESTS
                }
                ServiceError::Unavailable | ServiceError::Tampered | ServiceError::Unreachable => {
                    StatusCode::SERVICE_UNAVAILABLE
                }
                ServiceError::Refused(_) | ServiceError::Internal => {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            },
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "Unauthenticated",
            ApiError::Forbidden { .. } => "Forbidden",
            ApiError::NotFound(_) => "Not found",
            ApiError::NoRoute => "No such route",
            ApiError::MethodNotAllowed => "Method not allowed",
            ApiError::Invalid { .. } => "Invalid field",
            ApiError::RuleRefused { .. } => "Refused by a rule",
            ApiError::ImportRefused { .. } => "Features refused",
            ApiError::MalformedBody { .. } => "Malformed request body",
            ApiError::InvalidQuery { .. } => "Invalid query parameter",
            ApiError::StateConflict { .. } => "Not allowed in the current state",
            ApiError::TooLarge { .. }
            | ApiError::GeometryTooLarge { .. }
            | ApiError::GeometryTooCostly { .. } => "Request too large",
            ApiError::RateLimited { .. } => "Too many requests",
            ApiError::TooManyFailures { .. } => "Too many failed authentications",
            ApiError::Timeout => "Timed out",
            ApiError::Service(e) => match e {
                ServiceError::QuotaExceeded { .. } => "Daily quota of the log exceeded",
                ServiceError::ReportsTooFast { .. } => "Reports faster than declared",
                ServiceError::Unavailable => "Service unavailable",
                ServiceError::Tampered => "The log's store was changed",
                ServiceError::Unreachable => "The log's database cannot be reached",
                ServiceError::Refused(_) | ServiceError::Internal => "Internal error",
            },
            ApiError::Internal => "Internal error",
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            ApiError::Invalid { field, .. }
            | ApiError::RuleRefused { field, .. }
            | ApiError::Service(ServiceError::ReportsTooFast { field, .. }) => Some(field),
            ApiError::GeometryTooLarge { field, .. }
            | ApiError::GeometryTooCostly { field, .. } => Some(field),
            ApiError::MalformedBody { field, .. } | ApiError::InvalidQuery { field, .. } => {
                field.as_deref()
            }
            _ => None,
        }
    }

    /// A malformed body, naming the field.
    pub(crate) fn malformed(field: Option<String>, detail: impl Into<String>) -> ApiError {
        ApiError::MalformedBody {
            field,
            detail: detail.into(),
        }
    }

    /// A bad query parameter, naming it.
    pub(crate) fn query(field: impl Into<String>, detail: impl Into<String>) -> ApiError {
        let field = field.into();
        let detail = format!("{field}: {}", detail.into());
        ApiError::InvalidQuery {
            field: Some(field),
            detail,
        }
    }
}

impl From<ModelError> for ApiError {
    /// The model's refusals keep their code and message (which never carry
    /// what the caller may not see); faults of the log become `internal`,
    /// their details logged, not answered.
    fn from(error: ModelError) -> ApiError {
        let detail = error.to_string();
        match (&error, error.kind()) {
            (ModelError::NotFound(noun), _) => ApiError::NotFound(match noun {
                deconflict_model::Noun::Declaration => "declaration",
                deconflict_model::Noun::Activity => "activity",
                deconflict_model::Noun::Conflict => "conflict",
                deconflict_model::Noun::Notification => "notification",
                deconflict_model::Noun::Incident => "incident",
                deconflict_model::Noun::Payload => "payload",
                deconflict_model::Noun::Stop => "stop",
                deconflict_model::Noun::Challenge => "challenge",
                deconflict_model::Noun::Alert => "alert",
            }),
            (ModelError::ImportRefused { refused }, _) => ApiError::ImportRefused {
                errors: refused
                    .iter()
                    .map(|r| FeatureRefused {
                        index: r.index,
                        field: match r.error.kind() {
                            ErrorKind::Invalid { field } => Some(field.to_owned()),
                            _ => None,
                        },
                        detail: r.error.to_string(),
                    })
                    .collect(),
            },
            (ModelError::RuleRefused { rule, field, .. }, _) => ApiError::RuleRefused {
                rule: rule.clone(),
                field: field.clone(),
                detail,
            },
            (_, ErrorKind::NotFound) => ApiError::NotFound("object"),
            (_, ErrorKind::Forbidden) => ApiError::Forbidden {
                code: error.code(),
                detail,
            },
            (ModelError::ReasonRequired { .. }, ErrorKind::Invalid { field }) => {
                ApiError::Invalid {
                    code: "reason_required",
                    field: field.to_owned(),
                    detail,
                }
            }
            (_, ErrorKind::Invalid { field }) => ApiError::Invalid {
                code: "invalid_field",
                field: field.to_owned(),
                detail,
            },
            (_, ErrorKind::Conflict { .. }) => ApiError::StateConflict {
                code: error.code(),
                detail,
            },
            (_, ErrorKind::Internal) => {
                tracing::error!(error = %detail, "the model refused the log");
                ApiError::Internal
            }
        }
    }
}

impl From<deconflict_service::Error> for ApiError {
    /// The service's refusals in the API's terms: the one place they meet.
    fn from(error: deconflict_service::Error) -> ApiError {
        match error {
            ServiceError::Refused(refused) => ApiError::from(refused),
            ServiceError::Internal => ApiError::Internal,
            other => ApiError::Service(other),
        }
    }
}

/// One feature of an import refused: where in the list, which field, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureRefused {
    pub(crate) index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) field: Option<String>,
    pub(crate) detail: String,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'static str,
    status: u16,
    detail: String,
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a deconflict_model::RuleRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [FeatureRefused]>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            kind: format!("urn:deconflict:problem:{}", self.code()),
            title: self.title(),
            status: self.status().as_u16(),
            detail: self.to_string(),
            code: self.code(),
            field: self.field(),
            rule: match &self {
                ApiError::RuleRefused { rule, .. } => Some(rule),
                _ => None,
            },
            errors: match &self {
                ApiError::ImportRefused { errors } => Some(errors),
                _ => None,
            },
        };
        let json = serde_json::to_vec(&body).expect("problem bodies serialise");
        let mut response = (self.status(), json).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let ApiError::Service(ServiceError::Unreachable) = self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(1));
        }
        if let ApiError::Unauthenticated = self {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let ApiError::RateLimited { retry_after_s }
        | ApiError::TooManyFailures { retry_after_s }
        | ApiError::Service(
            ServiceError::QuotaExceeded { retry_after_s, .. }
            | ServiceError::ReportsTooFast { retry_after_s, .. },
        ) = self
        {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_errors_keep_their_code_and_field() {
        let e = ApiError::from(ModelError::Invalid {
            field: "geometry.coordinates[0][1]".into(),
            message: "latitude 91 is outside -90..=90".into(),
        });
        assert_eq!(e.code(), "invalid_field");
        assert_eq!(e.field(), Some("geometry.coordinates[0][1]"));
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let e = ApiError::from(ModelError::ReasonRequired { doing: "clearing" });
        assert_eq!((e.code(), e.field()), ("reason_required", Some("reason")));
        let e = ApiError::from(ModelError::NotFound(deconflict_model::Noun::Activity));
        assert_eq!(e, ApiError::NotFound("activity"));
    }
}
