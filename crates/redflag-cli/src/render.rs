//! Writing reports: JSONL (the stable contract), CSV (one row per document) and a readable table.
use std::fmt::Write as _;

use clap::ValueEnum;
use redflag_core::{Assessment, Band, Finding, Report, Role, Selector};
use unicode_segmentation::UnicodeSegmentation;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A readable block per document with its top reasons.
    Table,
    /// One JSON report per line (the stable contract).
    Jsonl,
    /// One CSV row per document.
    Csv,
}

/// Findings shown per task in the table and CSV.
const TOP_FINDINGS: usize = 3;
/// Selectors shown per document in the table.
const TABLE_SELECTORS: usize = 8;

/// ANSI styling that is a no-op when colour is off.
#[derive(Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Colour on or off.
    pub fn new(on: bool) -> Style {
        Style { on }
    }
    /// Whether colour is on.
    pub fn on(self) -> bool {
        self.on
    }
    /// `s` in the given SGR code.
    pub fn paint(self, sgr: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{sgr}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    /// Bold.
    pub fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }
    /// Dim.
    pub fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }
    /// A band's name: upper case from medium up (flagged), so it stands out without colour too.
    pub fn band(self, b: Band) -> String {
        let name = if b.is_flagged() {
            b.name().to_uppercase()
        } else {
            b.name().to_string()
        };
        let sgr = match b {
            Band::None => "2",
            Band::Low => "36",
            Band::Medium => "1;33",
            Band::High => "1;31",
            Band::Critical => "1;97;41",
        };
        self.paint(sgr, &name)
    }
}

/// Counts for the table's closing line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    docs: u64,
    flagged: [u64; 3],
}

impl Summary {
    /// One document's contribution.
    pub fn of(r: &Report) -> Summary {
        let f = |a: &Assessment| u64::from(a.band.is_flagged());
        Summary {
            docs: 1,
            flagged: [f(&r.lure), f(&r.scam), f(&r.distress.assessment)],
        }
    }
    /// Add another.
    pub fn add(&mut self, o: &Summary) {
        self.docs += o.docs;
        for (a, b) in self.flagged.iter_mut().zip(o.flagged) {
            *a += b;
        }
    }
}

/// Renders reports in one format.
pub struct Renderer {
    format: OutputFormat,
    style: Style,
}

impl Renderer {
    /// A renderer; colour applies to the table only.
    pub fn new(format: OutputFormat, color: bool) -> Renderer {
        Renderer {
            format,
            style: Style::new(color && format == OutputFormat::Table),
        }
    }

    /// What goes before the first report.
    pub fn header(&self) -> Option<String> {
        (self.format == OutputFormat::Csv)
            .then(|| csv_row(CSV_HEADER.iter().map(|s| s.to_string())))
    }

    /// What goes after the last report.
    pub fn footer(&self, s: &Summary) -> Option<String> {
        (self.format == OutputFormat::Table).then(|| {
            let d = if s.docs == 1 { "" } else { "s" };
            format!(
                "{} document{d}; flagged (band medium or above): lure {}, scam {}, distress {}\n",
                s.docs, s.flagged[0], s.flagged[1], s.flagged[2]
            )
        })
    }

    /// Append one report to `out`.
    pub fn render(&self, r: &Report, out: &mut Vec<u8>) {
        match self.format {
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut *out, r).expect("a report always serialises");
                out.push(b'\n');
            }
            OutputFormat::Csv => out.extend_from_slice(csv_row(csv_fields(r)).as_bytes()),
            OutputFormat::Table => out.extend_from_slice(table(r, self.style).as_bytes()),
        }
    }
}

const CSV_HEADER: [&str; 14] = [
    "id",
    "lang",
    "lure_score",
    "lure_band",
    "lure_reasons",
    "scam_score",
    "scam_band",
    "scam_reasons",
    "distress_score",
    "distress_band",
    "distress_urgency",
    "distress_flags",
    "distress_reasons",
    "selectors",
];

fn csv_row(fields: impl IntoIterator<Item = String>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(fields.into_iter().collect::<Vec<_>>())
        .expect("writing to memory");
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

/// The top findings' rule ids.
fn reasons(a: &Assessment) -> String {
    a.findings
        .iter()
        .take(TOP_FINDINGS)
        .map(|f| f.rule.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// `kind:value`, with `[invalid]` when it did not validate and `[victim]`/`[hotline]` for those roles.
fn selector_tag(s: &Selector) -> String {
    let mut t = format!("{}:{}", kind_name(s), s.value);
    if !s.valid {
        t.push_str("[invalid]");
    }
    if s.role != Role::Contact {
        let _ = write!(t, "[{}]", role_name(s.role));
    }
    t
}

/// A serde-serialised unit enum's name (the JSON contract's spelling).
pub fn serde_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::from("?"),
    }
}

fn kind_name(s: &Selector) -> String {
    serde_name(&s.kind)
}

fn role_name(r: Role) -> String {
    serde_name(&r)
}

fn csv_fields(r: &Report) -> Vec<String> {
    let d = &r.distress;
    vec![
        r.id.clone(),
        r.lang.clone(),
        format!("{:.4}", r.lure.score),
        r.lure.band.name().into(),
        reasons(&r.lure),
        format!("{:.4}", r.scam.score),
        r.scam.band.name().into(),
        reasons(&r.scam),
        format!("{:.4}", d.assessment.score),
        d.assessment.band.name().into(),
        d.urgency.to_string(),
        d.flags.join("; "),
        reasons(&d.assessment),
        r.selectors
            .iter()
            .map(selector_tag)
            .collect::<Vec<_>>()
            .join("; "),
    ]
}

/// A character as shown on a terminal: whitespace as a space; control characters (an ANSI escape in a
/// hostile message could rewrite the analyst's terminal) and bidi embedding, override and isolate
/// controls (they reorder what is shown) as U+FFFD.
pub fn printable(c: char) -> char {
    if c.is_whitespace() {
        ' '
    } else if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
        '\u{FFFD}'
    } else {
        c
    }
}

