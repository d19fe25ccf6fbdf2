//! A statistical classifier beside the rules: hashed character and word n-grams over the match view,
//! L2-regularised logistic regression trained by L-BFGS (argmin), Platt-calibrated on a held-out part of
//! the training data, stored in a small versioned file.
//!
//! The rules say what the public record describes; the model catches what no one wrote a rule for. Its
//! probability enters a task's score as one finding of its own (see `Engine::with_models`), explained by
//! the n-grams that pushed it most, and only for the languages and kinds of text it was trained on.
pub mod features;
mod file;
mod lr;
pub mod metrics;

use serde::{Deserialize, Serialize};

pub use file::FORMAT_VERSION;
pub use metrics::{Metrics, average_precision, best_f1_threshold, evaluate, roc_auc};

use features::Row;

/// What a model is, how it was trained and how well it did: the header of a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Its name, e.g. `job_ads`.
    pub name: String,
    /// The task whose score it adds to: `lure` or `scam`.
    pub task: String,
    /// Languages it was trained on (BCP-47); it adds to a score only for these.
    pub langs: Vec<String>,
    /// Kinds of text it was trained on (`job_ad`, `message`).
    pub kinds: Vec<String>,
    /// Number of hash buckets is `2^hash_bits`.
    pub hash_bits: u32,
    /// Buckets in fewer training texts were dropped.
    pub min_df: u32,
    /// Inverse L2 strength chosen (scikit-learn's `C`).
    pub c: f64,
    /// The values of `C` tried, chosen by average precision on the calibration part.
    pub c_grid: Vec<f64>,
    /// Seed of the fit/calibration split.
    pub seed: u64,
    /// L-BFGS iterations of the final fit.
    pub iterations: u64,
    /// Platt scaling: `P = σ(platt_a · margin + platt_b)`.
    pub platt_a: f64,
    /// See `platt_a`.
    pub platt_b: f64,
    /// Calibrated probability at or above which a text counts as positive (best weighted F1 on the
    /// calibration part).
    pub threshold: f64,
    /// The largest weight (log-odds) the model's finding may add to a score.
    pub max_weight: f64,
    /// Weighted share of positives in the training rows: the prior the calibrated probability carries,
    /// taken out again when the probability becomes evidence (a log-likelihood ratio) in a score.
    pub prior: f64,
    /// Rows used to fit, to calibrate, and in all (the final fit uses all of them).
    pub rows: RowCounts,
    /// Training data, split, dev metrics: filled by the trainer's caller, kept verbatim.
    #[serde(default)]
    pub extra: serde_json::Value,
}

/// Row counts of a training run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RowCounts {
    /// Rows of the first fit (hyper-parameter choice).
    pub fit: usize,
    /// Rows held out for calibration and the threshold.
    pub calibration: usize,
    /// Positives among all rows.
    pub positive: usize,
    /// All rows.
    pub total: usize,
}

/// A trained model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Its description.
    pub info: ModelInfo,
    bias: f32,
    weights: Vec<f32>,
    idf: Vec<f32>,
    /// Each bucket's idf and weight side by side (one cache line read per bucket when predicting).
    idf_weight: Vec<[f32; 2]>,
}

/// One training example.
#[derive(Debug, Clone, Copy)]
pub struct Example<'a> {
    /// The text (original; the model reads its match view).
    pub text: &'a str,
    /// Positive?
    pub label: bool,
    /// Sample weight (1.0 unless the data's class balance is not the real one).
    pub weight: f64,
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Model name.
    pub name: String,
    /// Task name (`lure` or `scam`).
    pub task: String,
    /// Languages of the training data.
    pub langs: Vec<String>,
    /// Kinds of text of the training data.
    pub kinds: Vec<String>,
    /// `2^hash_bits` buckets.
    pub hash_bits: u32,
    /// Values of `C` to try.
    pub c_grid: Vec<f64>,
    /// Seed for the fit/calibration split.
    pub seed: u64,
    /// Share of the training rows held out for choosing `C`, calibration and the threshold.
    pub calibration_fraction: f64,
    /// L-BFGS iteration limit per fit.
    pub max_iters: u64,
    /// Cap on the finding's weight.
    pub max_weight: f64,
    /// Buckets in fewer training texts than this are dropped (scikit-learn's `min_df`).
    pub min_df: u32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            name: "model".into(),
            task: "scam".into(),
            langs: vec![],
            kinds: vec![],
            hash_bits: 18,
            c_grid: vec![8.0, 64.0],
            seed: 42,
            calibration_fraction: 0.2,
            max_iters: 300,
            max_weight: 1.5,
            min_df: 2,
        }
    }
}

