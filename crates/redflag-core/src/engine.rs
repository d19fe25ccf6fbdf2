//! The engine: packs + calibration compiled once, then `analyze` per document.
use std::collections::BTreeSet;

use redflag_langid::Lang;
use redflag_selectors::{Context, Role};

use crate::Task;
use crate::calibration::Calibration;
use crate::error::Error;
use crate::matcher::{Hit, Matcher};
use crate::model::Model;
use crate::pack::{self, Pack, Rule};
use crate::report::{Assessment, Distress, Finding, Report, Selector};

/// A pack or calibration file handed to the engine: its name (for messages) and its text.
#[derive(Debug, Clone, Copy)]
pub struct PackSource<'a> {
    /// File name, e.g. `lure.toml` (its stem must be the pack id; `calibration.toml` is the calibration).
    pub file: &'a str,
    /// The file's text.
    pub text: &'a str,
}

/// One document to analyse.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// Its id (the caller's, or the record number).
    pub id: String,
    /// The text.
    pub text: &'a str,
    /// The language if the caller knows it; detected otherwise.
    pub lang: Option<Lang>,
    /// What kind of text it is, if the caller knows (decides which classifier model reads it).
    pub kind: Option<DocKind>,
}

/// What kind of text a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A job ad or recruitment post.
    JobAd,
    /// A short message: SMS, chat, direct message.
    Message,
    /// Anything else (a report, a post that is neither): no classifier model reads it.
    Other,
}

impl DocKind {
    /// From the `kind` field of the input: `job_ad` (`job`, `ad`), `message` (`sms`, `chat`, `dm`);
    /// anything else is [`DocKind::Other`].
    pub fn parse(s: &str) -> DocKind {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "job_ad" | "job" | "ad" | "jobad" | "job_post" => DocKind::JobAd,
            "message" | "sms" | "chat" | "dm" | "msg" => DocKind::Message,
            _ => DocKind::Other,
        }
    }
    /// Its name in model files.
    pub fn name(self) -> &'static str {
        match self {
            DocKind::JobAd => "job_ad",
            DocKind::Message => "message",
            DocKind::Other => "other",
        }
    }
}

/// A document of unknown kind this long (in characters) or longer is read as a job ad, shorter as a
/// message (EMSCAD's ads run to thousands of characters; SMS to a few hundred).
pub const JOB_AD_MIN_CHARS: usize = 1000;

impl<'a> Document<'a> {
    /// A document with an id and text; language detected.
    pub fn new(id: impl Into<String>, text: &'a str) -> Document<'a> {
        Document {
            id: id.into(),
            text,
            lang: None,
            kind: None,
        }
    }
}

/// An example in a pack that does not behave as it says.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleFailure {
    /// The pack file.
    pub file: String,
    /// The rule id.
    pub rule: String,
    /// The example text.
    pub text: String,
    /// What the example says should happen.
    pub expected: bool,
}

/// Flattened rule: the tasks it counts for beside it.
#[derive(Debug)]
struct FlatRule {
    tasks: Vec<Task>,
    pack: usize,
    index: usize,
    selector_kinds: Vec<redflag_selectors::Kind>,
}

/// The compiled engine. Build it once; it is `Send + Sync`.
#[derive(Debug)]
pub struct Engine {
    packs: Vec<Pack>,
    rules: Vec<FlatRule>,
    matcher: Matcher,
    calibration: Calibration,
    models: Vec<Model>,
    watchlists: crate::watchlist::Watchlists,
}

const BUILTIN: [PackSource<'static>; 4] = [
    PackSource {
        file: "lure.toml",
        text: include_str!("../../../packs/lure.toml"),
    },
    PackSource {
        file: "scam.toml",
        text: include_str!("../../../packs/scam.toml"),
    },
    PackSource {
        file: "distress.toml",
        text: include_str!("../../../packs/distress.toml"),
    },
    PackSource {
        file: "calibration.toml",
        text: include_str!("../../../packs/calibration.toml"),
    },
];

fn selector_kind(name: &str) -> Option<redflag_selectors::Kind> {
    use redflag_selectors::Kind::*;
    Some(match name {
        "phone" => Phone,
        "telegram" => Telegram,
        "whatsapp" => Whatsapp,
        "line" => Line,
        "wechat" => Wechat,
        "signal" => Signal,
        "email" => Email,
        "url" => Url,
        "domain" => Domain,
        "btc" => Btc,
        "eth" => Eth,
        "tron" => Tron,
        "zalo" => Zalo,
        _ => return None,
    })
}

