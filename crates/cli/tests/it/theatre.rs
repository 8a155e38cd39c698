//! The rules of the theatre, a challenge and check fire on `deconflict
//! demo`, as each party would use them with the logins it printed: each
//! party acts with its own credentials and reads back only what it may.

use crate::demo::{demo, token};
use crate::{Server, in_hours};
use serde_json::{Value, json};

/// A call with `party role`'s printed token: the status and the JSON body.
fn call(server: &Server, who: (&str, &str), method: &str, path: &str, body: Value) -> (u16, Value) {
    let token = token(&server.banner, who.0, who.1);
    let body = (!body.is_null()).then(|| body.to_string());
    let (status, text) = server.call(method, path, Some(&token), body.as_deref());
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn rule_names(server: &Server, party: &str) -> Vec<String> {
    let (status, rules) = call(server, (party, "viewer"), "GET", "/v1/rules", Value::Null);
    assert_eq!(status, 200, "{rules}");
    rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn rules_bind_and_are_read_by_those_they_should_be_on_the_demo() {
    let server = demo(&[]);

    // The coalition's mandate refuses a ground operation, naming itself.
    let raid = json!({"kind": "ground_operation", "label": "Raid west of Fallujah",
        "geometry": {"type": "Point", "coordinates": [43.70, 33.35]}, "buffer_m": 500,
        "start": in_hours(3.0), "end": in_hours(5.0)});
    let (status, problem) = call(
        &server,
        ("coalition", "operator"),
        "POST",
        "/v1/activities",
        raid,
    );
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["code"], "rule_refused");
    assert_eq!(problem["rule"]["name"], "coalition-mandate");

    // A rule set for the coalition alone is read by it and the JOC, not
    // by the PMF; only the JOC's approvers set rules.
    let rule = json!({"name": "coalition-strike-notice", "parties": ["coalition"],
        "public": false, "rule": {"type": "notice", "kind": "air_strike", "hours": 2},
        "reason": "Strikes are notified two hours ahead"});
    for who in [
        ("coalition", "operator"),
        ("pmf", "operator"),
        ("joc", "operator"),
    ] {
        let (status, body) = call(&server, who, "POST", "/v1/rules", rule.clone());
        assert_eq!(status, 403, "{who:?}: {body}");
    }
    let (status, body) = call(&server, ("joc", "approver"), "POST", "/v1/rules", rule);
    assert_eq!(status, 201, "{body}");
    assert!(rule_names(&server, "coalition").contains(&"coalition-strike-notice".to_owned()));
    assert!(rule_names(&server, "joc").contains(&"coalition-strike-notice".to_owned()));
    let pmf = rule_names(&server, "pmf");
    assert!(
        !pmf.contains(&"coalition-strike-notice".to_owned()),
        "{pmf:?}"
    );
    assert!(
        pmf.contains(&"coalition-mandate".to_owned()),
        "public: {pmf:?}"
    );
}

#[test]
fn a_challenge_and_a_stop_on_the_demo_tell_each_party_only_its_part() {
    let server = demo(&[]);

    // The PMF challenges the ISF's public airport.
    let (_, sites) = call(
        &server,
        ("pmf", "viewer"),
        "GET",
        "/v1/declarations",
        Value::Null,
    );
    let airport = sites["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["label"] == "Baghdad International Airport")
        .unwrap_or_else(|| panic!("the airport is public: {sites}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/declarations/{airport}/challenges");
    let grounds = json!({"grounds": "Foreign advisers run a drone cell from the north apron"});
    let (status, _) = call(&server, ("pmf", "viewer"), "POST", &path, grounds.clone());
    assert_eq!(status, 403, "a viewer does not act");
    let (status, challenge) = call(&server, ("pmf", "operator"), "POST", &path, grounds);
    assert_eq!(status, 201, "{challenge}");
    let id = challenge["id"].as_str().unwrap().to_owned();
    let (status, owner) = call(
        &server,
        ("isf", "viewer"),
        "GET",
        &format!("/v1/challenges/{id}"),
        Value::Null,
    );
    assert_eq!(status, 200, "{owner}");
    assert!(
        owner.get("by").is_none(),
        "the owner is not told who: {owner}"
    );
    for who in ["coalition", "ocha"] {
        let (status, _) = call(
            &server,
            (who, "viewer"),
            "GET",
            &format!("/v1/challenges/{id}"),
            Value::Null,
        );
        assert_eq!(status, 404, "{who}");
    }
    let (status, ruled) = call(
        &server,
        ("joc", "approver"),
        "POST",
        &format!("/v1/challenges/{id}/ruling"),
        json!({"ruling": "upheld", "reason": "the apron is the ISF's; no foreign cell"}),
    );
    assert_eq!(status, 200, "{ruled}");

    // The ISF stops fire over the al-Qaim border crossing, where the
    // coalition's cleared survey runs: held at once, its owner told the
    // cause and nothing of who or where; the raiser told how many.
    let (_, cleared) = call(
        &server,
        ("coalition", "viewer"),
        "GET",
        "/v1/activities?state=cleared",
        Value::Null,
    );
    let survey = cleared["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["label"].as_str().unwrap().contains("al-Qaim"))
        .unwrap_or_else(|| panic!("the survey is cleared: {cleared}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, stop) = call(
        &server,
        ("isf", "operator"),
        "POST",
        "/v1/stops",
        json!({"cause": "civilians_present",
            "geometry": {"type": "Point", "coordinates": [40.9801, 34.3976]},
            "buffer_m": 2000, "until": in_hours(14.0),
            "reason": "families crossing back from Syria at the border gate"}),
    );
    assert_eq!(status, 201, "{stop}");
    assert_eq!(stop["held_count"], 1, "{stop}");
    let stop_id = stop["id"].as_str().unwrap().to_owned();
    let (_, held) = call(
        &server,
        ("coalition", "viewer"),
        "GET",
        &format!("/v1/activities/{survey}"),
        Value::Null,
    );
    assert_eq!(held["state"], "held", "{held}");
    let (status, told) = call(
        &server,
        ("coalition", "viewer"),
        "GET",
        &format!("/v1/stops/{stop_id}"),
        Value::Null,
    );
    assert_eq!(status, 200, "{told}");
    assert_eq!(told["held"], json!([survey]));
    let text = told.to_string();
    for hidden in ["isf", "families", "40.98", "held_count"] {
        assert!(!text.contains(hidden), "the owner learns {hidden}: {text}");
    }
    let (status, _) = call(
        &server,
        ("pmf", "viewer"),
        "GET",
        &format!("/v1/stops/{stop_id}"),
        Value::Null,
    );
    assert_eq!(status, 404, "a party it does not concern");

    let (status, _) = call(
        &server,
        ("coalition", "operator"),
        "POST",
        &format!("/v1/stops/{stop_id}/lift"),
        json!({"reason": "not theirs to lift"}),
    );
    assert_eq!(status, 403);
    let (status, _) = call(
        &server,
        ("coalition", "operator"),
        "POST",
        &format!("/v1/stops/{stop_id}/acknowledge"),
        json!({}),
    );
    assert_eq!(status, 200);
    let (status, lifted) = call(
        &server,
        ("isf", "operator"),
        "POST",
        &format!("/v1/stops/{stop_id}/lift"),
        json!({"reason": "the families are through"}),
    );
    assert_eq!(status, 200, "{lifted}");
}
