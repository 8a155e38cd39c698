//! What a verified bundle proves, in plain words: one line for the
//! checkpoint and one for each entry.
//!
//! The lines read the entries as the bundle rebuilt them, as JSON rather
//! than as the model's types, so a command this build does not know still
//! gets an honest line. A unit the bundle did not reveal is simply absent
//! from its entry, and the line says so ("not revealed") rather than
//! guessing: an entry whose actor, time or command was not revealed says
//! that, and tells what was. Every text that came from the bundle is
//! printed with its control and invisible characters escaped, so that a
//! label cannot rewrite the line it appears on.

use crate::verify::Verified;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;

impl Verified {
    /// Which checkpoint signed the entries, and which witnesses saw it.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "checkpoint of {} at size {} (root {}), signed by the log",
            printable(&self.origin),
            self.size,
            BASE64.encode(self.root)
        );
        if !self.cosigned.is_empty() {
            let who: Vec<String> = self
                .cosigned
                .iter()
                .map(|c| format!("{} at {}", printable(&c.name), utc_s(c.time_s)))
                .collect();
            line.push_str(&format!("; cosigned by {}", who.join(", ")));
        }
        if !self.absent.is_empty() {
            let who: Vec<String> = self.absent.iter().map(|n| printable(n)).collect();
            line.push_str(&format!("; no cosignature from {}", who.join(", ")));
        }
        if self.cosigned.is_empty() && self.absent.is_empty() {
            line.push_str("; no witness key given");
        }
        line
    }

    /// What the bundle says it is about, if anything: its own words, which
    /// nothing vouches for.
    pub fn about(&self) -> Option<String> {
        (!self.subject.is_null()).then(|| {
            format!(
                "about (as the bundle says; not checked): {}",
                printable(&self.subject.to_string())
            )
        })
    }

    /// One line per entry, in log order; then, if the bundle says it
    /// withheld entries, a line saying how many.
    pub fn story(&self) -> Vec<String> {
        let mut story: Vec<String> = self.entries.iter().map(line).collect();
        match self.withheld {
            0 => {}
            1 => story.push("1 more entry bears on this and is not shown to this reader".into()),
            n => story.push(format!(
                "{n} more entries bear on this and are not shown to this reader"
            )),
        }
        story
    }
}

fn line(entry: &Value) -> String {
    let actor = &entry["actor"];
    let party = given(&actor["party"]).map(text);
    let who = match (&party, given(&actor["role"])) {
        (Some(party), Some(role)) => format!("{party} ({})", text(role)),
        (Some(party), None) => format!("{party} (role not revealed)"),
        (None, _) => "(actor not revealed)".to_owned(),
    };
    let outcome = &entry["outcome"];
    let command = command(&entry["command"]);
    let mut action = match command {
        Some((name, body)) => action(name, body, outcome),
        None => "(command not revealed)".to_owned(),
    };
    let reason = command.map_or(Reason::None, |(name, body)| reason(name, body));
    if let Reason::Hidden = reason {
        action.push_str(" (reason not revealed)");
    }
    let results = results(command.map(|(name, _)| name), outcome, party.as_deref());
    let when = entry["time_ms"]
        .as_i64()
        .map_or_else(|| "(time not revealed)".to_owned(), utc_ms);
    let mut line = format!("#{} {when} — {who} {action}", text(&entry["seq"]));
    let mut separator = ": ";
    if let Reason::Given(reason) = reason {
        line.push_str(&format!("{separator}{reason:?}"));
        separator = "; ";
    }
    if !results.is_empty() {
        line.push_str(separator);
        line.push_str(&results.join("; "));
    }
    line
}

/// A command's name and its fields, as far as revealed: `{"clear": {...}}`
/// as the log writes it, or a bare name for a command with none. `None` if
/// nothing of it was revealed.
fn command(command: &Value) -> Option<(&str, &Value)> {
    match command {
        Value::Object(fields) => fields
            .iter()
            .next()
            .map(|(name, body)| (name.as_str(), body)),
        Value::String(name) => Some((name, &Value::Null)),
        _ => None,
    }
}