/// The classifier models bundled with this build (the repository's `models/` at compile time).
const BUILTIN_MODELS: [(&str, &[u8]); 2] = [
    (
        "job_ads",
        include_bytes!("../../../models/job_ads.rfm").as_slice(),
    ),
    (
        "messages",
        include_bytes!("../../../models/messages.rfm").as_slice(),
    ),
];

/// A bundled model by name (`job_ads`, `messages`); `None` for an unknown name.
pub fn builtin_model(name: &str) -> Option<Result<Model, Error>> {
    BUILTIN_MODELS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, bytes)| Model::from_bytes(&format!("models/{n}.rfm"), bytes))
}

/// Every bundled model.
pub fn builtin_models() -> Result<Vec<Model>, Error> {
    BUILTIN_MODELS
        .iter()
        .map(|(n, bytes)| Model::from_bytes(&format!("models/{n}.rfm"), bytes))
        .collect()
}

impl Engine {
    /// The packs and classifier models bundled with this build (the repository's `packs/` and `models/`
    /// at compile time).
    pub fn builtin() -> Result<Engine, Error> {
        Ok(Engine::from_sources(&BUILTIN)?.with_models(builtin_models()?))
    }

    /// The same engine with these classifier models (replacing any it had). A model adds a finding to
    /// the score of its task (`lure` or `scam`) for documents of its kind and languages.
    pub fn with_watchlists(mut self, watchlists: crate::watchlist::Watchlists) -> Engine {
        self.watchlists = watchlists;
        self
    }

    /// The watchlists the engine looks selectors up in.
    pub fn watchlists(&self) -> &crate::watchlist::Watchlists {
        &self.watchlists
    }

    /// Replace the classifier models (an empty list: rules only).
    pub fn with_models(mut self, models: Vec<Model>) -> Engine {
        self.models = models;
        self
    }

    /// The classifier models in use.
    pub fn models(&self) -> &[Model] {
        &self.models
    }

    /// The file names a pack directory must hold.
    pub fn file_names() -> [&'static str; 4] {
        BUILTIN.map(|s| s.file)
    }

    /// The bundled pack files themselves (to copy, or to replace one of them).
    pub fn builtin_sources() -> [PackSource<'static>; 4] {
        BUILTIN
    }

    /// Build from pack files and one `calibration.toml`. Each task needs exactly one pack.
    pub fn from_sources(sources: &[PackSource<'_>]) -> Result<Engine, Error> {
        let mut packs = Vec::new();
        let mut calibration = None;
        for s in sources {
            if s.file.rsplit('/').next() == Some("calibration.toml") {
                calibration = Some(Calibration::parse(s.file, s.text)?);
            } else {
                packs.push(pack::parse(s.file, s.text)?);
            }
        }
        let calibration = calibration.ok_or_else(|| Error::pack("calibration.toml", "missing"))?;
        for t in Task::ALL {
            let n = packs.iter().filter(|p| p.task == t).count();
            if n != 1 {
                return Err(Error::pack(
                    &format!("{}.toml", t.name()),
                    format!("{n} packs for task {}, need 1", t.name()),
                ));
            }
        }
        let mut rules = Vec::new();
        for (pi, p) in packs.iter().enumerate() {
            for (ri, r) in p.rules.iter().enumerate() {
                let selector_kinds = r
                    .selectors
                    .iter()
                    .filter_map(|k| selector_kind(k))
                    .collect();
                rules.push(FlatRule {
                    tasks: r.tasks.clone(),
                    pack: pi,
                    index: ri,
                    selector_kinds,
                });
            }
        }
        let matcher = Matcher::build(&packs)?;
        Ok(Engine {
            packs,
            rules,
            matcher,
            calibration,
            models: Vec::new(),
            watchlists: crate::watchlist::Watchlists::new(),
        })
    }

    /// The loaded packs.
    pub fn packs(&self) -> &[Pack] {
        &self.packs
    }

    /// The calibration in use.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    fn rule(&self, i: usize) -> &Rule {
        let f = &self.rules[i];
        &self.packs[f.pack].rules[f.index]
    }

