//! `redflag train` and `redflag eval`: labelled texts in, a model (or its figures) out.
//!
//! Texts come from the known datasets (`--data DIR --dataset NAME`, read with their label maps in
//! `datasets.rs`) or from CSV/JSONL files (`--text-column`, repeatable and joined by newlines;
//! `--label-column`; `--positive`). Texts are de-duplicated across all sources before a seeded split, so
//! no text is on both sides; a text given with both labels is dropped.
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use redflag_core::model::{self, Example, Metrics, Model, TrainOptions};
use serde::Serialize;
use serde_json::json;

use crate::BadInput;
use crate::datasets::{DATASETS, TextKind};

/// Where labelled texts come from (shared by `train` and `eval`).
#[derive(Args, Clone)]
pub struct SourceArgs {
    /// CSV or JSONL files with a text and a label column.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Directory of the known labelled datasets (e.g. ../shared/data).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// A known dataset under --data (repeatable), read with its label map.
    #[arg(long = "dataset", value_name = "NAME")]
    pub datasets: Vec<String>,
    /// Files: text column(s); several are joined with newlines (empty ones left out).
    #[arg(long = "text-column", value_name = "NAME", default_value = "text")]
    pub text_columns: Vec<String>,
    /// Files: the label column.
    #[arg(long, value_name = "NAME", default_value = "label")]
    pub label_column: String,
    /// Files: label values that count as positive (repeatable).
    #[arg(long = "positive", value_name = "VALUE", default_value = "1")]
    pub positive: Vec<String>,
    /// Files: a column naming each row's group (figures per group); default: the file name.
    #[arg(long, value_name = "NAME")]
    pub group_column: Option<String>,
    /// Files: a column with each row's weight for figures at the real base rate.
    #[arg(long, value_name = "NAME")]
    pub weight_column: Option<String>,
    /// Seed of the train/dev split.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Share of the de-duplicated texts in the dev split (0 keeps every text for training, or, for eval
    /// of files, evaluates every row).
    #[arg(long, default_value_t = 0.2, value_name = "F")]
    pub dev_fraction: f64,
}

/// `redflag train`.
#[derive(Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Where to write the model.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Model name.
    #[arg(long, default_value = "model")]
    pub name: String,
    /// The score it adds to.
    #[arg(long, value_enum, default_value = "scam")]
    pub task: TaskArg,
    /// Languages of the training data (repeatable; default: the datasets' languages).
    #[arg(long = "lang", value_name = "CODE")]
    pub langs: Vec<String>,
    /// Kinds of text (repeatable; default: the datasets' kinds: job_ad, message).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// 2^BITS hash buckets.
    #[arg(long, default_value_t = 18, value_name = "BITS")]
    pub hash_bits: u32,
    /// Values of C (inverse L2 strength) to try (repeatable) [default: 8 64].
    #[arg(long = "c", value_name = "C")]
    pub c: Vec<f64>,
    /// Drop hash buckets seen in fewer than N training texts.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub min_df: u32,
    /// The largest log-odds the model's finding may add to a score.
    #[arg(long, default_value_t = 1.5)]
    pub max_weight: f64,
    /// Also write the split as DIR/train.jsonl and DIR/dev.jsonl (text, label, group, weight), e.g. for
    /// another tool to train on the same split. Never commit these: they hold the datasets' texts.
    #[arg(long, value_name = "DIR")]
    pub split_dir: Option<PathBuf>,
    /// How to print the dev figures.
    #[arg(long, value_enum, default_value = "table")]
    pub format: EvalFormat,
}

/// `redflag eval`.
#[derive(Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// A model file, or the name of a built-in model (job_ads, messages).
    #[arg(long, value_name = "FILE|NAME")]
    pub model: String,
    /// Probability threshold [default: the model's, fixed at training on held-out data].
    #[arg(long, value_name = "P")]
    pub threshold: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: EvalFormat,
}

/// Task a model adds to.
#[derive(Clone, Copy, ValueEnum)]
pub enum TaskArg {
    /// Trafficking lure (job ads).
    Lure,
    /// Scam (messages).
    Scam,
}

/// How figures print.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// Aligned table.
    Table,
    /// JSON.
    Json,
}

