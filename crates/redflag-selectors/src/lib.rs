//! Selector extraction. PROVISIONAL placeholder API; the real extractor replaces this.
use serde::Serialize;

/// Selector kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind { Phone, Telegram, Whatsapp, Line, Wechat, Signal, Email, Url, Domain, Btc, Eth, Tron }

/// Whose selector this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role { Contact, Victim, Hotline }

/// One extracted selector; offsets are byte offsets into the text given to [`extract`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Selector {
    pub kind: Kind,
    pub value: String,
    pub start: usize,
    pub end: usize,
    pub valid: bool,
    pub role: Role,
}

/// Hints from the caller.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// Language codes of the text, main first.
    pub langs: &'a [&'a str],
}

/// Extract selectors from a selector-view text.
pub fn extract(_text: &str, _ctx: &Context) -> Vec<Selector> {
    vec![]
}