    /// Run every pack example; return the ones that do not behave as stated.
    pub fn check_examples(&self) -> Vec<ExampleFailure> {
        let mut out = Vec::new();
        for (i, f) in self.rules.iter().enumerate() {
            let rule = self.rule(i);
            for ex in &rule.examples {
                let fired = self.fired_rules(&ex.text, None).iter().any(|h| h.rule == i);
                if fired != ex.matches {
                    out.push(ExampleFailure {
                        file: self.packs[f.pack].file.clone(),
                        rule: rule.id.clone(),
                        text: ex.text.clone(),
                        expected: ex.matches,
                    });
                }
            }
        }
        out
    }

    /// For the false-positive check: which phrases (index into [`Engine::phrase_list`]) occur in `text`.
    pub fn phrase_hits(&self, text: &str) -> Vec<usize> {
        self.matcher
            .phrase_hits(redflag_text::match_view(text).as_str())
    }

    /// For the false-positive check: which patterns (index into [`Engine::pattern_list`]) match `text`.
    pub fn pattern_hits(&self, text: &str) -> Vec<usize> {
        self.matcher
            .pattern_hits(redflag_text::match_view(text).as_str())
    }

    /// Every pattern as (rule id, language, pattern as written), indexed as [`Engine::pattern_hits`] returns.
    pub fn pattern_list(&self) -> Vec<(&str, &str, &str)> {
        self.matcher
            .patterns()
            .iter()
            .map(|p| {
                (
                    self.rule(p.rule).id.as_str(),
                    p.lang.as_str(),
                    p.pattern.as_str(),
                )
            })
            .collect()
    }

    /// Every phrase of the automaton as (rule id, language, phrase), indexed as [`Engine::phrase_hits`] returns.
    pub fn phrase_list(&self) -> Vec<(&str, &str, &str)> {
        self.matcher
            .phrases()
            .iter()
            .map(|p| {
                (
                    self.rule(p.rule).id.as_str(),
                    p.lang.as_str(),
                    p.phrase.as_str(),
                )
            })
            .collect()
    }

    /// Rules firing on a text, with spans in ORIGINAL byte offsets.
    fn fired_rules(&self, text: &str, selectors: Option<&[RawSel]>) -> Vec<Hit> {
        self.fired_rules_in(text, &redflag_text::match_view(text), selectors)
    }

    /// [`Engine::fired_rules`] with the text's match view already made.
    fn fired_rules_in(
        &self,
        text: &str,
        view: &redflag_text::View,
        selectors: Option<&[RawSel]>,
    ) -> Vec<Hit> {
        let mut hits: Vec<Hit> = self
            .matcher
            .hits(view.as_str())
            .into_iter()
            .map(|h| {
                let r = view.original_range(h.start, h.end);
                Hit {
                    rule: h.rule,
                    start: r.start,
                    end: r.end,
                }
            })
            .collect();
        let owned;
        let sels = match selectors {
            Some(s) => s,
            None => {
                owned = self.raw_selectors(text, &[]);
                &owned
            }
        };
        for (i, f) in self.rules.iter().enumerate() {
            if f.selector_kinds.is_empty() || hits.iter().any(|h| h.rule == i) {
                continue;
            }
            if let Some(s) = sels
                .iter()
                .find(|s| f.selector_kinds.contains(&s.sel.kind) && s.sel.role != Role::Hotline)
            {
                hits.push(Hit {
                    rule: i,
                    start: s.start,
                    end: s.end,
                });
            }
        }
        hits
    }

    fn raw_selectors(&self, text: &str, langs: &[&str]) -> Vec<RawSel> {
        let view = redflag_text::selector_view(text);
        redflag_selectors::extract(
            view.as_str(),
            &Context {
                langs,
                ..Default::default()
            },
        )
        .into_iter()
        .map(|sel| {
            let r = view.original_range(sel.start, sel.end);
            RawSel {
                start: r.start,
                end: r.end,
                sel,
            }
        })
        .collect()
    }

