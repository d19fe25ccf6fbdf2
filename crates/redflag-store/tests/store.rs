//! The store against its promises: idempotent ingest, need-to-know access on every call, links,
//! hubs, judgements, incremental clustering, near-duplicate families.
mod common;

use common::{Backend, analyst, doc, doc_at, each_backend, reader};
use redflag_store::cluster::Settings;
use redflag_store::{Role, SelectorKey, SqliteStore, Store, Tlp, Verdict, Viewer};

fn key(kind: &str, value: &str) -> SelectorKey {
    SelectorKey {
        kind: kind.into(),
        value: value.into(),
    }
}

#[test]
fn ingest_twice_stores_nothing_twice() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let v = analyst("ngo-a");
        let docs = vec![
            doc(
                "Typing job in Poipet, salary 1200 USD, contact t.me/poi_team1",
                Some("a1"),
                Tlp::Amber,
            ),
            doc(
                "Customer service job, free visa, WhatsApp +66 81 234 5678",
                Some("a2"),
                Tlp::Amber,
            ),
            // No source id: keyed on the content.
            doc(
                "Online job, easy money, Telegram @easy_money_77",
                None,
                Tlp::Amber,
            ),
        ];
        let first = s.ingest(&v, &docs).unwrap();
        assert_eq!(
            (first.stored, first.new_contents, first.already_stored),
            (3, 3, 0)
        );
        let again = s.ingest(&v, &docs).unwrap();
        assert_eq!(
            (again.stored, again.new_contents, again.already_stored),
            (0, 0, 3)
        );
        assert_eq!(s.stats(&v).unwrap().observations, 3);
        assert_eq!(s.stats(&v).unwrap().contents, 3);
        // The same text seen by another org is one content with two observations.
        let w = analyst("police-b");
        let other = s.ingest(&w, &docs[..1]).unwrap();
        assert_eq!((other.stored, other.new_contents), (1, 0));
        let found = s.find(&w, &[key("telegram", "poi_team1")]).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].observations.len(),
            1,
            "police-b sees only its own AMBER observation"
        );
        let found = s.find(&v, &[key("telegram", "poi_team1")]).unwrap();
        assert_eq!(
            found[0].observations.len(),
            1,
            "ngo-a sees only its own AMBER observation"
        );
        assert!(s.check().unwrap().is_empty());
    });
}

#[test]
fn readers_cannot_write_and_writes_go_to_the_own_org() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let r = reader("ngo-a");
        assert!(s.ingest(&r, &[doc("hello", None, Tlp::Amber)]).is_err());
        let settings = Settings::default();
        assert!(s.cluster(&r, &settings).is_err());
    });
}

/// Every call, for a viewer of another org, of the same org as reader, and as analyst, over every
/// marking: what is returned matches `decide`, and counts never include what is hidden.
#[test]
fn access_matrix_through_the_store() {
    each_backend(|be: &Backend| {
        for tlp in Tlp::ALL {
            let mut s = be.store();
            let owner = analyst("ngo-a");
            let text = "Typing job in Poipet, salary 1200 USD, contact t.me/matrix_team";
            s.ingest(
                &owner,
                &[
                    doc(text, Some("m1"), tlp),
                    doc(&text.replace("Poipet", "Bavet"), Some("m2"), tlp),
                ],
            )
            .unwrap();
            s.cluster(&owner, &Settings::default()).unwrap();
            for org in ["ngo-a", "police-b"] {
                for role in Role::ALL {
                    let v = Viewer::new(org, role);
                    let may = redflag_store::decide(
                        &v,
                        redflag_store::Action::Read,
                        redflag_store::Mark { org: "ngo-a", tlp },
                    );
                    let n = if may { 2 } else { 0 };
                    let ctx = format!("{org} {role:?} {tlp}");
                    assert_eq!(s.stats(&v).unwrap().contents, n, "{ctx}");
                    assert_eq!(
                        s.find(&v, &[key("telegram", "matrix_team")]).unwrap().len() as u64,
                        n,
                        "{ctx}"
                    );
                    assert_eq!(s.document(&v, 1).unwrap().is_some(), may, "{ctx}");
                    assert_eq!(s.show_cluster(&v, 1).unwrap().is_some(), may, "{ctx}");
                    let ov = s.clusters(&v).unwrap();
                    assert_eq!(ov.documents, n, "{ctx}");
                    assert_eq!(ov.clusters.len(), usize::from(may), "{ctx}");
                    assert_eq!(s.dups(&v, 0.6).unwrap().len(), usize::from(may), "{ctx}");
                }
            }
        }
    });
}

