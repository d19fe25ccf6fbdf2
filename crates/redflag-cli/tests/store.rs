//! The store subcommands end to end: `ingest` (idempotent, crash-safe), `find` in any written
//! form, `cluster`, `show cluster`, `dups`, `judge`, and what another organisation sees.
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use redflag_store::{PgStore, Role, SelectorKey, SqliteStore, Store, Viewer};

fn redflag(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (success, out, err) = redflag(dir, args);
    assert!(success, "redflag {args:?} failed:\n{out}\n{err}");
    out
}

const ADS: &str = r#"{"id":"a1","text":"URGENT HIRING customer service in Sihanoukville, salary 1500 USD, free visa and flight. WhatsApp +66 81 234 5678"}
{"id":"a2","text":"Typing job in Myawaddy, good pay, contact LINE +66 81-234-5678 today"}
{"id":"a3","text":"URGENT HIRING customer service in Poipet, salary 1800 USD, free visa and flight. WhatsApp +855 97 234 5678"}
{"id":"a4","text":"Bakery in town needs a cashier for weekends, apply in person"}
"#;

fn count(db: &Path, org: &str) -> u64 {
    let s = SqliteStore::open(db).unwrap();
    s.stats(&Viewer::new(org, Role::Analyst))
        .unwrap()
        .observations
}

#[test]
fn ingest_is_idempotent_and_the_db_defaults_to_the_working_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ads.jsonl"), ADS).unwrap();
    let first = ok(dir.path(), &["ingest", "ads.jsonl", "--org", "ngo-a"]);
    assert!(
        first.contains("4 stored (4 new texts), 0 already stored"),
        "{first}"
    );
    let db = dir.path().join("redflag.db");
    assert!(db.exists());
    let again = ok(dir.path(), &["ingest", "ads.jsonl", "--org", "ngo-a"]);
    assert!(
        again.contains("0 stored (0 new texts), 4 already stored"),
        "{again}"
    );
    assert_eq!(count(&db, "ngo-a"), 4);
    // A text file without ids, twice: keyed on the content.
    std::fs::write(
        dir.path().join("notes.txt"),
        "line one t.me/abc_def_1\nline two\n",
    )
    .unwrap();
    ok(
        dir.path(),
        &["ingest", "--lines", "notes.txt", "--org", "ngo-a"],
    );
    let again = ok(
        dir.path(),
        &["ingest", "--lines", "notes.txt", "--org", "ngo-a"],
    );
    assert!(again.contains("0 stored"), "{again}");
    assert_eq!(count(&db, "ngo-a"), 6);
}

