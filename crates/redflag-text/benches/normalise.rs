//! Throughput of both views on real text, next to a bare Aho-Corasick scan of the raw text (the
//! yardstick the scan pipeline is held to). Run: `cargo bench -p redflag-text --bench normalise`.
//!
//! Corpora are read at run time from the shared datasets (`$REDFLAG_DATA`, else `../shared/data` next
//! to the workspace): English job ads (EMSCAD; as is, and its pure-ASCII lines), Indonesian, Thai and
//! Vietnamese SMS; Chinese from `benches/data/zh_sample.txt` (no shared dataset has Chinese). Each is
//! repeated to about 8 MB. A missing corpus is skipped with a note. `REDFLAG_BENCH_ONLY=th` runs the
//! corpora whose name contains `th`.
use std::path::PathBuf;
use std::time::{Duration, Instant};

use aho_corasick::AhoCorasick;
use redflag_text::{match_view, selector_view};

const TARGET: usize = 8 << 20;

fn data_dir() -> PathBuf {
    std::env::var_os("REDFLAG_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn load(rel: &str) -> Option<String> {
    let p = data_dir().join(rel);
    match std::fs::read(&p) {
        Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Err(e) => {
            eprintln!("skipping {}: {e}", p.display());
            None
        }
    }
}

fn grow(s: &str) -> String {
    let mut out = String::with_capacity(TARGET + s.len());
    while out.len() < TARGET {
        out.push_str(s);
        out.push('\n');
    }
    out
}

/// Best-of-N seconds for `f` (at least 5 runs and 1.5 s).
fn time(mut f: impl FnMut() -> usize) -> f64 {
    let mut best = f64::INFINITY;
    let start = Instant::now();
    let mut runs = 0;
    let mut sink = 0;
    while runs < 5 || start.elapsed() < Duration::from_millis(1500) {
        let t = Instant::now();
        sink ^= f();
        best = best.min(t.elapsed().as_secs_f64());
        runs += 1;
    }
    std::hint::black_box(sink);
    best
}

fn main() {
    let phrases = [
        "telegram",
        "whatsapp",
        "no experience",
        "high salary",
        "gaji tinggi",
        "tanpa pengalaman",
        "việc làm",
        "lương cao",
        "งาน",
        "รายได้",
        "เงินเดือน",
        "高薪",
        "无需经验",
        "月薪",
        "passport",
        "help me",
        "ငွေ",
        "ប្រាក់ខែ",
        "line id",
        "wechat",
    ];
    let ac = AhoCorasick::new(phrases).expect("automaton");

    let mut corpora: Vec<(&str, String)> = Vec::new();
    if let Some(en) = load("emscad/fake_job_postings.csv") {
        let ascii: String = en
            .lines()
            .filter(|l| l.is_ascii())
            .flat_map(|l| [l, "\n"])
            .collect();
        corpora.push(("en (EMSCAD, ASCII lines)", ascii));
        corpora.push(("en (EMSCAD, as is)", en));
    }
    for (name, rel) in [
        ("id (SMS)", "sms-spam-id/dataset_sms_spam_v1.csv"),
        ("th (SMS)", "sms-th-sivakorn/thai_sms_labelled.csv"),
        ("vi (SMS)", "sms-vi-ie403/dataset.csv"),
    ] {
        if let Some(t) = load(rel) {
            corpora.push((name, t));
        }
    }
    let zh: String = include_str!("data/zh_sample.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| [l, "\n"])
        .collect();
    corpora.push(("zh (sample)", zh));

    println!(
        "{:<26} {:>8} {:>12} {:>12} {:>12} {:>10}",
        "corpus", "MB", "match MB/s", "select MB/s", "AC raw MB/s", "map B/KB"
    );
    let only = std::env::var("REDFLAG_BENCH_ONLY").unwrap_or_default();
    for (name, text) in corpora
        .into_iter()
        .filter(|(n, _)| n.contains(only.as_str()))
    {
        let text = grow(&text);
        let mb = text.len() as f64 / 1e6;
        let m = time(|| match_view(&text).len());
        let s = time(|| selector_view(&text).len());
        let a = time(|| ac.find_overlapping_iter(&text).count());
        let v = match_view(&text);
        let map_bytes = v.map_bytes();
        println!(
            "{:<26} {:>8.1} {:>12.0} {:>12.0} {:>12.0} {:>10.1}",
            name,
            mb,
            mb / m,
            mb / s,
            mb / a,
            map_bytes as f64 / (text.len() as f64 / 1024.0)
        );
    }
}
