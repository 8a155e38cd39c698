//! Each way an event can be wrong, with the exact message it gets, and the
//! edge cases that are still right.

use deconflict_cot::parse;

const T: &str = "2020-01-03T10:02:00Z";

/// A valid event with the given `<point>` attributes and `<detail>` content.
fn event(point: &str, detail: &str) -> String {
    format!(
        r#"<event uid="u-1" type="a-f-G" time="{T}" start="{T}" stale="{T}"><point {point}/><detail>{detail}</detail></event>"#
    )
}

fn at(point: &str) -> String {
    event(point, "")
}

fn with(detail: &str) -> String {
    event(r#"lat="1" lon="2""#, detail)
}

/// Refused, with a message that begins as expected.
#[track_caller]
fn refused(xml: &str, expected: &str) {
    match parse(xml.as_bytes()) {
        Ok(event) => panic!("accepted {xml}\nas {event:?}"),
        Err(e) => assert!(
            e.to_string().starts_with(expected),
            "{xml}\ngave: {e}\nwanted: {expected}"
        ),
    }
}

#[track_caller]
fn accepted(xml: &str) -> deconflict_cot::Event {
    parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{xml}\nrefused: {e}"))
}

#[test]
fn numbers_that_are_not_decimals() {
    let cases = [
        (r#"lat="12,5" lon="2""#, "point@lat: `12,5` is not a number"),
        (r#"lat="" lon="2""#, "point@lat: `` is not a number"),
        (r#"lat=" 1" lon="2""#, "point@lat: ` 1` is not a number"),
        (r#"lat="1" lon="NaN""#, "point@lon: `NaN` is not a number"),
        (r#"lat="1" lon="inf""#, "point@lon: `inf` is not a number"),
        (
            r#"lat="1" lon="-infinity""#,
            "point@lon: `-infinity` is not a number",
        ),
        (r#"lat="0x10" lon="2""#, "point@lat: `0x10` is not a number"),
        (
            r#"lat="1" lon="2" hae="1e999""#,
            "point@hae: `1e999` is not a finite number",
        ),
        (
            r#"lat="1" lon="2" hae="-1e400""#,
            "point@hae: `-1e400` is not a finite number",
        ),
        (
            r#"lat="1" lon="2" ce="1..2""#,
            "point@ce: `1..2` is not a number",
        ),
        (r#"lat="1" lon="2" le="٣""#, "point@le: `٣` is not a number"),
    ];
    for (point, expected) in cases {
        refused(&at(point), expected);
    }
}

#[test]
fn numbers_out_of_range() {
    let cases = [
        (
            r#"lat="90.5" lon="2""#,
            "point@lat: `90.5` is outside [-90, 90]",
        ),
        (
            r#"lat="-90.0001" lon="2""#,
            "point@lat: `-90.0001` is outside [-90, 90]",
        ),
        (
            r#"lat="1" lon="180.01""#,
            "point@lon: `180.01` is outside [-180, 180]",
        ),
        (
            r#"lat="1" lon="-200""#,
            "point@lon: `-200` is outside [-180, 180]",
        ),
        (
            r#"lat="1" lon="2" ce="-1""#,
            "point@ce: `-1` is outside [0, ∞)",
        ),
        (
            r#"lat="1" lon="2" le="-0.5""#,
            "point@le: `-0.5` is outside [0, ∞)",
        ),
    ];
    for (point, expected) in cases {
        refused(&at(point), expected);
    }
    refused(
        &with(r#"<track speed="-1" course="0"/>"#),
        "detail/track@speed: `-1` is outside [0, ∞)",
    );
    refused(
        &with(r#"<track speed="1" course="360"/>"#),
        "detail/track@course: `360` is outside [0, 360)",
    );
    refused(
        &with(r#"<track speed="1" course="-0.1"/>"#),
        "detail/track@course: `-0.1` is outside [0, 360)",
    );
}

#[test]
fn numbers_at_the_edges_and_unknowns() {
    let point = accepted(&at(
        r#"lat="-90" lon="180" hae="9999999.0" ce="9999999" le="0""#,
    ))
    .point;
    assert_eq!(
        (point.lat, point.lon, point.hae, point.ce, point.le),
        (-90.0, 180.0, None, None, Some(0.0))
    );
    let point = accepted(&at(r#"lat="+9e1" lon="-.5" hae="-430.5" ce="1E2""#)).point;
    assert_eq!(
        (point.lat, point.lon, point.hae, point.ce, point.le),
        (90.0, -0.5, Some(-430.5), Some(100.0), None)
    );
    let track = accepted(&with(r#"<track speed="0" course="0"/>"#))
        .track
        .unwrap();
    assert_eq!((track.speed, track.course), (0.0, 0.0));
}

#[test]
fn missing_or_empty_required_parts() {
    let event = |attrs: &str| format!(r#"<event {attrs}><point lat="1" lon="2"/></event>"#);
    let times = format!(r#"time="{T}" start="{T}" stale="{T}""#);
    refused(
        &event(&format!(r#"type="a" {times}"#)),
        "event@uid: missing",
    );
    refused(
        &event(&format!(r#"uid="" type="a" {times}"#)),
        "event@uid: empty",
    );
    refused(
        &event(&format!(r#"uid="u" {times}"#)),
        "event@type: missing",
    );
    refused(
        &event(&format!(r#"uid="u" type="" {times}"#)),
        "event@type: empty",
    );
    refused(
        &event(&format!(r#"uid="u" type="a" start="{T}" stale="{T}""#)),
        "event@time: missing",
    );
    refused(
        &event(&format!(r#"uid="u" type="a" time="{T}" stale="{T}""#)),
        "event@start: missing",
    );
    refused(
        &event(&format!(r#"uid="u" type="a" time="{T}" start="{T}""#)),
        "event@stale: missing",
    );
    refused(
        &format!(r#"<event uid="u" type="a" {times}><detail/></event>"#),
        "point: missing",
    );
    refused(&at(r#"lon="2""#), "point@lat: missing");
    refused(&at(r#"lat="2""#), "point@lon: missing");
    refused(
        &with(r#"<contact endpoint="x"/>"#),
        "detail/contact@callsign: missing",
    );
    refused(
        &with(r#"<__group name="Cyan"/>"#),
        "detail/__group@role: missing",
    );
    refused(
        &with(r#"<track speed="1"/>"#),
        "detail/track@course: missing",
    );
    refused(
        &with(r#"<__deconflict/>"#),
        "detail/__deconflict@token: missing",
    );
    refused(
        &with(r#"<__deconflict token=""/>"#),
        "detail/__deconflict@token: empty",
    );
    // An empty callsign is what some clients send before one is set.
    assert_eq!(
        accepted(&with(r#"<contact callsign=""/>"#))
            .contact
            .unwrap()
            .callsign,
        ""
    );
}

#[test]
fn times_that_are_not_rfc_3339() {
    for bad in [
        "yesterday",
        "2020-01-03T10:02:00",
        "2020-01-03",
        "1578045720",
        "2020-02-30T00:00:00Z",
    ] {
        let xml = format!(
            r#"<event uid="u" type="a" time="{bad}" start="{T}" stale="{T}"><point lat="1" lon="2"/></event>"#
        );
        refused(
            &xml,
            &format!("event@time: `{bad}` is not an RFC 3339 time"),
        );
    }
}

#[test]
fn parts_that_may_appear_once() {
    let point = r#"<point lat="1" lon="2"/>"#;
    refused(
        &with(&format!("</detail>{point}<detail>")),
        "point: appears more than once",
    );
    refused(&with("</detail><detail>"), "detail: appears more than once");
    let twice = |element: &str| with(&format!("{element}{element}"));
    refused(
        &twice(r#"<contact callsign="a"/>"#),
        "detail/contact: appears more than once",
    );
    refused(
        &twice(r#"<__group name="a" role="b"/>"#),
        "detail/__group: appears more than once",
    );
    refused(
        &twice(r#"<track speed="1" course="2"/>"#),
        "detail/track: appears more than once",
    );
    refused(
        &twice("<remarks/>"),
        "detail/remarks: appears more than once",
    );
    refused(
        &twice(r#"<__deconflict token="t"/>"#),
        "detail/__deconflict: appears more than once",
    );
    refused(
        &with(r#"<contact callsign="a" callsign="b"/>"#),
        "detail/contact: malformed XML",
    );
}

#[test]
fn understood_names_elsewhere_are_ignored() {
    let event = accepted(&with(
        r#"<link><contact callsign="other"/><remarks>no</remarks></link><x><point lat="x"/></x>"#,
    ));
    assert_eq!((event.contact, event.remarks), (None, None));
}

#[test]
fn lengths_are_bounded() {
    let long = |n: usize| "x".repeat(n);
    accepted(&with(&format!(r#"<contact callsign="{}"/>"#, long(128))));
    refused(
        &with(&format!(r#"<contact callsign="{}"/>"#, long(129))),
        "detail/contact@callsign: longer than 128 bytes",
    );
    // Bytes, not characters: 43 three-byte characters are 129 bytes.
    refused(
        &with(&format!(r#"<contact callsign="{}"/>"#, "€".repeat(43))),
        "detail/contact@callsign: longer than 128 bytes",
    );
    refused(
        &with(&format!(
            r#"<contact callsign="a" endpoint="{}"/>"#,
            long(257)
        )),
        "detail/contact@endpoint: longer than 256 bytes",
    );
    refused(
        &with(&format!(r#"<__group name="{}" role="r"/>"#, long(129))),
        "detail/__group@name: longer than 128 bytes",
    );
    refused(
        &with(&format!(r#"<__deconflict token="{}"/>"#, long(513))),
        "detail/__deconflict@token: longer than 512 bytes",
    );
    let uid = |n: usize| {
        format!(
            r#"<event uid="{}" type="a" time="{T}" start="{T}" stale="{T}"><point lat="1" lon="2"/></event>"#,
            long(n)
        )
    };
    accepted(&uid(256));
    refused(&uid(257), "event@uid: longer than 256 bytes");
    accepted(&at(&format!(r#"lat="1.{}" lon="2""#, "0".repeat(62))));
    refused(
        &at(&format!(r#"lat="1.{}" lon="2""#, "0".repeat(63))),
        "point@lat: longer than 64 bytes",
    );
    // Remarks count the text they stand for, entities and CDATA included.
    assert_eq!(
        accepted(&with(&format!("<remarks>{}</remarks>", long(4096))))
            .remarks
            .unwrap()
            .len(),
        4096
    );
    refused(
        &with(&format!("<remarks>{}</remarks>", long(4097))),
        "detail/remarks: longer than 4096 bytes",
    );
    refused(
        &with(&format!("<remarks>{}&lt;</remarks>", long(4096))),
        "detail/remarks: longer than 4096 bytes",
    );
    refused(
        &with(&format!("<remarks><![CDATA[{}]]>x</remarks>", long(4096))),
        "detail/remarks: longer than 4096 bytes",
    );
}

#[test]
fn depth_and_element_count_are_bounded() {
    let nest = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
    // event and detail are two levels.
    accepted(&with(&nest(14)));
    let path = format!("detail{}", "/a".repeat(14));
    refused(
        &with(&nest(15)),
        &format!("{path}: nested deeper than 16 elements"),
    );
    // event, point and detail are three elements.
    accepted(&with(&"<a/>".repeat(1021)));
    refused(
        &with(&"<a/>".repeat(1022)),
        "detail: more than 1024 elements",
    );
}

#[test]
fn entities_other_than_the_predefined_five() {
    refused(
        &with("<remarks>&nbsp;</remarks>"),
        "detail/remarks: entity `&nbsp;` is not allowed",
    );
    refused(
        &with("<remarks>&lol9;</remarks>"),
        "detail/remarks: entity `&lol9;` is not allowed",
    );
    refused(
        &with("<takv>&xxe;</takv>"),
        "detail/takv: entity `&xxe;` is not allowed",
    );
    refused(
        &with(r#"<contact callsign="&xxe;"/>"#),
        "detail/contact@callsign: entity `&xxe;` is not allowed",
    );
    refused(
        &with(r#"<takv os="&xxe;"/>"#),
        "detail/takv@os: entity `&xxe;` is not allowed",
    );
    refused(
        &with("<remarks>&#0;</remarks>"),
        "detail/remarks: malformed XML",
    );
    refused(
        &with("<remarks>&#xD800;</remarks>"),
        "detail/remarks: malformed XML",
    );
    refused(
        &with("<remarks>a & b</remarks>"),
        "detail/remarks: malformed XML",
    );
    let event = accepted(&with(
        r#"<contact callsign="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;"/><remarks>&lt;&gt;&amp;&quot;&apos;&#67;&#x1F600;</remarks>"#,
    ));
    assert_eq!(event.contact.unwrap().callsign, "<>&\"'AB");
    assert_eq!(event.remarks.unwrap(), "<>&\"'C\u{1F600}");
}

#[test]
fn doctypes_are_refused_whatever_they_declare() {
    let body = with("<remarks>hi</remarks>");
    for doctype in [
        "<!DOCTYPE event>",
        r#"<!DOCTYPE event [<!ENTITY a "b">]>"#,
        r#"<!DOCTYPE event SYSTEM "http://example.invalid/cot.dtd">"#,
        r#"<!DOCTYPE event [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"#,
    ] {
        refused(
            &format!("<?xml version=\"1.0\"?>{doctype}{body}"),
            "document: DOCTYPE is not allowed",
        );
    }
}

#[test]
fn the_document_is_one_event() {
    let good = with("");
    refused("", "document: no <event>");
    refused("  <!-- nothing -->  ", "document: no <event>");
    refused("<foo/>", "document: root element is <foo>, not <event>");
    refused(&format!("hello{good}"), "document: text before <event>");
    refused(
        &format!("<![CDATA[ ]]>{good}"),
        "document: text before <event>",
    );
    refused(&format!("&#32;{good}"), "document: text before <event>");
    refused(&format!("{good}x"), "document: content after </event>");
    refused(&format!("{good}{good}"), "document: content after </event>");
    refused(
        &format!("{good}</event>"),
        "document: malformed XML: </event> closes nothing",
    );
    refused(
        &format!("{good}<?xml version=\"1.0\"?>"),
        "document: malformed XML: XML declaration after the start",
    );
    refused(
        &format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{good}"),
        "document: encoding `ISO-8859-1` is not supported: CoT is UTF-8",
    );
    accepted(&format!(
        "\u{feff}<?xml version='1.0' encoding='utf-8'?>\n<!-- c --><?pi x?>\n{good}\n<!-- after -->\n"
    ));
}

#[test]
fn nesting_must_match() {
    refused(
        &with("<remarks>"),
        "detail/remarks: </detail> does not close <remarks>",
    );
    refused(
        &with("</remarks>"),
        "detail: </remarks> does not close <detail>",
    );
    refused(
        &with("<a><b></a></b>"),
        "detail/a/b: </a> does not close <b>",
    );
    refused(&with("<event/>"), "detail/event: <event> inside <event>");
    refused(
        &with("").replace("</event>", ""),
        "event: <event> is not closed",
    );
    refused(
        &with("").replace("</detail></event>", ""),
        "detail: <detail> is not closed",
    );
    refused(
        &with("").replace("</event>", "</EVENT>"),
        "event: </EVENT> does not close <event>",
    );
}

#[test]
fn malformed_markup() {
    refused(&with(r#"<takv a=b/>"#), "detail/takv: malformed XML");
    refused(
        &with("<a</detail>"),
        "detail: malformed XML: `a</detail` is not an XML name",
    );
    refused(
        &with("<1a/>"),
        "detail: malformed XML: `1a` is not an XML name",
    );
    refused(
        &with("<a/ >"),
        "detail: malformed XML: `a/` is not an XML name",
    );
    refused(
        &with(r#"<takv a&b="1"/>"#),
        "detail/takv: malformed XML: `a&b` is not an XML name",
    );
    accepted(&with(
        r#"<_flow-tags_ TAK-Server-f1a8.x="1" ns:x="2"/><détail/>"#,
    ));
    refused(
        &with(r#"<contact callsign="a<b"/>"#),
        "detail/contact@callsign: malformed XML: `<` in an attribute value",
    );
    refused(&with("<!-- a -- b -->"), "detail: malformed XML");
    refused(
        &with("<remarks><![CDATA[open</remarks>"),
        "detail/remarks: malformed XML",
    );
    let mut not_utf8 = with("<remarks>caf</remarks>").into_bytes();
    let at = not_utf8.windows(3).position(|w| w == b"caf").unwrap() + 3;
    not_utf8.insert(at, 0xE9);
    let err = parse(&not_utf8).unwrap_err().to_string();
    assert!(err.starts_with("detail/remarks: malformed XML"), "{err}");
}

#[test]
fn text_is_kept_as_written() {
    let event = accepted(&with(
        "<remarks>  two\r\nlines \t <b>bold</b> end  </remarks>",
    ));
    assert_eq!(event.remarks.unwrap(), "  two\nlines \t  end  ");
    let event = accepted(&with("<contact callsign=\"a\tb\nc\"/>"));
    assert_eq!(event.contact.unwrap().callsign, "a b c");
}
