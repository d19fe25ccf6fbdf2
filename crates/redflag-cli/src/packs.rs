//! Loading rule packs, and `redflag packs test` / `redflag packs list`.
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use anyhow::Context;
use rayon::prelude::*;
use redflag_core::Engine;

use crate::Failed;
use crate::datasets::{DATASETS, Dataset};
use crate::render::printable_str;

/// A phrase may fire on at most this share of a dataset's genuine texts (DESIGN.md: 1 %).
pub const MAX_GENUINE_RATE: f64 = 0.01;
/// Offenders printed per dataset.
const WORST_SHOWN: usize = 5;

/// The built-in packs, or the four files of `dir` (see [`Engine::file_names`]).
pub fn load_engine(dir: Option<&Path>) -> anyhow::Result<Engine> {
    let Some(dir) = dir else {
        return Engine::builtin().context("the built-in packs and models do not load");
    };
    let files: Vec<(String, String)> = Engine::file_names()
        .iter()
        .map(|name| {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Ok((path.display().to_string(), text))
        })
        .collect::<anyhow::Result<_>>()?;
    let sources: Vec<redflag_core::PackSource> = files
        .iter()
        .map(|(file, text)| redflag_core::PackSource { file, text })
        .collect();
    // The error names the file, the rule and the reason; the path is already part of it.
    let engine = Engine::from_sources(&sources).map_err(|e| anyhow::anyhow!("{e}"))?;
    // The classifier models do not depend on the packs: the built-in ones go with any pack directory.
    Ok(engine
        .with_models(redflag_core::builtin_models().context("the built-in models do not load")?))
}

