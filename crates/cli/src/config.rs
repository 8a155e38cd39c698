//! The one configuration struct of `deconflict serve` and `deconflict demo`.
//!
//! Each setting is described once, here: as a flag, as a `DECONFLICT_*`
//! environment variable, and as a key of the TOML file given by `--config`.
//! A flag or variable wins over the file, the file over the default. The raw
//! settings are then validated into [`Settings`] in a second step.

use deconflict_model::{Limits, Policy};
use deconflict_server::{
    Config, ENGINE_MAX_VERTICES, FailureLimit, MetricsToken, RateLimit, TileSource,
};
use deconflict_store::Location;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
const DEFAULT_COT_LISTEN: &str = "127.0.0.1:8087";
const DEFAULT_COT_TLS_LISTEN: &str = "0.0.0.0:8089";
pub(crate) const DEFAULT_DATA: &str = "deconflict-data";
const MISSING_TLS_KEY: &str =
    "missing: tls_cert is set, so give its private key too (--tls-key FILE), or neither";
const MISSING_TLS_CERT: &str =
    "missing: tls_key is set, so give its certificate too (--tls-cert FILE), or neither";
/// The shortest metrics token taken: one that cannot be guessed.
const MIN_METRICS_TOKEN: usize = 32;

/// Settings of the HTTP service. Every one can also be set as
/// `DECONFLICT_<NAME>` in the environment or as `<name> = ...` in the TOML
/// file given by `--config`; flags and environment win over the file.
#[derive(Debug, Default, Clone, clap::Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServeConfig {
    /// A TOML file holding any of the settings below, e.g. `listen =
    /// "127.0.0.1:9000"` and `rate_limit_per_s = 50`.
    #[arg(long, env = "DECONFLICT_CONFIG", value_name = "FILE")]
    #[serde(skip)]
    pub(crate) config: Option<PathBuf>,

    /// The data directory, created if missing: holds `deconflict.db` with
    /// the log, the parties and the hashed tokens. [default: deconflict-data;
    /// for `demo`, a fresh temporary directory removed on exit]
    #[arg(long, env = "DECONFLICT_DATA", value_name = "DIR")]
    pub(crate) data: Option<PathBuf>,

    /// A PostgreSQL database to keep the log and every table in, shared by
    /// every node serving it, as `postgresql://USER@HOST:PORT/DB`; the data
    /// directory then holds only this node's copy of the latest checkpoint.
    /// [default: the data directory's SQLite file]
    #[arg(long, env = "DECONFLICT_STORE", value_name = "URL")]
    pub(crate) store: Option<String>,

    /// The address to listen on. HTTPS (with --tls-cert and --tls-key) may
    /// listen anywhere; plain HTTP only on a loopback address unless
    /// --insecure-http is given. [default: 127.0.0.1:8080]
    #[arg(long, env = "DECONFLICT_LISTEN", value_name = "ADDR")]
    pub(crate) listen: Option<SocketAddr>,

    /// The TLS certificate chain, PEM, the service's own certificate first:
    /// with --tls-key, the service speaks HTTPS (TLS 1.2 and 1.3) only.
    #[arg(long, env = "DECONFLICT_TLS_CERT", value_name = "FILE")]
    pub(crate) tls_cert: Option<PathBuf>,

    /// The private key of --tls-cert, PEM (PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "DECONFLICT_TLS_KEY", value_name = "FILE")]
    pub(crate) tls_key: Option<PathBuf>,

    /// Serve plain HTTP on a non-loopback address, for a TLS-terminating
    /// reverse proxy in front of the service. Not needed with --tls-cert.
    #[arg(
        long,
        env = "DECONFLICT_INSECURE_HTTP",
        value_name = "BOOL",
        num_args = 0..=1,
        default_missing_value = "true"
    )]
    pub(crate) insecure_http: Option<bool>,

    /// Where to take Cursor-on-Target from TAK clients over plain TCP, or
    /// `off`. Like plain HTTP, only on a loopback address unless
    /// --insecure-http is given. [default: 127.0.0.1:8087]
    #[arg(long, env = "DECONFLICT_COT_LISTEN", value_name = "ADDR|off")]
    pub(crate) cot_listen: Option<String>,

    /// Where to take Cursor-on-Target over TLS (with --tls-cert and
    /// --tls-key), or `off`. [default: 0.0.0.0:8089 when TLS is configured]
    #[arg(long, env = "DECONFLICT_COT_TLS_LISTEN", value_name = "ADDR|off")]
    pub(crate) cot_tls_listen: Option<String>,

    /// A token every Cursor-on-Target connection acts as, for clients that
    /// cannot send `<__deconflict token="..."/>` in their first event.
    #[arg(
        long,
        env = "DECONFLICT_COT_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub(crate) cot_token: Option<String>,

    /// The bearer token `GET /metrics` answers to, for the service's
    /// operator (at least 32 characters, e.g. `openssl rand -hex 32`); no
    /// party's token works for it. Unset, `/metrics` answers 404 like an
    /// unknown path. [default: unset; for `demo`, a fresh one, printed]
    #[arg(
        long,
        env = "DECONFLICT_METRICS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub(crate) metrics_token: Option<String>,

    /// Let webhooks reach loopback, private, link-local and other non-public
    /// addresses (refused by default, so that a party cannot point the
    /// service at the network it runs in).
    #[arg(
        long,
        env = "DECONFLICT_WEBHOOK_PRIVATE",
        value_name = "BOOL",
        num_args = 0..=1,
        default_missing_value = "true"
    )]
    pub(crate) webhook_private: Option<bool>,

    /// The largest request body in bytes; larger ones get 413 `too_large`.
    /// [default: 1048576]
    #[arg(long, env = "DECONFLICT_BODY_LIMIT", value_name = "BYTES")]
    pub(crate) body_limit: Option<usize>,

    /// Seconds one request may take before it is answered 503 `timeout`.
    /// [default: 30]
    #[arg(long, env = "DECONFLICT_REQUEST_TIMEOUT_S", value_name = "SECONDS")]
    pub(crate) request_timeout_s: Option<f64>,

    /// Requests per second each credential may make on average (a token
    /// bucket per credential; beyond it, 429 with Retry-After); 0 turns the
    /// limit off. [default: 100]
    #[arg(long, env = "DECONFLICT_RATE_LIMIT_PER_S", value_name = "N")]
    pub(crate) rate_limit_per_s: Option<f64>,

    /// Requests a credential may make in one burst before the average
    /// applies. [default: 200]
    #[arg(long, env = "DECONFLICT_RATE_LIMIT_BURST", value_name = "N")]
    pub(crate) rate_limit_burst: Option<f64>,

    /// Activity kinds that always wait for an approver's clearance, even
    /// without a conflict (comma-separated). Any activity with an open
    /// conflict is held regardless. [default:
    /// air_strike,indirect_fire,ground_operation,flight]
    #[arg(
        long,
        env = "DECONFLICT_NEEDS_CLEARANCE",
        value_name = "KINDS",
        value_delimiter = ','
    )]
    pub(crate) needs_clearance: Option<Vec<String>>,

    /// How far beyond its last report a silent tracked unit may be assumed
    /// to have gone, in metres (never more than its kind's area limit
    /// allows); there its reach stops and it is lost: it meets no new
    /// activity, and the coordinator is alerted instead. [default: 20000]
    #[arg(long, env = "DECONFLICT_STALE_REACH_CAP_M", value_name = "METRES")]
    pub(crate) stale_reach_cap_m: Option<f64>,

    /// The limits of each kind of object, in the TOML file only: a table
    /// `[limits.<kind>]` (or `[limits.default]` for every kind without its
    /// own) with any of `max_area_km2`, `max_window_h`, `max_altitude_m` and
    /// `max_speed_mps`; what a table leaves out keeps its value.
    #[arg(skip)]
    pub(crate) limits: Option<BTreeMap<String, KindLimits>>,

    /// The most positions one geometry may have; more get 413 `too_large`
    /// naming the field. At most 100000. [default: 10000]
    #[arg(long, env = "DECONFLICT_MAX_VERTICES", value_name = "N")]
    pub(crate) max_vertices: Option<usize>,

    /// The most a geometry's positions times the area of its bounding box
    /// may come to, in positions·km² (a long zig-zag across a province holds
    /// the command path for everyone); more get 413 `too_large` naming the
    /// field. [default: 2000000]
    #[arg(long, env = "DECONFLICT_MAX_GEOMETRY_COST", value_name = "N")]
    pub(crate) max_geometry_cost: Option<f64>,

    /// The most bytes of log entries one party's commands may add in a day;
    /// beyond it they get 429 `quota_exceeded`. 0 turns the quota off.
    /// [default: 2147483648]
    #[arg(long, env = "DECONFLICT_PARTY_LOG_QUOTA", value_name = "BYTES")]
    pub(crate) party_log_quota: Option<u64>,

    /// Seconds of reports a tracked unit may send at once beyond its
    /// declared interval (a device back in reach sends what it stored);
    /// faster reports get 429 `reports_too_fast`. 0 turns pacing off.
    /// [default: 3600]
    #[arg(long, env = "DECONFLICT_REPORT_BACKLOG", value_name = "SECONDS")]
    pub(crate) report_backlog: Option<u64>,

    /// The most items one page of a list may hold. [default: 1000]
    #[arg(long, env = "DECONFLICT_MAX_PAGE", value_name = "N")]
    pub(crate) max_page: Option<usize>,

    /// Seconds a client may take to send a request's whole header, or stay
    /// idle between two requests, before its connection is closed.
    /// [default: 10]
    #[arg(long, env = "DECONFLICT_HEADER_TIMEOUT_S", value_name = "SECONDS")]
    pub(crate) header_timeout_s: Option<f64>,

    /// The most HTTP connections served at once; one more is closed as soon
    /// as it is accepted. [default: 1024]
    #[arg(long, env = "DECONFLICT_MAX_CONNECTIONS", value_name = "N")]
    pub(crate) max_connections: Option<usize>,

    /// Failed authentications (HTTP and Cursor-on-Target) one address may
    /// make in a minute; beyond them it is refused (429 `too_many_failures`,
    /// whatever token it sends) until the minute is over. 0 turns the limit
    /// off. [default: 20]
    #[arg(long, env = "DECONFLICT_AUTH_FAILURES_PER_MIN", value_name = "N")]
    pub(crate) auth_failures_per_min: Option<u32>,

    /// Seconds a stop (SIGTERM, SIGINT) waits for the requests under way
    /// before closing the connections still open; event streams and idle
    /// connections close at once. [default: 10]
    #[arg(long, env = "DECONFLICT_SHUTDOWN_GRACE_S", value_name = "SECONDS")]
    pub(crate) shutdown_grace_s: Option<f64>,

    /// Seconds a Cursor-on-Target connection has to authenticate (its TLS
    /// handshake included) before it is closed. [default: 10]
    #[arg(long, env = "DECONFLICT_COT_AUTH_TIMEOUT_S", value_name = "SECONDS")]
    pub(crate) cot_auth_timeout_s: Option<f64>,

    /// Seconds an authenticated Cursor-on-Target connection may go without
    /// sending an event (a ping counts) before it is closed. [default: 300]
    #[arg(long, env = "DECONFLICT_COT_IDLE_TIMEOUT_S", value_name = "SECONDS")]
    pub(crate) cot_idle_timeout_s: Option<f64>,

    /// The most Cursor-on-Target connections open at once; one more is
    /// closed as soon as it is accepted. [default: 1024]
    #[arg(long, env = "DECONFLICT_COT_MAX_CONNECTIONS", value_name = "N")]
    pub(crate) cot_max_connections: Option<usize>,

    /// The most Cursor-on-Target connections open at once from one address
    /// (an IPv6 /64 counts as one). [default: 16]
    #[arg(long, env = "DECONFLICT_COT_MAX_PER_ADDRESS", value_name = "N")]
    pub(crate) cot_max_per_address: Option<usize>,

    /// An MBTiles file of raster tiles (png, jpg or webp) the service
    /// serves to the console, drawn under its shapes: the deployment's
    /// imagery or offline map. Opened read-only and checked at start.
    #[arg(
        long,
        env = "DECONFLICT_TILES",
        value_name = "FILE",
        conflicts_with = "tile_url"
    )]
    pub(crate) tiles: Option<PathBuf>,

    /// Instead of --tiles, an external tile server the console's browsers
    /// load from directly, as `https://host/{z}/{x}/{y}.png`; that server
    /// sees which tiles each browser loads, so where its users look.
    #[arg(long, env = "DECONFLICT_TILE_URL", value_name = "TEMPLATE")]
    pub(crate) tile_url: Option<String>,

    /// Whom to credit for the tiles, shown on the map as plain text; for
    /// --tiles, in place of the file's own. [default: the file's
    /// `attribution` or `name`]
    #[arg(long, env = "DECONFLICT_TILE_ATTRIBUTION", value_name = "TEXT")]
    pub(crate) tile_attribution: Option<String>,

    /// What to log, in tracing's filter syntax: `info`, `warn`,
    /// `deconflict_server=debug` (one line per request). Tokens are never
    /// logged. [default: info]
    #[arg(long, env = "DECONFLICT_LOG", value_name = "FILTER")]
    pub(crate) log: Option<String>,
}

