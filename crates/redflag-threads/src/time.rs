//! Civil dates and times without a time-zone database: exports give local wall-clock times, and the
//! offset is either in the export (Telegram) or supplied by the caller.
use serde::Serialize;

/// When a message was sent: the instant in UTC and the offset of the source's wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SentAt {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix: i64,
    /// The source's offset from UTC, in minutes (local = UTC + offset).
    pub offset_minutes: i32,
    /// Whether the offset comes from the export itself (Telegram's `date_unixtime`) or was assumed
    /// (WhatsApp and Line exports carry local times only: the caller's `--tz-offset`, default UTC).
    pub offset_known: bool,
}

impl SentAt {
    /// A local wall-clock time at a given offset.
    pub fn from_local(c: Civil, offset_minutes: i32, offset_known: bool) -> SentAt {
        SentAt {
            unix: c.as_unix() - i64::from(offset_minutes) * 60,
            offset_minutes,
            offset_known,
        }
    }
    /// RFC 3339 in UTC (`2024-03-01T02:15:00Z`).
    pub fn utc(&self) -> String {
        let c = Civil::from_unix(self.unix);
        format!("{}Z", c.iso())
    }
    /// RFC 3339 in the source's local time with its offset (`2024-03-01T09:15:00+07:00`).
    pub fn local(&self) -> String {
        let c = Civil::from_unix(self.unix + i64::from(self.offset_minutes) * 60);
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let m = self.offset_minutes.unsigned_abs();
        format!("{}{sign}{:02}:{:02}", c.iso(), m / 60, m % 60)
    }
}

impl Serialize for SentAt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("SentAt", 3)?;
        st.serialize_field("utc", &self.utc())?;
        st.serialize_field("local", &self.local())?;
        st.serialize_field("offset_known", &self.offset_known)?;
        st.end()
    }
}

/// A civil (proleptic Gregorian) date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// Year (Common Era).
    pub year: i64,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
    /// 0–23.
    pub hour: u32,
    /// 0–59.
    pub minute: u32,
    /// 0–59 (a leap second is clamped to 59).
    pub second: u32,
}

/// Days in a month of a year.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Civil {
    /// Checked constructor: `None` for an impossible date or time.
    pub fn new(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Option<Civil> {
        let ok = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second <= 60;
        ok.then_some(Civil {
            year,
            month,
            day,
            hour,
            minute,
            second: second.min(59),
        })
    }

    /// Seconds since the epoch, reading the civil time as UTC (H. Hinnant's days-from-civil).
    pub fn as_unix(&self) -> i64 {
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// The civil time of an instant in UTC.
    pub fn from_unix(t: i64) -> Civil {
        let days = t.div_euclid(86_400);
        let secs = t.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Civil {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs % 3600 / 60) as u32,
            second: (secs % 60) as u32,
        }
    }

    fn iso(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// A year as written in an export: two digits are 20xx; a Buddhist-era year (Thai calendar, ≥ 2400)
/// is converted to the Common Era by subtracting 543.
pub fn year_of(written: i64) -> i64 {
    match written {
        0..=99 => 2000 + written,
        y if y >= 2400 => y - 543,
        y => y,
    }
}

/// 12-hour clock to 24-hour: `pm` adds 12 except at 12; `am` maps 12 to 0. `None` if the hour is not 1–12.
pub fn hour24(hour: u32, pm: Option<bool>) -> Option<u32> {
    match pm {
        None => Some(hour),
        Some(_) if !(1..=12).contains(&hour) => None,
        Some(true) => Some(if hour == 12 { 12 } else { hour + 12 }),
        Some(false) => Some(if hour == 12 { 0 } else { hour }),
    }
}

/// Parse an offset such as `+07:00`, `-0530`, `+7` or `Z` into minutes.
pub fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => (&rest[..2], &rest[2..]),
        None => (rest, "0"),
    };
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_instants() {
        let c = Civil::new(2024, 3, 1, 9, 15, 0).unwrap();
        assert_eq!(c.as_unix(), 1_709_284_500);
        assert_eq!(Civil::from_unix(c.as_unix()), c);
        assert_eq!(Civil::new(1970, 1, 1, 0, 0, 0).unwrap().as_unix(), 0);
        for t in [-86_400 * 400, 0, 951_782_400, 1_709_284_500, 4_102_444_799] {
            assert_eq!(Civil::from_unix(t).as_unix(), t);
        }
        assert!(Civil::new(2023, 2, 29, 0, 0, 0).is_none());
        assert!(Civil::new(2024, 2, 29, 0, 0, 0).is_some());
    }

    #[test]
    fn offsets_and_eras() {
        let s = SentAt::from_local(Civil::new(2024, 3, 1, 9, 15, 0).unwrap(), 420, true);
        assert_eq!(s.utc(), "2024-03-01T02:15:00Z");
        assert_eq!(s.local(), "2024-03-01T09:15:00+07:00");
        assert_eq!(year_of(2567), 2024);
        assert_eq!(year_of(24), 2024);
        assert_eq!(parse_offset("+07:00"), Some(420));
        assert_eq!(parse_offset("-0530"), Some(-330));
        assert_eq!(parse_offset("+7"), Some(420));
        assert_eq!(parse_offset("7"), None);
        assert_eq!(hour24(12, Some(false)), Some(0));
        assert_eq!(hour24(1, Some(true)), Some(13));
        assert_eq!(hour24(13, Some(true)), None);
    }
}
