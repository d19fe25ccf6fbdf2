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
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            Error::syntax(file, line, e.message().trim().to_string())
        })?;
        for t in Task::ALL {
            let tc = c.task.get(t.name()).ok_or_else(|| Error::pack(file, format!("no [task.{}]", t.name())))?;
            let cuts = [tc.low, tc.medium, tc.high, tc.critical];
            let ordered = cuts.windows(2).all(|w| w[0] < w[1]);
            if !tc.bias.is_finite() || !ordered || tc.low <= 0.0 || tc.critical >= 1.0 {
                return Err(Error::pack(
                    file,
                    format!("[task.{}]: bias must be finite and 0 < low < medium < high < critical < 1", t.name()),
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
