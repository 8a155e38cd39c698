//! Webhooks: a party's events, POSTed as JSON to the URLs it registered
//! (`/v1/webhooks`, see `routes/webhooks.rs`).
//!
//! # What is delivered
//!
//! A webhook delivers exactly what the event stream (`GET /v1/events`)
//! gives the credential that registered it (see `crate::events`): the
//! events its party may see, or every event once for the coordinator. One
//! `POST` per event, in log order, whose body is the event's JSON object
//! (`seq`, `time`, `type` and the rest), with these headers:
//!
//! - `Content-Type: application/json`;
//! - `Deconflict-Event: <type>` (`conflict`, `alert`, `escalation`,
//!   `activity`, `incident`, `notification`, `stale`);
//! - `Deconflict-Delivery: <seq>-<n>`: the log entry's sequence number and
//!   the event's place, from 1, among that entry's events for the webhook.
//!   One entry can give a party several events of one type (a declaration
//!   that meets two activities opens two conflicts), so the sequence number
//!   alone does not name an event; this does;
//! - `Deconflict-Signature: sha256=<hex>`: HMAC-SHA256 of the body's exact
//!   bytes, keyed with the webhook's 32-byte secret (answered in hex, once,
//!   when the webhook was registered). Kept for the receivers written
//!   against it; it signs neither the delivery's id nor its time, so a
//!   captured delivery can be sent again: prefer the next three;
//! - `webhook-id`, `webhook-timestamp`, `webhook-signature` (Standard
//!   Webhooks): the delivery id as above, the attempt's time in Unix
//!   seconds, and `v1,` with the base64 HMAC-SHA256 of `id.timestamp.body`
//!   under the same key (answered as `whsec_<base64>` at registration, the
//!   form the Standard Webhooks libraries take). A receiver that checks it
//!   and refuses a timestamp more than a few minutes old refuses a replay.
//!
//! A receiver checks the signature over the raw body before parsing it,
//! comparing in constant time; in Python:
//!
//! ```text
//! import hashlib, hmac
//! def genuine(body: bytes, header: str, secret_hex: str) -> bool:
//!     mac = hmac.new(bytes.fromhex(secret_hex), body, hashlib.sha256)
//!     return hmac.compare_digest("sha256=" + mac.hexdigest(), header)
//! ```
//!
//! # Retries
//!
//! An answer in 2xx delivers the event. Any other answer, a connection or
//! TLS failure, or no answer within 10 s is recorded on the webhook
//! (`attempts`, `last_status`, `last_error`, `next_attempt_at`, which its
//! party reads with `GET /v1/webhooks/{id}`) and the same event is sent
//! again after 1 s, then 2 s, 4 s and so on, at most 5 minutes apart, for as
//! long as it takes ([`crate::Config::webhook_backoff`] is the first wait).
//! Events are never skipped nor reordered: a receiver that was down for a
//! day gets the day's events, in order, when it is back.
//!
//! # At least once
//!
//! Once every event of a log entry is delivered, the webhook's cursor moves
//! past the entry durably, and the credential's pending notifications of
//! the conflicts those events told of become `delivered`, as on the event
//! stream. A restart resumes after the cursor, so an event answered with a
//! 2xx just before a stop can come again: receivers deduplicate on
//! `Deconflict-Delivery`. An event sent again after a restart is rebuilt
//! from the log and shows its objects as they stand then.
//!
//! # Tasks
//!
//! One task per webhook delivers its events. A supervisor ([`start`];
//! `serve` starts it) starts one for each webhook at start-up and starts and
//! stops them as webhooks are registered and removed. A webhook delivers
//! only while the credential that registered it is valid: its task checks
//! before each attempt, and ends within a moment of the credential being
//! revoked or removed, whatever it is doing, closing its connection to the
//! receiver (see `crate::revocation`).

use crate::auth::actor_of;
use crate::problem::ApiError;
use axum::body::Bytes;
use axum::http::{Request, StatusCode, Uri, header};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_service::{Event, Service, Subscription, now_ms};
use deconflict_store::{Credential, Location, StoreError, Webhook, Webhooks, to_hex};
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use sha2::Sha256;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::{AbortHandle, JoinSet};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{self, RootCertStore};

