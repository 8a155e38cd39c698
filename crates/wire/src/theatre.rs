//! The rules of the theatre and check fire, on the wire: what the
//! coordinator sets (`POST /v1/rules`), what a party reads of them, and a
//! stop as its raiser, its owners and the coordinator see it.

use crate::schema::{AltitudeBand, Geometry, Time};
use crate::time::{rfc3339, rfc3339_opt};
use deconflict_model::{
    AreaEffect, ChallengeRuling, ChallengeView, Rule, RuleSpec, RuleVersion, StopCause, StopSpec,
    StopState, StopView, VolumeSpec,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A kind of activity or declaration.
type Kind = String;

/// What a rule says, by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(rename = "Rule")]
pub enum RuleWire {
    /// The parties bound may not submit activities of these kinds at all.
    Forbid {
        #[schemars(length(min = 1, max = 64))]
        kinds: Vec<Kind>,
    },
    /// Activities of these kinds wait for an approver's clearance. With no
    /// kinds, the parties bound are freed from the configured list, which
    /// applies to any party no clearance rule binds.
    Clearance {
        #[schemars(length(max = 64))]
        kinds: Vec<Kind>,
    },
    /// An activity of `kind` is submitted at least `hours` before it
    /// starts; later only with `late_notice` and a reason, and then it
    /// always waits for clearance.
    Notice {
        kind: Kind,
        #[schemars(range(max = 720.0))]
        hours: f64,
    },
    /// An area over a window (a no-fire area, a restricted fire line as a
    /// line with a buffer, a zone): activities of `kinds` (of any kind if
    /// none) that meet it are refused, or wait for clearance.
    Area {
        #[schemars(length(min = 1, max = 200))]
        label: String,
        #[schemars(with = "Geometry")]
        geometry: geojson::Geometry,
        #[serde(default)]
        #[schemars(range(min = 0.0))]
        buffer_m: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(with = "Option<AltitudeBand>")]
        altitude_m: Option<[f64; 2]>,
        #[serde(with = "rfc3339")]
        #[schemars(with = "Time")]
        valid_from: i64,
        /// Exclusive; absent: until a new version says otherwise.
        #[serde(default, with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
        #[schemars(with = "Option<Time>")]
        valid_to: Option<i64>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        kinds: Vec<Kind>,
        effect: AreaEffectWire,
    },
    /// Kinds from the highest priority to the lowest (a kind not named
    /// comes last): an activity is not cleared over an open conflict with
    /// an activity of a higher kind until the coordinator overrides it.
    Priority {
        #[schemars(length(min = 2, max = 64))]
        kinds: Vec<Kind>,
    },
    /// A party accused of an `attack` or `friendly_fire` on a site it had
    /// been told of (through a conflict) responds within `hours`.
    Respond {
        #[schemars(range(max = 720.0))]
        hours: f64,
    },
    /// A declaration of `kind` is re-confirmed by its owner at least every
    /// `hours`, or it is shown unconfirmed (still protected); an activity
    /// planned over an unconfirmed site waits for its owner to re-confirm
    /// it, within the activity's notice.
    Reconfirm {
        kind: Kind,
        #[schemars(range(max = 720.0))]
        hours: f64,
    },
    /// The limits of `kind`, over the built-in ones.
    Limits {
        kind: Kind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_area_km2: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_window_h: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_altitude_m: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_speed_mps: Option<f64>,
    },
}

/// What an area rule does to an activity that meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "AreaEffect")]
pub enum AreaEffectWire {
    Refuse,
    Clearance,
}

