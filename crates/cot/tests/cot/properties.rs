//! Properties: the splitter does not care how the stream is chunked, and the
//! parser reads back whatever the writer writes.

use deconflict_cot::{Emergency, Marker, Splitter, emergency, marker, parse, pong};
use proptest::prelude::*;

use crate::split_all;

/// Pieces streams are made of: events that read, events that do not, and
/// everything that lies between or breaks them.
fn piece() -> impl Strategy<Value = String> {
    let uid = "[a-z0-9-]{1,12}";
    let event = uid.prop_map(|uid| {
        format!(
            r#"<event uid="{uid}" type="a-f-G" time="2020-01-03T10:02:00Z" start="2020-01-03T10:02:00Z" stale="2020-01-03T10:07:00Z"><point lat="1.5" lon="-2" hae="9999999.0" ce="9999999.0" le="9999999.0"/><detail><remarks><![CDATA[</event>]]><!-- </event> --></remarks></detail></event>"#
        )
    });
    prop_oneof![
        4 => event,
        1 => Just("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_owned()),
        1 => Just("\u{feff}".to_owned()),
        1 => Just(" \r\n\t".to_owned()),
        1 => Just("<!-- a comment -->".to_owned()),
        1 => Just("<event uid=\"cut\"><point".to_owned()),
        1 => Just("</event>".to_owned()),
        1 => Just("<event/>".to_owned()),
        1 => Just("<ev".to_owned()),
        1 => Just(format!("<event>{}</event>", "x".repeat(300))),
        1 => "[ -~]{0,20}",
    ]
}

fn stream() -> impl Strategy<Value = (Vec<u8>, Vec<usize>)> {
    prop::collection::vec(piece(), 0..12).prop_flat_map(|pieces| {
        let bytes = pieces.concat().into_bytes();
        let len = bytes.len();
        (Just(bytes), prop::collection::vec(0..=len, 0..16))
    })
}

proptest! {
    #[test]
    fn chunking_does_not_change_the_items((bytes, mut cuts) in stream()) {
        let max = 256;
        let whole = split_all(max, &bytes);
        cuts.sort_unstable();
        let mut splitter = Splitter::with_max_event_bytes(max);
        let mut chunked = Vec::new();
        let mut from = 0;
        for cut in cuts.into_iter().chain([bytes.len()]) {
            splitter.push(&bytes[from..cut]);
            chunked.extend(&mut splitter);
            from = cut;
        }
        splitter.finish();
        chunked.extend(splitter);
        prop_assert_eq!(chunked, whole);
    }

    #[test]
    fn every_event_the_splitter_yields_is_within_the_limit((bytes, _) in stream()) {
        for item in split_all(256, &bytes).into_iter().flatten() {
            prop_assert!(item.len() <= 256);
            prop_assert!(item.starts_with(b"<event"));
        }
    }
}

/// What XML can carry of a string: the writer replaces the rest.
fn carried(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t'
            | '\n'
            | '\r'
            | '\u{20}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FFFD}'
            | '\u{10000}'.. => c,
            _ => '\u{FFFD}',
        })
        .collect()
}

/// Any characters, markup and whitespace well represented; at most four
/// bytes each, so `chars` characters stay within a limit of 4 × `chars`.
fn text(chars: usize) -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '<',
        '>',
        '&',
        '"',
        '\'',
        '\t',
        '\n',
        '\r',
        ' ',
        ']',
        '\u{0}',
        '\u{1b}',
        '\u{fffe}',
        'é',
        '€',
        '\u{1F600}',
    ]);
    let c = prop_oneof![special, any::<char>()];
    prop::collection::vec(c, 0..=chars).prop_map(String::from_iter)
}

