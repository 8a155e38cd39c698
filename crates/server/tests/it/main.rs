//! The HTTP API, driven in-process: `app(state)` over a temporary data
//! directory, called with `tower::ServiceExt::oneshot`.
//!
//! - `api`: every endpoint's happy path;
//! - `refusals`: bad input, roles, tokens, limits — each answer problem+json
//!   naming the field;
//! - `need_to_know`: after the demo scenario, what each party's every
//!   response holds and never holds;
//! - `stories`: the demo's stories, told through the API;
//! - `replay`: a restart rebuilds the same state, and `as_of` replays it;
//! - `log`: the public log, its proofs, checkpoints and cosignatures;
//! - `limits`: what no object may be (a survey of all Iraq for twenty
//!   years up to 100 km, a unit at 3 km/s), and a policy that allows more;
//! - `live`: tracks, the event stream, alerts and deliveries;
//! - `webhooks`: registration, signed deliveries, retries, need-to-know;
//! - `hostile`: the record against a party that asks chosen questions;
//! - `probing`: a wide question and a bisection through the API: coarse
//!   answers, and the coordinator told;
//! - `side_channels`: what a party could learn of others' activity from
//!   the service's own routes, request ids and the other side of a conflict.
//! - `revocation`: a revoked credential's event stream, Cursor-on-Target
//!   connection and webhook end within a second;
//! - `connections`: on real sockets, the timeouts, caps and rate limits of
//!   Cursor-on-Target and HTTP connections, failed authentications limited
//!   per address, and a stop that does not wait for open streams;
//! - `cot_pictures`: what TAK devices of several parties draw, computed
//!   once per party and never handed to another;
//! - `tiles`: the deployment's ground, `/v1/map` and an MBTiles file's
//!   tiles, the same bytes for every party and refused without a token;
//! - `failover`: nodes on PostgreSQL with a synchronous standby, the
//!   primary killed under load and the standby promoted.

mod alerts;
mod api;
mod connections;
mod contract;
mod cot_pictures;
mod devices;
mod failover;
mod flooding;
mod gis;
mod holds;
mod hostile;
mod import;
mod incidents;
mod limits;
mod live;
mod log;
mod metrics;
mod need_to_know;
mod nodes;
mod ogc;
mod probing;
mod refusals;
mod replay;
mod revocation;
mod scene;
mod side_channels;
mod stories;
mod theatre;
mod tiles;
mod webhooks;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use deconflict_model::Actor;
use deconflict_server::{AppState, Config, MetricsToken, app};
use deconflict_service::scenario::{IRAQ, Loaded, Scenario};
use deconflict_store::{Directory, Location, Role};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use tower::ServiceExt;

pub(crate) const PARTIES: [&str; 6] = ["joc", "coalition", "isf", "pmf", "peshmerga", "ocha"];

/// A service on a temporary data directory with the demo's six parties and
/// one token per party and role.
pub(crate) struct Harness {
    pub(crate) app: Router,
    pub(crate) state: AppState,
    tokens: Tokens,
    pub(crate) loaded: Option<Loaded>,
    pub(crate) dir: tempfile::TempDir,
    /// Where the log and tables are: the data directory, or a database of
    /// the shared PostgreSQL when the suite runs on it (see [`backend`]).
    pub(crate) store: Location,
}

/// The store the suite runs on: SQLite in each harness's data directory,
/// or, with `DECONFLICT_TEST_STORE=postgres` (as `cargo xtask test` runs it
/// a second time), a fresh database of a throw-away PostgreSQL per harness.
pub(crate) fn backend(dir: &Path) -> Location {
    match std::env::var("DECONFLICT_TEST_STORE").as_deref() {
        Ok("postgres") => {
            Location::parse(&deconflict_pgtest::TempPostgres::shared().fresh_database()).unwrap()
        }
        _ => Location::Sqlite(dir.to_owned()),
    }
}

/// Whether the suite runs on PostgreSQL: tests of the SQLite file itself
/// (its bytes changed on disk) have nothing to test there.
pub(crate) fn on_postgres() -> bool {
    std::env::var("DECONFLICT_TEST_STORE").as_deref() == Ok("postgres")
}

/// Each party's token and credential id for each role.
pub(crate) type Tokens = BTreeMap<(String, &'static str), (String, String)>;

/// Adds every party of [`PARTIES`] (joc the coordinator) to `directory`
/// with a token for each of its roles.
pub(crate) fn issue_tokens(directory: &mut Directory) -> Tokens {
    let mut tokens = BTreeMap::new();
    for party in PARTIES {
        directory.add_party(party, party == "joc").unwrap();
        for role in Role::ALL {
            if role == Role::Approver && party != "joc" {
                continue;
            }
            let issued = directory.issue_token(party, role).unwrap();
            tokens.insert(
                (party.to_owned(), role.as_str()),
                (issued.token, issued.credential.id),
            );
        }
    }
    tokens
}

/// A response, read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts the status, showing the body when it is not.
    pub(crate) fn expect(self, status: u16) -> Reply {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        self
    }

    /// Asserts a problem+json answer with this status and code.
    pub(crate) fn problem(self, status: u16, code: &str) -> Value {
        let reply = self.expect(status);
        assert_eq!(
            reply.headers["content-type"],
            "application/problem+json",
            "{}",
            reply.text()
        );
        let body = reply.json();
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status);
        assert_eq!(body["type"], format!("urn:deconflict:problem:{code}"));
        body
    }
}