/// The validated settings.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// `None` only for `demo` without `--data`.
    pub(crate) data: Option<PathBuf>,
    /// The PostgreSQL database, if the tables are not in `data`.
    pub(crate) store: Option<Location>,
    pub(crate) listen: SocketAddr,
    /// `None` for plain HTTP.
    pub(crate) tls: Option<TlsFiles>,
    /// Cursor-on-Target over plain TCP, and over TLS.
    pub(crate) cot: Option<SocketAddr>,
    pub(crate) cot_tls: Option<SocketAddr>,
    pub(crate) cot_token: Option<String>,
    pub(crate) server: Config,
    /// The ground drawn under the console's shapes, opened and checked.
    pub(crate) tiles: Option<TileSource>,
    pub(crate) log: String,
}

/// The PEM files HTTPS is served with; read when the service starts.
#[derive(Debug, Clone)]
pub(crate) struct TlsFiles {
    pub(crate) cert: PathBuf,
    pub(crate) key: PathBuf,
}

/// A configuration that cannot be used, with what to change.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    #[error("cannot read the config file `{path}`: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("config file `{path}`: {error}")]
    Parse {
        path: PathBuf,
        error: Box<toml::de::Error>,
    },
    #[error(
        "refusing to serve plain HTTP on {0}, which is not a loopback address: give a \
         certificate and key (--tls-cert FILE --tls-key FILE) to serve HTTPS, or, behind a \
         TLS-terminating proxy, pass --insecure-http (or set DECONFLICT_INSECURE_HTTP=true)"
    )]
    PlainHttp(SocketAddr),
    #[error("{name}: {message}")]
    Invalid { name: &'static str, message: String },
}

