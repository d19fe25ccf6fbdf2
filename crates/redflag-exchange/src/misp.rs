//! MISP event JSON: written from a [`Shared`] selection, read back into an [`Imported`].
//!
//! Written: one event (`Event`) for the selection, tagged with its TLP (`tlp:amber`); attributes
//! with their MISP types — `phone-number` (category Other, never Person), `url`, `domain`,
//! `email-src` — each tagged with its own TLP; objects where MISP has a template: `coin-address`
//! for every wallet (Bitcoin as `address`/`btc`, Ethereum and TRON as `address-crypto` with the
//! symbol ETH or TRX), `telegram-account` for Telegram, `user-account` (account-type the platform)
//! for WhatsApp, LINE, WeChat, Signal and Zalo; each shared text as an event report named
//! `redflag document <hash>`. Uuids are deterministic (UUIDv5 under redflag's namespace) and the
//! timestamps come from the observations.
use std::collections::BTreeMap;

use redflag_store::Tlp;
use serde_json::{Map, Value, json};

use crate::import::{ImportDoc, ImportSelector, Imported};
use crate::share::{Scope, Shared, tlp_lower};
use crate::{Error, Result, redflag_uuid};

/// The coin-address object template (MISP misp-objects, objects/coin-address).
const COIN_ADDRESS: (&str, &str) = ("d0e6997e-78da-4815-a6a1-cfc1c1cb8a46", "7");
/// The telegram-account object template.
const TELEGRAM_ACCOUNT: (&str, &str) = ("06f02ecf-5afb-42c5-9cb0-b362e222f52c", "2");
/// The user-account object template.
const USER_ACCOUNT: (&str, &str) = ("49606b06-22f0-4ac8-8eee-2f12ad46f3d3", "6");

const DOC_PREFIX: &str = "redflag document ";

/// Seconds since the epoch of an RFC 3339 UTC time (`YYYY-MM-DDTHH:MM:SS…Z`); 0 if unreadable.
pub fn epoch(s: &str) -> i64 {
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<i64>().ok());
    let (Some(y), Some(m), Some(d), Some(h), Some(mi), Some(se)) = (
        num(0..4),
        num(5..7),
        num(8..10),
        num(11..13),
        num(14..16),
        num(17..19),
    ) else {
        return 0;
    };
    // Days from civil (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + h * 3600 + mi * 60 + se
}

/// The RFC 3339 UTC time of an epoch second.
fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn tag(t: Tlp) -> Value {
    json!([{"name": format!("tlp:{}", tlp_lower(t))}])
}

fn attribute(ty: &str, category: &str, value: &str, comment: &str, ts: i64, t: Tlp) -> Value {
    json!({
        "uuid": redflag_uuid(&format!("misp:attribute:{ty}:{value}")).to_string(),
        "type": ty,
        "category": category,
        "value": value,
        "to_ids": matches!(ty, "url" | "domain" | "email-src" | "btc"),
        "comment": comment,
        "timestamp": ts.to_string(),
        "distribution": "5",
        "disable_correlation": false,
        "Tag": tag(t),
    })
}

fn object(
    name: &str,
    meta: &str,
    template: (&str, &str),
    key: &str,
    ts: i64,
    attrs: Vec<(&str, &str, &str, &str)>,
    t: Tlp,
) -> Value {
    let uuid = redflag_uuid(&format!("misp:object:{name}:{key}")).to_string();
    let attrs: Vec<Value> = attrs
        .into_iter()
        .map(|(rel, ty, category, value)| {
            json!({
                "uuid": redflag_uuid(&format!("misp:object-attribute:{uuid}:{rel}")).to_string(),
                "object_relation": rel,
                "type": ty,
                "category": category,
                "value": value,
                "to_ids": ty == "btc",
                "timestamp": ts.to_string(),
                "distribution": "5",
                "disable_correlation": rel == "symbol",
                "Tag": tag(t),
            })
        })
        .collect();
    json!({
        "uuid": uuid,
        "name": name,
        "meta-category": meta,
        "template_uuid": template.0,
        "template_version": template.1,
        "description": "",
        "timestamp": ts.to_string(),
        "distribution": "5",
        "comment": "",
        "Attribute": attrs,
    })
}

