//! STIX 2.1 bundles: written from a [`Shared`] selection, read back into an [`Imported`].
//!
//! Written: a `report` per document (its text as the description, bands as labels, its content
//! hash, language and observations in redflag's property extension) and one for the cluster; for
//! each selector an observable — `url`, `domain-name`, `email-addr`, `user-account` (messaging
//! handles, `account_type` the platform), and OpenCTI's `phone-number` and `cryptocurrency-wallet`
//! through the extension mechanism (an `extension-definition` object and an `extensions` entry on
//! each) — and, for URLs, domains, e-mails and handles, an `indicator` with a STIX pattern and a
//! `based-on` relationship to its observable. Markings are the official TLP 2.0 marking
//! definitions. Ids are deterministic: observables by the specification's UUIDv5 rule (namespace
//! [`SCO_NAMESPACE`], the JSON of the id-contributing properties), everything else under
//! [`crate::REDFLAG_NAMESPACE`], and timestamps come from the observations, so exporting the same
//! data twice writes the same bundle.
use std::collections::{BTreeMap, BTreeSet};

use redflag_store::Tlp;
use serde_json::{Map, Value, json};

use crate::import::{ImportDoc, ImportSelector, Imported};
use crate::share::{Shared, SharedSelector, tlp_lower};
use crate::{Error, Result, redflag_uuid};

/// The STIX 2.1 namespace for deterministic observable ids (section 2.9 of the specification).
pub const SCO_NAMESPACE: uuid::Uuid = uuid::uuid!("00abedb4-aa42-466c-9c01-fed23315a9b7");

/// The TLP 2.0 extension definition (OASIS cti-stix-common-objects).
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// When the TLP 2.0 marking definitions were published (their fixed `created`).
const TLP2_CREATED: &str = "2022-10-01T00:00:00.000Z";

/// The official TLP 2.0 marking-definition id of a marking (OASIS cti-stix-common-objects,
/// extension-definition-specifications/tlp-2.0).
pub fn tlp_marking_id(t: Tlp) -> &'static str {
    match t {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// The marking a marking-definition id stands for: TLP 2.0, or the TLP 1.0 ids STIX 2.1 predefines
/// (WHITE is read as CLEAR).
pub fn tlp_of_marking_id(id: &str) -> Option<Tlp> {
    Some(match id {
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
        | "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9" => Tlp::Clear,
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
        | "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da" => Tlp::Green,
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
        | "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82" => Tlp::Amber,
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003" => Tlp::AmberStrict,
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
        | "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed" => Tlp::Red,
        _ => return None,
    })
}

/// The official TLP 2.0 marking-definition object.
pub fn tlp_marking_object(t: Tlp) -> Value {
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": tlp_marking_id(t),
        "created": TLP2_CREATED,
        "name": format!("TLP:{}", t.as_str()),
        "extensions": {
            TLP2_EXTENSION: {
                "extension_type": "property-extension",
                "tlp_2_0": tlp_lower(t),
            }
        }
    })
}

/// Fixed time of redflag's own definitions (identity, extension definitions).
const DEFINED: &str = "2026-01-01T00:00:00.000Z";

fn redflag_identity_id() -> String {
    format!("identity--{}", redflag_uuid("identity:system:redflag"))
}

fn org_identity_id(org: &str) -> String {
    format!("identity--{}", redflag_uuid(&format!("identity:org:{org}")))
}

/// The extension definition of OpenCTI's `phone-number` observable.
pub fn phone_extension_id() -> String {
    format!(
        "extension-definition--{}",
        redflag_uuid("extension:sco:phone-number")
    )
}

/// The extension definition of OpenCTI's `cryptocurrency-wallet` observable.
pub fn wallet_extension_id() -> String {
    format!(
        "extension-definition--{}",
        redflag_uuid("extension:sco:cryptocurrency-wallet")
    )
}

/// The extension definition of redflag's properties on a document's report.
pub fn document_extension_id() -> String {
    format!(
        "extension-definition--{}",
        redflag_uuid("extension:property:redflag-document")
    )
}

