//! Protecting people and the store: a rescue plea's number never appears in any export format,
//! whoever exports and whatever ceiling is asked for; a bad import is refused with the place named
//! and stores nothing.
mod common;

use common::*;
use redflag_exchange::share::{Policy, Scope, collect, redact_graph};
use redflag_exchange::{Error, MAX_IMPORT_BYTES, ftm, import, misp, read_limited, stix};
use redflag_store::export::Graph;
use redflag_store::{Store, Tlp, Viewer};

/// Every format, as `redflag export` writes it.
fn every_format(
    store: &dyn Store,
    viewer: &Viewer,
    scope: Scope,
    max: Tlp,
) -> Vec<(String, String)> {
    let shared = collect(store, viewer, scope, Policy { max_tlp: max })
        .unwrap()
        .unwrap();
    let cluster = match scope {
        Scope::All => None,
        Scope::Cluster(c) => Some(c),
    };
    let g = redact_graph(
        Graph::of_clusters(store, viewer, cluster).unwrap().unwrap(),
        &shared,
    );
    vec![
        ("stix".into(), stix::export(&shared).to_string()),
        ("misp".into(), misp::export(&shared).to_string()),
        (
            "ftm".into(),
            ftm::export(&shared)
                .iter()
                .map(|l| l.to_string() + "\n")
                .collect(),
        ),
        ("graphml".into(), g.graphml()),
        ("gexf".into(), g.gexf()),
        ("dot".into(), g.dot()),
    ]
}

