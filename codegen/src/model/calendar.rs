//! Calendar dates for generated range partitions: parse, step by an interval, and name.

use std::fmt;

/// A proleptic Gregorian date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// The step between generated partitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

impl Interval {
    pub const ALL: [(&'static str, Interval); 4] =
        [("day", Interval::Day), ("week", Interval::Week), ("month", Interval::Month), ("year", Interval::Year)];

    /// PostgreSQL's name of the unit (`date_trunc`, intervals).
    pub fn unit(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    /// The default partition name pattern, e.g. `{table}_y{yyyy}m{mm}` for months.
    pub fn default_pattern(self) -> &'static str {
        match self {
            Interval::Day => "{table}_y{yyyy}m{mm}d{dd}",
            Interval::Week => "{table}_y{isoyyyy}w{ww}",
            Interval::Month => "{table}_y{yyyy}m{mm}",
            Interval::Year => "{table}_y{yyyy}",
        }
    }
}

impl Date {
    /// `YYYY-MM-DD`, a real calendar date.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        let date = Date { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) && text.trim().len() == 10)
            .then_some(date)
    }

    pub fn step(self, interval: Interval) -> Date {
        match interval {
            Interval::Day => Date::from_days(self.days() + 1),
            Interval::Week => Date::from_days(self.days() + 7),
            Interval::Month => {
                let (year, month) = if self.month == 12 { (self.year + 1, 1) } else { (self.year, self.month + 1) };
                Date { year, month, day: self.day.min(days_in_month(year, month)) }
            }
            Interval::Year => {
                Date { year: self.year + 1, day: self.day.min(days_in_month(self.year + 1, self.month)), ..self }
            }
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Date { year: (yoe + era * 400 + i64::from(month <= 2)) as i32, month, day }
    }

    /// ISO 8601 week-numbering year and week.
    pub fn iso_week(self) -> (i32, u32) {
        let weekday = (self.days() + 3).rem_euclid(7); // Monday = 0
        let thursday = Date::from_days(self.days() - weekday + 3);
        let jan1 = Date { year: thursday.year, month: 1, day: 1 };
        (thursday.year, ((thursday.days() - jan1.days()) / 7 + 1) as u32)
    }

    /// Fills `{table}`, `{yyyy}`, `{mm}`, `{dd}`, `{isoyyyy}` and `{ww}` in a name pattern.
    pub fn name(self, pattern: &str, table: &str) -> String {
        let (iso_year, week) = self.iso_week();
        pattern
            .replace("{table}", table)
            .replace("{yyyy}", &format!("{:04}", self.year))
            .replace("{isoyyyy}", &format!("{iso_year:04}"))
            .replace("{mm}", &format!("{:02}", self.month))
            .replace("{dd}", &format!("{:02}", self.day))
            .replace("{ww}", &format!("{week:02}"))
    }
}

/// A name pattern as a `to_char` format, so PostgreSQL names partitions it makes at run time as
/// `Date::name` names generated ones: fixed text is quoted, the date fields become `YYYY`, `MM`,
/// `DD`, `IYYY` and `IW`.
pub fn to_char_format(pattern: &str, table: &str) -> String {
    let fields = [("{yyyy}", "YYYY"), ("{mm}", "MM"), ("{dd}", "DD"), ("{isoyyyy}", "IYYY"), ("{ww}", "IW")];
    let pattern = pattern.replace("{table}", table);
    let (mut out, mut text, mut rest) = (String::new(), String::new(), pattern.as_str());
    let flush = |out: &mut String, text: &mut String| {
        if !text.is_empty() {
            out.push('"');
            out.push_str(&text.replace('\\', "\\\\").replace('"', "\\\""));
            out.push('"');
            text.clear();
        }
    };
    while let Some(c) = rest.chars().next() {
        if let Some((field, format)) = fields.iter().find(|(f, _)| rest.starts_with(f)) {
            flush(&mut out, &mut text);
            out.push_str(format);
            rest = &rest[field.len()..];
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    flush(&mut out, &mut text);
    out
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_patterns_as_to_char_formats() {
        assert_eq!(to_char_format("{table}_y{yyyy}m{mm}", "logs"), r#""logs_y"YYYY"m"MM"#);
        assert_eq!(to_char_format("{table}_y{isoyyyy}w{ww}", "a\"b"), r#""a\"b_y"IYYY"w"IW"#);
        assert_eq!(to_char_format("{yyyy}{mm}{dd}", "t"), "YYYYMMDD");
    }

    #[test]
    fn dates() {
        let d = Date::parse("2025-12-01").unwrap();
        assert_eq!(d.step(Interval::Month).to_string(), "2026-01-01");
        assert_eq!(Date::parse("2024-02-29").unwrap().step(Interval::Year).to_string(), "2025-02-28");
        assert_eq!(Date::from_days(d.days()), d);
        assert_eq!(Date::parse("2025-12-01").unwrap().iso_week(), (2025, 49));
        assert_eq!(Date::parse("2027-01-01").unwrap().iso_week(), (2026, 53));
        assert!(Date::parse("2025-02-30").is_none() && Date::parse("2025-1-1").is_none());
    }
}
