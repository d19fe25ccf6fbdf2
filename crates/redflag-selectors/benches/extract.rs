//! Throughput of `extract` on real text: the SMS and job-ad sets in `../shared/data`, each
//! document extracted on its own as a scan would. Prints MB/s and documents/s per corpus and
//! overall. Run in release mode:
//!
//! ```text
//! cargo bench -p redflag-selectors --bench extract
//! ```
//! The selector counts are asserted non-zero, so a broken extractor cannot report a fast time.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use redflag_selectors::{Context, extract};

struct Corpus {
    name: &'static str,
    langs: &'static [&'static str],
    docs: Vec<String>,
}

fn csv_column(path: &Path, column: &str) -> Vec<String> {
    let Ok(mut rdr) = csv::Reader::from_path(path) else {
        return Vec::new();
    };
    let Ok(headers) = rdr.headers().cloned() else {
        return Vec::new();
    };
    let Some(i) = headers.iter().position(|h| h == column) else {
        return Vec::new();
    };
    rdr.records()
        .filter_map(Result::ok)
        .filter_map(|r| r.get(i).map(str::to_string))
        .collect()
}

fn load(data: &Path) -> Vec<Corpus> {
    let uci = std::fs::read_to_string(data.join("sms-spam-uci/SMSSpamCollection"))
        .map(|t| {
            t.lines()
                .filter_map(|l| l.split_once('\t'))
                .map(|(_, m)| m.to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut thai = Vec::new();
    for (file, col) in [
        ("sms-th-beebuzz/thai_sms_fraud_normal.csv", "text"),
        ("sms-th-punchpatcha/spamsmsdataset.csv", "v2"),
        ("sms-th-scamguard/sms_dataset.csv", "text"),
        ("sms-th-sivakorn/thai_sms_labelled.csv", "text"),
    ] {
        thai.extend(csv_column(&data.join(file), col));
    }
    vec![
        Corpus {
            name: "sms-spam-uci (en)",
            langs: &["en"],
            docs: uci,
        },
        Corpus {
            name: "thai sms, 4 sets (th)",
            langs: &["th"],
            docs: thai,
        },
        Corpus {
            name: "sms-vi-ie403 (vi)",
            langs: &["vi"],
            docs: csv_column(&data.join("sms-vi-ie403/dataset.csv"), "content"),
        },
        Corpus {
            name: "sms-spam-id (id)",
            langs: &["id"],
            docs: csv_column(&data.join("sms-spam-id/dataset_sms_spam_v1.csv"), "Teks"),
        },
        Corpus {
            name: "sms-spam-ph (tl)",
            langs: &["tl", "en"],
            docs: csv_column(&data.join("sms-spam-ph/SPAM_SMS.csv"), "text"),
        },
        Corpus {
            name: "emscad job ads (en)",
            langs: &["en"],
            docs: csv_column(&data.join("emscad/fake_job_postings.csv"), "description"),
        },
    ]
}

/// CPU time of this thread (Linux `/proc/thread-self/schedstat`, nanoseconds on CPU): on a
/// shared machine wall time mostly measures the neighbours.
fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        s.split_whitespace().next()?.parse().ok()?,
    ))
}

/// Run `extract` over the corpus until at least `min` has passed; returns wall and CPU time
/// per round, and the selectors found per round.
fn time(c: &Corpus, min: Duration) -> (f64, f64, usize) {
    let ctx = Context {
        langs: c.langs,
        ..Default::default()
    };
    let mut rounds = 0;
    let mut found = 0;
    let cpu0 = cpu_time();
    let start = Instant::now();
    while rounds == 0 || start.elapsed() < min {
        found = c.docs.iter().map(|d| extract(d, &ctx).len()).sum();
        rounds += 1;
    }
    let wall = start.elapsed().as_secs_f64() / rounds as f64;
    let cpu = cpu0.zip(cpu_time()).map_or(f64::NAN, |(a, b)| {
        b.saturating_sub(a).as_secs_f64() / rounds as f64
    });
    (wall, cpu, found)
}

fn main() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if !data.is_dir() {
        println!("SKIP: {} not found", data.display());
        return;
    }
    // Warm up lazily built automata and regexes.
    let _ = extract(
        "Tel: 081 234 5678 https://a.com @abcde",
        &Context::default(),
    );
    let corpora = load(&data);
    let (mut all_mb, mut all_docs, mut all_wall, mut all_cpu) = (0.0, 0usize, 0.0, 0.0);
    println!(
        "{:<24} {:>6} {:>6} {:>7} {:>9} {:>8} {:>9}",
        "corpus", "docs", "MB", "MB/s", "MB/CPU-s", "docs/s", "selectors"
    );
    for c in &corpora {
        if c.docs.is_empty() {
            println!("{:<24} missing", c.name);
            continue;
        }
        let mb = c.docs.iter().map(String::len).sum::<usize>() as f64 / 1e6;
        let (wall, cpu, found) = time(c, Duration::from_secs(2));
        assert!(found > 0, "{}: no selectors found", c.name);
        let docs = c.docs.len();
        println!(
            "{:<24} {docs:>6} {mb:>6.2} {:>7.1} {:>9.1} {:>8.0} {found:>9}",
            c.name,
            mb / wall,
            mb / cpu,
            docs as f64 / wall
        );
        all_mb += mb;
        all_docs += docs;
        all_wall += wall;
        all_cpu += cpu;
    }
    println!(
        "{:<24} {all_docs:>6} {all_mb:>6.2} {:>7.1} {:>9.1} {:>8.0}",
        "all",
        all_mb / all_wall,
        all_mb / all_cpu,
        all_docs as f64 / all_wall
    );
}
