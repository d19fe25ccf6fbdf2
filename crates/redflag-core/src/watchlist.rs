//! Watchlists: selectors already known from published reports (scam wallets, scam numbers and
//! domains that police and NGOs publish), and allow-lists (a platform's own support line, an
//! embassy hotline).
//!
//! A contact selector on a watchlist adds one finding per list to the **scam** assessment, with
//! weight [`WATCHLIST_WEIGHT`] and the list's name in its rule and explanation: the lists the
//! project reads are lists of fraud (ScamSniffer's drainer wallets, police lists of scam numbers),
//! so a hit is scam evidence; it says nothing about recruitment (lure) or about a plea (distress).
//! A value on any allow-list never raises, even when a watchlist names it too; in a rescue plea,
//! whose selectors are the victim's, nothing raises. An entry matches the selector's canonical
//! value of the same kind (`+66812345678`, `kk_boss_hr`, a lower-case EVM address).
use std::collections::{HashMap, HashSet};

use crate::{Document, Engine};

/// The weight of a watchlist hit in the scam logit: as strong as the strongest rules, so a listed
/// wallet alone puts a text at `medium` (bias −1.5 + 2.5 → 0.73).
pub const WATCHLIST_WEIGHT: f64 = 2.5;

/// One list's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListInfo {
    /// Its unique name (shown as the reason).
    pub name: String,
    /// Where it comes from.
    pub source: String,
}

/// A set of watchlists and allow-lists, looked up by (kind, canonical value).
#[derive(Debug, Clone, Default)]
pub struct Watchlists {
    lists: Vec<ListInfo>,
    entries: HashMap<(String, String), Vec<usize>>,
    allowed: HashSet<(String, String)>,
}

impl Watchlists {
    /// No lists.
    pub fn new() -> Watchlists {
        Watchlists::default()
    }

    /// Add a watchlist (its entries as (kind, canonical value)); a list of the same name is joined.
    pub fn add_list<K, V>(
        &mut self,
        name: &str,
        source: &str,
        entries: impl IntoIterator<Item = (K, V)>,
    ) where
        K: Into<String>,
        V: Into<String>,
    {
        let idx = match self.lists.iter().position(|l| l.name == name) {
            Some(i) => i,
            None => {
                self.lists.push(ListInfo {
                    name: name.to_string(),
                    source: source.to_string(),
                });
                self.lists.len() - 1
            }
        };
        for (k, v) in entries {
            let e = self.entries.entry((k.into(), v.into())).or_default();
            if !e.contains(&idx) {
                e.push(idx);
            }
        }
    }

    /// Add allow-listed values: they never raise a score.
    pub fn allow<K, V>(&mut self, entries: impl IntoIterator<Item = (K, V)>)
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.allowed
            .extend(entries.into_iter().map(|(k, v)| (k.into(), v.into())));
    }

    /// True when no list holds anything.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.allowed.is_empty()
    }

    /// Number of watch-listed values (allow-lists not counted).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether an allow-list holds the value.
    pub fn is_allowed(&self, kind: &str, value: &str) -> bool {
        self.allowed
            .contains(&(kind.to_string(), value.to_string()))
    }

    /// The watchlists naming the value, unless an allow-list holds it.
    pub fn hits(&self, kind: &str, value: &str) -> Vec<&ListInfo> {
        let key = (kind.to_string(), value.to_string());
        if self.allowed.contains(&key) {
            return Vec::new();
        }
        self.entries
            .get(&key)
            .map(|ix| ix.iter().map(|&i| &self.lists[i]).collect())
            .unwrap_or_default()
    }
}

/// The entries of a list file — a JSON array of strings, or one entry per line with `#` comments —
/// read as selectors by the engine's extractors (any written form: `+66 81 234 5678`, `t.me/x`,
/// an address). An entry holding no valid selector is taken as a bare value of `kind` when given
/// (`@`-prefix dropped, lower-cased: handles), else counted as unread.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFile {
    /// (kind, canonical value), in file order, each once.
    pub entries: Vec<(String, String)>,
    /// Entries in the file.
    pub read: usize,
    /// Entries holding no selector.
    pub unread: usize,
}