/// The operator's token for `/metrics` in [`config`].
pub(crate) const METRICS_TOKEN: &str = "operator-metrics-0123456789abcdef0123456789";

/// The default configuration without a rate limit (tests call fast), with
/// [`METRICS_TOKEN`] for `/metrics`.
pub(crate) fn config() -> Config {
    Config {
        rate_limit: None,
        metrics_token: Some(MetricsToken::new(METRICS_TOKEN)),
        ..Config::default()
    }
}

impl Harness {
    pub(crate) fn new() -> Harness {
        Harness::with_config(config())
    }

    pub(crate) fn with_config(config: Config) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store = backend(dir.path());
        let tokens = issue_tokens(&mut Directory::open_at(&store).unwrap());
        let state = AppState::open_at(&store, Some(dir.path()), config).unwrap();
        Harness {
            app: app(state.clone()),
            state,
            tokens,
            loaded: None,
            dir,
            store,
        }
    }

    /// The directory of parties and credentials the service reads.
    pub(crate) fn directory(&self) -> Directory {
        Directory::open_at(&self.store).unwrap()
    }

    /// A node of the service on `store`, shared with other nodes, with a
    /// data directory of its own; `tokens` from [`issue_tokens`] on it.
    pub(crate) fn node(store: &Location, config: Config, tokens: &Tokens) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open_at(store, Some(dir.path()), config).unwrap();
        Harness {
            app: app(state.clone()),
            state,
            tokens: tokens.clone(),
            loaded: None,
            dir,
            store: store.clone(),
        }
    }

    /// A harness with the demo scenario loaded, times relative to now.
    pub(crate) async fn demo() -> Harness {
        let mut h = Harness::new();
        h.load_demo().await;
        h
    }

    pub(crate) async fn load_demo(&mut self) {
        let scenario = Scenario::parse(IRAQ).unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let loaded = scenario
            .load(&self.state, now, |party, role| {
                Some(self.actor(party, role))
            })
            .await
            .unwrap();
        self.loaded = Some(loaded);
    }

    /// Reopens the service on the same directory: a restart.
    pub(crate) fn restart(self, config: Config) -> Harness {
        self.restart_after(config, |_| {})
    }

    /// A restart with `change` done to the data directory while the
    /// service is down.
    pub(crate) fn restart_after(self, config: Config, change: impl FnOnce(&Path)) -> Harness {
        let Harness {
            app: router,
            state,
            tokens,
            loaded,
            dir,
            store,
        } = self;
        // Every handle on the old state goes first, and with the last one
        // the log writer finishes and closes the database.
        drop(router);
        drop(state);
        change(dir.path());
        let state = AppState::open_at(&store, Some(dir.path()), config).unwrap();
        Harness {
            app: app(state.clone()),
            state,
            tokens,
            loaded,
            dir,
            store,
        }
    }

    pub(crate) fn actor(&self, party: &str, role: deconflict_model::Role) -> Actor {
        let (_, id) = &self.tokens[&(party.to_owned(), role.as_str())];
        Actor::new(party, role, id.clone(), party == "joc")
    }

    /// The token of `party/role`, e.g. `pmf/viewer`.
    pub(crate) fn token(&self, who: &str) -> String {
        let (party, role) = who.split_once('/').expect("party/role");
        let role = Role::ALL
            .into_iter()
            .find(|r| r.as_str() == role)
            .expect("a role");
        self.tokens[&(party.to_owned(), role.as_str())].0.clone()
    }

    /// The credential id of `party/role`.
    pub(crate) fn credential(&self, who: &str) -> String {
        let (party, role) = who.split_once('/').expect("party/role");
        self.tokens
            .iter()
            .find(|((p, r), _)| p == party && *r == role)
            .map(|(_, (_, id))| id.clone())
            .expect("a credential")
    }

    /// The id the demo scenario gave the object it calls `name`.
    pub(crate) fn id(&self, name: &str) -> String {
        self.loaded.as_ref().expect("the demo is loaded").objects[name].to_string()
    }

    /// Sends a request as `who` (`party/role`, or `""` for no token).
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        who: &str,
        body: Option<Value>,
    ) -> Reply {
        let bytes = body.map(|b| serde_json::to_vec(&b).unwrap());
        self.raw(method, path, who, bytes).await
    }

    pub(crate) async fn raw(
        &self,
        method: Method,
        path: &str,
        who: &str,
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if !who.is_empty() {
            request = request.header("authorization", format!("Bearer {}", self.token(who)));
        }
        let request = match body {
            Some(bytes) => request
                .header("content-type", "application/json")
                .body(Body::from(bytes)),
            None => request.body(Body::empty()),
        }
        .unwrap();
        self.send(request).await
    }

    /// Sends a request and checks the answer against the OpenAPI document
    /// ([`contract::check`]).
    pub(crate) async fn send(&self, request: Request<Body>) -> Reply {
        let method = request.method().clone();
        let path = request.uri().to_string();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        contract::check(&method, &path, status.as_u16(), content_type, &body);
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A further token of `party` and `role`, beside the harness's own.
    pub(crate) fn issue(&self, party: &str, role: Role) -> String {
        self.directory().issue_token(party, role).unwrap().token
    }

    /// Posts with a bearer token given as is.
    pub(crate) async fn post_as(&self, path: &str, token: &str, body: Value) -> Reply {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(serde_json::to_vec(&body).unwrap()))
            .unwrap();
        self.send(request).await
    }

    /// Gets with a bearer token given as is.
    pub(crate) async fn get_as(&self, path: &str, token: &str) -> Reply {
        let request = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// `GET /metrics` as the operator, with [`METRICS_TOKEN`].
    pub(crate) async fn metrics(&self) -> String {
        self.get_as("/metrics", METRICS_TOKEN)
            .await
            .expect(200)
            .text()
    }

    /// The value of one unlabelled sample of `/metrics`.
    pub(crate) async fn metric(&self, name: &str) -> u64 {
        let metrics = self.metrics().await;
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in\n{metrics}"))
    }

    pub(crate) async fn get(&self, path: &str, who: &str) -> Reply {
        self.call(Method::GET, path, who, None).await
    }

    pub(crate) async fn post(&self, path: &str, who: &str, body: Value) -> Reply {
        self.call(Method::POST, path, who, Some(body)).await
    }
}

