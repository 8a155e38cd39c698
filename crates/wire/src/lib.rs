//! The JSON the API speaks, mapped to and from the model at the edge. The
//! model has no wire format of its own: every response here is built from one
//! of its need-to-know views, and nothing else. Scenario files are written in
//! the same forms, and evidence bundles carry their incident in it.

pub mod schema;
pub mod theatre;
pub mod time;

use crate::schema::{
    ACTIVITY_STATES, ActivityStateName, AltitudeBand, CONFLICT_STATES, ConflictStateName, Geometry,
    NotificationStateName, Time, WithheldName,
};
use crate::time::{rfc3339, rfc3339_opt};
use deconflict_model::{
    ActivityState, ActivityView, CoarseArea, ConflictState, ConflictView, DeclarationId,
    DeclarationView, Disclosure, IncidentKind, IncidentSpec, IncidentStatus, IncidentView,
    Notification, NotificationState, ObjectRef, Position, SideView, StateView, TrackReport,
    TrackView, TrackingSpec, Visibility, VolumeSpec,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who may see a declaration in full: `private`, its own party and the
/// coordinator; `public`, every party (a no-strike list entry).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "Visibility")]
pub enum VisibilityWire {
    #[default]
    Private,
    Public,
}

impl From<VisibilityWire> for Visibility {
    fn from(v: VisibilityWire) -> Visibility {
        match v {
            VisibilityWire::Private => Visibility::Private,
            VisibilityWire::Public => Visibility::Public,
        }
    }
}

impl From<Visibility> for VisibilityWire {
    fn from(v: Visibility) -> VisibilityWire {
        match v {
            Visibility::Private => VisibilityWire::Private,
            Visibility::Public => VisibilityWire::Public,
        }
    }
}

/// What another party in conflict with the object learns: `coarse` (kind,
/// window, ~5 km area) or `coordinator_only` (only that the coordinator will
/// contact it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "Disclosure")]
pub enum DisclosureWire {
    #[default]
    Coarse,
    CoordinatorOnly,
}

impl From<DisclosureWire> for Disclosure {
    fn from(d: DisclosureWire) -> Disclosure {
        match d {
            DisclosureWire::Coarse => Disclosure::Coarse,
            DisclosureWire::CoordinatorOnly => Disclosure::CoordinatorOnly,
        }
    }
}

impl From<Disclosure> for DisclosureWire {
    fn from(d: Disclosure) -> DisclosureWire {
        match d {
            Disclosure::Coarse => DisclosureWire::Coarse,
            Disclosure::CoordinatorOnly => DisclosureWire::CoordinatorOnly,
        }
    }
}

/// A reference to one of the caller's (or a fully visible) objects.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "ObjectRef")]
pub struct ObjectWire {
    #[serde(rename = "type")]
    kind: ObjectKindWire,
    id: String,
}

/// What kind of object a reference names.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
enum ObjectKindWire {
    Declaration,
    Activity,
    Conflict,
    Incident,
}

impl From<&ObjectRef> for ObjectWire {
    fn from(object: &ObjectRef) -> ObjectWire {
        let (kind, id) = match object {
            ObjectRef::Declaration(id) => (ObjectKindWire::Declaration, id.to_string()),
            ObjectRef::Activity(id) => (ObjectKindWire::Activity, id.to_string()),
            ObjectRef::Conflict(id) => (ObjectKindWire::Conflict, id.to_string()),
            ObjectRef::Incident(id) => (ObjectKindWire::Incident, id.to_string()),
        };
        ObjectWire { kind, id }
    }
}

/// A declaration as its owner writes it (`POST /v1/declarations`, `PUT
/// /v1/declarations/{id}`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationIn {
    #[schemars(regex(pattern = r"^[a-z0-9_]{1,64}$"))]
    #[schemars(example = &"unit_position", example = &"base", example = &"checkpoint")]
    pub kind: String,
    #[schemars(length(max = 200))]
    pub label: String,
    #[schemars(with = "Geometry")]
    pub geometry: geojson::Geometry,
    /// Metres around the geometry.
    #[schemars(range(min = 0.0))]
    pub buffer_m: f64,
    #[serde(default)]
    #[schemars(with = "Option<AltitudeBand>")]
    pub altitude_m: Option<[f64; 2]>,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    pub valid_from: i64,
    /// Exclusive; left out or `null`: open-ended.
    #[serde(default, with = "rfc3339_opt")]
    #[schemars(with = "Option<Time>")]
    pub valid_to: Option<i64>,
    #[serde(default)]
    pub visibility: VisibilityWire,
    #[serde(default)]
    pub disclosure: DisclosureWire,
    /// A unit that reports its position (`POST /v1/tracks`, Cursor-on-Target).
    #[serde(default)]
    pub tracking: Option<TrackingWire>,
    /// `PUT` only: the version being replaced (optimistic locking; a `POST`
    /// with it is refused).
    #[serde(default)]
    pub version: Option<u64>,
}

