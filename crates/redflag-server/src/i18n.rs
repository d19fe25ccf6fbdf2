//! Interface strings, from `web/i18n/<lang>.toml` (compiled in). Each string says whether a speaker
//! reviewed it or it is a machine draft; pages show which. English is the source.
use std::collections::HashMap;

use serde::Deserialize;

/// The page languages, in the order the switch shows them.
pub const LANGS: [&str; 9] = ["en", "id", "ms", "tl", "vi", "th", "zh", "my", "km"];

const FILES: [(&str, &str); 9] = [
    ("en", include_str!("../../../web/i18n/en.toml")),
    ("id", include_str!("../../../web/i18n/id.toml")),
    ("ms", include_str!("../../../web/i18n/ms.toml")),
    ("tl", include_str!("../../../web/i18n/tl.toml")),
    ("vi", include_str!("../../../web/i18n/vi.toml")),
    ("th", include_str!("../../../web/i18n/th.toml")),
    ("zh", include_str!("../../../web/i18n/zh.toml")),
    ("my", include_str!("../../../web/i18n/my.toml")),
    ("km", include_str!("../../../web/i18n/km.toml")),
];

/// Each language's name in itself.
const NAMES: [(&str, &str); 9] = [
    ("en", "English"),
    ("id", "Bahasa Indonesia"),
    ("ms", "Bahasa Melayu"),
    ("tl", "Tagalog"),
    ("vi", "Tiếng Việt"),
    ("th", "ไทย"),
    ("zh", "中文"),
    ("my", "မြန်မာ"),
    ("km", "ខ្មែរ"),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    strings: HashMap<String, Entry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    text: String,
    status: String,
}

/// One language's strings.
#[derive(Debug)]
pub struct Lang {
    /// Code.
    pub code: &'static str,
    strings: HashMap<String, Entry>,
    /// Strings that are machine drafts.
    pub machine: usize,
}

/// Every language.
#[derive(Debug)]
pub struct I18n {
    langs: Vec<Lang>,
}

impl I18n {
    /// Load the compiled-in files; an unknown status, a missing or extra key is an error naming
    /// the file and key.
    pub fn load() -> Result<I18n, String> {
        let mut langs = Vec::new();
        for (code, text) in FILES {
            let f: File = toml::from_str(text).map_err(|e| format!("web/i18n/{code}.toml: {e}"))?;
            let mut machine = 0;
            for (k, e) in &f.strings {
                match e.status.as_str() {
                    "source" | "reviewed" => {}
                    "machine" => machine += 1,
                    s => {
                        return Err(format!(
                            "web/i18n/{code}.toml: {k}: status {s:?} (source, reviewed, machine)"
                        ));
                    }
                }
            }
            langs.push(Lang {
                code,
                strings: f.strings,
                machine,
            });
        }
        let en: Vec<&String> = langs[0].strings.keys().collect();
        for l in &langs[1..] {
            for k in &en {
                if !l.strings.contains_key(*k) {
                    return Err(format!("web/i18n/{}.toml: missing {k}", l.code));
                }
            }
            for k in l.strings.keys() {
                if !langs[0].strings.contains_key(k) {
                    return Err(format!("web/i18n/{}.toml: {k} is not in en.toml", l.code));
                }
            }
        }
        Ok(I18n { langs })
    }

    /// The language, English if unknown.
    pub fn lang(&self, code: &str) -> &Lang {
        self.langs
            .iter()
            .find(|l| l.code == code)
            .unwrap_or(&self.langs[0])
    }

    /// Every language.
    pub fn all(&self) -> &[Lang] {
        &self.langs
    }

    /// A language's name in itself.
    pub fn name_of(code: &str) -> &'static str {
        NAMES.iter().find(|n| n.0 == code).map_or("?", |n| n.1)
    }
}

impl Lang {
    /// A string; the key itself if absent (a missing string shows, never panics).
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map_or(key, |e| e.text.as_str())
    }

    /// Whether a string is a machine draft.
    pub fn is_machine(&self, key: &str) -> bool {
        self.strings.get(key).is_some_and(|e| e.status == "machine")
    }
}

/// The page language: `?lang=`, else the `lang` cookie, else the best of Accept-Language, else en.
pub fn negotiate(query: Option<&str>, cookie: Option<&str>, accept: Option<&str>) -> &'static str {
    let known = |c: &str| LANGS.iter().copied().find(|l| l.eq_ignore_ascii_case(c));
    if let Some(l) = query.and_then(known).or_else(|| cookie.and_then(known)) {
        return l;
    }
    let mut best: Option<(f32, &'static str)> = None;
    for part in accept.unwrap_or("").split(',') {
        let mut it = part.split(';');
        let tag = it.next().unwrap_or("").trim();
        let q = it
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        // Filipino is written fil; Malay may come as zsm; Burmese as my.
        let primary = match primary.to_ascii_lowercase().as_str() {
            "fil" => "tl".to_string(),
            "zsm" => "ms".to_string(),
            p => p.to_string(),
        };
        if let Some(l) = known(&primary)
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, l));
        }
    }
    best.map_or("en", |b| b.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_loads_with_every_key() {
        let i = I18n::load().unwrap();
        assert_eq!(i.all().len(), LANGS.len());
        for l in i.all() {
            assert!(!l.t("check_title").is_empty());
        }
        assert_eq!(i.lang("en").machine, 0);
        assert!(i.lang("th").is_machine("check_title"));
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate(None, None, Some("th-TH,th;q=0.9,en;q=0.8")), "th");
        assert_eq!(negotiate(None, None, Some("fr, fil;q=0.5")), "tl");
        assert_eq!(negotiate(None, None, Some("de")), "en");
        assert_eq!(negotiate(Some("km"), Some("th"), Some("vi")), "km");
        assert_eq!(negotiate(Some("xx"), Some("my"), Some("vi")), "my");
        assert_eq!(negotiate(None, None, Some("en;q=0.2,zh-CN;q=0.8")), "zh");
    }
}