    /// Analyse one document.
    pub fn analyze(&self, doc: &Document<'_>) -> Report {
        let text = doc.text;
        let (lang, present) = match doc.lang {
            Some(l) => (l, vec![l]),
            None => {
                let d = redflag_langid::detect(text);
                (d.lang, d.present)
            }
        };
        let lang_codes: Vec<&str> = present
            .iter()
            .chain(std::iter::once(&lang))
            .map(|l| l.code())
            .collect();
        let sels = self.raw_selectors(text, &lang_codes);
        // One match view for the rules and the classifier.
        let view = redflag_text::match_view(text);
        let hits = self.fired_rules_in(text, &view, Some(&sels));

        let mut offsets = CharOffsets::new(text);
        let mut per_task: [Vec<(usize, Hit)>; 3] = Default::default();
        // A rule counts for its pack's task, or for every task it lists (`tasks = [...]`).
        for h in &hits {
            for t in &self.rules[h.rule].tasks {
                per_task[Task::ALL.iter().position(|x| x == t).unwrap_or(0)].push((h.rule, *h));
            }
        }
        let mut extra: [Vec<Finding>; 3] = Default::default();
        for (task, f) in self.classify(doc, &view, lang, &mut offsets) {
            extra[Task::ALL.iter().position(|x| *x == task).unwrap_or(0)].push(f);
        }
        let mut assess = |task: Task,
                          hs: &[(usize, Hit)],
                          extra: Vec<Finding>|
         -> (Assessment, BTreeSet<String>) {
            let cal = self.calibration.get(task);
            let mut flags = BTreeSet::new();
            let mut findings: Vec<Finding> = hs
                .iter()
                .map(|(ri, h)| {
                    let rule = self.rule(*ri);
                    if let Some(f) = &rule.flag {
                        flags.insert(f.clone());
                    }
                    let span = redflag_text::snap_to_graphemes(text, h.start..h.end);
                    let (explain_lang, e) = explanation(rule, lang);
                    Finding {
                        rule: rule.id.clone(),
                        category: rule.category.clone(),
                        start: offsets.chars(span.start),
                        end: offsets.chars(span.end),
                        text: text[span].to_string(),
                        explain: e.text.clone(),
                        explain_lang: explain_lang.to_string(),
                        explain_status: e.status.clone(),
                        weight: rule.weight,
                    }
                })
                .chain(extra)
                .collect();
            // Largest contribution first (a strong warning context matters as much as a strong lure
            // phrase); ties in text order.
            findings.sort_by(|a, b| {
                b.weight
                    .abs()
                    .total_cmp(&a.weight.abs())
                    .then(a.start.cmp(&b.start))
            });
            let logit = cal.bias + findings.iter().map(|f| f.weight).sum::<f64>();
            let score = 1.0 / (1.0 + (-logit).exp());
            (
                Assessment {
                    score,
                    band: cal.band(score),
                    findings,
                },
                flags,
            )
        };
        let [e_lure, e_scam, e_distress] = extra;
        let (lure, _) = assess(Task::Lure, &per_task[0], e_lure);
        let (mut scam, _) = assess(Task::Scam, &per_task[1], e_scam.clone());
        let (distress, flags) = assess(Task::Distress, &per_task[2], e_distress);
        let urgency = match (distress.band.is_flagged(), flags.len()) {
            (false, _) => 0,
            (true, 0) => 1,
            (true, 1) => 2,
            (true, _) => 3,
        };
        // In a rescue plea the numbers and handles are the victim's (or their family's): they must never
        // link documents or leave the organisation, so they are marked before anything else sees them.
        let plea = distress.band.is_flagged() && distress.score >= lure.score.max(scam.score);
        // Watch-listed contact selectors raise the scam score (see `watchlist`); decided after the
        // plea, from the scores without them, so that a victim's selectors never raise anything.
        if !plea && !self.watchlists.is_empty() {
            let mut listed = Vec::new();
            let mut seen = BTreeSet::new();
            let mut at = CharOffsets::new(text);
            for s in sels
                .iter()
                .filter(|s| s.sel.valid && s.sel.role == Role::Contact)
            {
                for list in self.watchlists.hits(s.sel.kind.as_str(), &s.sel.value) {
                    if !seen.insert((
                        list.name.as_str(),
                        s.sel.kind.as_str(),
                        s.sel.value.as_str(),
                    )) {
                        continue;
                    }
                    listed.push(Finding {
                        rule: format!("watchlist.{}", list.name),
                        category: "watchlist".into(),
                        start: at.chars(s.start),
                        end: at.chars(s.end),
                        text: text[s.start..s.end].to_string(),
                        explain: format!(
                            "The {} {} is on the watchlist \"{}\" ({}).",
                            s.sel.kind.as_str(),
                            s.sel.value,
                            list.name,
                            list.source
                        ),
                        explain_lang: "en".into(),
                        explain_status: "generated".into(),
                        weight: crate::watchlist::WATCHLIST_WEIGHT,
                    });
                }
            }
            if !listed.is_empty() {
                let mut e = e_scam;
                e.extend(listed);
                scam = assess(Task::Scam, &per_task[1], e).0;
            }
        }
        let selectors = sels
            .into_iter()
            .map(|s| Selector {
                kind: s.sel.kind,
                value: s.sel.value,
                raw: text[s.start..s.end].to_string(),
                start: offsets.chars(s.start),
                end: offsets.chars(s.end),
                valid: s.sel.valid,
                role: if plea && s.sel.role == Role::Contact {
                    Role::Victim
                } else {
                    s.sel.role
                },
                ambiguous: s.sel.ambiguous,
            })
            .collect();
        Report {
            id: doc.id.clone(),
            lang: lang.code().to_string(),
            lure,
            scam,
            distress: Distress {
                assessment: distress,
                urgency,
                flags: flags.into_iter().collect(),
            },
            selectors,
        }
    }
}