#[test]
fn find_takes_any_written_form_and_respects_the_org() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ads.jsonl"), ADS).unwrap();
    ok(dir.path(), &["ingest", "ads.jsonl", "--org", "ngo-a"]);
    for form in [
        "+66 81 234 5678",
        "0812345678",
        "๐๘๑๒๓๔๕๖๗๘",
        "+66812345678",
        "wa.me/66812345678",
    ] {
        let out = ok(
            dir.path(),
            &["find", form, "--org", "ngo-a", "--format", "json"],
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let ids: Vec<i64> = v["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_i64().unwrap())
            .collect();
        assert!(ids.contains(&1), "{form}: {ids:?}");
    }
    // Another organisation learns nothing, not even a count.
    let out = ok(
        dir.path(),
        &["find", "+66 81 234 5678", "--org", "police-b"],
    );
    assert!(out.contains("0 documents, 0 clusters"), "{out}");
    let (success, _, err) = redflag(dir.path(), &["show", "doc", "1", "--org", "police-b"]);
    assert!(!success && err.contains("no document 1"), "{err}");
}

#[test]
fn cluster_show_dups_and_judge() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ads.jsonl"), ADS).unwrap();
    ok(dir.path(), &["ingest", "ads.jsonl", "--org", "ngo-a"]);
    let run = ok(dir.path(), &["cluster", "--org", "ngo-a"]);
    assert!(run.contains("full (first run)"), "{run}");
    let show = ok(
        dir.path(),
        &["show", "cluster", "1", "--org", "ngo-a", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    let members: Vec<i64> = v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    // 1 and 2 share the Thai number; 1 and 3 are one template.
    assert_eq!(members, [1, 2, 3], "{show}");
    assert!(v["links"].as_array().unwrap().iter().any(|l| {
        l["why"]
            .as_str()
            .unwrap()
            .contains("shared phone +66812345678")
    }));
    assert!(
        v["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["why"].as_str().unwrap().starts_with("template"))
    );
    let text = ok(dir.path(), &["show", "cluster", "2", "--org", "ngo-a"]);
    assert!(
        text.contains("Myawaddy (MM)") && text.contains("Poipet (KH)"),
        "{text}"
    );
    let dups = ok(dir.path(), &["dups", "--org", "ngo-a"]);
    assert!(dups.starts_with("1 template families"), "{dups}");
    // Judged allow-listed, the number links nothing: 2 falls out.
    ok(
        dir.path(),
        &[
            "judge",
            "+66 81 234 5678",
            "--verdict",
            "allow",
            "--org",
            "ngo-a",
        ],
    );
    let run = ok(dir.path(), &["cluster", "--org", "ngo-a"]);
    assert!(run.contains("new judgements"), "{run}");
    let show = ok(
        dir.path(),
        &["show", "cluster", "1", "--org", "ngo-a", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["members"].as_array().unwrap().len(), 2, "{show}");
    // A reader may not judge.
    let (success, _, err) = redflag(
        dir.path(),
        &[
            "judge",
            "+66 81 234 5678",
            "--verdict",
            "confirmed",
            "--org",
            "ngo-a",
            "--role",
            "reader",
        ],
    );
    assert!(!success && err.contains("not allowed"), "{err}");
}

/// kill -9 in the middle of an ingest: the store stays consistent, every acknowledged document is
/// there, and running the same command again completes it without duplicates.
#[test]
fn a_crash_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::Sqlite(dir.path().join("crash.db"));
    crash_loses_nothing(dir.path(), &db);
}

/// The same on PostgreSQL (REDFLAG_TEST_PG), in a fresh schema.
#[test]
fn a_crash_loses_nothing_acknowledged_on_postgres() {
    let Some(db) = Db::postgres() else { return };
    let dir = tempfile::tempdir().unwrap();
    crash_loses_nothing(dir.path(), &db);
}

fn crash_loses_nothing(dir: &Path, db: &Db) {
    let arg = db.arg();
    let total = 3000;
    let mut input = String::new();
    for i in 0..total {
        input.push_str(&format!(
            "{{\"id\":\"x{i}\",\"text\":\"Hiring typist {i} in Poipet, salary {} USD, Telegram @team_{}_hr\"}}\n",
            1000 + i,
            i % 97
        ));
    }
    std::fs::write(dir.join("big.jsonl"), input).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .args([
            "ingest",
            "big.jsonl",
            "--db",
            &arg,
            "--org",
            "ngo-a",
            "--batch",
            "100",
        ])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut acknowledged = 0u64;
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.strip_prefix("redflag ingest: committed ") {
            acknowledged = rest.split(' ').next().unwrap().parse().unwrap();
            if acknowledged >= 500 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        acknowledged >= 500,
        "the ingest never acknowledged 500 documents"
    );
    assert!(
        acknowledged < total,
        "the ingest finished before it was killed; make the input larger"
    );
    assert_eq!(db.check(), Vec::<String>::new());
    let store = db.open();
    let viewer = Viewer::new("ngo-a", Role::Analyst);
    let ids = db.source_ids(&viewer);
    assert!(
        ids.len() as u64 >= acknowledged,
        "{} < {acknowledged}",
        ids.len()
    );
    for i in 0..acknowledged {
        assert!(
            ids.contains(&format!("x{i}")),
            "acknowledged x{i} is missing"
        );
    }
    let before = ids.len() as u64;
    drop(store);
    let out = ok(
        dir,
        &[
            "ingest",
            "big.jsonl",
            "--db",
            &arg,
            "--org",
            "ngo-a",
            "--batch",
            "500",
        ],
    );
    assert!(
        out.contains(&format!("{} stored", total - before))
            && out.contains(&format!("{before} already stored")),
        "{out}"
    );
    assert!(db.check().is_empty());
    let store = db.open();
    assert_eq!(store.stats(&viewer).unwrap().observations, total);
    let hits = store
        .find(
            &viewer,
            &[SelectorKey {
                kind: "telegram".into(),
                value: "team_5_hr".into(),
            }],
        )
        .unwrap();
    assert_eq!(
        hits.len() as u64,
        (0..total).filter(|i| i % 97 == 5).count() as u64
    );
}

/// A store the CLI is pointed at: a SQLite file, or a fresh PostgreSQL schema (dropped on drop).
enum Db {
    Sqlite(std::path::PathBuf),
    Postgres { url: String, schema: String },
}

impl Db {
    /// A fresh schema in REDFLAG_TEST_PG, when it is set (a failure when REDFLAG_REQUIRE_PG is).
    fn postgres() -> Option<Db> {
        let url = match std::env::var("REDFLAG_TEST_PG") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                assert!(
                    std::env::var_os("REDFLAG_REQUIRE_PG").is_none(),
                    "REDFLAG_REQUIRE_PG is set but REDFLAG_TEST_PG is not"
                );
                return None;
            }
        };
        let schema = format!(
            "rf_cli_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        PgStore::open_in_schema(&url, &schema).expect("PostgreSQL schema");
        Some(Db::Postgres { url, schema })
    }

    /// The `--db` argument: the URL sets the schema as the search path.
    fn arg(&self) -> String {
        match self {
            Db::Sqlite(p) => p.display().to_string(),
            Db::Postgres { url, schema } => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}options=-c%20search_path%3D{schema}")
            }
        }
    }

    fn open(&self) -> Box<dyn Store> {
        match self {
            Db::Sqlite(p) => Box::new(SqliteStore::open(p).unwrap()),
            Db::Postgres { url, schema } => Box::new(PgStore::open_in_schema(url, schema).unwrap()),
        }
    }

    fn check(&self) -> Vec<String> {
        self.open().check().unwrap()
    }

    fn source_ids(&self, v: &Viewer) -> std::collections::HashSet<String> {
        match self {
            Db::Sqlite(p) => SqliteStore::open(p).unwrap().source_ids(v).unwrap(),
            Db::Postgres { url, schema } => PgStore::open_in_schema(url, schema)
                .unwrap()
                .source_ids(v)
                .unwrap(),
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Db::Postgres { url, schema } = self {
            let _ = PgStore::drop_schema(url, schema);
        }
    }
}

/// `--db postgres://…`: ingest twice stores nothing twice, find, cluster and show work.
#[test]
fn the_store_commands_work_on_postgres() {
    let Some(db) = Db::postgres() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ads.jsonl"), ADS).unwrap();
    let arg = db.arg();
    let base = ["--db", arg.as_str(), "--org", "ngo-a"];
    let with = |extra: &[&str]| -> String {
        let args: Vec<&str> = extra.iter().copied().chain(base).collect();
        ok(dir.path(), &args)
    };
    let first = with(&["ingest", "ads.jsonl"]);
    assert!(
        first.contains("4 stored (4 new texts), 0 already stored"),
        "{first}"
    );
    let again = with(&["ingest", "ads.jsonl"]);
    assert!(
        again.contains("0 stored (0 new texts), 4 already stored"),
        "{again}"
    );
    let found = with(&["find", "0812345678", "--format", "json"]);
    assert!(
        found.contains("\"a1\"") && found.contains("\"a2\""),
        "{found}"
    );
    let run = with(&["cluster"]);
    assert!(run.contains("full (first run)"), "{run}");
    let shown = with(&["show", "cluster", "1"]);
    assert!(shown.contains("+66812345678"), "{shown}");
    assert!(db.check().is_empty());
    let v = Viewer::new("police-b", Role::Analyst);
    assert_eq!(db.open().stats(&v).unwrap().observations, 0);
}

/// The ScamSniffer list is GPL-3: read from ../shared/data at test time, never copied here.
#[test]
fn watchlists_name_their_entries_and_allow_lists_never_link() {
    let shared = std::env::var("REDFLAG_SHARED_DATA").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").to_string()
    });
    let list = Path::new(&shared).join("scamsniffer-blacklist/address.json");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ads.jsonl"), ADS).unwrap();
    ok(dir.path(), &["ingest", "ads.jsonl", "--org", "ngo-a"]);
    if list.exists() {
        let addrs: Vec<String> =
            serde_json::from_str(&std::fs::read_to_string(&list).unwrap()).unwrap();
        let addr = &addrs[0];
        let doc = format!(
            "{{\"id\":\"w1\",\"text\":\"Here is the address for the deposit: {addr} today\"}}\n"
        );
        std::fs::write(dir.path().join("wallet.jsonl"), doc).unwrap();
        ok(dir.path(), &["ingest", "wallet.jsonl", "--org", "ngo-a"]);
        let out = ok(
            dir.path(),
            &[
                "watchlist",
                "add",
                list.to_str().unwrap(),
                "--name",
                "scamsniffer",
                "--licence",
                "GPL-3.0",
                "--org",
                "ngo-a",
            ],
        );
        assert!(
            out.contains(&format!(
                "{} selectors from {} entries",
                addrs.len(),
                addrs.len()
            )),
            "{out}"
        );
        let found = ok(dir.path(), &["find", addr, "--org", "ngo-a"]);
        assert!(
            found.contains("1 documents") && found.contains("on watchlist: scamsniffer"),
            "{found}"
        );
        // A published list (CLEAR) is visible to all, but the AMBER document is not.
        let other = ok(dir.path(), &["find", addr, "--org", "police-b"]);
        assert!(other.contains("0 documents"), "{other}");
        // Ingested after the list was added, the same text scores higher on scam, and the
        // finding names the list.
        std::fs::write(
            dir.path().join("wallet2.jsonl"),
            format!(
                "{{\"id\":\"w2\",\"text\":\"Here is the address for the deposit: {addr} now\"}}\n"
            ),
        )
        .unwrap();
        ok(dir.path(), &["ingest", "wallet2.jsonl", "--org", "ngo-a"]);
        let db = SqliteStore::open(&dir.path().join("redflag.db")).unwrap();
        let a = Viewer::new("ngo-a", Role::Analyst);
        // Documents 1–4 are the ads, 5 the first wallet text, 6 the second.
        let old_doc = db.document(&a, 5).unwrap().unwrap();
        let new_doc = db.document(&a, 6).unwrap().unwrap();
        assert!(new_doc.text.ends_with("now") && old_doc.text.ends_with("today"));
        let rank = |b: &str| {
            ["none", "low", "medium", "high", "critical"]
                .iter()
                .position(|x| *x == b)
        };
        assert!(
            rank(&new_doc.bands["scam"]) > rank(&old_doc.bands["scam"]),
            "{:?} vs {:?}",
            new_doc.bands,
            old_doc.bands
        );
        let reasons = db.reasons(&a, new_doc.id).unwrap().unwrap();
        assert!(
            reasons
                .findings
                .iter()
                .any(|f| f.task == "scam" && f.rule == "watchlist.scamsniffer"),
            "{reasons:?}"
        );
        assert!(
            db.reasons(&a, old_doc.id)
                .unwrap()
                .unwrap()
                .findings
                .iter()
                .all(|f| f.category != "watchlist")
        );
        // `scan --watchlist FILE` does the same without a store (the list named after the file).
        std::fs::write(
            dir.path().join("w.txt"),
            format!("Pay the unlock fee in USDT to {addr} now\n"),
        )
        .unwrap();
        let plain = ok(dir.path(), &["scan", "w.txt", "--format", "jsonl"]);
        let listed = ok(
            dir.path(),
            &[
                "scan",
                "w.txt",
                "--format",
                "jsonl",
                "--watchlist",
                list.to_str().unwrap(),
            ],
        );
        let score = |out: &str| -> (f64, serde_json::Value) {
            let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
            (
                v["scam"]["score"].as_f64().unwrap(),
                v["scam"]["findings"].clone(),
            )
        };
        let ((s0, _), (s1, f1)) = (score(&plain), score(&listed));
        assert!(s1 > s0, "{s1} vs {s0}");
        assert!(
            f1.as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "watchlist.address"),
            "{f1}"
        );
        // …and an allow-list holding the same value cancels it.
        std::fs::write(dir.path().join("ok.txt"), format!("{addr}\n")).unwrap();
        let allowed = ok(
            dir.path(),
            &[
                "scan",
                "w.txt",
                "--format",
                "jsonl",
                "--watchlist",
                list.to_str().unwrap(),
                "--allowlist",
                "ok.txt",
            ],
        );
        assert_eq!(score(&allowed).0, s0);
    } else {
        eprintln!("SKIPPED the ScamSniffer part: {} is absent", list.display());
    }
    // Allow-listed, the shared Thai number links nothing.
    ok(dir.path(), &["cluster", "--org", "ngo-a"]);
    let before = ok(
        dir.path(),
        &["show", "cluster", "1", "--org", "ngo-a", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(v["members"].as_array().unwrap().len(), 3);
    std::fs::write(
        dir.path().join("allow.txt"),
        "# a platform's own support line\n+66 81 234 5678\n",
    )
    .unwrap();
    let out = ok(
        dir.path(),
        &[
            "watchlist",
            "add",
            "allow.txt",
            "--name",
            "support-lines",
            "--allow",
            "--org",
            "ngo-a",
        ],
    );
    assert!(
        out.starts_with("allow-list \"support-lines\": 1 selectors"),
        "{out}"
    );
    let run = ok(dir.path(), &["cluster", "--org", "ngo-a"]);
    assert!(
        run.contains("full (new judgements or allow-list entries)"),
        "{run}"
    );
    let after = ok(
        dir.path(),
        &["show", "cluster", "1", "--org", "ngo-a", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(v["members"].as_array().unwrap().len(), 2, "{after}");
    let sel = &v["selectors"]["phone"][0];
    assert_eq!(sel["unlinked_because"], "allow-listed", "{after}");
}

/// GraphML and GEXF read back by networkx (a missing networkx skips loudly; scripts/test.sh installs it).
#[test]
fn exports_read_back_in_networkx() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ads.jsonl"), ADS).unwrap();
    ok(dir.path(), &["ingest", "ads.jsonl", "--org", "ngo-a"]);
    ok(dir.path(), &["cluster", "--org", "ngo-a"]);
    for (format, reader) in [("graphml", "read_graphml"), ("gexf", "read_gexf")] {
        let file = format!("g.{format}");
        let out = ok(
            dir.path(),
            &[
                "export",
                "--format",
                format,
                "--cluster",
                "1",
                "--out",
                &file,
                "--org",
                "ngo-a",
            ],
        );
        assert!(out.contains("edges written"), "{out}");
        let script = format!(
            "import networkx as nx, sys\n\
             g = nx.{reader}(sys.argv[1])\n\
             kinds = sorted(set(d.get('kind') for _, d in g.nodes(data=True)))\n\
             docs = sorted(n for n, d in g.nodes(data=True) if d.get('kind') == 'document')\n\
             ws = sorted(set(round(float(d['weight']), 2) for *_, d in g.edges(data=True)))\n\
             print(len(docs), ','.join(kinds), nx.number_connected_components(g), ws[0], ws[-1])\n"
        );
        let py = Command::new("python3")
            .arg("-c")
            .arg(&script)
            .arg(dir.path().join(&file))
            .output();
        let required = std::env::var_os("REDFLAG_REQUIRE_NETWORKX").is_some();
        let Ok(py) = py else {
            assert!(!required, "python3 is required (REDFLAG_REQUIRE_NETWORKX)");
            eprintln!("SKIPPED networkx check: no python3");
            return;
        };
        let stderr = String::from_utf8_lossy(&py.stderr);
        if stderr.contains("No module named 'networkx'") {
            assert!(!required, "networkx is required (REDFLAG_REQUIRE_NETWORKX)");
            eprintln!("SKIPPED networkx check: networkx is not installed");
            return;
        }
        assert!(py.status.success(), "{format}: {stderr}");
        let got = String::from_utf8_lossy(&py.stdout).trim().to_string();
        // Three documents of one cluster; phones and platform accounts as selector nodes; one
        // connected graph; template edges weighted by similarity below 1, carries edges 1.
        let parts: Vec<&str> = got.split(' ').collect();
        assert_eq!(parts[0], "3", "{format}: {got}");
        assert!(
            parts[1].contains("document") && parts[1].contains("phone"),
            "{format}: {got}"
        );
        assert_eq!(parts[2], "1", "{format}: {got}");
        assert!(
            parts[3].parse::<f64>().unwrap() < 1.0 && parts[4] == "1.0",
            "{format}: {got}"
        );
    }
    let out = ok(
        dir.path(),
        &[
            "export", "--format", "dot", "--out", "g.dot", "--org", "ngo-a",
        ],
    );
    assert!(out.contains("edges written"));
    let dot = std::fs::read_to_string(dir.path().join("g.dot")).unwrap();
    assert!(
        dot.starts_with("graph redflag {") && dot.contains("\"d1\" -- "),
        "{dot}"
    );
    // Another organisation exports nothing of ngo-a's AMBER data.
    let out = ok(
        dir.path(),
        &[
            "export",
            "--format",
            "graphml",
            "--out",
            "b.graphml",
            "--org",
            "police-b",
        ],
    );
    assert!(out.starts_with("0 nodes, 0 edges"), "{out}");
}

/// A network moving from Myawaddy (+95) to Poipet (+855): the timeline shows it month by month.
#[test]
fn show_cluster_reads_the_relocation_timeline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("jan.jsonl"),
        "{\"id\":\"m1\",\"text\":\"Typists wanted in Myawaddy, Viber +95 9 781 234 567 or Telegram @kk_move_hr\"}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("jun.jsonl"),
        "{\"id\":\"m2\",\"text\":\"Moved to Poipet. WhatsApp +855 97 234 5678 or Telegram @kk_move_hr\"}\n",
    )
    .unwrap();
    ok(
        dir.path(),
        &[
            "ingest",
            "jan.jsonl",
            "--org",
            "ngo-a",
            "--observed-at",
            "2025-01-15T10:00:00+06:30",
        ],
    );
    ok(
        dir.path(),
        &[
            "ingest",
            "jun.jsonl",
            "--org",
            "ngo-a",
            "--observed-at",
            "2025-06-01T09:00:00+07:00",
        ],
    );
    let (success, _, err) = redflag(
        dir.path(),
        &["ingest", "jun.jsonl", "--observed-at", "last week"],
    );
    assert!(!success && err.contains("RFC 3339"), "{err}");
    ok(dir.path(), &["cluster", "--org", "ngo-a"]);
    let out = ok(
        dir.path(),
        &["show", "cluster", "2", "--org", "ngo-a", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["first_seen"], "2025-01-15T03:30:00Z", "{out}");
    assert_eq!(v["last_seen"], "2025-06-01T02:00:00Z", "{out}");
    let tl = v["timeline"].as_array().unwrap();
    assert_eq!(tl.len(), 2, "{out}");
    assert_eq!(tl[0]["month"], "2025-01");
    assert_eq!(tl[0]["calling_codes"]["+95"], 1);
    assert_eq!(tl[0]["places"]["myawaddy"], 1);
    assert_eq!(tl[1]["month"], "2025-06");
    assert_eq!(tl[1]["calling_codes"]["+855"], 1);
    assert_eq!(tl[1]["places"]["poipet"], 1);
    let links = v["links"].as_array().unwrap();
    assert!(
        links
            .iter()
            .any(|l| l["why"] == "shared telegram kk_move_hr"),
        "{out}"
    );
}

/// `redflag export` in every format and `redflag import` end to end: a rescue plea (RED by
/// ingest's rule) leaves nothing of itself in any file; a STIX bundle and a MISP event come back
/// into another database; a bad file is refused with exit code 2 and its place named.
#[test]
fn export_every_format_and_import_back() {
    let dir = tempfile::tempdir().unwrap();
    let plea = r#"{"id":"p1","text":"Please help me, I am trapped in a compound in Myawaddy, they beat us and took my passport. My number is +66 89 555 0147, call my sister"}"#;
    std::fs::write(dir.path().join("ads.jsonl"), format!("{ADS}{plea}\n")).unwrap();
    ok(dir.path(), &["ingest", "ads.jsonl", "--org", "ngo-a"]);
    ok(dir.path(), &["cluster", "--org", "ngo-a"]);
    for format in ["stix", "misp", "ftm", "graphml", "gexf", "dot"] {
        for cluster in [None, Some("1")] {
            let file = format!("out.{format}");
            let mut args = vec![
                "export", "--format", format, "--out", &file, "--org", "ngo-a",
            ];
            if let Some(c) = cluster {
                args.extend(["--cluster", c]);
            }
            let out = ok(dir.path(), &args);
            assert!(out.contains("written to"), "{out}");
            let text = std::fs::read_to_string(dir.path().join(&file)).unwrap();
            assert!(
                !text.contains("895550147") && !text.contains("trapped in a compound"),
                "the plea leaked into {format}"
            );
            assert!(
                text.contains("66812345678"),
                "{format} lacks the recruiter's number"
            );
        }
    }
    let out = ok(
        dir.path(),
        &[
            "export",
            "--format",
            "stix",
            "--out",
            "all.stix.json",
            "--org",
            "ngo-a",
        ],
    );
    assert!(out.contains("left out: 1 documents"), "{out}");
    ok(
        dir.path(),
        &[
            "export",
            "--format",
            "misp",
            "--out",
            "all.misp.json",
            "--org",
            "ngo-a",
        ],
    );
    let out = ok(
        dir.path(),
        &[
            "import",
            "--format",
            "stix",
            "all.stix.json",
            "--db",
            "b.db",
            "--org",
            "police-b",
        ],
    );
    assert!(out.contains("4 documents stored"), "{out}");
    let out = ok(
        dir.path(),
        &[
            "import",
            "--format",
            "misp",
            "all.misp.json",
            "--db",
            "b.db",
            "--org",
            "police-b",
        ],
    );
    // The same texts from another source: new observations, no new contents.
    assert!(out.contains("(0 new texts)"), "the same texts again: {out}");
    let found = ok(
        dir.path(),
        &["find", "+66812345678", "--db", "b.db", "--org", "police-b"],
    );
    assert!(found.contains("2 documents"), "{found}");
    // A bad file: exit code 2, the place named, nothing stored.
    std::fs::write(
        dir.path().join("bad.json"),
        r#"{"type":"bundle","id":"bundle--6b1c6d3e-0d5a-4c1e-9f6e-2a3b4c5d6e7f","objects":[{"type":"indicator","spec_version":"2.1"}]}"#,
    )
    .unwrap();
    let outp = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .args([
            "import", "--format", "stix", "bad.json", "--db", "c.db", "--org", "x",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&outp.stderr);
    assert_eq!(outp.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.json: objects[0] (indicator) has no \"id\""),
        "{err}"
    );
}

/// `redflag report` writes one self-contained HTML file of the cluster; an unknown cluster is an error.
#[test]
fn report_writes_one_self_contained_html_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ads.jsonl"), ADS).unwrap();
    ok(dir.path(), &["ingest", "ads.jsonl", "--org", "ngo-a"]);
    ok(dir.path(), &["cluster", "--org", "ngo-a"]);
    let out = ok(
        dir.path(),
        &[
            "report",
            "--cluster",
            "2",
            "--out",
            "case.html",
            "--org",
            "ngo-a",
        ],
    );
    assert!(out.starts_with("cluster 1: 3 documents"), "{out}");
    let html = std::fs::read_to_string(dir.path().join("case.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert!(html.contains("<svg class=\"graph\"") && html.contains("Sihanoukville"));
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains(" src="));
    let (success, _, err) = redflag(
        dir.path(),
        &[
            "report",
            "--cluster",
            "4",
            "--out",
            "x.html",
            "--org",
            "ngo-a",
        ],
    );
    assert!(!success && err.contains("no cluster 4"), "{err}");
    assert!(!dir.path().join("x.html").exists());
}

