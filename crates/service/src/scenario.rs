//! Demo scenarios as data (`scenarios/*.json`): parties, sourced places, and
//! steps — declarations, activities, acknowledgements, clearances — that are
//! run through the same command path as the API ([`Service::execute`]), so
//! the log records them like any other command.
//!
//! Times in a scenario are hours relative to the moment it is loaded
//! (`from_h`, `to_h`, `start_h`, `end_h`), so a demo always shows activities
//! in the near future. A step may say what it must lead to (`expect`: the
//! activity's state, how many conflicts it opened); loading fails if the
//! story does not happen as written.

use crate::{Error, Service};
use deconflict_model::{
    ActivityId, ActivitySpec, Actor, Command, ConflictId, DeclarationSpec, IncidentSpec, ObjectRef,
    Role, VolumeSpec,
};
use deconflict_wire::{
    DisclosureWire, IncidentKindWire, IncidentStatusWire, TrackingWire, VisibilityWire,
};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The Iraq demo scenario (`scenarios/iraq.json`).
pub const IRAQ: &str = include_str!("../../../scenarios/iraq.json");

const HOUR_MS: f64 = 3_600_000.0;

/// A parsed scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub title: String,
    /// How to read the scenario: times, illustrative positions, sources.
    pub note: String,
    pub parties: Vec<Party>,
    pub places: Vec<Place>,
    pub steps: Vec<Step>,
}

/// A party of the scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub name: String,
    #[serde(default)]
    pub coordinator: bool,
    pub about: String,
}

/// A real place, with where its coordinate comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub source: String,
}

/// One command of the story, run as `as` (a party) in `role`.
#[derive(Debug, Clone, Deserialize)]
pub struct Step {
    #[serde(rename = "as")]
    pub party: String,
    /// Default: `operator`, or `approver` for clear, hold, deny and override.
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(flatten)]
    pub action: Action,
    /// What the step must lead to.
    #[serde(default)]
    pub expect: Option<Expect>,
    /// Why the step is in the story.
    #[serde(default)]
    pub note: Option<String>,
}

/// What a step does.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Declare(Object),
    Submit(Object),
    /// Acknowledge the conflict between an activity and another object.
    Acknowledge(Between),
    /// Override the conflict between an activity and another object.
    Override(Between),
    Clear(Decision),
    Hold(Decision),
    Deny(Decision),
    /// Report an incident.
    Report(Report),
    /// Set an incident's status (by default as the coordinator's approver).
    Judge(Judgement),
    /// Set a rule of the theatre (by default as the coordinator's approver).
    Rule(RuleStep),
    /// Check fire over a place, from now for some hours.
    Stop(StopStep),
    /// Challenge a declaration, by name.
    Challenge(ChallengeStep),
}

/// A rule of the theatre, in the API's form.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleStep {
    pub name: String,
    #[serde(default)]
    pub parties: Vec<String>,
    #[serde(default)]
    pub public: bool,
    pub rule: Option<deconflict_wire::theatre::RuleWire>,
    pub reason: String,
}

/// A stop over a place.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopStep {
    pub(crate) cause: deconflict_wire::theatre::StopCauseWire,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub geometry: Option<geojson::Geometry>,
    pub buffer_m: f64,
    /// How long it stands, hours.
    pub hours: f64,
    pub reason: String,
    /// How many activities it must hold.
    #[serde(default)]
    pub expect_held: Option<usize>,
}

/// A challenge of a declaration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeStep {
    pub declaration: String,
    pub grounds: String,
}

/// An incident as a party reports it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    #[serde(rename = "ref")]
    pub name: String,
    pub(crate) kind: IncidentKindWire,
    /// The sourced place it happened at or near.
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub geometry: Option<geojson::Geometry>,
    pub precision_m: f64,
    pub from_h: f64,
    pub to_h: f64,
    pub reported_by: String,
    #[serde(default)]
    pub against: Option<String>,
    pub source: String,
    pub source_grade: String,
}

/// A judgement of an incident, by name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judgement {
    pub incident: String,
    pub(crate) status: IncidentStatusWire,
    pub reason: String,
}

/// A declaration or an activity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Object {
    /// The name later steps use for it.
    #[serde(rename = "ref")]
    pub name: String,
    pub kind: String,
    pub label: String,
    /// The sourced place it is at or near.
    #[serde(default)]
    pub place: Option<String>,
    /// GeoJSON; a point at `place` if left out.
    #[serde(default)]
    pub geometry: Option<geojson::Geometry>,
    pub buffer_m: f64,
    #[serde(default)]
    pub altitude_m: Option<[f64; 2]>,
    /// Declarations: `from_h`, `to_h`; activities: `start_h`, `end_h`.
    #[serde(default, alias = "start_h")]
    pub from_h: f64,
    #[serde(default, alias = "end_h")]
    pub to_h: Option<f64>,
    #[serde(default)]
    pub(crate) visibility: VisibilityWire,
    #[serde(default)]
    pub(crate) disclosure: DisclosureWire,
    /// Declarations: a unit that reports its position.
    #[serde(default)]
    pub(crate) tracking: Option<TrackingWire>,
    /// Whether the position is illustrative, and how it was chosen.
    #[serde(default)]
    pub note: Option<String>,
}

