//! Counters for `GET /metrics`, in the Prometheus text exposition format
//! (hand-rolled: a few counters, one histogram and the process's figures do
//! not need a registry).
//!
//! The metrics are the operator's, never a party's: the route answers only
//! to the configured metrics token ([`authorised`]), and nothing in it is
//! labelled by party or by command, so that even its holder does not read
//! from it what any one party is doing. Labels take few values, whatever
//! clients send: a route's template (never its path, which holds ids), a
//! known method or `other`.

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

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
    /// Time to the response's head, by method, route template and status
    /// class.
    latency: Mutex<BTreeMap<(&'static str, String, &'static str), Histogram>>,
    /// Event streams open now.
    streams: AtomicU64,
}

/// Status classes as labels, 1xx to 5xx.
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// The index of `status`'s class in [`CLASSES`] (anything out of HTTP's
/// range counted with its nearest class, so that no sample goes missing).
fn class(status: u16) -> usize {
    usize::from(status / 100).clamp(1, 5) - 1
}

/// The upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default)]
struct Histogram {
    /// Observations at most each bound (not cumulative; summed when rendered).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// A method as a label: one of HTTP's own, or `other` for whatever else a
/// client invents (a label must not take values without bound).
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    KNOWN
        .into_iter()
        .find(|known| *known == method.as_str())
        .unwrap_or("other")
}

/// An event stream's place in `deconflict_event_streams`, given back when
/// the stream ends.
#[derive(Debug)]
pub(crate) struct OpenStream(AppState);

