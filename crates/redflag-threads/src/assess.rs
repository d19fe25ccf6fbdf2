//! A thread assessed as a whole. Each message goes through [`Engine::analyze`]; then:
//! - **scam**: log-odds = `bias` + the weight of every stage some message shows (each stage once) +
//!   `order_bonus` when at least `min_stages_for_order` stages appear in their order + the largest
//!   *residual* of any message: the weights of its scam findings whose category is no stage's (a task
//!   scam, a phishing link, the classifier, dampening context). A finding that IS a stage counts once,
//!   through its stage, so a lone "sorry, wrong number" — medium on its own as a message — is only an
//!   opener in a thread until the rest of the script follows. Banded by the engine's scam calibration;
//!   the reasons are the stages, each with the messages that show it. Each message keeps its own report.
//! - **distress**: a plea anywhere raises the thread: its strongest message's score, band, urgency,
//!   with every flag raised anywhere and every message at band `low` or above as reasons.
//! - **lure**: the strongest message's.
//! - `first_flagged`: the first message at which the thread so far reaches band medium for scam —
//!   how early a reader of the conversation would have been warned.
use std::collections::BTreeMap;

use redflag_core::{Band, Document, Engine, Report, Role, SelectorKind, Task};
use serde::Serialize;

use crate::stages::StageSet;
use crate::{Format, SentAt, Thread};

/// A message named as a reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageRef {
    /// 0-based index in the thread.
    pub index: usize,
    /// Who sent it.
    pub speaker: String,
    /// When.
    pub sent_at: Option<SentAt>,
    /// The message's text (at most 200 characters, `…` when cut).
    pub text: String,
    /// What in it shows the stage: rule ids of its findings, or cue phrases.
    pub cues: Vec<String>,
}

/// One stage the thread goes through.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageEvidence {
    /// Stage id.
    pub stage: String,
    /// Its name.
    pub name: String,
    /// Its place in the scheme.
    pub order: u32,
    /// Log-odds it adds.
    pub weight: f64,
    /// The messages that show it, in thread order.
    pub messages: Vec<MessageRef>,
}

/// The thread's scam assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadScam {
    /// Score in [0,1].
    pub score: f64,
    /// Band.
    pub band: Band,
    /// The stages seen, in scheme order, with their messages.
    pub stages: Vec<StageEvidence>,
    /// Whether the stages seen appear in their order (first occurrences).
    pub in_order: bool,
    /// The score the stages alone give (without any message's residual).
    pub stage_score: f64,
    /// The largest residual log-odds of a message (its scam findings outside every stage).
    pub residual: f64,
    /// The most scam-like single message (one with findings), if any.
    pub strongest_message: Option<usize>,
    /// First message (0-based) at which the thread so far is flagged (scam band ≥ medium).
    pub first_flagged: Option<usize>,
}

/// The thread's distress assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadDistress {
    /// Score in [0,1] (the strongest plea's).
    pub score: f64,
    /// Band.
    pub band: Band,
    /// Highest urgency of any message.
    pub urgency: u8,
    /// Every priority flag raised anywhere.
    pub flags: Vec<String>,
    /// Messages at band low or above, with their distress findings.
    pub messages: Vec<MessageRef>,
}

/// The thread's lure assessment: its strongest message's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadLure {
    /// Score.
    pub score: f64,
    /// Band.
    pub band: Band,
    /// The message it comes from, if any rule fired.
    pub message: Option<usize>,
}

/// A selector in the thread, with the messages that carry it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadSelector {
    /// Kind.
    pub kind: SelectorKind,
    /// Canonical value.
    pub value: String,
    /// Valid in any message.
    pub valid: bool,
    /// Role (the first message's).
    pub role: Role,
    /// Indexes of the messages.
    pub messages: Vec<usize>,
}

/// One message's own assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageAssessment {
    /// 0-based index.
    pub index: usize,
    /// Export line.
    pub line: usize,
    /// Speaker.
    pub speaker: String,
    /// When.
    pub sent_at: Option<SentAt>,
    /// The engine's report on the message text (spans into the message's text).
    pub report: Report,
}

