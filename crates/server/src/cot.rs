//! Cursor-on-Target: TAK clients' positions in, their party's alerts out.
//!
//! A TCP listener (TLS when the service has a certificate) reads the CoT
//! events TAK clients stream, back to back (see `deconflict_cot`).
//!
//! - **Authentication.** A connection acts as one credential: over TLS, the
//!   one a device's client certificate is bound to (issued by the device
//!   CA at enrolment, see `crate::devices`: a stock TAK client needs nothing
//!   else); else the port's own when one is configured (`--cot-token`);
//!   else the first event carrying
//!   `<detail><__deconflict token="dcf_..."/></detail>`. Positions before
//!   that are dropped; a certificate or token that is unknown or revoked
//!   closes the connection, and counts as a failed authentication of the
//!   client's address (shared with HTTP: after too many, the address's new
//!   connections are closed at once; see `auth.rs`). A certificate the
//!   device CA did not sign fails the handshake. Every batch looks the
//!   credential up again, as HTTP does each request, so nothing is recorded
//!   after a revocation; and the connection is closed within a moment of
//!   its credential being revoked or removed (see `crate::revocation`).
//! - **Limits.** A connection must authenticate within
//!   [`crate::Config::cot_auth_timeout`] of being accepted (its TLS
//!   handshake included) and then send an event (a ping counts) at least
//!   every [`crate::Config::cot_idle_timeout`], or it is closed. At most
//!   [`crate::Config::cot_max_connections`] are open at once, and
//!   [`crate::Config::cot_max_per_address`] from one address; one more is
//!   closed as soon as it is accepted. Each credential's events go through
//!   a token bucket on the terms of HTTP's rate limit (a bucket of its own,
//!   so that a TAK feed does not eat its party's HTTP requests): events
//!   beyond it are dropped and counted, never queued. What is refused,
//!   closed or dropped is counted in `/metrics`.
//! - **Accepting** never stops for an error: the listener waits and tries
//!   again, and `/healthz` answers 503 meanwhile (see `crate::listen`).
//! - **Positions.** An event's `uid` names the tracked unit declared with
//!   that `tracking.cot_uid` by the credential's party; `<point>`, `time`
//!   and `<track speed course>` make a track report. Reports are batched
//!   per connection, at most [`BATCH_WAIT`] or [`BATCH_MAX`] reports, into
//!   one `Track` command: one log entry, so alerts follow within
//!   milliseconds. A report the log would refuse (a field out of range, a
//!   unit farther than it could have gone) is dropped alone, not with its
//!   batch.
//! - **Keep-alive.** A `t-x-c-t` ping is answered with `t-x-c-t-r` (unless
//!   the client has stopped reading what it is sent: answers are dropped
//!   rather than queued without bound).
//! - **Malformed input** is counted (`deconflict_cot_events_total`), logged
//!   and skipped; it never stops the stream.
//! - **Alerts back.** Once authenticated, the connection also receives its
//!   party's alerts (a unit in a hazard, an attack nearby) as CoT spot
//!   markers over the alert's coarse area; writing one records the conflict
//!   delivered to the party, as the event stream does.
//! - **Check fire as an emergency.** A stop that held the party's activities
//!   arrives as a TAK emergency alert (`b-a-o-tbl`, the "911" every client
//!   sounds) over the party's own activities it held (never the stop's own
//!   area, which is its raiser's), and again with each reminder under the
//!   same uid, until the party acknowledges or the stop is lifted, which
//!   cancel it (`b-a-o-can`). Its raiser's connections get it over the
//!   stop's area.

use crate::auth::{actor_of, address_key};
use crate::metrics::{CotClose, CotOutcome, Refusal};
use crate::state::AppState;
use crate::tls::ServerConfig;
use deconflict_cot::{Emergency, Marker, Shape, Splitter};
use deconflict_model::{Actor, Command, Position, SideView, TrackReport};
use deconflict_service::events::{Alert, StopChange, What};
use deconflict_service::{End, Lease};
use deconflict_service::{Lane, Subscription, now_ms};
use deconflict_store::{Credential, StoreError};
use deconflict_wire::time;
use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;
use tokio_rustls::rustls::pki_types::CertificateDer;

