//! The application core of deconflict, whatever front end serves it: the
//! command path over the durable log, replay and `as_of`, the sweep, the
//! verifiable record (tree, checkpoints, cosignatures), quotas, revocation
//! of long-lived uses of a credential, and the feed of durable entries that
//! the front end's projections (event streams, webhooks, Cursor-on-Target)
//! read.
//!
//! It knows no HTTP: requests arrive as the model's commands from an
//! [`Actor`](deconflict_model::Actor), answers leave as the model's views,
//! and a refusal is an [`Error`] that the front end says in its own terms
//! (the HTTP API as problem+json, in one place).
//!
//! Start reading at [`Service`] and its module docs (`service.rs`): the
//! command path and why nobody is answered before their entry is durable;
//! then [`record`] for what is checked at start and why.

mod cluster;
mod config;
mod counters;
pub mod disclosure;
mod error;
pub mod events;
pub mod evidence;
pub mod feed;
mod quota;
pub mod record;
mod revocation;
pub mod scenario;
mod service;

pub use config::{Config, ENGINE_MAX_VERTICES, FailureLimit, MetricsToken, RateLimit};
pub use counters::Counters;
pub use error::Error;
pub use events::{Audience, Event, Subscription};
pub use feed::Feed;
pub use record::{CosignError, RecordError};
pub use revocation::{End, Lease};
pub use service::{Halt, Lane, Service, StartError, Until, now_ms};