/// JSONL `source` and `observed_at` per record, falling back to the file name and `--observed-at`;
/// bad values name the file, line and field, or are skipped with a warning.
#[test]
fn records_carry_their_own_source_and_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("seen.jsonl"),
        "{\"id\":\"s1\",\"text\":\"Typists wanted in Myawaddy, Telegram @kk_seen_hr\",\"source\":\"facebook group X\",\"observed_at\":\"2025-01-15T10:00:00+06:30\"}\n\
         {\"id\":\"s2\",\"text\":\"Moved to Poipet, Telegram @kk_seen_hr\",\"observed_at\":\"2025-06-01T09:00:00Z\"}\n\
         {\"id\":\"s3\",\"text\":\"Still hiring, Telegram @kk_seen_hr\"}\n",
    )
    .unwrap();
    ok(
        dir.path(),
        &[
            "ingest",
            "seen.jsonl",
            "--org",
            "ngo-a",
            "--observed-at",
            "2025-07-01T00:00:00+07:00",
        ],
    );
    let db = SqliteStore::open(&dir.path().join("redflag.db")).unwrap();
    let a = Viewer::new("ngo-a", Role::Analyst);
    let obs = |id: i64| db.document(&a, id).unwrap().unwrap().observations[0].clone();
    assert_eq!(obs(1).source, "facebook group X");
    assert_eq!(obs(1).observed_at, "2025-01-15T03:30:00Z");
    assert_eq!(obs(2).source, "seen.jsonl");
    assert_eq!(obs(2).observed_at, "2025-06-01T09:00:00Z");
    assert_eq!(obs(3).observed_at, "2025-06-30T17:00:00Z");
    drop(db);
    // Bad values: an error naming file, line and field; nothing of the bad record stored.
    std::fs::write(
        dir.path().join("bad.jsonl"),
        "{\"id\":\"b1\",\"text\":\"Fine record, Telegram @kk_bad_hr\"}\n\
         {\"id\":\"b2\",\"text\":\"Bad time\",\"observed_at\":\"last Tuesday\"}\n\
         {\"id\":\"b3\",\"text\":\"Bad source\",\"source\":42}\n",
    )
    .unwrap();
    let (success, _, err) = redflag(dir.path(), &["ingest", "bad.jsonl", "--org", "ngo-a"]);
    assert!(!success, "{err}");
    assert!(
        err.contains(
            "bad.jsonl:2: field \"observed_at\": \"last Tuesday\" is not an RFC 3339 time"
        ),
        "{err}"
    );
    let out = ok(
        dir.path(),
        &["ingest", "bad.jsonl", "--org", "ngo-a", "--skip-bad"],
    );
    assert!(out.contains("2 skipped"), "{out}");
    let (_, _, err) = redflag(
        dir.path(),
        &["ingest", "bad.jsonl", "--org", "ngo-a", "--skip-bad"],
    );
    assert!(
        err.contains("bad.jsonl:3: field \"source\" must be a string, found a number"),
        "{err}"
    );
    assert_eq!(count(&dir.path().join("redflag.db"), "ngo-a"), 4);
}
