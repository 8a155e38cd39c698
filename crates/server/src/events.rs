//! The service's typed events said as JSON, the one form the event stream
//! (`GET /v1/events`) and webhooks carry: an object with the entry's `seq`,
//! `time`, the event's `type` and what it says, through the API's wire
//! types. The OpenAPI document's `Event` schema is derived from [`EventOut`].

use deconflict_model::{ConflictView, NoticeEvent, RevealStep};
use deconflict_service::Event;
use deconflict_service::events::{
    Alert, IncidentChange, NotificationChange, SiteChange, StopChange, What,
};
use deconflict_wire::schema::{ActivityStateName, PatternName, Time};
use deconflict_wire::theatre::{ChallengeOut, RuleOut, StopOut};
use deconflict_wire::time::{rfc3339, rfc3339_opt};
use deconflict_wire::{ActivityOut, AreaOut, ConflictOut, DeclarationOut, IncidentOut};
use schemars::JsonSchema;
use serde::Serialize;

/// The event's JSON object.
pub(crate) fn json(event: &Event) -> String {
    serde_json::to_string(&EventOut::from(event)).expect("an event serialises")
}

/// One event of the stream or a webhook delivery: the log entry it comes
/// from, when, and what the caller's party may learn of it, by `type`.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Event")]
pub(crate) struct EventOut {
    /// The log entry it comes from.
    seq: u64,
    /// When the entry was written.
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    time: i64,
    #[serde(flatten)]
    what: WhatOut,
}

/// What an event says, by `type`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WhatOut {
    /// A conflict the party is in opened, was resolved, overridden,
    /// acknowledged by the other side, escalated, or its other side was
    /// ruled disputed or upheld.
    Conflict {
        change: ConflictChange,
        conflict: ConflictOut,
    },
    /// A tracked unit in a cleared or active hazard, an attack nearby, or
    /// (the coordinator alone) an activity planned where a lost unit was
    /// last assumed.
    Alert {
        #[serde(flatten)]
        alert: AlertOut,
    },
    /// An unacknowledged notification: `level` 1 to every credential of the
    /// party, 2 to the coordinator too.
    Escalation {
        level: u8,
        party: String,
        conflict: ConflictOut,
    },
    /// A state change of the party's activity.
    Activity {
        #[schemars(with = "ActivityStateName")]
        change: &'static str,
        activity: ActivityOut,
    },
    /// An incident reported, or its status judged.
    Incident {
        change: IncidentChangeOut,
        incident: IncidentOut,
    },
    /// A field of a log entry asked to be revealed, or revealed.
    Reveal {
        entry: u64,
        pointer: String,
        state: RevealStepOut,
        by: String,
    },
    /// The party's own notification of a conflict delivered or acknowledged.
    Notification {
        change: NotificationChangeOut,
        by: String,
        conflict: ConflictOut,
    },
    /// A tracked unit gone silent; `lost` once its reach stopped growing.
    Stale {
        declaration_id: String,
        stale_buffer_m: f64,
        #[serde(with = "rfc3339_opt")]
        #[schemars(with = "Option<Time>")]
        covered_until: Option<i64>,
        lost: bool,
    },
    /// Check fire, urgent: raised (to its raiser and the coordinator), it
    /// held the party's activities (to each owner, who is told nothing of
    /// who raised it or where), a reminder every few seconds until the
    /// party acknowledges, acknowledged, or lifted.
    Stop {
        change: StopChangeOut,
        stop: StopOut,
    },
    /// A rule of the theatre set: to the parties it binds (every party if
    /// it binds all or is public) and the coordinator.
    Rule { rule: RuleOut },
    /// One of the party's alerts acknowledged, by which of its credentials:
    /// to the party alone.
    AlertAcknowledged {
        /// The alert's id, as `GET /v1/alerts` lists it.
        alert: String,
        by: String,
    },
    /// A protected site went unconfirmed, its owner was asked to re-confirm
    /// it, it was re-confirmed, or a challenge of it was raised, answered or
    /// ruled on: to its owner, the challenger and the coordinator, each as
    /// it may see the site and the challenge.
    Site {
        change: SiteChangeOut,
        declaration: DeclarationOut,
        #[serde(skip_serializing_if = "Option::is_none")]
        challenge: Option<ChallengeOut>,
    },
    /// To the coordinator only: a party's question came past its budget of
    /// answers. The party suspected never receives it.
    ProbingSuspected {
        party: String,
        #[serde(with = "rfc3339")]
        #[schemars(with = "Time")]
        since: i64,
        patterns: Vec<PatternOut>,
        subject: Option<String>,
        opened: Vec<String>,
    },
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum ConflictChange {
    Opened,
    Resolved,
    Overridden,
    Acknowledged,
    Escalated,
    /// A site on its other side was ruled disputed.
    Disputed,
    /// That site's dispute was lifted: the coordinator upheld it.
    Undisputed,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "SiteChange")]
