//! What a verified bundle proves, in plain words: one line for the
//! checkpoint and one for each entry.
//!
//! The lines read the leaves as JSON rather than as the model's types, so a
//! command this build does not know still gets an honest line (its name,
//! who sent it, when, and its outcome), and a field the bundle did not
//! reveal is said to be hidden rather than shown as a commitment. Every
//! text that came from the bundle is printed with its control and
//! invisible characters escaped, so that a label cannot rewrite the line
//! it appears on.

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

    /// One line per entry, in log order.
    pub fn story(&self) -> Vec<String> {
        self.entries.iter().map(line).collect()
    }
}

fn line(entry: &Value) -> String {
    let actor = &entry["actor"];
    let party = text(&actor["party"]);
    let (name, body) = command(&entry["command"]);
    let mut action = action(name, body, &entry["outcome"]);
    let reason = reason(body);
    if let Reason::Hidden = reason {
        action.push_str(" (reason not revealed)");
    }
    let results = results(name, &entry["outcome"], &party);
    let mut line = format!(
        "#{} {} — {party} ({}) {action}",
        text(&entry["seq"]),
        entry["time_ms"]
            .as_i64()
            .map_or_else(|| "?".to_owned(), utc_ms),
        text(&actor["role"]),
    );
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

/// A command's name and its fields: `{"clear": {...}}` as the log writes
/// it (or a bare name, for a command with none).
fn command(command: &Value) -> (&str, &Value) {
    match command {
        Value::Object(fields) => fields
            .iter()
            .next()
            .map_or(("?", &Value::Null), |(name, body)| (name.as_str(), body)),
        Value::String(name) => (name, &Value::Null),
        _ => ("?", &Value::Null),
    }
}

/// What the actor did, naming the object it acted on.
fn action(name: &str, body: &Value, outcome: &Value) -> String {
    let id = |field: &str| text(&body[field]);
    let created = || {
        outcome["created"]
            .as_object()
            .and_then(|o| o.values().next())
            .map_or_else(|| "?".to_owned(), text)
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
        "set_incident_status" => format!("set incident {} to {}", id("id"), id("status")),
        "reveal" => format!("made public {} of entry #{}", id("pointer"), id("seq")),
        "track" => format!("reported positions: {}", positions(&body["reports"])),
        "sweep" => "swept for silent units and unanswered notices".to_owned(),
        other if is_commitment(body) => format!("{} (details not revealed)", printable(other)),
        other => printable(other),
    }
}

/// Each report's unit and time, and where, if revealed.
fn positions(reports: &Value) -> String {
    let Some(reports) = reports.as_array().filter(|r| !r.is_empty()) else {
        return "none".to_owned();
    };
    let one = |report: &Value| {
        let when = report["time_ms"]
            .as_i64()
            .map_or_else(|| "?".to_owned(), utc_ms);
        let unit = text(&report["declaration"]);
        match revealed(&report["position"]) {
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
    reports.iter().map(one).collect::<Vec<_>>().join("; ")
}

/// An incident's kind and whom it is against, if the report was revealed.
fn incident(report: &Value) -> String {
    match revealed(report) {
        None => "(details not revealed)".to_owned(),
        Some(r) => match r["against"].as_str() {
            Some(against) => format!("({}, against {})", text(&r["kind"]), printable(against)),
            None => format!("({})", text(&r["kind"])),
        },
    }
}

/// An object's kind and label, as far as they were revealed.
fn what(spec: &Value) -> String {
    let kind = revealed(&spec["kind"]).map(text);
    let label = revealed(&spec["label"]).map(|l| match l {
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

/// A decision's reason: absent (or null), committed, or revealed.
fn reason(body: &Value) -> Reason {
    match &body["reason"] {
        Value::Null => Reason::None,
        hidden if is_commitment(hidden) => Reason::Hidden,
        Value::String(s) => Reason::Given(s.clone()),
        other => Reason::Given(other.to_string()),
    }
}

/// What the command led to, beyond what its verb already says.
fn results(name: &str, outcome: &Value, actor: &str) -> Vec<String> {
    let mut results = Vec::new();
    if let Some(state) = outcome["activity_state"].as_str() {
        match (name, implied_state(name)) {
            ("submit_activity", _) => results.push(printable(state)),
            (_, Some(implied)) if implied == state => {}
            _ => results.push(format!("activity now {}", printable(state))),
        }
    }
    if !matches!(name, "declare" | "submit_activity" | "report_incident")
        && let Some((noun, id)) = outcome["created"].as_object().and_then(|o| o.iter().next())
    {
        results.push(format!("created {} {}", printable(noun), text(id)));
    }
    for opened in outcome["opened"].as_array().into_iter().flatten() {
        results.push(format!(
            "opened conflict {}{}",
            text(&opened["id"]),
            with_whom(&opened["parties"], actor)
        ));
    }
    if let Some(ids) = id_list(&outcome["resolved"]) {
        results.push(format!("resolved {}", plural("conflict", &ids)));
    }
    match &outcome["held"] {
        held if is_commitment(held) => {
            results.push("put other activities back on hold (which not revealed)".to_owned());
        }
        held => {
            if let Some(ids) = id_list(held) {
                results.push(format!("put {} back on hold", plural("activity", &ids)));
            }
        }
    }
    if let Some(told) = notified(&outcome["notices"]) {
        results.push(format!("notified {told}"));
    }
    for stale in outcome["stale"].as_array().into_iter().flatten() {
        let buffer = revealed(&stale["buffer_m"])
            .map_or_else(|| "not revealed".to_owned(), |b| format!("{} m", text(b)));
        results.push(format!(
            "unit {} silent: assumed within {buffer} of its last position",
            text(&stale["declaration"])
        ));
    }
    match &outcome["alerts"] {
        hidden if is_commitment(hidden) => {
            results.push("raised alerts (to whom not revealed)".to_owned())
        }
        alerts => {
            for alert in alerts.as_array().into_iter().flatten() {
                let subject = alert["subject"]
                    .as_object()
                    .and_then(|o| o.values().next())
                    .map_or_else(|| "?".to_owned(), text);
                let parties: Vec<String> = alert["parties"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(text)
                    .collect();
                results.push(format!("alerted {} about {subject}", parties.join(", ")));
            }
        }
    }
    match &outcome["escalations"] {
        hidden if is_commitment(hidden) => {
            results.push("escalated notices (to whom not revealed)".to_owned());
        }
        escalations => {
            for e in escalations.as_array().into_iter().flatten() {
                results.push(format!(
                    "escalated conflict {} for {} to step {}",
                    text(&e["conflict"]),
                    text(&e["party"]),
                    text(&e["level"])
                ));
            }
        }
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

/// ` with <the other party>`, if the conflict's parties were revealed.
fn with_whom(parties: &Value, actor: &str) -> String {
    let Some([a, b]) = parties.as_array().map(Vec::as_slice) else {
        return String::new();
    };
    let (a, b) = (text(a), text(b));
    if a == actor {
        format!(" with {b}")
    } else if b == actor {
        format!(" with {a}")
    } else {
        format!(" between {a} and {b}")
    }
}

/// The parties told of anything, once each, if the notices were revealed.
fn notified(notices: &Value) -> Option<String> {
    let mut parties: Vec<String> = Vec::new();
    for notice in notices.as_array()? {
        let party = text(&notice["party"]);
        if !parties.contains(&party) {
            parties.push(party);
        }
    }
    (!parties.is_empty()).then(|| parties.join(", "))
}

fn id_list(ids: &Value) -> Option<Vec<String>> {
    let ids: Vec<String> = ids.as_array()?.iter().map(text).collect();
    (!ids.is_empty()).then_some(ids)
}

fn plural(noun: &str, ids: &[String]) -> String {
    match ids {
        [one] => format!("{noun} {one}"),
        many if noun.ends_with('y') => {
            format!("{}ies {}", &noun[..noun.len() - 1], many.join(", "))
        }
        many => format!("{noun}s {}", many.join(", ")),
    }
}

fn is_commitment(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.contains_key("commitment"))
}

/// A field's value if the bundle revealed it (or the log never hid it).
fn revealed(value: &Value) -> Option<&Value> {
    (!value.is_null() && !is_commitment(value)).then_some(value)
}

/// A public field as text: a string as it is, anything else as JSON.
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
