//! Rule packs: the TOML schema (see `packs/README.md`) and its validation.
//!
//! Parsing is strict (`deny_unknown_fields`): a misspelt key in a pack an NGO edits must be an error that
//! names the file and line, not a rule that silently never fires.
use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::Task;
use crate::error::Error;

/// The languages a pack may hold phrases, patterns and explanations for.
pub const LANGS: [&str; 9] = ["en", "id", "ms", "tl", "vi", "th", "zh", "my", "km"];

/// Scripts without spaces between words: phrases there match anywhere, so they must be long enough.
const UNSPACED_MIN_GRAPHEMES: usize = 4;

/// Distress flags a rule may raise.
pub const FLAGS: [&str; 4] = ["violence", "medical", "minor", "imminent_transfer"];

/// A parsed, validated pack.
#[derive(Debug, Clone)]
pub struct Pack {
    /// File name the pack came from (for messages).
    pub file: String,
    /// Pack id (the file stem).
    pub id: String,
    /// The task it feeds.
    pub task: Task,
    /// Pack version.
    pub version: String,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

/// One rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `<pack>.<name>`.
    pub id: String,
    /// Category (e.g. `too_good_to_be_true`, `context`).
    pub category: String,
    /// Log-odds contribution when the rule fires.
    pub weight: f64,
    /// The public source the rule rests on.
    pub source: String,
    /// Optional URL of the source.
    pub source_url: Option<String>,
    /// The tasks whose score the rule's weight counts for: its pack's task unless the rule says
    /// otherwise (`tasks = ["lure", "scam", "distress"]`, e.g. a warning context that dampens all three).
    /// Always holds the pack's task, each task once, in [`Task::ALL`] order.
    pub tasks: Vec<Task>,
    /// Distress flag raised when it fires.
    pub flag: Option<String>,
    /// Selector kinds whose presence fires the rule.
    pub selectors: Vec<String>,
    /// Literal phrases by language.
    pub phrases: BTreeMap<String, Vec<String>>,
    /// Regular expressions by language.
    pub patterns: BTreeMap<String, Vec<String>>,
    /// Explanations by language.
    pub explain: BTreeMap<String, Explanation>,
    /// Examples to check.
    pub examples: Vec<Example>,
}

/// A localised explanation and whether a fluent speaker checked it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    /// The text shown to the user.
    pub text: String,
    /// `reviewed` or `machine`.
    pub status: String,
}

/// An example a rule must (or must not) match.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The example text.
    pub text: String,
    /// Whether the rule must fire on it.
    pub matches: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    pack: RawHeader,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: String,
    task: String,
    version: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Option<String>,
    category: Option<String>,
    weight: Option<f64>,
    source: Option<String>,
    source_url: Option<String>,
    tasks: Option<toml::Spanned<Vec<String>>>,
    flag: Option<String>,
    #[serde(default)]
    selectors: Vec<String>,
    #[serde(default)]
    phrases: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    patterns: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    explain: BTreeMap<String, Explanation>,
    #[serde(default)]
    example: Vec<Example>,
}

const SELECTOR_KINDS: [&str; 13] = [
    "phone", "telegram", "whatsapp", "line", "wechat", "signal", "zalo", "email", "url", "domain",
    "btc", "eth", "tron",
];

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Parse and validate one pack file. `file` names it in errors; its stem must equal the pack id.
pub fn parse(file: &str, text: &str) -> Result<Pack, Error> {
    let raw: RawPack = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        Error::syntax(file, line, e.message().trim().to_string())
    })?;
    let stem = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file);
    if raw.pack.id != stem {
        return Err(Error::pack(
            file,
            format!(
                "[pack] id is {:?} but the file is named {stem:?}",
                raw.pack.id
            ),
        ));
    }
    let task = Task::from_name(&raw.pack.task).ok_or_else(|| {
        Error::pack(
            file,
            format!(
                "[pack] task must be lure, scam or distress, not {:?}",
                raw.pack.task
            ),
        )
    })?;
    let mut seen = HashSet::new();
    let mut rules = Vec::with_capacity(raw.rule.len());
    for (i, r) in raw.rule.into_iter().enumerate() {
        let rule = validate_rule(file, text, &raw.pack.id, task, i, r)?;
        if !seen.insert(rule.id.clone()) {
            return Err(Error::rule(file, &rule.id, "duplicate rule id"));
        }
        rules.push(rule);
    }
    if rules.is_empty() {
        return Err(Error::pack(file, "the pack has no [[rule]]"));
    }
    Ok(Pack {
        file: file.to_string(),
        id: raw.pack.id,
        task,
        version: raw.pack.version,
        rules,
    })
}

