//! Near-duplicate recall and precision on planted template families.
//!
//! Bases: the job-ad descriptions of EMSCAD and the SMS texts (th, vi, id, tl, en) of `../shared/data`
//! (`REDFLAG_SHARED_DATA` overrides), 60 characters or more, with exact and near duplicates among
//! them removed (exact shingle Jaccard ≥ 0.4 to an earlier base). Families: `FAMILIES` bases each
//! get 3–6 members that differ only in a phone number, a salary and/or a place (the planted
//! sentence); all other bases are singletons (distractors). A pair is positive when both are from
//! one family; predicted families are the union-find components of the LSH pairs, as `redflag dups`
//! builds them. Prints pairwise precision and recall per threshold.
//!
//! Run: `cargo bench -p redflag-store --bench dups`
use std::collections::{HashMap, HashSet};
use std::time::Instant;

use redflag_store::cluster::UnionFind;
use redflag_store::minhash::{SHINGLE, Signature, similar_pairs, template_text};

const FAMILIES: usize = 400;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn read_texts(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let csvs = [
        ("emscad/fake_job_postings.csv", "description"),
        ("sms-th-sivakorn/thai_sms_labelled.csv", ""),
        ("sms-th-scamguard/sms_dataset.csv", "text"),
        ("sms-vi-ie403/dataset.csv", ""),
        ("sms-spam-id/dataset_sms_spam_v1.csv", ""),
        ("sms-spam-ph/SPAM_SMS.csv", ""),
    ];
    for (file, column) in csvs {
        let Ok(mut r) = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(format!("{dir}/{file}"))
        else {
            continue;
        };
        let headers = r.headers().cloned().unwrap_or_default();
        // The named column, else the longest field of the row.
        let col = headers.iter().position(|h| h == column);
        for rec in r.records().flatten() {
            let t = match col {
                Some(c) => rec.get(c).unwrap_or("").to_string(),
                None => rec.iter().max_by_key(|f| f.len()).unwrap_or("").to_string(),
            };
            let t: String = t.chars().take(700).collect();
            if t.chars().count() >= 60 {
                out.push(t);
            }
        }
    }
    if let Ok(s) = std::fs::read_to_string(format!("{dir}/sms-spam-uci/SMSSpamCollection")) {
        for l in s.lines() {
            let t = l.split_once('\t').map_or(l, |x| x.1);
            if t.chars().count() >= 60 {
                out.push(t.to_string());
            }
        }
    }
    out
}

fn shingles(t: &str) -> HashSet<String> {
    let c: Vec<char> = template_text(t).chars().collect();
    if c.len() < SHINGLE {
        return std::iter::once(c.iter().collect()).collect();
    }
    c.windows(SHINGLE).map(|w| w.iter().collect()).collect()
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let i = a.intersection(b).count();
    i as f64 / (a.len() + b.len() - i).max(1) as f64
}

const PLACES: [&str; 8] = [
    "Sihanoukville",
    "Poipet",
    "Bavet",
    "Myawaddy",
    "Phnom Penh",
    "Tachileik",
    "Bangkok",
    "Dubai",
];
const PLANTS: [&str; 4] = [
    " Salary {S} USD per month, work in {P}, contact WhatsApp {T}.",
    " Gaji {S} USD sebulan di {P}. Hubungi WA {T}",
    " เงินเดือน {S} ดอลลาร์ ทำงานที่ {P} ติดต่อ {T}",
    " Lương {S} USD/tháng tại {P}, liên hệ Zalo {T}",
];