/// How long a connection gathers reports before they go to the log.
pub const BATCH_WAIT: Duration = Duration::from_millis(20);
/// The most reports one batch holds.
pub const BATCH_MAX: usize = 2_000;
/// How long an alert marker stays on a client's map without an update.
const MARKER_LIFE_MS: i64 = 60 * 60 * 1000;
/// How long a device's failed event subscription waits before it is taken
/// up again.
const RESUME_AFTER: Duration = Duration::from_secs(1);
/// How often a device's sites are compared with the log's, once it has
/// moved on.
const SITES_REFRESH: Duration = Duration::from_secs(2);
/// How long what is left to write to a closing connection may take.
const WRITE_OUT: Duration = Duration::from_secs(1);

/// Serves Cursor-on-Target on `listener` (over TLS if `tls` is given)
/// until `shutdown` resolves or the service stops. `port_token`
/// authenticates every connection. Accept errors are waited out (see the
/// module docs), so this only returns `Ok`.
pub async fn serve_cot(
    mut listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    state: AppState,
    port_token: Option<String>,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let port_token: Option<Identity> = port_token.map(|t| Identity::Token(t.into()));
    let health = state.listeners().add();
    let mut stopping = state.stopping();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = crate::listen::accept(&mut listener, "cot", Some(&health)) => accepted,
            () = &mut shutdown => return Ok(()),
            _ = stopping.wait_for(|stop| *stop) => return Ok(()),
        };
        let metrics = state.metrics();
        if state.failures().check(peer.ip()).is_err() {
            metrics.refused(Refusal::CotFailures);
            tracing::debug!(%peer, "CoT connection closed: its address failed to authenticate too often");
            continue;
        }
        let slot = match state.cot_connections().admit(&state, peer.ip()) {
            Ok(slot) => slot,
            Err(why) => {
                metrics.refused(why);
                tracing::debug!(%peer, ?why, "CoT connection closed: as many are open as allowed");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (state, acceptor, token) = (state.clone(), acceptor.clone(), port_token.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let deadline = Instant::now() + state.config().cot_auth_timeout;
            let result = match acceptor {
                Some(acceptor) => {
                    match tokio::time::timeout_at(deadline, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            // A device's certificate, the TLS handshake having
                            // checked it against the device CA, names it first.
                            let device = tls
                                .get_ref()
                                .1
                                .peer_certificates()
                                .and_then(|chain| chain.first())
                                .map(|leaf| Identity::Device(leaf.clone().into_owned()));
                            let given = device.or(token);
                            connection(tls, state, given, peer, deadline).await
                        }
                        Ok(Err(e)) => Err(e),
                        Err(_) => {
                            state.metrics().cot_closed(CotClose::AuthTimeout);
                            Err(ErrorKind::TimedOut.into())
                        }
                    }
                }
                None => connection(stream, state, token, peer, deadline).await,
            };
            match result {
                Ok(()) => tracing::debug!(%peer, "CoT connection closed"),
                Err(e) => tracing::info!(%peer, error = %e, "CoT connection ended"),
            }
        });
    }
}

/// The Cursor-on-Target connections open, in all and by address, the
/// channel on which each party's devices hear each other's positions, and
/// the sites they draw, shared.
#[derive(Debug, Default)]
pub(crate) struct Connections(Mutex<Open>, Relay, crate::picture::SharedSites);

/// One channel a party: a position one of its devices reports is relayed
/// to its other devices, as a TAK server relays positions within a group,
/// and to no other party's.
#[derive(Debug, Default)]
struct Relay {
    channels: Mutex<HashMap<String, broadcast::Sender<Relayed>>>,
    next_connection: AtomicU64,
}

/// A position to relay, and the connection it came from (not sent back).
#[derive(Debug, Clone)]
struct Relayed {
    from: u64,
    event: Arc<str>,
}

/// Positions a slow device may fall behind by before it misses some.
const RELAY_BACKLOG: usize = 1024;

impl Relay {
    fn channel(&self, party: &str) -> broadcast::Sender<Relayed> {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        channels
            .entry(party.to_owned())
            .or_insert_with(|| broadcast::channel(RELAY_BACKLOG).0)
            .clone()
    }
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

impl Connections {
    /// The sites devices draw, computed once for all those shown the same.
    fn sites(&self) -> &crate::picture::SharedSites {
        &self.2
    }

    /// A number for a new connection, to tell its own relayed positions.
    fn number(&self) -> u64 {
        self.1.next_connection.fetch_add(1, Ordering::Relaxed)
    }

    /// Relays a position of `party`'s device to its other devices.
    fn relay(&self, party: &str, from: u64, event: String) {
        // None listening is no error: the device is the party's only one.
        let _ = self.1.channel(party).send(Relayed {
            from,
            event: event.into(),
        });
    }