/// What the actor did, naming the object it acted on.
fn action(name: &str, body: &Value, outcome: &Value) -> String {
    let id = |field: &str| shown(&body[field], "id");
    let created = || {
        outcome["created"]
            .as_object()
            .and_then(|o| o.values().next())
            .map_or_else(|| "(id not revealed)".to_owned(), text)
    };
    match name {
        "declare" => format!("declared {} {}", created(), what(body)),
        "amend" => format!("amended declaration {} {}", id("id"), what(&body["spec"])),
        "withdraw" => format!("withdrew declaration {}", id("id")),
        "submit_activity" => format!("submitted activity {} {}", created(), what(body)),
        "clear" => format!("cleared activity {}", id("id")),
        "hold" => format!("put activity {} on hold", id("id")),
        "deny" => format!("denied activity {}", id("id")),
        "start" => format!("started activity {}", id("id")),
        "complete" => format!("completed activity {}", id("id")),
        "cancel" => format!("cancelled activity {}", id("id")),
        "acknowledge" => format!("acknowledged conflict {}", id("conflict")),
        "override" => format!("overrode conflict {}", id("conflict")),
        "mark_delivered" => format!("received conflict {}", id("conflict")),
        "report_incident" => format!("reported incident {} {}", created(), incident(body)),
        "set_incident_status" => format!(
            "set incident {} to {}",
            id("id"),
            shown(&body["status"], "status")
        ),
        "reveal" => {
            let what = format!(
                "{} of entry #{}",
                shown(&body["pointer"], "field"),
                shown(&body["seq"], "number")
            );
            match outcome["reveal"].as_str() {
                Some("revealed") => format!("made public {what}"),
                Some("requested") => format!("asked to make public {what} (not public yet)"),
                Some(other) => format!("asked to make public {what} ({})", printable(other)),
                None => {
                    format!("asked to make public {what} (whether it was made public not revealed)")
                }
            }
        }
        "grant_evidence" => format!(
            "granted {} the evidence of incident {}",
            shown(&body["party"], "party"),
            id("incident")
        ),
        "suspend_holds" => format!(
            "suspended the holds {}'s objects cause in an area until {}",
            shown(&body["party"], "party"),
            body["until_ms"]
                .as_i64()
                .map_or_else(|| "(time not revealed)".to_owned(), utc_ms)
        ),
        "dispute" if body["disputed"] == Value::Bool(false) => {
            format!("ended the dispute of declaration {}", id("id"))
        }
        "dispute" => format!("disputed declaration {}", id("id")),
        "set_rule" => format!("set rule {}", shown(&body["spec"]["name"], "name")),
        "raise_stop" => format!(
            "raised check fire {}",
            outcome["stop"]["id"]
                .as_str()
                .map_or_else(|| "(id not revealed)".to_owned(), printable)
        ),
        "lift_stop" => format!("lifted check fire {}", id("id")),
        "acknowledge_stop" => format!("acknowledged check fire {}", id("id")),
        "acknowledge_alert" => format!(
            "acknowledged its alert {} of entry {}",
            shown(&body["index"], "index"),
            shown(&body["entry"], "entry")
        ),
        "respond_incident" => format!("responded to incident {}", id("id")),
        "reconfirm" => format!("re-confirmed declaration {}", id("id")),
        "challenge" => format!("challenged declaration {}", id("id")),
        "answer_challenge" => format!("answered challenge {}", id("id")),
        "rule_challenge" => format!(
            "ruled challenge {} {}",
            id("id"),
            shown(&body["ruling"], "ruling")
        ),
        "track" => format!("reported positions: {}", positions(&body["reports"])),
        "import" => match body["declarations"].as_array() {
            Some(list) => format!("imported {} declarations", list.len()),
            None => "imported declarations (list not revealed)".to_owned(),
        },
        "sweep" => "swept for silent units and unanswered notices".to_owned(),
        other => printable(other),
    }
}

