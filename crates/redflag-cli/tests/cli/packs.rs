//! `redflag packs test` and `packs list`, on the real packs, on deliberately broken copies, and the
//! false-positive check on a small synthetic dataset.
use std::path::Path;

use redflag_core::Engine;

use crate::common::{Dir, repo_packs, run, shared_data, test_packs};

/// A copy of the repository's pack directory.
fn copy_packs(d: &Dir) -> std::path::PathBuf {
    let dir = d.path().join("packs");
    std::fs::create_dir_all(&dir).unwrap();
    for name in Engine::file_names() {
        std::fs::copy(repo_packs().join(name), dir.join(name)).unwrap();
    }
    dir
}

/// The id of the first `[[rule]]` in a pack's text, and the byte range of its `weight = …` line.
fn first_rule(text: &str) -> (String, std::ops::Range<usize>) {
    let start = text.find("[[rule]]").expect("a rule");
    let rest = &text[start..];
    let id_line = rest
        .lines()
        .find(|l| l.trim_start().starts_with("id ="))
        .expect("an id");
    let id = id_line.split('"').nth(1).expect("a quoted id").to_string();
    let mut offset = start;
    for line in rest.split_inclusive('\n') {
        if line.trim_start().starts_with("weight =") {
            return (id, offset..offset + line.len());
        }
        offset += line.len();
    }
    panic!("no weight line in the first rule");
}

#[test]
fn real_packs_pass() {
    let r = run(&["packs", "test"], None);
    r.expect_code(0);
    assert!(r.stdout.contains(", 0 failed\n"), "{}", r.stdout);
    assert!(r.stdout.ends_with("packs test: PASSED\n"), "{}", r.stdout);
    for f in ["lure.toml", "scam.toml", "distress.toml"] {
        assert!(
            r.stdout.contains(&format!("  {f}  version ")),
            "{}",
            r.stdout
        );
    }
    // The repository's directory through --packs holds the same packs.
    let packs = repo_packs();
    let listed = run(&["packs", "list", "--packs", packs.to_str().unwrap()], None);
    listed.expect_code(0);
    let prefix = format!("{}/", packs.display());
    assert_eq!(
        listed.stdout.replace(&prefix, ""),
        run(&["packs", "list"], None).stdout
    );
}

#[test]
fn real_packs_pass_the_false_positive_check() {
    let Some(data) = shared_data() else {
        eprintln!(
            "note: ../shared/data is not on this machine; the false-positive check on it is skipped"
        );
        return;
    };
    let r = run(&["packs", "test", "--data", data.to_str().unwrap()], None);
    r.expect_code(0);
    for name in [
        "sms-spam-uci",
        "sms-spam-id",
        "sms-th-sivakorn",
        "sms-vi-ie403",
        "emscad",
    ] {
        assert!(
            r.stdout.contains(&format!("  {name:<20} (")),
            "{name} checked:\n{}",
            r.stdout
        );
    }
}

#[test]
fn broken_rule_names_file_rule_and_reason() {
    let d = Dir::new();
    let packs = copy_packs(&d);
    let lure = packs.join("scam.toml");
    let text = std::fs::read_to_string(&lure).unwrap();
    let (id, weight) = first_rule(&text);
    let broken = format!(
        "{}weight = 99.0\n{}",
        &text[..weight.start],
        &text[weight.end..]
    );
    std::fs::write(&lure, broken).unwrap();
    for cmd in [["packs", "test"], ["packs", "list"]] {
        let r = d.run(&[cmd[0], cmd[1], "--packs", "packs"], None);
        r.expect_code(1);
        assert_eq!(
            r.stderr.trim_end(),
            format!("error: packs/scam.toml: rule {id}: weight 99 must be finite and within ±10"),
            "{cmd:?}"
        );
    }
    // scan and check refuse the same directory the same way.
    let r = d.run(&["scan", "--packs", "packs", "-"], Some(b"text"));
    r.expect_code(1);
    assert!(
        r.stderr.contains(&format!("rule {id}: weight 99")),
        "{}",
        r.stderr
    );
}

