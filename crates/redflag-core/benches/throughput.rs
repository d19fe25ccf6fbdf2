//! Throughput of the whole analysis (both views, language, all three packs, selectors) on one core,
//! side by side with the near-limit: a bare Aho-Corasick scan of the same phrase lists over the raw text.
//!
//! Rates are per CPU second of this thread (Linux `/proc/thread-self/stat`), so a machine shared with
//! other jobs does not skew them; wall-clock rates are printed beside them. One untimed pass over the
//! distinct texts first builds what the engine compiles lazily (numbering plans, DFA states), which a
//! long scan amortises.
//!
//! Corpus: the texts of `../shared/data` when present (`REDFLAG_BENCH_DATA` overrides), else the
//! bundled examples; repeated to `REDFLAG_BENCH_MB` (default 20) MB. Run: `cargo bench -p redflag-core`.
use std::time::Instant;

use aho_corasick::{AhoCorasickBuilder, MatchKind};
use redflag_core::{Document, Engine};

fn corpus_texts() -> Vec<String> {
    let dir = std::env::var("REDFLAG_BENCH_DATA").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").to_string()
    });
    let mut texts = Vec::new();
    let files = [
        "sms-spam-uci/SMSSpamCollection",
        "sms-spam-id/dataset_sms_spam_v1.csv",
        "sms-th-sivakorn/thai_sms_labelled.csv",
        "sms-vi-ie403/dataset.csv",
        "sms-spam-ph/SPAM_SMS.csv",
        "emscad/fake_job_postings.csv",
    ];
    for f in files {
        if let Ok(s) = std::fs::read_to_string(format!("{dir}/{f}")) {
            // One document per line: enough realism for throughput (short SMS, long job-ad lines).
            texts.extend(
                s.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_string),
            );
        }
    }
    if texts.is_empty() {
        let ex = include_str!("../../../examples/ads.jsonl");
        for l in ex.lines() {
            let v: serde_json::Value = serde_json::from_str(l).expect("example JSONL");
            texts.push(v["text"].as_str().unwrap_or_default().to_string());
        }
    }
    texts
}

/// CPU seconds used by this thread so far (user + system), or `None` off Linux.
fn thread_cpu() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ is 100 on Linux
}

/// Wall and CPU seconds of `f`, repeated until it has used at least `min_cpu` CPU seconds (the
/// clock ticks at 10 ms); returns per-run seconds and the result of the last run.
fn timed<T>(min_cpu: f64, mut f: impl FnMut() -> T) -> (f64, Option<f64>, T) {
    let (t, c0) = (Instant::now(), thread_cpu());
    let mut runs = 0;
    loop {
        let out = f();
        runs += 1;
        let cpu = thread_cpu().zip(c0).map(|(a, b)| a - b);
        if cpu.is_none_or(|c| c >= min_cpu) {
            let n = f64::from(runs);
            return (t.elapsed().as_secs_f64() / n, cpu.map(|c| c / n), out);
        }
    }
}

fn main() {
    let mb: usize = std::env::var("REDFLAG_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let base = corpus_texts();
    let mut docs = Vec::new();
    let mut bytes = 0;
    while bytes < mb << 20 {
        for t in &base {
            bytes += t.len();
            docs.push(t.as_str());
        }
    }
    let engine = Engine::builtin().expect("bundled packs");
    let phrases: Vec<String> = engine
        .phrase_list()
        .iter()
        .map(|(_, _, p)| p.to_lowercase())
        .collect();
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&phrases)
        .expect("automaton");

    let (ac_wall, ac_cpu, ac_hits) = timed(2.0, || {
        docs.iter()
            .map(|d| ac.find_overlapping_iter(*d).count())
            .sum::<usize>()
    });

    let analyze = |d: &str, i: usize| {
        let r = engine.analyze(&Document::new(i.to_string(), d));
        (
            r.lure.findings.len() + r.scam.findings.len() + r.distress.assessment.findings.len(),
            r.selectors.len(),
        )
    };
    // Warm-up: every distinct text once (lazily compiled numbering plans, lazy DFA states).
    let (warm, _, _) = timed(0.0, || {
        for (i, d) in base.iter().enumerate() {
            analyze(d, i);
        }
    });
    let (rf_wall, rf_cpu, (findings, selectors)) = timed(0.0, || {
        docs.iter()
            .enumerate()
            .map(|(i, d)| analyze(d, i))
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    // The counts double as a sanity check: a benchmark that finds nothing measures nothing.
    assert!(
        ac_hits > 0 && findings > 0,
        "the corpus must exercise the packs"
    );

    let mbs = |s: f64| bytes as f64 / (1 << 20) as f64 / s;
    println!(
        "corpus: {} docs, {:.1} MB, {} phrases",
        docs.len(),
        bytes as f64 / (1 << 20) as f64,
        phrases.len()
    );
    let (ac_s, rf_s, clock) = match (ac_cpu, rf_cpu) {
        (Some(a), Some(r)) => (a, r, "CPU"),
        _ => (ac_wall, rf_wall, "wall"),
    };
    println!(
        "bare aho-corasick : {:>8.1} MB/s per {clock} second ({:.1} MB/s wall)  ({ac_hits} phrase hits)",
        mbs(ac_s),
        mbs(ac_wall)
    );
    println!(
        "redflag analyze   : {:>8.1} MB/s per {clock} second ({:.1} MB/s wall)  ({findings} findings, {selectors} selectors), {:.0} docs/s",
        mbs(rf_s),
        mbs(rf_wall),
        docs.len() as f64 / rf_s
    );
    println!("warm-up (each distinct text once, lazy compilation included): {warm:.2} s wall");
    println!("ratio (bare AC / redflag, one core): {:.2}x", rf_s / ac_s);
}
