//! The service's typed configuration. The command line reads flags, the
//! environment and a TOML file into one raw struct and validates it into
//! this; tests build it directly.

use deconflict_model::Policy;
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
    /// How long a webhook waits before sending a failed event again; each
    /// failure in a row doubles the wait, up to five minutes.
    pub webhook_backoff: Duration,
    /// Whether webhooks may reach loopback, private, link-local and other
    /// addresses that are not on the public internet. Off by default, so that
    /// a party cannot point the service at the network it runs in.
    pub webhook_private: bool,
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
            webhook_backoff: Duration::from_secs(1),
            webhook_private: false,
        }
    }
}