/// Everything redflag says about a thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadAssessment {
    /// The thread's id (the file name).
    pub id: String,
    /// Where it came from.
    pub source: &'static str,
    /// Export format.
    pub format: Format,
    /// Number of messages.
    pub message_count: usize,
    /// Speakers in order of first message.
    pub speakers: Vec<String>,
    /// First and last message time.
    pub span: Option<(SentAt, SentAt)>,
    /// Lure.
    pub lure: ThreadLure,
    /// Scam, by stages.
    pub scam: ThreadScam,
    /// Distress.
    pub distress: ThreadDistress,
    /// Selectors across the thread.
    pub selectors: Vec<ThreadSelector>,
    /// Every message's own report.
    pub messages: Vec<MessageAssessment>,
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(200).collect();
    if s.chars().nth(200).is_some() {
        out.push('…');
    }
    out
}

/// Assess a thread. `id` names it in output (usually the file name).
pub fn assess(engine: &Engine, stages: &StageSet, id: &str, thread: &Thread) -> ThreadAssessment {
    let reports: Vec<Report> = thread
        .messages
        .iter()
        .map(|m| engine.analyze(&Document::new(format!("{id}#{}", m.index), &m.text)))
        .collect();
    let cal = engine.calibration().task.get(Task::Scam.name()).copied();
    let band_of = |task: Task, score: f64| {
        engine
            .calibration()
            .task
            .get(task.name())
            .map_or(Band::None, |c| c.band(score))
    };
    let mref = |i: usize, cues: Vec<String>| {
        let m = &thread.messages[i];
        MessageRef {
            index: i,
            speaker: m.speaker.clone(),
            sent_at: m.sent_at,
            text: short(&m.text),
            cues,
        }
    };

    // Stage evidence per message, in thread order.
    let mut per_stage: Vec<Vec<(usize, Vec<String>)>> = vec![Vec::new(); stages.stages.len()];
    let mut first_seen: Vec<Option<usize>> = vec![None; stages.stages.len()];
    let mut first_flagged = None;
    let mut max_msg = 0.0f64;
    let mut residual: Option<f64> = None;
    let mut strongest = None;
    for (i, (m, r)) in thread.messages.iter().zip(&reports).enumerate() {
        let mut cues: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        let findings = r
            .lure
            .findings
            .iter()
            .chain(&r.scam.findings)
            .chain(&r.distress.assessment.findings);
        for f in findings {
            for s in stages.stages_of(&f.rule, &f.category) {
                let c = cues.entry(s).or_default();
                if !c.contains(&f.rule) {
                    c.push(f.rule.clone());
                }
            }
        }
        for h in stages.cue_hits(&m.text) {
            let c = cues.entry(h.stage).or_default();
            let cue = format!("“{}”", h.phrase);
            if !c.contains(&cue) {
                c.push(cue);
            }
        }
        for (s, c) in cues {
            per_stage[s].push((i, c));
            first_seen[s].get_or_insert(i);
        }
        if r.scam.score > max_msg {
            max_msg = r.scam.score;
            if !r.scam.findings.is_empty() {
                strongest = Some(i);
            }
        }
        let own: f64 = r
            .scam
            .findings
            .iter()
            .filter(|f| stages.stages_of(&f.rule, &f.category).is_empty())
            .map(|f| f.weight)
            .sum();
        residual = Some(residual.map_or(own, |x: f64| x.max(own)));
        if first_flagged.is_none() {
            let s = stage_score(stages, &first_seen, residual.unwrap_or(0.0)).0;
            if cal.is_some_and(|c| c.band(s).is_flagged()) {
                first_flagged = Some(i);
            }
        }
    }
    let residual = residual.unwrap_or(0.0);
    let (scam_score, in_order) = stage_score(stages, &first_seen, residual);
    let stage_score = stage_score(stages, &first_seen, 0.0).0;
    let scam = ThreadScam {
        score: round4(scam_score),
        band: band_of(Task::Scam, scam_score),
        stages: stages
            .stages
            .iter()
            .zip(per_stage)
            .filter(|(_, ev)| !ev.is_empty())
            .map(|(s, ev)| StageEvidence {
                stage: s.id.clone(),
                name: s.name.clone(),
                order: s.order,
                weight: s.weight,
                messages: ev.into_iter().map(|(i, c)| mref(i, c)).collect(),
            })
            .collect(),
        in_order,
        stage_score: round4(stage_score),
        residual: round4(residual),
        strongest_message: strongest,
        first_flagged,
    };

    // Distress: the strongest plea; every message showing one.
    let mut distress = ThreadDistress {
        score: 0.0,
        band: Band::None,
        urgency: 0,
        flags: Vec::new(),
        messages: Vec::new(),
    };
    for (i, r) in reports.iter().enumerate() {
        let d = &r.distress;
        if d.assessment.score > distress.score {
            distress.score = d.assessment.score;
            distress.band = d.assessment.band;
        }
        distress.urgency = distress.urgency.max(d.urgency);
        for f in &d.flags {
            if !distress.flags.contains(f) {
                distress.flags.push(f.clone());
            }
        }
        if d.assessment.band >= Band::Low && !d.assessment.findings.is_empty() {
            distress.messages.push(mref(
                i,
                d.assessment
                    .findings
                    .iter()
                    .map(|f| f.rule.clone())
                    .collect(),
            ));
        }
    }
    distress.score = round4(distress.score);

    let mut lure = ThreadLure {
        score: 0.0,
        band: Band::None,
        message: None,
    };
    for (i, r) in reports.iter().enumerate() {
        if r.lure.score > lure.score {
            lure = ThreadLure {
                score: round4(r.lure.score),
                band: r.lure.band,
                message: (!r.lure.findings.is_empty()).then_some(i),
            };
        }
    }

    let mut selectors: Vec<ThreadSelector> = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        for s in &r.selectors {
            match selectors
                .iter_mut()
                .find(|t| t.kind == s.kind && t.value == s.value)
            {
                Some(t) => {
                    t.valid |= s.valid;
                    if !t.messages.contains(&i) {
                        t.messages.push(i);
                    }
                }
                None => selectors.push(ThreadSelector {
                    kind: s.kind,
                    value: s.value.clone(),
                    valid: s.valid,
                    role: s.role,
                    messages: vec![i],
                }),
            }
        }
    }

    let times: Vec<SentAt> = thread.messages.iter().filter_map(|m| m.sent_at).collect();
    ThreadAssessment {
        id: id.to_string(),
        source: "thread",
        format: thread.format,
        message_count: thread.messages.len(),
        speakers: thread.speakers().into_iter().map(str::to_string).collect(),
        span: times
            .iter()
            .min()
            .zip(times.iter().max())
            .map(|(a, b)| (*a, *b)),
        lure,
        scam,
        distress,
        selectors,
        messages: thread
            .messages
            .iter()
            .zip(reports)
            .map(|(m, report)| MessageAssessment {
                index: m.index,
                line: m.line,
                speaker: m.speaker.clone(),
                sent_at: m.sent_at,
                report,
            })
            .collect(),
    }
}

/// The thread's score (probability) from its stages and a residual, and whether the stages are in order.
fn stage_score(stages: &StageSet, first_seen: &[Option<usize>], residual: f64) -> (f64, bool) {
    let mut seen: Vec<(usize, u32)> = first_seen
        .iter()
        .zip(&stages.stages)
        .filter_map(|(f, s)| f.map(|i| (i, s.order)))
        .collect();
    seen.sort();
    let in_order = seen.windows(2).all(|w| w[0].1 <= w[1].1);
    let mut x = stages.bias
        + residual
        + first_seen
            .iter()
            .zip(&stages.stages)
            .filter(|(f, _)| f.is_some())
            .map(|(_, s)| s.weight)
            .sum::<f64>();
    if in_order && seen.len() >= stages.min_stages_for_order {
        x += stages.order_bonus;
    }
    (logistic(x), in_order)
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