/// Each report's unit, time and place, as far as revealed.
fn positions(reports: &Value) -> String {
    let Some(items) = reports.as_array() else {
        return "(reports not revealed)".to_owned();
    };
    let one = |report: &Value| {
        let when = report["time_ms"]
            .as_i64()
            .map_or_else(|| "(time not revealed)".to_owned(), utc_ms);
        let unit = shown(&report["declaration"], "unit");
        match given(&report["position"]) {
            None => format!("{unit} at {when} (position not revealed)"),
            Some(p) => {
                let error = p["ce_m"]
                    .as_f64()
                    .map_or_else(String::new, |ce| format!(" ±{ce} m"));
                format!(
                    "{unit} at {when} at lat {}, lon {}{error}",
                    text(&p["lat"]),
                    text(&p["lon"])
                )
            }
        }
    };
    let mut told: Vec<String> = items.iter().filter_map(given).map(one).collect();
    told.extend(hidden(items, "report", "reports"));
    if told.is_empty() {
        "none".to_owned()
    } else {
        told.join("; ")
    }
}

/// An incident's kind and whom it is against, if the report was revealed.
fn incident(report: &Value) -> String {
    match given(report) {
        None => "(details not revealed)".to_owned(),
        Some(r) => match r["against"].as_str() {
            Some(against) => format!("({}, against {})", text(&r["kind"]), printable(against)),
            None => format!("({})", text(&r["kind"])),
        },
    }
}

/// An object's kind and label, as far as they were revealed.
fn what(spec: &Value) -> String {
    let kind = given(&spec["kind"]).map(text);
    let label = given(&spec["label"]).map(|l| match l {
        Value::String(s) => format!("{s:?}"),
        other => printable(&other.to_string()),
    });
    match (kind, label) {
        (Some(kind), Some(label)) => format!("({kind}, {label})"),
        (Some(kind), None) => format!("({kind}, label not revealed)"),
        (None, Some(label)) => format!("(kind not revealed, {label})"),
        (None, None) => "(kind and label not revealed)".to_owned(),
    }
}

enum Reason {
    None,
    Hidden,
    Given(String),
}

/// The commands whose fields always hold a reason, given or null.
const WITH_REASON: &[&str] = &[
    "clear",
    "hold",
    "deny",
    "override",
    "set_incident_status",
    "grant_evidence",
    "suspend_holds",
    "dispute",
    "set_rule",
    "raise_stop",
    "lift_stop",
    "rule_challenge",
];

/// A decision's reason: none (null, or a command without one), not
/// revealed, or revealed.
fn reason(name: &str, body: &Value) -> Reason {
    match body.get("reason") {
        Some(Value::Null) => Reason::None,
        Some(Value::String(s)) => Reason::Given(s.clone()),
        Some(other) => Reason::Given(other.to_string()),
        None if WITH_REASON.contains(&name) => Reason::Hidden,
        None => Reason::None,
    }
}

