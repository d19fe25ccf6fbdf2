//! The stages of a pig-butchering conversation, loaded from `packs/thread_stages.toml` (data, with a
//! public source per stage). A message shows a stage when one of its findings has a category the
//! stage lists (the rule packs already know wrong-number openers, moves to another app, investment
//! pitches, fees to withdraw) or when one of the stage's cue phrases occurs in it (the cues that mean
//! little in one message but mark a stage in a thread: small talk of trust-building, a first deposit).
use std::collections::{BTreeMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

/// The repository's stage file, embedded at build time.
pub const BUILTIN: &str = include_str!("../../../packs/thread_stages.toml");

/// One stage.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Identifier (snake_case), used in output.
    pub id: String,
    /// Position in the scheme, 1 = first contact.
    pub order: u32,
    /// What it is, in English.
    pub name: String,
    /// Log-odds the stage adds to the thread's scam score when any message shows it.
    pub weight: f64,
    /// Finding categories (of the rule packs) that show this stage.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Rule ids that show this stage whatever their category says (a rule listed here counts for this
    /// stage only: `scam.romance_stranger_opener` sits in category `romance_to_investment` but is trust-building).
    #[serde(default)]
    pub rules: Vec<String>,
    /// Cue phrases per language, matched like pack phrases (normalised both sides; Latin on word boundaries).
    #[serde(default)]
    pub phrases: BTreeMap<String, Vec<String>>,
    /// The public description of the stage this rests on.
    pub source: String,
    /// Its address.
    #[serde(default)]
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    version: String,
    bias: f64,
    order_bonus: f64,
    min_stages_for_order: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    meta: Meta,
    stage: Vec<Stage>,
}

/// The compiled stage set.
#[derive(Debug)]
pub struct StageSet {
    /// The stages, by `order`.
    pub stages: Vec<Stage>,
    /// The file's version.
    pub version: String,
    /// Thread log-odds before any stage.
    pub bias: f64,
    /// Added when at least `min_stages_for_order` stages appear in their order.
    pub order_bonus: f64,
    /// See `order_bonus`.
    pub min_stages_for_order: usize,
    ac: AhoCorasick,
    /// Per automaton pattern: (stage index, phrase as written, needs word boundaries).
    cues: Vec<(usize, String, bool)>,
}

/// A cue phrase found in a text: the stage and the phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueHit {
    /// Index into [`StageSet::stages`].
    pub stage: usize,
    /// The phrase as written in the file.
    pub phrase: String,
}

impl StageSet {
    /// The repository's stage set, checked against the given names ([`StageSet::known_names`]).
    pub fn builtin(known: &[&str]) -> Result<StageSet, String> {
        StageSet::parse("thread_stages.toml", BUILTIN, known)
    }

    /// The names a stage may list: the rule packs' finding categories and rule ids.
    pub fn known_names(engine: &redflag_core::Engine) -> Vec<&str> {
        let mut c: Vec<&str> = engine
            .packs()
            .iter()
            .flat_map(|p| {
                p.rules
                    .iter()
                    .flat_map(|r| [r.category.as_str(), r.id.as_str()])
            })
            .collect();
        c.sort_unstable();
        c.dedup();
        c
    }

