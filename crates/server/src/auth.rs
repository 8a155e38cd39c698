//! Who is calling: the [`Caller`] extractor and the per-credential rate
//! limit.
//!
//! Every `/v1` handler takes a `Caller` first, so nothing is parsed for a
//! request without a valid token. The token is looked up in the directory on
//! every request (an indexed SHA-256 lookup), so a revocation by `deconflict
//! token revoke`, even from another process, applies to the next request.
//! Tokens are never logged; a failed authentication is counted
//! (`deconflict_auth_failures_total`) and logged with its reason and the
//! request id.

use crate::config::RateLimit;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use deconflict_model::{Actor, Role};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// The authenticated caller of a request: a party acting through one
/// credential with one role.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        if state.failed() {
            return Err(ApiError::Unavailable);
        }
        let refuse = |reason: &'static str| {
            state.metrics().auth_failure();
            let request_id = parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::warn!(reason, request_id, "authentication failed");
            ApiError::Unauthenticated
        };
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Err(refuse("no Authorization header"));
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(str::trim);
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Err(refuse("Authorization is not a bearer token"));
        };
        let credential = match state.authenticate(token) {
            Ok(Some(credential)) => credential,
            Ok(None) => return Err(refuse("unknown or revoked token")),
            Err(e) => {
                tracing::error!(error = %e, "looking up a token");
                return Err(ApiError::Internal);
            }
        };
        let span = tracing::Span::current();
        span.record("party", credential.party.as_str());
        span.record("credential", credential.id.as_str());
        if let Err(retry_after_s) = state.limiter().take(&credential.id) {
            state.metrics().rate_limited();
            return Err(ApiError::RateLimited { retry_after_s });
        }
        Ok(Caller(actor_of(credential)))
    }
}

/// The actor a credential acts as.
pub(crate) fn actor_of(credential: deconflict_store::Credential) -> Actor {
    let role = match credential.role {
        deconflict_store::Role::Viewer => Role::Viewer,
        deconflict_store::Role::Operator => Role::Operator,
        deconflict_store::Role::Approver => Role::Approver,
        deconflict_store::Role::Auditor => Role::Auditor,
    };
    Actor::new(
        credential.party,
        role,
        credential.id,
        credential.coordinator,
    )
}

/// A token bucket per credential, in memory.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: Option<RateLimit>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    pub(crate) fn new(limit: Option<RateLimit>) -> RateLimiter {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token from the credential's bucket, or says in how many
    /// whole seconds one will be there.
    pub(crate) fn take(&self, credential: &str) -> Result<(), u64> {
        let Some(RateLimit { per_second, burst }) = self.limit else {
            return Ok(());
        };
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.entry(credential.to_owned()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let refill = now.duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refill).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / per_second;
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_a_burst_then_asks_to_wait() {
        let limiter = RateLimiter::new(Some(RateLimit {
            per_second: 0.5,
            burst: 3.0,
        }));
        for _ in 0..3 {
            assert_eq!(limiter.take("cred_a"), Ok(()));
        }
        assert_eq!(limiter.take("cred_a"), Err(2));
        // Another credential has its own bucket.
        assert_eq!(limiter.take("cred_b"), Ok(()));
        assert_eq!(RateLimiter::new(None).take("cred_a"), Ok(()));
    }
}