impl ListFile {
    /// Parse a list file's text; an error names what is wrong with it.
    pub fn parse(engine: &Engine, text: &str, kind: Option<&str>) -> Result<ListFile, String> {
        let raw: Vec<String> = if text.trim_start().starts_with('[') {
            serde_json::from_str::<Vec<String>>(text)
                .map_err(|e| format!("not a JSON array of strings: {e}"))?
        } else {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect()
        };
        let mut out = ListFile {
            read: raw.len(),
            ..ListFile::default()
        };
        let mut seen = HashSet::new();
        for r in &raw {
            let mut found = false;
            for s in engine.analyze(&Document::new("entry", r)).selectors {
                if s.valid && kind.is_none_or(|k| k == s.kind.as_str()) {
                    found = true;
                    let key = (s.kind.as_str().to_string(), s.value);
                    if seen.insert(key.clone()) {
                        out.entries.push(key);
                    }
                }
            }
            if !found {
                match kind {
                    Some(k) => {
                        let key = (k.to_string(), r.trim_start_matches('@').to_lowercase());
                        if seen.insert(key.clone()) {
                            out.entries.push(key);
                        }
                    }
                    None => out.unread += 1,
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_win() {
        let mut w = Watchlists::new();
        w.add_list("police-x", "test", [("phone", "+66812345678")]);
        w.add_list(
            "ngo-y",
            "test",
            [("phone", "+66812345678"), ("telegram", "a")],
        );
        assert_eq!(w.hits("phone", "+66812345678").len(), 2);
        assert_eq!(w.len(), 2);
        w.allow([("phone", "+66812345678")]);
        assert!(w.hits("phone", "+66812345678").is_empty());
        assert_eq!(w.hits("telegram", "a")[0].name, "ngo-y");
        assert!(w.hits("telegram", "b").is_empty());
    }

    #[test]
    fn list_files_in_any_written_form() {
        let e = Engine::builtin().unwrap();
        let f = ListFile::parse(
            &e,
            "# scam numbers\n+66 81 234 5678\n081-234-5678\nnot a selector\n",
            None,
        )
        .unwrap();
        assert_eq!(f.read, 3);
        assert_eq!(f.unread, 1);
        assert!(
            f.entries.contains(&("phone".into(), "+66812345678".into())),
            "{f:?}"
        );
        let f = ListFile::parse(&e, "[\"@Some_Boss\"]", Some("telegram")).unwrap();
        assert_eq!(
            f.entries,
            [("telegram".to_string(), "some_boss".to_string())]
        );
        assert!(
            ListFile::parse(&e, "[1, 2]", None)
                .unwrap_err()
                .contains("JSON")
        );
    }

    #[test]
    fn a_listed_selector_raises_scam_and_names_the_list() {
        let text = "Pay the 50 USDT activation fee to 0x52908400098527886e0f7030069857d2e4169ee7 \
                    and Telegram @task_mentor_88 will release your commission";
        let plain = Engine::builtin().unwrap();
        let before = plain.analyze(&Document::new("1", text));
        let eth = before
            .selectors
            .iter()
            .find(|s| s.kind.as_str() == "eth")
            .expect("the address is read")
            .value
            .clone();
        let mut lists = Watchlists::new();
        lists.add_list("drainers", "ScamSniffer snapshot", [("eth", eth.as_str())]);
        let listed = Engine::builtin().unwrap().with_watchlists(lists.clone());
        let after = listed.analyze(&Document::new("1", text));
        assert!(
            after.scam.score > before.scam.score,
            "{} vs {}",
            after.scam.score,
            before.scam.score
        );
        let f = after
            .scam
            .findings
            .iter()
            .find(|f| f.category == "watchlist")
            .expect("a watchlist finding");
        assert_eq!(f.rule, "watchlist.drainers");
        assert!(
            f.explain.contains("\"drainers\"") && f.explain.contains("ScamSniffer"),
            "{}",
            f.explain
        );
        assert_eq!(f.weight, WATCHLIST_WEIGHT);
        assert!(f.text.starts_with("0x5290"), "{}", f.text);
        // The lure and distress assessments are untouched.
        assert_eq!(after.lure.score, before.lure.score);
        // Allow-listed: no raise.
        lists.allow([("eth", eth.as_str())]);
        let allowed = Engine::builtin().unwrap().with_watchlists(lists);
        assert_eq!(
            allowed.analyze(&Document::new("1", text)).scam.score,
            before.scam.score
        );
    }

    #[test]
    fn a_plea_raises_nothing() {
        let plea = "Please help me, I am trapped in a compound in Myawaddy, they beat us and took my passport. \
                    My number is +66 81 234 5678, call my sister";
        let mut lists = Watchlists::new();
        lists.add_list("numbers", "test", [("phone", "+66812345678")]);
        let r = Engine::builtin()
            .unwrap()
            .with_watchlists(lists)
            .analyze(&Document::new("1", plea));
        assert!(r.scam.findings.iter().all(|f| f.category != "watchlist"));
    }
}