fn validate_rule(
    file: &str,
    text: &str,
    pack: &str,
    task: Task,
    index: usize,
    r: RawRule,
) -> Result<Rule, Error> {
    let id =
        r.id.ok_or_else(|| Error::rule(file, &format!("#{}", index + 1), "missing id"))?;
    let err = |reason: String| Error::rule(file, &id, reason);
    let prefix = format!("{pack}.");
    let name = id
        .strip_prefix(&prefix)
        .ok_or_else(|| err(format!("id must start with {prefix:?}")))?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(err("id must be <pack>.<snake_case>".into()));
    }
    let category = r
        .category
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| err("missing category".into()))?;
    let weight = r.weight.ok_or_else(|| err("missing weight".into()))?;
    if !weight.is_finite() || weight.abs() > 10.0 {
        return Err(err(format!(
            "weight {weight} must be finite and within ±10"
        )));
    }
    if (category == "context") != (weight < 0.0) {
        return Err(err(
            "context rules, and only they, carry a negative weight".into()
        ));
    }
    let source = r
        .source
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| err("missing source".into()))?;
    if let Some(flag) = &r.flag {
        if task != Task::Distress {
            return Err(err("only distress rules carry a flag".into()));
        }
        if !FLAGS.contains(&flag.as_str()) {
            return Err(err(format!(
                "unknown flag {flag:?} (one of {})",
                FLAGS.join(", ")
            )));
        }
    }
    let tasks = rule_tasks(text, task, r.tasks.as_ref()).map_err(err)?;
    for k in &r.selectors {
        if !SELECTOR_KINDS.contains(&k.as_str()) {
            return Err(err(format!("unknown selector kind {k:?}")));
        }
    }
    if r.phrases.values().all(Vec::is_empty)
        && r.patterns.values().all(Vec::is_empty)
        && r.selectors.is_empty()
    {
        return Err(err("a rule needs phrases, patterns or selectors".into()));
    }
    for (lang, list) in r.phrases.iter().chain(r.patterns.iter()) {
        if !LANGS.contains(&lang.as_str()) {
            return Err(err(format!(
                "unknown language {lang:?} (one of {})",
                LANGS.join(", ")
            )));
        }
        if list.is_empty() {
            continue;
        }
        // ms may share id's explanation; everything else needs its own.
        let has_explain =
            r.explain.contains_key(lang) || (lang == "ms" && r.explain.contains_key("id"));
        if !has_explain {
            return Err(err(format!(
                "phrases or patterns in {lang:?} but no explanation in {lang:?}"
            )));
        }
    }
    if !r.explain.contains_key("en") {
        return Err(err("missing English explanation (the fallback)".into()));
    }
    for (lang, e) in &r.explain {
        if !LANGS.contains(&lang.as_str()) {
            return Err(err(format!("explanation in unknown language {lang:?}")));
        }
        if e.text.trim().is_empty() {
            return Err(err(format!("empty explanation in {lang:?}")));
        }
        if e.status != "reviewed" && e.status != "machine" {
            return Err(err(format!(
                "explanation in {lang:?}: status must be \"reviewed\" or \"machine\""
            )));
        }
    }
    for (lang, list) in &r.phrases {
        for p in list {
            if p.trim().is_empty() {
                return Err(err(format!("empty phrase in {lang:?}")));
            }
            if matches!(lang.as_str(), "th" | "km" | "my")
                && p.graphemes(true).count() < UNSPACED_MIN_GRAPHEMES
            {
                return Err(err(format!(
                    "phrase {p:?} in {lang:?} is shorter than {UNSPACED_MIN_GRAPHEMES} grapheme clusters: \
                     it would match inside unrelated words"
                )));
            }
        }
    }
    for (lang, list) in &r.patterns {
        for p in list {
            regex::Regex::new(p)
                .map_err(|e| err(format!("pattern {p:?} in {lang:?} does not compile: {e}")))?;
        }
    }
    Ok(Rule {
        id,
        category,
        weight,
        source,
        source_url: r.source_url,
        tasks,
        flag: r.flag,
        selectors: r.selectors,
        phrases: r.phrases,
        patterns: r.patterns,
        explain: r.explain,
        examples: r.example,
    })
}

/// The tasks a rule counts for: `tasks = [...]` if given (validated, with its line in the message), else
/// the pack's own task.
fn rule_tasks(
    text: &str,
    own: Task,
    declared: Option<&toml::Spanned<Vec<String>>>,
) -> Result<Vec<Task>, String> {
    let Some(declared) = declared else {
        return Ok(vec![own]);
    };
    let line = line_of(text, declared.span().start);
    let names = declared.get_ref();
    if names.is_empty() {
        return Err(format!(
            "line {line}: tasks is empty (leave it out to count for the pack's task {:?})",
            own.name()
        ));
    }
    let mut tasks = Vec::with_capacity(names.len());
    for n in names {
        let t = Task::from_name(n).ok_or_else(|| {
            format!("line {line}: unknown task {n:?} in tasks (one of lure, scam, distress)")
        })?;
        if tasks.contains(&t) {
            return Err(format!("line {line}: task {n:?} listed twice in tasks"));
        }
        tasks.push(t);
    }
    if !tasks.contains(&own) {
        return Err(format!(
            "line {line}: tasks must include the pack's own task {:?}",
            own.name()
        ));
    }
    tasks.sort();
    Ok(tasks)
}