/// One labelled text.
#[derive(Debug, Clone, Serialize)]
pub struct LabelledRow {
    pub text: String,
    pub label: bool,
    pub group: String,
    /// Weight for figures at the real base rate.
    pub weight: f64,
    #[serde(skip)]
    lang: &'static str,
    #[serde(skip)]
    kind: &'static str,
}

/// CPU time of the calling thread in seconds (Linux: /proc/thread-self/schedstat, nanoseconds), for
/// per-core figures that other processes on the machine do not distort; `None` elsewhere.
pub fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn fnv64(seed: u64, s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.to_le_bytes().iter().chain(s.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn key(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What loading did, for the model's record.
#[derive(Debug, Default, Serialize)]
pub struct SplitStats {
    pub rows_read: usize,
    pub duplicates_removed: usize,
    pub conflicting_texts_dropped: usize,
    pub empty_dropped: usize,
    pub train: usize,
    pub dev: usize,
}

fn label_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.trim().to_string(),
        serde_json::Value::Bool(b) => u8::from(*b).to_string(),
        other => other.to_string(),
    }
}

fn read_file(path: &Path, a: &SourceArgs) -> anyhow::Result<Vec<LabelledRow>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let default_group = path
        .file_stem()
        .map_or("file".into(), |s| s.to_string_lossy().into_owned());
    let is_json = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson" | "json")
    );
    let mut out = Vec::new();
    let mut push = |line: u64,
                    parts: Vec<String>,
                    label: Option<String>,
                    group: Option<String>,
                    weight: Option<String>|
     -> anyhow::Result<()> {
        let Some(label) = label else {
            return Err(BadInput(format!(
                "{}:{line}: no label column {:?}",
                path.display(),
                a.label_column
            ))
            .into());
        };
        let weight = match weight {
            Some(w) => w.parse::<f64>().map_err(|_| {
                BadInput(format!(
                    "{}:{line}: weight {w:?} is not a number",
                    path.display()
                ))
            })?,
            None => 1.0,
        };
        out.push(LabelledRow {
            text: parts.join("\n"),
            label: a.positive.contains(&label),
            group: group.unwrap_or_else(|| default_group.clone()),
            weight,
            lang: "",
            kind: "",
        });
        Ok(())
    };
    if is_json {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let n = i as u64 + 1;
            let v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)
                .map_err(|e| BadInput(format!("{}:{n}: {e}", path.display())))?;
            let parts = a
                .text_columns
                .iter()
                .filter_map(|c| v.get(c).and_then(|x| x.as_str()))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let get = |c: &Option<String>| c.as_ref().and_then(|c| v.get(c)).map(label_string);
            push(
                n,
                parts,
                v.get(&a.label_column).map(label_string),
                get(&a.group_column),
                get(&a.weight_column),
            )?;
        }
    } else {
        let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers = crate::datasets::csv_headers(&mut r, path)?;
        let col = |c: &str| -> anyhow::Result<usize> {
            headers.iter().position(|h| h == c).ok_or_else(|| {
                BadInput(format!(
                    "{}:1: no column {c:?} (columns: {})",
                    path.display(),
                    headers.join(", ")
                ))
                .into()
            })
        };
        let text_cols = a
            .text_columns
            .iter()
            .map(|c| col(c))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let label_col = col(&a.label_column)?;
        let group_col = a.group_column.as_deref().map(col).transpose()?;
        let weight_col = a.weight_column.as_deref().map(col).transpose()?;
        for rec in r.records() {
            let rec = rec.map_err(|e| BadInput(format!("{}: bad CSV: {e}", path.display())))?;
            let n = rec.position().map_or(0, |p| p.line());
            let parts = text_cols
                .iter()
                .filter_map(|i| rec.get(*i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let get = |c: Option<usize>| c.and_then(|i| rec.get(i)).map(|s| s.trim().to_string());
            push(
                n,
                parts,
                get(Some(label_col)),
                get(group_col),
                get(weight_col),
            )?;
        }
    }
    Ok(out)
}

/// Every labelled row of the sources, in order (datasets first, then files).
pub fn load(a: &SourceArgs) -> anyhow::Result<Vec<LabelledRow>> {
    let mut rows = Vec::new();
    if !a.datasets.is_empty() {
        let Some(root) = &a.data else {
            bail!(BadInput("--dataset needs --data DIR".into()));
        };
        for name in &a.datasets {
            let d = DATASETS.iter().find(|d| d.name == name).ok_or_else(|| {
                BadInput(format!(
                    "unknown dataset {name:?} (known: {})",
                    DATASETS
                        .iter()
                        .map(|d| d.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            for r in d.read(root)? {
                let label = r.class.is_positive();
                rows.push(LabelledRow {
                    text: r.text,
                    label,
                    group: d.name.to_string(),
                    weight: if label { 1.0 } else { d.negative_weight },
                    lang: d.lang,
                    kind: match d.kind {
                        TextKind::Sms => "message",
                        TextKind::JobAd => "job_ad",
                    },
                });
            }
        }
    }
    for f in &a.files {
        rows.extend(read_file(f, a)?);
    }
    if rows.is_empty() {
        bail!(BadInput(
            "no labelled texts: give FILEs or --data DIR --dataset NAME".into()
        ));
    }
    Ok(rows)
}

/// De-duplicate (whitespace-insensitive), drop texts given with both labels, and split by a seeded hash
/// of the text: the same text always lands on the same side, whatever the order of the input.
pub fn split(
    rows: Vec<LabelledRow>,
    seed: u64,
    dev_fraction: f64,
) -> (Vec<LabelledRow>, Vec<LabelledRow>, SplitStats) {
    let mut stats = SplitStats {
        rows_read: rows.len(),
        ..Default::default()
    };
    let mut labels: HashMap<String, (bool, bool)> = HashMap::new();
    for r in &rows {
        let e = labels.entry(key(&r.text)).or_default();
        if r.label {
            e.0 = true;
        } else {
            e.1 = true;
        }
    }
    let mut seen = std::collections::HashSet::new();
    let (mut train, mut dev) = (Vec::new(), Vec::new());
    let cut = (dev_fraction.clamp(0.0, 1.0) * 1_000_000.0).round() as u64;
    for r in rows {
        let k = key(&r.text);
        if k.is_empty() {
            stats.empty_dropped += 1;
            continue;
        }
        if labels[&k] == (true, true) {
            stats.conflicting_texts_dropped += 1;
            continue;
        }
        if !seen.insert(k.clone()) {
            stats.duplicates_removed += 1;
            continue;
        }
        if fnv64(seed, &k) % 1_000_000 < cut {
            dev.push(r);
        } else {
            train.push(r);
        }
    }
    stats.train = train.len();
    stats.dev = dev.len();
    (train, dev, stats)
}

/// Figures for one group of rows.
#[derive(Debug, Serialize)]
pub struct GroupFigures {
    pub group: String,
    pub rows: usize,
    pub positive: usize,
    /// As sampled (every row weight 1).
    pub metrics: Metrics,
    /// With the rows' weights (the real base rate), when some weight is not 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted: Option<Metrics>,
}

/// Score rows with the model and compute figures per group and for all rows together.
pub fn figures(model: &Model, rows: &[LabelledRow], threshold: f64) -> (Vec<GroupFigures>, f64) {
    let cpu0 = thread_cpu_seconds();
    let started = Instant::now();
    let probs: Vec<f64> = rows.iter().map(|r| model.predict(&r.text)).collect();
    let secs = match (cpu0, thread_cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => started.elapsed().as_secs_f64(),
    };
    let mut groups: Vec<String> = Vec::new();
    for r in rows {
        if !groups.contains(&r.group) {
            groups.push(r.group.clone());
        }
    }
    let mut out = Vec::new();
    let all = "all".to_string();
    let with_all: Vec<&String> = if groups.len() > 1 {
        groups.iter().chain(std::iter::once(&all)).collect()
    } else {
        groups.iter().collect()
    };
    for g in with_all {
        let idx: Vec<usize> = (0..rows.len())
            .filter(|i| g == "all" || rows[*i].group == *g)
            .collect();
        let s: Vec<f64> = idx.iter().map(|i| probs[*i]).collect();
        let y: Vec<bool> = idx.iter().map(|i| rows[*i].label).collect();
        let w: Vec<f64> = idx.iter().map(|i| rows[*i].weight).collect();
        let ones = vec![1.0; idx.len()];
        out.push(GroupFigures {
            group: g.clone(),
            rows: idx.len(),
            positive: y.iter().filter(|y| **y).count(),
            metrics: model::evaluate(&s, &y, &ones, threshold),
            weighted: w
                .iter()
                .any(|w| *w != 1.0)
                .then(|| model::evaluate(&s, &y, &w, threshold)),
        });
    }
    (out, secs)
}

fn opt(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.4}"))
}

/// Print figures as a table or JSON.
pub fn print_figures(
    figs: &[GroupFigures],
    format: EvalFormat,
    extra: serde_json::Value,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if format == EvalFormat::Json {
        let mut v = json!({ "figures": figs });
        if let (Some(o), serde_json::Value::Object(e)) = (v.as_object_mut(), extra) {
            o.extend(e);
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<28} {:>6} {:>5} {:>9} {:>9} {:>7} {:>7} {:>8} {:>7}  {:>8} {:>8} {:>8} {:>8}",
        "group",
        "rows",
        "pos",
        "threshold",
        "precision",
        "recall",
        "F1",
        "ROC-AUC",
        "PR-AUC",
        "TP",
        "FP",
        "TN",
        "FN"
    )?;
    let line = |out: &mut dyn Write,
                name: &str,
                f: &GroupFigures,
                m: &Metrics|
     -> std::io::Result<()> {
        let one_class = f.positive == f.rows || f.positive == 0;
        let dash = |x: f64| {
            if one_class {
                "–".to_string()
            } else {
                format!("{x:.4}")
            }
        };
        writeln!(
            out,
            "{:<28} {:>6} {:>5} {:>9.4} {:>9} {:>7.4} {:>7} {:>8} {:>7}  {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            name,
            f.rows,
            f.positive,
            m.threshold,
            dash(m.precision),
            m.recall,
            dash(m.f1),
            opt(m.roc_auc),
            if one_class {
                "–".into()
            } else {
                opt(m.pr_auc)
            },
            m.tp,
            m.fp,
            m.tn,
            m.fn_
        )
    };
    for f in figs {
        line(&mut out, &f.group, f, &f.metrics)?;
        if let Some(w) = &f.weighted {
            line(&mut out, &format!("{} (real base rate)", f.group), f, w)?;
        }
    }
    if figs.iter().any(|f| f.positive == f.rows) {
        writeln!(
            out,
            "(a group with one class is scored by recall alone: precision, F1 and the areas need both classes)"
        )?;
    }
    if let serde_json::Value::Object(e) = extra {
        for (k, v) in e {
            if !v.is_null() {
                writeln!(out, "{k}: {v}")?;
            }
        }
    }
    Ok(())
}

/// `redflag train`.
pub fn train(a: TrainArgs) -> anyhow::Result<()> {
    let rows = load(&a.source)?;
    let (train, dev, stats) = split(rows, a.source.seed, a.source.dev_fraction);
    if let Some(dir) = &a.split_dir {
        std::fs::create_dir_all(dir)?;
        for (name, part) in [("train.jsonl", &train), ("dev.jsonl", &dev)] {
            let path = dir.join(name);
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(&path)
                    .with_context(|| format!("cannot write {}", path.display()))?,
            );
            for r in part.iter() {
                serde_json::to_writer(&mut f, r)?;
                f.write_all(b"\n")?;
            }
            f.flush()?;
        }
    }
    let uniq = |f: &dyn Fn(&LabelledRow) -> &'static str, given: &[String]| -> Vec<String> {
        if !given.is_empty() {
            return given.to_vec();
        }
        let mut v: Vec<String> = Vec::new();
        for r in &train {
            let x = f(r);
            if !x.is_empty() && !v.iter().any(|y| y == x) {
                v.push(x.to_string());
            }
        }
        v
    };
    let langs = uniq(&|r| r.lang, &a.langs);
    let kinds = uniq(&|r| r.kind, &a.kinds);
    let examples: Vec<Example> = train
        .iter()
        .map(|r| Example {
            text: &r.text,
            label: r.label,
            weight: 1.0,
        })
        .collect();
    let opts = TrainOptions {
        name: a.name.clone(),
        task: match a.task {
            TaskArg::Lure => "lure".into(),
            TaskArg::Scam => "scam".into(),
        },
        langs,
        kinds,
        hash_bits: a.hash_bits,
        c_grid: if a.c.is_empty() {
            TrainOptions::default().c_grid
        } else {
            a.c.clone()
        },
        seed: a.source.seed,
        max_weight: a.max_weight,
        min_df: a.min_df,
        ..TrainOptions::default()
    };
    let cpu0 = thread_cpu_seconds();
    let started = Instant::now();
    let mut m = model::train(&examples, &opts).map_err(|e| BadInput(e.to_string()))?;
    let train_secs = match (cpu0, thread_cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => started.elapsed().as_secs_f64(),
    };
    let mut data: Vec<serde_json::Value> = Vec::new();
    for g in train
        .iter()
        .chain(&dev)
        .map(|r| r.group.clone())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let count = |part: &[LabelledRow], pos: bool| {
            part.iter()
                .filter(|r| r.group == g && r.label == pos)
                .count()
        };
        data.push(json!({
            "group": g,
            "train_positive": count(&train, true), "train_negative": count(&train, false),
            "dev_positive": count(&dev, true), "dev_negative": count(&dev, false),
        }));
    }
    let (figs, _) = if dev.is_empty() {
        (Vec::new(), 0.0)
    } else {
        figures(&m, &dev, m.info.threshold)
    };
    m.info.extra = json!({
        "training_data": data,
        "datasets": a.source.datasets,
        "split": {
            "rule": "texts de-duplicated (whitespace-insensitive; a text with both labels dropped), then dev iff FNV-1a-64(seed as 8 LE bytes ++ text) mod 10^6 < dev_fraction × 10^6",
            "seed": a.source.seed,
            "dev_fraction": a.source.dev_fraction,
            "stats": stats,
        },
        "dev_figures": figs,
    });
    let bytes = m.to_bytes();
    std::fs::write(&a.out, &bytes).with_context(|| format!("cannot write {}", a.out.display()))?;
    eprintln!(
        "trained {} on {} texts ({} dev) in {:.2} s of CPU: C = {}, {} L-BFGS iterations, threshold {:.4}; wrote {} ({} bytes)",
        m.info.name,
        stats_train(&m),
        figs.first().map_or(0, |_| dev.len()),
        train_secs,
        m.info.c,
        m.info.iterations,
        m.info.threshold,
        a.out.display(),
        bytes.len()
    );
    print_figures(
        &figs,
        a.format,
        json!({ "train_cpu_seconds": train_secs, "train_texts": examples.len() }),
    )
}

fn stats_train(m: &Model) -> usize {
    m.info.rows.total
}

/// A model by path, or a built-in one by name.
pub fn load_model(spec: &str) -> anyhow::Result<Model> {
    if let Some(m) = redflag_core::builtin_model(spec) {
        return m.map_err(|e| anyhow::anyhow!("{e}"));
    }
    let bytes = std::fs::read(spec).with_context(|| format!("cannot read model {spec}"))?;
    Model::from_bytes(spec, &bytes).map_err(|e| BadInput(e.to_string()).into())
}

/// `redflag eval`.
pub fn eval(a: EvalArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let m = load_model(&a.model)?;
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    let rows = load(&a.source)?;
    // Known datasets: their dev split (as `train` made it, given the same seed and fraction). Files: every
    // row (they are usually a dev split written by `train --split-dir`).
    let dev = if a.source.datasets.is_empty() {
        rows
    } else {
        split(rows, a.source.seed, a.source.dev_fraction).1
    };
    let threshold = a.threshold.unwrap_or(m.info.threshold);
    let (figs, secs) = figures(&m, &dev, threshold);
    print_figures(
        &figs,
        a.format,
        json!({
            "model": m.info.name,
            "model_info": if a.format == EvalFormat::Json {
                serde_json::to_value(&m.info)?
            } else {
                serde_json::Value::Null
            },
            "model_load_ms": load_ms,
            "predict_cpu_seconds": secs,
            "texts_per_second_one_core": dev.len() as f64 / secs.max(1e-9),
        }),
    )
}