    /// Parse and check a stage file. `known` are the rule packs' categories and rule ids; a stage naming
    /// another is an error (a typo would silently never fire).
    pub fn parse(file: &str, text: &str, known: &[&str]) -> Result<StageSet, String> {
        let f: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| {
                text[..s.start.min(text.len())].lines().count().max(1)
            });
            format!("{file}:{line}: {}", e.message())
        })?;
        let mut stages = f.stage;
        stages.sort_by_key(|s| s.order);
        let mut ids = HashSet::new();
        let mut orders = HashSet::new();
        for s in &stages {
            let at = |what: String| format!("{file}: stage {:?}: {what}", s.id);
            if s.id.is_empty()
                || !s
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
            {
                return Err(at("id must be snake_case".into()));
            }
            if !ids.insert(s.id.clone()) {
                return Err(at("duplicate id".into()));
            }
            if !orders.insert(s.order) {
                return Err(at(format!("order {} used twice", s.order)));
            }
            if !s.weight.is_finite() {
                return Err(at("weight must be a finite number".into()));
            }
            if s.source.trim().is_empty() {
                return Err(at(
                    "needs a source (a public description of this stage)".into()
                ));
            }
            for c in &s.categories {
                if c.contains('.') || !known.contains(&c.as_str()) {
                    return Err(at(format!(
                        "category {c:?} is not a category of the rule packs"
                    )));
                }
            }
            for r in &s.rules {
                if !r.contains('.') || !known.contains(&r.as_str()) {
                    return Err(at(format!("rule {r:?} is not a rule of the rule packs")));
                }
            }
            if s.categories.is_empty()
                && s.rules.is_empty()
                && s.phrases.values().all(Vec::is_empty)
            {
                return Err(at("needs categories, rules or phrases".into()));
            }
        }
        if !(f.meta.bias.is_finite() && f.meta.order_bonus.is_finite()) {
            return Err(format!(
                "{file}: meta.bias and meta.order_bonus must be finite"
            ));
        }
        let mut patterns = Vec::new();
        let mut cues = Vec::new();
        for (si, s) in stages.iter().enumerate() {
            for (lang, list) in &s.phrases {
                for p in list {
                    let norm = redflag_text::normalise_phrase(p);
                    if norm.trim().is_empty() {
                        return Err(format!(
                            "{file}: stage {:?}: empty {lang} phrase {p:?}",
                            s.id
                        ));
                    }
                    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                    let bounded = latin(norm.chars().next()) || latin(norm.chars().last());
                    patterns.push(norm);
                    cues.push((si, p.clone(), bounded));
                }
            }
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| format!("{file}: cue phrases: {e}"))?;
        Ok(StageSet {
            stages,
            version: f.meta.version,
            bias: f.meta.bias,
            order_bonus: f.meta.order_bonus,
            min_stages_for_order: f.meta.min_stages_for_order,
            ac,
            cues,
        })
    }

    /// The stages a finding (rule id, category) shows: those listing the rule, else those listing its category.
    pub fn stages_of(&self, rule: &str, category: &str) -> Vec<usize> {
        let by_rule: Vec<usize> = (0..self.stages.len())
            .filter(|&i| self.stages[i].rules.iter().any(|r| r == rule))
            .collect();
        if !by_rule.is_empty() {
            return by_rule;
        }
        (0..self.stages.len())
            .filter(|&i| self.stages[i].categories.iter().any(|c| c == category))
            .collect()
    }

    /// The cue phrases found in a text (each phrase once).
    pub fn cue_hits(&self, text: &str) -> Vec<CueHit> {
        let view = redflag_text::match_view(text);
        let v = view.as_str();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for m in self.ac.find_overlapping_iter(v) {
            let (stage, phrase, bounded) = &self.cues[m.pattern().as_usize()];
            if *bounded {
                let before = v[..m.start()].chars().next_back();
                let after = v[m.end()..].chars().next();
                if before.is_some_and(char::is_alphanumeric)
                    || after.is_some_and(char::is_alphanumeric)
                {
                    continue;
                }
            }
            if seen.insert(m.pattern()) {
                out.push(CueHit {
                    stage: *stage,
                    phrase: phrase.clone(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
[meta]
version = "t"
bias = -3.0
order_bonus = 1.0
min_stages_for_order = 3

[[stage]]
id = "opener"
order = 1
name = "Opener"
weight = 1.0
categories = ["wrong_number_opener"]
source = "somewhere public"
[stage.phrases]
en = ["who is this"]
th = ["ใครคะเนี่ย"]
"#;

    #[test]
    fn loads_and_matches_on_word_boundaries() {
        let s = StageSet::parse("t.toml", OK, &["wrong_number_opener"]).unwrap();
        assert_eq!(s.cue_hits("Hi, WHO is this?").len(), 1);
        assert!(s.cue_hits("whois thisx").is_empty());
        assert_eq!(s.cue_hits("สวัสดีค่ะ ใครคะเนี่ย").len(), 1);
    }

    #[test]
    fn rejects_unknown_categories_and_missing_sources() {
        let e = StageSet::parse("t.toml", OK, &["other"]).unwrap_err();
        assert!(e.contains("wrong_number_opener"), "{e}");
        let with_rule = OK.replace("categories = [", "rules = [\"scam.nope\"]\ncategories = [");
        let e = StageSet::parse("t.toml", &with_rule, &["wrong_number_opener"]).unwrap_err();
        assert!(e.contains("rule \"scam.nope\""), "{e}");
        let s =
            StageSet::parse("t.toml", &with_rule, &["wrong_number_opener", "scam.nope"]).unwrap();
        assert_eq!(s.stages_of("scam.nope", "other"), [0]);
        assert_eq!(s.stages_of("scam.x", "wrong_number_opener"), [0]);
        assert!(s.stages_of("scam.x", "other").is_empty());
        let e = StageSet::parse(
            "t.toml",
            &OK.replace("somewhere public", " "),
            &["wrong_number_opener"],
        )
        .unwrap_err();
        assert!(e.contains("source"), "{e}");
        let e = StageSet::parse("t.toml", &OK.replace("weight = 1.0", "weight = \"x\""), &[])
            .unwrap_err();
        assert!(e.starts_with("t.toml:"), "{e}");
    }
}
