//! Events as ATAK, WinTAK and pytak write them, and what they must read as.

use deconflict_cot::{Contact, Event, Group, Point, Track, parse};

use crate::data;

fn sample(name: &str) -> Event {
    parse(&data(&format!("samples/{name}"))).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn contact(callsign: &str, endpoint: Option<&str>) -> Option<Contact> {
    Some(Contact {
        callsign: callsign.into(),
        endpoint: endpoint.map(Into::into),
    })
}

fn group(name: &str, role: &str) -> Option<Group> {
    Some(Group {
        name: name.into(),
        role: role.into(),
    })
}

#[test]
fn atak_position_report() {
    assert_eq!(
        sample("atak-pli.xml"),
        Event {
            uid: "ANDROID-589520ccfcd20f01".into(),
            kind: "a-f-G-U-C".into(),
            how: Some("h-e".into()),
            time_ms: 1_578_045_720_123,
            start_ms: 1_578_045_720_123,
            stale_ms: 1_578_046_095_123,
            point: Point {
                lat: 43.855703,
                lon: -66.108012,
                hae: Some(19.5586636),
                ce: Some(3.2),
                le: None,
            },
            contact: contact("JDOG", Some("192.168.1.10:4242:tcp")),
            group: group("Cyan", "Team Member"),
            track: Some(Track {
                speed: 0.0,
                course: 80.24833892285461,
            }),
            remarks: None,
            token: None,
        }
    );
}

#[test]
fn atak_ping() {
    let ping = sample("atak-ping.xml");
    assert!(ping.is_ping());
    assert_eq!(
        ping,
        Event {
            uid: "ANDROID-589520ccfcd20f01-ping".into(),
            kind: "t-x-c-t".into(),
            how: Some("m-g".into()),
            time_ms: 1_578_045_725_001,
            start_ms: 1_578_045_725_001,
            stale_ms: 1_578_045_735_001,
            point: Point {
                lat: 0.0,
                lon: 0.0,
                hae: Some(0.0),
                ce: None,
                le: None,
            },
            contact: None,
            group: None,
            track: None,
            remarks: None,
            token: None,
        }
    );
}

#[test]
fn atak_spot_marker_with_escaped_remarks() {
    let marker = sample("atak-spot-marker.xml");
    assert!(!marker.is_ping());
    assert_eq!(
        marker,
        Event {
            uid: "9405e320-9356-41c4-8449-f46990aa17f8".into(),
            kind: "b-m-p-s-m".into(),
            how: Some("h-g-i-g-o".into()),
            time_ms: 1_578_046_542_518,
            start_ms: 1_578_046_542_518,
            stale_ms: 1_609_668_942_518,
            point: Point {
                lat: 43.8601237,
                lon: -66.1007421,
                hae: Some(21.384),
                ce: None,
                le: None,
            },
            contact: contact("R 1", None),
            group: None,
            track: None,
            remarks: Some("Checkpoint & rally point <north> \u{2013} don't block".into()),
            token: None,
        }
    );
}

#[test]
fn wintak_position_report() {
    assert_eq!(
        sample("wintak-pli.xml"),
        Event {
            uid: "S-1-5-21-2720623347-3037847324-4167270909-1002".into(),
            kind: "a-f-G-U-C".into(),
            how: Some("h-g-i-g-o".into()),
            time_ms: 1_614_457_944_771,
            start_ms: 1_614_457_944_771,
            stale_ms: 1_614_458_319_771,
            point: Point {
                lat: 38.8809,
                lon: -77.0936,
                hae: None,
                ce: None,
                le: None,
            },
            contact: contact("FALCON", Some("*:-1:stcp")),
            group: group("Dark Blue", "HQ"),
            track: None,
            remarks: None,
            token: None,
        }
    );
}

#[test]
fn pytak_default_event() {
    assert_eq!(
        sample("pytak.xml"),
        Event {
            uid: "pytak-sensor-7".into(),
            kind: "a-f-G-U-C".into(),
            how: Some("m-g".into()),
            time_ms: 1_715_679_012_345,
            start_ms: 1_715_679_012_345,
            stale_ms: 1_715_679_132_345,
            point: Point {
                lat: 33.3152,
                lon: 44.3661,
                hae: None,
                ce: None,
                le: None,
            },
            contact: contact("SENSOR-7", None),
            group: None,
            track: None,
            remarks: None,
            token: None,
        }
    );
}

#[test]
fn a_client_of_this_service_with_a_token_offsets_and_cdata() {
    assert_eq!(
        sample("deconflict-client.xml"),
        Event {
            uid: "ngo-medic-12".into(),
            kind: "a-f-G-U-C-I".into(),
            how: Some("m-g".into()),
            time_ms: 1_715_679_012_000,
            start_ms: 1_715_679_012_000,
            stale_ms: 1_715_679_312_500,
            point: Point {
                lat: 33.31,
                lon: 44.366,
                hae: Some(-12.5),
                ce: Some(15.0),
                le: Some(22.0),
            },
            contact: contact("MEDIC 12 \u{263a}", Some("10.0.0.12:4242:tcp")),
            group: group("Green", "Medic"),
            track: Some(Track {
                speed: 1.4,
                course: 359.9,
            }),
            remarks: Some("convoy </event> <b>not</b> a tag and  <done>".into()),
            token: Some("dcf_4b1c0ffee".into()),
        }
    );
}

/// Every sample, back to back with what lies between events in real
/// streams, comes out of the splitter whole and reads as it does alone.
#[test]
fn samples_stream_through_the_splitter() {
    let names = [
        "atak-pli.xml",
        "atak-ping.xml",
        "atak-spot-marker.xml",
        "wintak-pli.xml",
        "pytak.xml",
        "deconflict-client.xml",
    ];
    let mut stream = b"\xEF\xBB\xBF".to_vec();
    for name in names {
        stream.extend(data(&format!("samples/{name}")));
        stream.extend(b"\r\n");
    }
    let events: Vec<Event> = crate::split_all(deconflict_cot::DEFAULT_MAX_EVENT_BYTES, &stream)
        .into_iter()
        .map(|item| parse(&item.expect("an event")).expect("a valid event"))
        .collect();
    let alone: Vec<Event> = names.into_iter().map(sample).collect();
    assert_eq!(events, alone);
}
