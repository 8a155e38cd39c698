//! Counters for `GET /metrics`, in the Prometheus text exposition format
//! (hand-rolled: a few counters do not need a registry).
//!
//! The metrics are the operator's, never a party's: the route answers only
//! to the configured metrics token ([`authorised`]), and nothing in it is
//! labelled by party or by command, so that even its holder does not read
//! from it what any one party is doing.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// The service's counters; the log's own come from [`deconflict_store::LogStats`].
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    /// Responses by status class, 1xx to 5xx.
    responses: [AtomicU64; 5],
    auth_failures: AtomicU64,
    rate_limited: AtomicU64,
    /// Cursor-on-Target events read, by what became of them.
    cot: [AtomicU64; COT_OUTCOMES.len()],
    /// HTTP requests refused for their address's failed authentications.
    failures_refused: AtomicU64,
    /// Connections closed as soon as accepted, by why.
    refused: [AtomicU64; REFUSALS.len()],
    /// Cursor-on-Target connections closed by the service, by why.
    cot_closed: [AtomicU64; COT_CLOSES.len()],
}

/// Why a connection was closed as soon as it was accepted.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Refusal {
    /// HTTP at its connection cap.
    Http = 0,
    /// Cursor-on-Target at its connection cap.
    Cot = 1,
    /// Cursor-on-Target at its cap for the connection's address.
    CotAddress = 2,
    /// Cursor-on-Target from an address that failed to authenticate too often.
    CotFailures = 3,
}

const REFUSALS: [&str; 4] = [
    "http_cap",
    "cot_cap",
    "cot_address_cap",
    "cot_auth_failures",
];

/// Why the service closed a Cursor-on-Target connection.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CotClose {
    /// No authenticated event in time.
    AuthTimeout = 0,
    /// No event for the idle timeout.
    Idle = 1,
    /// Its credential was revoked or removed.
    Revoked = 2,
}

const COT_CLOSES: [&str; 3] = ["auth_timeout", "idle", "revoked"];

/// What became of a Cursor-on-Target event, as `/metrics` labels it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CotOutcome {
    /// A position report passed on to the log.
    Position = 0,
    /// A keep-alive ping, answered.
    Ping = 1,
    /// Not an event, or one that does not parse; skipped.
    Malformed = 2,
    /// A report that cannot be taken: no credential yet, a uid bound to no
    /// unit of the party, a value the log refuses.
    Dropped = 3,
    /// Beyond the credential's rate limit; dropped.
    RateLimited = 4,
}

const COT_OUTCOMES: [&str; 5] = ["position", "ping", "malformed", "dropped", "rate_limited"];

impl Metrics {
    pub(crate) fn auth_failure(&self) {
        self.auth_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn cot(&self, outcome: CotOutcome, n: u64) {
        self.cot[outcome as usize].fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn failures_refused(&self) {
        self.failures_refused.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn refused(&self, why: Refusal) {
        self.refused[why as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn cot_closed(&self, why: CotClose) {
        self.cot_closed[why as usize].fetch_add(1, Ordering::Relaxed);
    }

    fn response(&self, status: u16) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.responses[class].fetch_add(1, Ordering::Relaxed);
    }
}

/// Middleware: counts every response by status class.
pub(crate) async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    state.metrics().response(response.status().as_u16());
    response
}

/// Whether `headers` carry `Authorization: Bearer <the metrics token>`.
/// Without a configured token nothing is; a party's token never is, even
/// one configured as the metrics token by mistake.
pub(crate) async fn authorised(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(expected) = &state.config().metrics_token else {
        return false;
    };
    let presented = headers
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(presented) = presented else {
        return false;
    };
    if !expected.matches(presented) {
        return false;
    }
    match state.authenticate(presented).await {
        Ok(None) => true,
        Ok(Some(_)) => {
            tracing::error!("the metrics token is a party's token: /metrics stays closed");
            false
        }
        Err(e) => {
            tracing::error!(error = %e, "looking up the metrics token");
            false
        }
    }
}

/// The exposition for `GET /metrics`.
pub(crate) fn render(state: &AppState, seq: u64) -> String {
    let m = state.metrics();
    let log = state.log().stats();
    let mut out = String::new();
    let mut family = |name: &str, kind: &str, help: &str, samples: &[(String, u64)]| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    let classes: Vec<(String, u64)> = m
        .responses
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                format!("{{class=\"{}xx\"}}", i + 1),
                n.load(Ordering::Relaxed),
            )
        })
        .collect();
    family(
        "deconflict_http_responses_total",
        "counter",
        "HTTP responses by status class.",
        &classes,
    );
    family(
        "deconflict_auth_failures_total",
        "counter",
        "Requests refused for a missing, unknown or revoked token.",
        &[(String::new(), m.auth_failures.load(Ordering::Relaxed))],
    );
    family(
        "deconflict_auth_failures_refused_total",
        "counter",
        "Requests refused before their token was looked up: their address failed to authenticate too often.",
        &[(String::new(), m.failures_refused.load(Ordering::Relaxed))],
    );
    let labelled = |names: &[&str], counts: &[AtomicU64]| -> Vec<(String, u64)> {
        names
            .iter()
            .zip(counts)
            .map(|(name, n)| (format!("{{reason=\"{name}\"}}"), n.load(Ordering::Relaxed)))
            .collect()
    };
    family(
        "deconflict_connections_refused_total",
        "counter",
        "Connections closed as soon as accepted, by why.",
        &labelled(&REFUSALS, &m.refused),
    );
    family(
        "deconflict_cot_closed_total",
        "counter",
        "Cursor-on-Target connections closed by the service, by why.",
        &labelled(&COT_CLOSES, &m.cot_closed),
    );
    family(
        "deconflict_rate_limited_total",
        "counter",
        "Requests refused by the per-credential rate limit.",
        &[(String::new(), m.rate_limited.load(Ordering::Relaxed))],
    );
    family(
        "deconflict_commands_total",
        "counter",
        "Commands accepted and appended to the log since start.",
        &[(String::new(), state.counters().commands())],
    );
    let cot: Vec<(String, u64)> = COT_OUTCOMES
        .iter()
        .zip(&m.cot)
        .map(|(outcome, n)| {
            (
                format!("{{outcome=\"{outcome}\"}}"),
                n.load(Ordering::Relaxed),
            )
        })
        .collect();
    family(
        "deconflict_cot_events_total",
        "counter",
        "Cursor-on-Target events read, by what became of them.",
        &cot,
    );
    family(
        "deconflict_log_entries",
        "gauge",
        "Entries in the log (the sequence number of the last one).",
        &[(String::new(), seq)],
    );
    family(
        "deconflict_log_commits_total",
        "counter",
        "Log transactions committed since start (one fsync each).",
        &[(String::new(), log.commits)],
    );
    family(
        "deconflict_log_appended_total",
        "counter",
        "Entries made durable since start.",
        &[(String::new(), log.entries)],
    );
    family(
        "deconflict_log_largest_batch",
        "gauge",
        "The most entries one commit has carried since start.",
        &[(String::new(), log.largest_batch as u64)],
    );
    family(
        "deconflict_log_entries_checked",
        "gauge",
        "Entries checked since start against the leaf the log keeps for them (all of them, soon after start).",
        &[(String::new(), state.counters().checked_entries())],
    );
    // A duration, in seconds as Prometheus names them.
    let name = "deconflict_replay_seconds";
    let _ = writeln!(
        out,
        "# HELP {name} How long replaying the log took at start-up.\n# TYPE {name} gauge\n{name} {}",
        state.counters().replay().as_secs_f64()
    );
    out
}
