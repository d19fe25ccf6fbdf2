//! MISP and FollowTheMoney: the event loads in `pymisp` as a `MISPEvent` (objects on their
//! templates, categories allowed for their types) and comes back out of it readable; the FtM
//! entities survive `followthemoney`'s own cleaning unchanged, and none is a Person.
mod common;

use std::collections::BTreeSet;

use common::*;
use redflag_exchange::share::{Policy, Scope, collect};
use redflag_exchange::{ftm, import, misp};
use redflag_store::{SqliteStore, Store};
use serde_json::Value;

fn shared(store: &dyn Store, scope: Scope) -> redflag_exchange::Shared {
    collect(store, &analyst("ngo-a"), scope, Policy::default())
        .unwrap()
        .unwrap()
}

#[test]
fn the_misp_event_has_typed_attributes_objects_and_tlp_tags() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let e = misp::export(&shared(&store, Scope::All));
    let ev = &e["Event"];
    let types: BTreeSet<&str> = ev["Attribute"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from(["phone-number", "url", "domain", "email-src"]),
        "{ev:#}"
    );
    let objects: Vec<(&str, String)> = ev["Object"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["Attribute"].to_string()))
        .collect();
    let coins: Vec<&String> = objects
        .iter()
        .filter(|o| o.0 == "coin-address")
        .map(|o| &o.1)
        .collect();
    assert_eq!(coins.len(), 3, "BTC, ETH and TRON as coin-address");
    assert!(coins.iter().any(|c| c.contains(TRON) && c.contains("TRX")));
    assert!(
        coins
            .iter()
            .any(|c| c.contains(BTC) && c.contains("\"btc\""))
    );
    assert!(
        objects
            .iter()
            .any(|o| o.0 == "telegram-account" && o.1.contains("kk_recruit_hr"))
    );
    assert_eq!(ev["Tag"][0]["name"], "tlp:amber");
    assert!(!e.to_string().contains(PLEA_DIGITS));
    // Deterministic.
    assert_eq!(e, misp::export(&shared(&store, Scope::All)));
}

#[test]
fn pymisp_loads_the_event_and_exports_it_back() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let f = dir.path().join("event.json");
    let back = dir.path().join("back.json");
    std::fs::write(
        &f,
        serde_json::to_string(&misp::export(&shared(&store, Scope::Cluster(1)))).unwrap(),
    )
    .unwrap();
    let script = r#"
import sys, json, os
import pymisp
from pymisp import MISPEvent
types = json.load(open(os.path.join(os.path.dirname(pymisp.__file__), "data", "describeTypes.json")))["result"]
ev = MISPEvent()
ev.load_file(sys.argv[1])
assert ev.info.startswith("redflag"), ev.info
problems = []
def check_attr(a, where):
    if a.category not in types["category_type_mappings"] or a.type not in types["category_type_mappings"][a.category]:
        problems.append(f"{where}: type {a.type} not allowed in category {a.category}")
for a in ev.attributes:
    check_attr(a, "attribute " + a.value)
for o in ev.objects:
    if not o._known_template:
        problems.append(f"object {o.name}: no MISP template")
        continue
    d = o._definition
    if str(d["uuid"]) != str(o.template_uuid) or int(d["version"]) != int(o.template_version):
        problems.append(f"object {o.name}: template {o.template_uuid} v{o.template_version}, MISP has {d['uuid']} v{d['version']}")
    rels = set()
    for a in o.attributes:
        rels.add(a.object_relation)
        spec = d["attributes"].get(a.object_relation)
        if spec is None:
            problems.append(f"object {o.name}: no relation {a.object_relation}")
        elif spec["misp-attribute"] != a.type:
            problems.append(f"object {o.name}.{a.object_relation}: type {a.type}, template says {spec['misp-attribute']}")
        check_attr(a, f"object {o.name}.{a.object_relation}")
    if d.get("requiredOneOf") and not rels & set(d["requiredOneOf"]):
        problems.append(f"object {o.name}: none of {d['requiredOneOf']}")
if problems:
    sys.exit("\n".join(problems))
tags = sorted(t.name for t in ev.tags)
open(sys.argv[2], "w").write(ev.to_json())
print(len(ev.attributes), "attributes", len(ev.objects), "objects", len(ev.event_reports), "reports", ",".join(tags))
"#;
    let out = run_python(&py, script, &[&f, &back]);
    eprintln!("{out}");
    assert!(out.contains("tlp:"), "{out}");
    // What pymisp wrote back reads as what redflag wrote.
    let ours = misp::parse(&std::fs::read(&f).unwrap(), "event.json").unwrap();
    let theirs = misp::parse(&std::fs::read(&back).unwrap(), "back.json").unwrap();
    let key = |i: &redflag_exchange::import::Imported| -> BTreeSet<String> {
        i.selectors
            .iter()
            .map(|s| format!("{} {} {}", s.kind, s.value, s.tlp))
            .chain(i.docs.iter().map(|d| format!("doc {} {}", d.text, d.tlp)))
            .collect()
    };
    assert_eq!(key(&ours), key(&theirs));
    assert!(ours.selectors.len() >= 5, "{:?}", ours.selectors);
}

