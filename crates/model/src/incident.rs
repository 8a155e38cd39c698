//! Incidents: what a party alleges or reports happened, where and when, and
//! how the coordinator judged it. An incident does not conflict with
//! anything; it is what the record is searched against.

use crate::actor::{Actor, Role};
use crate::error::{ModelError, Noun};
use crate::id::IncidentId;
use crate::state::State;
use crate::validate;
use deconflict_geo4d::{AltitudeBand, Geometry, Volume, Window};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    /// A claim that another party did something.
    Allegation,
    Attack,
    BlockedMovement,
    FriendlyFire,
    CivilianHarm,
}

/// Where the coordinator's judgement of an incident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    Open,
    Credible,
    NotCredible,
    /// The same as another incident (`duplicate_of`).
    Duplicate,
    /// Judged, then opened again by its reporter or the coordinator.
    Reopened,
}

impl IncidentStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::Credible => "credible",
            IncidentStatus::NotCredible => "not_credible",
            IncidentStatus::Duplicate => "duplicate",
            IncidentStatus::Reopened => "reopened",
        }
    }

    /// Whether the coordinator has judged it.
    fn judged(self) -> bool {
        matches!(
            self,
            IncidentStatus::Credible | IncidentStatus::NotCredible | IncidentStatus::Duplicate
        )
    }
}

/// An incident as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentSpec {
    pub kind: IncidentKind,
    /// Where, as GeoJSON.
    pub place: geojson::Geometry,
    /// How far from `place` it may have been, metres.
    pub precision_m: f64,
    /// When, Unix milliseconds, `to` exclusive.
    pub from_ms: i64,
    pub to_ms: i64,
    /// Who says so: a unit, a spokesman, a witness.
    pub reported_by: String,
    /// The party it is alleged against, if any.
    pub against: Option<String>,
    /// Where the report comes from: a report, an article, a call.
    pub source: String,
    /// How much the source is trusted, as the reporter grades it (e.g. the
    /// Admiralty code `B2`).
    pub source_grade: String,
}

/// One change of an incident's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: IncidentStatus,
    pub party: String,
    pub reason: Option<String>,
    pub duplicate_of: Option<IncidentId>,
    pub time_ms: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Incident {
    pub(crate) reporter: String,
    pub(crate) spec: IncidentSpec,
    pub(crate) history: Vec<StatusChange>,
    /// Investigators the coordinator granted its whole evidence.
    pub(crate) granted: BTreeSet<String>,
    /// It struck declarations its accused party had been told of: which,
    /// and by when the accused is to respond.
    pub(crate) notified: Option<NotifiedSite>,
    /// The accused party's response, and when.
    pub(crate) response: Option<(String, i64)>,
}

/// An `attack` or `friendly_fire` that meets declarations its accused party
/// had been told of, through a conflict: the accused is asked to respond by
/// a deadline, which the coordinator watches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifiedSite {
    pub declarations: Vec<crate::id::DeclarationId>,
    pub respond_by_ms: i64,
}

impl Incident {
    pub(crate) fn status(&self) -> IncidentStatus {
        self.history
            .last()
            .map_or(IncidentStatus::Open, |change| change.status)
    }

    /// Whether `party` may see it: its reporter, the party it is alleged
    /// against, an investigator granted its evidence, and the coordinator.
    fn seen_by(&self, viewer: &Actor) -> bool {
        viewer.coordinator
            || self.reporter == viewer.party
            || self.spec.against.as_deref() == Some(viewer.party.as_str())
            || self.granted.contains(&viewer.party)
    }
}

/// An incident, in full.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentView {
    pub id: IncidentId,
    pub reporter: String,
    pub spec: IncidentSpec,
    pub status: IncidentStatus,
    pub history: Vec<StatusChange>,
    /// It struck a site its accused party had been told of.
    pub notified_site: bool,
    /// The sites, for the coordinator.
    pub notified_sites: Vec<crate::id::DeclarationId>,
    /// By when the accused party is to respond.
    pub respond_by_ms: Option<i64>,
    pub response: Option<String>,
    pub responded_ms: Option<i64>,
}

const MAX_TEXT: usize = 500;
const MAX_PRECISION_M: f64 = 1_000_000.0;

/// Checks a report and returns the volume the record is searched with: the
/// place grown by its precision, over its window, at every altitude.
pub fn incident_volume(spec: &IncidentSpec) -> Result<Volume, ModelError> {
    let invalid =
        |field: &str, e: &dyn std::fmt::Display| ModelError::invalid(field, e.to_string());
    let place = Geometry::from_geojson(&spec.place).map_err(|e| invalid("place", &e))?;
    if !(0.0..=MAX_PRECISION_M).contains(&spec.precision_m) {
        return Err(ModelError::invalid(
            "precision_m",
            format!("must be between 0 and {MAX_PRECISION_M}"),
        ));
    }
    let window = Window::new(spec.from_ms, Some(spec.to_ms)).map_err(|e| match e.field {
        deconflict_geo4d::Field::WindowStart => invalid("window.from", &e.reason),
        _ => invalid("window.to", &e.reason),
    })?;
    Volume::new(place, spec.precision_m, AltitudeBand::ALL, window)
        .map_err(|e| invalid("place", &e))
}