impl From<RuleWire> for Rule {
    fn from(rule: RuleWire) -> Rule {
        match rule {
            RuleWire::Forbid { kinds } => Rule::Forbid { kinds },
            RuleWire::Clearance { kinds } => Rule::Clearance { kinds },
            RuleWire::Notice { kind, hours } => Rule::Notice { kind, hours },
            RuleWire::Area {
                label,
                geometry,
                buffer_m,
                altitude_m,
                valid_from,
                valid_to,
                kinds,
                effect,
            } => Rule::Area {
                label,
                volume: VolumeSpec {
                    geometry,
                    buffer_m,
                    altitude_m: altitude_m.unwrap_or([
                        -deconflict_model::MAX_ALTITUDE_M,
                        deconflict_model::MAX_ALTITUDE_M,
                    ]),
                    from_ms: valid_from,
                    to_ms: valid_to,
                },
                kinds,
                effect: match effect {
                    AreaEffectWire::Refuse => AreaEffect::Refuse,
                    AreaEffectWire::Clearance => AreaEffect::Clearance,
                },
            },
            RuleWire::Priority { kinds } => Rule::Priority { kinds },
            RuleWire::Reconfirm { kind, hours } => Rule::Reconfirm { kind, hours },
            RuleWire::Respond { hours } => Rule::Respond { hours },
            RuleWire::Limits {
                kind,
                max_area_km2,
                max_window_h,
                max_altitude_m,
                max_speed_mps,
            } => Rule::Limits {
                kind,
                max_area_km2,
                max_window_h,
                max_altitude_m,
                max_speed_mps,
            },
        }
    }
}

impl From<Rule> for RuleWire {
    fn from(rule: Rule) -> RuleWire {
        match rule {
            Rule::Forbid { kinds } => RuleWire::Forbid { kinds },
            Rule::Clearance { kinds } => RuleWire::Clearance { kinds },
            Rule::Notice { kind, hours } => RuleWire::Notice { kind, hours },
            Rule::Area {
                label,
                volume,
                kinds,
                effect,
            } => RuleWire::Area {
                label,
                geometry: volume.geometry,
                buffer_m: volume.buffer_m,
                altitude_m: Some(volume.altitude_m),
                valid_from: volume.from_ms,
                valid_to: volume.to_ms,
                kinds,
                effect: match effect {
                    AreaEffect::Refuse => AreaEffectWire::Refuse,
                    AreaEffect::Clearance => AreaEffectWire::Clearance,
                },
            },
            Rule::Priority { kinds } => RuleWire::Priority { kinds },
            Rule::Reconfirm { kind, hours } => RuleWire::Reconfirm { kind, hours },
            Rule::Respond { hours } => RuleWire::Respond { hours },
            Rule::Limits {
                kind,
                max_area_km2,
                max_window_h,
                max_altitude_m,
                max_speed_mps,
            } => RuleWire::Limits {
                kind,
                max_area_km2,
                max_window_h,
                max_altitude_m,
                max_speed_mps,
            },
        }
    }
}

/// A new version of a rule (`POST /v1/rules`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RuleSet")]
pub struct RuleIn {
    /// The rule's name, the same for all its versions.
    #[schemars(regex(pattern = r"^[a-z0-9_-]{1,64}$"))]
    pub name: String,
    /// The parties it binds; absent or empty: every party.
    #[serde(default)]
    #[schemars(length(max = 64))]
    pub parties: Vec<String>,
    /// Read by every party, not only those it binds.
    #[serde(default)]
    pub public: bool,
    /// What it says; `null`: from `effective_from` on it no longer stands.
    pub rule: Option<RuleWire>,
    /// When this version takes effect; absent: now.
    #[serde(default, with = "rfc3339_opt")]
    #[schemars(with = "Option<Time>")]
    pub effective_from: Option<i64>,
    #[schemars(length(min = 1, max = 2000))]
    pub reason: Option<String>,
}

impl RuleIn {
    /// The model's rule spec, taking effect at `now_ms` unless it says.
    pub fn spec(self, now_ms: i64) -> (RuleSpec, Option<String>) {
        let spec = RuleSpec {
            name: self.name,
            parties: self.parties,
            public: self.public,
            rule: self.rule.map(Into::into),
            from_ms: self.effective_from.unwrap_or(now_ms),
        };
        (spec, self.reason)
    }
}