fn main() {
    let dir = std::env::var("REDFLAG_SHARED_DATA").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").to_string()
    });
    let raw = read_texts(&dir);
    if raw.len() < FAMILIES * 2 {
        eprintln!(
            "dups bench: too few texts under {dir} ({}); skipped",
            raw.len()
        );
        return;
    }
    // Distinct bases: drop exact template duplicates, then near duplicates by exact Jaccard.
    let mut seen = HashSet::new();
    let raw: Vec<String> = raw
        .into_iter()
        .filter(|t| seen.insert(template_text(t)))
        .collect();
    let sigs: Vec<Signature> = raw.iter().map(|t| Signature::of(t)).collect();
    let mut drop = HashSet::new();
    let sets: Vec<HashSet<String>> = raw.iter().map(|t| shingles(t)).collect();
    for (i, j, _) in similar_pairs(&sigs, 0.0) {
        if !drop.contains(&i) && jaccard(&sets[i], &sets[j]) >= 0.4 {
            drop.insert(j);
        }
    }
    let bases: Vec<&String> = raw
        .iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|x| x.1)
        .collect();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    // Families over the first FAMILIES bases of a shuffled order; the rest are singletons.
    let mut order: Vec<usize> = (0..bases.len()).collect();
    for i in (1..order.len()).rev() {
        let j = rng.below(i + 1);
        order.swap(i, j);
    }
    let mut texts = Vec::new();
    let mut family = Vec::new();
    let mut exact_min = 1.0f64;
    for (f, &b) in order.iter().enumerate() {
        let base = bases[b];
        if f < FAMILIES {
            let plant = PLANTS[rng.below(PLANTS.len())];
            let n = 3 + rng.below(4);
            let (s0, p0, t0) = (
                1000 + rng.below(3000),
                rng.below(PLACES.len()),
                rng.below(90_000_000),
            );
            let mut first: Option<HashSet<String>> = None;
            for m in 0..n {
                // Member 0 is the original; each other one changes one slot, or all three.
                let (mut s, mut p, mut t) = (s0, p0, t0);
                match m % 4 {
                    1 => t = rng.below(90_000_000),
                    2 => s = 1000 + rng.below(3000),
                    3 => p = (p0 + 1 + rng.below(PLACES.len() - 1)) % PLACES.len(),
                    _ if m > 0 => {
                        t = rng.below(90_000_000);
                        s = 1000 + rng.below(3000);
                        p = (p0 + 1) % PLACES.len();
                    }
                    _ => {}
                }
                let sentence = plant
                    .replace("{S}", &format!("{},{:03}", s / 1000, s % 1000))
                    .replace("{P}", PLACES[p])
                    .replace(
                        "{T}",
                        &format!(
                            "+66 8{} {:03} {:04}",
                            t % 10,
                            (t / 10) % 1000,
                            t / 10_000 % 10_000
                        ),
                    );
                let text = format!("{base}{sentence}");
                let set = shingles(&text);
                if let Some(f0) = &first {
                    exact_min = exact_min.min(jaccard(f0, &set));
                } else {
                    first = Some(set);
                }
                texts.push(text);
                family.push(f);
            }
        } else {
            texts.push(base.clone());
            family.push(f);
        }
    }
    let t0 = Instant::now();
    let sigs: Vec<Signature> = texts.iter().map(|t| Signature::of(t)).collect();
    let sign_s = t0.elapsed().as_secs_f64();
    let mut fam_size: HashMap<usize, u64> = HashMap::new();
    for &f in &family {
        *fam_size.entry(f).or_default() += 1;
    }
    let true_pairs: u64 = fam_size.values().map(|n| n * (n - 1) / 2).sum();
    println!(
        "{} texts: {} planted families ({} same-family pairs; lowest exact Jaccard to the original {:.2}), {} singletons; signatures {:.2} s",
        texts.len(),
        FAMILIES,
        true_pairs,
        exact_min,
        bases.len() - FAMILIES,
        sign_s
    );
    println!("threshold  precision  recall  predicted_pairs  families_found  seconds");
    for threshold in [0.4, 0.5, 0.6, 0.7, 0.8] {
        let t1 = Instant::now();
        let pairs = similar_pairs(&sigs, threshold);
        let mut uf = UnionFind::new(texts.len());
        for (i, j, _) in &pairs {
            uf.union(*i as u32, *j as u32);
        }
        let secs = t1.elapsed().as_secs_f64();
        // Pairs predicted together, and those also planted together.
        let mut comp: HashMap<u32, HashMap<usize, u64>> = HashMap::new();
        for (i, &f) in family.iter().enumerate() {
            *comp
                .entry(uf.find(i as u32))
                .or_default()
                .entry(f)
                .or_default() += 1;
        }
        let mut predicted = 0u64;
        let mut correct = 0u64;
        let mut found = 0u64;
        for fams in comp.values() {
            let n: u64 = fams.values().sum();
            predicted += n * (n - 1) / 2;
            correct += fams.values().map(|k| k * (k - 1) / 2).sum::<u64>();
            if n > 1 {
                found += 1;
            }
        }
        let precision = if predicted == 0 {
            1.0
        } else {
            correct as f64 / predicted as f64
        };
        let recall = correct as f64 / true_pairs.max(1) as f64;
        println!(
            "{threshold:>9.2}  {precision:>9.4}  {recall:>6.4}  {predicted:>15}  {found:>14}  {secs:>7.3}"
        );
    }
}
