//! `redflag packs calibrate`: fit each task's band cut-points on the genuine texts of the labelled
//! datasets, so that in every dataset at most a fixed share of genuine texts reaches each band
//! (`redflag_core::FP_BUDGETS`), and report what that costs in recall where a set has positives.
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use rayon::prelude::*;
use redflag_core::{
    Calibration, Document, Engine, FP_BUDGETS, Lang, Task, TaskCalibration, fit_cuts,
};

use crate::datasets::{Class, DATASETS, TextKind};

/// Scores of one dataset's texts for every task.
struct Scored {
    name: &'static str,
    kind: TextKind,
    genuine: [Vec<f64>; 3],
    positive: [Vec<f64>; 3],
}

fn score(engine: &Engine, text: &str, lang: &str, kind: TextKind) -> [f64; 3] {
    let r = engine.analyze(&Document {
        id: String::new(),
        text,
        lang: Lang::from_code(lang),
        kind: Some(match kind {
            TextKind::JobAd => redflag_core::DocKind::JobAd,
            TextKind::Sms => redflag_core::DocKind::Message,
        }),
    });
    [r.lure.score, r.scam.score, r.distress.assessment.score]
}

/// Which task a dataset's positives are positives of: scam SMS for `scam`, fraudulent job ads for `lure`.
fn positive_task(kind: TextKind) -> usize {
    match kind {
        TextKind::JobAd => 0,
        TextKind::Sms => 1,
    }
}

/// Fit, print a report, and write the calibration file to `out` (or print it).
pub fn run(engine: &Engine, data: &Path, out: Option<&Path>) -> anyhow::Result<()> {
    let mut sets = Vec::new();
    for d in DATASETS {
        let rows = match d.read(data) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("warning: {}: {e:#}; skipped", d.name);
                continue;
            }
        };
        let scored: Vec<(Class, [f64; 3])> = rows
            .par_iter()
            .map(|r| (r.class, score(engine, &r.text, d.lang, d.kind)))
            .collect();
        let mut s = Scored {
            name: d.name,
            kind: d.kind,
            genuine: Default::default(),
            positive: Default::default(),
        };
        for (class, sc) in scored {
            let into = if class.is_genuine() {
                &mut s.genuine
            } else if class == Class::Scam {
                &mut s.positive
            } else {
                continue;
            };
            for (v, x) in into.iter_mut().zip(sc) {
                v.push(x);
            }
        }
        sets.push(s);
    }
    anyhow::ensure!(
        !sets.is_empty(),
        "no labelled dataset found under {}",
        data.display()
    );

    let old = engine.calibration();
    let mut fitted = Vec::new();
    let mut report = String::new();
    for (t, task) in Task::ALL.into_iter().enumerate() {
        let bias = old.get(task).bias;
        // Fit per dataset and keep the strictest cut, so the budget holds in every dataset, not on average.
        let per_set: Vec<TaskCalibration> = sets
            .iter()
            .filter(|s| !s.genuine[t].is_empty())
            .map(|s| fit_cuts(bias, &s.genuine[t]))
            .collect();
        let max = |f: fn(&TaskCalibration) -> f64| per_set.iter().map(f).fold(0.0, f64::max);
        let mut c = fit_cuts(bias, &[]);
        if !per_set.is_empty() {
            c = TaskCalibration {
                bias,
                low: max(|c| c.low),
                medium: max(|c| c.medium),
                high: max(|c| c.high),
                critical: max(|c| c.critical),
            };
        }
        let _ = writeln!(
            report,
            "{}: bias {bias}, cut-points low {} medium {} high {} critical {}",
            task.name(),
            c.low,
            c.medium,
            c.high,
            c.critical
        );
        for s in sets.iter().filter(|s| !s.genuine[t].is_empty()) {
            let share = |v: &[f64], cut: f64| {
                if v.is_empty() {
                    f64::NAN
                } else {
                    v.iter().filter(|&&x| x >= cut).count() as f64 / v.len() as f64
                }
            };
            let mut line = format!(
                "  {:<20} genuine at medium+ {:>6.2} % ({})",
                s.name,
                100.0 * share(&s.genuine[t], c.medium),
                s.genuine[t].len()
            );
            if positive_task(s.kind) == t && !s.positive[t].is_empty() {
                let _ = write!(
                    line,
                    ", positives at medium+ {:>6.2} % ({})",
                    100.0 * share(&s.positive[t], c.medium),
                    s.positive[t].len()
                );
            }
            let _ = writeln!(report, "{line}");
        }
        fitted.push((task, c));
    }
    eprint!("{report}");

    let mut file = String::from(
        "# Calibration of redflag's scores: score = logistic(bias + sum of the weights of the rules that fired);\n\
         # the band is the highest cut-point the score reaches (\"medium\" and above means \"act on it\").\n\
         # Written by `redflag packs calibrate --data DIR`; edit the biases by hand, then refit the cut-points.\n",
    );
    let budgets: Vec<String> = FP_BUDGETS
        .iter()
        .map(|b| format!("{} %", b * 100.0))
        .collect();
    let _ = writeln!(
        file,
        "method = \"cut-points fitted on the genuine texts of every labelled dataset ({}) so that each band (low, medium, high, critical) holds at most {} of them in every dataset, never below 0.1/0.5/0.8/0.95; biases hand-set\"",
        sets.iter().map(|s| s.name).collect::<Vec<_>>().join(", "),
        budgets.join(" / ")
    );
    for (task, c) in &fitted {
        let _ = write!(
            file,
            "\n[task.{}]\nbias = {:?}\nlow = {:?}\nmedium = {:?}\nhigh = {:?}\ncritical = {:?}\n",
            task.name(),
            c.bias,
            c.low,
            c.medium,
            c.high,
            c.critical
        );
    }
    // What we write must load.
    Calibration::parse("calibration.toml", &file).map_err(|e| anyhow::anyhow!("{e}"))?;
    match out {
        Some(p) => {
            std::fs::write(p, file).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => print!("{file}"),
    }
    Ok(())
}
