//! `redflag train` and `redflag eval` on a small synthetic CSV (texts written for the test).
use serde_json::Value;

use crate::common::Dir;

fn fixture(d: &Dir) -> std::path::PathBuf {
    let scam = [
        "Claim your prize now at the link",
        "Your account is locked, verify your bank details at the link",
        "You won a cash reward, send the fee to claim it",
        "Loan approved, transfer the fee to receive it today",
    ];
    let ham = [
        "See you at lunch tomorrow",
        "The meeting moved to three, tell the others",
        "Can you bring the books on Friday",
        "Thanks for dinner, it was lovely",
    ];
    let mut csv = String::from("title,body,label\n");
    for r in 0..12 {
        for s in scam {
            csv.push_str(&format!("Note {r},\"{s} {r}\",spam\n"));
        }
        for h in ham {
            csv.push_str(&format!("Note {r},\"{h} {r}\",ham\n"));
        }
    }
    d.file("sms.csv", csv)
}

#[test]
fn train_is_reproducible_and_eval_reports_every_figure() {
    let d = Dir::new();
    let data = fixture(&d);
    let data = data.to_str().unwrap();
    let out_a = d.path().join("a.rfm");
    let out_b = d.path().join("b.rfm");
    for out in [&out_a, &out_b] {
        d.run(
            &[
                "train",
                data,
                "--text-column",
                "title",
                "--text-column",
                "body",
                "--label-column",
                "label",
                "--positive",
                "spam",
                "--hash-bits",
                "14",
                "--seed",
                "7",
                "--lang",
                "en",
                "--kind",
                "message",
                "--out",
                out.to_str().unwrap(),
                "--format",
                "json",
            ],
            None,
        )
        .expect_code(0);
    }
    let a = std::fs::read(&out_a).unwrap();
    assert_eq!(
        a,
        std::fs::read(&out_b).unwrap(),
        "same data and seed, same bytes"
    );
    let r = d.run(
        &[
            "eval",
            "--model",
            out_a.to_str().unwrap(),
            data,
            "--text-column",
            "title",
            "--text-column",
            "body",
            "--positive",
            "spam",
            "--format",
            "json",
        ],
        None,
    );
    r.expect_code(0);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let m = &v["figures"][0]["metrics"];
    for k in [
        "threshold",
        "precision",
        "recall",
        "f1",
        "roc_auc",
        "pr_auc",
        "tp",
        "fp",
        "tn",
        "fn_",
    ] {
        assert!(m[k].is_number(), "{k} in {m}");
    }
    assert_eq!(v["figures"][0]["rows"], 96);
    assert!(m["f1"].as_f64().unwrap() > 0.9, "{m}");
    assert_eq!(v["model_info"]["langs"][0], "en");
    let table = d.run(
        &[
            "eval",
            "--model",
            out_a.to_str().unwrap(),
            data,
            "--text-column",
            "body",
            "--positive",
            "spam",
        ],
        None,
    );
    table.expect_code(0);
    assert!(table.stdout.starts_with("group"), "{}", table.stdout);
    assert!(table.stdout.contains("ROC-AUC") && table.stdout.contains("PR-AUC"));
}

#[test]
fn a_corrupted_or_foreign_model_is_refused_clearly() {
    let d = Dir::new();
    let data = fixture(&d);
    let model = d.path().join("m.rfm");
    d.run(
        &[
            "train",
            data.to_str().unwrap(),
            "--text-column",
            "body",
            "--positive",
            "spam",
            "--hash-bits",
            "12",
            "--out",
            model.to_str().unwrap(),
        ],
        None,
    )
    .expect_code(0);
    let mut bytes = std::fs::read(&model).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    let bad = d.file("bad.rfm", &bytes);
    let foreign = d.file("foreign.rfm", "{\"weights\": [1, 2, 3]}");
    for (file, msg) in [
        (bad, "checksum mismatch"),
        (foreign, "not a redflag model file"),
    ] {
        let r = d.run(
            &[
                "eval",
                "--model",
                file.to_str().unwrap(),
                data.to_str().unwrap(),
                "--text-column",
                "body",
            ],
            None,
        );
        r.expect_code(2);
        assert!(r.stderr.contains(msg), "{}", r.stderr);
    }
    let r = d.run(
        &[
            "train",
            "--data",
            "x",
            "--dataset",
            "nope",
            "--out",
            "m.rfm",
        ],
        None,
    );
    r.expect_code(2);
    assert!(
        r.stderr.contains("unknown dataset \"nope\""),
        "{}",
        r.stderr
    );
}
