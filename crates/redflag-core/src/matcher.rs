//! All pack phrases in one Aho-Corasick automaton, and the patterns as compiled regexes, built once per load.
//!
//! The patterns are searched one by one rather than as a `RegexSet`: a set of ~200 patterns asked which
//! of them match overlapping falls back to a PikeVM, which measured 9x slower than 200 lazy-DFA searches
//! with their literal prefilters.
//!
//! Most patterns can only match where one of a few literals occurs ("kerja", "%", a Thai word, a digit):
//! those literals are read off each compiled pattern (see [`required`]) and added to the phrase
//! automaton, so the one pass that finds the phrases also says which patterns may match; a pattern whose
//! literals are all absent is not searched at all. Literals of one byte (a digit, `%`) are looked up in a
//! table of the bytes present instead, which is cheaper than reporting every digit from the automaton.
//!
//! Both run over the match view. Latin-script phrases must sit on word boundaries (so "visa" does not
//! fire inside "advisable"); Thai, Khmer, Burmese and Chinese have no spaces, so their phrases match
//! anywhere and are instead required to be long (see `pack`).
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};

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

/// Where a pattern of the matcher came from.
#[derive(Debug, Clone)]
pub struct PatternRef {
    /// Index of the rule in the engine's flat rule list.
    pub rule: usize,
    /// Language key of the pattern.
    pub lang: String,
    /// The pattern as written in the pack.
    pub pattern: String,
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
    /// The phrases (pattern ids `0..phrases.len()`), then the multi-byte literals of the patterns.
    ac: AhoCorasick,
    phrases: Vec<PhraseRef>,
    regexes: Vec<(usize, Regex)>,
    /// Where each of `regexes` came from (same index).
    pattern_refs: Vec<PatternRef>,
    rule_count: usize,
    /// For each multi-byte literal (automaton id minus `phrases.len()`): the patterns that need it.
    literal_regexes: Vec<Vec<u32>>,
    /// For each byte: the patterns that need it (one-byte literals).
    byte_regexes: Vec<Vec<u32>>,
    /// Patterns with no literal they need: searched always.
    unfiltered: Vec<u32>,
    /// For each pattern, the clauses beyond the one indexed above: each must have a literal present too.
    other_clauses: Vec<Vec<Vec<Lit>>>,
}

/// A literal of a clause: one byte (looked up in the bytes present), or a longer one in the automaton.
#[derive(Debug, Clone, Copy)]
enum Lit {
    Byte(u8),
    Multi(u32),
}

/// Most literals a clause (or a finite language) may hold; a larger clause is reduced to the first bytes
/// of its literals.
const MAX_LITERALS: usize = 64;
/// Largest character class spelled out as its characters (beyond it: the first bytes of its UTF-8 forms).
const MAX_CLASS_CHARS: u32 = 16;

/// A set of byte strings.
type Lits = Vec<Vec<u8>>;

fn dedup(mut set: Lits) -> Lits {
    set.sort_unstable();
    set.dedup();
    set
}

/// Every concatenation of a string of `a` with one of `b`, unless there are too many.
fn product(a: &Lits, b: &Lits) -> Option<Lits> {
    if a.len() * b.len() > MAX_LITERALS {
        return None;
    }
    Some(dedup(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y].concat()))
            .collect(),
    ))
}

/// The first UTF-8 bytes of the characters `lo..=hi`.
fn lead_bytes(lo: u32, hi: u32, out: &mut Lits) {
    // Within each UTF-8 length the first byte grows with the code point.
    for (a, b) in [
        (0, 0x7f),
        (0x80, 0x7ff),
        (0x800, 0xffff),
        (0x1_0000, 0x10_ffff),
    ] {
        let (s, e) = (lo.max(a), hi.min(b));
        if s > e {
            continue;
        }
        let first = |c: u32| {
            let mut buf = [0; 4];
            // Surrogates are not chars: the nearest char below has the same first byte.
            let c = char::from_u32(c)
                .or_else(|| char::from_u32(0xd7ff))
                .unwrap_or('\0');
            c.encode_utf8(&mut buf).as_bytes()[0]
        };
        for byte in first(s)..=first(e) {
            out.push(vec![byte]);
        }
    }
}

/// The characters of a class, when it has few.
fn class_language(class: &Class) -> Option<Lits> {
    match class {
        Class::Unicode(c) => {
            let count: u32 = c
                .ranges()
                .iter()
                .map(|r| r.end() as u32 - r.start() as u32 + 1)
                .sum();
            (count <= MAX_CLASS_CHARS).then(|| {
                c.iter()
                    .flat_map(|r| r.start()..=r.end())
                    .map(|ch| ch.to_string().into_bytes())
                    .collect()
            })
        }
        Class::Bytes(c) => {
            let count: u32 = c
                .ranges()
                .iter()
                .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
                .sum();
            (count <= MAX_CLASS_CHARS).then(|| {
                c.iter()
                    .flat_map(|r| r.start()..=r.end())
                    .map(|b| vec![b])
                    .collect()
            })
        }
    }
}

