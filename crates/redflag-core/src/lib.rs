//! # redflag-core
//!
//! The redflag engine: it scores a text for three things — a trafficking **lure** (a job ad built to
//! recruit people into a scam compound), a **scam** (romance-investment, fake crypto platform, task scam)
//! and **distress** (a trafficked person asking for help) — explains every score with the rules that
//! caused it, and pulls out the contact **selectors** (phone numbers, handles, wallets, links), validated.
//!
//! The library is pure: it does no I/O of its own, and [`Engine`] is `Send + Sync`, so callers (the CLI,
//! the server, the Python bindings) share one engine across threads.
//!
//! ```
//! use redflag_core::{Document, Engine};
//! let engine = Engine::builtin().expect("the bundled packs load");
//! let report = engine.analyze(&Document::new("1", "Easy job in Sihanoukville, no experience, flight and visa paid. Telegram @hr_kh_jobs"));
//! assert!(report.lure.band.is_flagged());
//! assert!(report.selectors.iter().any(|s| s.value == "hr_kh_jobs"));
//! ```
#![warn(missing_docs)]

mod calibration;
mod engine;
mod error;
mod matcher;
pub mod model;
pub mod pack;
mod report;
pub mod watchlist;

pub use calibration::{Calibration, DEFAULT_CUTS, FP_BUDGETS, TaskCalibration, fit_cuts};
pub use engine::{
    DocKind, Document, Engine, ExampleFailure, JOB_AD_MIN_CHARS, PackSource, builtin_model,
    builtin_models,
};
pub use error::{Error, ErrorKind};
pub use redflag_langid::Lang;
pub use redflag_selectors::{Kind as SelectorKind, Role};
pub use report::{Assessment, Distress, Finding, Report, Selector};
pub use watchlist::{ListFile, Watchlists};

use serde::Serialize;

/// The three things redflag scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// A job ad built to recruit people into a scam compound.
    Lure,
    /// A scam message (romance-investment, crypto platform, task scam, smishing).
    Scam,
    /// A trafficked person, or their family, asking for help.
    Distress,
}

impl Task {
    /// All tasks, in output order.
    pub const ALL: [Task; 3] = [Task::Lure, Task::Scam, Task::Distress];
    /// Its name in packs and output.
    pub fn name(self) -> &'static str {
        match self {
            Task::Lure => "lure",
            Task::Scam => "scam",
            Task::Distress => "distress",
        }
    }
    /// Parse a name.
    pub fn from_name(s: &str) -> Option<Task> {
        Task::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// A score's band; `medium` and above means "act on it".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    /// Nothing of note.
    None,
    /// Some signals, not enough to act.
    Low,
    /// Act on it.
    Medium,
    /// Strong.
    High,
    /// Overwhelming.
    Critical,
}

impl Band {
    /// Medium or above.
    pub fn is_flagged(self) -> bool {
        self >= Band::Medium
    }
    /// Its name in output.
    pub fn name(self) -> &'static str {
        match self {
            Band::None => "none",
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::Critical => "critical",
        }
    }
}
