//! Knowledge the pages show, as data: hotlines by country (`web/hotlines.toml`) and the frontline
//! screening questions on the ILO's eleven indicators (`web/screening.toml`), each with its source.
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::i18n::LANGS;

/// A hotline a person can call.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hotline {
    /// ISO 3166 country code.
    pub country: String,
    /// Who answers.
    pub name: String,
    /// The number as dialled.
    pub number: String,
    /// When or for whom.
    #[serde(default)]
    pub note: String,
    /// Where this is published.
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HotlineFile {
    hotline: Vec<Hotline>,
}

/// One of the ILO's indicators of forced labour.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable id.
    pub id: String,
    /// Its name, per language.
    pub name: BTreeMap<String, String>,
}

/// One question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id.
    pub id: String,
    /// The indicator a "yes" points to.
    pub indicator: String,
    /// The question, per language.
    pub text: BTreeMap<String, String>,
}

/// The screening guide.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Screening {
    /// The publication the indicators come from.
    pub source: String,
    /// Its address.
    pub source_url: String,
    /// Per language: `source`, `reviewed` or `machine`.
    pub status: BTreeMap<String, String>,
    /// Answer labels per language: yes, no, unsure.
    pub answers: BTreeMap<String, [String; 3]>,
    /// The eleven indicators.
    pub indicator: Vec<Indicator>,
    /// The questions.
    pub question: Vec<Question>,
}

impl Screening {
    /// The indicator by id.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicator.iter().find(|i| i.id == id)
    }
}

/// Everything loaded.
#[derive(Debug)]
pub struct Data {
    /// Hotlines, in file order.
    pub hotlines: Vec<Hotline>,
    /// The screening guide.
    pub screening: Screening,
}

impl Data {
    /// Load and check the compiled-in files.
    pub fn load() -> Result<Data, String> {
        let h: HotlineFile = toml::from_str(include_str!("../../../web/hotlines.toml"))
            .map_err(|e| format!("web/hotlines.toml: {e}"))?;
        for (i, x) in h.hotline.iter().enumerate() {
            if !x.source.starts_with("https://") && !x.source.starts_with("http://") {
                return Err(format!(
                    "web/hotlines.toml: hotline {} ({}): source must be a URL",
                    i + 1,
                    x.name
                ));
            }
        }
        let s: Screening = toml::from_str(include_str!("../../../web/screening.toml"))
            .map_err(|e| format!("web/screening.toml: {e}"))?;
        if s.indicator.len() != 11 {
            return Err(format!(
                "web/screening.toml: {} indicators, the ILO lists 11",
                s.indicator.len()
            ));
        }
        for l in LANGS {
            if !s.status.contains_key(l) || !s.answers.contains_key(l) {
                return Err(format!(
                    "web/screening.toml: status or answers missing for {l}"
                ));
            }
            for i in &s.indicator {
                if !i.name.contains_key(l) {
                    return Err(format!(
                        "web/screening.toml: indicator {}: no name in {l}",
                        i.id
                    ));
                }
            }
            for q in &s.question {
                if !q.text.contains_key(l) {
                    return Err(format!(
                        "web/screening.toml: question {}: no text in {l}",
                        q.id
                    ));
                }
            }
        }
        for q in &s.question {
            if s.indicator(&q.indicator).is_none() {
                return Err(format!(
                    "web/screening.toml: question {}: unknown indicator {}",
                    q.id, q.indicator
                ));
            }
        }
        for i in &s.indicator {
            if !s.question.iter().any(|q| q.indicator == i.id) {
                return Err(format!(
                    "web/screening.toml: indicator {} has no question",
                    i.id
                ));
            }
        }
        Ok(Data {
            hotlines: h.hotline,
            screening: s,
        })
    }
}

/// The result of a screening: the indicators with a "yes" behind them, and the answers. Never a
/// verdict on the person.
pub fn indicators_present(
    s: &Screening,
    answers: &BTreeMap<String, String>,
) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for i in &s.indicator {
        let yes: Vec<String> = s
            .question
            .iter()
            .filter(|q| q.indicator == i.id && answers.get(&q.id).is_some_and(|a| a == "yes"))
            .map(|q| q.id.clone())
            .collect();
        if !yes.is_empty() {
            out.push((i.id.clone(), yes));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_load() {
        let d = Data::load().unwrap();
        assert!(!d.hotlines.is_empty());
        assert_eq!(d.screening.indicator.len(), 11);
    }

    #[test]
    fn only_yes_answers_make_an_indicator() {
        let d = Data::load().unwrap();
        let q = &d.screening.question[0];
        let mut a = BTreeMap::new();
        a.insert(q.id.clone(), "unsure".to_string());
        assert!(indicators_present(&d.screening, &a).is_empty());
        a.insert(q.id.clone(), "yes".to_string());
        assert_eq!(
            indicators_present(&d.screening, &a),
            vec![(q.indicator.clone(), vec![q.id.clone()])]
        );
    }
}
