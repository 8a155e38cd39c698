//! The rules of the theatre: what each party may do, where and with how
//! much notice, set by the coordinator's approvers as logged acts.
//!
//! A rule has a name and versions. Each version ([`Command::SetRule`])
//! says whom it binds (some parties, or every party), whether every party
//! may read it, when it takes effect, and what it says ([`Rule`]), or that
//! it no longer stands. The state keeps every version, so the rules as of
//! any point of the log are a fold like everything else, and a decision
//! that applied a rule names it and its version ([`RuleRef`]): a refusal
//! says which rule refused, a hold which rule held.
//!
//! A rule is read by the parties it binds, by every party if it is public
//! or binds every party, and by the coordinator. A refusal only ever names
//! a rule that binds the party refused, so it tells nothing of the rules of
//! others.
//!
//! Which kinds need clearance is a rule too. A party that no
//! [`Rule::Clearance`] binds keeps the configured list
//! ([`Policy::needs_clearance`](crate::Policy::needs_clearance)), so a
//! log from before rules keeps its meaning; a clearance rule with no kinds
//! frees the parties it binds from that list.
//!
//! [`Command::SetRule`]: crate::Command::SetRule

use crate::actor::Actor;
use crate::command::VolumeSpec;
use crate::error::ModelError;
use crate::policy::Limits;
use crate::state::State;
use crate::validate;
use deconflict_geo4d::Volume;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The longest notice a rule may ask for: 30 days.
pub const MAX_NOTICE_H: f64 = 720.0;
const MAX_KINDS: usize = 64;
const MAX_PARTIES: usize = 64;
const MAX_NAME: usize = 64;
const MAX_LABEL: usize = 200;

/// What a rule says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Rule {
    /// The parties bound may not submit activities of these kinds at all.
    Forbid { kinds: Vec<String> },
    /// Activities of these kinds wait for an approver's clearance; no kinds
    /// at all frees the parties bound from the configured list.
    Clearance { kinds: Vec<String> },
    /// An activity of `kind` must be submitted at least `hours` before it
    /// starts; a later one is refused unless it comes by the emergency lane
    /// (`late_notice`, with a reason), and then always waits for clearance.
    Notice { kind: String, hours: f64 },
    /// An area over a window (a no-fire area, a restricted fire line drawn
    /// as a line with a buffer, a zone): activities of `kinds` (of any kind
    /// if none is named) that meet it are refused or wait for clearance.
    Area {
        label: String,
        volume: VolumeSpec,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        kinds: Vec<String>,
        effect: AreaEffect,
    },
    /// Kinds from the highest priority to the lowest: an activity may not
    /// be cleared over an open conflict with an activity of a higher kind
    /// until the coordinator overrides that conflict, which its owner is
    /// told of.
    Priority { kinds: Vec<String> },
    /// A party accused of an `attack` or `friendly_fire` on a site it had
    /// been told of responds within `hours`.
    Respond { hours: f64 },
    /// A declaration of `kind` is re-confirmed by its owner at least every
    /// `hours`, or it becomes unconfirmed (see `sites.rs`).
    Reconfirm { kind: String, hours: f64 },
    /// The limits of `kind`, over the built-in ones (see
    /// [`crate::policy`]): area, window, altitude and speed.
    Limits {
        kind: String,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaEffect {
    /// Not accepted at all.
    Refuse,
    /// Accepted, held for an approver.
    Clearance,
}

/// One version of a rule, as the coordinator sets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSpec {
    /// The rule's name, the same for all its versions (1–64 of `a-z0-9_-`).
    pub name: String,
    /// The parties it binds; none: every party.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<String>,
    /// Read by every party, not only those it binds.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
    /// What it says; `None`: from `from_ms` on, the rule no longer stands.
    pub rule: Option<Rule>,
    /// When this version takes effect, Unix milliseconds.
    pub from_ms: i64,
}

impl RuleSpec {
    /// Whether the rule binds `party`.
    pub fn binds(&self, party: &str) -> bool {
        self.parties.is_empty() || self.parties.iter().any(|p| p == party)
    }

    /// Whether `viewer` may read it.
    pub fn readable_by(&self, viewer: &Actor) -> bool {
        viewer.coordinator || self.public || self.binds(&viewer.party)
    }
}

