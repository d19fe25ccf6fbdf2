//! `redflag scan --thread`: chat exports assessed as threads (the parsing and assessment are tested in
//! redflag-threads; here the shell: options, output forms, errors and exit codes).
use crate::common::{Dir, run};

fn fixture(name: &str) -> String {
    format!(
        "{}/../redflag-threads/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn thread_json_has_stages_messages_and_offsets() {
    let f = fixture("telegram_zh.json");
    let r = run(&["scan", "--thread", &f, "--format", "jsonl"], None);
    r.expect_code(0);
    let v = &r.reports()[0];
    assert_eq!(v["format"], "telegram");
    assert_eq!(v["source"], "thread");
    assert_eq!(v["message_count"], 8);
    assert!(v["scam"]["band"] == "high" || v["scam"]["band"] == "critical");
    let stages: Vec<&str> = v["scam"]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert!(stages.contains(&"fees_to_withdraw"), "{stages:?}");
    assert_eq!(
        v["messages"][0]["sent_at"]["local"],
        "2024-05-01T20:01:10+08:00"
    );
    assert_eq!(v["messages"][3]["report"]["selectors"][0]["kind"], "url");
}

#[test]
fn thread_table_and_forced_format_and_offset() {
    let f = fixture("whatsapp_ios_en.txt");
    let r = run(
        &[
            "scan",
            "--thread",
            &f,
            "--format",
            "table",
            "--color",
            "never",
            "--tz-offset",
            "+08:00",
        ],
        None,
    );
    r.expect_code(0);
    assert!(
        r.stdout.contains("thread (whatsapp), 9 messages"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("2024-03-02T08:41:10+08:00"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Fees to withdraw"), "{}", r.stdout);
    let r = run(
        &[
            "scan",
            "--thread",
            &f,
            "--thread-format",
            "telegram",
            "--format",
            "jsonl",
        ],
        None,
    );
    r.expect_code(2);
    assert!(
        r.stderr.contains("whatsapp_ios_en.txt:1: not valid JSON"),
        "{}",
        r.stderr
    );
}

#[test]
fn unknown_exports_are_bad_input() {
    let d = Dir::new();
    let p = d.file("notes.txt", "Shopping list\nmilk\neggs\n");
    let r = run(&["scan", "--thread", p.to_str().unwrap()], None);
    r.expect_code(2);
    assert!(
        r.stderr.contains("notes.txt:1: not a chat export"),
        "{}",
        r.stderr
    );
    let p = d.file(
        "bin.txt",
        b"[01/02/24, 10:00:00] A: hi\n\xff\xfe".as_slice(),
    );
    let r = run(&["scan", "--thread", p.to_str().unwrap()], None);
    r.expect_code(2);
    assert!(r.stderr.contains("bin.txt:2: not UTF-8"), "{}", r.stderr);
    let r = run(
        &["scan", "--thread", p.to_str().unwrap(), "--tz-offset", "7"],
        None,
    );
    r.expect_code(2);
}