impl DeclarationIn {
    pub fn spec(self) -> deconflict_model::DeclarationSpec {
        deconflict_model::DeclarationSpec {
            kind: self.kind,
            label: self.label,
            volume: VolumeSpec {
                geometry: self.geometry,
                buffer_m: self.buffer_m,
                altitude_m: self.altitude_m.unwrap_or([0.0, 0.0]),
                from_ms: self.valid_from,
                to_ms: self.valid_to,
            },
            visibility: self.visibility.into(),
            disclosure: self.disclosure.into(),
            tracking: self.tracking.map(Into::into),
        }
    }
}

/// A unit that reports its position (`POST /v1/tracks`, Cursor-on-Target).
/// Past twice its interval without a report it is stale: conflicts are
/// checked against its last position grown by `max_speed_mps` times its
/// silence, up to the service's cap (20 km by default, never more than its
/// kind's area limit); there it is lost: it meets no new activity (the
/// coordinator is alerted instead) until it reports again. A report or an
/// amendment that puts it farther from its last report than it could have
/// gone is refused.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Tracking")]
pub struct TrackingWire {
    #[schemars(range(min = 1, max = 86_400))]
    report_interval_s: u32,
    /// Default: the service's policy (30 m/s). At most its kind's ceiling:
    /// 70 m/s for a `unit_position`, 40 for a `convoy`, 350 for a `flight`
    /// (configurable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0, "maximum" = 3000))]
    max_speed_mps: Option<f64>,
    /// The Cursor-on-Target uid its device reports under; unique among the
    /// party's standing declarations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 256))]
    cot_uid: Option<String>,
}

impl From<TrackingWire> for TrackingSpec {
    fn from(t: TrackingWire) -> TrackingSpec {
        TrackingSpec {
            report_interval_s: t.report_interval_s,
            max_speed_mps: t.max_speed_mps,
            cot_uid: t.cot_uid,
        }
    }
}

impl From<TrackingSpec> for TrackingWire {
    fn from(t: TrackingSpec) -> TrackingWire {
        TrackingWire {
            report_interval_s: t.report_interval_s,
            max_speed_mps: t.max_speed_mps,
            cot_uid: t.cot_uid,
        }
    }
}

/// A batch of position reports (`POST /v1/tracks`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TracksIn {
    #[schemars(length(min = 1, max = 10_000))]
    pub reports: Vec<TrackReportIn>,
}

/// One position report, as TAK and C2 systems give it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackReportIn {
    /// A standing declaration of the caller's party declared with `tracking`.
    #[schemars(with = "String")]
    pub declaration_id: DeclarationId,
    /// When the unit was there; at most five minutes ahead of the service's
    /// clock.
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    pub time: i64,
    #[schemars(range(min = -90.0, max = 90.0))]
    pub lat: f64,
    #[schemars(range(min = -180.0, max = 180.0))]
    pub lon: f64,
    /// Height above the ellipsoid, metres.
    #[serde(default)]
    pub hae: Option<f64>,
    /// Circular error, metres; grows the unit's buffer.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100_000.0))]
    pub ce_m: Option<f64>,
    /// Metres a second.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub speed: Option<f64>,
    /// Degrees from true north.
    #[serde(default)]
    #[schemars(extend("minimum" = 0, "exclusiveMaximum" = 360))]
    pub course: Option<f64>,
}

impl From<TrackReportIn> for TrackReport {
    fn from(r: TrackReportIn) -> TrackReport {
        TrackReport {
            declaration: r.declaration_id,
            time_ms: r.time,
            position: Position {
                lat: r.lat,
                lon: r.lon,
                hae: r.hae,
                ce_m: r.ce_m,
                speed_mps: r.speed,
                course_deg: r.course,
            },
        }
    }
}

