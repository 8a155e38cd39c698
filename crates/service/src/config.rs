//! The service's typed configuration. The command line reads flags, the
//! environment and a TOML file into one raw struct and validates it into
//! this; tests build it directly.

use deconflict_model::Policy;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// How the HTTP service behaves. [`Config::default`] is what `deconflict
/// serve` runs with when nothing is configured.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub body_limit: usize,
    /// How long one request may take before it gets 503 `timeout`.
    pub request_timeout: Duration,
    /// The per-credential token bucket; `None` turns rate limiting off.
    pub rate_limit: Option<RateLimit>,
    /// Which activity kinds always need an approver's clearance.
    pub policy: Policy,
    /// The most items one page of a list holds (`limit` is capped to it).
    pub max_page: usize,
    /// The most positions one geometry may have; more get 413. At most the
    /// engine's own limit, [`deconflict_geo4d::MAX_VERTICES`].
    pub max_vertices: usize,
    /// The most a geometry's positions times the area of its bounding box
    /// (km²) may come to: a long zig-zag across a province would hold the
    /// command lock for everyone. Larger ones get 413.
    pub max_geometry_cost: f64,
    /// The most bytes of log entries one party's commands may add in a
    /// day; beyond it 429 `quota_exceeded`. `None`: no quota.
    pub party_log_bytes_per_day: Option<u64>,
    /// Reports of a tracked unit are taken no more often, on average, than
    /// its declared interval, with this long a backlog accepted at once (a
    /// device out of reach sends what it stored when it is back); beyond
    /// it 429 `reports_too_fast`. `None`: units are not paced.
    pub unit_report_backlog: Option<Duration>,
    /// How long a webhook waits before sending a failed event again; each
    /// failure in a row doubles the wait, up to five minutes.
    pub webhook_backoff: Duration,
    /// Whether webhooks may reach loopback, private, link-local and other
    /// addresses that are not on the public internet. Off by default, so that
    /// a party cannot point the service at the network it runs in.
    pub webhook_private: bool,
    /// The bearer token `GET /metrics` answers to: the operator's, never a
    /// party's. `None` (the default) hides the route: it answers 404 like
    /// any unknown path, as it does to a request without this token.
    pub metrics_token: Option<MetricsToken>,
    /// How long a client may take to send a request's header (HTTP and
    /// HTTPS); a connection that has not sent a whole one by then, or that
    /// sits idle between requests that long, is closed.
    pub header_timeout: Duration,
    /// The most HTTP connections served at once; one more is closed as
    /// soon as it is accepted (and counted).
    pub max_connections: usize,
    /// Failed authentications (HTTP and Cursor-on-Target together) one
    /// address may make before it is refused; `None` turns the limit off.
    pub auth_failures: Option<FailureLimit>,
    /// How long a stop waits for the requests under way to finish before
    /// the connections still open are closed.
    pub shutdown_grace: Duration,
    /// How long a Cursor-on-Target connection may take, from its first
    /// byte, to authenticate (its TLS handshake included).
    pub cot_auth_timeout: Duration,
    /// How long an authenticated Cursor-on-Target connection may stay
    /// without sending an event (a ping counts) before it is closed.
    pub cot_idle_timeout: Duration,
    /// The most Cursor-on-Target connections served at once, and from one
    /// address (an IPv6 /64 counts as one); one more is closed at once.
    pub cot_max_connections: usize,
    pub cot_max_per_address: usize,
    /// How often the directory is read for credentials revoked or removed,
    /// which ends their event streams, Cursor-on-Target connections and
    /// webhook deliveries.
    pub revocation_poll: Duration,
}

/// Failed authentications allowed from one address: at most `max` in
/// `window`; beyond them, the address is refused until the window ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureLimit {
    pub max: u32,
    pub window: Duration,
}

/// A secret of the service's operator, such as the token `/metrics` answers
/// to. It is compared in constant time, and its `Debug` does not show it.
#[derive(Clone)]
pub struct MetricsToken(String);

impl MetricsToken {
    pub fn new(token: impl Into<String>) -> MetricsToken {
        MetricsToken(token.into())
    }

    /// Whether `presented` is this token. Both are hashed first, so the
    /// comparison takes the same time whatever their lengths, and the
    /// digests are compared without stopping at the first difference.
    pub fn matches(&self, presented: &str) -> bool {
        let expected = Sha256::digest(self.0.as_bytes());
        let presented = Sha256::digest(presented.as_bytes());
        let difference = expected
            .iter()
            .zip(presented.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(difference) == 0
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(..)")
    }
}

/// The most positions [`Config::max_vertices`] may allow: the engine's own
/// limit.
pub const ENGINE_MAX_VERTICES: usize = deconflict_geo4d::MAX_VERTICES;

/// A token bucket per credential: `burst` requests at once, refilled at
/// `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            body_limit: 1 << 20,
            request_timeout: Duration::from_secs(30),
            rate_limit: Some(RateLimit {
                per_second: 100.0,
                burst: 200.0,
            }),
            policy: Policy::default(),
            max_page: 1000,
            max_vertices: 10_000,
            max_geometry_cost: 2_000_000.0,
            party_log_bytes_per_day: Some(2 << 30),
            unit_report_backlog: Some(Duration::from_secs(3600)),
            webhook_backoff: Duration::from_secs(1),
            webhook_private: false,
            metrics_token: None,
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
            auth_failures: Some(FailureLimit {
                max: 20,
                window: Duration::from_secs(60),
            }),
            shutdown_grace: Duration::from_secs(10),
            cot_auth_timeout: Duration::from_secs(10),
            cot_idle_timeout: Duration::from_secs(300),
            cot_max_connections: 1024,
            cot_max_per_address: 16,
            revocation_poll: Duration::from_millis(250),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MetricsToken;

    #[test]
    fn a_metrics_token_matches_itself_only_and_does_not_show() {
        let token = MetricsToken::new("a-long-random-operator-secret-0123456789");
        assert!(token.matches("a-long-random-operator-secret-0123456789"));
        for other in [
            "",
            "a",
            "a-long-random-operator-secret-012345678",
            "a-long-random-operator-secret-01234567890",
            "A-long-random-operator-secret-0123456789",
        ] {
            assert!(!token.matches(other), "{other}");
        }
        assert_eq!(format!("{token:?}"), "MetricsToken(..)");
    }
}