/// One entry of the log as one reader got it.
#[derive(Debug)]
pub(crate) struct Read {
    pub(crate) seq: u64,
    pub(crate) leaf: String,
    /// The entry's field commitments, when the reader may open any.
    pub(crate) fields: Vec<deconflict_ledger::Hash>,
    pub(crate) payloads: Vec<deconflict_record::Payload>,
}

impl Read {
    fn of(entry: &Value) -> Read {
        let hex: Vec<String> =
            serde_json::from_value(entry.get("fields").cloned().unwrap_or(json!([]))).unwrap();
        Read {
            seq: entry["index"].as_u64().unwrap() + 1,
            leaf: entry["leaf"].as_str().unwrap().to_owned(),
            fields: deconflict_record::fields_from_hex(&hex).unwrap(),
            payloads: serde_json::from_value(entry.get("payloads").cloned().unwrap_or(json!([])))
                .unwrap(),
        }
    }
}

/// Entries `start..end` of the log as `who` reads them.
pub(crate) async fn read_entries(h: &Harness, who: &str, start: u64, end: u64) -> Vec<Read> {
    let page = h
        .get(&format!("/v1/log/entries?start={start}&end={end}"), who)
        .await
        .expect(200)
        .json();
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(Read::of)
        .collect()
}

/// The whole log as `who` reads it, by sequence number.
pub(crate) async fn read_log(h: &Harness, who: &str) -> BTreeMap<u64, Read> {
    let mut out = BTreeMap::new();
    loop {
        let page = h
            .get(&format!("/v1/log/entries?start={}", out.len()), who)
            .await
            .expect(200)
            .json();
        let entries = page["entries"].as_array().unwrap();
        for read in entries.iter().map(Read::of) {
            out.insert(read.seq, read);
        }
        if out.len() as u64 >= page["size"].as_u64().unwrap() || entries.is_empty() {
            return out;
        }
    }
}

/// The entry rebuilt from what the reader opened (only its `seq` if
/// nothing).
pub(crate) fn rebuilt(read: &Read) -> Value {
    deconflict_record::rebuild(read.seq, &read.payloads, read.fields.len()).unwrap()
}

/// An RFC 3339 time `hours` from now.
pub(crate) fn in_hours(hours: f64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    deconflict_server::time::format(now + (hours * 3_600_000.0) as i64)
}

/// A declaration body: a point with a buffer, valid from an hour ago.
pub(crate) fn declaration(kind: &str, label: &str, lon: f64, lat: f64, buffer_m: f64) -> Value {
    json!({
        "kind": kind,
        "label": label,
        "geometry": { "type": "Point", "coordinates": [lon, lat] },
        "buffer_m": buffer_m,
        "valid_from": in_hours(-1.0),
    })
}

/// An activity body: a point with a buffer, from `start_h` to `end_h` hours from now.
pub(crate) fn activity(
    kind: &str,
    label: &str,
    lon: f64,
    lat: f64,
    buffer_m: f64,
    start_h: f64,
    end_h: f64,
) -> Value {
    json!({
        "kind": kind,
        "label": label,
        "geometry": { "type": "Point", "coordinates": [lon, lat] },
        "buffer_m": buffer_m,
        "start": in_hours(start_h),
        "end": in_hours(end_h),
    })
}
