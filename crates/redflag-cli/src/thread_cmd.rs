//! `redflag scan --thread FILE`: a chat export read as a thread and assessed as a whole. The reading
//! and the assessment are `redflag-threads`; this prints them.
use std::path::Path;

use anyhow::Context;
use redflag_core::Engine;
use redflag_threads::{Format, ParseOptions, StageSet, ThreadAssessment};

use crate::BadInput;
use crate::render::{OutputFormat, Style};

/// A thread is read and assessed whole; larger exports are refused rather than filling memory.
const MAX_EXPORT_BYTES: u64 = 256 << 20;

/// Load the stage file: `DIR/thread_stages.toml` with `--packs DIR`, else the built-in one.
pub fn load_stages(engine: &Engine, dir: Option<&Path>) -> anyhow::Result<StageSet> {
    let cats = StageSet::known_names(engine);
    match dir {
        None => {
            StageSet::builtin(&cats).map_err(|e| anyhow::anyhow!("the built-in stage file: {e}"))
        }
        Some(d) => {
            let path = d.join("thread_stages.toml");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            StageSet::parse(&path.display().to_string(), &text, &cats)
                .map_err(|e| anyhow::anyhow!("{e}"))
        }
    }
}

/// Parse `+07:00`-style offsets for clap.
pub fn parse_offset(s: &str) -> Result<i32, String> {
    redflag_threads::time::parse_offset(s)
        .ok_or_else(|| format!("not an offset from UTC: {s:?} (write +07:00, -05:30 or Z)"))
}

/// Parse a format name for clap.
pub fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s)
        .ok_or_else(|| format!("unknown chat export format {s:?} (whatsapp, telegram, line)"))
}

/// Read, assess and print one thread.
pub fn run(
    engine: &Engine,
    stages: &StageSet,
    file: &Path,
    opts: &ParseOptions,
    format: OutputFormat,
    color: bool,
) -> anyhow::Result<()> {
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    if size > MAX_EXPORT_BYTES {
        return Err(BadInput(format!(
            "{}: {size} bytes; a chat export is read whole, and this one is over the {} MiB limit (split it)",
            file.display(),
            MAX_EXPORT_BYTES >> 20
        ))
        .into());
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    let text = String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
        BadInput(format!("{name}:{line}: not UTF-8 text"))
    })?;
    let thread = redflag_threads::parse(&name, &text, opts).map_err(|e| BadInput(e.to_string()))?;
    let id = file
        .file_name()
        .map_or(name.clone(), |f| f.to_string_lossy().into_owned());
    let a = redflag_threads::assess(engine, stages, &id, &thread);
    let out = match format {
        OutputFormat::Jsonl => serde_json::to_string(&a)? + "\n",
        OutputFormat::Table => table(&a, Style::new(color)),
        OutputFormat::Csv => {
            return Err(BadInput("a thread prints as table or jsonl, not csv".into()).into());
        }
    };
    use std::io::Write;
    let mut so = std::io::stdout().lock();
    so.write_all(out.as_bytes())?;
    so.flush()?;
    Ok(())
}

fn when(m: &redflag_threads::MessageRef) -> String {
    m.sent_at
        .map_or_else(String::new, |t| format!(" {}", t.local()))
}

/// The human-readable block.
pub fn table(a: &ThreadAssessment, st: Style) -> String {
    let mut s = String::new();
    let span = a.span.map_or(String::new(), |(x, y)| {
        format!(", {} → {}", x.local(), y.local())
    });
    s += &format!(
        "{}  thread ({}), {} messages from {}{span}\n",
        st.bold(&a.id),
        a.format.name(),
        a.message_count,
        a.speakers.join(", ")
    );
    let first = a
        .scam
        .first_flagged
        .map_or("never".to_string(), |i| format!("at message {}", i + 1));
    s += &format!(
        "  scam      {:<8} {:.2}   stages {:.2}{}; flagged {first}\n",
        st.band(a.scam.band),
        a.scam.score,
        a.scam.stage_score,
        if a.scam.in_order {
            ", in order"
        } else {
            ", out of order"
        }
    );
    for e in &a.scam.stages {
        s += &format!("    {}. {} (+{})\n", e.order, e.name, e.weight);
        for m in e.messages.iter().take(3) {
            s += &format!(
                "       #{}{} {}: {}  [{}]\n",
                m.index + 1,
                st.dim(&when(m)),
                m.speaker,
                one_line(&m.text, 90),
                m.cues.join(", ")
            );
        }
        if e.messages.len() > 3 {
            s += &format!("       … {} more\n", e.messages.len() - 3);
        }
    }
    if let Some(i) = a.scam.strongest_message {
        s += &format!("    strongest single message: #{}\n", i + 1);
    }
    s += &format!(
        "  distress  {:<8} {:.2}   urgency {}{}\n",
        st.band(a.distress.band),
        a.distress.score,
        a.distress.urgency,
        if a.distress.flags.is_empty() {
            String::new()
        } else {
            format!(", flags {}", a.distress.flags.join(", "))
        }
    );
    for m in a.distress.messages.iter().take(5) {
        s += &format!(
            "       #{}{} {}: {}  [{}]\n",
            m.index + 1,
            st.dim(&when(m)),
            m.speaker,
            one_line(&m.text, 90),
            m.cues.join(", ")
        );
    }
    s += &format!(
        "  lure      {:<8} {:.2}{}\n",
        st.band(a.lure.band),
        a.lure.score,
        a.lure
            .message
            .map_or(String::new(), |i| format!("   message #{}", i + 1))
    );
    for sel in &a.selectors {
        let msgs: Vec<String> = sel.messages.iter().map(|i| format!("#{}", i + 1)).collect();
        let kind = serde_json::to_string(&sel.kind).unwrap_or_default();
        s += &format!(
            "  selector  {} {} in {}\n",
            kind.trim_matches('"'),
            sel.value,
            msgs.join(" ")
        );
    }
    s
}

fn one_line(t: &str, n: usize) -> String {
    let flat: String = t.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
    if flat.chars().count() > n {
        flat.chars().take(n).collect::<String>() + "…"
    } else {
        flat
    }
}
