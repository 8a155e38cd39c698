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
//!
//! Failed authentications are also limited by address ([`FailureLimiter`],
//! shared with Cursor-on-Target): after [`crate::Config::auth_failures`]
//! failures in its window, a request from that address is answered 429
//! `too_many_failures` *before its token is looked up*, whether the token
//! is good or not, until the window ends. Checking after the lookup would
//! let a valid token through from an address that is guessing, which is
//! friendlier to a party sharing an address (a NAT) with a guesser; but
//! then each guess would still be looked up and answered 401, telling the
//! guesser, once the limit is reached, which of its guesses was right. The
//! address is the connection's peer (an IPv6 /64 counts as one address);
//! a request with no peer address (in-process tests) is not limited.

use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use deconflict_model::{Actor, Role};
use deconflict_service::{FailureLimit, RateLimit};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// The authenticated caller of a request: a party acting through one
/// credential with one role.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let token = bearer(parts);
        authenticate(parts, state, token.as_deref().map_err(|why| *why))
            .await
            .map(Caller)
    }
}

/// The bearer token of the request, or why it has none.
fn bearer(parts: &Parts) -> Result<String, &'static str> {
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or("no Authorization header")?;
    header
        .to_str()
        .ok()
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .ok_or("Authorization is not a bearer token")
}

/// The actor `token` speaks for, however the request carried it (`Err`
/// says why it carried none); refused as the module docs say.
pub(crate) async fn authenticate(
    parts: &Parts,
    state: &AppState,
    token: Result<&str, &'static str>,
) -> Result<Actor, ApiError> {
    if state.failed() {
        return Err(state.refusal().into());
    }
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let Some(ip) = peer
        && let Err(retry_after_s) = state.failures().check(ip)
    {
        state.metrics().failures_refused();
        return Err(ApiError::TooManyFailures { retry_after_s });
    }
    let refuse = |reason: &'static str| {
        state.metrics().auth_failure();
        if let Some(ip) = peer {
            state.failures().failed(ip);
        }
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::warn!(reason, request_id, "authentication failed");
        ApiError::Unauthenticated
    };
    let token = token.map_err(refuse)?;
    let credential = match state.authenticate(token).await {
        Ok(Some(credential)) => credential,
        Ok(None) => return Err(refuse("unknown or revoked token")),
        // A failover under way: nothing was done, and the client may try again.
        Err(e) if e.is_unreachable() => {
            tracing::warn!(error = %e, "looking up a token");
            return Err(ApiError::Service(deconflict_service::Error::Unreachable));
        }
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
    Ok(actor_of(credential))
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

/// The address limits are kept by: an IPv4 address (an IPv4-mapped IPv6
/// one as IPv4), or an IPv6 address's /64, which one client usually holds
/// whole.
pub(crate) fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Failed authentications per address in a fixed window (see the module
/// docs), in memory.
#[derive(Debug)]
pub(crate) struct FailureLimiter {
    limit: Option<FailureLimit>,
    windows: Mutex<HashMap<IpAddr, Window>>,
}

#[derive(Debug)]
struct Window {
    since: Instant,
    failures: u32,
}

/// How many addresses are kept before the ended windows are dropped.
const PRUNE_AT: usize = 4096;

impl FailureLimiter {
    pub(crate) fn new(limit: Option<FailureLimit>) -> FailureLimiter {
        FailureLimiter {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `ip` may try to authenticate, or in how many whole seconds
    /// it may again.
    pub(crate) fn check(&self, ip: IpAddr) -> Result<(), u64> {
        let Some(FailureLimit { max, window }) = self.limit else {
            return Ok(());
        };
        let windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        match windows.get(&address_key(ip)) {
            Some(w) if w.failures >= max && w.since.elapsed() < window => {
                let left = window.saturating_sub(w.since.elapsed());
                Err(left.as_secs_f64().ceil().max(1.0) as u64)
            }
            _ => Ok(()),
        }
    }

    /// Records a failed authentication from `ip`.
    pub(crate) fn failed(&self, ip: IpAddr) {
        let Some(FailureLimit { window, .. }) = self.limit else {
            return;
        };
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, w| now.duration_since(w.since) < window);
        }
        let w = windows.entry(address_key(ip)).or_insert(Window {
            since: now,
            failures: 0,
        });
        if now.duration_since(w.since) >= window {
            *w = Window {
                since: now,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_its_failures_until_the_window_ends() {
        let limiter = FailureLimiter::new(Some(FailureLimit {
            max: 3,
            window: std::time::Duration::from_millis(200),
        }));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limiter.check(a), Ok(()));
            limiter.failed(mapped);
        }
        assert_eq!(limiter.check(a), Err(1));
        // Another address, and the same /64 of IPv6.
        assert_eq!(limiter.check("192.0.2.2".parse().unwrap()), Ok(()));
        for _ in 0..3 {
            limiter.failed("2001:db8::1".parse().unwrap());
        }
        assert!(limiter.check("2001:db8::ffff".parse().unwrap()).is_err());
        assert!(limiter.check("2001:db8:0:1::1".parse().unwrap()).is_ok());
        std::thread::sleep(std::time::Duration::from_millis(250));
        assert_eq!(limiter.check(a), Ok(()));
        assert_eq!(FailureLimiter::new(None).check(a), Ok(()));
    }

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