fn extension_definitions() -> Vec<Value> {
    let by = redflag_identity_id();
    let def = |id: String, name: &str, schema: &str, ty: &str| {
        json!({
            "type": "extension-definition",
            "spec_version": "2.1",
            "id": id,
            "created_by_ref": by,
            "created": DEFINED,
            "modified": DEFINED,
            "name": name,
            "description": schema,
            "schema": schema,
            "version": "1.0",
            "extension_types": [ty],
            "object_marking_refs": [tlp_marking_id(Tlp::Clear)],
        })
    };
    vec![
        def(
            phone_extension_id(),
            "phone-number",
            "A telephone number as OpenCTI's Phone-Number observable: one required string property \
             `value`, the number in E.164; the id is UUIDv5 over {\"value\": …}.",
            "new-sco",
        ),
        def(
            wallet_extension_id(),
            "cryptocurrency-wallet",
            "A cryptocurrency address as OpenCTI's Cryptocurrency-Wallet observable: one required \
             string property `value`, the address (Bitcoin, Ethereum/EVM checksummed, TRON base58); \
             the id is UUIDv5 over {\"value\": …}.",
            "new-sco",
        ),
        def(
            document_extension_id(),
            "redflag-document",
            "redflag's view of a document on its report: `content_hash` (SHA-256 of the NFC text), \
             `lang`, `bands` (lure, scam, distress: none/low/medium/high/critical), `observations` \
             ([{source, source_id, observed_at, tlp}]) and, when the text is not shared, \
             `text_withheld` (why).",
            "property-extension",
        ),
    ]
}

/// A timestamp as STIX writes it (`…T…Z`, milliseconds).
fn ts(s: &str) -> String {
    match s.strip_suffix('Z') {
        Some(base) if base.len() == 19 => format!("{base}.000Z"),
        _ => s.to_string(),
    }
}

/// The canonical JSON (RFC 8785 for plain strings: keys sorted, no spaces) of the contributing
/// properties, as the specification's UUIDv5 rule hashes it.
fn canonical(props: &[(&str, &str)]) -> String {
    let mut sorted = props.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let body: Vec<String> = sorted
        .iter()
        .map(|(k, v)| {
            format!(
                "{}:{}",
                Value::String((*k).into()),
                Value::String((*v).into())
            )
        })
        .collect();
    format!("{{{}}}", body.join(","))
}

fn sco_id(ty: &str, props: &[(&str, &str)]) -> String {
    format!(
        "{ty}--{}",
        uuid::Uuid::new_v5(&SCO_NAMESPACE, canonical(props).as_bytes())
    )
}

/// The messaging kinds written as `user-account` (account_type is the platform).
const ACCOUNT_KINDS: [&str; 6] = ["telegram", "whatsapp", "line", "wechat", "signal", "zalo"];

/// The observable of a selector (without markings), or None for a kind STIX has no object for.
pub fn observable(s: &SharedSelector) -> Option<Value> {
    let v = s.value.as_str();
    Some(match s.kind.as_str() {
        "url" => {
            json!({"type": "url", "spec_version": "2.1", "id": sco_id("url", &[("value", v)]), "value": v})
        }
        "domain" => {
            json!({"type": "domain-name", "spec_version": "2.1", "id": sco_id("domain-name", &[("value", v)]), "value": v})
        }
        "email" => {
            json!({"type": "email-addr", "spec_version": "2.1", "id": sco_id("email-addr", &[("value", v)]), "value": v})
        }
        "phone" => json!({
            "type": "phone-number", "spec_version": "2.1",
            "id": sco_id("phone-number", &[("value", v)]), "value": v,
            "extensions": {phone_extension_id(): {"extension_type": "new-sco"}},
        }),
        "btc" | "eth" | "tron" => json!({
            "type": "cryptocurrency-wallet", "spec_version": "2.1",
            "id": sco_id("cryptocurrency-wallet", &[("value", v)]), "value": v,
            "extensions": {wallet_extension_id(): {"extension_type": "new-sco"}},
        }),
        k if ACCOUNT_KINDS.contains(&k) => json!({
            "type": "user-account", "spec_version": "2.1",
            "id": sco_id("user-account", &[("account_type", k), ("account_login", v)]),
            "account_type": k, "account_login": v,
        }),
        _ => return None,
    })
}