/// What the command led to, beyond what its verb already says. `name` is
/// the command's, `actor` the acting party's, if revealed.
fn results(name: Option<&str>, outcome: &Value, actor: Option<&str>) -> Vec<String> {
    let mut results = Vec::new();
    if let Some(state) = outcome["activity_state"].as_str() {
        let state = printable(state);
        match name {
            None => results.push(format!("an activity (not named) is now {state}")),
            Some("submit_activity") => results.push(state),
            Some(name) if implied_state(name) == Some(state.as_str()) => {}
            Some(_) => results.push(format!("activity now {state}")),
        }
    }
    let creates = matches!(
        name,
        Some("declare" | "submit_activity" | "report_incident")
    );
    if !creates
        && let Some((noun, id)) = outcome["created"].as_object().and_then(|o| o.iter().next())
    {
        results.push(format!("created {} {}", printable(noun), text(id)));
    }
    for opened in outcome["opened"].as_array().into_iter().flatten() {
        results.push(match given(opened) {
            None => "opened a conflict (not revealed)".to_owned(),
            Some(c) => format!(
                "opened conflict {}{}",
                shown(&c["id"], "id"),
                other_side(c, actor)
            ),
        });
    }
    if let Some(resolved) = some_of("conflict", "conflicts", &outcome["resolved"]) {
        results.push(format!("resolved {resolved}"));
    }
    if let Some(held) = some_of("activity", "activities", &outcome["held"]) {
        results.push(format!("put {held} back on hold"));
    }
    if let Some(notices) = outcome["notices"].as_array() {
        let mut parties: Vec<String> = Vec::new();
        for notice in notices.iter().filter_map(given) {
            let party = shown(&notice["party"], "party");
            if !parties.contains(&party) {
                parties.push(party);
            }
        }
        if !parties.is_empty() {
            results.push(format!("notified {}", parties.join(", ")));
        }
        results.extend(hidden(notices, "notice", "notices"));
    }
    if let Some(stale) = outcome["stale"].as_array() {
        for unit in stale.iter().filter_map(given) {
            let buffer = given(&unit["buffer_m"])
                .map_or_else(|| "(not revealed)".to_owned(), |b| format!("{} m", text(b)));
            results.push(format!(
                "unit {} silent: assumed within {buffer} of its last position",
                shown(&unit["declaration"], "id")
            ));
        }
        results.extend(hidden(stale, "silent unit", "silent units"));
    }
    if let Some(alerts) = outcome["alerts"].as_array() {
        for alert in alerts.iter().filter_map(given) {
            let subject = alert["subject"]
                .as_object()
                .and_then(|o| o.values().next())
                .map_or_else(|| "(subject not revealed)".to_owned(), text);
            let parties = alert["parties"].as_array().map_or(&[][..], Vec::as_slice);
            let mut told: Vec<String> = parties.iter().filter_map(given).map(text).collect();
            let gaps = parties.len() - told.len();
            if gaps > 0 {
                told.push(format!("{gaps} more (which not revealed)"));
            }
            let none = alert["parties"].as_array().is_some_and(Vec::is_empty);
            let parties = if none {
                // A lost unit under a new activity: no party is told.
                "the coordinator alone".to_owned()
            } else if told.is_empty() {
                "(whom not revealed)".to_owned()
            } else {
                told.join(", ")
            };
            results.push(format!("alerted {parties} about {subject}"));
        }
        results.extend(hidden(alerts, "alert", "alerts"));
    }
    if let Some(escalations) = outcome["escalations"].as_array() {
        for e in escalations.iter().filter_map(given) {
            results.push(format!(
                "escalated conflict {} for {} to step {}",
                text(&e["conflict"]),
                text(&e["party"]),
                text(&e["level"])
            ));
        }
        results.extend(hidden(escalations, "escalation", "escalations"));
    }
    results
}

/// The state an activity command leads to by its very name.
fn implied_state(name: &str) -> Option<&'static str> {
    Some(match name {
        "clear" => "cleared",
        "hold" => "held",
        "deny" => "denied",
        "start" => "active",
        "complete" => "completed",
        "cancel" => "cancelled",
        _ => return None,
    })
}

/// Whom or what a conflict opened against: ` with <the other party>` if
/// its parties were revealed, the other side's object if that was, or
/// that it was not.
fn other_side(conflict: &Value, actor: Option<&str>) -> String {
    if let Some([a, b]) = conflict["parties"].as_array().map(Vec::as_slice) {
        let (a, b) = (text(a), text(b));
        return if Some(a.as_str()) == actor {
            format!(" with {b}")
        } else if Some(b.as_str()) == actor {
            format!(" with {a}")
        } else {
            format!(" between {a} and {b}")
        };
    }
    match conflict["other"].as_object().and_then(|o| o.iter().next()) {
        Some((noun, id)) => format!(" with {} {}", printable(noun), text(id)),
        None => " (other side not revealed)".to_owned(),
    }
}