impl OpenStream {
    pub(crate) fn new(state: &AppState) -> OpenStream {
        state.metrics().streams.fetch_add(1, Ordering::Relaxed);
        OpenStream(state.clone())
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.metrics().streams.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What `/metrics` reads from the service and the webhooks table when asked.
#[derive(Debug, Default)]
pub(crate) struct Gauges {
    pub(crate) open_conflicts: usize,
    pub(crate) held_activities: usize,
    pub(crate) webhooks: usize,
    /// Standing webhooks whose last attempt failed.
    pub(crate) webhooks_failing: usize,
    /// Log entries after the webhooks' cursors, summed.
    pub(crate) webhook_backlog: u64,
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

    fn response(&self, method: &'static str, route: String, status: u16, seconds: f64) {
        let class = class(status);
        self.responses[class].fetch_add(1, Ordering::Relaxed);
        self.latency
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((method, route, CLASSES[class]))
            .or_default()
            .observe(seconds);
    }
}

/// Middleware: counts every response by status class, and times it to its
/// head by method, route and status class (an event stream's head comes
/// before its events, so a stream open for hours does not read as a slow
/// request).
pub(crate) async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    state.metrics().response(
        method,
        route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
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
pub(crate) fn render(state: &AppState, seq: u64, gauges: &Gauges) -> String {
    let m = state.metrics();
    let log = state.log().stats();
    let mut out = String::new();
    latency(&mut out, m);
    process(&mut out);
    let mut family = |name: &str, kind: &str, help: &str, samples: &[(String, u64)]| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    let classes: Vec<(String, u64)> = CLASSES
        .iter()
        .zip(&m.responses)
        .map(|(class, n)| (format!("{{class=\"{class}\"}}"), n.load(Ordering::Relaxed)))
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
    let one = |n: usize| [(String::new(), n as u64)];
    family(
        "deconflict_event_streams",
        "gauge",
        "Event streams (GET /v1/events) open now.",
        &one(usize::try_from(m.streams.load(Ordering::Relaxed)).unwrap_or(usize::MAX)),
    );
    family(
        "deconflict_cot_connections",
        "gauge",
        "Cursor-on-Target connections open now.",
        &one(state.cot_connections().open()),
    );
    family(
        "deconflict_conflicts_open",
        "gauge",
        "Conflicts open now, over all parties.",
        &one(gauges.open_conflicts),
    );
    family(
        "deconflict_activities_held",
        "gauge",
        "Activities held now, over all parties: what the coordinator has to decide.",
        &one(gauges.held_activities),
    );
    family(
        "deconflict_webhooks",
        "gauge",
        "Webhooks registered and standing.",
        &one(gauges.webhooks),
    );
    family(
        "deconflict_webhooks_failing",
        "gauge",
        "Standing webhooks whose last delivery attempt failed.",
        &one(gauges.webhooks_failing),
    );
    family(
        "deconflict_webhook_backlog_entries",
        "gauge",
        "Log entries past the standing webhooks' cursors, summed: what they have still to go through (each delivers only the events its party may see).",
        &[(String::new(), gauges.webhook_backlog)],
    );
    family(
        "deconflict_build_info",
        "gauge",
        "The running build: its version, as a label; always 1.",
        &[(format!("{{version=\"{}\"}}", env!("CARGO_PKG_VERSION")), 1)],
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

/// `deconflict_http_request_duration_seconds`, one series a method, route
/// and status class.
fn latency(out: &mut String, m: &Metrics) {
    let name = "deconflict_http_request_duration_seconds";
    let _ = writeln!(
        out,
        "# HELP {name} Time from a request to its response's head, by method, route template and status class.\n# TYPE {name} histogram"
    );
    let latency = m.latency.lock().unwrap_or_else(PoisonError::into_inner);
    for ((method, route, status), h) in latency.iter() {
        let labels = format!(
            "method=\"{method}\",route=\"{}\",status=\"{status}\"",
            escape(route)
        );
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(h.buckets) {
            cumulative += n;
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", h.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", h.count);
    }
}

/// A label value as the exposition format writes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The process's own figures, as every Prometheus client library names
/// them; on Linux only (read from `/proc/self`), left out elsewhere.
fn process(out: &mut String) {
    let Some(p) = crate::process::read() else {
        return;
    };
    let mut gauge = |name: &str, kind: &str, help: &str, value: f64| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    };
    gauge(
        "process_cpu_seconds_total",
        "counter",
        "User and system CPU time spent, in seconds.",
        p.cpu_seconds,
    );
    gauge(
        "process_resident_memory_bytes",
        "gauge",
        "Resident memory size, in bytes.",
        p.resident_bytes as f64,
    );
    gauge(
        "process_virtual_memory_bytes",
        "gauge",
        "Virtual memory size, in bytes.",
        p.virtual_bytes as f64,
    );
    gauge(
        "process_open_fds",
        "gauge",
        "Open file descriptors.",
        p.open_fds as f64,
    );
    if let Some(max) = p.max_fds {
        gauge(
            "process_max_fds",
            "gauge",
            "The most file descriptors the process may open.",
            max as f64,
        );
    }
    gauge(
        "process_start_time_seconds",
        "gauge",
        "When the process started, in seconds since the Unix epoch.",
        p.start_time_seconds,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_buckets_are_cumulative_per_method_route_and_status_class() {
        let m = Metrics::default();
        let route = || "/v1/activities/{id}".to_owned();
        m.response("GET", route(), 200, 0.003_906_25);
        m.response("GET", route(), 204, 0.25);
        m.response("GET", route(), 200, 32.0);
        m.response("GET", route(), 404, 0.0005);
        m.response("other", "unmatched".to_owned(), 999, 0.0);
        let mut out = String::new();
        latency(&mut out, &m);
        let series = |labels: &str| -> Vec<String> {
            out.lines()
                .filter(|l| l.contains(&format!("{{{labels}")))
                .map(|l| l.replace(labels, ""))
                .collect()
        };
        let name = "deconflict_http_request_duration_seconds";
        let expected = |buckets: &[(&str, u64)], sum: &str, count: u64| -> Vec<String> {
            let mut lines: Vec<String> = buckets
                .iter()
                .map(|(le, n)| format!("{name}_bucket{{,le=\"{le}\"}} {n}"))
                .collect();
            lines.push(format!("{name}_sum{{}} {sum}"));
            lines.push(format!("{name}_count{{}} {count}"));
            lines
        };
        assert_eq!(
            series(r#"method="GET",route="/v1/activities/{id}",status="2xx""#),
            expected(
                &[
                    ("0.001", 0),
                    ("0.005", 1),
                    ("0.01", 1),
                    ("0.025", 1),
                    ("0.05", 1),
                    ("0.1", 1),
                    ("0.25", 2),
                    ("0.5", 2),
                    ("1", 2),
                    ("2.5", 2),
                    ("5", 2),
                    ("10", 2),
                    ("+Inf", 3),
                ],
                "32.25390625",
                3
            )
        );
        let not_found = series(r#"method="GET",route="/v1/activities/{id}",status="4xx""#);
        assert_eq!(not_found[0], format!("{name}_bucket{{,le=\"0.001\"}} 1"));
        assert_eq!(not_found.last().unwrap(), &format!("{name}_count{{}} 1"));
        // Out of HTTP's range, still counted: with the nearest class.
        assert_eq!(
            series(r#"method="other",route="unmatched",status="5xx""#).len(),
            BUCKETS.len() + 3
        );
        assert_eq!(
            m.responses.each_ref().map(|n| n.load(Ordering::Relaxed)),
            [0, 3, 0, 1, 1]
        );
    }

    #[test]
    fn a_method_no_one_defines_is_one_label_value() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(method_label(&Method::from_bytes(b"get").unwrap()), "other");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), r#"a\"b\\c\nd"#);
    }
}
