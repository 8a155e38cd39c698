//! Counters for `GET /metrics`, in the Prometheus text exposition format
//! (hand-rolled: a few counters do not need a registry).

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The service's counters; the log's own come from [`deconflict_store::LogStats`].
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    /// Responses by status class, 1xx to 5xx.
    responses: [AtomicU64; 5],
    auth_failures: AtomicU64,
    rate_limited: AtomicU64,
    /// Accepted commands by verb.
    commands: Mutex<Vec<(&'static str, u64)>>,
    replay_ms: AtomicU64,
    /// Entries found, since start, to still give the leaf the log signed.
    checked: AtomicU64,
    /// Cursor-on-Target events read, by what became of them.
    cot: [AtomicU64; COT_OUTCOMES.len()],
}

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
}

const COT_OUTCOMES: [&str; 4] = ["position", "ping", "malformed", "dropped"];

impl Metrics {
    pub(crate) fn auth_failure(&self) {
        self.auth_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn command(&self, verb: &'static str) {
        let mut commands = self
            .commands
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match commands.iter_mut().find(|(v, _)| *v == verb) {
            Some((_, n)) => *n += 1,
            None => commands.push((verb, 1)),
        }
    }

    pub(crate) fn set_replay(&self, took: Duration) {
        self.replay_ms.store(
            u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    pub(crate) fn cot(&self, outcome: CotOutcome, n: u64) {
        self.cot[outcome as usize].fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn checked(&self, entries: u64) {
        self.checked.fetch_add(entries, Ordering::Relaxed);
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
        "deconflict_rate_limited_total",
        "counter",
        "Requests refused by the per-credential rate limit.",
        &[(String::new(), m.rate_limited.load(Ordering::Relaxed))],
    );
    let commands: Vec<(String, u64)> = m
        .commands
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .map(|(verb, n)| (format!("{{verb=\"{}\"}}", verb.replace(' ', "_")), *n))
        .collect();
    family(
        "deconflict_commands_total",
        "counter",
        "Commands accepted and appended to the log since start, by verb.",
        &commands,
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
        "deconflict_replay_milliseconds",
        "gauge",
        "How long replaying the log took at start-up.",
        &[(String::new(), m.replay_ms.load(Ordering::Relaxed))],
    );
    family(
        "deconflict_log_entries_checked",
        "gauge",
        "Entries checked since start against the leaf the log keeps for them (all of them, soon after start).",
        &[(String::new(), m.checked.load(Ordering::Relaxed))],
    );
    out
}