/// Watchlists and allow-lists from files for `scan --watchlist/--allowlist`: each list is named
/// after its file's stem and read by [`redflag_core::ListFile::parse`].
pub fn load_watchlists(
    engine: &Engine,
    watch: &[std::path::PathBuf],
    allow: &[std::path::PathBuf],
) -> anyhow::Result<redflag_core::Watchlists> {
    let mut lists = redflag_core::Watchlists::new();
    for (path, is_allow) in watch
        .iter()
        .map(|p| (p, false))
        .chain(allow.iter().map(|p| (p, true)))
    {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let parsed = redflag_core::ListFile::parse(engine, &text, None)
            .map_err(|e| crate::BadInput(format!("{}: {e}", path.display())))?;
        if is_allow {
            lists.allow(parsed.entries);
        } else {
            let name = path.file_stem().map_or_else(
                || path.display().to_string(),
                |s| s.to_string_lossy().into_owned(),
            );
            lists.add_list(&name, &path.display().to_string(), parsed.entries);
        }
    }
    Ok(lists)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Languages a rule has phrases or patterns in.
fn rule_langs(r: &redflag_core::pack::Rule) -> BTreeSet<&str> {
    r.phrases
        .iter()
        .chain(&r.patterns)
        .filter(|(_, v)| !v.is_empty())
        .map(|(l, _)| l.as_str())
        .collect()
}

/// `packs list`.
pub fn list(dir: Option<&Path>) -> anyhow::Result<()> {
    let engine = load_engine(dir)?;
    let mut out = String::new();
    for p in engine.packs() {
        let machine = p
            .rules
            .iter()
            .flat_map(|r| r.explain.values())
            .filter(|e| e.status == "machine")
            .count();
        let total: usize = p.rules.iter().map(|r| r.explain.len()).sum();
        out += &format!(
            "{}  task {}  version {}  {}  ({} of {} explanations machine-translated, not yet reviewed)\n",
            p.file,
            p.task.name(),
            p.version,
            plural(p.rules.len(), "rule"),
            machine,
            total
        );
        let mut cats: BTreeMap<&str, usize> = BTreeMap::new();
        let mut langs: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &p.rules {
            *cats.entry(r.category.as_str()).or_default() += 1;
            for l in rule_langs(r) {
                *langs.entry(l).or_default() += 1;
            }
        }
        let join = |m: &BTreeMap<&str, usize>| {
            m.iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out += &format!("  rules per category: {}\n", join(&cats));
        out += &format!("  rules per language: {}\n", join(&langs));
    }
    let phrases = engine.phrase_list().len();
    out += &format!("{} in the automaton\n", plural(phrases, "phrase"));
    print(&out)
}

fn print(s: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    o.write_all(s.as_bytes())?;
    o.flush()?;
    Ok(())
}

/// A phrase's or pattern's false-positive rate on one dataset.
struct Offender {
    /// Index into [`check_items`].
    phrase: usize,
    hits: usize,
    rate: f64,
    /// Line of the first genuine text it fired on.
    example_line: u64,
}

/// What the false-positive check looks at: every phrase, then every pattern, as (rule id, language,
/// text, is a pattern). [`item_hits`] numbers them the same way.
fn check_items(engine: &Engine) -> Vec<(&str, &str, &str, bool)> {
    engine
        .phrase_list()
        .into_iter()
        .map(|(r, l, p)| (r, l, p, false))
        .chain(
            engine
                .pattern_list()
                .into_iter()
                .map(|(r, l, p)| (r, l, p, true)),
        )
        .collect()
}

/// The phrases and patterns (indexed as [`check_items`]) that fire on `text`.
fn item_hits(engine: &Engine, phrase_count: usize, text: &str) -> Vec<usize> {
    let mut h = engine.phrase_hits(text);
    h.extend(
        engine
            .pattern_hits(text)
            .into_iter()
            .map(|i| i + phrase_count),
    );
    h
}

/// Which items (indexed as [`check_items`]) the false-positive check applies to: the phrases and
/// patterns of rules that raise a score. Context rules (negative weight: a receipt, a genuine OTP
/// notice, a warning about scams) exist to fire on genuine texts, so they are exempt.
fn checked_items(engine: &Engine, items: &[(&str, &str, &str, bool)]) -> Vec<bool> {
    let weights: HashMap<&str, f64> = engine
        .packs()
        .iter()
        .flat_map(|p| &p.rules)
        .map(|r| (r.id.as_str(), r.weight))
        .collect();
    items
        .iter()
        .map(|(rule, _, _, _)| weights.get(rule).is_some_and(|w| *w > 0.0))
        .collect()
}

/// The false-positive check on one dataset: the share of the genuine texts each checked phrase or
/// pattern fires on, worst first. Identical texts count once (some sets repeat the same OTP hundreds of times).
fn false_positives(
    engine: &Engine,
    checked: &[bool],
    phrase_count: usize,
    ds: &Dataset,
    root: &Path,
) -> anyhow::Result<(Vec<Offender>, BTreeMap<String, usize>)> {
    let rows = ds.read(root)?;
    let mut seen = HashSet::new();
    let genuine: Vec<_> = rows
        .iter()
        .filter(|r| r.class.is_genuine() && seen.insert(r.text.as_str()))
        .collect();
    let mut labels: BTreeMap<String, usize> = BTreeMap::new();
    for r in &genuine {
        *labels.entry(r.label.clone()).or_default() += 1;
    }
    if genuine.is_empty() {
        return Ok((Vec::new(), labels));
    }
    let hits: Vec<Vec<usize>> = genuine
        .par_iter()
        .map(|r| {
            let mut h = item_hits(engine, phrase_count, &r.text);
            h.retain(|&p| checked.get(p).copied().unwrap_or(false));
            h.sort_unstable();
            h.dedup();
            h
        })
        .collect();
    let mut counts: BTreeMap<usize, (usize, u64)> = BTreeMap::new();
    for (r, h) in genuine.iter().zip(&hits) {
        for &p in h {
            counts.entry(p).or_insert((0, r.line)).0 += 1;
        }
    }
    let n = genuine.len();
    let mut offenders: Vec<Offender> = counts
        .into_iter()
        .map(|(phrase, (hits, example_line))| Offender {
            phrase,
            hits,
            rate: hits as f64 / n as f64,
            example_line,
        })
        .collect();
    offenders.sort_by(|a, b| b.hits.cmp(&a.hits).then(a.phrase.cmp(&b.phrase)));
    Ok((offenders, labels))
}

/// `packs test`.
pub fn test(dir: Option<&Path>, data: Option<&Path>) -> anyhow::Result<()> {
    let engine = load_engine(dir)?;
    let mut out = String::new();
    let mut ok = true;
    let from = dir.map_or("built-in packs".to_string(), |d| {
        format!("packs from {}", d.display())
    });
    out += &format!("{from}: all load\n");
    let mut examples = 0;
    for p in engine.packs() {
        let langs: BTreeSet<&str> = p.rules.iter().flat_map(rule_langs).collect();
        let n: usize = p.rules.iter().map(|r| r.examples.len()).sum();
        examples += n;
        out += &format!(
            "  {}  version {}  {}  {}  languages: {}\n",
            p.file,
            p.version,
            plural(p.rules.len(), "rule"),
            plural(n, "example"),
            langs.into_iter().collect::<Vec<_>>().join(" ")
        );
    }

    let failures = engine.check_examples();
    out += &format!(
        "examples: {} passed, {} failed\n",
        examples - failures.len(),
        failures.len()
    );
    for f in &failures {
        let should = if f.expected {
            "should match but does not"
        } else {
            "should not match but does"
        };
        out += &format!(
            "  FAIL {}: rule {}: example {should}: {:?}\n",
            f.file, f.rule, f.text
        );
        ok = false;
    }

    match data {
        None => out += "false-positive check: skipped (give --data DIR, e.g. ../shared/data)\n",
        Some(root) => {
            if !root.is_dir() {
                anyhow::bail!("--data {}: not a directory", root.display());
            }
            let phrases = check_items(&engine);
            let phrase_count = engine.phrase_list().len();
            let checked = checked_items(&engine, &phrases);
            let exempt = checked.iter().filter(|c| !**c).count();
            out += &format!(
                "false-positive check: no phrase or pattern may fire on more than {:.0} % of a dataset's \
                 genuine texts ({} checked; {} of context rules exempt: they are meant to fire on genuine texts)\n",
                MAX_GENUINE_RATE * 100.0,
                checked.len() - exempt,
                exempt
            );
            for ds in DATASETS {
                if !root.join(ds.name).is_dir() {
                    out += &format!("  {:<20} not present, skipped\n", ds.name);
                    continue;
                }
                let (offenders, labels) =
                    false_positives(&engine, &checked, phrase_count, ds, root)?;
                let n: usize = labels.values().sum();
                let kind = match ds.kind {
                    crate::datasets::TextKind::Sms => "sms",
                    crate::datasets::TextKind::JobAd => "job ads",
                };
                if n == 0 {
                    out += &format!(
                        "  {:<20} ({}, {kind}) no genuine texts (all spam), skipped\n",
                        ds.name, ds.lang
                    );
                    continue;
                }
                let bad: Vec<&Offender> = offenders
                    .iter()
                    .filter(|o| o.rate > MAX_GENUINE_RATE)
                    .collect();
                let verdict = if bad.is_empty() { "ok" } else { "FAIL" };
                let worst = offenders.first().map_or("nothing fired".to_string(), |o| {
                    format!("worst {:.2} %", o.rate * 100.0)
                });
                let labels = labels
                    .iter()
                    .map(|(l, c)| format!("{l:?} {c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                out += &format!(
                    "  {:<20} ({}, {kind}) {n} distinct genuine texts ({labels}): {worst}  {verdict}\n",
                    ds.name, ds.lang
                );
                // Every offender over the limit, else the few worst for information.
                let shown: Vec<&Offender> = if bad.is_empty() {
                    offenders.iter().take(WORST_SHOWN).collect()
                } else {
                    bad
                };
                for o in shown {
                    let (rule, lang, phrase, is_pattern) = phrases[o.phrase];
                    let shown = if is_pattern {
                        format!("/{}/", printable_str(phrase))
                    } else {
                        format!("\"{}\"", printable_str(phrase))
                    };
                    let mark = if o.rate > MAX_GENUINE_RATE {
                        "FAIL "
                    } else {
                        ""
                    };
                    out += &format!(
                        "    {mark}{:>6.2} % ({}/{n})  {rule} [{lang}] {shown}  e.g. {}/{}:{}\n",
                        o.rate * 100.0,
                        o.hits,
                        ds.name,
                        ds.file,
                        o.example_line
                    );
                }
                if verdict == "FAIL" {
                    ok = false;
                }
            }
        }
    }
    out += if ok {
        "packs test: PASSED\n"
    } else {
        "packs test: FAILED\n"
    };
    print(&out)?;
    if ok { Ok(()) } else { Err(Failed.into()) }
}