impl ServeConfig {
    /// The flags and environment, over the TOML file, over the defaults;
    /// `default_data` is used when no data directory is set anywhere.
    pub(crate) fn resolve(self, default_data: bool) -> Result<Settings, ConfigError> {
        self.over_file()?.validate(default_data)
    }

    /// Where `serve` given the same flags and file keeps its tables: a
    /// PostgreSQL `store` wherever it is named, else the `data` directory;
    /// `None` if neither names one. The rest of the file is not validated,
    /// so that the admin commands work beside a service whatever it listens on.
    pub(crate) fn location(self) -> Result<Option<Location>, ConfigError> {
        let merged = self.over_file()?;
        Ok(match (merged.store, merged.data) {
            (Some(url), _) => Some(parse_store(&url)?),
            (None, Some(data)) => Some(Location::Sqlite(data)),
            (None, None) => None,
        })
    }

    /// These settings over those of the file `--config` names, if any.
    fn over_file(self) -> Result<ServeConfig, ConfigError> {
        let file = match &self.config {
            Some(path) => read_file(path)?,
            None => ServeConfig::default(),
        };
        Ok(self.or(file))
    }

    fn or(self, file: ServeConfig) -> ServeConfig {
        ServeConfig {
            config: self.config,
            data: self.data.or(file.data),
            store: self.store.or(file.store),
            listen: self.listen.or(file.listen),
            tls_cert: self.tls_cert.or(file.tls_cert),
            tls_key: self.tls_key.or(file.tls_key),
            insecure_http: self.insecure_http.or(file.insecure_http),
            cot_listen: self.cot_listen.or(file.cot_listen),
            cot_tls_listen: self.cot_tls_listen.or(file.cot_tls_listen),
            cot_token: self.cot_token.or(file.cot_token),
            metrics_token: self.metrics_token.or(file.metrics_token),
            webhook_private: self.webhook_private.or(file.webhook_private),
            body_limit: self.body_limit.or(file.body_limit),
            request_timeout_s: self.request_timeout_s.or(file.request_timeout_s),
            rate_limit_per_s: self.rate_limit_per_s.or(file.rate_limit_per_s),
            rate_limit_burst: self.rate_limit_burst.or(file.rate_limit_burst),
            needs_clearance: self.needs_clearance.or(file.needs_clearance),
            stale_reach_cap_m: self.stale_reach_cap_m.or(file.stale_reach_cap_m),
            limits: self.limits.or(file.limits),
            max_page: self.max_page.or(file.max_page),
            header_timeout_s: self.header_timeout_s.or(file.header_timeout_s),
            max_connections: self.max_connections.or(file.max_connections),
            auth_failures_per_min: self.auth_failures_per_min.or(file.auth_failures_per_min),
            shutdown_grace_s: self.shutdown_grace_s.or(file.shutdown_grace_s),
            cot_auth_timeout_s: self.cot_auth_timeout_s.or(file.cot_auth_timeout_s),
            cot_idle_timeout_s: self.cot_idle_timeout_s.or(file.cot_idle_timeout_s),
            cot_max_connections: self.cot_max_connections.or(file.cot_max_connections),
            cot_max_per_address: self.cot_max_per_address.or(file.cot_max_per_address),
            max_vertices: self.max_vertices.or(file.max_vertices),
            max_geometry_cost: self.max_geometry_cost.or(file.max_geometry_cost),
            party_log_quota: self.party_log_quota.or(file.party_log_quota),
            report_backlog: self.report_backlog.or(file.report_backlog),
            tiles: self.tiles.or(file.tiles),
            tile_url: self.tile_url.or(file.tile_url),
            tile_attribution: self.tile_attribution.or(file.tile_attribution),
            log: self.log.or(file.log),
        }
    }