impl Engine {
    /// The classifier findings for a document: at most one per model that reads its kind and language,
    /// and only when the model's calibrated probability reaches the model's threshold.
    fn classify(
        &self,
        doc: &Document<'_>,
        view: &redflag_text::View,
        lang: Lang,
        offsets: &mut CharOffsets<'_>,
    ) -> Vec<(Task, Finding)> {
        if self.models.is_empty() {
            return Vec::new();
        }
        let text = doc.text;
        let kind = doc.kind.unwrap_or_else(|| {
            if text.chars().count() >= JOB_AD_MIN_CHARS {
                DocKind::JobAd
            } else {
                DocKind::Message
            }
        });
        let mut out = Vec::new();
        for m in &self.models {
            let Some(task) = Task::from_name(&m.info.task) else {
                continue;
            };
            if !m.info.kinds.iter().any(|k| k == kind.name()) || !m.knows_lang(lang.code()) {
                continue;
            }
            let assessed = m.assess_view(view.as_str());
            let p = assessed.p;
            if p < m.info.threshold || m.evidence(p) <= 0.0 {
                continue;
            }
            let top = m.explain_assessed(view.as_str(), &assessed, 3);
            let weight = m.evidence(p);
            if top.is_empty() {
                continue;
            }
            let r = view.original_range(top[0].range.start, top[0].range.end);
            let span = redflag_text::snap_to_graphemes(text, r);
            let ngrams: Vec<String> = top
                .iter()
                .map(|c| format!("«{}»", c.ngram.trim()))
                .collect();
            out.push((
                task,
                Finding {
                    rule: format!("model.{}", m.info.name),
                    category: "classifier".into(),
                    start: offsets.chars(span.start),
                    end: offsets.chars(span.end),
                    text: text[span].to_string(),
                    explain: format!(
                        "The {} model (logistic regression on character and word n-grams, trained on {} texts in {}; it reads no other language) puts the probability at {:.2}; the words and n-grams that pushed it most: {}.",
                        m.info.name,
                        m.info.kinds.join("/").replace('_', " "),
                        m.info.langs.join(", "),
                        p,
                        ngrams.join(", ")
                    ),
                    explain_lang: "en".into(),
                    explain_status: "generated".into(),
                    weight: (weight * 10_000.0).round() / 10_000.0,
                },
            ));
        }
        out
    }
}

/// The explanation in the text's language, else Indonesian for Malay, else English.
fn explanation(rule: &Rule, lang: Lang) -> (&str, &pack::Explanation) {
    let code = lang.code();
    let tries: &[&str] = if code == "ms" {
        &["ms", "id", "en"]
    } else {
        &[code, "en"]
    };
    for t in tries {
        if let Some((k, e)) = rule.explain.get_key_value(*t) {
            return (k.as_str(), e);
        }
    }
    // Validation guarantees an English explanation.
    let (k, e) = rule
        .explain
        .iter()
        .next()
        .expect("validated rule has an explanation");
    (k.as_str(), e)
}

#[derive(Debug)]
struct RawSel {
    start: usize,
    end: usize,
    sel: redflag_selectors::Selector,
}

/// Byte → char offset conversion that stays linear for many offsets on long texts.
struct CharOffsets<'a> {
    text: &'a str,
    cache: Vec<(usize, usize)>,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        CharOffsets {
            text,
            cache: vec![(0, 0)],
        }
    }
    fn chars(&mut self, byte: usize) -> usize {
        // Start from the nearest known point at or before `byte`.
        let i = self.cache.partition_point(|&(b, _)| b <= byte) - 1;
        let (b0, c0) = self.cache[i];
        if b0 == byte {
            return c0;
        }
        let c = c0 + self.text[b0..byte].chars().count();
        self.cache.insert(i + 1, (byte, c));
        c
    }
}

#[cfg(test)]
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Engine>();
};
