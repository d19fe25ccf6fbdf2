//! `redflag check --image` and `redflag scan poster.png` (reading images is tested in redflag-ocr).
use std::process::Command;

use crate::common::{Dir, run};

#[test]
fn bad_images_are_bad_input() {
    let d = Dir::new();
    // A PNG header declaring 20000×10000 pixels: refused before decoding.
    let mut big = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    big.extend(20_000u32.to_be_bytes());
    big.extend(10_000u32.to_be_bytes());
    big.extend([8, 0, 0, 0, 0, 0, 0, 0, 0]);
    let p = d.file("big.png", &big);
    let r = run(&["check", "--image", p.to_str().unwrap()], None);
    r.expect_code(2);
    assert!(
        r.stderr.contains("big.png: 20000×10000 pixels")
            && r.stderr.contains("100 megapixel limit"),
        "{}",
        r.stderr
    );
    let p = d.file("broken.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00garbage");
    let r = run(&["scan", p.to_str().unwrap(), "--format", "jsonl"], None);
    r.expect_code(2);
    assert!(
        r.stderr.contains("broken.png: corrupt png image"),
        "{}",
        r.stderr
    );
    let p = d.file("text.txt", "not an image");
    let r = run(&["check", "--image", p.to_str().unwrap()], None);
    r.expect_code(2);
    assert!(
        r.stderr.contains("not a PNG, JPEG or WebP image"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_poster_is_read_by_ocr_and_assessed() {
    let ok = |p: &str| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !(ok("tesseract") && ok("pango-view")) {
        assert!(
            std::env::var_os("REDFLAG_REQUIRE_OCR").is_none(),
            "REDFLAG_REQUIRE_OCR is set but tesseract or pango-view is missing"
        );
        return;
    }
    let d = Dir::new();
    let poster = d.path().join("poster.png");
    let st = Command::new("pango-view")
        .args(["-q", "--margin=30", "-w", "560", "--font=Noto Sans 24"])
        .arg("--text=Easy job in Sihanoukville, no experience needed, free flight and visa. Telegram @hr_kh_jobs")
        .arg("-o")
        .arg(&poster)
        .status()
        .unwrap();
    assert!(st.success());
    let r = run(
        &[
            "check",
            "--image",
            poster.to_str().unwrap(),
            "--color",
            "never",
        ],
        None,
    );
    r.expect_code(0);
    assert!(
        r.stdout
            .contains("text from OCR (tesseract eng+vie+ind, script Latin), mean confidence"),
        "{}",
        r.stdout
    );
    let r = run(
        &["scan", poster.to_str().unwrap(), "--format", "jsonl"],
        None,
    );
    r.expect_code(0);
    let v = &r.reports()[0];
    assert_eq!(v["source"], "ocr");
    assert!(v["ocr"]["mean_confidence"].as_f64().unwrap() > 50.0);
    assert!(
        v["report"]["lure"]["band"] != "none" && v["report"]["lure"]["band"] != "low",
        "{v}"
    );
    let sel = &v["report"]["selectors"][0];
    assert_eq!(sel["value"], "hr_kh_jobs");
    let text: Vec<char> = v["text"].as_str().unwrap().chars().collect();
    let (s, e) = (
        sel["start"].as_u64().unwrap() as usize,
        sel["end"].as_u64().unwrap() as usize,
    );
    assert!(text[s..e].iter().collect::<String>().contains("hr_kh_jobs"));
}
