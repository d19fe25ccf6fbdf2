//! Calibration: each task's bias and the probability cut-points of its bands (`packs/calibration.toml`).
//!
//! score = logistic(bias + Σ weights of the rules that fired); the band is the highest cut-point the
//! score reaches. Keeping these numbers in a file lets them be refitted on new labelled data without
//! touching the rules or the code.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::{Band, Task};

/// Calibration of one task.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaskCalibration {
    /// Log-odds of the task when no rule fires.
    pub bias: f64,
    /// Lowest score of band `low`.
    pub low: f64,
    /// Lowest score of band `medium` ("act on it").
    pub medium: f64,
    /// Lowest score of band `high`.
    pub high: f64,
    /// Lowest score of band `critical`.
    pub critical: f64,
}

impl TaskCalibration {
    /// The band of a score.
    pub fn band(&self, score: f64) -> Band {
        if score >= self.critical {
            Band::Critical
        } else if score >= self.high {
            Band::High
        } else if score >= self.medium {
            Band::Medium
        } else if score >= self.low {
            Band::Low
        } else {
            Band::None
        }
    }
}

/// Calibration of all tasks.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// How the numbers were obtained (free text, for the record).
    pub method: String,
    /// Per task.
    pub task: BTreeMap<String, TaskCalibration>,
}

impl Calibration {
    /// Parse and check a calibration file.
    pub fn parse(file: &str, text: &str) -> Result<Calibration, Error> {
        let c: Calibration = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            Error::syntax(file, line, e.message().trim().to_string())
        })?;
        for t in Task::ALL {
            let tc = c
                .task
                .get(t.name())
                .ok_or_else(|| Error::pack(file, format!("no [task.{}]", t.name())))?;
            let cuts = [tc.low, tc.medium, tc.high, tc.critical];
            let ordered = cuts.windows(2).all(|w| w[0] < w[1]);
            if !tc.bias.is_finite() || !ordered || tc.low <= 0.0 || tc.critical >= 1.0 {
                return Err(Error::pack(
                    file,
                    format!(
                        "[task.{}]: bias must be finite and 0 < low < medium < high < critical < 1",
                        t.name()
                    ),
                ));
            }
        }
        Ok(c)
    }

    /// The calibration of a task (present: checked at parse time).
    pub fn get(&self, task: Task) -> &TaskCalibration {
        &self.task[task.name()]
    }
}

/// The share of genuine texts each band may hold at most when cut-points are fitted:
/// low 10 %, medium 2 %, high 0.5 %, critical 0.1 %.
pub const FP_BUDGETS: [f64; 4] = [0.10, 0.02, 0.005, 0.001];

/// The cut-points used where data cannot push them higher.
pub const DEFAULT_CUTS: [f64; 4] = [0.1, 0.5, 0.8, 0.95];

/// Fit a task's cut-points on the scores of genuine (negative) texts: each band starts at the smallest
/// score that at most its [`FP_BUDGETS`] share of genuine texts reach, and never below [`DEFAULT_CUTS`].
/// The bias is kept as given: it says how likely a text with no evidence is, which labelled sets with
/// their inflated positive shares cannot tell.
pub fn fit_cuts(bias: f64, genuine_scores: &[f64]) -> TaskCalibration {
    let mut s: Vec<f64> = genuine_scores
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    s.sort_by(|a, b| b.total_cmp(a));
    let n = s.len();
    let cut = |i: usize| -> f64 {
        let budget = FP_BUDGETS[i];
        let allowed = (budget * n as f64).floor() as usize;
        // Scores at or above the cut may be reached by at most `allowed` genuine texts: put the cut just
        // above the (allowed+1)-th highest genuine score.
        let fitted = s.get(allowed).map_or(0.0, |x| next_up(*x));
        fitted.max(DEFAULT_CUTS[i]).min(0.999)
    };
    let mut cuts = [cut(0), cut(1), cut(2), cut(3)];
    for i in 1..4 {
        if cuts[i] <= cuts[i - 1] {
            cuts[i] = next_up(cuts[i - 1]).min(0.999);
        }
    }
    TaskCalibration {
        bias,
        low: cuts[0],
        medium: cuts[1],
        high: cuts[2],
        critical: cuts[3],
    }
}

/// The next representable value above `x`, rounded up to 4 decimals so the file stays readable.
fn next_up(x: f64) -> f64 {
    ((x * 10_000.0).floor() + 1.0) / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_cuts_respect_the_budgets() {
        // 1000 genuine texts: 900 at 0.02, 60 at 0.3, 30 at 0.6, 9 at 0.9, 1 at 0.99.
        let mut g = vec![0.02; 900];
        g.extend([0.3; 60]);
        g.extend([0.6; 30]);
        g.extend([0.9; 9]);
        g.push(0.99);
        let c = fit_cuts(-4.0, &g);
        let share = |cut: f64| g.iter().filter(|&&x| x >= cut).count() as f64 / g.len() as f64;
        assert!(
            share(c.low) <= 0.10
                && share(c.medium) <= 0.02
                && share(c.high) <= 0.005
                && share(c.critical) <= 0.001,
            "{c:?}"
        );
        assert_eq!(c.low, 0.1, "the default holds when data allows it");
        assert!(c.medium > 0.6 && c.medium < 0.61, "{c:?}");
        assert!(c.low < c.medium && c.medium < c.high && c.high < c.critical && c.critical < 1.0);
    }

    #[test]
    fn no_data_gives_the_defaults() {
        let c = fit_cuts(-3.0, &[]);
        assert_eq!([c.low, c.medium, c.high, c.critical], DEFAULT_CUTS);
        assert_eq!(c.bias, -3.0);
    }
}
