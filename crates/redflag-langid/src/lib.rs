//! Language identification. PROVISIONAL placeholder API; the real detector replaces this.

/// A language redflag knows, or `Und`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang { En, Id, Ms, Tl, Vi, Th, Zh, My, Km, Und }

impl Lang {
    /// BCP-47 code.
    pub fn code(self) -> &'static str {
        match self { Lang::En => "en", Lang::Id => "id", Lang::Ms => "ms", Lang::Tl => "tl", Lang::Vi => "vi", Lang::Th => "th", Lang::Zh => "zh", Lang::My => "my", Lang::Km => "km", Lang::Und => "und" }
    }
    /// Parse a code.
    pub fn from_code(s: &str) -> Option<Lang> {
        Some(match s { "en" => Lang::En, "id" => Lang::Id, "ms" => Lang::Ms, "tl" | "fil" => Lang::Tl, "vi" => Lang::Vi, "th" => Lang::Th, "zh" => Lang::Zh, "my" => Lang::My, "km" => Lang::Km, "und" => Lang::Und, _ => return None })
    }
}

/// Result of detection.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// The main language.
    pub lang: Lang,
    /// Confidence in [0,1].
    pub confidence: f64,
    /// Every language plausibly present (main first), for mixed text.
    pub present: Vec<Lang>,
}

/// Detect the language of a text.
pub fn detect(_text: &str) -> Detection {
    Detection { lang: Lang::Und, confidence: 0.0, present: vec![] }
}
