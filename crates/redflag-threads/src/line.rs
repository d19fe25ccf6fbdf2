//! Line's "Save chat history" text file: a title (`[LINE] Chat history with …`), a saved-on line, then
//! per day a date header line (`Fri, 03/01/2024`, `2024/03/01(Fri)`, Thai `วันศุกร์, 01/03/2567`) and
//! messages `hh:mm<TAB>Name<TAB>text` (a 12-hour clock as `AM 09:15`, `09:15 PM`, `上午 09:15`).
//! A multi-line message is written in double quotes over several lines; a line that is neither a
//! header nor a message continues the message before it. Thai exports count years in the Buddhist era
//! (2567 = 2024 CE). Lines with one tab only (`09:20<TAB>X unsent a message`) are system lines, left out.
//! Date order: year first when the first part has four digits; else day-first if any date's first part
//! exceeds 12, month-first if any second part does, else day-first for a Buddhist-era or Thai file and
//! month-first otherwise (Line's English export writes M/D/YYYY).
use std::sync::LazyLock;

use regex::Regex;

use crate::time::{Civil, SentAt, hour24, year_of};
use crate::{Message, ParseError, err, finish};

static MESSAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?P<ap1>AM|PM|am|pm|上午|下午|午前|午後)\s*)?(?P<h>\d{1,2}):(?P<m>\d{2})(?:\s*(?P<ap2>AM|PM|am|pm))?\t(?P<rest>.*)$",
    )
    .expect("static regex")
});

static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})").expect("static regex"));

pub(crate) fn looks_like(text: &str) -> bool {
    let mut lines = text.lines();
    if lines
        .next()
        .is_some_and(|l| l.trim_start().starts_with("[LINE]"))
    {
        return true;
    }
    text.lines().take(20).any(|l| {
        MESSAGE
            .captures(l)
            .is_some_and(|c| c.name("rest").is_some_and(|r| r.as_str().contains('\t')))
    })
}

struct Day {
    a: u32,
    b: u32,
    c: u32,
    year_first: bool,
    thai: bool,
}

struct Raw {
    line: usize,
    day: usize,
    hour: u32,
    minute: u32,
    pm: Option<bool>,
    speaker: String,
    text: String,
    open_quote: bool,
}

fn is_thai(s: &str) -> bool {
    s.chars().any(|c| ('\u{0e00}'..='\u{0e7f}').contains(&c))
}

pub(crate) fn parse(file: &str, text: &str, offset: i32) -> Result<Vec<Message>, ParseError> {
    let mut days: Vec<Day> = Vec::new();
    let mut raws: Vec<Raw> = Vec::new();
    // Raws of system lines are dropped, but a continuation must not attach to the message before them.
    let mut last_is_message = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(c) = MESSAGE.captures(line) {
            let rest = c.name("rest").map_or("", |m| m.as_str());
            let Some((speaker, body)) = rest.split_once('\t') else {
                last_is_message = false;
                continue;
            };
            if days.is_empty() {
                return Err(err(
                    file,
                    n,
                    "a Line message before any date header line (such as `Fri, 03/01/2024`)",
                ));
            }
            let ap = c.name("ap1").or_else(|| c.name("ap2")).map(|m| m.as_str());
            let pm = ap.map(|s| matches!(s, "PM" | "pm" | "下午" | "午後"));
            let num = |k: &str| {
                c.name(k)
                    .and_then(|m| m.as_str().parse::<u32>().ok())
                    .unwrap_or(99)
            };
            let open_quote = body.starts_with('"') && !(body.len() > 1 && body.ends_with('"'));
            let body =
                if !open_quote && body.len() > 1 && body.starts_with('"') && body.ends_with('"') {
                    &body[1..body.len() - 1]
                } else if open_quote {
                    &body[1..]
                } else {
                    body
                };
            raws.push(Raw {
                line: n,
                day: days.len() - 1,
                hour: num("h"),
                minute: num("m"),
                pm,
                speaker: speaker.trim().to_string(),
                text: body.to_string(),
                open_quote,
            });
            last_is_message = true;
            continue;
        }
        let open = last_is_message && raws.last().is_some_and(|r| r.open_quote);
        if !open
            && !line.contains('\t')
            && line.chars().count() <= 60
            && let Some(c) = DATE.captures(line)
        {
            let p = |k: usize| c.get(k).map_or("", |m| m.as_str());
            let (a, b, cc) = (p(1), p(2), p(3));
            days.push(Day {
                a: a.parse().unwrap_or(0),
                b: b.parse().unwrap_or(0),
                c: cc.parse().unwrap_or(0),
                year_first: a.len() == 4,
                thai: is_thai(line) || (a.len() != 4 && cc.parse::<u32>().is_ok_and(|y| y >= 2400)),
            });
            last_is_message = false;
            continue;
        }
        if last_is_message && let Some(r) = raws.last_mut() {
            r.text.push('\n');
            if r.open_quote && line.ends_with('"') {
                r.text.push_str(&line[..line.len() - 1]);
                r.open_quote = false;
            } else {
                r.text.push_str(line);
            }
        } else if raws.is_empty() && days.is_empty() && n > 3 && !line.trim().is_empty() {
            return Err(err(
                file,
                n,
                "not a Line export: no date header or `hh:mm<TAB>Name<TAB>text` line in the first lines",
            ));
        }
    }
    let dated: Vec<&Day> = days.iter().filter(|d| !d.year_first).collect();
    let day_first = if dated.iter().any(|d| d.a > 12) {
        true
    } else if dated.iter().any(|d| d.b > 12) {
        false
    } else {
        dated.iter().any(|d| d.thai)
    };
    let mut out = Vec::new();
    for r in raws {
        let d = &days[r.day];
        let (y, m, dd) = if d.year_first {
            (d.a, d.b, d.c)
        } else if day_first {
            (d.c, d.b, d.a)
        } else {
            (d.c, d.a, d.b)
        };
        let hour = hour24(r.hour, r.pm)
            .ok_or_else(|| err(file, r.line, format!("hour {} on a 12-hour clock", r.hour)))?;
        let civil =
            Civil::new(year_of(i64::from(y)), m, dd, hour, r.minute, 0).ok_or_else(|| {
                err(
                    file,
                    r.line,
                    format!(
                        "impossible date or time: year {y}, month {m}, day {dd}, {hour:02}:{:02}",
                        r.minute
                    ),
                )
            })?;
        out.push(Message {
            index: 0,
            line: r.line,
            speaker: r.speaker,
            sent_at: Some(SentAt::from_local(civil, offset, false)),
            text: r.text,
        });
    }
    Ok(finish(out))
}