enum SiteChangeOut {
    Unconfirmed,
    Asked,
    Reconfirmed,
    Challenged,
    Answered,
    Ruled,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "StopChange")]
enum StopChangeOut {
    Raised,
    Held,
    Reminder,
    Acknowledged,
    Lifted,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "IncidentChange")]
enum IncidentChangeOut {
    Reported,
    Status,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "NotificationChange")]
enum NotificationChangeOut {
    Delivered,
    Acknowledged,
}

/// Where a reveal stands.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "RevealStep")]
enum RevealStepOut {
    Requested,
    Revealed,
}

/// What an alert is about.
// Built to be written out at once, never kept: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "about", rename_all = "snake_case")]
#[schemars(rename = "Alert")]
pub(crate) enum AlertOut {
    /// A tracked unit in a cleared or active hazard.
    Conflict { conflict: ConflictOut },
    /// An attack on the party's own, as reported.
    #[serde(rename = "attack")]
    Attack { incident: IncidentOut },
    /// An attack reported near the party's own: when, and the coarse area.
    #[serde(rename = "attack")]
    AttackNearby { attack: AttackOut },
    /// The coordinator alone: an activity planned where a lost unit was last
    /// assumed.
    LostUnit {
        declaration_id: String,
        activity_id: Option<String>,
    },
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Attack")]
pub(crate) struct AttackOut {
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    from: i64,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    to: i64,
    area: AreaOut,
}

/// One pattern of questions past its budget.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "PatternSeen")]
struct PatternOut {
    #[schemars(with = "PatternName")]
    pattern: &'static str,
    count: u32,
    budget: u32,
    objects: Vec<String>,
}

impl From<&Event> for EventOut {
    fn from(event: &Event) -> EventOut {
        EventOut {
            seq: event.seq,
            time: event.time_ms,
            what: what(&event.what),
        }
    }
}

fn what(what: &What) -> WhatOut {
    match what {
        What::Conflict { change, conflict } => WhatOut::Conflict {
            change: notice(*change),
            conflict: out(conflict),
        },
        What::Disputed { disputed, conflict } => WhatOut::Conflict {
            change: if *disputed {
                ConflictChange::Disputed
            } else {
                ConflictChange::Undisputed
            },
            conflict: out(conflict),
        },
        What::Alert(alert) => WhatOut::Alert {
            alert: self::alert(alert),
        },
        What::Escalation {
            level,
            party,
            conflict,
        } => WhatOut::Escalation {
            level: *level,
            party: party.clone(),
            conflict: out(conflict),
        },
        What::Activity(view) => WhatOut::Activity {
            change: view.state.as_str(),
            activity: ActivityOut::from(view.clone()),
        },
        What::Incident { change, incident } => WhatOut::Incident {
            change: match change {
                IncidentChange::Reported => IncidentChangeOut::Reported,
                IncidentChange::Status => IncidentChangeOut::Status,
            },
            incident: IncidentOut::from(incident.clone()),
        },
        What::Reveal {
            entry,
            pointer,
            step,
            by,
        } => WhatOut::Reveal {
            entry: *entry,
            pointer: pointer.clone(),
            state: match step {
                RevealStep::Requested => RevealStepOut::Requested,
                RevealStep::Revealed => RevealStepOut::Revealed,
            },
            by: by.clone(),
        },
        What::Notification {
            change,
            by,
            conflict,
        } => WhatOut::Notification {
            change: match change {
                NotificationChange::Delivered => NotificationChangeOut::Delivered,
                NotificationChange::Acknowledged => NotificationChangeOut::Acknowledged,
            },
            by: by.clone(),
            conflict: out(conflict),
        },
        What::Stale {
            declaration,
            buffer_m,
            covered_until_ms,
            lost,
        } => WhatOut::Stale {
            declaration_id: declaration.to_string(),
            stale_buffer_m: *buffer_m,
            covered_until: *covered_until_ms,
            lost: *lost,
        },
        What::Stop { change, stop } => WhatOut::Stop {
            change: match change {
                StopChange::Raised => StopChangeOut::Raised,
                StopChange::Held => StopChangeOut::Held,
                StopChange::Reminder => StopChangeOut::Reminder,
                StopChange::Acknowledged => StopChangeOut::Acknowledged,
                StopChange::Lifted => StopChangeOut::Lifted,
            },
            stop: StopOut::from(stop.clone()),
        },
        What::AlertAcknowledged { alert, by } => WhatOut::AlertAcknowledged {
            alert: alert.to_string(),
            by: by.clone(),
        },
        What::Rule(version) => WhatOut::Rule {
            // As the rule stood when it was set: `in_force` says whether it
            // took effect at once.
            rule: RuleOut::new(version.clone(), version.spec.from_ms <= version.set_ms),
        },
        What::Site {
            change,
            declaration,
            challenge,
        } => WhatOut::Site {
            change: match change {
                SiteChange::Unconfirmed => SiteChangeOut::Unconfirmed,
                SiteChange::Asked => SiteChangeOut::Asked,
                SiteChange::Reconfirmed => SiteChangeOut::Reconfirmed,
                SiteChange::Challenged => SiteChangeOut::Challenged,
                SiteChange::Answered => SiteChangeOut::Answered,
                SiteChange::Ruled => SiteChangeOut::Ruled,
            },
            declaration: DeclarationOut::from((**declaration).clone()),
            challenge: challenge.clone().map(ChallengeOut::from),
        },
        What::ProbingSuspected {
            party,
            since_ms,
            patterns,
            subject,
            opened,
        } => WhatOut::ProbingSuspected {
            party: party.clone(),
            since: *since_ms,
            patterns: patterns
                .iter()
                .map(|p| PatternOut {
                    pattern: p.pattern.as_str(),
                    count: p.count,
                    budget: p.budget,
                    objects: p.objects.iter().map(ToString::to_string).collect(),
                })
                .collect(),
            subject: subject.map(|s| s.to_string()),
            opened: opened.iter().map(ToString::to_string).collect(),
        },
    }
}

pub(crate) fn alert(alert: &Alert) -> AlertOut {
    match alert {
        Alert::Conflict(conflict) => AlertOut::Conflict {
            conflict: out(conflict),
        },
        Alert::Attack(incident) => AlertOut::Attack {
            incident: IncidentOut::from(incident.clone()),
        },
        Alert::AttackNearby {
            from_ms,
            to_ms,
            area,
        } => AlertOut::AttackNearby {
            attack: AttackOut {
                from: *from_ms,
                to: *to_ms,
                area: AreaOut::from(*area),
            },
        },
        Alert::LostUnit {
            declaration,
            activity,
        } => AlertOut::LostUnit {
            declaration_id: declaration.to_string(),
            activity_id: activity.map(|a| a.to_string()),
        },
    }
}

fn out(conflict: &ConflictView) -> ConflictOut {
    ConflictOut::from(conflict.clone())
}

fn notice(event: NoticeEvent) -> ConflictChange {
    match event {
        NoticeEvent::Opened => ConflictChange::Opened,
        NoticeEvent::Resolved => ConflictChange::Resolved,
        NoticeEvent::Overridden => ConflictChange::Overridden,
        NoticeEvent::Acknowledged => ConflictChange::Acknowledged,
        NoticeEvent::Escalated => ConflictChange::Escalated,
    }
}