/// How long one attempt may take, connecting included.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// The longest URL taken.
const MAX_URL: usize = 2048;
/// The most of a receiver's answer read (and dropped) so that its
/// connection can carry the next event; a longer answer closes it instead.
const MAX_ANSWER: usize = 64 * 1024;
/// How often a node that does not lead asks whether it does.
const LEAD_POLL: Duration = Duration::from_secs(1);

/// How often a node that shares its log with others reads the webhooks
/// table again, for those registered on the other nodes.
const REREAD: Duration = Duration::from_secs(5);

/// How long the supervisor waits before reading the webhooks again after
/// the store failed it.
const RETRY_STORE: Duration = Duration::from_secs(5);

/// The webhooks table and the signal that it changed; the front end's state
/// holds one.
pub(crate) struct Registry {
    store: Mutex<Webhooks>,
    changed: watch::Sender<()>,
}

impl Registry {
    pub(crate) fn open(store: &Location) -> Result<Registry, StoreError> {
        Ok(Registry {
            store: Mutex::new(Webhooks::open_at(store)?),
            changed: watch::Sender::new(()),
        })
    }

    /// Tells the supervisor to start and stop tasks to match the table.
    pub(crate) fn changed(&self) {
        self.changed.send_replace(());
    }
}

/// Runs `f` on the webhooks table on a blocking thread (a write waits for
/// its fsync). A party's webhook beyond the allowed number is `409
/// too_many_webhooks`; any other store failure is logged and `internal`.
pub(crate) async fn store<R: Send + 'static>(
    registry: &Arc<Registry>,
    f: impl FnOnce(&mut Webhooks) -> Result<R, StoreError> + Send + 'static,
) -> Result<R, ApiError> {
    let registry = registry.clone();
    let done = crate::blocking::store(move || {
        let mut webhooks = registry
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut webhooks)
    })
    .await;
    match done {
        Ok(value) => Ok(value),
        Err(e @ StoreError::TooManyWebhooks { .. }) => Err(ApiError::StateConflict {
            code: "too_many_webhooks",
            detail: e.to_string(),
        }),
        Err(e) => {
            tracing::error!(error = %e, "the webhooks table");
            Err(ApiError::Internal)
        }
    }
}

/// The webhook deliveries, running until this is dropped.
#[derive(Debug)]
pub struct Deliveries(tokio::task::JoinHandle<()>);

impl Drop for Deliveries {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What the deliverer works on: the service, whose events it delivers, and
/// the webhooks table. Nothing of the HTTP front end.
#[derive(Clone)]
pub struct Hooks {
    service: Service,
    registry: Arc<Registry>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl std::ops::Deref for Hooks {
    type Target = Service;

    fn deref(&self) -> &Service {
        &self.service
    }
}

impl Hooks {
    pub(crate) fn new(service: Service, registry: Arc<Registry>) -> Hooks {
        Hooks { service, registry }
    }