/// [`printable`] over a string.
pub fn printable_str(s: &str) -> String {
    s.chars().map(printable).collect()
}

/// Whitespace runs (newlines included) as one space, cut to `max` grapheme clusters (never inside one,
/// so a Thai vowel or tone mark stays with its consonant), [`printable`]: a span fits on one line.
pub fn one_line(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            n += 1;
        }
        for g in w.graphemes(true) {
            if n >= max {
                out.push('…');
                return out;
            }
            out.extend(g.chars().map(printable));
            n += 1;
        }
    }
    out
}

fn finding_line(task: &str, f: &Finding, st: Style) -> String {
    let machine = if f.explain_status == "machine" {
        st.dim(" [machine translation]")
    } else {
        String::new()
    };
    format!(
        "    {:<8} {:+.2}  {}  \"{}\" — {}{machine}\n",
        task,
        f.weight,
        st.bold(&f.rule),
        one_line(&f.text, 60),
        one_line(&f.explain, 200)
    )
}

fn table(r: &Report, st: Style) -> String {
    let mut s = String::new();
    let score = |name: &str, a: &Assessment| format!("{name} {} {:.2}", st.band(a.band), a.score);
    let d = &r.distress;
    let mut distress = score("distress", &d.assessment);
    if d.urgency > 0 {
        let _ = write!(distress, " urgency {}", d.urgency);
        if !d.flags.is_empty() {
            let _ = write!(distress, " ({})", d.flags.join(", "));
        }
    }
    let _ = writeln!(
        s,
        "{} [{}]  {}  {}  {}",
        st.bold(&printable_str(&r.id)),
        r.lang,
        score("lure", &r.lure),
        score("scam", &r.scam),
        distress
    );
    for (name, a) in [
        ("lure", &r.lure),
        ("scam", &r.scam),
        ("distress", &d.assessment),
    ] {
        for f in a.findings.iter().take(TOP_FINDINGS) {
            s.push_str(&finding_line(name, f, st));
        }
        if a.findings.len() > TOP_FINDINGS {
            let _ = writeln!(
                s,
                "    {:<8} {}",
                name,
                st.dim(&format!("… {} more", a.findings.len() - TOP_FINDINGS))
            );
        }
    }
    if !r.selectors.is_empty() {
        let shown: Vec<String> = r
            .selectors
            .iter()
            .take(TABLE_SELECTORS)
            .map(|x| {
                let mut t = format!("{} {}", kind_name(x), printable_str(&x.value));
                let mut notes = Vec::new();
                if x.role != Role::Contact {
                    notes.push(role_name(x.role));
                }
                if !x.valid {
                    notes.push("unvalidated".into());
                }
                if !notes.is_empty() {
                    let _ = write!(t, " ({})", notes.join(", "));
                }
                t
            })
            .collect();
        let more = r.selectors.len().saturating_sub(TABLE_SELECTORS);
        let more = if more > 0 {
            format!(" · … {more} more")
        } else {
            String::new()
        };
        let _ = writeln!(s, "    selectors: {}{more}", shown.join(" · "));
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_folds_and_cuts() {
        assert_eq!(one_line(" a\n\tb  c ", 10), "a b c");
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(
            one_line("ไม่ต้องมี", 2),
            "ไม่…",
            "two clusters: ไ and ม่ (the tone mark stays)"
        );
    }

    #[test]
    fn terminal_controls_are_neutralised() {
        assert_eq!(
            one_line("a\x1b[2Jb\u{202E}c\u{7}", 10),
            "a\u{FFFD}[2Jb\u{FFFD}c\u{FFFD}"
        );
        assert_eq!(printable_str("x\ty"), "x y");
    }

    #[test]
    fn csv_quotes() {
        assert_eq!(
            csv_row(["a".to_string(), "b,c".into(), "d\"e".into()]),
            "a,\"b,c\",\"d\"\"e\"\n"
        );
    }

    #[test]
    fn colour_only_when_on() {
        assert_eq!(Style::new(false).band(Band::High), "HIGH");
        assert_eq!(Style::new(false).band(Band::Low), "low");
        assert_eq!(Style::new(true).band(Band::High), "\x1b[1;31mHIGH\x1b[0m");
    }
}