/// The conflict between an activity and another object, by their names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Between {
    pub activity: String,
    pub other: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// An approver's decision on an activity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub activity: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// What a step must lead to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The activity's state afterwards.
    #[serde(default)]
    pub state: Option<String>,
    /// How many conflicts the step opened.
    #[serde(default)]
    pub conflicts: Option<usize>,
}

/// What loading created: each named object's id, and each conflict by the
/// names of its two sides.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub objects: BTreeMap<String, ObjectRef>,
    pub conflicts: BTreeMap<(String, String), ConflictId>,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("the scenario is not valid JSON of its format: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("step {step}: {message}")]
    Step { step: usize, message: String },
    #[error("step {step} was refused: {error}")]
    Refused { step: usize, error: Error },
}

impl Scenario {
    pub fn parse(json: &str) -> Result<Scenario, ScenarioError> {
        Ok(serde_json::from_str(json)?)
    }

    /// Runs every step against `app` with times relative to `start_ms`;
    /// `actor(party, role)` gives the credential each step acts through.
    pub async fn load(
        &self,
        app: &Service,
        start_ms: i64,
        actor: impl Fn(&str, Role) -> Option<Actor>,
    ) -> Result<Loaded, ScenarioError> {
        let mut loaded = Loaded::default();
        for (i, step) in self.steps.iter().enumerate() {
            let n = i + 1;
            let fail = |message: String| ScenarioError::Step { step: n, message };
            let approves = matches!(
                step.action,
                Action::Clear(_)
                    | Action::Hold(_)
                    | Action::Deny(_)
                    | Action::Override(_)
                    | Action::Judge(_)
                    | Action::Rule(_)
            );
            let role = step.role.unwrap_or(if approves {
                Role::Approver
            } else {
                Role::Operator
            });
            let actor = actor(&step.party, role)
                .ok_or_else(|| fail(format!("no {role} credential for {}", step.party)))?;
            let (command, name) = self.command(step, &loaded, start_ms).map_err(fail)?;
            let entry = app
                .execute(&actor, command, |_, entry| entry.clone())
                .await
                .map_err(|error| ScenarioError::Refused { step: n, error })?;
            let outcome = &entry.outcome;
            if let (Some(name), Some(created)) = (name, &outcome.created) {
                loaded.objects.insert(name, *created);
            }
            for opened in &outcome.opened {
                let name_of = |object: &ObjectRef| {
                    loaded
                        .objects
                        .iter()
                        .find(|(_, o)| *o == object)
                        .map(|(name, _)| name.clone())
                        .unwrap_or_else(|| object.to_string())
                };
                let activity = name_of(&ObjectRef::Activity(opened.activity));
                let other = name_of(&opened.other);
                loaded.conflicts.insert((activity, other), opened.id);
            }
            if let Action::Stop(StopStep {
                expect_held: Some(want),
                ..
            }) = &step.action
                && outcome.stopped.len() != *want
            {
                return Err(fail(format!(
                    "expected the stop to hold {want}, it held {}",
                    outcome.stopped.len()
                )));
            }
            if let Some(expect) = &step.expect {
                if let Some(want) = &expect.state {
                    let got = outcome.activity_state.map(|s| s.as_str());
                    if got != Some(want.as_str()) {
                        return Err(fail(format!("expected state {want}, got {got:?}")));
                    }
                }
                if let Some(want) = expect.conflicts
                    && outcome.opened.len() != want
                {
                    return Err(fail(format!(
                        "expected {want} conflicts, opened {}",
                        outcome.opened.len()
                    )));
                }
            }
        }
        Ok(loaded)
    }

