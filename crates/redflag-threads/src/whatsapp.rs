//! WhatsApp's "Export chat" (without media) text file. Two header forms, by platform:
//! iOS `[01/03/24, 09:15:02] Name: text` and Android `01/03/2024, 09:15 - Name: text`; either with a
//! 12-hour clock (`9:15 AM`, `9:15 pm`) and `/`, `.` or `-` between the date's parts. A line that is not
//! a header continues the message before it. Day and month order follow the phone's locale, which the
//! file does not state: if any date's first part exceeds 12 the file is day-first, else if any second
//! part does it is month-first, else day-first (the order of most of the region). Headers without
//! `Name:` are system notices (encryption, group changes) and are left out.
use std::sync::LazyLock;

use regex::Regex;

use crate::time::{Civil, SentAt, hour24, year_of};
use crate::{Message, ParseError, err, finish};

static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^[\u{200e}\u{200f}\u{feff}]*
        (?:
          \[ (?P<d1>\d{1,2})[/.\-](?P<m1>\d{1,2})[/.\-](?P<y1>\d{2,4}) ,?\s+
             (?P<h1>\d{1,2})[:.](?P<mi1>\d{2})(?:[:.](?P<s1>\d{2}))?(?:\s*(?P<ap1>[AaPp])\.?\s?[Mm]\.?)? \]\s?
        | (?P<d2>\d{1,2})[/.\-](?P<m2>\d{1,2})[/.\-](?P<y2>\d{2,4}) ,?\s+
             (?P<h2>\d{1,2})[:.](?P<mi2>\d{2})(?:[:.](?P<s2>\d{2}))?(?:\s*(?P<ap2>[AaPp])\.?\s?[Mm]\.?)? \s[-–]\s
        )
        (?P<rest>.*)$",
    )
    .expect("static regex")
});

pub(crate) fn is_header(line: &str) -> bool {
    HEADER.is_match(line)
}

struct Raw {
    line: usize,
    a: u32,
    b: u32,
    year: i64,
    hour: u32,
    minute: u32,
    second: u32,
    pm: Option<bool>,
    speaker: Option<String>,
    text: String,
}

pub(crate) fn parse(file: &str, text: &str, offset: i32) -> Result<Vec<Message>, ParseError> {
    let mut raws: Vec<Raw> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let Some(c) = HEADER.captures(line) else {
            match raws.last_mut() {
                Some(r) => {
                    r.text.push('\n');
                    r.text.push_str(line);
                }
                None if line.trim().is_empty() => {}
                None => {
                    return Err(err(
                        file,
                        n,
                        "not a WhatsApp export: expected a message header such as `[01/03/24, 09:15:02] Name: text` or `01/03/2024, 09:15 - Name: text`",
                    ));
                }
            }
            continue;
        };
        let g = |a: &str, b: &str| c.name(a).or_else(|| c.name(b)).map(|m| m.as_str());
        let num = |a: &str, b: &str| g(a, b).and_then(|s| s.parse::<u32>().ok());
        let (Some(a), Some(b), Some(y), Some(h), Some(mi)) = (
            num("d1", "d2"),
            num("m1", "m2"),
            num("y1", "y2"),
            num("h1", "h2"),
            num("mi1", "mi2"),
        ) else {
            return Err(err(
                file,
                n,
                "unreadable date or time in the message header",
            ));
        };
        let pm = g("ap1", "ap2").map(|s| s.eq_ignore_ascii_case("p"));
        let rest = c.name("rest").map_or("", |m| m.as_str());
        let (speaker, body) = match rest.split_once(": ") {
            Some((s, t)) if !s.trim().is_empty() => (Some(s.trim().to_string()), t.to_string()),
            _ => match rest.strip_suffix(':') {
                Some(s) if !s.trim().is_empty() && !s.contains(' ') => {
                    (Some(s.to_string()), String::new())
                }
                _ => (None, String::new()),
            },
        };
        raws.push(Raw {
            line: n,
            a,
            b,
            year: i64::from(y),
            hour: h,
            minute: mi,
            second: num("s1", "s2").unwrap_or(0),
            pm,
            speaker,
            text: body,
        });
    }
    let day_first = raws.iter().any(|r| r.a > 12) || !raws.iter().any(|r| r.b > 12);
    let mut out = Vec::new();
    for r in raws {
        let (day, month) = if day_first { (r.a, r.b) } else { (r.b, r.a) };
        let hour = hour24(r.hour, r.pm)
            .ok_or_else(|| err(file, r.line, format!("hour {} on a 12-hour clock", r.hour)))?;
        let civil = Civil::new(year_of(r.year), month, day, hour, r.minute, r.second).ok_or_else(|| {
            err(
                file,
                r.line,
                format!(
                    "impossible date or time: day {day}, month {month}, year {}, {hour:02}:{:02}",
                    r.year, r.minute
                ),
            )
        })?;
        let Some(speaker) = r.speaker else { continue };
        out.push(Message {
            index: 0,
            line: r.line,
            speaker,
            sent_at: Some(SentAt::from_local(civil, offset, false)),
            text: r.text,
        });
    }
    Ok(finish(out))
}