/// A unit's last reported position, and whether it has gone stale.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Track")]
pub struct TrackOut {
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    time: i64,
    lat: f64,
    lon: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    hae: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ce_m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speed: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    course: Option<f64>,
    /// Silent past twice its interval: conflicts are checked against
    /// `stale_buffer_m` around this position.
    stale: bool,
    /// While stale: the buffer assumed around the last position.
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_buffer_m: Option<f64>,
    /// Stale past the largest reach it may be given: where it is is not
    /// known, and it meets no new activity until it reports again.
    lost: bool,
}

impl From<TrackView> for TrackOut {
    fn from(t: TrackView) -> TrackOut {
        let p = t.position;
        TrackOut {
            time: t.time_ms,
            lat: p.lat,
            lon: p.lon,
            hae: p.hae,
            ce_m: p.ce_m,
            speed: p.speed_mps,
            course: p.course_deg,
            stale: t.stale.is_some(),
            lost: t.stale.as_ref().is_some_and(|s| s.lost),
            stale_buffer_m: t.stale.map(|s| s.buffer_m),
        }
    }
}

/// An activity as its owner submits it (`POST /v1/activities`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityIn {
    #[schemars(regex(pattern = r"^[a-z0-9_]{1,64}$"))]
    #[schemars(example = &"air_strike", example = &"patrol", example = &"convoy")]
    pub kind: String,
    #[schemars(length(max = 200))]
    pub label: String,
    #[schemars(with = "Geometry")]
    pub geometry: geojson::Geometry,
    /// Metres of hazard around the geometry, as the owner declares it.
    #[schemars(range(min = 0.0))]
    pub buffer_m: f64,
    #[serde(default)]
    #[schemars(with = "Option<AltitudeBand>")]
    pub altitude_m: Option<[f64; 2]>,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    pub start: i64,
    /// Exclusive; required (an activity without an end is refused).
    #[serde(default, with = "rfc3339_opt")]
    #[schemars(with = "Time", required)]
    pub end: Option<i64>,
    #[serde(default)]
    pub disclosure: DisclosureWire,
    /// Submitted later than a notice rule asks: why, by the emergency lane.
    /// Such an activity always waits for an approver's clearance.
    #[serde(default)]
    #[schemars(length(min = 1, max = 2000))]
    pub late_notice: Option<String>,
}

impl ActivityIn {
    pub fn spec(self) -> deconflict_model::ActivitySpec {
        deconflict_model::ActivitySpec {
            kind: self.kind,
            label: self.label,
            volume: VolumeSpec {
                geometry: self.geometry,
                buffer_m: self.buffer_m,
                altitude_m: self.altitude_m.unwrap_or([0.0, 0.0]),
                from_ms: self.start,
                to_ms: self.end,
            },
            disclosure: self.disclosure.into(),
            late_notice: self.late_notice,
        }
    }
}

/// The body of an action that may carry a reason (`clear`, `hold`, `deny`,
/// `override`) or none (`start`, `complete`, `cancel`, `acknowledge`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ReasonBody")]
pub struct ReasonIn {
    #[serde(default)]
    #[schemars(length(max = 2000))]
    pub reason: Option<String>,
}

/// No fields; the body may be left out.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "EmptyBody")]
pub struct EmptyIn {}

/// A declaration, in full.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Declaration")]
pub struct DeclarationOut {
    id: String,
    version: u64,
    owner: String,
    kind: String,
    label: String,
    #[schemars(with = "Geometry")]
    geometry: geojson::Geometry,
    buffer_m: f64,
    #[schemars(with = "AltitudeBand")]
    altitude_m: [f64; 2],
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    valid_from: i64,
    #[serde(with = "rfc3339_opt")]
    #[schemars(with = "Option<Time>")]
    valid_to: Option<i64>,
    visibility: VisibilityWire,
    disclosure: DisclosureWire,
    withdrawn: bool,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    created_at: i64,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    updated_at: i64,
    /// Ids of the conflicts the caller may see.
    conflicts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tracking: Option<TrackingWire>,
    /// The last reported position; only for a tracked unit that has reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    track: Option<TrackOut>,
    /// Why the coordinator disputes it, while it does: it causes no holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    disputed: Option<String>,
    /// Since when it is unconfirmed: its owner did not re-confirm it in
    /// time. Still protected.
    #[serde(with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Time>")]
    unconfirmed_since: Option<i64>,
    /// The owner's and the coordinator's: the deadline the owner was given
    /// to re-confirm it, an activity being planned over it.
    #[serde(with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Time>")]
    reconfirm_by: Option<i64>,
    /// Its challenges the caller may see: all, to its owner and the
    /// coordinator; its own, to a challenger.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    challenges: Vec<crate::theatre::ChallengeOut>,
}