    fn validate(self, default_data: bool) -> Result<Settings, ConfigError> {
        let invalid = |name, message: &str| ConfigError::Invalid {
            name,
            message: message.to_owned(),
        };
        let defaults = Config::default();
        let listen = self
            .listen
            .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("the default address parses"));
        let tls = match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            (Some(_), None) => return Err(invalid("tls_key", MISSING_TLS_KEY)),
            (None, Some(_)) => return Err(invalid("tls_cert", MISSING_TLS_CERT)),
        };
        let insecure = self.insecure_http.unwrap_or(false);
        if tls.is_none() && !listen.ip().is_loopback() && !insecure {
            return Err(ConfigError::PlainHttp(listen));
        }
        let cot = address("cot_listen", self.cot_listen, Some(DEFAULT_COT_LISTEN))?;
        if let Some(cot) = cot.filter(|a| !a.ip().is_loopback() && !insecure) {
            return Err(ConfigError::PlainHttp(cot));
        }
        let tls_default = tls.as_ref().map(|_| DEFAULT_COT_TLS_LISTEN);
        let cot_tls = address("cot_tls_listen", self.cot_tls_listen, tls_default)?;
        if cot_tls.is_some() && tls.is_none() {
            return Err(invalid(
                "cot_tls_listen",
                "needs a certificate and key (--tls-cert FILE --tls-key FILE)",
            ));
        }
        let body_limit = self.body_limit.unwrap_or(defaults.body_limit);
        if body_limit < 1024 {
            return Err(invalid("body_limit", "must be at least 1024 bytes"));
        }
        let timeout = self
            .request_timeout_s
            .unwrap_or(defaults.request_timeout.as_secs_f64());
        if !(timeout.is_finite() && timeout > 0.0 && timeout <= 3600.0) {
            return Err(invalid(
                "request_timeout_s",
                "must be more than 0 and at most 3600 seconds",
            ));
        }
        let default_rate = defaults.rate_limit.expect("limited by default");
        let per_second = self.rate_limit_per_s.unwrap_or(default_rate.per_second);
        let burst = self.rate_limit_burst.unwrap_or(default_rate.burst);
        if !(per_second.is_finite() && per_second >= 0.0) {
            return Err(invalid("rate_limit_per_s", "must be 0 (off) or more"));
        }
        if !(burst.is_finite() && burst >= 1.0) {
            return Err(invalid("rate_limit_burst", "must be at least 1"));
        }
        let policy = match self.needs_clearance {
            None => defaults.policy,
            Some(kinds) => {
                let kinds: Vec<String> = kinds
                    .into_iter()
                    .map(|k| k.trim().to_owned())
                    .filter(|k| !k.is_empty())
                    .collect();
                let bad = kinds.iter().find(|k| {
                    !k.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                });
                if let Some(bad) = bad {
                    return Err(ConfigError::Invalid {
                        name: "needs_clearance",
                        message: format!("`{bad}` is not a kind (a-z, 0-9 and _)"),
                    });
                }
                Policy::new(kinds)
            }
        };
        let policy = limited(policy, self.stale_reach_cap_m, self.limits)?;
        let max_page = self.max_page.unwrap_or(defaults.max_page);
        if max_page == 0 {
            return Err(invalid("max_page", "must be at least 1"));
        }
        let header_timeout = seconds(
            "header_timeout_s",
            self.header_timeout_s,
            defaults.header_timeout,
        )?;
        let shutdown_grace = seconds(
            "shutdown_grace_s",
            self.shutdown_grace_s,
            defaults.shutdown_grace,
        )?;
        let cot_auth_timeout = seconds(
            "cot_auth_timeout_s",
            self.cot_auth_timeout_s,
            defaults.cot_auth_timeout,
        )?;
        let cot_idle_timeout = seconds(
            "cot_idle_timeout_s",
            self.cot_idle_timeout_s,
            defaults.cot_idle_timeout,
        )?;
        let max_connections = at_least_one(
            "max_connections",
            self.max_connections,
            defaults.max_connections,
        )?;
        let cot_max_connections = at_least_one(
            "cot_max_connections",
            self.cot_max_connections,
            defaults.cot_max_connections,
        )?;
        let cot_max_per_address = at_least_one(
            "cot_max_per_address",
            self.cot_max_per_address,
            defaults.cot_max_per_address,
        )?;
        let auth_failures = match self.auth_failures_per_min {
            None => defaults.auth_failures,
            Some(0) => None,
            Some(max) => Some(FailureLimit {
                max,
                window: Duration::from_secs(60),
            }),
        };
        let max_vertices = self.max_vertices.unwrap_or(defaults.max_vertices);
        if !(1..=ENGINE_MAX_VERTICES).contains(&max_vertices) {
            return Err(invalid("max_vertices", "must be 1 to 100000"));
        }
        let max_geometry_cost = self.max_geometry_cost.unwrap_or(defaults.max_geometry_cost);
        if !(max_geometry_cost.is_finite() && max_geometry_cost >= 1.0) {
            return Err(invalid(
                "max_geometry_cost",
                "must be a number of at least 1",
            ));
        }
        let metrics_token = match self.metrics_token {
            None => None,
            Some(token) => {
                let token = token.trim();
                if token.chars().count() < MIN_METRICS_TOKEN
                    || token.chars().any(|c| c.is_whitespace() || c.is_control())
                {
                    return Err(invalid(
                        "metrics_token",
                        "must be at least 32 characters without spaces (e.g. `openssl rand -hex 32`)",
                    ));
                }
                Some(MetricsToken::new(token))
            }
        };
        let data = match self.data {
            Some(data) => Some(data),
            None if default_data => Some(PathBuf::from(DEFAULT_DATA)),
            None => None,
        };
        let store = self.store.as_deref().map(parse_store).transpose()?;
        let tiles = tile_source(self.tiles, self.tile_url, self.tile_attribution)?;
        Ok(Settings {
            data,
            store,
            listen,
            tls,
            cot,
            cot_tls,
            cot_token: self.cot_token,
            server: Config {
                body_limit,
                request_timeout: Duration::from_secs_f64(timeout),
                rate_limit: (per_second > 0.0).then_some(RateLimit { per_second, burst }),
                policy,
                max_page,
                max_vertices,
                max_geometry_cost,
                party_log_bytes_per_day: match self.party_log_quota {
                    Some(0) => None,
                    Some(bytes) => Some(bytes),
                    None => defaults.party_log_bytes_per_day,
                },
                unit_report_backlog: match self.report_backlog {
                    Some(0) => None,
                    Some(s) => Some(Duration::from_secs(s)),
                    None => defaults.unit_report_backlog,
                },
                webhook_private: self.webhook_private.unwrap_or(false),
                metrics_token,
                header_timeout,
                max_connections,
                auth_failures,
                shutdown_grace,
                cot_auth_timeout,
                cot_idle_timeout,
                cot_max_connections,
                cot_max_per_address,
                ..Config::default()
            },
            tiles,
            log: self.log.unwrap_or_else(|| "info".to_owned()),
        })
    }
}

