//! CoT times: RFC 3339 date-times, read with any offset and any number of
//! fractional digits, written in UTC with milliseconds. Both sides count
//! Unix milliseconds.

const MS_PER_DAY: i64 = 86_400_000;

/// Writes Unix milliseconds as `2020-01-03T10:02:00.123Z`. Only years 0 to
/// 9999 can be read back.
pub(crate) fn format(ms: i64) -> String {
    let (days, in_day) = (ms.div_euclid(MS_PER_DAY), ms.rem_euclid(MS_PER_DAY));
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    );
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// Reads `2020-01-03T10:02:00Z`, `2020-01-03T10:02:00.123456Z` or
/// `2020-01-03T12:02:00+02:00` as Unix milliseconds; digits below the
/// millisecond are cut off. `None` if it is not such a time.
pub(crate) fn parse(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let (date, rest) = (b.get(..10)?, b.get(10..)?);
    let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = date else {
        return None;
    };
    let &[
        b'T' | b't' | b' ',
        h0,
        h1,
        b':',
        i0,
        i1,
        b':',
        s0,
        s1,
        ref rest @ ..,
    ] = rest
    else {
        return None;
    };
    let (y, m, d) = (
        digits(&[y0, y1, y2, y3])?,
        digits(&[m0, m1])?,
        digits(&[d0, d1])?,
    );
    let (h, min, s) = (digits(&[h0, h1])?, digits(&[i0, i1])?, digits(&[s0, s1])?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) || h > 23 || min > 59 || s > 60 {
        return None;
    }
    let (milli, zone) = match rest {
        [b'.', fraction @ ..] => {
            let n = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let mut first3 = [b'0'; 3];
            for (slot, digit) in first3.iter_mut().zip(&fraction[..n]) {
                *slot = *digit;
            }
            (digits(&first3)?, &fraction[n..])
        }
        _ => (0, rest),
    };
    let offset_min = match *zone {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h0, h1, b':', m0, m1] => {
            let (oh, om) = (digits(&[h0, h1])?, digits(&[m0, m1])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let offset = oh * 60 + om;
            if sign == b'-' { -offset } else { offset }
        }
        _ => return None,
    };
    let seconds = days_from_civil(y, m, d) * 86_400 + h * 3600 + min * 60 + s - offset_min * 60;
    Some(seconds * 1000 + milli)
}

fn digits(bytes: &[u8]) -> Option<i64> {
    bytes.iter().try_fold(0i64, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day counted from 1970-01-01 (Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cot_times() {
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
            ("2019-02-29T00:00:00Z", None),
            ("2020-01-03T10:02:00", None),
            ("2020-01-03T10:02:00.Z", None),
            ("2020-01-03T10:02Z", None),
            ("2020-01-03 10:02:00Z", Some(1_578_045_720_000)),
            ("2020-13-03T10:02:00Z", None),
            ("2020-01-03T24:00:00Z", None),
            ("2020-01-03T10:02:00+0000", None),
            ("2020-01-03T10:02:00Z ", None),
            ("+020-01-03T10:02:00Z", None),
            ("2020-01-03T10:02:00.12é", None),
            ("", None),
        ];
        for (text, ms) in cases {
            assert_eq!(parse(text), ms, "{text}");
        }
    }

    #[test]
    fn writes_utc_with_milliseconds() {
        assert_eq!(format(1_578_045_720_123), "2020-01-03T10:02:00.123Z");
        assert_eq!(format(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format(0), "1970-01-01T00:00:00.000Z");
    }

    proptest! {
        #[test]
        fn what_is_written_reads_back(ms in -62_167_219_200_000i64..253_402_300_800_000) {
            prop_assert_eq!(parse(&format(ms)), Some(ms));
        }
    }
}