#[test]
fn victims_selectors_stay_in_the_org_even_when_shared() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let owner = analyst("ngo-a");
        let plea = "Please help me, I am trapped in a compound in Myawaddy, they beat us and took my passport. \
                    My number is +66 81 234 5678, call my sister";
        let d = doc(plea, Some("p1"), Tlp::Clear);
        let victim: Vec<_> = d
            .report
            .selectors
            .iter()
            .filter(|s| s.role == redflag_core::Role::Victim)
            .collect();
        assert!(
            !victim.is_empty(),
            "the plea's number is the victim's: {:?}",
            d.report.selectors
        );
        s.ingest(&owner, &[d]).unwrap();
        let other = analyst("police-b");
        assert!(
            s.find(&other, &[key("phone", "+66812345678")])
                .unwrap()
                .is_empty()
        );
        let doc_other = s
            .document(&other, 1)
            .unwrap()
            .expect("CLEAR text is readable");
        assert!(doc_other.selectors.iter().all(|s| s.role != "victim"));
        let doc_own = s.document(&owner, 1).unwrap().unwrap();
        assert!(doc_own.selectors.iter().any(|s| s.role == "victim"));
        assert_eq!(
            s.find(&owner, &[key("phone", "+66812345678")])
                .unwrap()
                .len(),
            1
        );
    });
}

/// A and C (org A) are linked only through H (org B, AMBER): org A must not see them together.
#[test]
fn clusters_never_join_through_hidden_documents() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let a = analyst("ngo-a");
        let b = analyst("police-b");
        s.ingest(
            &a,
            &[doc(
                "Job in Phnom Penh, Telegram t.me/alpha_hr_one, good salary",
                Some("A"),
                Tlp::Amber,
            )],
        )
        .unwrap();
        s.ingest(
            &b,
            &[doc(
                "Contact t.me/alpha_hr_one or pay to TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW for the visa fee",
                Some("H"),
                Tlp::Amber,
            )],
        )
        .unwrap();
        s.ingest(
            &a,
            &[doc(
                "Deposit USDT to TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW to start the task",
                Some("C"),
                Tlp::Amber,
            )],
        )
        .unwrap();
        let run = s.cluster(&a, &Settings::default()).unwrap();
        assert!(run.selector_links >= 2, "{run:?}");
        // Globally one component of three; org A sees two singletons, org B one singleton.
        assert!(run.overview.clusters.is_empty(), "{:?}", run.overview);
        assert_eq!(run.overview.documents, 2);
        assert!(s.show_cluster(&a, 1).unwrap().is_none());
        assert!(s.clusters(&b).unwrap().clusters.is_empty());
        // Shared with the community (GREEN), H joins them for everyone.
        let mut s2 = be.store();
        s2.ingest(
            &a,
            &[doc(
                "Job in Phnom Penh, Telegram t.me/alpha_hr_one, good salary",
                Some("A"),
                Tlp::Amber,
            )],
        )
        .unwrap();
        s2.ingest(
            &b,
            &[doc(
                "Contact t.me/alpha_hr_one or pay to TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW for the visa fee",
                Some("H"),
                Tlp::Green,
            )],
        )
        .unwrap();
        s2.ingest(
            &a,
            &[doc(
                "Deposit USDT to TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW to start the task",
                Some("C"),
                Tlp::Amber,
            )],
        )
        .unwrap();
        s2.cluster(&a, &Settings::default()).unwrap();
        let view = s2.show_cluster(&a, 3).unwrap().expect("A, H, C together");
        assert_eq!(view.members.len(), 3);
        assert_eq!(view.id, 1);
        assert!(
            view.links
                .iter()
                .any(|l| l.why.contains("telegram alpha_hr_one")),
            "{:?}",
            view.links
        );
        assert!(
            view.links.iter().any(|l| l.why.contains("tron")),
            "{:?}",
            view.links
        );
        let bview = s2.show_cluster(&b, 2).unwrap();
        assert!(bview.is_none(), "org B sees only H, a singleton");
    });
}