/// A duration setting in seconds: more than 0 and at most a day.
fn seconds(
    name: &'static str,
    value: Option<f64>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    let s = value.unwrap_or(default.as_secs_f64());
    if !(s.is_finite() && s > 0.0 && s <= 86_400.0) {
        return Err(ConfigError::Invalid {
            name,
            message: "must be more than 0 and at most 86400 seconds".to_owned(),
        });
    }
    Ok(Duration::from_secs_f64(s))
}

/// A count setting of at least 1.
fn at_least_one(
    name: &'static str,
    value: Option<usize>,
    default: usize,
) -> Result<usize, ConfigError> {
    match value.unwrap_or(default) {
        0 => Err(ConfigError::Invalid {
            name,
            message: "must be at least 1".to_owned(),
        }),
        n => Ok(n),
    }
}

/// One `[limits.<kind>]` table of the TOML file.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KindLimits {
    max_area_km2: Option<f64>,
    max_window_h: Option<f64>,
    max_altitude_m: Option<f64>,
    max_speed_mps: Option<f64>,
}

/// The name a kind's table overrides the default row under.
const DEFAULT_ROW: &str = "default";

/// `policy` with the stale units' cap and the limits of the TOML file: each
/// value more than 0 (`inf` for none), each kind `a-z`, `0-9` and `_`.
fn limited(
    mut policy: Policy,
    stale_reach_cap_m: Option<f64>,
    limits: Option<BTreeMap<String, KindLimits>>,
) -> Result<Policy, ConfigError> {
    let positive = |v: f64| v > 0.0 && !v.is_nan();
    if let Some(cap) = stale_reach_cap_m {
        if !positive(cap) {
            return Err(ConfigError::Invalid {
                name: "stale_reach_cap_m",
                message: "must be more than 0 metres".to_owned(),
            });
        }
        policy.stale_reach_cap_m = cap;
    }
    for (kind, table) in limits.unwrap_or_default() {
        let invalid = |message: String| ConfigError::Invalid {
            name: "limits",
            message,
        };
        let is_kind = (1..=64).contains(&kind.len())
            && kind
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !is_kind {
            return Err(invalid(format!("`{kind}` is not a kind (a-z, 0-9 and _)")));
        }
        let row = Limits {
            max_area_km2: table.max_area_km2,
            max_window_h: table.max_window_h,
            max_altitude_m: table.max_altitude_m,
            max_speed_mps: table.max_speed_mps,
        };
        let values = [
            ("max_area_km2", row.max_area_km2),
            ("max_window_h", row.max_window_h),
            ("max_altitude_m", row.max_altitude_m),
            ("max_speed_mps", row.max_speed_mps),
        ];
        if let Some((name, _)) = values.iter().find(|(_, v)| v.is_some_and(|v| !positive(v))) {
            return Err(invalid(format!(
                "{kind}.{name}: must be more than 0 (inf for no limit)"
            )));
        }
        if kind == DEFAULT_ROW {
            policy.default_limits = row.or(policy.default_limits);
        } else {
            let under = policy.limits.get(&kind).copied().unwrap_or_default();
            policy.limits.insert(kind, row.or(under));
        }
    }
    Ok(policy)
}