/// A string literal in a STIX pattern.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The STIX pattern matching a selector, for the kinds the specification has objects for.
pub fn pattern(s: &SharedSelector) -> Option<String> {
    let v = lit(&s.value);
    Some(match s.kind.as_str() {
        "url" => format!("[url:value = {v}]"),
        "domain" => format!("[domain-name:value = {v}]"),
        "email" => format!("[email-addr:value = {v}]"),
        k if ACCOUNT_KINDS.contains(&k) => format!(
            "[user-account:account_type = {} AND user-account:account_login = {v}]",
            lit(k)
        ),
        _ => return None,
    })
}

fn report_id(hash: &str) -> String {
    format!(
        "report--{}",
        redflag_uuid(&format!("report:document:{hash}"))
    )
}

/// Write the selection as a STIX 2.1 bundle.
pub fn export(shared: &Shared) -> Value {
    let org_id = org_identity_id(&shared.org);
    let mut objects: Vec<Value> = Vec::new();
    let mut used_tlp: BTreeSet<Tlp> = BTreeSet::new();
    used_tlp.insert(Tlp::Clear); // the extension definitions' marking
    let marks = |t: Tlp| json!([tlp_marking_id(t)]);
    // Observables, indicators and their relationships, once per selector.
    let mut sel_refs: BTreeMap<SharedSelector, Vec<String>> = BTreeMap::new();
    let mut any_phone = false;
    let mut any_wallet = false;
    for (sel, carriers) in shared.selectors() {
        let docs: Vec<_> = carriers.iter().map(|&i| &shared.docs[i]).collect();
        let tlp = docs.iter().map(|d| d.tlp).max().unwrap_or(Tlp::Amber);
        let first = docs
            .iter()
            .map(|d| d.first_seen.as_str())
            .min()
            .unwrap_or("");
        let last = docs
            .iter()
            .map(|d| d.last_seen.as_str())
            .max()
            .unwrap_or("");
        used_tlp.insert(tlp);
        let Some(mut obs) = observable(&sel) else {
            continue;
        };
        any_phone |= sel.kind == "phone";
        any_wallet |= matches!(sel.kind.as_str(), "btc" | "eth" | "tron");
        obs["object_marking_refs"] = marks(tlp);
        let obs_id = obs["id"].as_str().unwrap_or_default().to_string();
        let mut refs = vec![obs_id.clone()];
        if let Some(p) = pattern(&sel) {
            let ind_id = format!(
                "indicator--{}",
                redflag_uuid(&format!("indicator:{}:{}", sel.kind, sel.value))
            );
            objects.push(json!({
                "type": "indicator",
                "spec_version": "2.1",
                "id": ind_id,
                "created_by_ref": org_id,
                "created": ts(first),
                "modified": ts(last),
                "name": format!("{} {}", sel.kind, sel.value),
                "description": format!(
                    "A {} contact selector found in {} document(s) redflag assessed; state: {}.",
                    sel.kind, docs.len(), sel.state
                ),
                "indicator_types": ["anomalous-activity"],
                "pattern": p,
                "pattern_type": "stix",
                "pattern_version": "2.1",
                "valid_from": ts(first),
                "labels": [sel.kind.clone(), format!("state:{}", sel.state)],
                "object_marking_refs": marks(tlp),
            }));
            let rel_id = format!(
                "relationship--{}",
                redflag_uuid(&format!("relationship:based-on:{ind_id}:{obs_id}"))
            );
            objects.push(json!({
                "type": "relationship",
                "spec_version": "2.1",
                "id": rel_id,
                "created_by_ref": org_id,
                "created": ts(first),
                "modified": ts(last),
                "relationship_type": "based-on",
                "source_ref": ind_id,
                "target_ref": obs_id,
                "object_marking_refs": marks(tlp),
            }));
            refs.push(ind_id);
            refs.push(rel_id);
        }
        objects.push(obs);
        sel_refs.insert(sel, refs);
    }
    // A report per document.
    let mut doc_reports = Vec::new();
    for d in &shared.docs {
        used_tlp.insert(d.tlp);
        let id = report_id(&d.hash);
        let mut refs: Vec<String> = d
            .selectors
            .iter()
            .filter_map(|s| sel_refs.get(s))
            .flatten()
            .cloned()
            .collect();
        if refs.is_empty() {
            // `object_refs` may not be empty: a document without shared selectors refers to its author.
            refs.push(org_id.clone());
        }
        let mut labels: Vec<String> = d.bands.iter().map(|(t, b)| format!("{t}:{b}")).collect();
        labels.push(format!("lang:{}", d.lang));
        let mut ext = json!({
            "extension_type": "property-extension",
            "content_hash": d.hash,
            "lang": d.lang,
            "bands": d.bands,
            "observations": d.observations.iter().map(|o| json!({
                "source": o.source,
                "source_id": o.source_id,
                "observed_at": o.observed_at,
                "tlp": o.tlp.as_str(),
            })).collect::<Vec<_>>(),
        });
        if let Some(w) = d.withheld_because {
            ext["text_withheld"] = json!(w);
        }
        let mut r = json!({
            "type": "report",
            "spec_version": "2.1",
            "id": id,
            "created_by_ref": org_id,
            "created": ts(&d.first_seen),
            "modified": ts(&d.last_seen),
            "name": format!("redflag document {}", &d.hash[..12.min(d.hash.len())]),
            "report_types": ["threat-report"],
            "published": ts(&d.first_seen),
            "labels": labels,
            "object_refs": refs,
            "object_marking_refs": marks(d.tlp),
            "extensions": {document_extension_id(): ext},
        });
        if let Some(t) = &d.text {
            r["description"] = json!(t);
        }
        doc_reports.push(id);
        objects.push(r);
    }
    if let (Some(key), false) = (&shared.cluster_key, shared.docs.is_empty()) {
        let tlp = shared.tlp();
        let first = shared
            .docs
            .iter()
            .map(|d| d.first_seen.as_str())
            .min()
            .unwrap_or("");
        let last = shared
            .docs
            .iter()
            .map(|d| d.last_seen.as_str())
            .max()
            .unwrap_or("");
        let mut refs = doc_reports.clone();
        refs.extend(sel_refs.values().flatten().cloned());
        objects.push(json!({
            "type": "report",
            "spec_version": "2.1",
            "id": format!("report--{}", redflag_uuid(&format!("report:cluster:{key}"))),
            "created_by_ref": org_id,
            "created": ts(first),
            "modified": ts(last),
            "name": format!("redflag cluster of {} documents", shared.docs.len()),
            "description": "Documents linked by shared contact selectors or near-identical templates.",
            "report_types": ["threat-report"],
            "published": ts(first),
            "object_refs": refs,
            "object_marking_refs": marks(tlp),
        }));
    }
    let mut head = vec![
        json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": redflag_identity_id(),
            "created": DEFINED,
            "modified": DEFINED,
            "name": "redflag",
            "identity_class": "system",
        }),
        json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": org_id,
            "created": DEFINED,
            "modified": DEFINED,
            "name": shared.org,
            "identity_class": "organization",
        }),
    ];
    head.extend(used_tlp.iter().map(|&t| tlp_marking_object(t)));
    head.extend(extension_definitions().into_iter().filter(|e| {
        let id = e["id"].as_str().unwrap_or_default();
        (id != phone_extension_id() || any_phone) && (id != wallet_extension_id() || any_wallet)
    }));
    head.extend(objects);
    let ids: Vec<&str> = head.iter().filter_map(|o| o["id"].as_str()).collect();
    json!({
        "type": "bundle",
        "id": format!("bundle--{}", redflag_uuid(&format!("bundle:{}", ids.join(",")))),
        "objects": head,
    })
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Types the specification calls cyber-observables (for which `spec_version` is optional), plus
/// the custom ones read here.
const SCO_TYPES: [&str; 21] = [
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
    "phone-number",
    "cryptocurrency-wallet",
    "hostname",
];