#[test]
fn hubs_hotlines_and_judgements_link_nothing() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let a = analyst("ngo-a");
        let texts: Vec<String> = [
            "Car wash in the city centre needs two helpers for weekends.",
            "Selling a used motorbike, good condition, low mileage.",
            "Our bakery opens a new branch near the river next month.",
            "Lost cat, grey with white paws, last seen near the temple.",
            "Free English lessons for children every Sunday morning.",
            "Room for rent, quiet street, close to the night market.",
        ]
        .iter()
        .map(|t| format!("{t} Support: t.me/shared_hub_x"))
        .collect();
        let docs: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| doc(t, Some(&format!("h{i}")), Tlp::Amber))
            .collect();
        s.ingest(&a, &docs).unwrap();
        let tight = Settings {
            hub_contents: 5,
            ..Settings::default()
        };
        let run = s.cluster(&a, &tight).unwrap();
        assert_eq!(run.selector_links, 0, "{run:?}");
        assert!(run.overview.clusters.is_empty());
        let d = s.document(&a, 1).unwrap().unwrap();
        let sel = d
            .selectors
            .iter()
            .find(|s| s.value == "shared_hub_x")
            .unwrap();
        assert!(
            sel.unlinked_because.as_deref().unwrap().starts_with("hub"),
            "{sel:?}"
        );
        // Under the default threshold it links all six …
        let run = s.cluster(&a, &Settings::default()).unwrap();
        assert_eq!(run.mode, "full (settings changed)");
        assert_eq!(run.overview.clusters, vec![(1, 6)]);
        assert!((run.overview.largest_share - 1.0).abs() < 1e-9);
        // … until an analyst allow-lists it.
        assert!(
            s.judge(
                &a,
                &key("telegram", "shared_hub_x"),
                Verdict::Allow,
                Some("platform support")
            )
            .unwrap()
        );
        let run = s.cluster(&a, &Settings::default()).unwrap();
        assert!(run.mode.starts_with("full (new judgements"), "{}", run.mode);
        assert!(run.overview.clusters.is_empty());
        // A rejected one too; a confirmed one links and says so.
        assert!(
            s.judge(
                &a,
                &key("telegram", "shared_hub_x"),
                Verdict::Confirmed,
                None
            )
            .unwrap()
        );
        let run = s.cluster(&a, &Settings::default()).unwrap();
        assert_eq!(run.overview.clusters.len(), 1);
        let d = s.document(&a, 2).unwrap().unwrap();
        assert_eq!(
            d.selectors
                .iter()
                .find(|s| s.value == "shared_hub_x")
                .unwrap()
                .state,
            "confirmed"
        );
        assert!(
            s.judge(
                &a,
                &key("telegram", "shared_hub_x"),
                Verdict::Rejected,
                None
            )
            .unwrap()
        );
        assert!(
            s.cluster(&a, &Settings::default())
                .unwrap()
                .overview
                .clusters
                .is_empty()
        );
        // Judging what one cannot see answers as if it did not exist.
        assert!(
            !s.judge(
                &analyst("police-b"),
                &key("telegram", "shared_hub_x"),
                Verdict::Allow,
                None
            )
            .unwrap()
        );
        assert!(
            !s.judge(&a, &key("telegram", "nobody_here"), Verdict::Allow, None)
                .unwrap()
        );
    });
}