#[test]
fn a_rescue_pleas_number_never_appears_in_any_export() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    // The plea's number is in the store, as the victim's, for its own organisation.
    let own = analyst("ngo-a");
    let found = store
        .find(
            &own,
            &[redflag_store::SelectorKey {
                kind: "phone".into(),
                value: PLEA_PHONE_E164.into(),
            }],
        )
        .unwrap();
    assert_eq!(found.len(), 2, "both pleas carry it");
    assert!(found.iter().all(|d| {
        d.selectors
            .iter()
            .any(|s| s.value == PLEA_PHONE_E164 && s.role == "victim")
    }));
    let mut checked = 0;
    for viewer in [
        own.clone(),
        analyst("police-b"),
        Viewer::new("ngo-a", redflag_store::Role::Admin),
    ] {
        for max in Tlp::ALL {
            for scope in [Scope::All, Scope::Cluster(1)] {
                if viewer.org != "ngo-a" && scope != Scope::All {
                    continue; // another organisation has no cluster 1
                }
                for (format, text) in every_format(&store, &viewer, scope, max) {
                    for needle in [
                        PLEA_DIGITS,
                        "trapped_worker_21",
                        "Please help me",
                        "Help us please",
                    ] {
                        assert!(
                            !text.contains(needle),
                            "{needle:?} in {format} exported by {viewer:?} with max {max} ({scope:?})"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 6 * 5 * (2 + 1 + 2));
    // The exports are not empty: the recruiters' numbers are there.
    let all = every_format(&store, &own, Scope::All, Tlp::Amber);
    for (format, text) in &all {
        assert!(
            text.contains("66812345678") || text.contains("kk_recruit_hr"),
            "{format} exports nothing: {text}"
        );
    }
}

#[test]
fn red_is_never_exported_and_the_ceiling_holds() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let v = analyst("ngo-a");
    let count = |max| {
        let s = collect(&store, &v, Scope::All, Policy { max_tlp: max })
            .unwrap()
            .unwrap();
        (s.docs.len(), s.docs.iter().map(|d| d.tlp).max())
    };
    // a3 is GREEN, p2 CLEAR; a1, a2, a4 AMBER; p1 RED.
    assert_eq!(count(Tlp::Clear), (1, Some(Tlp::Clear)));
    assert_eq!(count(Tlp::Green), (2, Some(Tlp::Green)));
    assert_eq!(count(Tlp::Amber), (5, Some(Tlp::Amber)));
    assert_eq!(count(Tlp::Red), (5, Some(Tlp::Amber)), "RED is clamped");
}

fn write(dir: &std::path::Path, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn bad_imports_name_the_place_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let good = stix::export(
        &collect(&store, &analyst("ngo-a"), Scope::All, Policy::default())
            .unwrap()
            .unwrap(),
    );
    let mut cases: Vec<(&str, String, &str)> = Vec::new();
    // Invalid JSON, with its line.
    let text = serde_json::to_string_pretty(&good).unwrap();
    let cut = &text[..text.len() / 2];
    cases.push((
        "invalid.json",
        cut.to_string(),
        "not valid JSON: EOF while parsing",
    ));
    // A STIX 2.0 bundle.
    let mut v20 = good.clone();
    v20["spec_version"] = "2.0".into();
    cases.push(("v20.json", v20.to_string(), "STIX 2.0 bundle"));
    // One object of the wrong version, late in the bundle (after objects that were fine).
    let mut wrong = good.clone();
    let last = wrong["objects"].as_array().unwrap().len() - 1;
    wrong["objects"][last]["spec_version"] = "2.0".into();
    cases.push((
        "wrong-version.json",
        wrong.to_string(),
        &*format!("objects[{last}]").leak(),
    ));
    // An object without an id.
    let mut noid = good.clone();
    let i = noid["objects"]
        .as_array()
        .unwrap()
        .iter()
        .position(|o| o["type"] == "report")
        .unwrap();
    noid["objects"][i].as_object_mut().unwrap().remove("id");
    cases.push((
        "no-id.json",
        noid.to_string(),
        &*format!("objects[{i}] (report) has no \"id\"").leak(),
    ));
    // A bundle without an id.
    let mut nobid = good.clone();
    nobid.as_object_mut().unwrap().remove("id");
    cases.push((
        "no-bundle-id.json",
        nobid.to_string(),
        "the bundle has no \"id\"",
    ));
    let mut b = redflag_store::SqliteStore::open(&dir.path().join("b.db")).unwrap();
    let v = analyst("police-b");
    for (name, body, expect) in cases {
        let path = write(dir.path(), name, &body);
        let bytes = read_limited(&path, MAX_IMPORT_BYTES).unwrap();
        let err = stix::parse(&bytes, name).expect_err(name).to_string();
        assert!(err.starts_with(name), "{name}: {err}");
        assert!(err.contains(expect), "{name}: {err}");
    }
    // MISP: an attribute without a value, named by its index.
    let mut ev = misp::export(
        &collect(&store, &analyst("ngo-a"), Scope::All, Policy::default())
            .unwrap()
            .unwrap(),
    );
    ev["Event"]["Attribute"][2]
        .as_object_mut()
        .unwrap()
        .remove("value");
    let err = misp::parse(ev.to_string().as_bytes(), "event.json")
        .unwrap_err()
        .to_string();
    assert_eq!(err, "event.json: Event.Attribute[2]: no \"value\" string");
    let err = misp::parse(b"{\"Event\": {\"info\": \"x\"}}", "e.json")
        .unwrap_err()
        .to_string();
    assert_eq!(err, "e.json: Event: no \"uuid\" string");
    // Nothing was stored by any of them (they fail before the store is touched).
    assert_eq!(b.stats(&v).unwrap().observations, 0);
    // A 100 MB bundle is refused before it is read into memory.
    let big = dir.path().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    match read_limited(&big, MAX_IMPORT_BYTES) {
        Err(Error::TooLarge { size, limit, .. }) => {
            assert_eq!(size, 100 * 1024 * 1024);
            assert_eq!(limit, MAX_IMPORT_BYTES);
        }
        other => panic!("a 100 MB file was not refused: {other:?}"),
    }
    let msg = read_limited(&big, MAX_IMPORT_BYTES)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("big.json") && msg.contains("104857600 bytes"),
        "{msg}"
    );
    // And a good import after all that stores everything at once.
    let out = import::apply(
        &mut b,
        &v,
        engine(),
        &stix::parse(good.to_string().as_bytes(), "good.json").unwrap(),
        "good.json",
    )
    .unwrap();
    assert_eq!(out.documents.stored, 4);
}

/// A store error in the middle of the documents' batch leaves none of them: they are one
/// transaction. (A reader may not write: the store refuses the batch as a whole.)
#[test]
fn an_import_the_store_refuses_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let good = stix::export(
        &collect(&store, &analyst("ngo-a"), Scope::All, Policy::default())
            .unwrap()
            .unwrap(),
    );
    let imported = stix::parse(good.to_string().as_bytes(), "good.json").unwrap();
    let mut b = redflag_store::SqliteStore::open(&dir.path().join("b.db")).unwrap();
    let reader = Viewer::new("police-b", redflag_store::Role::Reader);
    let err = import::apply(&mut b, &reader, engine(), &imported, "good.json").unwrap_err();
    assert!(err.to_string().contains("not allowed"), "{err}");
    assert_eq!(b.stats(&analyst("police-b")).unwrap().observations, 0);
}