/// Write the selection as one MISP event.
pub fn export(shared: &Shared) -> Value {
    let mut attributes = Vec::new();
    let mut objects = Vec::new();
    for (sel, carriers) in shared.selectors() {
        let docs: Vec<_> = carriers.iter().map(|&i| &shared.docs[i]).collect();
        let t = docs.iter().map(|d| d.tlp).max().unwrap_or(Tlp::Amber);
        let ts = docs.iter().map(|d| epoch(&d.last_seen)).max().unwrap_or(0);
        let comment = format!(
            "{} contact selector in {} document(s) redflag assessed; state {}",
            sel.kind,
            docs.len(),
            sel.state
        );
        let v = sel.value.as_str();
        match sel.kind.as_str() {
            "phone" => attributes.push(attribute("phone-number", "Other", v, &comment, ts, t)),
            "url" => attributes.push(attribute("url", "Network activity", v, &comment, ts, t)),
            "domain" => {
                attributes.push(attribute("domain", "Network activity", v, &comment, ts, t))
            }
            "email" => {
                attributes.push(attribute("email-src", "Social network", v, &comment, ts, t))
            }
            "btc" => objects.push(object(
                "coin-address",
                "financial",
                COIN_ADDRESS,
                v,
                ts,
                vec![
                    ("address", "btc", "Financial fraud", v),
                    ("symbol", "text", "Other", "BTC"),
                ],
                t,
            )),
            "eth" | "tron" => objects.push(object(
                "coin-address",
                "financial",
                COIN_ADDRESS,
                v,
                ts,
                vec![
                    ("address-crypto", "text", "Financial fraud", v),
                    (
                        "symbol",
                        "text",
                        "Other",
                        if sel.kind == "eth" { "ETH" } else { "TRX" },
                    ),
                ],
                t,
            )),
            "telegram" => objects.push(object(
                "telegram-account",
                "misc",
                TELEGRAM_ACCOUNT,
                v,
                ts,
                vec![("username", "text", "Social network", v)],
                t,
            )),
            k @ ("whatsapp" | "line" | "wechat" | "signal" | "zalo") => objects.push(object(
                "user-account",
                "misc",
                USER_ACCOUNT,
                &format!("{k}:{v}"),
                ts,
                vec![
                    ("account-type", "text", "Social network", k),
                    ("username", "text", "Social network", v),
                ],
                t,
            )),
            _ => {}
        }
    }
    let reports: Vec<Value> = shared
        .docs
        .iter()
        .filter_map(|d| {
            let text = d.text.as_ref()?;
            Some(json!({
                "uuid": redflag_uuid(&format!("misp:event-report:{}", d.hash)).to_string(),
                "name": format!("{DOC_PREFIX}{}", &d.hash[..12.min(d.hash.len())]),
                "content": text,
                "distribution": "5",
                "timestamp": epoch(&d.first_seen).to_string(),
                "deleted": false,
            }))
        })
        .collect();
    let first = shared
        .docs
        .iter()
        .map(|d| d.first_seen.as_str())
        .min()
        .unwrap_or("1970-01-01T00:00:00Z");
    let last = shared
        .docs
        .iter()
        .map(|d| epoch(&d.last_seen))
        .max()
        .unwrap_or(0);
    let key = match (&shared.scope, &shared.cluster_key) {
        (Scope::Cluster(_), Some(k)) => format!("cluster:{k}"),
        _ => format!("all:{}", shared.org),
    };
    let labels = shared.docs.iter().fold(BTreeMap::new(), |mut m, d| {
        for (t, b) in &d.bands {
            if matches!(b.as_str(), "medium" | "high" | "critical") {
                *m.entry(t.clone()).or_insert(0u64) += 1;
            }
        }
        m
    });
    let flagged: Vec<String> = labels
        .iter()
        .map(|(t, n)| format!("{n} flagged {t}"))
        .collect();
    json!({
        "Event": {
            "uuid": redflag_uuid(&format!("misp:event:{key}")).to_string(),
            "info": format!(
                "redflag: {} ({} documents{})",
                shared.title,
                shared.docs.len(),
                if flagged.is_empty() { String::new() } else { format!("; {}", flagged.join(", ")) }
            ),
            "date": first.get(..10).unwrap_or("1970-01-01"),
            "timestamp": last.to_string(),
            "threat_level_id": "4",
            "analysis": "0",
            "distribution": "0",
            "published": false,
            "Orgc": {
                "name": shared.org,
                "uuid": redflag_uuid(&format!("misp:org:{}", shared.org)).to_string(),
            },
            "Tag": tag(shared.tlp()),
            "Attribute": attributes,
            "Object": objects,
            "EventReport": reports,
        }
    })
}