#[test]
fn a_hotline_links_nothing() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let a = analyst("ngo-a");
        let t1 = "Stranded abroad? Call the Thai embassy hotline +855 23 726 306 for help. Apply for the office job in Bangkok.";
        let t2 = "If you need help contact the Thai embassy hotline +855 23 726 306. Farm work in Chiang Rai open.";
        let d1 = doc(t1, Some("e1"), Tlp::Amber);
        assert!(
            d1.report
                .selectors
                .iter()
                .any(|s| s.role == redflag_core::Role::Hotline),
            "{:?}",
            d1.report.selectors
        );
        s.ingest(&a, &[d1, doc(t2, Some("e2"), Tlp::Amber)])
            .unwrap();
        let run = s.cluster(&a, &Settings::default()).unwrap();
        assert_eq!(run.selector_links, 0, "{run:?}");
    });
}

#[test]
fn clustering_is_incremental_and_keeps_ids() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let a = analyst("ngo-a");
        s.ingest(
            &a,
            &[
                doc_at(
                    "Casino admin job, Telegram t.me/kk_boss_hr, salary 2000 USD",
                    "i1",
                    Tlp::Amber,
                    "2025-01-10T00:00:00Z",
                ),
                doc_at(
                    "Need typists in Myawaddy, contact t.me/kk_boss_hr now",
                    "i2",
                    Tlp::Amber,
                    "2025-02-10T00:00:00Z",
                ),
                doc_at(
                    "Unrelated bakery ad in town, call the shop",
                    "i3",
                    Tlp::Amber,
                    "2025-02-11T00:00:00Z",
                ),
            ],
        )
        .unwrap();
        let first = s.cluster(&a, &Settings::default()).unwrap();
        assert_eq!(first.overview.clusters, vec![(1, 2)]);
        s.ingest(
            &a,
            &[doc_at(
                "Moved! Now in Poipet. WhatsApp +855 97 234 5678 or t.me/kk_boss_hr",
                "i4",
                Tlp::Amber,
                "2025-06-01T00:00:00Z",
            )],
        )
        .unwrap();
        let run = s.cluster(&a, &Settings::default()).unwrap();
        assert_eq!(run.mode, "incremental");
        assert_eq!(run.new_documents, 1);
        assert_eq!(run.overview.clusters, vec![(1, 3)]);
        let v = s.show_cluster(&a, 4).unwrap().unwrap();
        assert_eq!(v.id, 1);
        assert_eq!(v.first_seen, "2025-01-10T00:00:00Z");
        assert_eq!(v.last_seen, "2025-06-01T00:00:00Z");
        let places: Vec<&str> = v.places.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(places, ["myawaddy", "poipet"]);
        // Relocation: Myawaddy in February, Poipet and a Cambodian number in June.
        let june = v.timeline.iter().find(|m| m.month == "2025-06").unwrap();
        assert_eq!(june.calling_codes.get("+855"), Some(&1));
        assert!(june.places.contains_key("poipet"));
        assert!(
            v.selectors["telegram"]
                .iter()
                .any(|s| s.value == "kk_boss_hr" && s.documents == 3)
        );
        // A second run with nothing new changes nothing.
        let idle = s.cluster(&a, &Settings::default()).unwrap();
        assert_eq!(
            (idle.mode.as_str(), idle.new_documents, idle.selector_links),
            ("incremental", 0, 0)
        );
        assert_eq!(idle.overview, run.overview);
    });
}

