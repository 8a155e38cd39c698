//! The one configuration struct of `deconflict serve` and `deconflict demo`.
//!
//! Each setting is described once, here: as a flag, as a `DECONFLICT_*`
//! environment variable, and as a key of the TOML file given by `--config`.
//! A flag or variable wins over the file, the file over the default. The raw
//! settings are then validated into [`Settings`] in a second step.

use deconflict_model::Policy;
use deconflict_server::{Config, ENGINE_MAX_VERTICES, MetricsToken, RateLimit};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
const DEFAULT_COT_LISTEN: &str = "127.0.0.1:8087";
const DEFAULT_COT_TLS_LISTEN: &str = "0.0.0.0:8089";
const DEFAULT_DATA: &str = "deconflict-data";
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

    /// The most positions one geometry may have; more get 413 `too_large`
    /// naming the field. At most 100000. [default: 10000]
    #[arg(long, env = "DECONFLICT_MAX_VERTICES", value_name = "N")]
    pub(crate) max_vertices: Option<usize>,

    /// The most items one page of a list may hold. [default: 1000]
    #[arg(long, env = "DECONFLICT_MAX_PAGE", value_name = "N")]
    pub(crate) max_page: Option<usize>,

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
    pub(crate) listen: SocketAddr,
    /// `None` for plain HTTP.
    pub(crate) tls: Option<TlsFiles>,
    /// Cursor-on-Target over plain TCP, and over TLS.
    pub(crate) cot: Option<SocketAddr>,
    pub(crate) cot_tls: Option<SocketAddr>,
    pub(crate) cot_token: Option<String>,
    pub(crate) server: Config,
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
        let file = match &self.config {
            Some(path) => read_file(path)?,
            None => ServeConfig::default(),
        };
        self.or(file).validate(default_data)
    }

    fn or(self, file: ServeConfig) -> ServeConfig {
        ServeConfig {
            config: self.config,
            data: self.data.or(file.data),
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
            max_page: self.max_page.or(file.max_page),
            max_vertices: self.max_vertices.or(file.max_vertices),
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
        let max_page = self.max_page.unwrap_or(defaults.max_page);
        if max_page == 0 {
            return Err(invalid("max_page", "must be at least 1"));
        }
        let max_vertices = self.max_vertices.unwrap_or(defaults.max_vertices);
        if !(1..=ENGINE_MAX_VERTICES).contains(&max_vertices) {
            return Err(invalid("max_vertices", "must be 1 to 100000"));
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
        Ok(Settings {
            data,
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
                webhook_private: self.webhook_private.unwrap_or(false),
                metrics_token,
                ..Config::default()
            },
            log: self.log.unwrap_or_else(|| "info".to_owned()),
        })
    }
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
}