    fn command(
        &self,
        step: &Step,
        loaded: &Loaded,
        start_ms: i64,
    ) -> Result<(Command, Option<String>), String> {
        let activity = |name: &str| match loaded.objects.get(name) {
            Some(ObjectRef::Activity(id)) => Ok(*id),
            _ => Err(format!("no activity named {name} before this step")),
        };
        let conflict = |between: &Between| {
            loaded
                .conflicts
                .get(&(between.activity.clone(), between.other.clone()))
                .cloned()
                .ok_or_else(|| {
                    format!(
                        "no conflict between {} and {} before this step",
                        between.activity, between.other
                    )
                })
        };
        Ok(match &step.action {
            Action::Declare(o) => (
                Command::Declare(DeclarationSpec {
                    kind: o.kind.clone(),
                    label: o.label.clone(),
                    volume: self.volume(o, start_ms)?,
                    visibility: o.visibility.into(),
                    disclosure: o.disclosure.into(),
                    tracking: o.tracking.clone().map(Into::into),
                }),
                Some(o.name.clone()),
            ),
            Action::Submit(o) => (
                Command::SubmitActivity(ActivitySpec {
                    kind: o.kind.clone(),
                    label: o.label.clone(),
                    volume: self.volume(o, start_ms)?,
                    disclosure: o.disclosure.into(),
                    late_notice: None,
                }),
                Some(o.name.clone()),
            ),
            Action::Acknowledge(b) => (
                Command::Acknowledge {
                    conflict: conflict(b)?,
                },
                None,
            ),
            Action::Override(b) => (
                Command::Override {
                    conflict: conflict(b)?,
                    reason: b.reason.clone(),
                },
                None,
            ),
            Action::Clear(d) => (
                Command::Clear {
                    id: activity(&d.activity)?,
                    reason: d.reason.clone(),
                },
                None,
            ),
            Action::Hold(d) => (
                Command::Hold {
                    id: activity(&d.activity)?,
                    reason: d.reason.clone(),
                },
                None,
            ),
            Action::Deny(d) => (
                Command::Deny {
                    id: activity(&d.activity)?,
                    reason: d.reason.clone(),
                },
                None,
            ),
            Action::Report(r) => (
                Command::ReportIncident(self.incident(r, start_ms)?),
                Some(r.name.clone()),
            ),
            Action::Rule(r) => (
                Command::SetRule {
                    spec: deconflict_model::RuleSpec {
                        name: r.name.clone(),
                        parties: r.parties.clone(),
                        public: r.public,
                        rule: r.rule.clone().map(Into::into),
                        from_ms: start_ms,
                    },
                    reason: Some(r.reason.clone()),
                },
                None,
            ),
            Action::Stop(s) => (
                Command::RaiseStop {
                    spec: deconflict_model::StopSpec {
                        cause: s.cause.into(),
                        geometry: self.geometry("stop", s.geometry.as_ref(), s.place.as_deref())?,
                        buffer_m: s.buffer_m,
                        altitude_m: None,
                        until_ms: start_ms + (s.hours * HOUR_MS).round() as i64,
                    },
                    reason: Some(s.reason.clone()),
                },
                None,
            ),
            Action::Challenge(c) => {
                let Some(ObjectRef::Declaration(id)) = loaded.objects.get(&c.declaration) else {
                    return Err(format!(
                        "no declaration named {} before this step",
                        c.declaration
                    ));
                };
                (
                    Command::Challenge {
                        id: *id,
                        grounds: c.grounds.clone(),
                    },
                    None,
                )
            }
            Action::Judge(j) => {
                let Some(ObjectRef::Incident(id)) = loaded.objects.get(&j.incident) else {
                    return Err(format!("no incident named {} before this step", j.incident));
                };
                (
                    Command::SetIncidentStatus {
                        id: *id,
                        status: j.status.into(),
                        reason: Some(j.reason.clone()),
                        duplicate_of: None,
                    },
                    None,
                )
            }
        })
    }

    fn incident(&self, r: &Report, start_ms: i64) -> Result<IncidentSpec, String> {
        let at = |h: f64| start_ms + (h * HOUR_MS).round() as i64;
        Ok(IncidentSpec {
            kind: r.kind.into(),
            place: self.geometry(&r.name, r.geometry.as_ref(), r.place.as_deref())?,
            precision_m: r.precision_m,
            from_ms: at(r.from_h),
            to_ms: at(r.to_h),
            reported_by: r.reported_by.clone(),
            against: r.against.clone(),
            source: r.source.clone(),
            source_grade: r.source_grade.clone(),
        })
    }

    /// `geometry` if given, else a point at the named place.
    fn geometry(
        &self,
        name: &str,
        geometry: Option<&geojson::Geometry>,
        place: Option<&str>,
    ) -> Result<geojson::Geometry, String> {
        if let Some(g) = geometry {
            return Ok(g.clone());
        }
        let id = place.ok_or_else(|| format!("{name}: needs a geometry or a place"))?;
        let p = self
            .places
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| format!("{name}: no place {id}"))?;
        Ok(geojson::Geometry::new(geojson::GeometryValue::Point {
            coordinates: [p.lon, p.lat].into(),
        }))
    }

    fn volume(&self, o: &Object, start_ms: i64) -> Result<VolumeSpec, String> {
        let geometry = self.geometry(&o.name, o.geometry.as_ref(), o.place.as_deref())?;
        let at = |h: f64| start_ms + (h * HOUR_MS).round() as i64;
        Ok(VolumeSpec {
            geometry,
            buffer_m: o.buffer_m,
            altitude_m: o.altitude_m.unwrap_or([0.0, 0.0]),
            from_ms: at(o.from_h),
            to_ms: o.to_h.map(at),
        })
    }
}

/// The activity id a scenario name stands for, if it is one.
pub fn activity_id(loaded: &Loaded, name: &str) -> Option<ActivityId> {
    match loaded.objects.get(name) {
        Some(ObjectRef::Activity(id)) => Some(*id),
        _ => None,
    }
}