/// One version of a rule, as the caller may read it.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "RuleVersion")]
pub struct RuleOut {
    name: String,
    version: u64,
    /// The parties it binds; empty: every party.
    parties: Vec<String>,
    public: bool,
    /// `null`: this version rescinds the rule.
    rule: Option<RuleWire>,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    effective_from: i64,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    set_at: i64,
    reason: String,
    /// The log entry that set it.
    entry: u64,
    /// Whether this is the version in force (at `as_of`, or now).
    in_force: bool,
}

impl RuleOut {
    pub fn new(v: RuleVersion, in_force: bool) -> RuleOut {
        RuleOut {
            name: v.spec.name,
            version: v.version,
            parties: v.spec.parties,
            public: v.spec.public,
            rule: v.spec.rule.map(Into::into),
            effective_from: v.spec.from_ms,
            set_at: v.set_ms,
            reason: v.reason,
            entry: v.seq,
            in_force,
        }
    }
}

/// Why a stop is raised: what the owners of the activities it holds are
/// told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "StopCause")]
pub enum StopCauseWire {
    TroopsInContact,
    FriendlyFire,
    CiviliansPresent,
    Other,
}

impl From<StopCauseWire> for StopCause {
    fn from(c: StopCauseWire) -> StopCause {
        match c {
            StopCauseWire::TroopsInContact => StopCause::TroopsInContact,
            StopCauseWire::FriendlyFire => StopCause::FriendlyFire,
            StopCauseWire::CiviliansPresent => StopCause::CiviliansPresent,
            StopCauseWire::Other => StopCause::Other,
        }
    }
}

impl From<StopCause> for StopCauseWire {
    fn from(c: StopCause) -> StopCauseWire {
        match c {
            StopCause::TroopsInContact => StopCauseWire::TroopsInContact,
            StopCause::FriendlyFire => StopCauseWire::FriendlyFire,
            StopCause::CiviliansPresent => StopCauseWire::CiviliansPresent,
            StopCause::Other => StopCauseWire::Other,
        }
    }
}

/// Check fire over an area from now until `until` (`POST /v1/stops`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "StopRaise")]
pub struct StopIn {
    pub cause: StopCauseWire,
    #[schemars(with = "Geometry")]
    pub geometry: geojson::Geometry,
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub buffer_m: f64,
    /// Absent: every altitude.
    #[serde(default)]
    #[schemars(with = "Option<AltitudeBand>")]
    pub altitude_m: Option<[f64; 2]>,
    /// Exclusive; at most 24 hours ahead.
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    pub until: i64,
    #[schemars(length(min = 1, max = 2000))]
    pub reason: Option<String>,
}

impl StopIn {
    pub fn spec(self) -> (StopSpec, Option<String>) {
        let spec = StopSpec {
            cause: self.cause.into(),
            geometry: self.geometry,
            buffer_m: self.buffer_m,
            altitude_m: self.altitude_m,
            until_ms: self.until,
        };
        (spec, self.reason)
    }
}

/// Where a stop stands.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "StopState")]
pub enum StopStateWire {
    Standing,
    Lifted,
    Expired,
}

/// A check fire as the caller may see it: an owner of an activity it held
/// sees when and why, and its own activities; the raiser and the
/// coordinator see where, and how many it held.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Stop")]
pub struct StopOut {
    id: String,
    cause: StopCauseWire,
    state: StopStateWire,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    raised: i64,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    until: i64,
    #[serde(with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Time>")]
    lifted: Option<i64>,
    /// Ids of the caller's own activities it held (every one, for the
    /// coordinator).
    held: Vec<String>,
    /// How many activities it held: the raiser's (unless past its budget of
    /// answers) and the coordinator's.
    #[serde(skip_serializing_if = "Option::is_none")]
    held_count: Option<usize>,
    /// Whether the caller's party acknowledged it; absent when it has
    /// nothing to acknowledge.
    #[serde(skip_serializing_if = "Option::is_none")]
    acknowledged: Option<bool>,
    /// The raiser's and the coordinator's.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<StopDetailOut>,
}

