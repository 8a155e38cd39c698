//! RFC 3339 date-times and Unix milliseconds, the one reading and writing of
//! them that the API and Cursor-on-Target share: read with any offset and
//! any number of fractional digits (cut to the millisecond), written in UTC
//! with milliseconds (`2020-01-05T06:00:00.000Z`). A leap second (`:60`) is
//! read as the second before it, so a time never moves into the next minute
//! or day; Unix time has no leap seconds.

const MS_PER_DAY: i64 = 86_400_000;

/// Writes Unix milliseconds as RFC 3339 UTC, e.g. `2020-01-05T06:00:00.000Z`.
pub fn format(ms: i64) -> String {
    let days = ms.div_euclid(MS_PER_DAY);
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// Parses an RFC 3339 date-time (`2020-01-05T06:00:00Z`,
/// `2020-01-05T09:00:00.5+03:00`) into Unix milliseconds; fractions below a
/// millisecond are cut off.
pub fn parse(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "`{text}` is not an RFC 3339 date-time such as 2020-01-05T06:00:00Z (with Z or an offset)"
        )
    };
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, String> {
        let part = &b[range];
        if part.iter().all(u8::is_ascii_digit) {
            Ok(part
                .iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
        } else {
            Err(bad())
        }
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, min, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) || h > 23 || min > 59 || s > 60 {
        return Err(format!("`{text}`: no such date or time of day"));
    }
    let mut i = 19;
    let mut milli = 0;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
        let digits = &b[start..i.min(start + 3)];
        milli = digits
            .iter()
            .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
        milli *= 10i64.pow(3 - digits.len() as u32);
    }
    let offset_min = match &b[i..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            let oh = i64::from(h1 - b'0') * 10 + i64::from(h2 - b'0');
            let om = i64::from(m1 - b'0') * 10 + i64::from(m2 - b'0');
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            let off = oh * 60 + om;
            if *sign == b'-' { -off } else { off }
        }
        _ => return Err(bad()),
    };
    // A leap second is read as the last millisecond-aligned second before it.
    let s = s.min(59);
    let days = days_from_civil(y, m, d);
    Ok(days * MS_PER_DAY + ((h * 60 + min - offset_min) * 60 + s) * 1000 + milli)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_normalises_offsets() {
        assert_eq!(format(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(parse("2020-01-05T00:00:00Z"), Ok(1_578_182_400_000));
        assert_eq!(format(1_578_182_400_000), "2020-01-05T00:00:00.000Z");
        assert_eq!(parse("2020-01-05T03:00:00.25+03:00"), Ok(1_578_182_400_250));
        assert_eq!(parse("2020-01-04t21:30:00-02:30"), Ok(1_578_182_400_000));
        assert_eq!(format(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(parse("2024-02-29T12:00:00.123456Z"), Ok(1_709_208_000_123));
        for ms in [0, 951_782_400_000, 4_102_444_799_999, -62_135_596_800_000] {
            assert_eq!(parse(&format(ms)), Ok(ms), "{}", format(ms));
        }
    }

    #[test]
    fn refuses_what_is_not_rfc_3339() {
        for bad in [
            "",
            "2020-01-05",
            "2020-01-05T00:00:00",
            "2020-13-05T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2020-01-05T24:00:00Z",
            "2020-01-05T00:00:00.Z",
            "2020-01-05T00:00:00+0300",
            "1578182400000",
            "2020-01-05T00:00:00Zjunk",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_forms_read_and_refused() {
        let cases = [
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2020-01-03T10:02:00Z", Some(1_578_045_720_000)),
            ("2020-01-03T10:02:00.123Z", Some(1_578_045_720_123)),
            ("2020-01-03T10:02:00.123456Z", Some(1_578_045_720_123)),
            ("2020-01-03T10:02:00.5Z", Some(1_578_045_720_500)),
            ("2020-01-03T10:02:00+00:00", Some(1_578_045_720_000)),
            ("2020-01-03T12:32:00.1+02:30", Some(1_578_045_720_100)),
            ("2020-01-03T05:02:00-05:00", Some(1_578_045_720_000)),
            ("2020-01-03t10:02:00z", Some(1_578_045_720_000)),
            ("1969-12-31T23:59:59.999Z", Some(-1)),
            ("2020-02-29T00:00:00Z", Some(1_582_934_400_000)),
            ("2016-12-31T23:59:60Z", Some(1_483_228_799_000)),
            ("2016-12-31T23:59:60.5Z", Some(1_483_228_799_500)),
            ("2019-02-29T00:00:00Z", None),
            ("2020-01-03T10:02:00", None),
            ("2020-01-03T10:02:00.Z", None),
            ("2020-01-03T10:02Z", None),
            ("2020-01-03 10:02:00Z", Some(1_578_045_720_000)),
            ("2020-13-03T10:02:00Z", None),
            ("2020-01-03T24:00:00Z", None),
            ("2020-01-03T10:02:61Z", None),
            ("2020-01-03T10:02:00+0000", None),
            ("2020-01-03T10:02:00+24:00", None),
            ("2020-01-03T10:02:00Z ", None),
            ("+020-01-03T10:02:00Z", None),
            ("2020-01-03T10:02:00.12é", None),
            ("", None),
        ];
        for (text, ms) in cases {
            assert_eq!(parse(text).ok(), ms, "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn what_is_written_reads_back(ms in -62_167_219_200_000i64..253_402_300_800_000) {
            proptest::prop_assert_eq!(parse(&format(ms)), Ok(ms));
        }
    }
}