    /// Sends `party`'s relayed positions, but connection `own`'s, to
    /// `to_client` until it closes.
    fn relaying(
        &self,
        party: &str,
        own: u64,
        to_client: mpsc::Sender<String>,
    ) -> tokio::task::JoinHandle<()> {
        let mut heard = self.1.channel(party).subscribe();
        tokio::spawn(async move {
            loop {
                match heard.recv().await {
                    Ok(r) if r.from == own => {}
                    Ok(r) => {
                        if to_client.send(r.event.to_string()).await.is_err() {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        })
    }

    /// How many are open now.
    pub(crate) fn open(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).total
    }

    /// A place for one more connection from `ip`, or why there is none.
    fn admit(&self, state: &AppState, ip: IpAddr) -> Result<Slot, Refusal> {
        let config = state.config();
        let key = address_key(ip);
        let mut open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if open.total >= config.cot_max_connections {
            return Err(Refusal::Cot);
        }
        let from = open.by_address.entry(key).or_default();
        if *from >= config.cot_max_per_address {
            return Err(Refusal::CotAddress);
        }
        *from += 1;
        open.total += 1;
        Ok(Slot {
            state: state.clone(),
            key,
        })
    }
}

/// One open connection's place, given back when dropped.
struct Slot {
    state: AppState,
    key: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let connections = self.state.cot_connections();
        let mut open = connections.0.lock().unwrap_or_else(PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        if let Some(from) = open.by_address.get_mut(&self.key) {
            *from = from.saturating_sub(1);
            if *from == 0 {
                open.by_address.remove(&self.key);
            }
        }
    }
}

/// A position report waiting for its batch: the uid it came under.
struct Pending {
    uid: String,
    time_ms: i64,
    position: Position,
}

/// What a connection acts as, looked up again for every batch.
#[derive(Clone)]
enum Identity {
    /// A token: the port's, or the first a client's event carried.
    Token(Arc<str>),
    /// The certificate the device connected with.
    Device(CertificateDer<'static>),
}

impl Identity {
    /// The credential it acts as, unless it is unknown or revoked.
    async fn credential(&self, state: &AppState) -> Result<Option<Credential>, StoreError> {
        match self {
            Identity::Token(token) => state.authenticate(token).await,
            Identity::Device(certificate) => state.devices().credential(certificate).await,
        }
    }
}

/// One client's connection, until it closes; it must authenticate by
/// `deadline`, unless it is `given` an identity at once.
async fn connection<S>(
    stream: S,
    state: AppState,
    given: Option<Identity>,
    peer: SocketAddr,
    deadline: Instant,
) -> std::io::Result<()>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut reader, writer) = tokio::io::split(stream);
    let (to_client, outgoing) = mpsc::channel::<String>(256);
    let mut writing = tokio::spawn(write_all(writer, outgoing));
    let number = state.cot_connections().number();
    let mut conn = Connection {
        state,
        peer,
        actor: None,
        identity: None,
        lease: None,
        alerts: None,
        number,
        relaying: None,
        splitter: Splitter::new(),
        batch: Vec::new(),
        due: None,
        deadline,
        to_client,
    };
    let outcome = match given {
        Some(identity @ Identity::Device(_)) => conn.authenticate(identity, true).await,
        Some(identity @ Identity::Token(_)) => conn.authenticate(identity, false).await,
        None => Ok(()),
    };
    let mut buf = vec![0u8; 16 * 1024];
    let outcome = match outcome {
        Err(e) => Err(e),
        Ok(()) => loop {
            let (due, deadline) = (conn.due, conn.deadline);
            tokio::select! {
                read = reader.read(&mut buf) => match read {
                    Ok(0) => break Ok(()),
                    Ok(n) => {
                        conn.splitter.push(&buf[..n]);
                        if let Err(e) = conn.drain().await {
                            break Err(e);
                        }
                    }
                    Err(e) => break Err(e),
                },
                () = sleep_until(due) => if let Err(e) = conn.flush().await {
                    break Err(e);
                },
                () = tokio::time::sleep_until(deadline) => {
                    let (why, what) = match conn.actor {
                        None => (CotClose::AuthTimeout, "no authenticated event in time"),
                        Some(_) => (CotClose::Idle, "no event in time"),
                    };
                    conn.state.metrics().cot_closed(why);
                    break Err(std::io::Error::new(ErrorKind::TimedOut, what));
                }
                end = lease_end(&mut conn.lease) => match end {
                    End::Revoked => {
                        conn.state.metrics().cot_closed(CotClose::Revoked);
                        break Err(revoked());
                    }
                    End::Stopping => break Ok(()),
                },
            }
        },
    };
    // What was read before the end goes to the log, unless the credential
    // is no longer valid (the flush looks it up again).
    if outcome.is_ok() {
        conn.splitter.finish();
        let _ = conn.drain().await;
        let _ = conn.flush().await;
    }
    for task in [conn.alerts.take(), conn.relaying.take()]
        .into_iter()
        .flatten()
    {
        task.abort();
    }
    drop(conn);
    if tokio::time::timeout(WRITE_OUT, &mut writing).await.is_err() {
        writing.abort();
    }
    outcome
}

/// A device's position as relayed to its party's other devices: its uid,
/// type, callsign and place, written anew, so that nothing else it carried
/// (its token above all) goes on.
fn relayed(event: &deconflict_cot::Event) -> String {
    let callsign = event
        .contact
        .as_ref()
        .map_or(event.uid.as_str(), |c| c.callsign.as_str());
    deconflict_cot::symbol(&deconflict_cot::Symbol {
        uid: &event.uid,
        kind: &event.kind,
        callsign,
        remarks: event.remarks.as_deref().unwrap_or_default(),
        lat: event.point.lat,
        lon: event.point.lon,
        ce: event.point.ce,
        time_ms: event.time_ms,
        stale_ms: event.stale_ms,
    })
}

/// Resolves when the lease, if there is one yet, ends.
async fn lease_end(lease: &mut Option<Lease>) -> End {
    match lease {
        Some(lease) => lease.end().await,
        None => std::future::pending().await,
    }
}

fn revoked() -> std::io::Error {
    std::io::Error::new(
        ErrorKind::PermissionDenied,
        "the credential is revoked or removed",
    )
}

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

async fn write_all<W: AsyncWrite>(writer: W, mut outgoing: mpsc::Receiver<String>) {
    tokio::pin!(writer);
    while let Some(message) = outgoing.recv().await {
        if writer.write_all(message.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = writer.shutdown().await;
}

struct Connection {
    state: AppState,
    peer: SocketAddr,
    actor: Option<Actor>,
    /// What the connection authenticated with, looked up again for every
    /// batch.
    identity: Option<Identity>,
    /// Ends when the credential is revoked or the service stops.
    lease: Option<Lease>,
    alerts: Option<tokio::task::JoinHandle<()>>,
    /// This connection's number, and the task relaying its party's other
    /// devices' positions to it.
    number: u64,
    relaying: Option<tokio::task::JoinHandle<()>>,
    splitter: Splitter,
    batch: Vec<Pending>,
    /// When the batch must go to the log.
    due: Option<Instant>,
    /// When the connection is closed unless it authenticates (before) or
    /// sends an event (after).
    deadline: Instant,
    to_client: mpsc::Sender<String>,
}

impl Connection {
    /// Handles every complete event read so far.
    async fn drain(&mut self) -> std::io::Result<()> {
        while let Some(item) = self.splitter.next() {
            let state = self.state.clone();
            let metrics = state.metrics();
            let bytes = match item {
                Ok(bytes) => bytes,
                Err(skipped) => {
                    metrics.cot(CotOutcome::Malformed, 1);
                    tracing::debug!(?skipped, "CoT input skipped");
                    continue;
                }
            };
            let event = match deconflict_cot::parse(&bytes) {
                Ok(event) => event,
                Err(e) => {
                    metrics.cot(CotOutcome::Malformed, 1);
                    tracing::debug!(error = %e, "CoT event skipped");
                    continue;
                }
            };
            if self.actor.is_none()
                && let Some(token) = &event.token
            {
                self.authenticate(Identity::Token(token.as_str().into()), true)
                    .await?;
            }
            if let Some(actor) = &self.actor {
                if state.cot_limiter().take(&actor.credential_id).is_err() {
                    metrics.cot(CotOutcome::RateLimited, 1);
                    continue;
                }
                self.deadline = Instant::now() + state.config().cot_idle_timeout;
            }
            if event.is_ping() {
                metrics.cot(CotOutcome::Ping, 1);
                let pong = deconflict_cot::pong(&event.uid, now_ms());
                // A client that does not read its answers gets no more.
                let _ = self.to_client.try_send(pong);
                continue;
            }
            if self.actor.is_none() {
                metrics.cot(CotOutcome::Dropped, 1);
                continue;
            }
            if let Some(actor) = &self.actor {
                let relayed = relayed(&event);
                state
                    .cot_connections()
                    .relay(&actor.party, self.number, relayed);
            }
            self.batch.push(Pending {
                uid: event.uid,
                time_ms: event.time_ms,
                position: Position {
                    lat: event.point.lat,
                    lon: event.point.lon,
                    hae: event.point.hae,
                    ce_m: event.point.ce,
                    speed_mps: event.track.map(|t| t.speed),
                    course_deg: event.track.map(|t| t.course),
                },
            });
            if self.batch.len() >= BATCH_MAX {
                self.flush().await?;
            } else if self.due.is_none() {
                self.due = Some(Instant::now() + BATCH_WAIT);
            }
        }
        Ok(())
    }

    /// Takes the credential of `identity`, and starts sending its alerts.
    /// A refused identity the client gave (`by_client`, not the port's
    /// token) counts against its address.
    async fn authenticate(&mut self, identity: Identity, by_client: bool) -> std::io::Result<()> {
        let refused = || {
            std::io::Error::new(
                ErrorKind::PermissionDenied,
                "unknown or revoked token or certificate",
            )
        };
        let credential = match identity.credential(&self.state).await {
            Ok(Some(credential)) => credential,
            Ok(None) => {
                self.state.metrics().auth_failure();
                if by_client {
                    self.state.failures().failed(self.peer.ip());
                }
                return Err(refused());
            }
            Err(e) => {
                tracing::error!(error = %e, "looking up a CoT client's credential");
                return Err(refused());
            }
        };
        let actor = actor_of(credential);
        tracing::info!(party = %actor.party, credential = %actor.credential_id, "CoT client authenticated");
        self.lease = Some(self.state.lease(&actor.credential_id));
        self.alerts = Some(tokio::spawn(send_alerts(
            self.state.clone(),
            actor.clone(),
            self.to_client.clone(),
        )));
        self.relaying = Some(self.state.cot_connections().relaying(
            &actor.party,
            self.number,
            self.to_client.clone(),
        ));
        self.actor = Some(actor);
        self.identity = Some(identity);
        self.deadline = Instant::now() + self.state.config().cot_idle_timeout;
        Ok(())
    }

    /// Sends the batch to the log as one `Track` command, if the token is
    /// still valid; an error once it is not.
    async fn flush(&mut self) -> std::io::Result<()> {
        self.due = None;
        let (Some(actor), Some(identity), false) =
            (&self.actor, &self.identity, self.batch.is_empty())
        else {
            return Ok(());
        };
        let batch = std::mem::take(&mut self.batch);
        let still = identity.credential(&self.state).await;
        if !matches!(&still, Ok(Some(c)) if c.id == actor.credential_id) {
            self.state
                .metrics()
                .cot(CotOutcome::Dropped, batch.len() as u64);
            if let Err(e) = still {
                tracing::error!(error = %e, "looking up a CoT client's credential");
                return Ok(());
            }
            return Err(revoked());
        }
        let batch_len = batch.len();
        let gathered = batch_len as u64;
        let mut taken = 0u64;
        let plan = |state: &deconflict_model::State| {
            let now = now_ms();
            let reports: Vec<TrackReport> = batch
                .into_iter()
                .filter_map(|p| {
                    let report = TrackReport {
                        declaration: state.unit_by_cot_uid(&actor.party, &p.uid)?,
                        time_ms: p.time_ms,
                        position: p.position,
                    };
                    // Its fields, and that the unit could be there.
                    let fits = state.check_report(&actor.party, &report, now).is_ok();
                    fits.then_some(report)
                })
                .collect();
            taken = reports.len() as u64;
            if reports.is_empty() {
                Vec::new()
            } else {
                vec![Command::Track { reports }]
            }
        };
        let metrics = self.state.metrics();
        let lane = Lane::for_reports(batch_len);
        match self.state.transact_in(lane, actor, plan, |_, _| ()).await {
            Ok((results, ())) if results.iter().all(Result::is_ok) => {
                metrics.cot(CotOutcome::Position, taken);
                metrics.cot(CotOutcome::Dropped, gathered - taken);
            }
            Ok((results, ())) => {
                metrics.cot(CotOutcome::Dropped, gathered);
                for refused in results.into_iter().filter_map(Result::err) {
                    tracing::warn!(error = %refused, party = %actor.party, "CoT batch refused");
                }
            }
            Err(e) => {
                metrics.cot(CotOutcome::Dropped, gathered);
                tracing::warn!(error = %e, "CoT batch not recorded");
            }
        }
        Ok(())
    }
}

/// Sends `actor`'s party its picture ([`crate::picture`]), then its
/// alerts as drawn areas (an attack's place as a marker), the coarse areas
/// of the conflicts it is told of, its stops as emergencies and its
/// activities as they change, from the log's end on; and its sites as they
/// change.
async fn send_alerts(state: AppState, actor: Actor, to_client: mpsc::Sender<String>) {
    let subscription = Subscription::from_now(state.service().clone(), actor.clone());
    // What the device draws to begin with; what changes from now on comes
    // through the subscription, and the sites' redraws.
    let shared = state.cot_connections().sites();
    let Ok((sites, activities)) = state
        .read(|s| (shared.of(s, &actor), s.activities(&actor)))
        .await
    else {
        return;
    };
    for drawing in crate::picture::picture(&actor, &sites, &activities, now_ms()) {
        if to_client.send(drawing).await.is_err() {
            return;
        }
    }
    // Each goes on while the other may have stopped (a subscription ends
    // with the service); the connection aborts both when it closes.
    tokio::join!(
        send_events(&state, &actor, &to_client, subscription),
        redraw_sites(&state, &actor, &to_client, sites),
    );
}

/// The subscription's events a device draws, until the client is gone or
/// the subscription ends; one that fails (the log unreadable for a moment)
/// is taken up again where it stood, so the device misses nothing.
async fn send_events(
    state: &AppState,
    actor: &Actor,
    to_client: &mpsc::Sender<String>,
    mut subscription: Subscription,
) {
    loop {
        while let Some(events) = subscription.next_batch().await {
            if !draw_events(state, actor, to_client, &subscription, events).await {
                return;
            }
        }
        if subscription.ended() {
            return;
        }
        tracing::warn!(party = %actor.party, "a CoT connection's events failed; resuming");
        tokio::time::sleep(RESUME_AFTER).await;
        subscription = Subscription::new(
            state.service().clone(),
            actor.clone(),
            subscription.cursor(),
        );
    }
}

/// Sends the events of one batch a device draws; `false` once the client is
/// gone.
async fn draw_events(
    state: &AppState,
    actor: &Actor,
    to_client: &mpsc::Sender<String>,
    subscription: &Subscription,
    events: Vec<deconflict_service::Event>,
) -> bool {
    let alerts: Vec<_> = events
        .into_iter()
        .filter(|e| {
            matches!(
                e.what,
                What::Alert(_) | What::Stop { .. } | What::Conflict { .. } | What::Activity(_)
            )
        })
        .collect();
    for event in &alerts {
        let written = match &event.what {
            What::Alert(alert) => marker(event.seq, alert),
            What::Stop { change, stop } => stop_emergency(state, actor, *change, stop).await,
            What::Conflict { change, conflict } => conflict_area(*change, conflict),
            What::Activity(view) => crate::picture::activity_change(actor, view, now_ms()),
            _ => None,
        };
        let Some(written) = written else {
            continue;
        };
        if to_client.send(written).await.is_err() {
            return false;
        }
    }
    subscription.delivered(&alerts).await;
    true
}

/// Every [`SITES_REFRESH`], draws again the party's sites that changed, and
/// takes off those gone (see [`crate::picture::Sites`]), until the client is
/// gone. The sites are its audience's, shared (see
/// [`crate::picture::SharedSites`]): the same ones as last time while the log
/// has not moved or for a moment after, so nothing to compare. A state that cannot be read now is
/// tried again at the next tick.
async fn redraw_sites(
    state: &AppState,
    actor: &Actor,
    to_client: &mpsc::Sender<String>,
    mut sites: Arc<crate::picture::Sites>,
) {
    let shared = state.cot_connections().sites();
    let mut tick = tokio::time::interval(SITES_REFRESH);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        let Ok(next) = state.read(|s| shared.of(s, actor)).await else {
            continue;
        };
        if Arc::ptr_eq(&sites, &next) {
            continue;
        }
        for drawing in sites.changes(&next, now_ms()) {
            if to_client.send(drawing).await.is_err() {
                return;
            }
        }
        sites = next;
    }
}

/// A stop as a TAK emergency over what the party may see of it: its own
/// activities the stop held, or, to its raiser, the stop's area.
async fn stop_emergency(
    state: &AppState,
    actor: &Actor,
    change: StopChange,
    stop: &deconflict_model::StopView,
) -> Option<String> {
    let cancel = matches!(change, StopChange::Acknowledged | StopChange::Lifted);
    let bounds = match &stop.detail {
        Some(detail) => {
            let spec = deconflict_model::VolumeSpec {
                geometry: detail.geometry.clone(),
                buffer_m: detail.buffer_m,
                altitude_m: [0.0, 0.0],
                from_ms: stop.raised_ms,
                to_ms: Some(stop.until_ms),
            };
            spec.to_volume()?.bounds()
        }
        None => {
            let held = stop.held.clone();
            let boxes = state
                .read(|s| {
                    held.iter()
                        .filter_map(|id| s.activity(actor, id).ok())
                        .filter_map(|a| a.volume.to_volume())
                        .map(|v| v.bounds())
                        .collect::<Vec<_>>()
                })
                .await
                .ok()?;
            boxes.into_iter().reduce(|[w, s, e, n], [w2, s2, e2, n2]| {
                [w.min(w2), s.min(s2), e.max(e2), n.max(n2)]
            })?
        }
    };
    let (centre, ce) = circle(bounds);
    let now = now_ms();
    let text = format!(
        "deconflict check fire {} ({}): {}",
        stop.id,
        stop.cause.as_str().replace('_', " "),
        match change {
            StopChange::Raised => "raised",
            StopChange::Held => "your activities are held",
            StopChange::Reminder => "your activities are held; acknowledge it",
            StopChange::Acknowledged => "acknowledged",
            StopChange::Lifted => "lifted",
        }
    );
    Some(deconflict_cot::emergency(&Emergency {
        uid: &format!("deconflict-stop-{}", stop.id),
        callsign: "CHECK FIRE",
        text: &text,
        lat: centre[1],
        lon: centre[0],
        ce: Some(ce),
        time_ms: now,
        stale_ms: stop.until_ms.max(now + 60_000),
        cancel,
    }))
}

/// The centre of a box and the radius, in metres, of a circle that holds
/// it whole: to its farthest corner (half the diagonal is not enough: the
/// box is wider on its side nearer the equator).
fn circle([w, s, e, n]: [f64; 4]) -> ([f64; 2], f64) {
    let centre = [(w + e) / 2.0, (s + n) / 2.0];
    let ce = [[w, s], [e, s], [e, n], [w, n]]
        .into_iter()
        .map(|corner| deconflict_geo4d::geodesic_m(centre, corner))
        .fold(0.0, f64::max);
    (centre, ce)
}

/// Red, as ATAK draws its own alerts: the outline opaque, the fill a
/// quarter.
const ALERT_STROKE: i32 = 0xFFFF_0000_u32 as i32;
const ALERT_FILL: i32 = 0x40FF_0000;
/// Amber for a conflict's area.
const CONFLICT_STROKE: i32 = 0xFFFF_A500_u32 as i32;
const CONFLICT_FILL: i32 = 0x40FF_A500;

/// An alert drawn over its coarse area, saying what it is about; an
/// attack whose report the party may read, as a marker at its place.
fn marker(seq: u64, alert: &Alert) -> Option<String> {
    let (bbox, what, until) = match alert {
        Alert::Conflict(conflict) => {
            let overlap = conflict.overlap.as_ref()?;
            let what = format!(
                "{} over your unit, {} (conflict {})",
                other_kind(conflict),
                window(overlap),
                conflict.id
            );
            (overlap.area.bbox(), what, overlap.window.to())
        }
        Alert::AttackNearby { area, .. } => {
            (area.bbox(), "attack reported nearby".to_owned(), None)
        }
        // A party that may read the report gets its place.
        Alert::Attack(incident) => {
            let geojson::GeometryValue::Point { coordinates: at } = &incident.spec.place.value
            else {
                return None;
            };
            let (lon, lat) = (*at.as_slice().first()?, *at.as_slice().get(1)?);
            return marker_at(seq, [lon, lat, lon, lat], "attack reported nearby", None);
        }
        Alert::LostUnit { .. } => return None,
    };
    let now = now_ms();
    Some(area(
        &format!("deconflict-alert-{seq}"),
        "DECONFLICT ALERT",
        &format!("deconflict alert: {what}"),
        bbox,
        (ALERT_STROKE, ALERT_FILL),
        until.unwrap_or(now + MARKER_LIFE_MS).max(now + 60_000),
    ))
}

/// A conflict the party is told of, drawn as the box of its overlap while
/// it stands; taken off the map when it is resolved.
fn conflict_area(
    change: deconflict_model::NoticeEvent,
    conflict: &deconflict_model::ConflictView,
) -> Option<String> {
    use deconflict_model::NoticeEvent;
    let uid = format!("deconflict-conflict-{}", conflict.id);
    match change {
        NoticeEvent::Opened => {
            let overlap = conflict.overlap.as_ref()?;
            let now = now_ms();
            let text = format!(
                "deconflict conflict {}: {} in this area, {}",
                conflict.id,
                other_kind(conflict),
                window(overlap)
            );
            Some(area(
                &uid,
                &format!("CONFLICT {}", other_kind(conflict).to_uppercase()),
                &text,
                overlap.area.bbox(),
                (CONFLICT_STROKE, CONFLICT_FILL),
                overlap
                    .window
                    .to()
                    .unwrap_or(now + MARKER_LIFE_MS)
                    .max(now + 60_000),
            ))
        }
        NoticeEvent::Resolved => Some(deconflict_cot::delete(
            &uid,
            deconflict_cot::RECTANGLE_TYPE,
            now_ms(),
        )),
        _ => None,
    }
}

/// What the other side of a conflict is, as far as the party is told.
fn other_kind(conflict: &deconflict_model::ConflictView) -> &str {
    match &conflict.sides[1] {
        SideView::Full { kind, .. }
        | SideView::Public { kind, .. }
        | SideView::Coarse { kind, .. } => kind.as_str(),
        SideView::CoordinatorWillContact => "hazard",
    }
}

fn window(overlap: &deconflict_model::Overlap) -> String {
    let (from, to) = (overlap.window.from(), overlap.window.to());
    format!(
        "{} to {}",
        time::format(from),
        to.map_or_else(|| "open".to_owned(), time::format)
    )
}

/// A box drawn as a TAK rectangle with its label.
fn area(
    uid: &str,
    callsign: &str,
    remarks: &str,
    [w, s, e, n]: [f64; 4],
    (stroke, fill): (i32, i32),
    stale_ms: i64,
) -> String {
    deconflict_cot::shape(&Shape {
        uid,
        kind: deconflict_cot::RECTANGLE_TYPE,
        callsign,
        remarks,
        vertices: &[[w, n], [e, n], [e, s], [w, s]],
        stroke,
        fill,
        time_ms: now_ms(),
        stale_ms,
    })
}

fn marker_at(seq: u64, bbox: [f64; 4], what: &str, until: Option<i64>) -> Option<String> {
    let now = now_ms();
    let (centre, ce) = circle(bbox);
    let text = format!("deconflict alert: {what}");
    Some(deconflict_cot::marker(&Marker {
        uid: &format!("deconflict-alert-{seq}"),
        callsign: "DECONFLICT ALERT",
        remarks: &text,
        lat: centre[1],
        lon: centre[0],
        ce: Some(ce),
        time_ms: now,
        stale_ms: until.unwrap_or(now + MARKER_LIFE_MS).max(now + 60_000),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use deconflict_model::{CoarseArea, DeclarationId};

    #[test]
    fn an_attack_nearby_is_drawn_as_its_whole_area_and_a_lost_unit_is_not_drawn() {
        let at = [44.1, 34.05, 44.1, 34.05];
        let area = CoarseArea::around_overlap(at, at);
        let alert = Alert::AttackNearby {
            from_ms: 0,
            to_ms: 1,
            area,
        };
        let drawn = marker(42, &alert).expect("an attack nearby is drawn");
        let event = deconflict_cot::parse(drawn.as_bytes()).expect("the drawing is CoT");
        assert_eq!(event.kind, deconflict_cot::RECTANGLE_TYPE);
        assert_eq!(event.uid, "deconflict-alert-42");
        // Its corners are the area's, which holds the attack's place.
        let [w, s, e, n] = area.bbox();
        for corner in [[n, w], [n, e], [s, e], [s, w]] {
            let link = format!("<link point=\"{:?},{:?}\"/>", corner[0], corner[1]);
            assert!(drawn.contains(&link), "{link} in {drawn}");
        }
        assert!(w <= at[0] && at[0] <= e && s <= at[1] && at[1] <= n);
        assert_eq!(
            event.remarks.as_deref(),
            Some("deconflict alert: attack reported nearby")
        );

        let lost = Alert::LostUnit {
            declaration: DeclarationId::parse("dec_00000000000a").expect("an id"),
            activity: None,
        };
        assert_eq!(
            super::marker(43, &lost),
            None,
            "the coordinator's alone, not a map's"
        );
    }
}
