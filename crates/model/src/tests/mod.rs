//! Tests of the model: the demo stories, refusals as tables, the life of
//! activities and conflicts, the log format, and need-to-know properties.
//!
//! Everything goes through [`World`], which executes and applies commands
//! the way the server will, names what they create, and keeps the entries
//! for replay.

mod alerts;
mod area;
mod entries;
mod holds;
mod imports;
mod incidents;
mod lifecycle;
mod limits;
mod probing;
mod properties;
mod reading;
mod refusals;
mod rules;
mod scenarios;
mod sites;
mod stops;
mod tracks;

use crate::{
    ActivityId, ActivitySpec, Actor, Command, ConflictId, DeclarationId, DeclarationSpec,
    Disclosure, Entropy, Entry, ModelError, ObjectRef, Policy, Role, State, Visibility, VolumeSpec,
};
use std::collections::BTreeMap;

/// 2020-01-05T00:00:00Z, the week of the al-Qaim border survey dispute.
pub(crate) const T0: i64 = 1_578_182_400_000;
pub(crate) const HOUR: i64 = 3_600_000;

/// `"pmf/operator"` → the PMF's operator; `joc` is the coordinator;
/// `"service"` is the service itself.
pub(crate) fn actor(who: &str) -> Actor {
    if who == "service" {
        return Actor::service();
    }
    let (party, role) = who.split_once('/').expect("party/role");
    let role = match role {
        "viewer" => Role::Viewer,
        "operator" => Role::Operator,
        "approver" => Role::Approver,
        "auditor" => Role::Auditor,
        other => panic!("no role {other}"),
    };
    Actor::new(party, role, format!("cred-{who}"), party == "joc")
}

/// The parties of the demo, each as its viewer.
pub(crate) const PARTIES: [&str; 6] = ["joc", "coalition", "isf", "pmf", "peshmerga", "ocha"];

pub(crate) fn viewer(party: &str) -> Actor {
    actor(&format!("{party}/viewer"))
}

pub(crate) struct World {
    pub(crate) state: State,
    pub(crate) entries: Vec<Entry>,
    names: BTreeMap<String, ObjectRef>,
    clock: i64,
}

impl World {
    pub(crate) fn new() -> World {
        World::with_policy(Policy::default())
    }

    pub(crate) fn with_policy(policy: Policy) -> World {
        World {
            state: State::new(policy),
            entries: Vec::new(),
            names: BTreeMap::new(),
            clock: T0 - 24 * HOUR,
        }
    }

    /// The time the next command runs at, less a minute (each command moves
    /// the clock on a minute).
    pub(crate) fn set_clock(&mut self, t: i64) {
        self.clock = t - 60_000;
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock
    }

    /// Executes and applies a command as the server will; the entropy is
    /// the sequence number.
    pub(crate) fn run(&mut self, who: &str, command: Command) -> Result<Entry, ModelError> {
        self.clock += 60_000;
        let seq = self.entries.len() as u64 + 1;
        let mut entropy = [0u8; 32];
        entropy[..8].copy_from_slice(&seq.to_le_bytes());
        let draft = self
            .state
            .execute(&actor(who), command, self.clock, Entropy::new(entropy))?;
        let entry = draft.seal(seq);
        self.state.apply(&entry).expect("an executed entry applies");
        self.entries.push(entry.clone());
        Ok(entry)
    }

    /// Runs a command that must succeed and names what it creates.
    pub(crate) fn ok(&mut self, who: &str, name: &str, command: Command) -> Entry {
        let entry = self
            .run(who, command)
            .unwrap_or_else(|e| panic!("{who} {name}: {e}"));
        if let Some(created) = &entry.outcome.created {
            self.names.insert(name.to_owned(), *created);
        }
        for (i, opened) in entry.outcome.opened.iter().enumerate() {
            let object = ObjectRef::Conflict(opened.id);
            self.names.insert(format!("{name}#{i}"), object);
        }
        entry
    }

