//! Every input format, compression, stdin sniffing and record numbering.
use serde_json::json;

use crate::common::{Dir, gzip, jsonl, run};

/// The text a report's findings and selectors point into must be the input's: check through `raw`.
fn texts_of(run: &crate::common::Run) -> Vec<(String, String)> {
    run.reports()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["lang"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn text_file_is_one_document() {
    let d = Dir::new();
    d.file("ad.txt", "Line one of the ad.\nLine two, call @hr_team\n");
    let r = d.run(&["scan", "ad.txt"], None);
    r.expect_code(0);
    assert_eq!(r.ids(), ["1"]);
    assert_eq!(
        r.stderr, "",
        "no progress bar or chatter when stderr is not a terminal"
    );
}

#[test]
fn text_lines_are_documents_numbered_by_line() {
    let d = Dir::new();
    // CRLF and an empty line: every line is a record, so the id stays the line number.
    d.file("ads.txt", "first ad\r\n\r\nthird ad\n");
    let r = d.run(&["scan", "--lines", "ads.txt"], None);
    r.expect_code(0);
    assert_eq!(r.ids(), ["1", "2", "3"]);
}

#[test]
fn jsonl_ids_strings_numbers_and_record_numbers() {
    let d = Dir::new();
    let input = [
        jsonl(json!({"id": "a-1", "text": "one"})),
        "\n".to_string(), // blank lines are not records
        jsonl(json!({"id": 17, "text": "two", "extra": {"ignored": true}})),
        jsonl(json!({"text": "three", "kind": "job_ad"})),
        jsonl(json!({"id": 2.5, "text": "four", "id_note": null})),
        jsonl(json!({"id": null, "text": "five"})),
    ]
    .concat();
    // A BOM and CRLF line ends are tolerated.
    let input = format!("\u{feff}{}", input.replace('\n', "\r\n"));
    d.file("in.jsonl", input);
    let r = d.run(&["scan", "in.jsonl"], None);
    r.expect_code(0);
    assert_eq!(r.ids(), ["a-1", "17", "3", "2.5", "5"]);
}

#[test]
fn jsonl_lang_is_used_and_unknown_codes_mean_detect() {
    let d = Dir::new();
    let input = [
        jsonl(json!({"id": "th", "lang": "th", "text": "hello there"})),
        jsonl(json!({"id": "en-US", "lang": "en-US", "text": "สวัสดีครับ"})),
        jsonl(json!({"id": "fr", "lang": "fr", "text": "สวัสดีครับ ยินดีต้อนรับ"})),
    ]
    .concat();
    d.file("in.ndjson", input);
    let r = d.run(&["scan", "in.ndjson"], None);
    r.expect_code(0);
    let langs = texts_of(&r);
    assert_eq!(
        langs[0],
        ("th".into(), "th".into()),
        "given language wins over the text"
    );
    assert_eq!(langs[1], ("en-US".into(), "en".into()), "primary subtag");
    assert_ne!(
        langs[2].1, "fr",
        "an unknown code is not echoed: the language is detected"
    );
    // --lang fills in only where the record gives none.
    let r = d.run(&["scan", "--lang", "vi", "in.ndjson"], None);
    assert_eq!(texts_of(&r)[0].1, "th");
    assert_eq!(texts_of(&r)[2].1, "vi");
}

#[test]
fn csv_columns() {
    let d = Dir::new();
    d.file(
        "ads.csv",
        "ref,body,id,lang\nr1,\"Multi-line\nad, with comma\",x-1,en\nr2,second ad,,\nr3,third,x-3,km\n",
    );
    let r = d.run(&["scan", "--text-column", "body", "ads.csv"], None);
    r.expect_code(0);
    assert_eq!(
        r.ids(),
        ["x-1", "2", "x-3"],
        "the `id` column by default; empty id → record number"
    );
    assert_eq!(texts_of(&r)[2].1, "km", "the `lang` column is used");
    let r = d.run(
        &[
            "scan",
            "--text-column",
            "body",
            "--id-column",
            "ref",
            "ads.csv",
        ],
        None,
    );
    r.expect_code(0);
    assert_eq!(r.ids(), ["r1", "r2", "r3"]);
    // The default text column is `text`.
    d.file("plain.csv", "\u{feff}text\nhello\n");
    d.run(&["scan", "plain.csv"], None).expect_code(0);
}

#[test]
fn gzip_by_extension_and_by_magic_bytes() {
    let d = Dir::new();
    let body = [
        jsonl(json!({"id": "g1", "text": "one"})),
        jsonl(json!({"id": "g2", "text": "two"})),
    ]
    .concat();
    d.file("a.jsonl.gz", gzip(body.as_bytes()));
    // Named .jsonl but compressed: the magic bytes decide.
    d.file("b.jsonl", gzip(body.as_bytes()));
    // Two gzip members back to back (cat a.gz b.gz) are one stream.
    let mut two = gzip(b"text\nc1\n");
    two.extend(gzip(b"c2\n"));
    d.file("c.csv.gz", two);
    let r = d.run(
        &[
            "scan",
            "a.jsonl.gz",
            "b.jsonl",
            "c.csv.gz",
            "--format",
            "csv",
        ],
        None,
    );
    r.expect_code(0);
    let ids: Vec<&str> = r
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["g1", "g2", "g1", "g2", "5", "6"]);
}

#[test]
fn stdin_is_sniffed() {
    let lines = [
        jsonl(json!({"id": "s1", "text": "one"})),
        jsonl(json!({"id": "s2", "text": "two"})),
    ]
    .concat();
    let r = run(&["scan"], Some(lines.as_bytes()));
    r.expect_code(0);
    assert_eq!(
        r.ids(),
        ["s1", "s2"],
        "a first line that is a JSON object means JSONL"
    );

    let r = run(&["scan", "-"], Some(b"{not json\nsecond line\n"));
    r.expect_code(0);
    assert_eq!(r.ids(), ["1"], "anything else is one text document");

    let r = run(&["scan", "-", "--lines"], Some(b"[1, 2]\nsecond line\n"));
    assert_eq!(
        r.ids(),
        ["1", "2"],
        "a JSON array is not an object: text, here by line"
    );

    let r = run(&["scan"], Some(&gzip(lines.as_bytes())));
    assert_eq!(r.ids(), ["s1", "s2"], "gzip on stdin, then sniffed");

    let r = run(&["scan", "--input", "text"], Some(lines.as_bytes()));
    assert_eq!(r.ids(), ["1"], "--input overrides sniffing");
}

#[test]
fn unknown_extension_is_sniffed_and_input_overrides() {
    let d = Dir::new();
    d.file("feed.json", jsonl(json!({"id": "j", "text": "x"})));
    d.file("feed.dat", "text\nfrom csv\n");
    let r = d.run(&["scan", "feed.json"], None);
    assert_eq!(r.ids(), ["j"]);
    let r = d.run(&["scan", "--input", "csv", "feed.dat"], None);
    r.expect_code(0);
    assert_eq!(r.ids(), ["1"]);
}

#[test]
fn record_numbers_count_across_files() {
    let d = Dir::new();
    d.file("a.txt", "whole file");
    d.file(
        "b.jsonl",
        [
            jsonl(json!({"text": "x"})),
            jsonl(json!({"id": "named", "text": "y"})),
            jsonl(json!({"text": "z"})),
        ]
        .concat(),
    );
    d.file("c.txt", "l1\nl2\n");
    let r = d.run(&["scan", "a.txt", "b.jsonl", "--lines", "c.txt"], None);
    r.expect_code(0);
    // --lines applies to text files only: a.txt is line-split too (one line), b.jsonl is JSONL.
    assert_eq!(r.ids(), ["1", "2", "named", "4", "5", "6"]);
    let r = d.run(&["scan", "-", "a.txt", "-"], None);
    r.expect_code(2);
    assert!(
        r.stderr.contains("stdin (`-`) can be read only once"),
        "{}",
        r.stderr
    );
}
