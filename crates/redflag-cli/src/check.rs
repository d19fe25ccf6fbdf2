//! `redflag check`: one text explained in full, for a person reading it.
use std::fmt::Write as _;
use std::io::Write as _;

use redflag_core::{Assessment, Document, Engine, Finding, Lang, Report, Role};

use crate::render::{Style, one_line, printable, printable_str, serde_name};

/// Characters of context shown on each side of a finding's span.
const CONTEXT: usize = 40;

/// Explain `text` on stdout.
pub fn run(
    engine: &Engine,
    text: &str,
    lang: Option<Lang>,
    json: bool,
    color: bool,
) -> anyhow::Result<()> {
    let report = engine.analyze(&Document {
        id: "1".into(),
        text,
        lang,
        kind: None,
    });
    let out = if json {
        let mut s = serde_json::to_string_pretty(&report)?;
        s.push('\n');
        s
    } else {
        explain(text, &report, lang.is_some(), Style::new(color))
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// The span `start..end` of `chars` with up to [`CONTEXT`] chars either side, on one line, the span
/// marked «…» (and highlighted when colour is on); control characters neutralised.
fn in_context(chars: &[char], start: usize, end: usize, st: Style) -> String {
    let end = end.min(chars.len());
    let start = start.min(end);
    let from = start.saturating_sub(CONTEXT);
    let to = (end + CONTEXT).min(chars.len());
    let flat = |cs: &[char]| cs.iter().copied().map(printable).collect::<String>();
    let before = format!(
        "{}{}",
        if from > 0 { "…" } else { "" },
        flat(&chars[from..start])
    );
    let after = format!(
        "{}{}",
        flat(&chars[end..to]),
        if to < chars.len() { "…" } else { "" }
    );
    let span = flat(&chars[start..end]);
    let marked = if st.on() {
        st.paint("1;4;33", &span)
    } else {
        format!("«{span}»")
    };
    format!("{before}{marked}{after}")
}

fn assessment(s: &mut String, name: &str, a: &Assessment, text: &[char], st: Style) {
    let flagged = if a.band.is_flagged() {
        "  → act on it"
    } else {
        ""
    };
    let _ = writeln!(
        s,
        "{}  score {:.4}  band {}{flagged}",
        st.bold(name),
        a.score,
        st.band(a.band)
    );
    if a.findings.is_empty() {
        let _ = writeln!(s, "  no rule fired");
    }
    for (i, f) in a.findings.iter().enumerate() {
        finding(s, i + 1, f, text, st);
    }
}

fn finding(s: &mut String, n: usize, f: &Finding, text: &[char], st: Style) {
    let _ = writeln!(
        s,
        "  {n}. {}  [{}]  weight {:+.2}",
        st.bold(&f.rule),
        f.category,
        f.weight
    );
    let _ = writeln!(
        s,
        "     at chars {}–{}: {}",
        f.start,
        f.end,
        in_context(text, f.start, f.end, st)
    );
    let status = match f.explain_status.as_str() {
        "machine" => st.paint("33", "machine translation, not yet reviewed"),
        "generated" => "generated from a statistical model".to_string(),
        other => other.to_string(),
    };
    let _ = writeln!(
        s,
        "     {} ({}, {status})",
        one_line(&f.explain, 400),
        f.explain_lang
    );
}

pub(crate) fn explain(text: &str, r: &Report, lang_given: bool, st: Style) -> String {
    let text: Vec<char> = text.chars().collect();
    let text = text.as_slice();
    let mut s = String::new();
    let how = if lang_given { "given" } else { "detected" };
    let _ = writeln!(
        s,
        "{} {} ({how}); {} characters\n",
        st.bold("language"),
        r.lang,
        text.len()
    );
    assessment(&mut s, "lure", &r.lure, text, st);
    s.push('\n');
    assessment(&mut s, "scam", &r.scam, text, st);
    s.push('\n');
    assessment(&mut s, "distress", &r.distress.assessment, text, st);
    let flags = if r.distress.flags.is_empty() {
        "none".to_string()
    } else {
        r.distress.flags.join(", ")
    };
    let _ = writeln!(
        s,
        "  urgency {} (0 no plea … 3 plea with several priority flags); flags: {flags}",
        r.distress.urgency
    );
    s.push('\n');
    let _ = writeln!(s, "{} {}", st.bold("selectors"), r.selectors.len());
    for x in &r.selectors {
        let kind = serde_name(&x.kind);
        let role = serde_name(&x.role);
        let valid = if x.valid {
            "valid".to_string()
        } else {
            st.paint("33", "not validated")
        };
        let role = if x.role == Role::Contact {
            role
        } else {
            st.bold(&role)
        };
        let ambiguous = if x.ambiguous {
            "  (one of several candidates for this span)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "  {kind:<9} {}  raw {:?} at chars {}–{}  {valid}  role {role}{ambiguous}",
            st.bold(&printable_str(&x.value)),
            x.raw,
            x.start,
            x.end
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_context(text: &str, start: usize, end: usize, st: Style) -> String {
        super::in_context(&text.chars().collect::<Vec<_>>(), start, end, st)
    }

    #[test]
    fn context_marks_the_span() {
        let st = Style::new(false);
        assert_eq!(in_context("a\x1b[31mb", 1, 2, st), "a«\u{FFFD}»[31mb");
        assert_eq!(in_context("call me\nnow", 5, 7, st), "call «me» now");
        let long = "x".repeat(100);
        let t = format!("{long}SPAN{long}");
        let c = in_context(&t, 100, 104, st);
        assert_eq!(
            c,
            format!("…{}«SPAN»{}…", "x".repeat(CONTEXT), "x".repeat(CONTEXT))
        );
        assert_eq!(
            in_context("ab", 5, 9, st),
            "ab«»",
            "offsets past the end do not panic"
        );
    }
}
