//! Output formats: golden files, the JSONL contract, order under parallelism, closed pipes.
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use redflag_core::{Document, Engine, Lang};
use serde_json::{Value, json};

use crate::common::{Dir, jsonl, redflag, run_in, test_packs};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compare with a golden file exactly; `UPDATE_GOLDEN=1` rewrites it instead (review with `git diff`).
#[track_caller]
fn golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || {
                    format!(
                        "line counts differ: {} expected, {} actual",
                        expected.lines().count(),
                        actual.lines().count()
                    )
                },
                |i| {
                    format!(
                        "first difference at line {}:\n  expected: {}\n  actual:   {}",
                        i + 1,
                        expected.lines().nth(i).unwrap_or(""),
                        actual.lines().nth(i).unwrap_or("")
                    )
                },
            );
        panic!(
            "{} differs from the output; {line}\nIf the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff.",
            path.display()
        );
    }
}

fn scan_golden_input(format: &str) -> String {
    let r = run_in(
        Some(&golden_dir()),
        &["scan", "input.jsonl", "--format", format],
        None,
    );
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    r.stdout
}

#[test]
fn golden_jsonl() {
    golden("expected.jsonl", &scan_golden_input("jsonl"));
}

#[test]
fn golden_csv() {
    golden("expected.csv", &scan_golden_input("csv"));
}

#[test]
fn golden_table() {
    let out = scan_golden_input("table");
    assert!(
        !out.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    golden("expected.table.txt", &out);
}

#[test]
fn table_colour_on_request_only() {
    let r = run_in(
        Some(&golden_dir()),
        &[
            "scan",
            "input.jsonl",
            "--format",
            "table",
            "--color",
            "always",
        ],
        None,
    );
    r.expect_code(0);
    assert!(r.stdout.contains("\x1b["), "--color always colours");
    let plain = run_in(
        Some(&golden_dir()),
        &[
            "scan",
            "input.jsonl",
            "--format",
            "table",
            "--color",
            "never",
        ],
        None,
    );
    assert!(!plain.stdout.contains('\x1b'));
}

/// Each JSONL line is exactly `serde_json::to_string(&report)` of the library's report.
#[test]
fn jsonl_is_the_library_report() {
    let engine = Engine::builtin().expect("built-in packs");
    let input = std::fs::read_to_string(golden_dir().join("input.jsonl")).unwrap();
    let out = scan_golden_input("jsonl");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), input.lines().count());
    for (i, (line, rec)) in lines.iter().zip(input.lines()).enumerate() {
        let rec: Value = serde_json::from_str(rec).unwrap();
        let id = match &rec["id"] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => (i + 1).to_string(),
        };
        let lang = rec["lang"].as_str().and_then(Lang::from_code);
        let text = rec["text"].as_str().unwrap();
        let kind = rec["kind"].as_str().map(redflag_core::DocKind::parse);
        let report = engine.analyze(&Document {
            id,
            text,
            lang,
            kind,
        });
        assert_eq!(
            *line,
            serde_json::to_string(&report).unwrap(),
            "record {}",
            i + 1
        );
    }
}

/// The documented fields, with their types, and offsets that point into the input text.
#[test]
fn jsonl_contract_fields() {
    let input = std::fs::read_to_string(golden_dir().join("input.jsonl")).unwrap();
    let out = scan_golden_input("jsonl");
    for (line, rec) in out.lines().zip(input.lines()) {
        let r: Value = serde_json::from_str(line).unwrap();
        let text: Vec<char> = serde_json::from_str::<Value>(rec).unwrap()["text"]
            .as_str()
            .unwrap()
            .chars()
            .collect();
        let slice = |v: &Value| -> String {
            let (s, e) = (
                v["start"].as_u64().unwrap() as usize,
                v["end"].as_u64().unwrap() as usize,
            );
            text[s..e].iter().collect()
        };
        assert!(r["id"].is_string() && r["lang"].is_string());
        for task in ["lure", "scam", "distress"] {
            let a = &r[task];
            let score = a["score"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&score));
            assert!(
                ["none", "low", "medium", "high", "critical"]
                    .contains(&a["band"].as_str().unwrap())
            );
            for f in a["findings"].as_array().unwrap() {
                for k in ["rule", "category", "text", "explain"] {
                    assert!(f[k].is_string(), "finding.{k}: {f}");
                }
                assert_eq!(
                    slice(f),
                    f["text"].as_str().unwrap(),
                    "finding span is chars into the input"
                );
            }
        }
        assert!(r["distress"]["urgency"].is_u64() && r["distress"]["flags"].is_array());
        for s in r["selectors"].as_array().unwrap() {
            for k in ["kind", "value", "raw", "role"] {
                assert!(s[k].is_string(), "selector.{k}: {s}");
            }
            assert!(s["valid"].is_boolean());
            assert_eq!(
                slice(s),
                s["raw"].as_str().unwrap(),
                "selector raw is the input at its offsets"
            );
        }
    }
}

#[test]
fn csv_has_one_row_per_document() {
    let out = scan_golden_input("csv");
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(&headers[..4], ["id", "lang", "lure_score", "lure_band"]);
    assert_eq!(headers.last().map(String::as_str), Some("selectors"));
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 12);
    assert_eq!(&rows[3][0], "42");
    assert_eq!(&rows[4][0], "5", "no id: the record number");
}

#[test]
fn default_format_off_a_terminal_is_jsonl() {
    let r = run_in(Some(&golden_dir()), &["scan", "input.jsonl"], None);
    r.expect_code(0);
    assert_eq!(r.reports().len(), 12);
}

/// Varied lengths so that parallel workers finish out of order; more records than one batch.
#[test]
fn order_is_input_order_with_threads() {
    let d = Dir::new();
    let mut input = String::new();
    for i in 0..5000 {
        let pad = "no experience needed, work in Sihanoukville. ".repeat((i * 7919) % 23);
        input.push_str(&jsonl(
            json!({"id": format!("r{i}"), "text": format!("{pad}ad {i}")}),
        ));
    }
    d.file("many.jsonl", &input);
    let packs = test_packs();
    let r = d.run(
        &["scan", "--packs", &packs, "--threads", "4", "many.jsonl"],
        None,
    );
    r.expect_code(0);
    let expected: Vec<String> = (0..5000).map(|i| format!("r{i}")).collect();
    assert_eq!(r.ids(), expected);
    // Without ids, the record numbers, still in order (stdin this time).
    let r = d.run(
        &["scan", "--packs", &packs, "--threads", "3", "--lines", "-"],
        Some("x\n".repeat(4500).as_bytes()),
    );
    let expected: Vec<String> = (1..=4500).map(|i| i.to_string()).collect();
    assert_eq!(r.ids(), expected);
}

/// `redflag scan … | head -1`: the reader goes away; redflag stops quietly with exit code 0.
#[test]
fn closed_pipe_is_quiet() {
    let d = Dir::new();
    d.file("many.txt", "a line to scan\n".repeat(200_000));
    let mut child = redflag()
        .current_dir(d.path())
        .args(["scan", "--packs", &test_packs(), "--lines", "many.txt"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.starts_with("{\"id\":\"1\""), "{first}");
    drop(out);
    let done = child.wait_with_output().unwrap();
    assert_eq!(
        done.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&done.stderr), "");
}
