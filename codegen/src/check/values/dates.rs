//! Dates, times and intervals as `date_in`, `time_in`, `timestamp_in` and `interval_in` read them.

use super::{Verdict, no, trim_space};
use Verdict::{Fits, Unknown};

#[derive(Clone, Copy, PartialEq)]
pub(super) enum DateTimeKind {
    Date,
    Time,
    Timestamp,
    Timestamptz,
    Timetz,
}

/// ISO 8601 spellings and the special words; anything else is the database's to judge.
pub(super) fn date_time(s: &str, kind: DateTimeKind) -> Verdict {
    let t = trim_space(s).to_ascii_lowercase();
    let specials: &[&str] = match kind {
        DateTimeKind::Time | DateTimeKind::Timetz => &["now", "allballs"],
        _ => &["now", "today", "tomorrow", "yesterday", "epoch", "infinity", "-infinity"],
    };
    if specials.contains(&t.as_str()) {
        return Fits;
    }
    static ISO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:(\d{4})-(\d{2})-(\d{2}))?(?:(?:^|[ t])(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?( ?(?:z|utc)|[+-]\d{2}(?::?\d{2})?)?$",
        )
        .expect("valid regex")
    });
    if t.is_empty() {
        return no("is empty, which is no date or time");
    }
    let Some(m) = ISO.captures(&t) else { return Unknown };
    let num = |i: usize| m.get(i).map(|g| g.as_str().parse::<u32>().unwrap_or(0));
    let (has_date, has_time, zone) = (m.get(1).is_some(), m.get(4).is_some(), m.get(8));
    // More than six fraction digits are rounded to microseconds, which may carry into the second.
    let rounded = m.get(7).is_some_and(|f| f.len() > 7);
    if zone.is_some() && !has_time {
        return Unknown;
    }
    // A field out of range is refused whatever the type reads of the rest.
    if let (Some(y), Some(mo), Some(d)) = (num(1), num(2), num(3))
        && kind != DateTimeKind::Time
        && kind != DateTimeKind::Timetz
    {
        if y == 0 {
            return Unknown;
        }
        if !(1..=12).contains(&mo) {
            return no(format!("has month {mo}, outside 1..12"));
        }
        let days = match mo {
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if d == 0 || d > days {
            return no(format!("has day {d}, but month {mo} of {y} has {days} days"));
        }
    }
    if let (Some(h), Some(mi)) = (num(4), num(5)) {
        let sec = num(6).unwrap_or(0);
        let fraction = m.get(7).is_some_and(|f| f.as_str().bytes().any(|b| (b'1'..=b'9').contains(&b)));
        // PostgreSQL takes 24:00:00 (the day's end) and a leap second 60, nothing past them.
        if h > 24 || mi > 59 || sec > 60 || h == 24 && (mi > 0 || sec > 0 || fraction && !rounded) {
            return no(format!("has the time {h:02}:{mi:02}:{sec:02}, outside 00:00:00..24:00:00"));
        }
    }
    let zone = zone.filter(|z| !z.as_str().trim_start().starts_with(['z', 'u'])).map(|z| {
        let digits: String = z.as_str().chars().filter(char::is_ascii_digit).collect();
        (
            digits[..2].parse::<u32>().unwrap_or(99),
            digits.get(2..).filter(|m| !m.is_empty()).unwrap_or("0").parse::<u32>().unwrap_or(99),
        )
    });
    if let Some((_, minutes)) = zone
        && minutes > 59
    {
        return no(format!("has a time zone offset of {minutes} minutes, past 59"));
    }
    let shape_ok = match kind {
        DateTimeKind::Date => has_date && !has_time && zone.is_none(),
        DateTimeKind::Time => has_time && !has_date && zone.is_none(),
        DateTimeKind::Timetz => has_time && !has_date,
        DateTimeKind::Timestamp | DateTimeKind::Timestamptz => has_date,
    };
    let leap = num(6) == Some(60);
    if !shape_ok || leap || rounded || zone.is_some_and(|(hours, _)| hours > 14) {
        return Unknown;
    }
    Fits
}

/// The unit words of `interval_in` (PostgreSQL's `deltatktbl`) and the field each sets; PostgreSQL
/// compares only a word's first ten letters. `None`: a word it knows that strata does not judge.
const UNITS: &[(&str, Option<Field>)] = {
    use Field::*;
    &[
        ("@", None),
        ("ago", None),
        ("c", Some(Century)),
        ("cent", Some(Century)),
        ("centuries", Some(Century)),
        ("century", Some(Century)),
        ("d", Some(Day)),
        ("day", Some(Day)),
        ("days", Some(Day)),
        ("dec", Some(Decade)),
        ("decade", Some(Decade)),
        ("decades", Some(Decade)),
        ("decs", Some(Decade)),
        ("h", Some(Hour)),
        ("hour", Some(Hour)),
        ("hours", Some(Hour)),
        ("hr", Some(Hour)),
        ("hrs", Some(Hour)),
        ("invalid", None),
        ("m", Some(Minute)),
        ("microsecon", Some(Microsecond)),
        ("mil", Some(Millennium)),
        ("millennia", Some(Millennium)),
        ("millennium", Some(Millennium)),
        ("millisecon", Some(Millisecond)),
        ("mils", Some(Millennium)),
        ("min", Some(Minute)),
        ("mins", Some(Minute)),
        ("minute", Some(Minute)),
        ("minutes", Some(Minute)),
        ("mon", Some(Month)),
        ("mons", Some(Month)),
        ("month", Some(Month)),
        ("months", Some(Month)),
        ("ms", Some(Millisecond)),
        ("msec", Some(Millisecond)),
        ("millisecond", Some(Millisecond)),
        ("mseconds", Some(Millisecond)),
        ("msecs", Some(Millisecond)),
        ("qtr", Some(Quarter)),
        ("quarter", Some(Quarter)),
        ("s", Some(Second)),
        ("sec", Some(Second)),
        ("second", Some(Second)),
        ("seconds", Some(Second)),
        ("secs", Some(Second)),
        ("timezone", None),
        ("timezone_h", None),
        ("timezone_m", None),
        ("us", Some(Microsecond)),
        ("usec", Some(Microsecond)),
        ("microsecond", Some(Microsecond)),
        ("useconds", Some(Microsecond)),
        ("usecs", Some(Microsecond)),
        ("w", Some(Week)),
        ("week", Some(Week)),
        ("weeks", Some(Week)),
        ("y", Some(Year)),
        ("year", Some(Year)),
        ("years", Some(Year)),
        ("yr", Some(Year)),
        ("yrs", Some(Year)),
    ]
};