#[test]
fn template_families_differ_only_in_phone_salary_or_place() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let a = analyst("ngo-a");
        let template = "URGENT HIRING customer service staff for an online company in {place}. Salary {salary} USD per month, \
            free flight ticket, free food and accommodation, no experience needed, age 18-35, basic English typing. \
            Interested applicants message HR on WhatsApp {phone} today, limited slots!";
        let fill = |p: &str, s: &str, ph: &str| {
            template
                .replace("{place}", p)
                .replace("{salary}", s)
                .replace("{phone}", ph)
        };
        let family = [
            fill("Sihanoukville", "1500", "+66 81 234 5678"),
            fill("Sihanoukville", "1800", "+66 81 234 5678"),
            fill("Sihanoukville", "1500", "+66 92 345 6789"),
            fill("Poipet", "1500", "+66 81 234 5678"),
            fill("Bavet", "2,200", "+855 97 234 5678"),
        ];
        let mut docs: Vec<_> = family
            .iter()
            .enumerate()
            .map(|(i, t)| doc(t, Some(&format!("f{i}")), Tlp::Amber))
            .collect();
        docs.push(doc(
            "We sell fresh durian and mangosteen at the morning market every Saturday, come early for the best fruit.",
            Some("x1"),
            Tlp::Amber,
        ));
        docs.push(doc(
            "Please help, my brother was taken to a compound and they want ransom, we do not know what to do.",
            Some("x2"),
            Tlp::Amber,
        ));
        s.ingest(&a, &docs).unwrap();
        let fams = s.dups(&a, 0.6).unwrap();
        assert_eq!(fams.len(), 1, "{fams:?}");
        assert_eq!(fams[0].members, vec![1, 2, 3, 4, 5]);
        // Clustering links them by template even where no selector is shared (doc 5 has its own number).
        let run = s.cluster(&a, &Settings::default()).unwrap();
        assert!(run.template_links >= 4, "{run:?}");
        assert_eq!(run.overview.clusters, vec![(1, 5)]);
        let v = s.show_cluster(&a, 5).unwrap().unwrap();
        assert!(
            v.links
                .iter()
                .any(|l| l.why.starts_with("template (similarity"))
        );
    });
}

#[test]
fn reopening_a_file_store_keeps_data_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("redflag.db");
    let a = analyst("ngo-a");
    {
        let mut s = SqliteStore::open(&path).unwrap();
        s.ingest(
            &a,
            &[doc("Telegram t.me/persist_me job", Some("r1"), Tlp::Amber)],
        )
        .unwrap();
        assert_eq!(s.schema_version().unwrap(), 2);
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), 2);
    assert_eq!(
        s.find(&a, &[key("telegram", "persist_me")]).unwrap().len(),
        1
    );
    assert!(s.check().unwrap().is_empty());
}

#[test]
fn the_audit_log_is_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("redflag.db");
    let a = analyst("ngo-a");
    let mut s = SqliteStore::open(&path).unwrap();
    s.ingest(
        &a,
        &[doc("Telegram t.me/audit_me job", Some("r1"), Tlp::Amber)],
    )
    .unwrap();
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    assert!(conn.execute("UPDATE audit_log SET org = 'x'", []).is_err());
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
    let text: String = conn
        .query_row("SELECT object FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert!(
        !text.contains("audit_me"),
        "the log holds counts and ids, not texts"
    );
}

#[test]
fn a_selector_seen_in_two_sources_is_corroborated() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let a = analyst("ngo-a");
        let mut d1 = doc(
            "Casino job, contact t.me/two_sources_hr",
            Some("c1"),
            Tlp::Amber,
        );
        d1.source = "facebook".into();
        let mut d2 = doc(
            "Visa free, apply via t.me/two_sources_hr",
            Some("c2"),
            Tlp::Amber,
        );
        d2.source = "telegram-channel".into();
        let d3 = doc("Only here: t.me/one_source_hr", Some("c3"), Tlp::Amber);
        s.ingest(&a, &[d1, d2, d3]).unwrap();
        s.cluster(&a, &Settings::default()).unwrap();
        let state = |id: i64, value: &str| {
            s.document(&a, id)
                .unwrap()
                .unwrap()
                .selectors
                .into_iter()
                .find(|x| x.value == value)
                .unwrap()
                .state
        };
        assert_eq!(state(1, "two_sources_hr"), "corroborated");
        assert_eq!(state(3, "one_source_hr"), "validated");
    });
}