/// One version of a rule as the log set it.
#[derive(Debug, Clone)]
pub struct RuleVersion {
    pub version: u64,
    pub spec: RuleSpec,
    pub reason: String,
    /// When it was set, Unix milliseconds.
    pub set_ms: i64,
    /// The entry that set it.
    pub seq: u64,
    /// An area rule's volume.
    pub(crate) volume: Option<Volume>,
}

impl PartialEq for RuleVersion {
    /// The same version of the same rule.
    fn eq(&self, other: &RuleVersion) -> bool {
        self.spec.name == other.spec.name && self.version == other.version
    }
}

impl RuleVersion {
    pub fn reference(&self) -> RuleRef {
        RuleRef {
            name: self.spec.name.clone(),
            version: self.version,
        }
    }
}

/// A rule and version that decided something.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RuleRef {
    pub name: String,
    pub version: u64,
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {} v{}", self.name, self.version)
    }
}

/// Checks a rule's fields, naming each as the API writes it; returns an
/// area rule's volume.
pub(crate) fn validate(spec: &RuleSpec) -> Result<Option<Volume>, ModelError> {
    let name_ok = (1..=MAX_NAME).contains(&spec.name.len())
        && spec
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if !name_ok {
        return Err(ModelError::invalid(
            "name",
            format!("must be 1 to {MAX_NAME} characters of a-z, 0-9, _ and -"),
        ));
    }
    if spec.parties.len() > MAX_PARTIES {
        return Err(ModelError::invalid(
            "parties",
            format!("at most {MAX_PARTIES} parties"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, party) in spec.parties.iter().enumerate() {
        validate::text(&format!("parties[{i}]"), party, 64)?;
        if !seen.insert(party) {
            return Err(ModelError::invalid(format!("parties[{i}]"), "named twice"));
        }
    }
    let Some(rule) = &spec.rule else {
        return Ok(None);
    };
    match rule {
        Rule::Forbid { kinds } | Rule::Priority { kinds } => {
            let least = if matches!(rule, Rule::Priority { .. }) {
                2
            } else {
                1
            };
            kinds_of(kinds, least)?;
        }
        Rule::Clearance { kinds } => kinds_of(kinds, 0)?,
        Rule::Respond { hours } => {
            if !(hours.is_finite() && *hours > 0.0 && *hours <= MAX_NOTICE_H) {
                return Err(ModelError::invalid(
                    "rule.hours",
                    format!("must be more than 0 and at most {MAX_NOTICE_H}"),
                ));
            }
        }
        Rule::Notice { kind, hours } | Rule::Reconfirm { kind, hours } => {
            validate::kind_at("rule.kind", kind)?;
            if !(hours.is_finite() && *hours > 0.0 && *hours <= MAX_NOTICE_H) {
                return Err(ModelError::invalid(
                    "rule.hours",
                    format!("must be more than 0 and at most {MAX_NOTICE_H}"),
                ));
            }
        }
        Rule::Area {
            label,
            volume,
            kinds,
            ..
        } => {
            validate::text("rule.label", label, MAX_LABEL)?;
            kinds_of(kinds, 0)?;
            let volume =
                validate::volume(volume, validate::DECLARATION_WINDOW).map_err(|e| match e {
                    ModelError::Invalid { field, message } => {
                        ModelError::invalid(format!("rule.volume.{field}"), message)
                    }
                    other => other,
                })?;
            return Ok(Some(volume));
        }
        Rule::Limits {
            kind,
            max_area_km2,
            max_window_h,
            max_altitude_m,
            max_speed_mps,
        } => {
            validate::kind_at("rule.kind", kind)?;
            let limits = [
                ("rule.max_area_km2", max_area_km2),
                ("rule.max_window_h", max_window_h),
                ("rule.max_altitude_m", max_altitude_m),
                ("rule.max_speed_mps", max_speed_mps),
            ];
            for (field, limit) in limits {
                if limit.is_some_and(|x| !(x.is_finite() && x > 0.0)) {
                    return Err(ModelError::invalid(field, "must be a positive number"));
                }
            }
            if limits.iter().all(|(_, limit)| limit.is_none()) {
                return Err(ModelError::invalid(
                    "rule",
                    "a limits rule sets at least one limit",
                ));
            }
        }
    }
    Ok(None)
}

fn kinds_of(kinds: &[String], least: usize) -> Result<(), ModelError> {
    if kinds.len() < least || kinds.len() > MAX_KINDS {
        return Err(ModelError::invalid(
            "rule.kinds",
            format!("{least} to {MAX_KINDS} kinds"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, kind) in kinds.iter().enumerate() {
        let field = format!("rule.kinds[{i}]");
        validate::kind_at(&field, kind)?;
        if !seen.insert(kind) {
            return Err(ModelError::invalid(field, "named twice"));
        }
    }
    Ok(())
}

/// What the rules in force make of a new activity: refused (an error
/// naming the rule), or accepted, held by the rules listed (none: the
/// rules do not hold it).
pub(crate) struct ActivityRuling {
    pub(crate) held_by: Vec<RuleRef>,
    /// The configured list holds it (no clearance rule binds its party).
    pub(crate) configured: bool,
}

/// A new activity, as the rules see it.
pub(crate) struct Submission<'a> {
    pub(crate) party: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) volume: &'a Volume,
    pub(crate) late_notice: bool,
}

impl State {
    /// The version of each rule in force at `t`: the last one set that
    /// took effect by then, if it still stands.
    pub(crate) fn rules_in_force(&self, t: i64) -> impl Iterator<Item = &RuleVersion> {
        self.rules.values().filter_map(move |versions| {
            versions
                .iter()
                .rev()
                .find(|v| v.spec.from_ms <= t)
                .filter(|v| v.spec.rule.is_some())
        })
    }

    /// The rules in force at `t` that bind `party`.
    fn binding<'s>(&'s self, party: &'s str, t: i64) -> impl Iterator<Item = &'s RuleVersion> {
        self.rules_in_force(t).filter(move |v| v.spec.binds(party))
    }

    /// Every version of every rule `viewer` may read, by name then version.
    pub fn rules(&self, viewer: &Actor) -> Vec<RuleVersion> {
        self.rules
            .values()
            .flatten()
            .filter(|v| v.spec.readable_by(viewer))
            .cloned()
            .collect()
    }

    /// Whether a version of `rule` is in force at `t`.
    pub fn rule_in_force(&self, version: &RuleVersion, t: i64) -> bool {
        self.rules_in_force(t).any(|v| v == version)
    }

    /// The kinds that need clearance for a party no clearance rule binds.
    pub fn configured_clearance(&self) -> &BTreeSet<String> {
        &self.policy.needs_clearance
    }

    /// The limits `party`'s objects of `kind` are held to at `t`: the last
    /// limits rule for the kind that binds it, over the built-in rows.
    pub fn limits(&self, party: &str, kind: &str, t: i64) -> Limits {
        let built_in = self.policy.limits(kind);
        self.binding(party, t)
            .filter_map(|v| match &v.spec.rule {
                Some(Rule::Limits {
                    kind: k,
                    max_area_km2,
                    max_window_h,
                    max_altitude_m,
                    max_speed_mps,
                }) if k == kind => Some((
                    v.set_ms,
                    Limits {
                        max_area_km2: *max_area_km2,
                        max_window_h: *max_window_h,
                        max_altitude_m: *max_altitude_m,
                        max_speed_mps: *max_speed_mps,
                    },
                )),
                _ => None,
            })
            .max_by_key(|(set, _)| *set)
            .map_or(built_in, |(_, rule)| rule.or(built_in))
    }

    /// Decides what the rules in force at `now_ms` make of a submission.
    pub(crate) fn rule_activity(
        &self,
        new: &Submission<'_>,
        now_ms: i64,
    ) -> Result<ActivityRuling, ModelError> {
        let kind = new.kind;
        let refused = |v: &RuleVersion, field: &str, message: String| ModelError::RuleRefused {
            rule: v.reference(),
            field: field.to_owned(),
            message,
        };
        let mut held_by = Vec::new();
        let mut clearance_bound = false;
        let mut configured = false;
        for v in self.binding(new.party, now_ms) {
            match v.spec.rule.as_ref() {
                Some(Rule::Forbid { kinds }) if kinds.iter().any(|k| k == kind) => {
                    let a = validate::article(kind);
                    return Err(refused(
                        v,
                        "kind",
                        format!("your party may not submit {a} {kind}"),
                    ));
                }
                Some(Rule::Area {
                    label,
                    kinds,
                    effect,
                    ..
                }) if kinds.is_empty() || kinds.iter().any(|k| k == kind) => {
                    let meets = v
                        .volume
                        .as_ref()
                        .is_some_and(|area| area.conflicts_with(new.volume));
                    match (meets, effect) {
                        (false, _) => {}
                        (true, AreaEffect::Refuse) => {
                            return Err(refused(
                                v,
                                "geometry",
                                format!("meets {label}, where {kind} is not allowed"),
                            ));
                        }
                        (true, AreaEffect::Clearance) => held_by.push(v.reference()),
                    }
                }
                Some(Rule::Notice { kind: k, hours }) if k == kind => {
                    let needed_ms = (hours * 3_600_000.0) as i64;
                    let start_ms = new.volume.window().from();
                    if start_ms - now_ms < needed_ms && !new.late_notice {
                        let a = validate::article(kind);
                        return Err(refused(
                            v,
                            "start",
                            format!(
                                "{a} {kind} needs {} h notice; submit it with late_notice and a reason, and it waits for clearance",
                                validate::number(*hours)
                            ),
                        ));
                    }
                    if start_ms - now_ms < needed_ms {
                        held_by.push(v.reference());
                    }
                }
                Some(Rule::Clearance { kinds }) => {
                    clearance_bound = true;
                    if kinds.iter().any(|k| k == kind) {
                        held_by.push(v.reference());
                    }
                }
                _ => {}
            }
        }
        if !clearance_bound && self.policy.needs_clearance(kind) {
            configured = true;
        }
        held_by.sort();
        held_by.dedup();
        Ok(ActivityRuling {
            held_by,
            configured,
        })
    }

    /// The priority rule in force for `party` at `t` by which `kind` ranks
    /// below `other`, if any.
    pub(crate) fn outranked(
        &self,
        party: &str,
        kind: &str,
        other: &str,
        t: i64,
    ) -> Option<RuleRef> {
        self.binding(party, t).find_map(|v| match &v.spec.rule {
            Some(Rule::Priority { kinds }) => {
                let rank = |k: &str| kinds.iter().position(|x| x == k);
                match (rank(other), rank(kind)) {
                    (Some(high), Some(low)) if high < low => Some(v.reference()),
                    (Some(_), None) => Some(v.reference()),
                    _ => None,
                }
            }
            _ => None,
        })
    }

    /// The hours the first rule in force at `t` that binds `party` says,
    /// through `pick`, as milliseconds.
    fn hours_ms(&self, party: &str, t: i64, pick: impl Fn(&Rule) -> Option<f64>) -> Option<i64> {
        self.binding(party, t)
            .find_map(|v| v.spec.rule.as_ref().and_then(&pick))
            .map(|hours| (hours * 3_600_000.0) as i64)
    }

    /// How often `party`'s declarations of `kind` are to be re-confirmed
    /// at `t`, milliseconds, if a rule says.
    pub(crate) fn reconfirm_every_ms(&self, party: &str, kind: &str, t: i64) -> Option<i64> {
        self.hours_ms(party, t, |rule| match rule {
            Rule::Reconfirm { kind: k, hours } if k == kind => Some(*hours),
            _ => None,
        })
    }

    /// How long `party` has to respond to an incident at a site it had been
    /// told of, at `t`, milliseconds, if a rule says.
    pub(crate) fn respond_within_ms(&self, party: &str, t: i64) -> Option<i64> {
        self.hours_ms(party, t, |rule| match rule {
            Rule::Respond { hours } => Some(*hours),
            _ => None,
        })
    }

    /// Whether any reconfirmation rule is in force at `t`.
    pub(crate) fn any_reconfirm_rule(&self, t: i64) -> bool {
        self.rules_in_force(t)
            .any(|v| matches!(v.spec.rule, Some(Rule::Reconfirm { .. })))
    }

    /// The notice an activity of `kind` of `party` needs at `t`, if a rule
    /// says, milliseconds.
    pub(crate) fn notice_ms(&self, party: &str, kind: &str, t: i64) -> Option<i64> {
        self.hours_ms(party, t, |rule| match rule {
            Rule::Notice { kind: k, hours } if k == kind => Some(*hours),
            _ => None,
        })
    }

    /// Records a rule's new version.
    pub(crate) fn apply_rule(
        &mut self,
        seq: u64,
        time_ms: i64,
        spec: &RuleSpec,
        reason: Option<&str>,
    ) -> Result<(), ModelError> {
        let volume = validate(spec).map_err(|e| ModelError::Corrupt {
            seq,
            detail: e.to_string(),
        })?;
        let versions = self.rules.entry(spec.name.clone()).or_default();
        versions.push(RuleVersion {
            version: versions.len() as u64 + 1,
            spec: spec.clone(),
            reason: reason.unwrap_or_default().to_owned(),
            set_ms: time_ms,
            seq,
            volume,
        });
        Ok(())
    }
}
