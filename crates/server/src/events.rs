//! The service's typed events said as JSON, the one form the event stream
//! (`GET /v1/events`) and webhooks carry: an object with the entry's `seq`,
//! `time`, the event's `type` and what it says, through the API's wire
//! types.

use deconflict_model::{ConflictView, NoticeEvent};
use deconflict_service::Event;
use deconflict_service::events::{Alert, IncidentChange, NotificationChange, What};
use deconflict_wire::time;
use deconflict_wire::{ActivityOut, AreaOut, ConflictOut, IncidentOut};
use serde_json::{Value, json};

/// The event's JSON object.
pub(crate) fn json(event: &Event) -> String {
    let mut data = json!({
        "seq": event.seq,
        "time": time::format(event.time_ms),
        "type": event.kind(),
    });
    if let (Value::Object(data), Value::Object(body)) = (&mut data, body(&event.what)) {
        data.extend(body);
    }
    data.to_string()
}

fn body(what: &What) -> Value {
    match what {
        What::Conflict { change, conflict } => {
            json!({"change": notice(*change), "conflict": out(conflict)})
        }
        What::Alert(alert) => self::alert(alert),
        What::Escalation {
            level,
            party,
            conflict,
        } => json!({"level": level, "party": party, "conflict": out(conflict)}),
        What::Activity(view) => json!({
            "change": view.state.as_str(),
            "activity": ActivityOut::from(view.clone()),
        }),
        What::Incident { change, incident } => json!({
            "change": match change {
                IncidentChange::Reported => "reported",
                IncidentChange::Status => "status",
            },
            "incident": IncidentOut::from(incident.clone()),
        }),
        What::Reveal {
            entry,
            pointer,
            step,
            by,
        } => json!({"entry": entry, "pointer": pointer, "state": step, "by": by}),
        What::Notification {
            change,
            by,
            conflict,
        } => json!({
            "change": match change {
                NotificationChange::Delivered => "delivered",
                NotificationChange::Acknowledged => "acknowledged",
            },
            "by": by,
            "conflict": out(conflict),
        }),
        What::Stale {
            declaration,
            buffer_m,
            covered_until_ms,
            lost,
        } => json!({
            "declaration_id": declaration.to_string(),
            "stale_buffer_m": buffer_m,
            "covered_until": covered_until_ms.map(time::format),
            "lost": lost,
        }),
        What::ProbingSuspected {
            party,
            since_ms,
            patterns,
            subject,
            opened,
        } => {
            let patterns: Vec<Value> = patterns
                .iter()
                .map(|p| {
                    json!({
                        "pattern": p.pattern.as_str(),
                        "count": p.count,
                        "budget": p.budget,
                        "objects": p.objects.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "party": party,
                "since": time::format(*since_ms),
                "patterns": patterns,
                "subject": subject.map(|s| s.to_string()),
                "opened": opened.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })
        }
    }
}

fn alert(alert: &Alert) -> Value {
    match alert {
        Alert::Conflict(conflict) => json!({"about": "conflict", "conflict": out(conflict)}),
        Alert::Attack(incident) => json!({
            "about": "attack",
            "incident": IncidentOut::from(incident.clone()),
        }),
        Alert::AttackNearby {
            from_ms,
            to_ms,
            area,
        } => json!({
            "about": "attack",
            "attack": {
                "from": time::format(*from_ms),
                "to": time::format(*to_ms),
                "area": AreaOut::from(*area),
            },
        }),
        Alert::LostUnit {
            declaration,
            activity,
        } => json!({
            "about": "lost_unit",
            "declaration_id": declaration.to_string(),
            "activity_id": activity.map(|a| a.to_string()),
        }),
    }
}

fn out(conflict: &ConflictView) -> ConflictOut {
    ConflictOut::from(conflict.clone())
}

fn notice(event: NoticeEvent) -> &'static str {
    match event {
        NoticeEvent::Opened => "opened",
        NoticeEvent::Resolved => "resolved",
        NoticeEvent::Overridden => "overridden",
        NoticeEvent::Acknowledged => "acknowledged",
        NoticeEvent::Escalated => "escalated",
    }
}