/// The fields of an interval; PostgreSQL refuses one set twice.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Field {
    Microsecond,
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
    Millennium,
    /// A unit `interval_in` knows as a word and refuses after a number.
    Quarter,
}

fn unit(word: &str) -> Option<Option<Field>> {
    let word: String = word.chars().take(10).collect();
    UNITS.iter().find(|(w, _)| w.chars().take(10).eq(word.chars())).map(|&(_, f)| f)
}

/// An interval in PostgreSQL's own style: `[@] n unit [n unit ...] [h:mm[:ss[.f]]] [ago]`, words
/// apart. A word `interval_in` does not know is refused (it reads letters only as unit words);
/// ISO 8601 (`P1D`), SQL-standard forms and words run together are left to PostgreSQL.
pub(super) fn interval(s: &str) -> Verdict {
    use Field::*;
    let t = trim_space(s).to_ascii_lowercase();
    if t.is_empty() {
        return no("is not an interval (e.g. '1 day', '2 hours 30 minutes')");
    }
    // Words PostgreSQL does not know, wherever they are (ISO 8601 starts with P and is read apart).
    if !t.starts_with('p') {
        let words = t.split(|c: char| !c.is_ascii_alphabetic() && c != '_').filter(|w| !w.is_empty());
        for word in words {
            if unit(word).is_none() {
                return no(format!("has `{word}`, which is not an interval unit (year, month, day, hour, ...)"));
            }
        }
    }
    let tokens: Vec<&str> = t.split_ascii_whitespace().collect();
    let twice = "gives one unit twice (PostgreSQL refuses `1 day 2 days`, and a time with hours or seconds)";
    let mut set: Vec<Field> = Vec::new();
    let mut add = |fields: &[Field]| -> bool {
        if fields.iter().any(|f| set.contains(f)) {
            return false;
        }
        set.extend_from_slice(fields);
        true
    };
    let mut i = usize::from(tokens.first() == Some(&"@"));
    let end = tokens.len() - usize::from(tokens.len() > i && tokens.last() == Some(&"ago"));
    if i >= end {
        return Unknown;
    }
    let mut unsure = false;
    while i < end {
        let token = tokens[i];
        if let Some((hours, minutes, seconds)) = clock(token) {
            if minutes > 59 || seconds.is_some_and(|s| s > 60) {
                return no(format!("has the time `{token}`, with minutes past 59 or seconds past 60"));
            }
            if !add(&[Hour, Minute, Second, Millisecond, Microsecond]) {
                return no(twice);
            }
            // 60 seconds are taken (a minute more); with a fraction, strata is not sure.
            unsure |= hours > 100_000 || seconds == Some(60) && token.contains('.');
            i += 1;
            continue;
        }
        let (Some((number, big)), Some(word)) = (decimal(token), tokens.get(i + 1).filter(|_| i + 1 < end)) else {
            return Unknown;
        };
        let Some(Some(field)) = unit(word) else { return Unknown };
        if field == Quarter {
            return no("counts quarters, which an interval does not (write 3 months)");
        }
        let (one, seconds) = ([field], [Second, Millisecond, Microsecond]);
        // A fraction of a second sets the smaller fields as well.
        let fraction = number.split_once('.').is_some_and(|(_, f)| f.bytes().any(|b| b != b'0'));
        let fields: &[Field] = if field == Second && fraction { &seconds } else { &one };
        if !add(fields) {
            return no(twice);
        }
        // Large counts may overflow a field (a million millennia do).
        unsure |= big;
        i += 2;
    }
    if unsure { Unknown } else { Fits }
}

/// A signed decimal (`2`, `-1.5`, `.5`, `2.`) of at most nine digits each side of the point, and
/// whether it has more than six whole digits.
fn decimal(token: &str) -> Option<(&str, bool)> {
    let digits = token.strip_prefix(['+', '-']).unwrap_or(token);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !(whole.is_empty() && fraction.is_empty())
        && whole.len() <= 9
        && fraction.len() <= 9
        && whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit());
    ok.then_some((token, whole.len() > 6))
}

/// `h:mm[:ss[.f]]`, optionally signed: (hours, minutes, whole seconds).
fn clock(token: &str) -> Option<(u64, u64, Option<u64>)> {
    let t = token.strip_prefix(['+', '-']).unwrap_or(token);
    let mut parts = t.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next());
    if parts.next().is_some() {
        return None;
    }
    let digits = |p: &str, most: usize| !p.is_empty() && p.len() <= most && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(h, 6) && m.len() == 2 && digits(m, 2)) {
        return None;
    }
    let seconds = match s {
        None => None,
        Some(s) => {
            let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
            if !(whole.len() == 2 && digits(whole, 2) && digits(fraction, 6)) {
                return None;
            }
            Some(whole.parse().ok()?)
        }
    };
    Some((h.parse().ok()?, m.parse().ok()?, seconds))
}