    fn webhooks(&self) -> &Arc<Registry> {
        &self.registry
    }
}

/// Starts delivering to every webhook of `hooks`, and to each one
/// registered later, until the returned handle is dropped. `serve` does
/// this; a service built with [`crate::app`] alone (as in tests) delivers
/// nothing until it is called.
pub fn start(hooks: Hooks) -> Deliveries {
    Deliveries(tokio::spawn(supervise(hooks)))
}

/// Keeps one delivery task per live webhook. The tasks live in a
/// [`JoinSet`], so they stop with the supervisor.
pub(crate) async fn supervise(app: Hooks) {
    // Of several nodes on one log, the one that leads delivers.
    loop {
        if app.leading().await {
            break;
        }
        tokio::time::sleep(LEAD_POLL).await;
    }
    let mut changes = app.webhooks().changed.subscribe();
    let mut running: HashMap<String, AbortHandle> = HashMap::new();
    let mut tasks = JoinSet::new();
    loop {
        changes.mark_unchanged();
        let live = match store(app.webhooks(), |store| store.live()).await {
            Ok(live) => live,
            Err(_) => {
                tokio::time::sleep(RETRY_STORE).await;
                continue;
            }
        };
        running.retain(|id, task| {
            let keep = live.iter().any(|hook| hook.id == *id);
            if !keep {
                task.abort();
            }
            keep
        });
        for hook in live {
            if !running.contains_key(&hook.id) {
                let id = hook.id.clone();
                running.insert(id, tasks.spawn(deliver(app.clone(), hook)));
            }
        }
        // A task that ended (its credential revoked, the service stopping)
        // is not restarted until the table changes again.
        loop {
            tokio::select! {
                changed = changes.changed() => match changed {
                    Ok(()) => break,
                    Err(_) => return,
                },
                // Webhooks registered on other nodes of the log.
                () = tokio::time::sleep(REREAD), if app.shares_log() => break,
                Some(ended) = tasks.join_next_with_id() => {
                    let task = match ended {
                        Ok((task, ())) => task,
                        Err(e) => {
                            if e.is_panic() {
                                tracing::error!(error = %e, "a webhook's delivery task panicked");
                            }
                            e.id()
                        }
                    };
                    running.retain(|_, handle| handle.id() != task);
                }
            }
        }
    }
}

/// Delivers the events of one webhook, in order, until it is removed, its
/// credential revoked, or the service stops. A revocation (or removal of
/// the credential or its party) ends the task within a moment, whatever it
/// is doing (waiting for events, backing off, sending), and with it the
/// connection to the receiver: see `crate::revocation`.
async fn deliver(app: Hooks, hook: Webhook) {
    let credential = loop {
        match credential_of(&app, &hook.id).await {
            Ok(Some(credential)) => break credential,
            Ok(None) => return,
            Err(_) => tokio::time::sleep(RETRY_STORE).await,
        }
    };
    let mut lease = app.lease(&credential.id);
    let id = hook.id.clone();
    tokio::select! {
        () = deliver_as(app, hook, credential) => {}
        end = lease.end() => {
            tracing::info!(webhook = %id, ?end, "the webhook's credential is revoked or the service stops: its deliveries stop");
        }
    }
}

async fn deliver_as(app: Hooks, hook: Webhook, credential: Credential) {
    let id = hook.id;
    let target = match Target::parse(&hook.url) {
        Ok(target) => target,
        Err(why) => {
            tracing::error!(webhook = %id, why, "a stored webhook URL is not usable");
            return;
        }
    };
    let mut client = Client {
        target,
        private: app.config().webhook_private,
        tls: None,
        kept: None,
    };
    let actor = actor_of(credential);
    let mut subscription = Subscription::new(app.service.clone(), actor, hook.cursor);
    let first_wait = app.config().webhook_backoff;
    let mut failures = hook.attempts;
    while let Some(batch) = subscription.next_batch().await {
        for entry in batch.chunk_by(|a, b| a.seq == b.seq) {
            let mut status = StatusCode::OK;
            for (n, event) in entry.iter().enumerate() {
                let delivery = Delivery::new(event, n + 1, &hook.secret);
                status = loop {
                    // A store that fails to answer is no reason to stop:
                    // the attempt goes ahead.
                    if let Ok(None) = credential_of(&app, &id).await {
                        tracing::info!(
                            webhook = %id,
                            "webhook removed or its credential revoked: its deliveries stop"
                        );
                        return;
                    }
                    let failure = match client.post(&delivery).await {
                        Ok(status) if status.is_success() => break status,
                        Ok(status) => Failure {
                            status: Some(status),
                            error: format!("the receiver answered {status}"),
                        },
                        Err(failure) => failure,
                    };
                    failures = failures.saturating_add(1);
                    let wait = backoff(first_wait, failures);
                    tracing::warn!(
                        webhook = %id,
                        error = failure.error,
                        attempts = failures,
                        "a webhook delivery failed"
                    );
                    record_failure(&app, &id, failure, wait).await;
                    tokio::time::sleep(wait).await;
                };
            }
            let Some(seq) = entry.first().map(|event| event.seq) else {
                continue;
            };
            let events = entry.len() as u64;
            let hook = id.clone();
            let recorded = store(app.webhooks(), move |store| {
                store.record_success(&hook, seq, events, status.as_u16(), now_ms())
            })
            .await;
            if recorded.is_err() {
                tracing::warn!(
                    webhook = %id,
                    seq,
                    "delivered, but the cursor was not recorded: the events may be sent again"
                );
            }
            failures = 0;
            subscription.delivered(entry).await;
        }
    }
}

/// The credential webhook `id` delivers for; `None` once the webhook is
/// removed or the credential revoked.
async fn credential_of(app: &Hooks, id: &str) -> Result<Option<Credential>, ApiError> {
    let hook = id.to_owned();
    store(app.webhooks(), move |store| store.credential(&hook)).await
}

async fn record_failure(app: &Hooks, id: &str, failure: Failure, wait: Duration) {
    let hook = id.to_owned();
    let now = now_ms();
    let next = now.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX));
    let status = failure.status.map(|s| s.as_u16());
    let recorded = store(app.webhooks(), move |store| {
        store.record_failure(&hook, status, &failure.error, next, now)
    })
    .await;
    if recorded.is_err() {
        tracing::warn!(webhook = %id, "a failed delivery could not be recorded");
    }
}