impl From<DeclarationView> for DeclarationOut {
    fn from(d: DeclarationView) -> DeclarationOut {
        DeclarationOut {
            id: d.id.to_string(),
            version: d.version,
            owner: d.owner,
            kind: d.kind,
            label: d.label,
            geometry: d.volume.geometry,
            buffer_m: d.volume.buffer_m,
            altitude_m: d.volume.altitude_m,
            valid_from: d.volume.from_ms,
            valid_to: d.volume.to_ms,
            visibility: d.visibility.into(),
            disclosure: d.disclosure.into(),
            withdrawn: d.withdrawn,
            created_at: d.created_ms,
            updated_at: d.updated_ms,
            conflicts: d.conflicts.iter().map(ToString::to_string).collect(),
            tracking: d.tracking.map(Into::into),
            track: d.track.map(Into::into),
            disputed: d.disputed,
            unconfirmed_since: d.unconfirmed_since,
            reconfirm_by: d.reconfirm_by,
            challenges: d.challenges.into_iter().map(Into::into).collect(),
        }
    }
}

/// One step of an activity's life.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Transition")]
pub struct TransitionOut {
    #[schemars(with = "ActivityStateName")]
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    at: i64,
}

/// An activity, in full.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Activity")]
pub struct ActivityOut {
    id: String,
    owner: String,
    kind: String,
    label: String,
    #[schemars(with = "Geometry")]
    geometry: geojson::Geometry,
    buffer_m: f64,
    #[schemars(with = "AltitudeBand")]
    altitude_m: [f64; 2],
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    start: i64,
    #[serde(with = "rfc3339_opt")]
    #[schemars(with = "Option<Time>")]
    end: Option<i64>,
    disclosure: DisclosureWire,
    /// Submitted late by the emergency lane: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    late_notice: Option<String>,
    #[schemars(with = "ActivityStateName")]
    state: &'static str,
    history: Vec<TransitionOut>,
    /// Ids of the conflicts the caller may see.
    conflicts: Vec<String>,
}

impl From<ActivityView> for ActivityOut {
    fn from(a: ActivityView) -> ActivityOut {
        ActivityOut {
            id: a.id.to_string(),
            owner: a.owner,
            kind: a.kind,
            label: a.label,
            geometry: a.volume.geometry,
            buffer_m: a.volume.buffer_m,
            altitude_m: a.volume.altitude_m,
            start: a.volume.from_ms,
            end: a.volume.to_ms,
            disclosure: a.disclosure.into(),
            late_notice: a.late_notice,
            state: a.state.as_str(),
            history: a
                .history
                .into_iter()
                .map(|t| TransitionOut {
                    state: t.state.as_str(),
                    reason: t.reason,
                    at: t.time_ms,
                })
                .collect(),
            conflicts: a.conflicts.iter().map(ToString::to_string).collect(),
        }
    }
}

/// How far a party's notification of the conflict has gone. Of its own side
/// the caller reads all of it (the coordinator, of every side); of another
/// party's side only `acknowledged`: never whether or when it was
/// delivered, nor when it was acknowledged.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Notification")]
pub struct NotificationOut {
    /// Whether the party has acknowledged the conflict.
    acknowledged: bool,
    /// The caller's own side only (every side for the coordinator).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "NotificationStateName")]
    state: Option<&'static str>,
    /// The caller's own side only (every side for the coordinator).
    #[serde(with = "rfc3339_opt", skip_serializing_if = "Option::is_none", default)]
    #[schemars(with = "Time")]
    delivered_at: Option<i64>,
    /// The caller's own side only (every side for the coordinator).
    #[serde(with = "rfc3339_opt", skip_serializing_if = "Option::is_none", default)]
    #[schemars(with = "Time")]
    acknowledged_at: Option<i64>,
}

impl NotificationOut {
    /// Another party's notification: whether it acknowledged, nothing else.
    fn other(acknowledged: bool) -> NotificationOut {
        NotificationOut {
            acknowledged,
            state: None,
            delivered_at: None,
            acknowledged_at: None,
        }
    }
}