/// Checks the free-text fields of a report.
pub(crate) fn validate(spec: &IncidentSpec) -> Result<(), ModelError> {
    incident_volume(spec)?;
    validate::text("reported_by", &spec.reported_by, MAX_TEXT)?;
    validate::text("source", &spec.source, MAX_TEXT)?;
    validate::text("source_grade", &spec.source_grade, 16)?;
    if let Some(against) = &spec.against {
        validate::text("against", against, 64)?;
    }
    Ok(())
}

/// Whether `actor` may move an incident from `from` to `to`: the
/// coordinator's approvers judge and reopen; the reporter's operators may
/// reopen a judged incident.
pub(crate) fn may_set(
    actor: &Actor,
    incident: &Incident,
    to: IncidentStatus,
) -> Result<(), ModelError> {
    let from = incident.status();
    let approver = actor.coordinator && actor.role == Role::Approver;
    let reporter = actor.party == incident.reporter && actor.role == Role::Operator;
    let allowed_from = match to {
        IncidentStatus::Open => false,
        IncidentStatus::Reopened => from.judged(),
        _ => !from.judged(),
    };
    if !allowed_from {
        return Err(ModelError::WrongState {
            noun: Noun::Incident,
            state: from.as_str(),
            verb: "set that status",
            needs: match to {
                IncidentStatus::Reopened => "credible, not_credible or duplicate",
                IncidentStatus::Open => "nothing: an incident is open only when reported",
                _ => "open or reopened",
            },
        });
    }
    match (to, approver, reporter) {
        (_, true, _) | (IncidentStatus::Reopened, _, true) => Ok(()),
        (IncidentStatus::Reopened, false, false) => Err(ModelError::NotOwner {
            noun: Noun::Incident,
            verb: "reopen",
        }),
        _ => Err(ModelError::NotCoordinator {
            verb: "judge incidents",
        }),
    }
}

impl State {
    /// An incident the viewer may see, or [`ModelError::NotFound`].
    pub fn incident(&self, viewer: &Actor, id: &IncidentId) -> Result<IncidentView, ModelError> {
        match self.incidents.get(id) {
            Some(i) if i.seen_by(viewer) => Ok(view(viewer, id, i)),
            _ => Err(ModelError::NotFound(Noun::Incident)),
        }
    }

    /// Every incident the viewer may see, by id.
    pub fn incidents(&self, viewer: &Actor) -> Vec<IncidentView> {
        self.incidents
            .iter()
            .filter(|(_, i)| i.seen_by(viewer))
            .map(|(id, i)| view(viewer, id, i))
            .collect()
    }

    pub(crate) fn visible_incident(
        &self,
        viewer: &Actor,
        id: &IncidentId,
    ) -> Result<&Incident, ModelError> {
        self.incidents
            .get(id)
            .filter(|i| i.seen_by(viewer))
            .ok_or(ModelError::NotFound(Noun::Incident))
    }
}

fn view(viewer: &Actor, id: &IncidentId, i: &Incident) -> IncidentView {
    IncidentView {
        id: *id,
        reporter: i.reporter.clone(),
        spec: i.spec.clone(),
        status: i.status(),
        history: i.history.clone(),
        notified_site: i.notified.is_some(),
        notified_sites: i
            .notified
            .as_ref()
            .filter(|_| viewer.coordinator)
            .map(|n| n.declarations.clone())
            .unwrap_or_default(),
        respond_by_ms: i.notified.as_ref().map(|n| n.respond_by_ms),
        response: i.response.as_ref().map(|(r, _)| r.clone()),
        responded_ms: i.response.as_ref().map(|(_, t)| *t),
    }
}

impl State {
    /// The declarations an incident of `spec` strikes that its accused
    /// party had been told of, through a conflict it received or opened.
    pub(crate) fn notified_sites(&self, spec: &IncidentSpec) -> Vec<crate::id::DeclarationId> {
        let (Some(accused), IncidentKind::Attack | IncidentKind::FriendlyFire) =
            (&spec.against, spec.kind)
        else {
            return Vec::new();
        };
        let Ok(volume) = incident_volume(spec) else {
            return Vec::new();
        };
        let told = |c: &crate::object::Conflict| {
            c.sides.iter().any(|s| {
                s.party == *accused
                    && matches!(
                        s.notification.state,
                        crate::NotificationState::Delivered
                            | crate::NotificationState::Acknowledged
                    )
            })
        };
        let mut sites: Vec<crate::id::DeclarationId> = self
            .index
            .conflicting(&volume)
            .into_iter()
            .filter_map(|key| match self.live(key) {
                Some((crate::id::ObjectRef::Declaration(d), _, _)) => Some(*d),
                _ => None,
            })
            .filter(|d| {
                self.declarations[d]
                    .conflicts
                    .all
                    .iter()
                    .filter_map(|c| self.conflicts.get(c))
                    .any(told)
            })
            .collect();
        sites.sort();
        sites
    }
}
