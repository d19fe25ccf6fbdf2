//! Throughput of the whole analysis (both views, language, all three packs, selectors) on one core,
//! side by side with the near-limit: a bare Aho-Corasick scan of the same phrase lists over the raw text.
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

    let t = Instant::now();
    let mut ac_hits = 0usize;
    for d in &docs {
        ac_hits += ac.find_overlapping_iter(*d).count();
    }
    let ac_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let (mut findings, mut selectors) = (0usize, 0usize);
    for (i, d) in docs.iter().enumerate() {
        let r = engine.analyze(&Document::new(i.to_string(), d));
        findings +=
            r.lure.findings.len() + r.scam.findings.len() + r.distress.assessment.findings.len();
        selectors += r.selectors.len();
    }
    let rf_s = t.elapsed().as_secs_f64();
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
    println!(
        "bare aho-corasick : {:>8.1} MB/s  ({ac_hits} phrase hits)",
        mbs(ac_s)
    );
    println!(
        "redflag analyze   : {:>8.1} MB/s  ({findings} findings, {selectors} selectors), {:.0} docs/s",
        mbs(rf_s),
        docs.len() as f64 / rf_s
    );
    println!("ratio (bare AC / redflag, one core): {:.2}x", rf_s / ac_s);
}
