//! What the HTTP front end keeps beside the service: its counters, the
//! per-credential and per-address limits, the Cursor-on-Target connections
//! and listeners, and the webhooks. Everything else a handler needs is the
//! [`Service`], which an [`AppState`] derefs to.

use crate::auth::{FailureLimiter, RateLimiter};
use crate::metrics::Metrics;
use deconflict_service::{Config, Service, StartError};
use deconflict_store::Location;
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    service: Service,
    front: Arc<Front>,
    /// The deployment's ground under the console's shapes, if it has one.
    tiles: Option<crate::tiles::TileSource>,
}

struct Front {
    metrics: Metrics,
    limiter: RateLimiter,
    /// Cursor-on-Target events, per credential, on the HTTP limit's terms.
    cot_limiter: RateLimiter,
    failures: FailureLimiter,
    cot_connections: crate::cot::Connections,
    listeners: crate::listen::Listeners,
    webhooks: Arc<crate::webhooks::Registry>,
    devices: crate::devices::Authority,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Deref for AppState {
    type Target = Service;

    fn deref(&self) -> &Service {
        &self.service
    }
}

impl AppState {
    /// Opens the service on data directory `dir` (see [`Service::open`]),
    /// with the front end's parts beside it.
    pub fn open(dir: &Path, config: Config) -> Result<AppState, StartError> {
        AppState::open_at(&Location::Sqlite(dir.to_path_buf()), Some(dir), config)
    }

    /// Opens the service on `store`, `dir` the node's own data directory
    /// (see [`Service::open_at`]).
    pub fn open_at(
        store: &Location,
        dir: Option<&Path>,
        config: Config,
    ) -> Result<AppState, StartError> {
        let service = Service::open_at(store, dir, config)?;
        let config = service.config();
        let front = Front {
            metrics: Metrics::default(),
            limiter: RateLimiter::new(config.rate_limit),
            cot_limiter: RateLimiter::new(config.rate_limit),
            failures: FailureLimiter::new(config.auth_failures),
            cot_connections: crate::cot::Connections::default(),
            listeners: crate::listen::Listeners::default(),
            webhooks: Arc::new(crate::webhooks::Registry::open(store)?),
            devices: crate::devices::Authority::open(store)?,
        };
        Ok(AppState {
            service,
            front: Arc::new(front),
            tiles: None,
        })
    }

    /// The same service, drawing `tiles` under the console's shapes.
    pub fn with_tiles(self, tiles: crate::tiles::TileSource) -> AppState {
        AppState {
            tiles: Some(tiles),
            ..self
        }
    }

    pub(crate) fn tiles(&self) -> Option<&crate::tiles::TileSource> {
        self.tiles.as_ref()
    }

    /// The service under the front end.
    pub fn service(&self) -> &Service {
        &self.service
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.front.metrics
    }

    pub(crate) fn limiter(&self) -> &RateLimiter {
        &self.front.limiter
    }

    pub(crate) fn cot_limiter(&self) -> &RateLimiter {
        &self.front.cot_limiter
    }

    /// Failed authentications by address, HTTP and Cursor-on-Target alike.
    pub(crate) fn failures(&self) -> &FailureLimiter {
        &self.front.failures
    }

    pub(crate) fn cot_connections(&self) -> &crate::cot::Connections {
        &self.front.cot_connections
    }

    /// Whether each listener beside HTTP accepts, for `/healthz`.
    pub(crate) fn listeners(&self) -> &crate::listen::Listeners {
        &self.front.listeners
    }

    pub(crate) fn webhooks(&self) -> &Arc<crate::webhooks::Registry> {
        &self.front.webhooks
    }

    /// The device CA.
    pub(crate) fn devices(&self) -> &crate::devices::Authority {
        &self.front.devices
    }

    /// Enrolment answers from now on tell devices to trust `identity`: the
    /// certificate the service serves HTTPS and Cursor-on-Target over TLS
    /// with. A step of start-up, before the listeners.
    pub fn enrol_against(&self, identity: &crate::tls::Identity) {
        self.devices().trust_service(identity);
    }

    /// The TLS configuration of a Cursor-on-Target listener serving
    /// `identity`, taking devices' certificates (see [`crate::devices`]).
    pub fn cot_tls(
        &self,
        identity: &crate::tls::Identity,
    ) -> Result<Arc<crate::tls::ServerConfig>, crate::tls::TlsError> {
        self.devices().serve(identity)
    }

    /// What the webhook deliverer works on.
    pub fn hooks(&self) -> crate::webhooks::Hooks {
        crate::webhooks::Hooks::new(self.service.clone(), self.webhooks().clone())
    }

    /// Whether the service is whole: every listener accepts and its
    /// checkpoints are stored.
    pub(crate) fn degraded(&self) -> bool {
        !self.listeners().all_up() || self.checkpoints_failing()
    }
}