proptest! {
    #[test]
    fn markers_read_back(
        uid in text(64).prop_filter("a uid", |u| !u.is_empty()),
        callsign in text(32),
        remarks in text(1024),
        lat in -90.0f64..=90.0,
        lon in -180.0f64..=180.0,
        ce in prop::option::of(prop_oneof![0.0f64..1e7, Just(0.0), Just(1e-300), Just(f64::MAX)]),
        time_ms in -62_167_219_200_000i64..253_402_300_800_000,
        stale_ms in -62_167_219_200_000i64..253_402_300_800_000,
    ) {
        let written = marker(&Marker { uid: &uid, callsign: &callsign, remarks: &remarks, lat, lon, ce, time_ms, stale_ms });
        let event = parse(written.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{written}")))?;
        prop_assert_eq!(&event.uid, &carried(&uid));
        prop_assert_eq!(event.kind.as_str(), deconflict_cot::MARKER_TYPE);
        prop_assert_eq!(&event.contact.as_ref().unwrap().callsign, &carried(&callsign));
        prop_assert_eq!(event.remarks.clone(), Some(carried(&remarks)));
        prop_assert_eq!((event.point.lat, event.point.lon, event.point.ce), (lat, lon, ce));
        prop_assert_eq!((event.point.hae, event.point.le), (None, None));
        prop_assert_eq!((event.time_ms, event.start_ms, event.stale_ms), (time_ms, time_ms, stale_ms));
        prop_assert_eq!(&event.token, &None);
        // And through the splitter, as a client would read it.
        let items = split_all(deconflict_cot::DEFAULT_MAX_EVENT_BYTES, written.as_bytes());
        prop_assert_eq!(items.len(), 1);
        prop_assert_eq!(parse(items[0].as_ref().unwrap()).unwrap(), event);
    }

    #[test]
    fn emergencies_read_back(
        uid in text(64).prop_filter("a uid", |u| !u.is_empty()),
        callsign in text(32),
        text_ in text(1024),
        lat in -90.0f64..=90.0,
        lon in -180.0f64..=180.0,
        cancel in any::<bool>(),
        time_ms in 0i64..253_402_300_000_000,
    ) {
        let written = emergency(&Emergency {
            uid: &uid, callsign: &callsign, text: &text_, lat, lon, ce: Some(2000.0),
            time_ms, stale_ms: time_ms + 60_000, cancel,
        });
        let event = parse(written.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{written}")))?;
        let kind = if cancel { deconflict_cot::EMERGENCY_CANCEL_TYPE } else { deconflict_cot::EMERGENCY_TYPE };
        prop_assert_eq!(event.kind.as_str(), kind);
        prop_assert_eq!(&event.uid, &carried(&uid));
        prop_assert_eq!(event.remarks.clone(), Some(carried(&text_)));
        prop_assert_eq!((event.point.lat, event.point.lon), (lat, lon));
    }

    #[test]
    fn shapes_read_back(
        uid in text(64).prop_filter("a uid", |u| !u.is_empty()),
        callsign in text(32),
        remarks in text(512),
        vertices in prop::collection::vec((-180.0f64..=180.0, -90.0f64..=90.0), 3..12),
        rectangle in any::<bool>(),
        time_ms in 0i64..253_402_300_000_000,
    ) {
        let vertices: Vec<[f64; 2]> = vertices.into_iter().map(|(lon, lat)| [lon, lat]).collect();
        let kind = if rectangle { deconflict_cot::RECTANGLE_TYPE } else { deconflict_cot::FREEFORM_TYPE };
        let written = deconflict_cot::shape(&deconflict_cot::Shape {
            uid: &uid, kind, callsign: &callsign, remarks: &remarks, vertices: &vertices,
            stroke: -65536, fill: 0x40ff_0000_u32 as i32, time_ms, stale_ms: time_ms + 60_000,
        });
        let event = parse(written.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{written}")))?;
        prop_assert_eq!(event.kind.as_str(), kind);
        prop_assert_eq!(&event.uid, &carried(&uid));
        prop_assert_eq!(event.remarks.clone(), Some(carried(&remarks)));
        // Every vertex, in order, as `lat,lon` that reads back exactly.
        let links: Vec<[f64; 2]> = written
            .split("<link point=\"")
            .skip(1)
            .map(|rest| {
                let (pair, _) = rest.split_once('"').unwrap();
                let (lat, lon) = pair.split_once(',').unwrap();
                [lon.parse().unwrap(), lat.parse().unwrap()]
            })
            .collect();
        prop_assert_eq!(links, vertices);
    }

    #[test]
    fn deletions_name_the_drawing(uid in text(64).prop_filter("a uid", |u| !u.is_empty()), now_ms in 0i64..253_402_300_000_000) {
        let written = deconflict_cot::delete(&uid, deconflict_cot::RECTANGLE_TYPE, now_ms);
        let event = parse(written.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{written}")))?;
        prop_assert_eq!(event.kind.as_str(), deconflict_cot::DELETE_TYPE);
        prop_assert!(written.contains("<__forcedelete/>"));
    }

    #[test]
    fn pongs_read_back(uid in text(64).prop_filter("a uid", |u| !u.is_empty()), now_ms in 0i64..253_402_300_000_000) {
        let event = parse(pong(&uid, now_ms).as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&event.uid, &carried(&uid));
        prop_assert_eq!(event.kind.as_str(), "t-x-c-t-r");
        prop_assert!(!event.is_ping());
        prop_assert_eq!((event.time_ms, event.start_ms, event.stale_ms), (now_ms, now_ms, now_ms + 20_000));
    }
}

#[test]
fn a_pong_as_tak_servers_send_it() {
    assert_eq!(
        pong("deconflict", 1_578_045_720_123),
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <event version=\"2.0\" uid=\"deconflict\" type=\"t-x-c-t-r\" how=\"h-g-i-g-o\" \
         time=\"2020-01-03T10:02:00.123Z\" start=\"2020-01-03T10:02:00.123Z\" stale=\"2020-01-03T10:02:20.123Z\">\
         <point lat=\"0.0\" lon=\"0.0\" hae=\"9999999.0\" ce=\"9999999.0\" le=\"9999999.0\"/><detail/></event>"
    );
}

#[test]
fn a_marker_as_written() {
    let written = marker(&Marker {
        uid: "deconflict-alert-c42",
        callsign: "Conflict <C42> & \"more\"",
        remarks: "Convoy crosses\r\nNGO site 'North'",
        lat: 33.3152,
        lon: 44.3661,
        ce: Some(500.0),
        time_ms: 1_578_045_720_000,
        stale_ms: 1_578_049_320_000,
    });
    assert_eq!(
        written,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <event version=\"2.0\" uid=\"deconflict-alert-c42\" type=\"b-m-p-s-m\" how=\"h-g-i-g-o\" \
         time=\"2020-01-03T10:02:00.000Z\" start=\"2020-01-03T10:02:00.000Z\" stale=\"2020-01-03T11:02:00.000Z\">\
         <point lat=\"33.3152\" lon=\"44.3661\" hae=\"9999999.0\" ce=\"500.0\" le=\"9999999.0\"/>\
         <detail><contact callsign=\"Conflict &lt;C42&gt; &amp; &quot;more&quot;\"/>\
         <color argb=\"-65536\"/><usericon iconsetpath=\"COT_MAPPING_SPOTMAP/b-m-p-s-m/-65536\"/>\
         <remarks>Convoy crosses&#13;\nNGO site 'North'</remarks></detail></event>"
    );
}
