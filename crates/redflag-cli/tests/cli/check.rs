//! `redflag check`: the full explanation of one text.
use serde_json::Value;

use crate::common::{Dir, run};

const AD: &str = "URGENT: typing job in Sihanoukville, no experience needed, salary 1500 USD per month, \
                  free visa and flight. Contact Telegram @kh_typing_team or +855 12 345 678";

fn json_report(args: &[&str], stdin: Option<&[u8]>) -> Value {
    let r = run(args, stdin);
    r.expect_code(0);
    serde_json::from_str(&r.stdout).expect("pretty JSON")
}

/// `check --format json` is the same report `scan` gives for the same text.
#[test]
fn json_is_the_scan_report() {
    let checked = json_report(&["check", "--format", "json", AD], None);
    let d = Dir::new();
    d.file("ad.txt", AD);
    let scanned = d.run(&["scan", "ad.txt"], None).reports().remove(0);
    assert_eq!(checked, scanned);
}

/// Every finding and selector of the report appears in the human-readable explanation.
#[test]
fn text_shows_every_finding_and_selector() {
    let report = json_report(&["check", "--format", "json", AD], None);
    let r = run(&["check", AD], None);
    r.expect_code(0);
    let out = &r.stdout;
    assert!(
        out.starts_with(&format!(
            "language {} (detected)",
            report["lang"].as_str().unwrap()
        )),
        "{out}"
    );
    for task in ["lure", "scam", "distress"] {
        let a = &report[task];
        let head = format!("{task}  score {:.4}  band ", a["score"].as_f64().unwrap());
        assert!(out.contains(&head), "missing {head:?} in\n{out}");
        for f in a["findings"].as_array().unwrap() {
            let rule = f["rule"].as_str().unwrap();
            assert!(
                out.contains(&format!("{rule}  [{}]", f["category"].as_str().unwrap())),
                "{rule} in\n{out}"
            );
            let flat: String = f["text"]
                .as_str()
                .unwrap()
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .collect();
            let span = format!("«{flat}»");
            assert!(out.contains(&span), "highlighted span {span} in\n{out}");
            let status = if f["explain_status"] == "machine" {
                "machine translation, not yet reviewed"
            } else {
                "reviewed"
            };
            assert!(
                out.contains(&format!(
                    "({}, {status})",
                    f["explain_lang"].as_str().unwrap()
                )),
                "{out}"
            );
        }
    }
    assert!(out.contains("urgency "), "{out}");
    for s in report["selectors"].as_array().unwrap() {
        let raw = serde_json::to_string(s["raw"].as_str().unwrap()).unwrap();
        assert!(
            out.contains(&format!("raw {raw}")),
            "selector {s} in\n{out}"
        );
    }
    assert!(!out.contains('\x1b'), "no colour off a terminal");
}

#[test]
fn lang_override_and_stdin() {
    let report = json_report(
        &["check", "--format", "json", "--lang", "th", "-"],
        Some(AD.as_bytes()),
    );
    assert_eq!(report["lang"], "th");
    let r = run(&["check", "--lang", "th", "-"], Some(AD.as_bytes()));
    assert!(r.stdout.starts_with("language th (given)"), "{}", r.stdout);
    // Several words are one text.
    let words: Vec<&str> = AD.split(' ').collect();
    let mut args = vec!["check", "--format", "json"];
    args.extend(&words);
    assert_eq!(
        json_report(&args, None),
        json_report(&["check", "--format", "json", AD], None)
    );
}

#[test]
fn bad_stdin_is_bad_input() {
    let r = run(&["check", "-"], Some(b"caf\xE9"));
    r.expect_code(2);
    assert_eq!(
        r.stderr.trim_end(),
        "error: <stdin>: invalid UTF-8 at byte 4"
    );
}