/// Where and why a stop was raised, and by whom.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "StopDetail")]
pub struct StopDetailOut {
    raised_by: String,
    #[schemars(with = "Geometry")]
    geometry: geojson::Geometry,
    buffer_m: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<AltitudeBand>")]
    altitude_m: Option<[f64; 2]>,
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    lift_reason: Option<String>,
    /// The coordinator's: the parties (and itself) still to acknowledge.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unacknowledged: Vec<String>,
}

impl From<StopView> for StopOut {
    fn from(s: StopView) -> StopOut {
        StopOut {
            id: s.id.to_string(),
            cause: s.cause.into(),
            state: match s.state {
                StopState::Standing => StopStateWire::Standing,
                StopState::Lifted => StopStateWire::Lifted,
                StopState::Expired => StopStateWire::Expired,
            },
            raised: s.raised_ms,
            until: s.until_ms,
            lifted: s.lifted_ms,
            held: s.held.iter().map(ToString::to_string).collect(),
            held_count: s.held_count,
            acknowledged: s.acknowledged,
            detail: s.detail.map(|d| StopDetailOut {
                raised_by: d.raiser,
                geometry: d.geometry,
                buffer_m: d.buffer_m,
                altitude_m: d.altitude_m,
                reason: d.reason,
                lift_reason: d.lift_reason,
                unacknowledged: d.unacknowledged,
            }),
        }
    }
}

/// A challenge of a declaration (`POST /v1/declarations/{id}/challenges`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ChallengeRaise")]
pub struct ChallengeIn {
    /// Why the site is not what it says.
    #[schemars(length(min = 1, max = 2000))]
    pub grounds: String,
}

/// The owner's answer to a challenge.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ChallengeAnswer")]
pub struct AnswerIn {
    #[schemars(length(min = 1, max = 2000))]
    pub answer: String,
}

/// How the coordinator rules on a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "ChallengeRuling")]
pub enum RulingWire {
    /// The site stands as declared.
    Upheld,
    /// It stands, flagged disputed for all who see it; it causes no holds.
    Disputed,
    /// It no longer stands.
    Withdrawn,
}

impl From<RulingWire> for ChallengeRuling {
    fn from(r: RulingWire) -> ChallengeRuling {
        match r {
            RulingWire::Upheld => ChallengeRuling::Upheld,
            RulingWire::Disputed => ChallengeRuling::Disputed,
            RulingWire::Withdrawn => ChallengeRuling::Withdrawn,
        }
    }
}

impl From<ChallengeRuling> for RulingWire {
    fn from(r: ChallengeRuling) -> RulingWire {
        match r {
            ChallengeRuling::Upheld => RulingWire::Upheld,
            ChallengeRuling::Disputed => RulingWire::Disputed,
            ChallengeRuling::Withdrawn => RulingWire::Withdrawn,
        }
    }
}

/// The coordinator's ruling (`POST /v1/challenges/{id}/ruling`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ChallengeRulingIn")]
pub struct RulingIn {
    pub ruling: RulingWire,
    #[schemars(length(min = 1, max = 2000))]
    pub reason: Option<String>,
    /// Whether the declaration's owner is told who challenged.
    #[serde(default)]
    pub name_challenger: bool,
}

/// A challenge as the caller may see it.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Challenge")]
pub struct ChallengeOut {
    id: String,
    declaration_id: String,
    /// Who challenged: to the coordinator and the challenger, and to the
    /// owner once the coordinator names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    grounds: String,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    raised: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<String>,
    #[serde(with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Time>")]
    answered: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ruling: Option<RulingWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ruling_reason: Option<String>,
    #[serde(with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Time>")]
    ruled: Option<i64>,
}

impl From<ChallengeView> for ChallengeOut {
    fn from(c: ChallengeView) -> ChallengeOut {
        ChallengeOut {
            id: c.id.to_string(),
            declaration_id: c.declaration.to_string(),
            by: c.by,
            grounds: c.grounds,
            raised: c.raised_ms,
            answer: c.answer,
            answered: c.answered_ms,
            ruling: c.ruling.map(Into::into),
            ruling_reason: c.ruling_reason,
            ruled: c.ruled_ms,
        }
    }
}