#[test]
fn broken_toml_names_file_and_line() {
    let d = Dir::new();
    let packs = copy_packs(&d);
    let path = packs.join("distress.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let lines = text.lines().count();
    text.push_str("[[rule]\n");
    std::fs::write(&path, text).unwrap();
    let r = d.run(&["packs", "test", "--packs", "packs"], None);
    r.expect_code(1);
    assert!(
        r.stderr
            .starts_with(&format!("error: packs/distress.toml:{}: ", lines + 1)),
        "{}",
        r.stderr
    );
}

#[test]
fn failing_example_fails_the_test() {
    let d = Dir::new();
    let packs = copy_packs(&d);
    let path = packs.join("lure.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    // Appended at the end, the example belongs to the last rule.
    let last_id = text
        .lines()
        .rfind(|l| l.trim_start().starts_with("id = \"lure."))
        .and_then(|l| l.split('"').nth(1))
        .expect("a rule id")
        .to_string();
    text.push_str("\n[[rule.example]]\ntext = \"qqq zzz\"\nmatches = true\n");
    std::fs::write(&path, text).unwrap();
    let r = d.run(&["packs", "test", "--packs", "packs"], None);
    r.expect_code(1);
    assert!(r.stdout.contains(", 1 failed\n"), "{}", r.stdout);
    let line = format!(
        "  FAIL packs/lure.toml: rule {last_id}: example should match but does not: \"qqq zzz\"\n"
    );
    assert!(r.stdout.contains(&line), "{line:?} in\n{}", r.stdout);
    assert!(r.stdout.ends_with("packs test: FAILED\n"));
}

#[test]
fn missing_pack_file() {
    let d = Dir::new();
    let packs = copy_packs(&d);
    std::fs::remove_file(packs.join("calibration.toml")).unwrap();
    let r = d.run(&["packs", "test", "--packs", "packs"], None);
    r.expect_code(1);
    assert!(
        r.stderr
            .starts_with("error: cannot read packs/calibration.toml: "),
        "{}",
        r.stderr
    );
}

/// A plain note holding a phrase.
fn frame(phrase: &str, i: usize) -> String {
    format!("note {i}: {phrase}.")
}

fn write_uci(data: &Path, ham: &[String]) {
    let dir = data.join("sms-spam-uci");
    std::fs::create_dir_all(&dir).unwrap();
    let mut body: String = ham.iter().map(|t| format!("ham\t{t}\n")).collect();
    body.push_str("spam\tthe spam side is not checked\n");
    std::fs::write(dir.join("SMSSpamCollection"), body).unwrap();
}

/// The false-positive check with the fixed test packs (tests/data/packs), whose phrases are known.
#[test]
fn false_positive_check_on_a_synthetic_dataset() {
    let (rule, lang, phrase) = ("lure.no_experience", "en", "no experience");
    let packs = test_packs();
    let d = Dir::new();
    let data = d.path().join("data");
    // 300 distinct genuine texts: the phrase in 3 of them is exactly 1 %: allowed.
    let mut ham: Vec<String> = (0..297)
        .map(|i| format!("see you at {i} o'clock"))
        .collect();
    ham.extend((0..3).map(|i| frame(phrase, i)));
    write_uci(&data, &ham);
    let r = d.run(
        &["packs", "test", "--packs", &packs, "--data", "data"],
        None,
    );
    r.expect_code(0);
    assert!(r.stdout.contains("sms-spam-uci         (en, sms) 300 distinct genuine texts (\"ham\" 300): worst 1.00 %  ok"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("  emscad               not present, skipped\n"),
        "{}",
        r.stdout
    );

    // A fourth (and duplicates, which count once) pushes it over 1 %.
    ham.push(frame(phrase, 3));
    ham.push(frame(phrase, 3));
    write_uci(&data, &ham);
    let r = d.run(
        &["packs", "test", "--packs", &packs, "--data", "data"],
        None,
    );
    r.expect_code(1);
    let offender = format!(
        "FAIL   1.33 % (4/301)  {rule} [{lang}] \"{phrase}\"  e.g. sms-spam-uci/SMSSpamCollection:298"
    );
    assert!(
        r.stdout.contains(&offender),
        "{offender:?} in\n{}",
        r.stdout
    );
    assert!(r.stdout.ends_with("packs test: FAILED\n"));
}

/// Context rules (negative weight) exist to fire on genuine texts: their phrases are exempt.
#[test]
fn context_phrases_are_exempt() {
    let d = Dir::new();
    let data = d.path().join("data");
    let mut ham: Vec<String> = (0..90).map(|i| format!("see you at {i} o'clock")).collect();
    // lure.warning (weight -3) in 10 %, lure.hotspot (weight +2) in 1 %.
    ham.extend((0..10).map(|i| frame("police warn", i)));
    ham.push(frame("Sihanoukville", 0));
    write_uci(&data, &ham);
    let r = d.run(
        &["packs", "test", "--packs", &test_packs(), "--data", "data"],
        None,
    );
    r.expect_code(0);
    assert!(
        r.stdout.contains("(5 checked; 1 of context rules exempt"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("\"police warn\""), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("0.99 % (1/101)  lure.hotspot [en] \"sihanoukville\""),
        "{}",
        r.stdout
    );
}

#[test]
fn unknown_label_is_an_error() {
    let d = Dir::new();
    d.file(
        "data/sms-th-scamguard/sms_dataset.csv",
        "text,label\nhello,0\nworld,maybe\n",
    );
    let r = d.run(&["packs", "test", "--data", "data"], None);
    r.expect_code(1);
    assert!(
        r.stderr.contains(
            "sms_dataset.csv:3: label \"maybe\" is not in the label map of sms-th-scamguard"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn list_shows_packs_categories_and_languages() {
    let r = run(&["packs", "list"], None);
    r.expect_code(0);
    let engine = Engine::builtin().unwrap();
    for p in engine.packs() {
        let head = format!(
            "{}  task {}  version {}  {} rule",
            p.file,
            p.task.name(),
            p.version,
            p.rules.len()
        );
        assert!(r.stdout.contains(&head), "{head:?} in\n{}", r.stdout);
    }
    assert_eq!(r.stdout.matches("  rules per category: ").count(), 3);
    assert_eq!(r.stdout.matches("  rules per language: ").count(), 3);
}

/// Patterns go through the same 1 % check as phrases (a gap-tolerant pattern can be as broad as a
/// common phrase): the test packs with one pattern rule added, firing on 4 % of the genuine texts.
#[test]
fn pattern_false_positives_are_checked() {
    let d = Dir::new();
    let src = std::path::PathBuf::from(test_packs());
    for name in [
        "lure.toml",
        "scam.toml",
        "distress.toml",
        "calibration.toml",
    ] {
        let mut text = std::fs::read_to_string(src.join(name)).unwrap();
        if name == "lure.toml" {
            text.push_str(
                r#"
[[rule]]
id = "lure.monthly_pay"
category = "salary"
weight = 1.5
source = "test fixture"
[rule.patterns]
en = ['\d{3,5} usd a month']
[rule.explain]
en = { text = "States a monthly pay in dollars.", status = "reviewed" }
[[rule.example]]
text = "pay 1200 usd a month"
matches = true
"#,
            );
        }
        d.file(&format!("packs/{name}"), &text);
    }
    let data = d.path().join("data");
    let mut ham: Vec<String> = (0..96).map(|i| format!("see you at {i} o'clock")).collect();
    ham.extend((0..4).map(|i| format!("rent is {} usd a month, ok?", 500 + i)));
    write_uci(&data, &ham);
    let r = d.run(
        &["packs", "test", "--packs", "packs", "--data", "data"],
        None,
    );
    r.expect_code(1);
    let offender = r"FAIL   4.00 % (4/100)  lure.monthly_pay [en] /\d{3,5} usd a month/";
    assert!(r.stdout.contains(offender), "{offender:?} in\n{}", r.stdout);
    assert!(r.stdout.ends_with("packs test: FAILED\n"));

    // Under 1 % it passes, and is shown among the worst.
    let mut ham: Vec<String> = (0..199)
        .map(|i| format!("see you at {i} o'clock"))
        .collect();
    ham.push("rent is 700 usd a month".into());
    write_uci(&data, &ham);
    let r = d.run(
        &["packs", "test", "--packs", "packs", "--data", "data"],
        None,
    );
    r.expect_code(0);
    assert!(
        r.stdout
            .contains(r"0.50 % (1/200)  lure.monthly_pay [en] /\d{3,5} usd a month/"),
        "{}",
        r.stdout
    );
}