/// The wait after the `failures`-th failure in a row: `first`, doubled
/// each time, at most [`MAX_BACKOFF`].
fn backoff(first: Duration, failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(31);
    first.saturating_mul(1 << doublings).min(MAX_BACKOFF)
}

/// One event as it is sent.
struct Delivery {
    kind: &'static str,
    /// `<seq>-<n>` (see the module docs).
    id: String,
    signature: String,
    body: Bytes,
    secret: [u8; 32],
}

impl Delivery {
    fn new(event: &Event, n: usize, secret: &[u8; 32]) -> Delivery {
        let body = crate::events::json(event);
        Delivery {
            kind: event.kind(),
            id: format!("{}-{n}", event.seq),
            signature: format!("sha256={}", to_hex(&sign(secret, &[body.as_bytes()]))),
            body: Bytes::from(body),
            secret: *secret,
        }
    }

    /// The Standard Webhooks signature of an attempt at `timestamp` (Unix
    /// seconds): over `id.timestamp.body`, so that a captured delivery
    /// cannot be sent again later, nor as another event.
    fn standard_signature(&self, timestamp: &str) -> String {
        let signed = [
            self.id.as_bytes(),
            b".",
            timestamp.as_bytes(),
            b".",
            &self.body,
        ];
        format!("v1,{}", BASE64.encode(sign(&self.secret, &signed)))
    }
}

/// HMAC-SHA256 of the concatenated `parts` under `secret`.
fn sign(secret: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC pads a key shorter than the hash's 64-byte block with zeros
    // (RFC 2104), so this is the MAC under the 32-byte secret itself; the
    // fixed-size key is what makes the constructor infallible.
    let mut key = [0u8; 64];
    key[..32].copy_from_slice(secret);
    let mut mac = Hmac::<Sha256>::new(&key.into());
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Why an attempt failed.
struct Failure {
    /// The receiver's answer, if there was one.
    status: Option<StatusCode>,
    error: String,
}

fn failed(error: String) -> Failure {
    Failure {
        status: None,
        error,
    }
}

/// Where a webhook's events go: an `http` or `https` URL with a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    tls: bool,
    /// The host to connect to, without the brackets of an IPv6 address.
    host: String,
    port: u16,
    /// The `Host` header: host and port as the URL wrote them.
    authority: String,
    /// The request target: path and query.
    path: String,
}