impl From<Notification> for NotificationOut {
    fn from(n: Notification) -> NotificationOut {
        NotificationOut {
            acknowledged: n.state == NotificationState::Acknowledged,
            state: Some(n.state.as_str()),
            delivered_at: n.delivered_ms,
            acknowledged_at: n.acknowledged_ms,
        }
    }
}

/// One side of a conflict, as the caller may see it: `full` (its own object,
/// a public declaration, or anything for the coordinator), `coarse` (another
/// party's object: its kind only) or `coordinator_only` (nothing but that the
/// coordinator will make contact). Of another party's notification, only
/// whether it acknowledged.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "ConflictSide")]
pub struct SideOut {
    view: SideViewWire,
    #[serde(skip_serializing_if = "Option::is_none")]
    party: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<ObjectWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notification: Option<NotificationOut>,
    /// The side is a site the coordinator ruled disputed: it stands, but
    /// its claim is contested. Absent when it is not, or not told.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    disputed: bool,
}

/// How much of a conflict's side the caller sees.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
enum SideViewWire {
    Full,
    Coarse,
    CoordinatorOnly,
}

impl From<SideView> for SideOut {
    fn from(side: SideView) -> SideOut {
        match side {
            SideView::Full {
                party,
                object,
                kind,
                notification,
                disputed,
            } => SideOut {
                view: SideViewWire::Full,
                party: Some(party),
                object: Some(ObjectWire::from(&object)),
                kind: Some(kind),
                notification: Some(notification.into()),
                disputed,
            },
            SideView::Public {
                party,
                object,
                kind,
                acknowledged,
                disputed,
            } => SideOut {
                view: SideViewWire::Full,
                party: Some(party),
                object: Some(ObjectWire::from(&object)),
                kind: Some(kind),
                notification: Some(NotificationOut::other(acknowledged)),
                disputed,
            },
            SideView::Coarse {
                kind,
                acknowledged,
                disputed,
            } => SideOut {
                view: SideViewWire::Coarse,
                party: None,
                object: None,
                kind: Some(kind),
                notification: Some(NotificationOut::other(acknowledged)),
                disputed,
            },
            SideView::CoordinatorWillContact => SideOut {
                view: SideViewWire::CoordinatorOnly,
                party: None,
                object: None,
                kind: None,
                notification: None,
                disputed: false,
            },
        }
    }
}

/// Whole 0.05° cells that contain the overlap, never finer: their box and
/// the same as a GeoJSON polygon.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Area")]
pub struct AreaOut {
    /// West, south, east, north.
    bbox: [f64; 4],
    geometry: BoxPolygon,
}

/// The box as a GeoJSON polygon.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(inline)]
struct BoxPolygon {
    #[serde(rename = "type")]
    #[schemars(extend("const" = "Polygon"))]
    kind: &'static str,
    coordinates: [[[f64; 2]; 5]; 1],
}

impl From<CoarseArea> for AreaOut {
    fn from(area: CoarseArea) -> AreaOut {
        let [w, s, e, n] = area.bbox();
        AreaOut {
            bbox: [w, s, e, n],
            geometry: BoxPolygon {
                kind: "Polygon",
                coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
            },
        }
    }
}

/// Where and when a conflict's volumes overlap: the overlap of the two
/// windows rounded outward to whole hours (UTC), the area whole 0.05° cells.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Overlap")]
pub struct OverlapOut {
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    from: i64,
    #[serde(with = "rfc3339_opt")]
    #[schemars(with = "Option<Time>")]
    to: Option<i64>,
    area: AreaOut,
}

/// An approver's override.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Override")]
pub struct OverrideOut {
    reason: String,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    at: i64,
}

/// A conflict as the caller may see it. The caller's own side comes first.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Conflict")]
pub struct ConflictOut {
    id: String,
    #[schemars(with = "ConflictStateName")]
    state: &'static str,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    opened_at: i64,
    #[serde(with = "rfc3339_opt")]
    #[schemars(with = "Option<Time>")]
    resolved_at: Option<i64>,
    #[serde(rename = "override")]
    overridden: Option<OverrideOut>,
    /// `null` when the caller is told only that the coordinator will contact it.
    overlap: Option<OverlapOut>,
    sides: [SideOut; 2],
    /// Coordinator only: what was kept from the party that opened it.
    #[serde(skip_serializing_if = "Option::is_none")]
    withheld: Option<WithheldOut>,
}