/// A deterministic pseudo-random generator (SplitMix64) for the split: no dependency, same on every platform.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// A view's probability with its n-gram counts and weighed features, ready to be explained.
#[derive(Debug, Clone)]
pub struct Assessed {
    /// Calibrated probability.
    pub p: f64,
    counts: Row,
    weighed: Row,
}

/// An n-gram's share in a prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// Byte range of its first occurrence in the match view.
    pub range: std::ops::Range<usize>,
    /// Its text in the match view.
    pub ngram: String,
    /// Weight × feature value: its share of the margin.
    pub value: f64,
}

/// The model reads at most this many bytes of a text's match view (a job ad or a message is far shorter;
/// a longer text is read from its start), so a huge document costs no more than a long job ad.
pub const MAX_VIEW_BYTES: usize = 64 * 1024;

/// The part of a view the model reads.
pub fn clip(view: &str) -> &str {
    &view[..view.floor_char_boundary(view.len().min(MAX_VIEW_BYTES))]
}

thread_local! {
    /// The vectoriser's buffers, reused by every text a thread reads.
    static SCRATCH: std::cell::RefCell<features::Scratch> = Default::default();
    /// Bucket number → its share of the margin per occurrence (NaN: not in the text), for explanations.
    static POSITION: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn rows_of(texts: &[&str], bits: u32) -> Vec<Row> {
    let mut scratch = features::Scratch::default();
    texts
        .iter()
        .map(|t| {
            features::counts(
                clip(redflag_text::match_view(t).as_str()),
                bits,
                &mut scratch,
            )
        })
        .collect()
}

/// Train a model. Deterministic for the same examples and options.
pub fn train(examples: &[Example<'_>], opts: &TrainOptions) -> Result<Model, String> {
    if !(8..=24).contains(&opts.hash_bits) {
        return Err(format!("hash bits must be 8..=24, not {}", opts.hash_bits));
    }
    let positive = examples.iter().filter(|e| e.label).count();
    if positive < 2 || examples.len() - positive < 2 {
        return Err(format!(
            "need at least two positive and two negative examples (have {positive} and {})",
            examples.len() - positive
        ));
    }
    if opts.c_grid.is_empty() || opts.c_grid.iter().any(|c| c.is_nan() || *c <= 0.0) {
        return Err("C must be positive".into());
    }
    let bits = opts.hash_bits;
    let dim = 1usize << bits;
    let texts: Vec<&str> = examples.iter().map(|e| e.text).collect();
    let rows = rows_of(&texts, bits);
    let y: Vec<f64> = examples
        .iter()
        .map(|e| f64::from(u8::from(e.label)))
        .collect();
    let w: Vec<f64> = examples.iter().map(|e| e.weight).collect();

    // Stratified, seeded split into fit and calibration parts.
    let mut rng = SplitMix64(opts.seed);
    let mut cal = vec![false; examples.len()];
    for class in [true, false] {
        let mut idx: Vec<usize> = (0..examples.len())
            .filter(|i| examples[*i].label == class)
            .collect();
        rng.shuffle(&mut idx);
        let n_cal = ((idx.len() as f64 * opts.calibration_fraction).round() as usize)
            .clamp(1, idx.len() - 1);
        for i in &idx[..n_cal] {
            cal[*i] = true;
        }
    }
    let part =
        |want: bool| -> Vec<usize> { (0..examples.len()).filter(|i| cal[*i] == want).collect() };
    let (fit_idx, cal_idx) = (part(false), part(true));

    // The optimiser works on the buckets that occur at all (compact indices, same order), so its dense
    // vectors are as short as the data allows.
    // Buckets seen in fewer than `min_df` training texts are dropped (they can only memorise).
    let mut df = vec![0u32; dim];
    for r in &rows {
        for i in &r.idx {
            df[*i as usize] += 1;
        }
    }
    let mut used = vec![u32::MAX; dim];
    let mut buckets = Vec::new();
    for (b, d) in df.iter().enumerate() {
        if *d >= opts.min_df.max(1) {
            used[b] = buckets.len() as u32;
            buckets.push(b);
        }
    }
    let rows: Vec<Row> = rows
        .into_iter()
        .map(|r| {
            let (idx, val) = r
                .idx
                .iter()
                .zip(&r.val)
                .filter(|(i, _)| used[**i as usize] != u32::MAX)
                .map(|(i, v)| (*i, *v))
                .unzip();
            Row { idx, val }
        })
        .collect();
    let cdim = buckets.len();
    let compact = |r: &Row| Row {
        idx: r.idx.iter().map(|i| used[*i as usize]).collect(),
        val: r.val.clone(),
    };

    // Idf from the fit part only (the calibration part must stay unseen), weighed rows.
    let fit_counts: Vec<Row> = fit_idx.iter().map(|i| rows[*i].clone()).collect();
    let idf_fit = features::idf(&fit_counts, bits);
    let weigh_all = |idf: &[f32]| -> Vec<Row> {
        rows.iter()
            .map(|r| {
                let mut r = r.clone();
                features::weigh(&mut r, idf);
                compact(&r)
            })
            .collect()
    };
    let weighed = weigh_all(&idf_fit);
    let pick = |idx: &[usize], v: &[f64]| -> Vec<f64> { idx.iter().map(|i| v[*i]).collect() };
    let fit_rows: Vec<Row> = fit_idx.iter().map(|i| weighed[*i].clone()).collect();
    let cal_rows: Vec<Row> = cal_idx.iter().map(|i| weighed[*i].clone()).collect();
    let (fit_y, fit_w) = (pick(&fit_idx, &y), pick(&fit_idx, &w));
    let (cal_y, cal_w) = (pick(&cal_idx, &y), pick(&cal_idx, &w));
    let cal_yb: Vec<bool> = cal_y.iter().map(|v| *v > 0.5).collect();

    let mut grid = opts.c_grid.clone();
    grid.sort_by(f64::total_cmp);
    let fit_csr = lr::Csr::from_rows(&fit_rows);
    let mut params = vec![0.0; cdim + 1];
    let mut best: Option<(f64, f64, Vec<f64>)> = None;
    for c in &grid {
        let (p, _) = lr::fit(
            lr::Problem {
                rows: &fit_csr,
                y: &fit_y,
                w: &fit_w,
                dim: cdim,
                c: *c,
                cache: Default::default(),
            },
            params.clone(),
            opts.max_iters,
        )?;
        let s = margins(&cal_rows, &p, cdim);
        let ap = average_precision(&s, &cal_yb, &cal_w).unwrap_or(0.0);
        if best.as_ref().is_none_or(|(b, _, _)| ap > *b + 1e-9) {
            best = Some((ap, *c, p.clone()));
        }
        params = p;
    }
    let (_, c, p) = best.ok_or("no fit")?;
    let cal_scores = margins(&cal_rows, &p, cdim);
    let (a, b) = lr::platt(&cal_scores, &cal_y, &cal_w);
    let cal_prob: Vec<f64> = cal_scores.iter().map(|s| lr::sigmoid(a * s + b)).collect();
    let threshold = best_f1_threshold(&cal_prob, &cal_yb, &cal_w);

    // Final fit on every row with the chosen C, idf from every row, warm-started.
    let idf = features::idf(&rows, bits);
    let all_rows = lr::Csr::from_rows(&weigh_all(&idf));
    drop(rows);
    let (p, iterations) = lr::fit(
        lr::Problem {
            rows: &all_rows,
            y: &y,
            w: &w,
            dim: cdim,
            c,
            cache: Default::default(),
        },
        p,
        opts.max_iters,
    )?;
    let mut weights = vec![0f32; dim];
    for (k, b) in buckets.iter().enumerate() {
        weights[*b] = p[k] as f32;
    }
    Ok(Model::new(
        ModelInfo {
            name: opts.name.clone(),
            task: opts.task.clone(),
            langs: opts.langs.clone(),
            kinds: opts.kinds.clone(),
            hash_bits: bits,
            min_df: opts.min_df,
            c,
            c_grid: grid,
            seed: opts.seed,
            iterations,
            platt_a: a,
            platt_b: b,
            threshold,
            max_weight: opts.max_weight,
            prior: y.iter().zip(&w).map(|(y, w)| y * w).sum::<f64>() / w.iter().sum::<f64>(),
            rows: RowCounts {
                fit: fit_idx.len(),
                calibration: cal_idx.len(),
                positive,
                total: examples.len(),
            },
            extra: serde_json::Value::Null,
        },
        p[cdim] as f32,
        weights,
        idf,
    ))
}

fn margins(rows: &[Row], p: &[f64], dim: usize) -> Vec<f64> {
    rows.iter()
        .map(|r| {
            p[dim]
                + r.idx
                    .iter()
                    .zip(&r.val)
                    .map(|(i, v)| p[*i as usize] * f64::from(*v))
                    .sum::<f64>()
        })
        .collect()
}

impl Model {
    fn new(info: ModelInfo, bias: f32, weights: Vec<f32>, idf: Vec<f32>) -> Model {
        let idf_weight = idf.iter().zip(&weights).map(|(i, w)| [*i, *w]).collect();
        Model {
            info,
            bias,
            weights,
            idf,
            idf_weight,
        }
    }

    fn row(&self, view: &str) -> Row {
        let view = clip(view);
        let mut r = SCRATCH.with_borrow_mut(|s| features::counts(view, self.info.hash_bits, s));
        features::weigh(&mut r, &self.idf);
        r
    }

    fn margin_of(&self, r: &Row) -> f64 {
        f64::from(self.bias)
            + r.idx
                .iter()
                .zip(&r.val)
                .map(|(i, v)| f64::from(self.weights[*i as usize]) * f64::from(*v))
                .sum::<f64>()
    }

    /// Calibrated probability of a margin.
    pub fn calibrate(&self, margin: f64) -> f64 {
        lr::sigmoid(self.info.platt_a * margin + self.info.platt_b)
    }

    /// Calibrated probability that `text` is positive.
    pub fn predict(&self, text: &str) -> f64 {
        self.predict_view(redflag_text::match_view(text).as_str())
    }

    /// Calibrated probability for a text already in its match view.
    pub fn predict_view(&self, view: &str) -> f64 {
        self.calibrate(self.margin_of(&self.row(view)))
    }

    /// Calibrated probability and the stretches of text that pushed it up most: at most `k`, largest
    /// first, not overlapping. Each n-gram's share of the margin is spread evenly over its bytes;
    /// a candidate is a word (in scripts that separate words) or a window of four characters (in
    /// those that do not), scored by the shares on its characters.
    pub fn explain_view(&self, view: &str, k: usize) -> (f64, Vec<Contribution>) {
        let a = self.assess_view(view);
        let top = self.explain_assessed(view, &a, k);
        (a.p, top)
    }

    /// Probability of a view, keeping what an explanation needs (so the engine can decide whether to
    /// explain without reading the text twice).
    pub fn assess_view(&self, view: &str) -> Assessed {
        let view = clip(view);
        let counts = SCRATCH.with_borrow_mut(|s| features::counts(view, self.info.hash_bits, s));
        // `features::weigh` and `margin_of` in one pass over the buckets, in the same order and
        // precision (so the same bits), reading idf and weight from one place.
        // The table reads first, independent of each other (so their cache misses overlap), then the
        // arithmetic.
        let iw: Vec<[f32; 2]> = counts
            .idx
            .iter()
            .map(|i| self.idf_weight[*i as usize])
            .collect();
        let mut val = Vec::with_capacity(counts.val.len());
        let mut norm = 0f64;
        for (c, [idf, _]) in counts.val.iter().zip(&iw) {
            let v = (1.0 + c.ln()) * idf;
            norm += f64::from(v) * f64::from(v);
            val.push(v);
        }
        if norm > 0.0 {
            let inv = (1.0 / norm.sqrt()) as f32;
            for v in &mut val {
                *v *= inv;
            }
        }
        let mut margin = f64::from(self.bias);
        let mut dot = -0.0f64; // what `Sum` for f64 starts from
        for ([_, w], v) in iw.iter().zip(&val) {
            dot += f64::from(*w) * f64::from(*v);
        }
        margin += dot;
        let weighed = Row {
            idx: counts.idx.clone(),
            val,
        };
        let p = self.calibrate(margin);
        Assessed { p, counts, weighed }
    }

    /// The explanation of an assessed view (see [`Model::explain_view`]).
    pub fn explain_assessed(&self, view: &str, a: &Assessed, k: usize) -> Vec<Contribution> {
        let view = clip(view);
        let (counts, r) = (&a.counts, &a.weighed);
        // Per n-gram occurrence: its bucket's share of the margin over its occurrences, spread evenly
        // over its characters (the heat of each byte of the view).
        let per_occurrence: Vec<f64> = r
            .idx
            .iter()
            .zip(&r.val)
            .zip(&counts.val)
            .map(|((i, v), n)| f64::from(self.weights[*i as usize]) * f64::from(*v) / f64::from(*n))
            .collect();
        // Each occurrence's share spread evenly over its bytes: a difference array, then prefix sums.
        let mut heat = vec![0f64; view.len() + 1];
        // Each bucket's share, looked up by bucket number (a dense table per thread, cleared after).
        POSITION.with_borrow_mut(|share| {
            let dim = 1usize << self.info.hash_bits;
            if share.len() < dim {
                share.resize(dim, f64::NAN);
            }
            for (b, v) in r.idx.iter().zip(&per_occurrence) {
                share[*b as usize] = *v;
            }
            features::for_each_ngram(view, self.info.hash_bits, |b, range| {
                let v = share[b as usize];
                if v.is_nan() {
                    return;
                }
                let d = v / (range.end - range.start).max(1) as f64;
                heat[range.start] += d;
                heat[range.end] -= d;
            });
            for b in &r.idx {
                share[*b as usize] = f64::NAN;
            }
        });
        let mut run = 0.0;
        for h in heat.iter_mut() {
            run += *h;
            *h = run;
        }
        // Candidates.
        let chars: Vec<(usize, char)> = view.char_indices().collect();
        // Candidates as (range, value); only the chosen ones get their text.
        let mut cand: Vec<(std::ops::Range<usize>, f64)> = Vec::new();
        let mut push = |a: usize, b: usize| {
            let (start, end) = (chars[a].0, chars.get(b).map_or(view.len(), |c| c.0));
            let value: f64 = heat[start..end].iter().sum();
            if value > 0.0 {
                cand.push((start..end, value));
            }
        };
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i].1;
            if !features::alnum(c) {
                i += 1;
                continue;
            }
            let spaced = features::wordy(c);
            let mut j = i;
            while j < chars.len()
                && features::alnum(chars[j].1)
                && features::wordy(chars[j].1) == spaced
            {
                j += 1;
            }
            if spaced || j - i <= 4 {
                push(i, j);
            } else {
                for s in i..=j - 4 {
                    push(s, s + 4);
                }
            }
            i = j;
        }
        cand.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.start.cmp(&b.0.start)));
        let mut out: Vec<Contribution> = Vec::new();
        for (range, value) in cand {
            if out.len() == k {
                break;
            }
            let overlaps = out
                .iter()
                .any(|o| o.range.start < range.end && range.start < o.range.end);
            let ngram = &view[range.clone()];
            let same = out.iter().any(|o| o.ngram == ngram);
            if !overlaps && !same {
                out.push(Contribution {
                    ngram: ngram.to_string(),
                    range,
                    value,
                });
            }
        }
        out
    }

    /// The raw margins (before calibration) of texts, for evaluation.
    pub fn margin(&self, text: &str) -> f64 {
        self.margin_of(&self.row(redflag_text::match_view(text).as_str()))
    }

    /// The evidence a calibrated probability carries, in log-odds: `logit(p) − logit(prior)`, floored at
    /// zero (the model only adds to a score) and capped at `max_weight` (it never swamps the rules).
    pub fn evidence(&self, p: f64) -> f64 {
        let logit = |x: f64| {
            let x = x.clamp(1e-9, 1.0 - 1e-9);
            (x / (1.0 - x)).ln()
        };
        (logit(p) - logit(self.info.prior)).clamp(0.0, self.info.max_weight)
    }

    /// Whether the model was trained on this language.
    pub fn knows_lang(&self, code: &str) -> bool {
        self.info.langs.iter().any(|l| l == code)
    }
}

#[cfg(test)]
mod tests;