/// Every string `hir` can match, if there are few (a superset: look-arounds count as the empty string).
fn language(hir: &Hir) -> Option<Lits> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(l) => Some(vec![l.0.to_vec()]),
        HirKind::Class(c) => class_language(c),
        HirKind::Repetition(r) => {
            let max = r.max.filter(|m| *m <= 3)?;
            let sub = language(&r.sub)?;
            let (mut out, mut power) = (Vec::new(), vec![Vec::new()]);
            for k in 0..=max {
                if k >= r.min {
                    out.extend(power.iter().cloned());
                }
                if k < max {
                    power = product(&power, &sub)?;
                }
            }
            (out.len() <= MAX_LITERALS).then(|| dedup(out))
        }
        HirKind::Capture(c) => language(&c.sub),
        HirKind::Concat(subs) => subs
            .iter()
            .try_fold(vec![Vec::new()], |acc, s| product(&acc, &language(s)?)),
        HirKind::Alternation(subs) => {
            let mut out = Vec::new();
            for s in subs {
                out.extend(language(s)?);
            }
            (out.len() <= MAX_LITERALS).then(|| dedup(out))
        }
    }
}

/// A clause from a set of strings: none of them may be empty; a large one keeps only first bytes.
fn clause(set: Lits) -> Option<Lits> {
    if set.is_empty() || set.iter().any(Vec::is_empty) {
        return None;
    }
    let set = dedup(set);
    Some(if set.len() > MAX_LITERALS {
        dedup(set.iter().map(|l| vec![l[0]]).collect())
    } else {
        set
    })
}

/// How selective a clause is: its shortest literal, then the fewer literals the better.
fn selectivity(c: &Lits) -> (usize, std::cmp::Reverse<usize>) {
    (
        c.iter().map(Vec::len).min().unwrap_or(0),
        std::cmp::Reverse(c.len()),
    )
}