impl Target {
    /// Checks a webhook URL; the error says what is wrong with it.
    pub(crate) fn parse(url: &str) -> Result<Target, String> {
        if url.len() > MAX_URL {
            return Err(format!("at most {MAX_URL} characters"));
        }
        let uri: Uri = url
            .parse()
            .map_err(|_| "not a URL such as https://example.org/hook".to_owned())?;
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err("must start with http:// or https://".to_owned()),
        };
        let authority = uri
            .authority()
            .ok_or_else(|| "must name a host".to_owned())?;
        if authority.as_str().contains('@') {
            return Err("must not hold a user name or password".to_owned());
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']');
        if host.is_empty() {
            return Err("must name a host".to_owned());
        }
        Ok(Target {
            tls,
            host: host.to_owned(),
            port: authority.port_u16().unwrap_or(if tls { 443 } else { 80 }),
            authority: authority.as_str().to_owned(),
            path: uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        })
    }

    /// Refuses a host written as an address that is not public, unless
    /// `private` allows it (names are checked when they are resolved).
    pub(crate) fn check_literal(self, private: bool) -> Result<Target, String> {
        match self.host.parse::<IpAddr>() {
            Ok(ip) if !private && !is_public(ip) => Err(NOT_PUBLIC.to_owned()),
            _ => Ok(self),
        }
    }

    /// The addresses to connect to: the host's, public ones only unless
    /// `private`. Checked after resolution and connected to as checked, so
    /// a name cannot be made to point inward between the two.
    async fn addresses(&self, private: bool) -> Result<Vec<SocketAddr>, Failure> {
        let resolved = tokio::net::lookup_host((self.host.as_str(), self.port))
            .await
            .map_err(|e| failed(format!("resolving {}: {e}", self.authority)))?;
        let allowed: Vec<SocketAddr> = resolved
            .filter(|addr| private || is_public(addr.ip()))
            .collect();
        if allowed.is_empty() {
            return Err(failed(format!("{}: {NOT_PUBLIC}", self.authority)));
        }
        Ok(allowed)
    }
}

const NOT_PUBLIC: &str = "not a public address (loopback, private, link-local and the like are \
     refused unless the service allows them: --webhook-private)";

/// Whether an address is on the public internet.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                // Shared address space (RFC 6598) and benchmarking (RFC 2544).
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 224)
        }
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

/// Whether an IPv6 address is on the public internet. A form that carries
/// an IPv4 address (mapped, translated, NAT64, 6to4) is as public as that
/// address; the forms that reach an IPv4 host some other way, or a range
/// never routed publicly, are refused.
fn is_public_v6(v6: Ipv6Addr) -> bool {
    let s = v6.segments();
    let v4 = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        is_public(IpAddr::V4(Ipv4Addr::new(a, b, c, d)))
    };
    match s {
        // IPv4-mapped (::ffff:0:0/96) and IPv4-translated (::ffff:0:0:0/96).
        [0, 0, 0, 0, 0, 0xffff, hi, lo] | [0, 0, 0, 0, 0xffff, 0, hi, lo] => v4(hi, lo),
        // NAT64, the well-known prefix (64:ff9b::/96).
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => v4(hi, lo),
        // 6to4 (2002::/16): the IPv4 address of the relay's far side.
        [0x2002, hi, lo, ..] => v4(hi, lo),
        // IPv4-compatible (::/96, deprecated), and with it :: and ::1.
        [0, 0, 0, 0, 0, 0, _, _] => false,
        // NAT64 for local use (64:ff9b:1::/48), discard-only (100::/64).
        [0x64, 0xff9b, 1, ..] | [0x100, 0, 0, 0, ..] => false,
        // Teredo (2001::/32), benchmarking (2001:2::/48), ORCHID
        // (2001:10::/28, 2001:20::/28), documentation (2001:db8::/32).
        [0x2001, 0, ..] | [0x2001, 2, 0, ..] | [0x2001, 0x0db8, ..] => false,
        [0x2001, second, ..] if (0x10..0x30).contains(&second) => false,
        // Unique local (fc00::/7), link-local (fe80::/10), site-local
        // (fec0::/10, deprecated), multicast (ff00::/8).
        [first, ..] => {
            (first & 0xfe00) != 0xfc00
                && (first & 0xffc0) != 0xfe80
                && (first & 0xffc0) != 0xfec0
                && (first & 0xff00) != 0xff00
        }
    }
}