    pub(crate) fn decl(&self, name: &str) -> DeclarationId {
        match &self.names[name] {
            ObjectRef::Declaration(id) => *id,
            other => panic!("{name} is {other}"),
        }
    }

    pub(crate) fn act(&self, name: &str) -> ActivityId {
        match &self.names[name] {
            ObjectRef::Activity(id) => *id,
            other => panic!("{name} is {other}"),
        }
    }

    /// The `i`-th conflict opened by the command that created `name`.
    pub(crate) fn con(&self, name: &str, i: usize) -> ConflictId {
        match &self.names[&format!("{name}#{i}")] {
            ObjectRef::Conflict(id) => *id,
            other => panic!("{name}#{i} is {other}"),
        }
    }

    /// Everything `party` may see, as one debug string to scan.
    pub(crate) fn seen_by(&self, party: &str) -> String {
        format!("{:?}", self.state.view(&viewer(party)))
    }
}

pub(crate) fn point(lon: f64, lat: f64) -> geojson::Geometry {
    geojson::Geometry::new_point([lon, lat])
}

/// A square polygon of `half` degrees each way around a centre.
pub(crate) fn square(lon: f64, lat: f64, half: f64) -> geojson::Geometry {
    let (w, e, s, n) = (lon - half, lon + half, lat - half, lat + half);
    geojson::Geometry::new_polygon([[[w, s], [e, s], [e, n], [w, n], [w, s]]])
}

pub(crate) fn line(points: &[[f64; 2]]) -> geojson::Geometry {
    geojson::Geometry::new_line_string(points.iter().copied())
}

/// A volume at the surface, from `from_h` to `to_h` hours after [`T0`].
pub(crate) fn vol(
    geometry: geojson::Geometry,
    buffer_m: f64,
    from_h: i64,
    to_h: Option<i64>,
) -> VolumeSpec {
    VolumeSpec {
        geometry,
        buffer_m,
        altitude_m: [0.0, 0.0],
        from_ms: T0 + from_h * HOUR,
        to_ms: to_h.map(|h| T0 + h * HOUR),
    }
}

pub(crate) fn declare(kind: &str, label: &str, volume: VolumeSpec) -> Command {
    Command::Declare(DeclarationSpec {
        kind: kind.into(),
        label: label.into(),
        volume,
        visibility: Visibility::Private,
        disclosure: Disclosure::Coarse,
        tracking: None,
    })
}

pub(crate) fn submit(kind: &str, label: &str, volume: VolumeSpec) -> Command {
    Command::SubmitActivity(ActivitySpec {
        kind: kind.into(),
        label: label.into(),
        volume,
        disclosure: Disclosure::Coarse,
        late_notice: None,
    })
}

pub(crate) fn public(command: Command) -> Command {
    match command {
        Command::Declare(spec) => Command::Declare(DeclarationSpec {
            visibility: Visibility::Public,
            ..spec
        }),
        other => panic!("only declarations are public: {other:?}"),
    }
}

pub(crate) fn coordinator_only(command: Command) -> Command {
    match command {
        Command::Declare(spec) => Command::Declare(DeclarationSpec {
            disclosure: Disclosure::CoordinatorOnly,
            ..spec
        }),
        Command::SubmitActivity(spec) => Command::SubmitActivity(ActivitySpec {
            disclosure: Disclosure::CoordinatorOnly,
            ..spec
        }),
        other => panic!("no disclosure on {other:?}"),
    }
}

pub(crate) fn clear(id: &ActivityId, reason: &str) -> Command {
    Command::Clear {
        id: *id,
        reason: Some(reason.into()),
    }
}

pub(crate) fn ack(conflict: &ConflictId) -> Command {
    Command::Acknowledge {
        conflict: *conflict,
    }
}

/// The server shares one state between request handlers.
#[test]
fn state_is_shareable_between_threads() {
    fn check<T: Send + Sync>() {}
    check::<State>();
    check::<Entry>();
}