/// An address setting: `off`, an address, or the default when unset.
fn address(
    name: &'static str,
    value: Option<String>,
    default: Option<&str>,
) -> Result<Option<SocketAddr>, ConfigError> {
    match value.as_deref().or(default) {
        None | Some("off") => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| ConfigError::Invalid {
            name,
            message: format!("`{text}` is neither an address (host:port) nor `off`"),
        }),
    }
}

/// The tile source of `--tiles` or `--tile-url`, at most one, opened and
/// checked now so that a file or template the console could not show stops
/// the start.
fn tile_source(
    file: Option<PathBuf>,
    url: Option<String>,
    attribution: Option<String>,
) -> Result<Option<TileSource>, ConfigError> {
    let attribution = attribution.as_deref();
    match (file, url) {
        (Some(_), Some(_)) => Err(ConfigError::Invalid {
            name: "tiles",
            message: "give one tile source, --tiles FILE or --tile-url TEMPLATE, not both"
                .to_owned(),
        }),
        (Some(file), None) => TileSource::mbtiles(&file, attribution)
            .map(Some)
            .map_err(|e| ConfigError::Invalid {
                name: "tiles",
                message: format!("--tiles {}: {e}", file.display()),
            }),
        (None, Some(url)) => TileSource::external(&url, attribution)
            .map(Some)
            .map_err(|e| ConfigError::Invalid {
                name: "tile_url",
                message: format!("--tile-url {e}"),
            }),
        (None, None) => Ok(None),
    }
}

fn parse_store(url: &str) -> Result<Location, ConfigError> {
    Location::parse(url).map_err(|e| ConfigError::Invalid {
        name: "store",
        message: e.to_string(),
    })
}