/// An HTTP/1.1 client of one receiver, keeping its connection open between
/// events while the receiver does.
struct Client {
    target: Target,
    /// Whether non-public addresses may be reached.
    private: bool,
    /// Made at the first https connection.
    tls: Option<TlsConnector>,
    kept: Option<SendRequest<Full<Bytes>>>,
}

impl Client {
    /// Sends one event; the receiver's status, or why there is none.
    async fn post(&mut self, delivery: &Delivery) -> Result<StatusCode, Failure> {
        match tokio::time::timeout(ATTEMPT_TIMEOUT, self.exchange(delivery)).await {
            Ok(answer) => answer,
            Err(_) => {
                self.kept = None;
                Err(failed(format!(
                    "no answer within {} s",
                    ATTEMPT_TIMEOUT.as_secs()
                )))
            }
        }
    }

    async fn exchange(&mut self, delivery: &Delivery) -> Result<StatusCode, Failure> {
        // A kept connection may have been closed by the receiver since; the
        // event then goes on a new one. (If it had in fact arrived, it
        // arrives twice, which at-least-once allows.)
        if let Some(kept) = self.kept.take()
            && let Ok(status) = self.round_trip(kept, self.request(delivery)?).await
        {
            return Ok(status);
        }
        let sender = self.connect().await?;
        self.round_trip(sender, self.request(delivery)?)
            .await
            .map_err(|e| {
                failed(format!(
                    "sending to {}: {}",
                    self.target.authority,
                    chain(&e)
                ))
            })
    }

    async fn round_trip(
        &mut self,
        mut sender: SendRequest<Full<Bytes>>,
        request: Request<Full<Bytes>>,
    ) -> Result<StatusCode, hyper::Error> {
        sender.ready().await?;
        let answer = sender.send_request(request).await?;
        let status = answer.status();
        if Limited::new(answer.into_body(), MAX_ANSWER)
            .collect()
            .await
            .is_ok()
        {
            self.kept = Some(sender);
        }
        Ok(status)
    }

    fn request(&self, delivery: &Delivery) -> Result<Request<Full<Bytes>>, Failure> {
        // Each attempt is signed at its own time: receivers refuse an old one.
        let timestamp = (now_ms() / 1000).to_string();
        Request::post(self.target.path.as_str())
            .header(header::HOST, self.target.authority.as_str())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::USER_AGENT, USER_AGENT)
            .header(EVENT, delivery.kind)
            .header(DELIVERY, delivery.id.as_str())
            .header(SIGNATURE, delivery.signature.as_str())
            .header(WEBHOOK_ID, delivery.id.as_str())
            .header(WEBHOOK_TIMESTAMP, timestamp.as_str())
            .header(WEBHOOK_SIGNATURE, delivery.standard_signature(&timestamp))
            .body(Full::new(delivery.body.clone()))
            .map_err(|e| failed(format!("building the request: {e}")))
    }

    async fn connect(&mut self) -> Result<SendRequest<Full<Bytes>>, Failure> {
        let target = &self.target;
        let addresses = target.addresses(self.private).await?;
        let tcp = TcpStream::connect(addresses.as_slice())
            .await
            .map_err(|e| failed(format!("connecting to {}: {e}", target.authority)))?;
        // Each event is one small write; waiting to fill a packet only adds latency.
        let _ = tcp.set_nodelay(true);
        if !target.tls {
            return handshake(tcp).await;
        }
        let name = ServerName::try_from(target.host.clone())
            .map_err(|e| failed(format!("TLS with {}: {e}", target.authority)))?;
        let tls = match &self.tls {
            Some(tls) => tls.clone(),
            None => {
                let tls = tls_connector()
                    .map_err(|e| failed(format!("TLS with {}: {e}", target.authority)))?;
                self.tls.insert(tls).clone()
            }
        };
        let stream = tls
            .connect(name, tcp)
            .await
            .map_err(|e| failed(format!("TLS with {}: {e}", self.target.authority)))?;
        handshake(stream).await
    }
}