fn tlp_of_tags(o: &Map<String, Value>) -> Option<Tlp> {
    o.get("Tag")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
        .filter_map(|n| {
            n.to_ascii_lowercase()
                .strip_prefix("tlp:")
                .and_then(|t| t.parse::<Tlp>().ok())
        })
        .max()
}

fn string_field<'a>(o: &'a Map<String, Value>, k: &str, place: &str) -> Result<&'a str> {
    o.get(k)
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Invalid(format!("{place}: no \"{k}\" string")))
}

/// Read a MISP event (`{"Event": {…}}` or the bare event). Everything is checked before anything
/// is returned; an error names the file and the attribute or object.
pub fn parse(bytes: &[u8], file: &str) -> Result<Imported> {
    let root: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::Invalid(format!("{file}: not valid JSON: {e}")))?;
    let ev = root.get("Event").unwrap_or(&root);
    let Some(ev) = ev.as_object() else {
        return Err(Error::Invalid(format!(
            "{file}: not a MISP event (no \"Event\" object)"
        )));
    };
    let place = format!("{file}: Event");
    let uuid = string_field(ev, "uuid", &place)?;
    if uuid::Uuid::parse_str(uuid).is_err() {
        return Err(Error::Invalid(format!(
            "{place}: \"uuid\" {uuid:?} is not a UUID"
        )));
    }
    string_field(ev, "info", &place)?;
    let event_tlp = tlp_of_tags(ev).unwrap_or(Tlp::Amber);
    let list = |k: &str| -> Result<&[Value]> {
        match ev.get(k) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(a)) => Ok(a.as_slice()),
            Some(_) => Err(Error::Invalid(format!("{place}.{k} is not an array"))),
        }
    };
    let mut out = Imported {
        origin: format!("misp:{uuid}"),
        ..Imported::default()
    };
    let attr_kind = |ty: &str| -> Option<&'static str> {
        Some(match ty {
            "phone-number" | "whois-registrant-phone" => "phone",
            "url" | "uri" | "link" => "url",
            "domain" | "hostname" => "domain",
            "email" | "email-src" | "email-dst" | "email-reply-to" => "email",
            "btc" => "wallet",
            _ => return None,
        })
    };
    for (i, a) in list("Attribute")?.iter().enumerate() {
        let place = format!("{file}: Event.Attribute[{i}]");
        let a = a
            .as_object()
            .ok_or_else(|| Error::Invalid(format!("{place} is not an object")))?;
        let ty = string_field(a, "type", &place)?;
        let value = string_field(a, "value", &place)?;
        let tlp = tlp_of_tags(a).unwrap_or(event_tlp);
        match attr_kind(ty) {
            Some(kind) => out.selectors.push(ImportSelector {
                kind: kind.into(),
                value: value.into(),
                tlp,
            }),
            None => out.not_read.push(format!(
                "{place}: type {ty:?} is not a selector redflag reads"
            )),
        }
    }
    for (i, o) in list("Object")?.iter().enumerate() {
        let place = format!("{file}: Event.Object[{i}]");
        let o = o
            .as_object()
            .ok_or_else(|| Error::Invalid(format!("{place} is not an object")))?;
        let name = string_field(o, "name", &place)?;
        let attrs = match o.get("Attribute") {
            Some(Value::Array(a)) => a.as_slice(),
            None => &[],
            Some(_) => {
                return Err(Error::Invalid(format!("{place}.Attribute is not an array")));
            }
        };
        let mut rel: BTreeMap<&str, (&str, Tlp)> = BTreeMap::new();
        for (j, a) in attrs.iter().enumerate() {
            let place = format!("{place}.Attribute[{j}]");
            let a = a
                .as_object()
                .ok_or_else(|| Error::Invalid(format!("{place} is not an object")))?;
            let r = string_field(a, "object_relation", &place)?;
            let v = string_field(a, "value", &place)?;
            rel.insert(r, (v, tlp_of_tags(a).unwrap_or(event_tlp)));
        }
        let mut push = |kind: &str, (v, tlp): (&str, Tlp)| {
            out.selectors.push(ImportSelector {
                kind: kind.into(),
                value: v.into(),
                tlp,
            })
        };
        match name {
            "coin-address" => match rel.get("address").or(rel.get("address-crypto")) {
                Some(&a) => push("wallet", a),
                None => out.not_read.push(format!(
                    "{place}: a coin-address without an address redflag reads"
                )),
            },
            "telegram-account" => {
                if let Some(&u) = rel.get("username") {
                    push("telegram", u);
                }
                if let Some(&p) = rel.get("phone") {
                    push("phone", p);
                }
            }
            "user-account" => {
                let ty = rel.get("account-type").map(|a| a.0.to_ascii_lowercase());
                let login = rel.get("username").or(rel.get("user-id")).copied();
                match (ty.as_deref(), login) {
                    (
                        Some(t @ ("telegram" | "whatsapp" | "line" | "wechat" | "signal" | "zalo")),
                        Some(l),
                    ) => push(t, l),
                    _ => out.not_read.push(format!(
                        "{place}: a user-account of a platform redflag does not read"
                    )),
                }
            }
            other => out
                .not_read
                .push(format!("{place}: object {other:?} is not read")),
        }
    }
    for (i, r) in list("EventReport")?.iter().enumerate() {
        let place = format!("{file}: Event.EventReport[{i}]");
        let r = r
            .as_object()
            .ok_or_else(|| Error::Invalid(format!("{place} is not an object")))?;
        let name = string_field(r, "name", &place)?;
        if !name.starts_with(DOC_PREFIX) {
            out.not_read
                .push(format!("{place}: an event report redflag did not write"));
            continue;
        }
        let content = string_field(r, "content", &place)?;
        let ts = r
            .get("timestamp")
            .and_then(|t| t.as_str().and_then(|s| s.parse().ok()).or(t.as_i64()));
        out.docs.push(ImportDoc {
            key: format!(
                "misp-event-report:{}",
                r.get("uuid").and_then(Value::as_str).unwrap_or(name)
            ),
            text: content.into(),
            lang: None,
            source: format!("misp event {uuid}"),
            observed_at: ts.map(rfc3339),
            tlp: event_tlp,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_back() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2025-03-01T08:00:00Z",
            "2000-02-29T23:59:59Z",
            "2026-12-31T12:00:00Z",
        ] {
            assert_eq!(rfc3339(epoch(s)), s);
        }
        assert_eq!(epoch("2025-03-01T08:00:00Z"), 1_740_816_000);
    }
}