/// A full rebuild drops the link indexes for speed and recreates them exactly as the migration made
/// them (incremental runs rely on the unique one).
#[test]
fn a_rebuild_restores_the_link_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("redflag.db");
    let indexes = || {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mut st = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'links' AND sql IS NOT NULL ORDER BY name")
            .unwrap();
        st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap()
            .map(|r| {
                let (n, sql) = r.unwrap();
                (
                    n,
                    sql.replace("IF NOT EXISTS ", "")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            })
            .collect::<Vec<_>>()
    };
    let a = analyst("ngo-a");
    let mut s = SqliteStore::open(&path).unwrap();
    let fresh = indexes();
    assert_eq!(fresh.len(), 3, "{fresh:?}");
    s.ingest(
        &a,
        &[
            doc(
                "Job in Poipet, t.me/idx_hr_one and t.me/idx_hr_one again",
                Some("1"),
                Tlp::Amber,
            ),
            doc("Other job, contact t.me/idx_hr_one", Some("2"), Tlp::Amber),
        ],
    )
    .unwrap();
    let run = s.cluster(&a, &Settings::default()).unwrap();
    assert_eq!(
        run.selector_links, 1,
        "a selector twice in one document is one carrier: {run:?}"
    );
    assert_eq!(indexes(), fresh);
    s.ingest(&a, &[doc("Third, t.me/idx_hr_one", Some("3"), Tlp::Amber)])
        .unwrap();
    let run = s.cluster(&a, &Settings::default()).unwrap();
    assert_eq!((run.mode.as_str(), run.selector_links), ("incremental", 1));
    assert_eq!(run.overview.clusters, vec![(1, 3)]);
}

/// A raw connection into a test store's PostgreSQL schema.
fn pg_raw(url: &str, schema: &str) -> postgres::Client {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.batch_execute(&format!("SET search_path TO {schema}"))
        .unwrap();
    c
}

#[test]
fn postgres_reopening_keeps_data_and_schema() {
    let Some(url) = common::pg_url() else { return };
    let schema = common::fresh_schema();
    let a = analyst("ngo-a");
    {
        let mut s = redflag_store::PgStore::open_in_schema(&url, &schema).unwrap();
        s.ingest(
            &a,
            &[doc("Telegram t.me/persist_me job", Some("r1"), Tlp::Amber)],
        )
        .unwrap();
        assert_eq!(s.schema_version().unwrap(), 2);
    }
    let s = redflag_store::PgStore::open_in_schema(&url, &schema).unwrap();
    assert_eq!(s.schema_version().unwrap(), 2);
    assert_eq!(
        s.find(&a, &[key("telegram", "persist_me")]).unwrap().len(),
        1
    );
    assert!(s.check().unwrap().is_empty());
    assert_eq!(s.source_ids(&a).unwrap().len(), 1);
    drop(s);
    redflag_store::PgStore::drop_schema(&url, &schema).unwrap();
}

#[test]
fn postgres_audit_log_is_append_only() {
    let Some(url) = common::pg_url() else { return };
    let mut s = Backend::Postgres(url.clone()).store();
    let (_, schema) = s.pg.clone().unwrap();
    s.ingest(
        &analyst("ngo-a"),
        &[doc("Telegram t.me/audit_me job", Some("r1"), Tlp::Amber)],
    )
    .unwrap();
    let mut c = pg_raw(&url, &schema);
    let n: i64 = c
        .query_one("SELECT COUNT(*) FROM audit_log", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    assert!(c.execute("UPDATE audit_log SET org = 'x'", &[]).is_err());
    assert!(c.execute("DELETE FROM audit_log", &[]).is_err());
    assert!(c.batch_execute("TRUNCATE audit_log").is_err());
    let text: String = c
        .query_one("SELECT object FROM audit_log", &[])
        .unwrap()
        .get(0);
    assert!(!text.contains("audit_me"));
}

/// As `a_rebuild_restores_the_link_indexes`, on PostgreSQL.
#[test]
fn postgres_rebuild_restores_the_link_indexes() {
    let Some(url) = common::pg_url() else { return };
    let mut s = Backend::Postgres(url.clone()).store();
    let (_, schema) = s.pg.clone().unwrap();
    let indexes = || {
        let mut c = pg_raw(&url, &schema);
        c.query(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'links'
             ORDER BY indexname",
            &[&schema],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1)))
        .collect::<Vec<_>>()
    };
    let fresh = indexes();
    assert_eq!(fresh.len(), 4, "three and the primary key: {fresh:?}");
    let a = analyst("ngo-a");
    s.ingest(
        &a,
        &[
            doc(
                "Job in Poipet, t.me/idx_hr_one and t.me/idx_hr_one again",
                Some("1"),
                Tlp::Amber,
            ),
            doc("Other job, contact t.me/idx_hr_one", Some("2"), Tlp::Amber),
        ],
    )
    .unwrap();
    let run = s.cluster(&a, &Settings::default()).unwrap();
    assert_eq!(run.selector_links, 1, "{run:?}");
    assert_eq!(indexes(), fresh);
    s.ingest(&a, &[doc("Third, t.me/idx_hr_one", Some("3"), Tlp::Amber)])
        .unwrap();
    let run = s.cluster(&a, &Settings::default()).unwrap();
    assert_eq!((run.mode.as_str(), run.selector_links), ("incremental", 1));
    assert_eq!(run.overview.clusters, vec![(1, 3)]);
}

