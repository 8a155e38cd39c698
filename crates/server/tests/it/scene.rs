//! The live picture's scene, shared by the tests of the event stream and of
//! webhooks: a PMF company that reports its position, and a coalition
//! strike near Baiji cleared by the JOC.

use crate::{Harness, activity, declaration, in_hours};
use serde_json::{Value, json};

/// Near Baiji: the PMF company's gate and the coalition's truck park.
pub(crate) const GATE: (f64, f64) = (43.4712, 34.9355);
pub(crate) const TRUCK_PARK: (f64, f64) = (43.4750, 34.9370);
pub(crate) const TIKRIT: (f64, f64) = (43.6800, 34.6000);
/// A kilometre west of the gate: out of the strike's reach, a minute's
/// drive from it.
pub(crate) const WEST_OF_GATE: (f64, f64) = (GATE.0 - 0.01, GATE.1);

/// A PMF company reporting its position, and a coalition strike 400 m from
/// the gate, cleared by the JOC.
pub(crate) async fn scene(h: &Harness) -> (String, String) {
    let mut unit = declaration(
        "unit_position",
        "PMF 3rd company, Tikrit",
        TIKRIT.0,
        TIKRIT.1,
        200.0,
    );
    unit["tracking"] = json!({"report_interval_s": 30, "cot_uid": "ANDROID-pmf-3"});
    let unit = h
        .post("/v1/declarations", "pmf/operator", unit)
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let strike = activity(
        "air_strike",
        "Coalition strike on the Baiji truck park",
        TRUCK_PARK.0,
        TRUCK_PARK.1,
        800.0,
        1.0,
        2.0,
    );
    let strike = h
        .post("/v1/activities", "coalition/operator", strike)
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    h.post(
        &format!("/v1/activities/{strike}/clear"),
        "joc/approver",
        json!({"reason": "nobody declared there"}),
    )
    .await
    .expect(200);
    (unit, strike)
}

pub(crate) fn report(unit: &str, at: (f64, f64)) -> Value {
    report_at(unit, at, 0.0)
}

/// A report of where the unit was `hours` from now.
pub(crate) fn report_at(unit: &str, at: (f64, f64), hours: f64) -> Value {
    json!({"reports": [{
        "declaration_id": unit, "time": in_hours(hours), "lat": at.1, "lon": at.0,
        "ce_m": 15.0, "speed": 4.0, "course": 10.0
    }]})
}