fn valid_id(ty: &str, id: &str) -> bool {
    id.strip_prefix(ty)
        .and_then(|r| r.strip_prefix("--"))
        .is_some_and(|u| uuid::Uuid::parse_str(u).is_ok())
}

/// Read a STIX 2.1 bundle. Every object is checked first (type, id, spec_version); an error names
/// the file and the object (its index and id) and nothing is returned.
pub fn parse(bytes: &[u8], file: &str) -> Result<Imported> {
    let root: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::Invalid(format!("{file}: not valid JSON: {e}")))?;
    let Some(root) = root.as_object() else {
        return Err(Error::Invalid(format!(
            "{file}: not a STIX bundle (the top level is not a JSON object)"
        )));
    };
    match root.get("type").and_then(Value::as_str) {
        Some("bundle") => {}
        Some(t) => {
            return Err(Error::Invalid(format!(
                "{file}: not a STIX bundle (top-level \"type\" is {t:?}, not \"bundle\")"
            )));
        }
        None => {
            return Err(Error::Invalid(format!(
                "{file}: not a STIX bundle (no top-level \"type\": \"bundle\")"
            )));
        }
    }
    let Some(bundle_id) = root.get("id").and_then(Value::as_str) else {
        return Err(Error::Invalid(format!("{file}: the bundle has no \"id\"")));
    };
    if !valid_id("bundle", bundle_id) {
        return Err(Error::Invalid(format!(
            "{file}: the bundle id {bundle_id:?} is not \"bundle--<UUID>\""
        )));
    }
    if let Some(v) = root.get("spec_version") {
        return Err(Error::Invalid(format!(
            "{file}: the bundle has spec_version {v}: a STIX 2.0 bundle; only STIX 2.1 is read"
        )));
    }
    let objects = match root.get("objects") {
        None => &Vec::new(),
        Some(Value::Array(a)) => a,
        Some(_) => {
            return Err(Error::Invalid(format!(
                "{file}: the bundle's \"objects\" is not an array"
            )));
        }
    };
    // Check every object before reading any.
    let mut checked: Vec<(&Map<String, Value>, &str, &str)> = Vec::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        let Some(o) = o.as_object() else {
            return Err(Error::Invalid(format!(
                "{file}: objects[{i}] is not a JSON object"
            )));
        };
        let Some(ty) = o.get("type").and_then(Value::as_str) else {
            return Err(Error::Invalid(format!(
                "{file}: objects[{i}] has no \"type\""
            )));
        };
        let Some(id) = o.get("id").and_then(Value::as_str) else {
            return Err(Error::Invalid(format!(
                "{file}: objects[{i}] ({ty}) has no \"id\""
            )));
        };
        if !valid_id(ty, id) {
            return Err(Error::Invalid(format!(
                "{file}: objects[{i}] ({ty}): the id {id:?} is not \"{ty}--<UUID>\""
            )));
        }
        match o.get("spec_version").and_then(Value::as_str) {
            Some("2.1") => {}
            Some(v) => {
                return Err(Error::Invalid(format!(
                    "{file}: objects[{i}] ({id}): spec_version {v:?}; only STIX 2.1 is read"
                )));
            }
            None if SCO_TYPES.contains(&ty) => {}
            None => {
                return Err(Error::Invalid(format!(
                    "{file}: objects[{i}] ({id}): no \"spec_version\" (STIX 2.0 objects are not read; 2.1 requires it)"
                )));
            }
        }
        checked.push((o, ty, id));
    }
    read_objects(&checked, bundle_id, file)
}