fn read_file(path: &Path) -> Result<ServeConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
        path: path.to_owned(),
        error,
    })?;
    toml::from_str(&text).map_err(|error| ConfigError::Parse {
        path: path.to_owned(),
        error: Box::new(error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_limits_and_timeouts_are_layered_and_checked() {
        let defaults = ServeConfig::default().validate(true).unwrap().server;
        assert_eq!(defaults.header_timeout, Duration::from_secs(10));
        assert_eq!(defaults.max_connections, 1024);
        assert_eq!(defaults.auth_failures.unwrap().max, 20);
        assert_eq!(defaults.shutdown_grace, Duration::from_secs(10));
        assert_eq!(defaults.cot_auth_timeout, Duration::from_secs(10));
        assert_eq!(defaults.cot_idle_timeout, Duration::from_secs(300));
        assert_eq!(
            (defaults.cot_max_connections, defaults.cot_max_per_address),
            (1024, 16)
        );
        let file: ServeConfig = toml::from_str(
            "header_timeout_s = 2.5\ncot_max_per_address = 4\nauth_failures_per_min = 5\n",
        )
        .unwrap();
        let flags = ServeConfig {
            cot_max_per_address: Some(8),
            cot_idle_timeout_s: Some(30.0),
            ..ServeConfig::default()
        };
        let s = flags.or(file).validate(true).unwrap().server;
        assert_eq!(s.header_timeout, Duration::from_millis(2500));
        assert_eq!(s.cot_max_per_address, 8);
        assert_eq!(s.cot_idle_timeout, Duration::from_secs(30));
        assert_eq!(s.auth_failures.unwrap().max, 5);
        let off = ServeConfig {
            auth_failures_per_min: Some(0),
            ..ServeConfig::default()
        };
        assert!(off.validate(true).unwrap().server.auth_failures.is_none());
        for bad in [
            ServeConfig {
                header_timeout_s: Some(0.0),
                ..ServeConfig::default()
            },
            ServeConfig {
                cot_max_connections: Some(0),
                ..ServeConfig::default()
            },
            ServeConfig {
                shutdown_grace_s: Some(f64::NAN),
                ..ServeConfig::default()
            },
        ] {
            assert!(bad.validate(true).is_err());
        }
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file: ServeConfig = toml::from_str(
            "listen = \"127.0.0.1:9000\"\nrate_limit_per_s = 5\nneeds_clearance = [\"survey\"]\n",
        )
        .unwrap();
        let flags = ServeConfig {
            rate_limit_per_s: Some(7.0),
            ..ServeConfig::default()
        };
        let s = flags.or(file).validate(true).unwrap();
        assert_eq!(s.listen, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(s.server.rate_limit.unwrap().per_second, 7.0);
        assert!(s.server.policy.needs_clearance("survey"));
        assert!(!s.server.policy.needs_clearance("air_strike"));
        assert_eq!(s.data, Some(PathBuf::from("deconflict-data")));
        assert_eq!(s.server.body_limit, 1 << 20);
    }

    #[test]
    fn the_store_is_where_serve_would_keep_its_tables() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("deconflict.toml");
        let url = "postgresql://deconflict@db.example/deconflict";
        std::fs::write(&file, format!("data = \"from-file\"\nstore = {url:?}\n")).unwrap();
        let with = |data: Option<&str>, store: Option<&str>, config: bool| ServeConfig {
            config: config.then(|| file.clone()),
            data: data.map(PathBuf::from),
            store: store.map(str::to_owned),
            ..ServeConfig::default()
        };
        // A data directory beside the file's store holds only a checkpoint.
        let pg = with(Some("flag"), None, true).location().unwrap();
        assert_eq!(pg, Some(Location::Postgres(url.to_owned())));
        std::fs::write(&file, "data = \"from-file\"\n").unwrap();
        let sqlite = |dir: &str| Some(Location::Sqlite(PathBuf::from(dir)));
        assert_eq!(
            with(None, None, true).location().unwrap(),
            sqlite("from-file")
        );
        assert_eq!(
            with(Some("flag"), None, true).location().unwrap(),
            sqlite("flag")
        );
        assert_eq!(with(None, None, false).location().unwrap(), None);
        let err = with(None, Some("sqlite:x"), true).location().unwrap_err();
        assert!(err.to_string().starts_with("store: "), "{err}");
    }

    #[test]
    fn refuses_plain_http_beyond_loopback_unless_asked() {
        let public = |insecure| ServeConfig {
            listen: Some("0.0.0.0:8080".parse().unwrap()),
            insecure_http: insecure,
            ..ServeConfig::default()
        };
        let err = public(None).validate(true).unwrap_err();
        assert!(err.to_string().contains("--insecure-http"), "{err}");
        assert!(public(Some(true)).validate(true).is_ok());
        let v6 = ServeConfig {
            listen: Some("[::1]:8080".parse().unwrap()),
            ..ServeConfig::default()
        };
        assert!(v6.validate(true).is_ok());
    }

    #[test]
    fn tls_needs_both_files_and_then_listens_anywhere() {
        let file: ServeConfig =
            toml::from_str("listen = \"0.0.0.0:8443\"\ntls_cert = \"cert.pem\"\n").unwrap();
        let with_key = |key: Option<&str>| ServeConfig {
            tls_key: key.map(PathBuf::from),
            ..ServeConfig::default()
        };
        let s = with_key(Some("key.pem"))
            .or(file.clone())
            .validate(true)
            .unwrap();
        let tls = s.tls.unwrap();
        assert_eq!(
            (tls.cert, tls.key),
            (PathBuf::from("cert.pem"), PathBuf::from("key.pem"))
        );
        let err = with_key(None).or(file).validate(true).unwrap_err();
        assert!(err.to_string().starts_with("tls_key: missing"), "{err}");
        let err = with_key(Some("key.pem")).validate(true).unwrap_err();
        assert!(err.to_string().starts_with("tls_cert: missing"), "{err}");
    }

    #[test]
    fn zero_rate_turns_the_limit_off_and_unknown_keys_are_refused() {
        let s = ServeConfig {
            rate_limit_per_s: Some(0.0),
            ..ServeConfig::default()
        }
        .validate(false)
        .unwrap();
        assert!(s.server.rate_limit.is_none());
        assert_eq!(s.data, None);
        assert!(toml::from_str::<ServeConfig>("listne = \"x\"").is_err());
    }

    #[test]
    fn the_metrics_token_comes_from_flags_over_the_file_and_is_unset_by_default() {
        let from_file = "f".repeat(40);
        let from_flag = "0123456789abcdef".repeat(4);
        let file: ServeConfig =
            toml::from_str(&format!("metrics_token = \"{from_file}\"\n")).unwrap();
        let unset = ServeConfig::default().validate(true).unwrap();
        assert!(unset.server.metrics_token.is_none());
        let s = ServeConfig::default()
            .or(file.clone())
            .validate(true)
            .unwrap();
        let token = s.server.metrics_token.expect("from the file");
        assert!(token.matches(&from_file));
        assert_eq!(format!("{token:?}"), "MetricsToken(..)");
        let flags = ServeConfig {
            metrics_token: Some(from_flag.clone()),
            ..ServeConfig::default()
        };
        let s = flags.or(file).validate(true).unwrap();
        let token = s.server.metrics_token.as_ref().expect("from the flag");
        assert!(token.matches(&from_flag) && !token.matches(&from_file));
        let s = format!("{:?}", s.server);
        assert!(!s.contains(&from_flag) && !s.contains(&from_file), "{s}");
        for weak in [
            "short",
            &format!("{} ", "x".repeat(31)),
            &format!("{} y", "x".repeat(40)),
        ] {
            let err = ServeConfig {
                metrics_token: Some(weak.to_owned()),
                ..ServeConfig::default()
            }
            .validate(true)
            .unwrap_err();
            assert!(err.to_string().starts_with("metrics_token: "), "{err}");
        }
    }

    #[test]
    fn limits_per_kind_come_from_the_file_over_the_built_in_rows() {
        let file: ServeConfig = toml::from_str(concat!(
            "stale_reach_cap_m = 5000\n",
            "[limits.survey]\nmax_area_km2 = 20000\n",
            "[limits.default]\nmax_altitude_m = 12000\n",
            "[limits.balloon]\nmax_altitude_m = 30000\nmax_window_h = inf\n",
        ))
        .unwrap();
        let s = ServeConfig::default().or(file).validate(true).unwrap();
        let policy = &s.server.policy;
        assert_eq!(policy.stale_reach_cap_m, 5_000.0);
        let survey = policy.limits("survey");
        assert_eq!(survey.max_area_km2, Some(20_000.0));
        // What the table leaves out keeps the survey's own row.
        assert_eq!(survey.max_altitude_m, Some(10_000.0));
        assert_eq!(survey.max_window_h, Some(7.0 * 24.0));
        // The default row, for any kind without one of its own.
        assert_eq!(policy.limits("checkpoint").max_altitude_m, Some(12_000.0));
        assert_eq!(policy.limits("checkpoint").max_area_km2, Some(2_500.0));
        let balloon = policy.limits("balloon");
        assert_eq!(balloon.max_altitude_m, Some(30_000.0));
        assert_eq!(balloon.max_window_h, Some(f64::INFINITY));
        // Unset, the built-in table.
        let s = ServeConfig::default().validate(true).unwrap();
        assert_eq!(s.server.policy, Policy::default());
    }

    #[test]
    fn limits_that_are_not_limits_are_refused_naming_them() {
        for (toml, names) in [
            ("[limits.survey]\nmax_area_km2 = 0\n", "survey.max_area_km2"),
            (
                "[limits.survey]\nmax_speed_mps = -1\n",
                "survey.max_speed_mps",
            ),
            (
                "[limits.survey]\nmax_window_h = nan\n",
                "survey.max_window_h",
            ),
            ("[limits.Survey]\nmax_area_km2 = 10\n", "`Survey`"),
            ("stale_reach_cap_m = 0\n", "stale_reach_cap_m"),
        ] {
            let file: ServeConfig = toml::from_str(toml).unwrap();
            let err = ServeConfig::default().or(file).validate(true).unwrap_err();
            assert!(err.to_string().contains(names), "{toml}: {err}");
        }
        assert!(toml::from_str::<ServeConfig>("[limits.survey]\nmax_area = 10\n").is_err());
    }
}
