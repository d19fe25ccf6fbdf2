//! Bad input: a clear message naming file and line, exit code 2 — or, with --skip-bad, a warning per bad
//! record and every good record processed. Nothing panics.
use serde_json::json;

use crate::common::{Dir, Run, gzip, jsonl, test_packs};

#[track_caller]
fn no_panic(r: &Run) {
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// Without --skip-bad: exit 2, `error: <message>` on stderr, and the records before it written.
#[track_caller]
fn fails_with(d: &Dir, args: &[&str], message: &str, written: &[&str]) {
    let r = d.run(args, None);
    no_panic(&r);
    r.expect_code(2);
    assert_eq!(
        r.stderr.trim_end(),
        format!("error: {message}"),
        "args {args:?}"
    );
    assert_eq!(r.ids(), written, "records before the bad one stay written");
}

/// With --skip-bad: exit 0, one warning per bad record, the good ones all written, a final count.
#[track_caller]
fn skips(d: &Dir, args: &[&str], warnings: &[&str], written: &[&str]) {
    let mut args = args.to_vec();
    args.push("--skip-bad");
    let r = d.run(&args, None);
    no_panic(&r);
    r.expect_code(0);
    let lines: Vec<&str> = r.stderr.lines().collect();
    let expected: Vec<String> = warnings
        .iter()
        .map(|w| format!("warning: skipped {w}"))
        .collect();
    assert_eq!(lines[..lines.len() - 1], expected, "stderr: {}", r.stderr);
    let s = if warnings.len() == 1 { "" } else { "s" };
    assert_eq!(
        lines.last().copied(),
        Some(
            format!(
                "warning: skipped {} bad record{s}; {} documents written",
                warnings.len(),
                written.len()
            )
            .as_str()
        )
    );
    assert_eq!(r.ids(), written);
}

fn ok_line(id: &str) -> String {
    jsonl(json!({"id": id, "text": format!("text of {id}")}))
}

#[test]
fn malformed_jsonl_line() {
    let d = Dir::new();
    let mut input: String = (1..=16).map(|i| ok_line(&format!("r{i}"))).collect();
    input.push_str("{\"id\": \"r17\", \"text\": \"unfinished\" \"kind\": \"job_ad\"}\n");
    input.push_str(&ok_line("r18"));
    d.file("jobs.jsonl", &input);
    let before: Vec<String> = (1..=16).map(|i| format!("r{i}")).collect();
    let before: Vec<&str> = before.iter().map(String::as_str).collect();
    fails_with(
        &d,
        &["scan", "jobs.jsonl"],
        "jobs.jsonl:17: invalid JSON: expected `,` or `}` at column 36",
        &before,
    );
    let mut all = before.clone();
    all.push("r18");
    skips(
        &d,
        &["scan", "jobs.jsonl"],
        &["jobs.jsonl:17: invalid JSON: expected `,` or `}` at column 36"],
        &all,
    );
}

#[test]
fn jsonl_records_without_text_or_with_wrong_types() {
    let d = Dir::new();
    let input = [
        ok_line("a"),
        jsonl(json!({"id": "b", "body": "no text field"})),
        jsonl(json!({"id": "c", "text": ["not", "a", "string"]})),
        jsonl(json!({"id": {"x": 1}, "text": "bad id"})),
        jsonl(json!({"id": "e", "text": "bad lang", "lang": 7})),
        "[\"an array\"]\n".to_string(),
        "{\"text\": \"truncated\n".to_string(),
        ok_line("h"),
    ]
    .concat();
    d.file("x.jsonl", input);
    fails_with(
        &d,
        &["scan", "x.jsonl"],
        "x.jsonl:2: no \"text\" field",
        &["a"],
    );
    skips(
        &d,
        &["scan", "x.jsonl"],
        &[
            "x.jsonl:2: no \"text\" field",
            "x.jsonl:3: field \"text\" must be a string, found an array",
            "x.jsonl:4: field \"id\" must be a string or a number, found an object",
            "x.jsonl:5: field \"lang\" must be a string, found a number",
            "x.jsonl:6: not a JSON object (found an array)",
            "x.jsonl:7: invalid JSON: EOF while parsing a string at column 19",
        ],
        &["a", "h"],
    );
}

#[test]
fn invalid_utf8() {
    let d = Dir::new();
    d.file("lines.txt", b"good one\nbad \xC3\x28 here\ngood three\n");
    fails_with(
        &d,
        &["scan", "--lines", "lines.txt"],
        "lines.txt:2: invalid UTF-8 at byte 5 of the line (0xc3)",
        &["1"],
    );
    skips(
        &d,
        &["scan", "--lines", "lines.txt"],
        &["lines.txt:2: invalid UTF-8 at byte 5 of the line (0xc3)"],
        &["1", "3"],
    );

    // A whole-file document: the line and byte of the first bad byte.
    d.file("doc.txt", b"line one\nline two\n\xFFline three");
    fails_with(
        &d,
        &["scan", "doc.txt"],
        "doc.txt:3: invalid UTF-8 at byte 1 of the line (0xff)",
        &[],
    );

    // Inside a JSON string (serde_json reports it by column).
    d.file(
        "j.jsonl",
        [
            b"{\"text\": \"ok\"}\n".as_slice(),
            b"{\"text\": \"\xFF\"}\n",
        ]
        .concat(),
    );
    let r = d.run(&["scan", "j.jsonl"], None);
    r.expect_code(2);
    assert!(
        r.stderr
            .starts_with("error: j.jsonl:2: invalid JSON: invalid unicode code point"),
        "{}",
        r.stderr
    );

    // In a CSV field.
    d.file("c.csv", b"id,text\n1,fine\n2,bro\xFFken\n3,fine\n");
    fails_with(
        &d,
        &["scan", "c.csv"],
        "c.csv:3: invalid UTF-8 in column \"text\" at byte 4",
        &["1"],
    );
    skips(
        &d,
        &["scan", "c.csv"],
        &["c.csv:3: invalid UTF-8 in column \"text\" at byte 4"],
        &["1", "3"],
    );
}

#[test]
fn csv_without_the_column() {
    let d = Dir::new();
    d.file("a.csv", "title,body\nx,y\n");
    d.file("b.csv", "text\nfine\n");
    fails_with(
        &d,
        &["scan", "a.csv", "b.csv"],
        "a.csv:1: no column \"text\" in the header (columns: title, body)",
        &[],
    );
    skips(
        &d,
        &["scan", "a.csv", "b.csv"],
        &["a.csv:1: no column \"text\" in the header (columns: title, body)"],
        &["1"],
    );
    fails_with(
        &d,
        &["scan", "--id-column", "ref", "b.csv"],
        "b.csv:1: no column \"ref\" in the header (columns: text)",
        &[],
    );
    // A row too short to have the column.
    d.file(
        "short.csv",
        "id,title,text\n1,t,fine\n2,only two\n3,t,fine\n",
    );
    fails_with(
        &d,
        &["scan", "short.csv"],
        "short.csv:3: the row has no \"text\" field (too few fields)",
        &["1"],
    );
}

#[test]
fn empty_inputs() {
    let d = Dir::new();
    d.file("empty.txt", "");
    d.file("empty.jsonl.gz", gzip(b""));
    d.file("blank.jsonl", "\n  \n");
    d.file("header.csv", "id,text\n");
    d.file("ok.txt", "fine");
    fails_with(&d, &["scan", "empty.txt"], "empty.txt: empty input", &[]);
    fails_with(
        &d,
        &["scan", "empty.jsonl.gz"],
        "empty.jsonl.gz: empty input (after gzip decompression)",
        &[],
    );
    fails_with(
        &d,
        &["scan", "blank.jsonl"],
        "blank.jsonl: empty input: no JSON records",
        &[],
    );
    fails_with(
        &d,
        &["scan", "header.csv"],
        "header.csv: empty input: no CSV records after the header",
        &[],
    );
    let r = d.run(&["scan", "-"], Some(b""));
    r.expect_code(2);
    assert_eq!(r.stderr.trim_end(), "error: <stdin>: empty input");
    skips(
        &d,
        &["scan", "empty.txt", "ok.txt", "header.csv"],
        &[
            "empty.txt: empty input",
            "header.csv: empty input: no CSV records after the header",
        ],
        &["1"],
    );
}

#[test]
fn corrupt_gzip() {
    let d = Dir::new();
    let body: String = (0..3000).map(|i| ok_line(&format!("g{i}"))).collect();
    let gz = gzip(body.as_bytes());
    d.file("cut.jsonl.gz", &gz[..gz.len() / 2]);
    let r = d.run(&["scan", "cut.jsonl.gz"], None);
    no_panic(&r);
    r.expect_code(2);
    assert!(r.stderr.starts_with("error: cut.jsonl.gz:"), "{}", r.stderr);
    assert!(r.stderr.contains("corrupt gzip data"), "{}", r.stderr);
    let written = r.ids();
    assert!(
        !written.is_empty() && written.len() < 3000,
        "what was decompressed before the cut is written"
    );
}

#[test]
fn io_errors_exit_1() {
    let d = Dir::new();
    let r = d.run(&["scan", "missing.jsonl"], None);
    r.expect_code(1);
    assert!(
        r.stderr.starts_with("error: missing.jsonl: cannot open:"),
        "{}",
        r.stderr
    );
    // --skip-bad skips bad data, not a missing file.
    d.run(&["scan", "--skip-bad", "missing.jsonl"], None)
        .expect_code(1);
    let r = d.run(&["scan", "--packs", "no-such-dir", "-"], Some(b"x"));
    r.expect_code(1);
    assert!(r.stderr.contains("no-such-dir/lure.toml"), "{}", r.stderr);
}

/// A 50 MB single line is one big document, not an error; the same line broken at its end is an error
/// naming the line.
#[test]
fn fifty_megabyte_line() {
    let d = Dir::new();
    let words = [
        "job",
        "offer",
        "salary",
        "ok",
        "งาน",
        "việc",
        "招聘",
        "hello",
        "world",
    ];
    let mut text = String::with_capacity(50_000_100);
    let mut i = 0usize;
    while text.len() < 50_000_000 {
        text.push_str(words[i % words.len()]);
        text.push(' ');
        i = i.wrapping_mul(31).wrapping_add(7) % 1009;
    }
    let line = serde_json::to_string(&json!({"id": "big", "text": text})).unwrap();
    d.file("big.jsonl", format!("{line}\n{}", ok_line("after")));
    // The fixed test packs: this is about reading a huge line, not about the shipped patterns' speed.
    let packs = test_packs();
    let r = d.run(&["scan", "--packs", &packs, "big.jsonl"], None);
    no_panic(&r);
    r.expect_code(0);
    assert_eq!(r.ids(), ["big", "after"]);

    let broken = &line[..line.len() - 1];
    d.file("broken.jsonl", format!("{}{broken}\n", ok_line("before")));
    let r = d.run(&["scan", "broken.jsonl"], None);
    r.expect_code(2);
    assert!(
        r.stderr
            .starts_with("error: broken.jsonl:2: invalid JSON: EOF while parsing an object"),
        "{}",
        r.stderr
    );
    assert_eq!(r.ids(), ["before"]);
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new();
    d.run(&["scan", "--format", "xml"], None).expect_code(2);
    d.run(&["scan", "--threads", "0"], None).expect_code(2);
    let r = d.run(&["scan", "--lang", "xx"], None);
    r.expect_code(2);
    assert!(r.stderr.contains("unknown language \"xx\""), "{}", r.stderr);
}