/// The items of a list as far as revealed, named: `conflict a`,
/// `conflicts a, b`, `conflict a and 2 more (which not revealed)`; `None`
/// for no list, or an empty one.
fn some_of(one: &str, many: &str, list: &Value) -> Option<String> {
    let items = list.as_array()?;
    let shown: Vec<String> = items.iter().filter_map(given).map(text).collect();
    let gaps = items.len() - shown.len();
    Some(match (shown.as_slice(), gaps) {
        ([], 0) => return None,
        ([], 1) => format!("a {one} (which not revealed)"),
        ([], n) => format!("{n} {many} (which not revealed)"),
        ([single], 0) => format!("{one} {single}"),
        (all, 0) => format!("{many} {}", all.join(", ")),
        ([single], n) => format!("{one} {single} and {n} more (which not revealed)"),
        (all, n) => format!(
            "{many} {} and {n} more (which not revealed)",
            all.join(", ")
        ),
    })
}

/// How many items of a list were not revealed, said, if any. Only the
/// gaps before the last revealed one are known; the line claims no more.
fn hidden(items: &[Value], one: &str, many: &str) -> Option<String> {
    match items.iter().filter(|v| v.is_null()).count() {
        0 => None,
        1 => Some(format!("1 other {one} not revealed")),
        n => Some(format!("{n} other {many} not revealed")),
    }
}

/// A field's value if the bundle revealed it.
fn given(value: &Value) -> Option<&Value> {
    (!value.is_null()).then_some(value)
}

/// A field as text, or that it was not revealed.
fn shown(value: &Value, what: &str) -> String {
    given(value).map_or_else(|| format!("({what} not revealed)"), text)
}

/// A field as text: a string as it is, anything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => printable(s),
        Value::Null => "?".to_owned(),
        other => printable(&other.to_string()),
    }
}

/// `s` with every control or invisible character escaped, quotes kept.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' | '\'' | '\\' => c.to_string(),
            c => c.escape_debug().to_string(),
        })
        .collect()
}

const MS_PER_S: i64 = 1000;
const S_PER_DAY: i64 = 86_400;

/// Unix milliseconds as `2026-11-22 10:02:00 UTC` (to the second).
fn utc_ms(ms: i64) -> String {
    utc(ms.div_euclid(MS_PER_S))
}

/// Unix seconds as a cosignature carries them: the ledger refuses any
/// above 2^63 − 1, so none saturates.
fn utc_s(s: u64) -> String {
    utc(i64::try_from(s).unwrap_or(i64::MAX))
}

fn utc(s: i64) -> String {
    let (days, in_day) = (s.div_euclid(S_PER_DAY), s.rem_euclid(S_PER_DAY));
    let (y, m, d) = civil_from_days(days);
    let (h, min, sec) = (in_day / 3600, in_day / 60 % 60, in_day % 60);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02}:{sec:02} UTC")
}

/// The proleptic Gregorian date of a day counted from 1970-01-01
/// (H. Hinnant's algorithm): years are counted from 1 March, so that the
/// leap day falls at the end of one, and in eras of 400 years, which repeat.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468; // days from 0000-03-01
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_dated_as_the_calendar_does() {
        // From `date -u -d DATE +%s` / 86400.
        for (days, date) in [
            (0, (1970, 1, 1)),
            (-1, (1969, 12, 31)),
            (11_016, (2000, 2, 29)),
            (11_017, (2000, 3, 1)),
            (20_779, (2026, 11, 22)),
            (-25_508, (1900, 3, 1)),
            (47_540, (2100, 2, 28)),
            (-135_081, (1600, 2, 29)),
        ] {
            assert_eq!(civil_from_days(days), date, "{days}");
        }
    }

    #[test]
    fn times_are_written_in_utc_to_the_second() {
        assert_eq!(utc_ms(1_795_341_720_999), "2026-11-22 10:02:00 UTC");
        assert_eq!(utc_ms(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(utc_s(0), "1970-01-01 00:00:00 UTC");
    }

    #[test]
    fn text_from_a_bundle_cannot_rewrite_its_line() {
        assert_eq!(printable("pmf"), "pmf");
        assert_eq!(printable("a\"b"), "a\"b");
        assert_eq!(printable("x\n#2 forged"), "x\\n#2 forged");
        assert_eq!(printable("\u{1b}[2K\u{202e}"), "\\u{1b}[2K\\u{202e}");
    }
}