/// `document_ids` lists what the viewer may read, and nothing else.
#[test]
fn document_ids_are_the_readable_documents() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let a = analyst("ngo-a");
        s.ingest(
            &a,
            &[
                doc(
                    "Typing job in Poipet, contact t.me/poi_team1",
                    Some("1"),
                    Tlp::Amber,
                ),
                doc(
                    "Free visa job, WhatsApp +66 81 234 5678",
                    Some("2"),
                    Tlp::Green,
                ),
                doc("Casino job, Telegram @kk_casino_hr", Some("3"), Tlp::Red),
            ],
        )
        .unwrap();
        assert_eq!(s.document_ids(&a).unwrap(), vec![1, 2, 3]);
        assert_eq!(s.document_ids(&reader("ngo-a")).unwrap(), vec![1, 2]);
        assert_eq!(s.document_ids(&analyst("police-b")).unwrap(), vec![2]);
        // `documents` gives them in the order asked, readable ones only, without a cluster.
        let ids = |v: &Viewer| -> Vec<i64> {
            s.documents(v, &[3, 1, 2, 9])
                .unwrap()
                .iter()
                .map(|d| d.id)
                .collect()
        };
        assert_eq!(ids(&a), vec![3, 1, 2]);
        assert_eq!(ids(&analyst("police-b")), vec![2]);
        let d = &s.documents(&a, &[1]).unwrap()[0];
        assert_eq!(d.cluster, None);
        assert_eq!(
            Some(d.clone()).map(|mut d| {
                d.cluster = None;
                d
            }),
            s.document(&a, 1).unwrap().map(|mut d| {
                d.cluster = None;
                d
            })
        );
    });
}

/// The engine's look-up set holds the lists the viewer may read: a CLEAR published list for all,
/// an organisation's AMBER list only inside it; allow-lists cancel.
#[test]
fn watchlists_for_the_engine_follow_the_markings() {
    each_backend(|be: &Backend| {
        let mut s = be.store();
        let list = |name: &str, allow: bool, tlp: Tlp, value: &str| redflag_store::Watchlist {
            name: name.into(),
            source: "test".into(),
            licence: "CC0".into(),
            allow,
            tlp,
            entries: vec![key("telegram", value)],
        };
        let a = analyst("ngo-a");
        s.add_watchlist(&a, &list("published", false, Tlp::Clear, "boss_one"))
            .unwrap();
        s.add_watchlist(&a, &list("ngo-a-own", false, Tlp::Amber, "boss_two"))
            .unwrap();
        s.add_watchlist(&a, &list("support", true, Tlp::Clear, "help_desk"))
            .unwrap();
        s.add_watchlist(&a, &list("also-support", false, Tlp::Clear, "help_desk"))
            .unwrap();
        let own = s.watchlists(&a).unwrap();
        assert_eq!(own.hits("telegram", "boss_one")[0].name, "published");
        assert_eq!(own.hits("telegram", "boss_two")[0].name, "ngo-a-own");
        assert!(own.hits("telegram", "help_desk").is_empty(), "allow-listed");
        let other = s.watchlists(&analyst("police-b")).unwrap();
        assert_eq!(other.hits("telegram", "boss_one").len(), 1);
        assert!(
            other.hits("telegram", "boss_two").is_empty(),
            "AMBER list of ngo-a"
        );
    });
}
