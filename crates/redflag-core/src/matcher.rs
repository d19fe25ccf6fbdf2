//! All pack phrases in one Aho-Corasick automaton, and the patterns as compiled regexes, built once per load.
//!
//! The patterns are searched one by one rather than as a `RegexSet`: a set of ~200 patterns asked which
//! of them match overlapping falls back to a PikeVM, which measured 9x slower than 200 lazy-DFA searches
//! with their literal prefilters.
//!
//! Both run over the match view. Latin-script phrases must sit on word boundaries (so "visa" does not
//! fire inside "advisable"); Thai, Khmer, Burmese and Chinese have no spaces, so their phrases match
//! anywhere and are instead required to be long (see `pack`).
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use crate::error::Error;
use crate::pack::Pack;

/// Where a phrase of the automaton came from.
#[derive(Debug, Clone)]
pub struct PhraseRef {
    /// Index of the rule in the engine's flat rule list.
    pub rule: usize,
    /// Language key of the phrase.
    pub lang: String,
    /// The phrase as written in the pack.
    pub phrase: String,
    bounded_start: bool,
    bounded_end: bool,
}

/// One rule firing: the first place it matched in the match view (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Flat rule index.
    pub rule: usize,
    /// Start byte in the match view.
    pub start: usize,
    /// End byte in the match view.
    pub end: usize,
}

/// The compiled matchers of a set of packs.
#[derive(Debug)]
pub struct Matcher {
    ac: AhoCorasick,
    phrases: Vec<PhraseRef>,
    regexes: Vec<(usize, Regex)>,
    rule_count: usize,
}

/// A character that makes a Latin word continue: a phrase may not start or end next to one.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || (c.is_alphabetic() && (c as u32) < 0x0370)
}

/// Rewrite `\b` and `\B` as ASCII word boundaries.
///
/// Unicode word boundaries make the regex engines give up their DFAs on any non-ASCII text and fall back
/// to a PikeVM, which was 100x slower over a pack's patterns. The match view has already folded Latin
/// diacritics and look-alikes, so an ASCII boundary means the same for Latin-script patterns; and in Thai,
/// Khmer, Burmese and Chinese text pack authors must not rely on `\b` at all (see packs/README.md).
fn ascii_word_boundaries(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(b @ ('b' | 'B')) => {
                    out.push_str("(?-u:\\");
                    out.push(b);
                    out.push(')');
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Matcher {
    /// Compile the phrases and patterns of `packs` (rules numbered in pack order, then file order).
    pub fn build(packs: &[Pack]) -> Result<Matcher, Error> {
        let mut phrases = Vec::new();
        let mut needles = Vec::new();
        let mut regexes = Vec::new();
        let mut rule = 0;
        for pack in packs {
            for r in &pack.rules {
                for (lang, list) in &r.phrases {
                    for p in list {
                        let norm = redflag_text::match_view(p).as_str().trim().to_string();
                        if norm.is_empty() {
                            return Err(Error::rule(
                                &pack.file,
                                &r.id,
                                format!("phrase {p:?} normalises to nothing"),
                            ));
                        }
                        let bounded_start = norm.chars().next().is_some_and(is_word_char);
                        let bounded_end = norm.chars().next_back().is_some_and(is_word_char);
                        phrases.push(PhraseRef {
                            rule,
                            lang: lang.clone(),
                            phrase: p.clone(),
                            bounded_start,
                            bounded_end,
                        });
                        needles.push(norm);
                    }
                }
                for list in r.patterns.values() {
                    for p in list {
                        let p = &ascii_word_boundaries(p);
                        let re = Regex::new(p).map_err(|e| {
                            Error::rule(&pack.file, &r.id, format!("pattern {p:?}: {e}"))
                        })?;
                        regexes.push((rule, re));
                    }
                }
                rule += 1;
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&needles)
            .map_err(|e| Error::pack("packs", format!("cannot build the phrase automaton: {e}")))?;
        Ok(Matcher {
            ac,
            phrases,
            regexes,
            rule_count: rule,
        })
    }

    /// The phrases of the automaton, by pattern id.
    pub fn phrases(&self) -> &[PhraseRef] {
        &self.phrases
    }

    fn boundary_ok(text: &str, p: &PhraseRef, start: usize, end: usize) -> bool {
        (!p.bounded_start || !text[..start].chars().next_back().is_some_and(is_word_char))
            && (!p.bounded_end || !text[end..].chars().next().is_some_and(is_word_char))
    }

    /// Every phrase (by pattern id) that occurs in `view` on proper boundaries, each once.
    pub fn phrase_hits(&self, view: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .ac
            .find_overlapping_iter(view)
            .filter(|m| {
                Self::boundary_ok(
                    view,
                    &self.phrases[m.pattern().as_usize()],
                    m.start(),
                    m.end(),
                )
            })
            .map(|m| m.pattern().as_usize())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The rules that fire on `view`, each with its first match, ordered by rule index.
    pub fn hits(&self, view: &str) -> Vec<Hit> {
        let mut first: Vec<Option<(usize, usize)>> = vec![None; self.rule_count];
        for m in self.ac.find_overlapping_iter(view) {
            let p = &self.phrases[m.pattern().as_usize()];
            if !Self::boundary_ok(view, p, m.start(), m.end()) {
                continue;
            }
            let slot = &mut first[p.rule];
            if slot.is_none_or(|(s, _)| m.start() < s) {
                *slot = Some((m.start(), m.end()));
            }
        }
        if !self.regexes.is_empty() {
            for (rule, re) in &self.regexes {
                if let Some(m) = re.find(view) {
                    let slot = &mut first[*rule];
                    if slot.is_none_or(|(s, _)| m.start() < s) {
                        *slot = Some((m.start(), m.end()));
                    }
                }
            }
        }
        first
            .into_iter()
            .enumerate()
            .filter_map(|(rule, s)| s.map(|(start, end)| Hit { rule, start, end }))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::ascii_word_boundaries as a;

    #[test]
    fn boundaries_become_ascii_and_escapes_survive() {
        assert_eq!(a(r"\bvisa\b"), r"(?-u:\b)visa(?-u:\b)");
        assert_eq!(a(r"a\Bb"), r"a(?-u:\B)b");
        assert_eq!(
            a(r"\\b\d"),
            r"\\b\d",
            "an escaped backslash followed by b is a literal"
        );
        assert_eq!(a(r"\p{Thai}+"), r"\p{Thai}+");
        let re = regex::Regex::new(&a(r"\bvisa\b")).unwrap();
        assert!(re.is_match("free visa!") && re.is_match("วีซ่าvisa") && !re.is_match("advisable"));
    }
}