/// Why the party that opened a conflict was told only that the coordinator
/// will contact it: `wide` (its question met more than a few objects of other
/// parties, or covered a large area) or `budget` (it had spent its budget of
/// answers); `opener_shown` false when it was not shown the conflict at all
/// and the coordinator is to tell it.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Withheld")]
pub struct WithheldOut {
    #[schemars(with = "WithheldName")]
    reason: &'static str,
    opener_shown: bool,
}

impl From<ConflictView> for ConflictOut {
    fn from(c: ConflictView) -> ConflictOut {
        ConflictOut {
            id: c.id.to_string(),
            state: c.state.as_str(),
            opened_at: c.opened_ms,
            resolved_at: c.resolved_ms,
            overridden: c.overridden.map(|o| OverrideOut {
                reason: o.reason,
                at: o.time_ms,
            }),
            overlap: c.overlap.map(|o| OverlapOut {
                from: o.window.from(),
                to: o.window.to(),
                area: o.area.into(),
            }),
            sides: c.sides.map(SideOut::from),
            withheld: c.withheld.map(|w| WithheldOut {
                reason: w.as_str(),
                opener_shown: !c.via_coordinator,
            }),
        }
    }
}

/// Everything the caller may see, as of one log entry.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "State")]
pub struct StateOut {
    /// The last entry the view includes; `null` for an empty log.
    seq: Option<u64>,
    declarations: Vec<DeclarationOut>,
    activities: Vec<ActivityOut>,
    conflicts: Vec<ConflictOut>,
}

impl From<StateView> for StateOut {
    fn from(v: StateView) -> StateOut {
        StateOut {
            seq: v.seq,
            declarations: v.declarations.into_iter().map(Into::into).collect(),
            activities: v.activities.into_iter().map(Into::into).collect(),
            conflicts: v.conflicts.into_iter().map(Into::into).collect(),
        }
    }
}

/// One page of a list. Pass `next_after` as `after` for the next page; it is
/// `null` on the last.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "{T}Page")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_after: Option<String>,
}

/// Parses a state filter of activities.
pub fn activity_state(text: &str) -> Option<ActivityState> {
    ACTIVITY_STATES.into_iter().find(|s| s.as_str() == text)
}

/// Parses a state filter of conflicts.
pub fn conflict_state(text: &str) -> Option<ConflictState> {
    CONFLICT_STATES.into_iter().find(|s| s.as_str() == text)
}

/// An incident's kind, as the API writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "IncidentKind")]
pub enum IncidentKindWire {
    Allegation,
    Attack,
    BlockedMovement,
    FriendlyFire,
    CivilianHarm,
}

impl From<IncidentKindWire> for IncidentKind {
    fn from(kind: IncidentKindWire) -> IncidentKind {
        match kind {
            IncidentKindWire::Allegation => IncidentKind::Allegation,
            IncidentKindWire::Attack => IncidentKind::Attack,
            IncidentKindWire::BlockedMovement => IncidentKind::BlockedMovement,
            IncidentKindWire::FriendlyFire => IncidentKind::FriendlyFire,
            IncidentKindWire::CivilianHarm => IncidentKind::CivilianHarm,
        }
    }
}

impl From<IncidentKind> for IncidentKindWire {
    fn from(kind: IncidentKind) -> IncidentKindWire {
        match kind {
            IncidentKind::Allegation => IncidentKindWire::Allegation,
            IncidentKind::Attack => IncidentKindWire::Attack,
            IncidentKind::BlockedMovement => IncidentKindWire::BlockedMovement,
            IncidentKind::FriendlyFire => IncidentKindWire::FriendlyFire,
            IncidentKind::CivilianHarm => IncidentKindWire::CivilianHarm,
        }
    }
}

/// An incident's status, as the API writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "IncidentStatus")]
pub enum IncidentStatusWire {
    Open,
    Credible,
    NotCredible,
    Duplicate,
    Reopened,
}

impl From<IncidentStatusWire> for IncidentStatus {
    fn from(status: IncidentStatusWire) -> IncidentStatus {
        match status {
            IncidentStatusWire::Open => IncidentStatus::Open,
            IncidentStatusWire::Credible => IncidentStatus::Credible,
            IncidentStatusWire::NotCredible => IncidentStatus::NotCredible,
            IncidentStatusWire::Duplicate => IncidentStatus::Duplicate,
            IncidentStatusWire::Reopened => IncidentStatus::Reopened,
        }
    }
}