const USER_AGENT: &str = concat!("deconflict/", env!("CARGO_PKG_VERSION"));
const EVENT: header::HeaderName = header::HeaderName::from_static("deconflict-event");
const DELIVERY: header::HeaderName = header::HeaderName::from_static("deconflict-delivery");
const SIGNATURE: header::HeaderName = header::HeaderName::from_static("deconflict-signature");
const WEBHOOK_ID: header::HeaderName = header::HeaderName::from_static("webhook-id");
const WEBHOOK_TIMESTAMP: header::HeaderName = header::HeaderName::from_static("webhook-timestamp");
const WEBHOOK_SIGNATURE: header::HeaderName = header::HeaderName::from_static("webhook-signature");

/// HTTP/1.1 over `io`; the connection's own task does the I/O and ends
/// when the sender is dropped or the receiver closes it.
async fn handshake<S>(io: S) -> Result<SendRequest<Full<Bytes>>, Failure>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| failed(format!("HTTP handshake: {}", chain(&e))))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "a webhook connection ended");
        }
    });
    Ok(sender)
}

/// TLS 1.2 and 1.3 with ring, checking receivers against Mozilla's roots.
fn tls_connector() -> Result<TlsConnector, rustls::Error> {
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// An error and its causes, on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "::1",
            "::",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            // Every IPv6 form of a non-public IPv4 address.
            "::ffff:127.0.0.1",
            "::ffff:0:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::7f00:1",
            "2002:7f00:1::",
            "2002:a00:1::1",
            "2002:c0a8:1::",
            // IPv4-compatible, NAT64 for local use, Teredo, site-local,
            // documentation, discard, benchmarking, ORCHID.
            "::7f00:1",
            "::8.8.8.8",
            "64:ff9b:1::a00:1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "fec0::1",
            "2001:db8::1",
            "100::1",
            "2001:2::1",
            "2001:10::1",
            "2001:20::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2a00:1450:4001:81c::200e",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn urls_are_http_or_https_with_a_host() {
        let target = Target::parse("https://hooks.example.org/in?party=7").unwrap();
        assert_eq!(
            target,
            Target {
                tls: true,
                host: "hooks.example.org".into(),
                port: 443,
                authority: "hooks.example.org".into(),
                path: "/in?party=7".into(),
            }
        );
        let target = Target::parse("http://[::1]:8080").unwrap();
        assert_eq!((target.host.as_str(), target.port), ("::1", 8080));
        assert_eq!(
            (target.authority.as_str(), target.path.as_str()),
            ("[::1]:8080", "/")
        );
        assert_eq!(Target::parse("http://10.1.2.3/x").unwrap().port, 80);
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL));
        for bad in [
            "",
            "example.org/hook",
            "/hook",
            "ftp://example.org/",
            "https://",
            "https:///hook",
            "https://user:secret@example.org/",
            "https://exa mple.org/",
            long.as_str(),
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_the_body() {
        // The zero-padded key gives the MAC under the secret itself.
        let secret = [0x0b; 32];
        let body = b"{\"seq\":1}";
        let mut reference = Hmac::<Sha256>::new_from_slice(&secret).unwrap();
        reference.update(body);
        let expected: [u8; 32] = reference.finalize().into_bytes().into();
        assert_eq!(sign(&secret, &[body]), expected);
        // What the Python check in the module docs computes for them.
        assert_eq!(
            to_hex(&expected),
            "15f4e0f5a804d5c0a3d33df25e6aa923048bb7d20a40e9fcf68b9d83a8de4655"
        );
    }

    #[test]
    fn the_backoff_doubles_up_to_five_minutes() {
        let first = Duration::from_secs(1);
        let waits: Vec<u64> = (1..=11).map(|n| backoff(first, n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(backoff(first, u32::MAX), MAX_BACKOFF);
    }
}
