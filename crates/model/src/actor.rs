//! Who acts: a party, through one credential with one role.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a credential may do. Reading depends only on the party (see
/// [`sight`](crate::sight)); the role decides which commands are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads its party's picture; writes nothing.
    Viewer,
    /// Declares, submits and runs its party's activities, acknowledges.
    Operator,
    /// Of the coordinator party only: clears, holds, denies, overrides.
    Approver,
    /// Reads what its party may see (and, later, the public log).
    Auditor,
    /// The service itself, recording what its clock decides (stale units,
    /// escalations). No credential has it.
    Service,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Approver => "approver",
            Role::Auditor => "auditor",
            Role::Service => "service",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The caller of a command or a read, as the server authenticated it.
///
/// `coordinator` says whether `party` is the coordinating authority; the
/// server takes it from its party directory. It is recorded in each entry as
/// it was when the command was accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    pub party: String,
    pub role: Role,
    pub credential_id: String,
    pub coordinator: bool,
}

impl Actor {
    pub fn new(
        party: impl Into<String>,
        role: Role,
        credential_id: impl Into<String>,
        coordinator: bool,
    ) -> Actor {
        Actor {
            party: party.into(),
            role,
            credential_id: credential_id.into(),
            coordinator,
        }
    }
    /// The service itself: the actor of [`Command::Sweep`](crate::Command::Sweep).
    /// Its party name cannot be a party's (those start with a letter).
    pub fn service() -> Actor {
        Actor::new(SERVICE, Role::Service, SERVICE, false)
    }
}

/// The party and credential name the service acts under.
pub const SERVICE: &str = "@service";