impl From<IncidentStatus> for IncidentStatusWire {
    fn from(status: IncidentStatus) -> IncidentStatusWire {
        match status {
            IncidentStatus::Open => IncidentStatusWire::Open,
            IncidentStatus::Credible => IncidentStatusWire::Credible,
            IncidentStatus::NotCredible => IncidentStatusWire::NotCredible,
            IncidentStatus::Duplicate => IncidentStatusWire::Duplicate,
            IncidentStatus::Reopened => IncidentStatusWire::Reopened,
        }
    }
}

/// When an incident happened: `to` exclusive.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Window")]
pub struct WindowWire {
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    pub from: i64,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    pub to: i64,
}

/// An incident as its reporter records it (`POST /v1/incidents`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentIn {
    kind: IncidentKindWire,
    #[schemars(with = "Geometry")]
    place: geojson::Geometry,
    #[schemars(range(min = 0.0, max = 1_000_000.0))]
    precision_m: f64,
    window: WindowWire,
    reported_by: String,
    /// The party it is alleged against.
    #[serde(default)]
    against: Option<String>,
    source: String,
    #[schemars(example = &"B2")]
    source_grade: String,
}

impl IncidentIn {
    pub fn place(&self) -> &geojson::Geometry {
        &self.place
    }

    pub fn spec(self) -> IncidentSpec {
        IncidentSpec {
            kind: self.kind.into(),
            place: self.place,
            precision_m: self.precision_m,
            from_ms: self.window.from,
            to_ms: self.window.to,
            reported_by: self.reported_by,
            against: self.against,
            source: self.source,
            source_grade: self.source_grade,
        }
    }
}

/// A change of an incident's status (`POST /v1/incidents/{id}/status`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentStatusIn {
    pub status: IncidentStatusWire,
    /// Why; required (a change without one is refused, `reason_required`).
    #[serde(default)]
    #[schemars(required, with = "String")]
    pub reason: Option<String>,
    /// The incident this one repeats: for, and only for, `duplicate`.
    #[serde(default)]
    pub duplicate_of: Option<String>,
}

/// An incident, in full.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Incident")]
pub struct IncidentOut {
    id: String,
    reporter: String,
    kind: IncidentKindWire,
    #[schemars(with = "Geometry")]
    place: geojson::Geometry,
    precision_m: f64,
    window: WindowWire,
    reported_by: String,
    against: Option<String>,
    source: String,
    source_grade: String,
    status: IncidentStatusWire,
    history: Vec<StatusChangeOut>,
    /// It struck a site its accused party had been told of, through a
    /// conflict: the accused is asked to respond by `respond_by`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    notified_site: bool,
    /// The coordinator's: the sites it struck that the accused had been
    /// told of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notified_sites: Vec<String>,
    #[serde(default, with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Time>")]
    respond_by: Option<i64>,
    /// The accused party's response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    response: Option<String>,
    #[serde(default, with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Time>")]
    responded: Option<i64>,
}

/// The accused party's response to an incident (`POST
/// /v1/incidents/{id}/response`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IncidentResponseIn")]
pub struct ResponseIn {
    #[schemars(length(min = 1, max = 2000))]
    pub response: String,
}

/// One change of an incident's status: who, when, why.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "StatusChange")]
pub struct StatusChangeOut {
    status: IncidentStatusWire,
    party: String,
    reason: Option<String>,
    duplicate_of: Option<String>,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    at: i64,
}

impl IncidentOut {
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl From<IncidentView> for IncidentOut {
    fn from(i: IncidentView) -> IncidentOut {
        let spec = i.spec;
        IncidentOut {
            id: i.id.to_string(),
            reporter: i.reporter,
            kind: spec.kind.into(),
            place: spec.place,
            precision_m: spec.precision_m,
            window: WindowWire {
                from: spec.from_ms,
                to: spec.to_ms,
            },
            reported_by: spec.reported_by,
            against: spec.against,
            source: spec.source,
            source_grade: spec.source_grade,
            status: i.status.into(),
            history: i
                .history
                .into_iter()
                .map(|c| StatusChangeOut {
                    status: c.status.into(),
                    party: c.party,
                    reason: c.reason,
                    duplicate_of: c.duplicate_of.map(|d| d.to_string()),
                    at: c.time_ms,
                })
                .collect(),
            notified_site: i.notified_site,
            notified_sites: i.notified_sites.iter().map(ToString::to_string).collect(),
            respond_by: i.respond_by_ms,
            response: i.response,
            responded: i.responded_ms,
        }
    }
}
