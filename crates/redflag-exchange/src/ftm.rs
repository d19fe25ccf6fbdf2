//! FollowTheMoney entities (the data model of Aleph), one JSON object per line.
//!
//! Written: a `PlainText` per document (title, the text as `bodyText` when it is shared, language,
//! date, the source when it is a URL, the bands as `summary`, the phone numbers and e-mail
//! addresses it carries as `phoneMentioned` and `emailMentioned`); a `UserAccount` per messaging
//! handle (`service` the platform, `username`, and `phone` for accounts keyed by a number); a
//! `CryptoWallet` per wallet (`publicKey`, `currency`); and a `Documentation` entity joining each
//! document to the accounts and wallets it names. Accounts and wallets are things, not people:
//! nothing here is a `Person`, and no owner or holder is ever asserted. Redflag extracts no
//! organisation names, so it writes no `Organization` entities. Ids are deterministic.
use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::redflag_uuid;
use crate::share::{Shared, SharedSelector};

/// ISO 639-2 code of a redflag language code, as FtM's language type wants it.
fn iso3(lang: &str) -> Option<&'static str> {
    Some(match lang {
        "en" => "eng",
        "id" => "ind",
        "ms" => "msa",
        "tl" => "tgl",
        "vi" => "vie",
        "th" => "tha",
        "zh" => "zho",
        "my" => "mya",
        "km" => "khm",
        _ => return None,
    })
}

fn service(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "telegram" => "Telegram",
        "whatsapp" => "WhatsApp",
        "line" => "LINE",
        "wechat" => "WeChat",
        "signal" => "Signal",
        "zalo" => "Zalo",
        _ => return None,
    })
}

fn entity_id(s: &SharedSelector) -> String {
    format!(
        "rf-{}",
        redflag_uuid(&format!("ftm:{}:{}", s.kind, s.value)).simple()
    )
}

fn selector_entity(s: &SharedSelector) -> Option<Value> {
    let id = entity_id(s);
    if let Some(svc) = service(&s.kind) {
        let mut props = json!({
            "service": [svc],
            "username": [s.value],
            "name": [format!("{svc} {}", s.value)],
        });
        if s.value.starts_with('+') {
            props["phone"] = json!([s.value]);
        }
        return Some(json!({"id": id, "schema": "UserAccount", "properties": props}));
    }
    let currency = match s.kind.as_str() {
        "btc" => "BTC",
        "eth" => "ETH",
        "tron" => "TRX",
        _ => return None,
    };
    Some(json!({
        "id": id,
        "schema": "CryptoWallet",
        "properties": {
            "publicKey": [s.value],
            "currency": [currency],
            "name": [format!("{currency} {}", s.value)],
        }
    }))
}

/// Write the selection as FtM entities (one per line when serialised).
pub fn export(shared: &Shared) -> Vec<Value> {
    let mut out = Vec::new();
    let mut things: BTreeMap<String, Value> = BTreeMap::new();
    for d in &shared.docs {
        let doc_id = format!(
            "rf-{}",
            redflag_uuid(&format!("ftm:document:{}", d.hash)).simple()
        );
        let mut props = json!({
            "title": [format!("redflag document {}", &d.hash[..12.min(d.hash.len())])],
            "mimeType": ["text/plain"],
            "summary": [d.bands.iter().map(|(t, b)| format!("{t}: {b}")).collect::<Vec<_>>().join("; ")],
        });
        if let Some(t) = &d.text {
            props["bodyText"] = json!([t]);
        }
        if let Some(l) = iso3(&d.lang) {
            props["language"] = json!([l]);
        }
        if let Some(date) = d.first_seen.get(..19) {
            props["date"] = json!([date]);
        }
        let urls: Vec<&str> = d
            .observations
            .iter()
            .map(|o| o.source.as_str())
            .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
            .collect();
        if !urls.is_empty() {
            props["sourceUrl"] = json!(urls);
        }
        let of = |k: &str| -> Vec<&str> {
            d.selectors
                .iter()
                .filter(|s| s.kind == k)
                .map(|s| s.value.as_str())
                .collect()
        };
        let (phones, emails) = (of("phone"), of("email"));
        if !phones.is_empty() {
            props["phoneMentioned"] = json!(phones);
        }
        if !emails.is_empty() {
            props["emailMentioned"] = json!(emails);
        }
        out.push(json!({"id": doc_id, "schema": "PlainText", "properties": props}));
        for s in &d.selectors {
            let Some(e) = selector_entity(s) else {
                continue;
            };
            let thing = entity_id(s);
            things.entry(thing.clone()).or_insert(e);
            out.push(json!({
                "id": format!("rf-{}", redflag_uuid(&format!("ftm:documentation:{doc_id}:{thing}")).simple()),
                "schema": "Documentation",
                "properties": {
                    "document": [doc_id],
                    "entity": [thing],
                    "role": [format!("{} contact named in the text", s.kind)],
                }
            }));
        }
    }
    let mut all: Vec<Value> = things.into_values().collect();
    all.extend(out);
    all
}