/// The marking of an object: its TLP references (the most restrictive), else AMBER.
fn marking_of(o: &Map<String, Value>, custom: &BTreeMap<String, Tlp>) -> Tlp {
    o.get("object_marking_refs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|id| tlp_of_marking_id(id).or_else(|| custom.get(id).copied()))
        .max()
        .unwrap_or(Tlp::Amber)
}

/// A marking-definition of the bundle that is a TLP marking under another id.
fn custom_tlp(o: &Map<String, Value>) -> Option<Tlp> {
    if let Some(t) = o
        .get("extensions")
        .and_then(|e| e.get(TLP2_EXTENSION))
        .and_then(|e| e.get("tlp_2_0"))
        .and_then(Value::as_str)
    {
        return t.parse().ok();
    }
    if o.get("definition_type").and_then(Value::as_str) == Some("tlp") {
        return o
            .get("definition")
            .and_then(|d| d.get("tlp"))
            .and_then(Value::as_str)
            .and_then(|t| t.parse().ok());
    }
    o.get("name")
        .and_then(Value::as_str)
        .filter(|n| n.to_ascii_uppercase().starts_with("TLP:"))
        .and_then(|n| n.parse().ok())
}

fn str_of<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

fn read_objects(
    objects: &[(&Map<String, Value>, &str, &str)],
    bundle_id: &str,
    file: &str,
) -> Result<Imported> {
    let mut custom = BTreeMap::new();
    for (o, ty, id) in objects {
        if *ty == "marking-definition"
            && tlp_of_marking_id(id).is_none()
            && let Some(t) = custom_tlp(o)
        {
            custom.insert(id.to_string(), t);
        }
    }
    let doc_ext = document_extension_id();
    let mut out = Imported {
        origin: format!("stix:{bundle_id}"),
        ..Imported::default()
    };
    for (i, (o, ty, id)) in objects.iter().enumerate() {
        let tlp = marking_of(o, &custom);
        let place = || format!("{file}: objects[{i}] ({id})");
        match *ty {
            "report" => {
                let ext = o.get("extensions").and_then(|e| e.get(&doc_ext));
                let Some(ext) = ext else {
                    out.not_read.push(format!(
                        "{}: a report without redflag's document extension (its observables are read)",
                        place()
                    ));
                    continue;
                };
                let Some(text) = str_of(o, "description") else {
                    continue; // the text was withheld: the selectors come in as observables
                };
                let first = ext
                    .get("observations")
                    .and_then(Value::as_array)
                    .and_then(|a| a.first());
                out.docs.push(ImportDoc {
                    key: id.to_string(),
                    text: text.to_string(),
                    lang: ext.get("lang").and_then(Value::as_str).map(str::to_string),
                    source: first
                        .and_then(|f| f.get("source"))
                        .and_then(Value::as_str)
                        .map_or_else(|| format!("stix {bundle_id}"), str::to_string),
                    observed_at: first
                        .and_then(|f| f.get("observed_at"))
                        .and_then(Value::as_str)
                        .or_else(|| str_of(o, "published"))
                        .map(str::to_string),
                    tlp,
                });
            }
            "url" | "domain-name" | "email-addr" | "phone-number" | "cryptocurrency-wallet" => {
                let Some(v) = str_of(o, "value") else {
                    return Err(Error::Invalid(format!("{}: no \"value\"", place())));
                };
                let kind = match *ty {
                    "url" => "url",
                    "domain-name" => "domain",
                    "email-addr" => "email",
                    "phone-number" => "phone",
                    _ => "wallet",
                };
                out.selectors.push(ImportSelector {
                    kind: kind.into(),
                    value: v.to_string(),
                    tlp,
                });
            }
            "user-account" => {
                let login = str_of(o, "account_login").or_else(|| str_of(o, "user_id"));
                match (str_of(o, "account_type"), login) {
                    (Some(t), Some(l)) if ACCOUNT_KINDS.contains(&t) => {
                        out.selectors.push(ImportSelector {
                            kind: t.to_string(),
                            value: l.to_string(),
                            tlp,
                        })
                    }
                    _ => out.not_read.push(format!(
                        "{}: a user-account of a platform redflag does not read",
                        place()
                    )),
                }
            }
            "indicator" => {
                let p = str_of(o, "pattern").unwrap_or_default();
                if str_of(o, "pattern_type") != Some("stix") {
                    out.not_read
                        .push(format!("{}: a pattern that is not STIX", place()));
                    continue;
                }
                match read_pattern(p) {
                    Some(sels) => {
                        out.selectors
                            .extend(sels.into_iter().map(|(kind, value)| ImportSelector {
                                kind,
                                value,
                                tlp,
                            }))
                    }
                    None => out.not_read.push(format!(
                        "{}: pattern {p:?} is not one equality redflag reads",
                        place()
                    )),
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Read a pattern of the shapes [`pattern`] writes (one observation expression of equality
/// comparisons joined by AND): the selectors it names.
pub fn read_pattern(p: &str) -> Option<Vec<(String, String)>> {
    let inner = p.trim().strip_prefix('[')?.strip_suffix(']')?;
    // Split on AND outside string literals.
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut in_str = false;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if in_str {
            cur.push(c);
            if c == '\\' {
                cur.extend(chars.next());
            } else if c == '\'' {
                in_str = false;
            }
            continue;
        }
        if c == '\'' {
            in_str = true;
        }
        cur.push(c);
        if cur.ends_with(" AND ") {
            cur.truncate(cur.len() - 5);
            parts.push(std::mem::take(&mut cur));
        }
    }
    parts.push(cur);
    let mut cmp = BTreeMap::new();
    for part in parts {
        let (path, val) = part.split_once('=')?;
        cmp.insert(path.trim().to_string(), literal(val.trim())?);
    }
    let get = |k: &str| cmp.get(k).cloned();
    let one = |kind: &str, v: Option<String>| v.map(|v| vec![(kind.to_string(), v)]);
    if cmp.len() == 1 {
        if let Some(r) = one("url", get("url:value")) {
            return Some(r);
        }
        if let Some(r) = one("domain", get("domain-name:value")) {
            return Some(r);
        }
        if let Some(r) = one("email", get("email-addr:value")) {
            return Some(r);
        }
        if let Some(r) = one("phone", get("phone-number:value")) {
            return Some(r);
        }
        return one("wallet", get("cryptocurrency-wallet:value"));
    }
    let t = get("user-account:account_type")?;
    let l = get("user-account:account_login").or_else(|| get("user-account:user_id"))?;
    (cmp.len() == 2 && ACCOUNT_KINDS.contains(&t.as_str())).then(|| vec![(t, l)])
}

/// A whole STIX string literal (`'…'` with `\\'` and `\\\\` escapes), nothing after it.
fn literal(s: &str) -> Option<String> {
    let mut chars = s.strip_prefix('\'')?.chars();
    let mut out = String::new();
    loop {
        match chars.next()? {
            '\\' => out.push(chars.next()?),
            '\'' => break,
            c => out.push(c),
        }
    }
    chars.as_str().is_empty().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sco_ids_follow_the_specification() {
        // Computed independently with Python's uuid.uuid5(ns, '{"value":"https://example.com/"}').
        let id = sco_id("url", &[("value", "https://example.com/")]);
        assert_eq!(id, "url--be22e93a-5e33-5678-b19f-8b4ea06df0bd");
        assert_eq!(
            canonical(&[("account_type", "telegram"), ("account_login", "a\"b")]),
            r#"{"account_login":"a\"b","account_type":"telegram"}"#
        );
    }

    #[test]
    fn patterns_round_trip() {
        for (kind, value) in [
            ("url", "https://x.example/a?b='c'"),
            ("domain", "example.com"),
            ("email", "hr@example.com"),
            ("telegram", "kk_boss"),
            ("line", "o'neil\\x"),
        ] {
            let s = SharedSelector {
                kind: kind.into(),
                value: value.into(),
                state: "validated".into(),
            };
            let p = pattern(&s).unwrap();
            assert_eq!(
                read_pattern(&p),
                Some(vec![(kind.to_string(), value.to_string())]),
                "{p}"
            );
        }
        assert_eq!(read_pattern("[file:hashes.MD5 = 'abc']"), None);
        assert_eq!(read_pattern("[url:value = 'a'] OR [url:value = 'b']"), None);
    }

    #[test]
    fn tlp_ids_map_both_ways() {
        for t in Tlp::ALL {
            assert_eq!(tlp_of_marking_id(tlp_marking_id(t)), Some(t));
        }
    }
}
