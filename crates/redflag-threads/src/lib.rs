//! # redflag-threads
//!
//! A pig-butchering scam is not one message but weeks of them: a "wrong number", friendship, a move to
//! another app, an investment platform, a first deposit, then fees to withdraw. This crate reads chat
//! exports as **threads** — WhatsApp's text export, Telegram Desktop's JSON export, Line's text export —
//! and assesses a thread as a whole ([`assess`]): each message through [`redflag_core::Engine::analyze`],
//! and the thread's scam score from the stages it goes through (cues in `packs/thread_stages.toml`, data
//! not code), with the messages that show each stage as the reasons; a plea anywhere raises the thread's
//! distress.
//!
//! ```
//! use redflag_threads::{parse, Format, ParseOptions};
//! let export = "[01/03/24, 09:15:02] Mali: Hi, is this Khun Somchai?\n[01/03/24, 09:16:40] Ann: No, wrong number\n";
//! let t = parse("chat.txt", export, &ParseOptions::default()).unwrap();
//! assert_eq!(t.format, Format::WhatsApp);
//! assert_eq!(t.messages[1].speaker, "Ann");
//! assert_eq!(t.messages[0].sent_at.unwrap().utc(), "2024-03-01T09:15:02Z");
//! ```
#![warn(missing_docs)]

mod assess;
mod line;
pub mod stages;
mod telegram;
pub mod time;
mod whatsapp;

use std::fmt;

use serde::Serialize;

pub use assess::{
    MessageAssessment, MessageRef, StageEvidence, ThreadAssessment, ThreadDistress, ThreadScam,
    ThreadSelector, assess,
};
pub use stages::{Stage, StageSet};
pub use time::SentAt;

/// The chat exports redflag reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// WhatsApp's "Export chat" text file (iOS `[d/m/y, h:m:s] Name: text` or Android `d/m/y, h:m - Name: text`).
    WhatsApp,
    /// Telegram Desktop's "Export chat history" in machine-readable JSON (`result.json`).
    Telegram,
    /// Line's "Save chat" text file (date header lines, then `hh:mm<TAB>Name<TAB>text`).
    Line,
}

impl Format {
    /// Its name on the command line and in output.
    pub fn name(self) -> &'static str {
        match self {
            Format::WhatsApp => "whatsapp",
            Format::Telegram => "telegram",
            Format::Line => "line",
        }
    }
    /// Parse a name.
    pub fn from_name(s: &str) -> Option<Format> {
        [Format::WhatsApp, Format::Telegram, Format::Line]
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
    }
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// 0-based position in the thread.
    pub index: usize,
    /// 1-based line of the export where the message starts (Telegram: the message's position in `messages`, 1-based).
    pub line: usize,
    /// Who sent it, as the export names them.
    pub speaker: String,
    /// When it was sent (absent when the export gives no time).
    pub sent_at: Option<SentAt>,
    /// Its text (several lines joined with `\n`; Telegram entities flattened to their text).
    pub text: String,
}

/// A chat export read as a thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Thread {
    /// The export's format.
    pub format: Format,
    /// Its messages, in export order. System lines (encryption notices, joins, unsent messages) are left out.
    pub messages: Vec<Message>,
}

impl Thread {
    /// The distinct speakers, in order of first message.
    pub fn speakers(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in &self.messages {
            if !out.contains(&m.speaker.as_str()) {
                out.push(&m.speaker);
            }
        }
        out
    }
}

/// How to read an export.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// The format; `None` sniffs it from the content.
    pub format: Option<Format>,
    /// Offset from UTC (minutes) of exports that give local times only (WhatsApp, Line); default UTC.
    /// Telegram's export carries its own offset (`date` beside `date_unixtime`).
    pub offset_minutes: Option<i32>,
}

/// Why an export could not be read: the file, the 1-based line (0 when it is about the whole file), what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file's name as given.
    pub file: String,
    /// 1-based line, or 0.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

pub(crate) fn err(file: &str, line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

/// Tell the format of an export from its content: JSON with `messages` → Telegram; a first line that is
/// a WhatsApp message header → WhatsApp; a `[LINE]` title or a `hh:mm<TAB>name<TAB>` line → Line.
pub fn sniff(text: &str) -> Option<Format> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        return Some(Format::Telegram);
    }
    let first = t.lines().next().unwrap_or("");
    if whatsapp::is_header(first) {
        return Some(Format::WhatsApp);
    }
    if line::looks_like(t) {
        return Some(Format::Line);
    }
    None
}

/// Read a chat export. `file` names it in errors.
pub fn parse(file: &str, text: &str, opts: &ParseOptions) -> Result<Thread, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = match opts.format {
        Some(f) => f,
        None => sniff(text).ok_or_else(|| {
            let (n, l) = text
                .lines()
                .enumerate()
                .find(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| (i + 1, l))
                .unwrap_or((0, ""));
            let shown: String = l.chars().take(60).collect();
            err(
                file,
                n,
                format!(
                    "not a chat export redflag knows (WhatsApp text, Telegram JSON, Line text): first line {shown:?}; give --thread-format if it is one"
                ),
            )
        })?,
    };
    let messages = match format {
        Format::WhatsApp => whatsapp::parse(file, text, opts.offset_minutes.unwrap_or(0))?,
        Format::Telegram => telegram::parse(file, text)?,
        Format::Line => line::parse(file, text, opts.offset_minutes.unwrap_or(0))?,
    };
    if messages.is_empty() {
        return Err(err(
            file,
            0,
            format!("no messages in this {} export", format.name()),
        ));
    }
    Ok(Thread { format, messages })
}

/// Number the messages and trim trailing blank lines from multi-line texts.
pub(crate) fn finish(mut ms: Vec<Message>) -> Vec<Message> {
    for (i, m) in ms.iter_mut().enumerate() {
        m.index = i;
        let t = m.text.trim_end_matches(['\n', '\r', ' ']).len();
        m.text.truncate(t);
    }
    ms
}