#[test]
fn a_misp_event_imports_into_another_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let e = misp::export(&shared(&store, Scope::All));
    let imported = misp::parse(&serde_json::to_vec(&e).unwrap(), "event.json").unwrap();
    assert_eq!(imported.docs.len(), 4);
    let mut other = SqliteStore::open(&dir.path().join("b.db")).unwrap();
    let v = analyst("police-b");
    let out = import::apply(&mut other, &v, engine(), &imported, "event.json").unwrap();
    assert_eq!(out.documents.stored, 4, "{out:?}");
    assert!(out.unrecognised.is_empty(), "{:?}", out.unrecognised);
    // The texts carry every selector, so nothing is left for a watchlist; re-export matches.
    assert_eq!(out.watchlist, None);
    let again = misp::export(
        &collect(&other, &v, Scope::All, Policy::default())
            .unwrap()
            .unwrap(),
    );
    let sels = |e: &Value| -> BTreeSet<String> {
        e["Event"]["Attribute"]
            .as_array()
            .unwrap()
            .iter()
            .chain(e["Event"]["Object"].as_array().unwrap())
            .map(|a| a["uuid"].to_string())
            .collect()
    };
    assert_eq!(sels(&e), sels(&again));
    // An event of bare attributes (another MISP's) becomes a watchlist.
    let foreign = serde_json::json!({"Event": {
        "uuid": "5c6f0e8a-1b2c-4d3e-8f90-a1b2c3d4e5f6", "info": "partner event",
        "Tag": [{"name": "tlp:green"}],
        "Attribute": [
            {"type": "phone-number", "category": "Other", "value": "+855 97 765 4321"},
            {"type": "btc", "category": "Financial fraud", "value": BTC},
            {"type": "md5", "category": "Payload delivery", "value": "d41d8cd98f00b204e9800998ecf8427e"}
        ]
    }});
    let imported = misp::parse(&serde_json::to_vec(&foreign).unwrap(), "partner.json").unwrap();
    assert_eq!(imported.not_read.len(), 1, "{:?}", imported.not_read);
    let out = import::apply(&mut other, &v, engine(), &imported, "partner.json").unwrap();
    // Both selectors: the file has no texts; that the partner names the BTC address which stored
    // texts carry is what the watchlist tells whoever reads those documents.
    assert_eq!(
        out.watchlist,
        Some(("misp:5c6f0e8a-1b2c-4d3e-8f90-a1b2c3d4e5f6".to_string(), 2))
    );
    let named = other
        .find(
            &v,
            &[redflag_store::SelectorKey {
                kind: "btc".into(),
                value: BTC.into(),
            }],
        )
        .unwrap();
    assert!(
        named[0]
            .selectors
            .iter()
            .any(|s| s.watchlists.iter().any(|w| w.starts_with("misp:"))),
        "{named:?}"
    );
}

#[test]
fn ftm_entities_validate_and_none_is_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let lines = ftm::export(&shared(&store, Scope::All));
    let schemata: BTreeSet<&str> = lines
        .iter()
        .map(|l| l["schema"].as_str().unwrap())
        .collect();
    assert_eq!(
        schemata,
        BTreeSet::from(["PlainText", "UserAccount", "CryptoWallet", "Documentation"])
    );
    let text: String = lines.iter().map(|l| l.to_string() + "\n").collect();
    assert!(!text.contains(PLEA_DIGITS));
    let Some(py) = python() else { return };
    let f = dir.path().join("entities.ftm.json");
    std::fs::write(&f, &text).unwrap();
    let script = r#"
import sys, json
from followthemoney import model
from followthemoney.proxy import EntityProxy
ids, refs, problems, n = set(), [], [], 0
for line in open(sys.argv[1]):
    data = json.loads(line)
    n += 1
    proxy = EntityProxy.from_dict(data, cleaned=False)   # cleans every value; drops invalid ones
    if proxy.schema.is_a("Person") or proxy.schema.name == "Person":
        problems.append(f"{proxy.id}: a Person")
    ids.add(proxy.id)
    cleaned = proxy.to_dict()["properties"]
    for prop, values in data["properties"].items():
        if prop not in proxy.schema.properties:
            problems.append(f"{proxy.id}: {proxy.schema.name} has no property {prop}")
        elif sorted(cleaned.get(prop, [])) != sorted(values):
            problems.append(f"{proxy.id}: {prop} {values} cleans to {cleaned.get(prop)}")
    for prop in proxy.schema.properties.values():
        if prop.type.name == "entity":
            refs.extend((proxy.id, v) for v in proxy.get(prop))
missing = [r for r in refs if r[1] not in ids]
if missing:
    problems.append(f"references to entities not in the file: {missing}")
if problems:
    sys.exit("\n".join(problems))
print(n, "entities valid")
"#;
    let out = run_python(&py, script, &[&f]);
    assert!(out.contains("entities valid"), "{out}");
    // The check can fail: a Person, or a value FtM cleans away, is refused.
    let bad = dir.path().join("bad.ftm.json");
    std::fs::write(
        &bad,
        r#"{"id":"x1","schema":"Person","properties":{"name":["someone"]}}
{"id":"x2","schema":"PlainText","properties":{"language":["not a language"]}}
"#,
    )
    .unwrap();
    let status = std::process::Command::new(&py)
        .arg("-c")
        .arg(script)
        .arg(&bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&status.stderr);
    assert!(
        !status.status.success() && err.contains("a Person") && err.contains("language"),
        "{err}"
    );
}