/// What any match of `hir` contains: for every clause, at least one of its byte strings (a conjunction
/// of disjunctions; empty when nothing is known, e.g. for a pattern that can match the empty string).
fn required(hir: &Hir) -> Vec<Lits> {
    if let Some(lang) = language(hir) {
        return clause(lang).into_iter().collect();
    }
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            let mut out = Vec::new();
            for r in c.ranges() {
                lead_bytes(r.start() as u32, r.end() as u32, &mut out);
            }
            clause(out).into_iter().collect()
        }
        HirKind::Class(Class::Bytes(c)) => clause(
            c.ranges()
                .iter()
                .flat_map(|r| (r.start()..=r.end()).map(|b| vec![b]))
                .collect(),
        )
        .into_iter()
        .collect(),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Concat(subs) => {
            // Runs of parts with few strings each are multiplied out into longer literals.
            let mut out = Vec::new();
            let mut run: Lits = vec![Vec::new()];
            for s in subs {
                let lang = language(s);
                if let Some(p) = lang.as_ref().and_then(|l| product(&run, l)) {
                    run = p;
                    continue;
                }
                out.extend(clause(std::mem::replace(&mut run, vec![Vec::new()])));
                match lang {
                    Some(l) => run = l,
                    None => out.extend(required(s)),
                }
            }
            out.extend(clause(run));
            out
        }
        HirKind::Alternation(subs) => {
            // Each branch's most selective clause; the match contains a string of one of them.
            let mut out = Vec::new();
            for s in subs {
                let Some(best) = required(s).into_iter().max_by_key(selectivity) else {
                    return Vec::new();
                };
                out.extend(best);
            }
            clause(out).into_iter().collect()
        }
        _ => Vec::new(),
    }
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
        let mut pattern_refs = Vec::new();
        let mut needs = Vec::new();
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
                for (lang, list) in &r.patterns {
                    for written in list {
                        pattern_refs.push(PatternRef {
                            rule,
                            lang: lang.clone(),
                            pattern: written.clone(),
                        });
                        let p = &ascii_word_boundaries(written);
                        let re = Regex::new(p).map_err(|e| {
                            Error::rule(&pack.file, &r.id, format!("pattern {p:?}: {e}"))
                        })?;
                        // The same syntax the regex crate parses (its default flags).
                        let need = regex_syntax::parse(p)
                            .map(|h| required(&h))
                            .unwrap_or_default();
                        needs.push(need);
                        regexes.push((rule, re));
                    }
                }
                rule += 1;
            }
        }
        let mut literals: Lits = Vec::new();
        let mut literal_ids = std::collections::HashMap::new();
        let mut literal_regexes: Vec<Vec<u32>> = Vec::new();
        let mut byte_regexes: Vec<Vec<u32>> = vec![Vec::new(); 256];
        let mut unfiltered = Vec::new();
        let mut other_clauses = Vec::new();
        for (i, clauses) in needs.into_iter().enumerate() {
            let i = i as u32;
            let mut others = Vec::new();
            // The most selective clause decides which patterns to look at; the others are checked then.
            let best = (0..clauses.len()).max_by_key(|&j| selectivity(&clauses[j]));
            if best.is_none() {
                unfiltered.push(i);
            }
            for (j, c) in clauses.into_iter().enumerate() {
                let refs: Vec<Lit> = c
                    .into_iter()
                    .map(|lit| {
                        if let [b] = lit[..] {
                            return Lit::Byte(b);
                        }
                        let id = *literal_ids.entry(lit.clone()).or_insert_with(|| {
                            literals.push(lit);
                            literal_regexes.push(Vec::new());
                            (literals.len() - 1) as u32
                        });
                        Lit::Multi(id)
                    })
                    .collect();
                if Some(j) != best {
                    others.push(refs);
                    continue;
                }
                for r in refs {
                    match r {
                        Lit::Byte(b) => byte_regexes[b as usize].push(i),
                        Lit::Multi(id) => literal_regexes[id as usize].push(i),
                    }
                }
            }
            other_clauses.push(others);
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(
                needles
                    .iter()
                    .map(|n| n.as_bytes())
                    .chain(literals.iter().map(Vec::as_slice)),
            )
            .map_err(|e| Error::pack("packs", format!("cannot build the phrase automaton: {e}")))?;
        Ok(Matcher {
            ac,
            phrases,
            regexes,
            pattern_refs,
            rule_count: rule,
            literal_regexes,
            byte_regexes,
            unfiltered,
            other_clauses,
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
                m.pattern().as_usize() < self.phrases.len()
                    && Self::boundary_ok(
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

    /// The patterns, by index as [`Matcher::pattern_hits`] returns them.
    pub fn patterns(&self) -> &[PatternRef] {
        &self.pattern_refs
    }

    /// Every pattern (by index into [`Matcher::patterns`]) that matches somewhere in `view`, each once.
    pub fn pattern_hits(&self, view: &str) -> Vec<usize> {
        let mut first: Vec<Option<(usize, usize)>> = vec![None; self.rule_count];
        let candidate = self.scan(view, &mut first);
        self.regexes
            .iter()
            .zip(&candidate)
            .enumerate()
            .filter(|(_, ((_, re), c))| **c && re.is_match(view))
            .map(|(i, _)| i)
            .collect()
    }

    /// One pass of the automaton: each rule's first phrase match into `first`, and which patterns may
    /// match (`true` at their index) because a literal they need occurs in `view`.
    fn scan(&self, view: &str, first: &mut [Option<(usize, usize)>]) -> Vec<bool> {
        // Which patterns may match: their literals occur.
        let mut candidate = vec![false; self.regexes.len()];
        for &i in &self.unfiltered {
            candidate[i as usize] = true;
        }
        let mut seen_literal = vec![false; self.literal_regexes.len()];
        let mut seen_list = Vec::new();
        for m in self.ac.find_overlapping_iter(view) {
            let id = m.pattern().as_usize();
            let Some(p) = self.phrases.get(id) else {
                let lit = id - self.phrases.len();
                if !std::mem::replace(&mut seen_literal[lit], true) {
                    seen_list.push(lit);
                }
                continue;
            };
            if !Self::boundary_ok(view, p, m.start(), m.end()) {
                continue;
            }
            let slot = &mut first[p.rule];
            if slot.is_none_or(|(s, _)| m.start() < s) {
                *slot = Some((m.start(), m.end()));
            }
        }
        let mut present = [false; 256];
        for &b in view.as_bytes() {
            present[b as usize] = true;
        }
        for (b, regexes) in self.byte_regexes.iter().enumerate() {
            if present[b] {
                for &i in regexes {
                    candidate[i as usize] = true;
                }
            }
        }
        for &lit in &seen_list {
            for &i in &self.literal_regexes[lit] {
                candidate[i as usize] = true;
            }
        }
        let holds = |l: &Lit| match *l {
            Lit::Byte(b) => present[b as usize],
            Lit::Multi(id) => seen_literal[id as usize],
        };
        for (c, others) in candidate.iter_mut().zip(&self.other_clauses) {
            if *c && !others.iter().all(|clause| clause.iter().any(holds)) {
                *c = false;
            }
        }
        candidate
    }

    /// The rules that fire on `view`, each with its first match, ordered by rule index.
    pub fn hits(&self, view: &str) -> Vec<Hit> {
        let mut first: Vec<Option<(usize, usize)>> = vec![None; self.rule_count];
        let candidate = self.scan(view, &mut first);
        for ((rule, re), _) in self.regexes.iter().zip(&candidate).filter(|(_, c)| **c) {
            if let Some(m) = re.find(view) {
                let slot = &mut first[*rule];
                if slot.is_none_or(|(s, _)| m.start() < s) {
                    *slot = Some((m.start(), m.end()));
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
    use super::{Matcher, required};

    fn builtin() -> Matcher {
        let packs: Vec<_> = [
            ("lure.toml", include_str!("../../../packs/lure.toml")),
            ("scam.toml", include_str!("../../../packs/scam.toml")),
            (
                "distress.toml",
                include_str!("../../../packs/distress.toml"),
            ),
        ]
        .iter()
        .map(|(f, t)| crate::pack::parse(f, t).expect("bundled pack"))
        .collect();
        Matcher::build(&packs).expect("bundled packs compile")
    }

    /// The literal pre-filter may skip a pattern only where it cannot match: over every pack example,
    /// phrase and the bundled ads, each pattern that matches must have been a candidate.
    #[test]
    fn prefilter_never_skips_a_matching_pattern() {
        let m = builtin();
        let mut texts: Vec<String> = Vec::new();
        for (n, f) in [
            ("lure.toml", include_str!("../../../packs/lure.toml")),
            ("scam.toml", include_str!("../../../packs/scam.toml")),
            (
                "distress.toml",
                include_str!("../../../packs/distress.toml"),
            ),
        ] {
            let pack = crate::pack::parse(n, f).expect("bundled pack");
            for r in &pack.rules {
                texts.extend(r.examples.iter().map(|e| e.text.clone()));
                texts.extend(r.phrases.values().flatten().cloned());
            }
        }
        texts.extend(
            include_str!("../../../examples/ads.jsonl")
                .lines()
                .map(str::to_string),
        );
        let (mut matched, mut skipped) = (0, 0);
        for t in &texts {
            let view = redflag_text::match_view(t);
            let view = view.as_str();
            let mut first = vec![None; m.rule_count];
            let cand = m.scan(view, &mut first);
            for (i, (_, re)) in m.regexes.iter().enumerate() {
                if re.is_match(view) {
                    matched += 1;
                    assert!(cand[i], "pattern {re} matches {t:?} but was filtered out");
                } else if !cand[i] {
                    skipped += 1;
                }
            }
        }
        assert!(matched > 100, "the texts must exercise the patterns");
        assert!(skipped > matched, "the pre-filter must skip most patterns");
    }

    /// `pattern_hits` (the false-positive check's view of the patterns) reports exactly the patterns
    /// that match, each named by its rule and its text as written.
    #[test]
    fn pattern_hits_are_the_matching_patterns() {
        let m = builtin();
        assert_eq!(m.patterns().len(), m.regexes.len());
        let texts = [
            "Gaji USD 1.200 per bulan, tiket pesawat gratis, berangkat ke Kamboja",
            "see you at 5 o'clock",
        ];
        for t in texts {
            let view = redflag_text::match_view(t);
            let view = view.as_str();
            let hits = m.pattern_hits(view);
            let all: Vec<usize> = (0..m.regexes.len())
                .filter(|&i| m.regexes[i].1.is_match(view))
                .collect();
            assert_eq!(hits, all, "{t}");
            for &i in &hits {
                assert_eq!(m.patterns()[i].rule, m.regexes[i].0);
            }
        }
        let view = redflag_text::match_view(texts[0]);
        assert!(m.pattern_hits(view.as_str()).len() >= 2);
    }

    #[test]
    fn required_literals() {
        let need = |p: &str| required(&regex_syntax::parse(p).unwrap());
        let lits = |v: &[&str]| v.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(
            need("kerja(an)? (ringan|mudah)"),
            [lits(&[
                "kerja mudah",
                "kerja ringan",
                "kerjaan mudah",
                "kerjaan ringan"
            ])]
        );
        assert_eq!(need("(ab|cd)x?"), [lits(&["ab", "abx", "cd", "cdx"])]);
        assert_eq!(need("a?b*"), Vec::<Vec<Vec<u8>>>::new());
        assert_eq!(need(r"(?-u:\b)x(?-u:\b)"), [lits(&["x"])]);
        // A conjunction: a digit (any of the first bytes of \d), then "%", then one of the words.
        let n = need(r"\d+\s?%\s?(daily|per day)");
        assert_eq!(n.len(), 3);
        assert!(n[0].contains(&b"7".to_vec()) && n[0].contains(&vec![0xe0]));
        assert!(n[0].iter().all(|l| l.len() == 1));
        assert_eq!(n[1..], [lits(&["%"]), lits(&["daily", "per day"])]);
    }

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
