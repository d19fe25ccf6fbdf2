//! The output of an analysis: the stable JSON contract other tools build on (see the README).
use serde::Serialize;

use crate::{Band, Role, SelectorKind};

/// Everything redflag says about one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The input's id or, absent one, its 1-based record number.
    pub id: String,
    /// Language code (given or detected).
    pub lang: String,
    /// Trafficking-lure assessment.
    pub lure: Assessment,
    /// Scam assessment.
    pub scam: Assessment,
    /// Distress assessment.
    pub distress: Distress,
    /// Selectors, in text order.
    pub selectors: Vec<Selector>,
}

/// The assessment of one task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// Probability-like score in [0,1].
    #[serde(serialize_with = "round4")]
    pub score: f64,
    /// Its band.
    pub band: Band,
    /// The rules that fired, largest contribution first.
    pub findings: Vec<Finding>,
}

/// The distress assessment: the plain assessment plus triage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distress {
    /// Score, band, findings.
    #[serde(flatten)]
    pub assessment: Assessment,
    /// Triage order: 0 no plea; 1 a plea; 2 a plea with one priority flag; 3 with two or more.
    pub urgency: u8,
    /// Priority flags raised: violence, medical, minor, imminent_transfer.
    pub flags: Vec<String>,
}

/// One rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// Rule category.
    pub category: String,
    /// Start, in Unicode scalar values into the input text.
    pub start: usize,
    /// End (exclusive), in Unicode scalar values.
    pub end: usize,
    /// The original text of the span.
    pub text: String,
    /// Why it matters, in the text's language (English fallback).
    pub explain: String,
    /// The explanation's language.
    pub explain_lang: String,
    /// `reviewed` or `machine`.
    pub explain_status: String,
    /// Its contribution to the log-odds.
    pub weight: f64,
}

/// A selector found in the text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Selector {
    /// Kind.
    pub kind: SelectorKind,
    /// Canonical value (E.164, lower-case handle, registrable domain, checksummed address).
    pub value: String,
    /// Exactly the input text at `start..end`.
    pub raw: String,
    /// Start, in Unicode scalar values into the input text.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// Whether it validated (what that means depends on the kind).
    pub valid: bool,
    /// contact, victim or hotline.
    pub role: Role,
    /// Set when the same span yields several candidates (a local number whose region the text leaves open).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ambiguous: bool,
}

fn round4<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((x * 10_000.0).round() / 10_000.0)
}
