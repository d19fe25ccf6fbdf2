//! Telegram Desktop's "Export chat history" as machine-readable JSON (`result.json` of one chat):
//! `{"name": …, "messages": [{"type": "message", "date": "2024-03-01T09:15:00", "date_unixtime":
//! "1709259300", "from": "Name", "text": "…" | ["…", {"type": "link", "text": "…"}, …]}]}`.
//! `date` is the exporting computer's local time and `date_unixtime` the instant, so their difference is
//! the source's offset. Service messages (joins, pins, calls) are left out; a message whose sender was
//! deleted has `from: null` and is kept as "(deleted account)".
use serde_json::Value;

use crate::time::{Civil, SentAt};
use crate::{Message, ParseError, err, finish};

pub(crate) fn parse(file: &str, text: &str) -> Result<Vec<Message>, ParseError> {
    let root: Value = serde_json::from_str(text)
        .map_err(|e| err(file, e.line(), format!("not valid JSON: {e}")))?;
    let Some(list) = root.get("messages").and_then(Value::as_array) else {
        let hint = if root.get("chats").is_some() {
            "this is a whole-account export; export one chat (its result.json has `messages`)"
        } else {
            "not a Telegram chat export: no `messages` array at the top level"
        };
        return Err(err(file, 0, hint));
    };
    let mut out = Vec::new();
    for (i, m) in list.iter().enumerate() {
        let at = |field: &str, what: &str| err(file, 0, format!("messages[{i}].{field}: {what}"));
        if m.get("type").and_then(Value::as_str).unwrap_or("message") != "message" {
            continue;
        }
        let speaker = match m.get("from") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => "(deleted account)".to_string(),
            Some(_) => return Err(at("from", "expected a string or null")),
        };
        let text = flatten(m.get("text")).ok_or_else(|| {
            at(
                "text",
                "expected a string or an array of strings and entities",
            )
        })?;
        let local = match m.get("date") {
            Some(Value::String(s)) => {
                Some(civil_of(s).ok_or_else(|| at("date", "expected YYYY-MM-DDTHH:MM:SS"))?)
            }
            None => None,
            Some(_) => return Err(at("date", "expected a string")),
        };
        let unix = match m.get("date_unixtime") {
            Some(Value::String(s)) => Some(
                s.parse::<i64>()
                    .map_err(|_| at("date_unixtime", "expected digits"))?,
            ),
            Some(Value::Number(n)) => Some(
                n.as_i64()
                    .ok_or_else(|| at("date_unixtime", "expected an integer"))?,
            ),
            None => None,
            Some(_) => return Err(at("date_unixtime", "expected a string of digits")),
        };
        let sent_at = match (local, unix) {
            (Some(c), Some(u)) => {
                let diff = c.as_unix() - u;
                // Offsets are whole quarter hours, within ±14 h.
                let q = (diff as f64 / 900.0).round() as i64 * 15;
                if q.abs() > 14 * 60 {
                    return Err(at(
                        "date",
                        "differs from date_unixtime by more than 14 hours",
                    ));
                }
                Some(SentAt {
                    unix: u,
                    offset_minutes: q as i32,
                    offset_known: true,
                })
            }
            (Some(c), None) => Some(SentAt::from_local(c, 0, false)),
            (None, Some(u)) => Some(SentAt {
                unix: u,
                offset_minutes: 0,
                offset_known: true,
            }),
            (None, None) => None,
        };
        out.push(Message {
            index: 0,
            line: i + 1,
            speaker,
            sent_at,
            text,
        });
    }
    Ok(finish(out))
}

fn flatten(v: Option<&Value>) -> Option<String> {
    match v {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(parts)) => {
            let mut s = String::new();
            for p in parts {
                match p {
                    Value::String(t) => s.push_str(t),
                    Value::Object(o) => s.push_str(o.get("text").and_then(Value::as_str)?),
                    _ => return None,
                }
            }
            Some(s)
        }
        Some(_) => None,
    }
}

fn civil_of(s: &str) -> Option<Civil> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    Civil::new(
        i64::from(n(0..4)?),
        n(5..7)?,
        n(8..10)?,
        n(11..13)?,
        n(14..16)?,
        n(17..19)?,
    )
}
