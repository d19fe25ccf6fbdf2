//! A small engine for ICU-style transliteration rules, running the CLDR Zawgyi → Unicode rule set.
//!
//! Semantics follow ICU's rule-based transliterator, restricted to what the rule set uses:
//! phases (separated by `::Null;`) run one after another over the whole text; within a phase a cursor
//! walks the text and, at each position, the first rule (in file order) whose pattern matches there
//! is applied, after which the cursor moves past the replacement (or to its `|` mark); if no rule
//! matches, the cursor moves one character on. Quantifiers are possessive (ICU does not backtrack:
//! `a* a` never matches), `^` matches only at the start of the text and `$` only at its end.
//!
//! Each character carries the original span it came from, so that conversion can feed an offset map:
//! a character copied through `$n` keeps its span; a literal character of a replacement gets the span
//! of everything the rule matched.
use std::sync::OnceLock;

static RULES: &str = include_str!("../../data/zawgyi/zawgyi_to_unicode.rules");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quant {
    One,
    Star,
    Plus,
}

#[derive(Debug, Clone)]
struct CharSet {
    ranges: Vec<(char, char)>,
    negated: bool,
}

impl CharSet {
    fn contains(&self, c: char) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= c && c <= b) != self.negated
    }
}

#[derive(Debug, Clone)]
enum Elem {
    Set(CharSet, Quant),
    Group(usize, Vec<Elem>, Quant),
}

#[derive(Debug, Clone, Copy)]
enum Piece {
    Char(char),
    Ref(usize),
}

#[derive(Debug, Clone)]
struct Rule {
    at_start: bool,
    at_end: bool,
    pattern: Vec<Elem>,
    output: Vec<Piece>,
    /// Index into `output` where `|` puts the cursor.
    cursor: Option<usize>,
}

/// A parse error in the embedded rules (only possible if the data file is edited badly).
#[derive(Debug)]
pub(crate) struct BadRules(String);

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    groups: usize,
}

impl Parser<'_> {
    fn err<T>(&self, what: &str) -> Result<T, BadRules> {
        Err(BadRules(format!(
            "{what} at {:?}",
            self.s.iter().collect::<String>()
        )))
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }

    /// A possibly escaped literal character.
    fn literal(&mut self) -> Result<char, BadRules> {
        match self.peek() {
            Some('\\') => {
                self.i += 1;
                match self.peek() {
                    Some('u') => {
                        let hex: String = self
                            .s
                            .get(self.i + 1..self.i + 5)
                            .unwrap_or(&[])
                            .iter()
                            .collect();
                        let v = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        match v {
                            Some(c) if hex.len() == 4 => {
                                self.i += 5;
                                Ok(c)
                            }
                            _ => self.err("bad \\u escape"),
                        }
                    }
                    Some(c) => {
                        self.i += 1;
                        Ok(c)
                    }
                    None => self.err("dangling backslash"),
                }
            }
            Some(c) => {
                self.i += 1;
                Ok(c)
            }
            None => self.err("unexpected end"),
        }
    }

    fn set(&mut self) -> Result<CharSet, BadRules> {
        self.i += 1; // '['
        let negated = self.peek() == Some('^');
        if negated {
            self.i += 1;
        }
        let mut ranges = Vec::new();
        loop {
            match self.peek() {
                Some(']') => {
                    self.i += 1;
                    return Ok(CharSet { ranges, negated });
                }
                None => return self.err("unterminated set"),
                _ => {
                    let a = self.literal()?;
                    if self.peek() == Some('-') && self.s.get(self.i + 1) != Some(&']') {
                        self.i += 1;
                        let b = self.literal()?;
                        ranges.push((a, b));
                    } else {
                        ranges.push((a, a));
                    }
                }
            }
        }
    }

    fn quant(&mut self) -> Quant {
        self.skip_ws();
        match self.peek() {
            Some('*') => {
                self.i += 1;
                Quant::Star
            }
            Some('+') => {
                self.i += 1;
                Quant::Plus
            }
            _ => Quant::One,
        }
    }

    /// Elements up to `)` (inside a group) or the end of the pattern.
    fn elems(&mut self, in_group: bool) -> Result<Vec<Elem>, BadRules> {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None if !in_group => return Ok(out),
                None => return self.err("unterminated group"),
                Some(')') if in_group => {
                    self.i += 1;
                    return Ok(out);
                }
                Some('(') => {
                    self.i += 1;
                    self.groups += 1;
                    let idx = self.groups;
                    let inner = self.elems(true)?;
                    let q = self.quant();
                    out.push(Elem::Group(idx, inner, q));
                }
                Some('[') => {
                    let set = self.set()?;
                    let q = self.quant();
                    out.push(Elem::Set(set, q));
                }
                Some('$' | '^' | ')' | '|' | '{' | '}') => return self.err("unsupported syntax"),
                _ => {
                    let c = self.literal()?;
                    let q = self.quant();
                    out.push(Elem::Set(
                        CharSet {
                            ranges: vec![(c, c)],
                            negated: false,
                        },
                        q,
                    ));
                }
            }
        }
    }
}

fn parse_rule(stmt: &str) -> Result<Rule, BadRules> {
    let (lhs, rhs) = stmt
        .split_once('>')
        .ok_or_else(|| BadRules(format!("no '>' in {stmt:?}")))?;
    let mut lhs = lhs.trim();
    let at_start = lhs.starts_with('^');
    if at_start {
        lhs = &lhs[1..];
    }
    let at_end = lhs.ends_with('$') && !lhs.ends_with("\\$");
    if at_end {
        lhs = &lhs[..lhs.len() - 1];
    }
    let chars: Vec<char> = lhs.chars().collect();
    let mut p = Parser {
        s: &chars,
        i: 0,
        groups: 0,
    };
    let pattern = p.elems(false)?;
    let groups = p.groups;

    let rchars: Vec<char> = rhs.chars().collect();
    let mut q = Parser {
        s: &rchars,
        i: 0,
        groups: 0,
    };
    let mut output = Vec::new();
    let mut cursor = None;
    loop {
        q.skip_ws();
        match q.peek() {
            None => break,
            Some('|') => {
                q.i += 1;
                cursor = Some(output.len());
            }
            Some('$') => {
                q.i += 1;
                let d = q
                    .peek()
                    .and_then(|c| c.to_digit(10))
                    .ok_or_else(|| BadRules(format!("bad $ in {stmt:?}")))?;
                q.i += 1;
                if d as usize > groups || d == 0 {
                    return Err(BadRules(format!("no group ${d} in {stmt:?}")));
                }
                output.push(Piece::Ref(d as usize));
            }
            Some(_) => output.push(Piece::Char(q.literal()?)),
        }
    }
    Ok(Rule {
        at_start,
        at_end,
        pattern,
        output,
        cursor,
    })
}

/// The parsed rule set: phases of rules.
pub(crate) struct Rules {
    phases: Vec<Vec<Rule>>,
}

impl Rules {
    pub(crate) fn parse(text: &str) -> Result<Rules, BadRules> {
        let mut phases = vec![Vec::new()];
        let body: String = text
            .lines()
            .map(|l| {
                if l.trim_start().starts_with('#') {
                    ""
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        for stmt in body.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            if stmt == "::Null" {
                phases.push(Vec::new());
            } else if let Some(last) = phases.last_mut() {
                last.push(parse_rule(stmt)?);
            }
        }
        phases.retain(|p| !p.is_empty());
        if phases.is_empty() {
            return Err(BadRules("no rules".into()));
        }
        Ok(Rules { phases })
    }
}

pub(crate) fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    // The embedded rules are tested to parse; a failure here means the data file was corrupted.
    R.get_or_init(|| {
        Rules::parse(RULES).unwrap_or_else(|e| panic!("embedded Zawgyi rules: {}", e.0))
    })
}

/// A character with the original byte span it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Item {
    pub c: char,
    pub start: usize,
    pub end: usize,
}

/// The text after the cursor, stored reversed so that consuming from the front is a pop.
struct Rest<'a>(&'a [Item]);

impl Rest<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn at(&self, k: usize) -> char {
        self.0[self.0.len() - 1 - k].c
    }
}

type Caps = [(usize, usize); 10];

fn match_elems(elems: &[Elem], t: &Rest<'_>, mut pos: usize, caps: &mut Caps) -> Option<usize> {
    for e in elems {
        match e {
            Elem::Set(set, q) => {
                let start = pos;
                while pos < t.len() && set.contains(t.at(pos)) {
                    pos += 1;
                    if *q == Quant::One {
                        break;
                    }
                }
                if pos == start && *q != Quant::Star {
                    return None;
                }
            }
            Elem::Group(idx, inner, q) => {
                let start = pos;
                match q {
                    Quant::One => pos = match_elems(inner, t, pos, caps)?,
                    _ => {
                        let mut n = 0;
                        while let Some(p) = match_elems(inner, t, pos, caps).filter(|&p| p > pos) {
                            pos = p;
                            n += 1;
                        }
                        if n == 0 && *q == Quant::Plus {
                            return None;
                        }
                    }
                }
                caps[*idx] = (start, pos);
            }
        }
    }
    Some(pos)
}

fn run_phase(rules: &[Rule], input: Vec<Item>) -> Vec<Item> {
    let n = input.len();
    let mut rest: Vec<Item> = input;
    rest.reverse();
    let mut out: Vec<Item> = Vec::with_capacity(n + n / 4);
    let mut repl: Vec<Item> = Vec::new();
    // Guard against rules that would send the cursor back forever (none in the shipped set does).
    let mut budget = 16 * n + 64;
    while !rest.is_empty() {
        let t = Rest(&rest);
        let mut applied = false;
        if budget > 0 {
            budget -= 1;
            for r in rules {
                if r.at_start && !out.is_empty() {
                    continue;
                }
                let mut caps: Caps = [(0, 0); 10];
                let Some(end) = match_elems(&r.pattern, &t, 0, &mut caps) else {
                    continue;
                };
                if end == 0 || (r.at_end && end != t.len()) {
                    continue;
                }
                // Build the replacement from the matched items.
                let matched = |k: usize| rest[rest.len() - 1 - k];
                let span = (0..end).map(matched).fold((usize::MAX, 0), |(s, e), it| {
                    (s.min(it.start), e.max(it.end))
                });
                repl.clear();
                for p in &r.output {
                    match *p {
                        Piece::Char(c) => repl.push(Item {
                            c,
                            start: span.0,
                            end: span.1,
                        }),
                        Piece::Ref(g) => repl.extend((caps[g].0..caps[g].1).map(matched)),
                    }
                }
                rest.truncate(rest.len() - end);
                let keep = r.cursor.map_or(repl.len(), |c| c.min(repl.len()));
                out.extend_from_slice(&repl[..keep]);
                rest.extend(repl[keep..].iter().rev());
                applied = true;
                break;
            }
        }
        if !applied && let Some(it) = rest.pop() {
            out.push(it);
        }
    }
    out
}

/// Convert `items` (a Zawgyi text) through every phase.
pub(crate) fn convert_items(mut items: Vec<Item>) -> Vec<Item> {
    for phase in &rules().phases {
        items = run_phase(phase, items);
    }
    items
}

/// The items of `s`, each spanning its own bytes (offset by `base`).
pub(crate) fn items_of(s: &str, base: usize) -> Vec<Item> {
    s.char_indices()
        .map(|(i, c)| Item {
            c,
            start: base + i,
            end: base + i + c.len_utf8(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(rules: &str, s: &str) -> String {
        let r = Rules::parse(rules).unwrap();
        let mut items = items_of(s, 0);
        for p in &r.phases {
            items = run_phase(p, items);
        }
        items.iter().map(|i| i.c).collect()
    }

    #[test]
    fn embedded_rules_parse() {
        let r = Rules::parse(RULES).unwrap();
        assert_eq!(r.phases.len(), 8);
        assert!(r.phases.iter().map(Vec::len).sum::<usize>() > 100);
    }

    #[test]
    fn quantifiers_are_possessive_like_icu() {
        // Same results as ICU 77 for the same rules (checked with PyICU).
        assert_eq!(conv("a* a > X;", "aaa"), "aaa");
        assert_eq!(conv("a+ b > X;", "aaab"), "X");
        assert_eq!(conv("([ab]*) b > X;", "aab"), "aab");
    }

    #[test]
    fn first_rule_wins_and_cursor_moves_past_the_replacement() {
        assert_eq!(conv("ab > X; b > Y;", "abb"), "XY");
        assert_eq!(conv("a > b; b > c;", "ab"), "bc");
        assert_eq!(conv("a > |b; b > c;", "ab"), "cc");
    }

    #[test]
    fn anchors() {
        assert_eq!(conv("^a > X;", "aa"), "Xa");
        assert_eq!(conv("a$ > X;", "aa"), "aX");
    }

    #[test]
    fn groups_and_phases() {
        assert_eq!(conv("(a)(b) > $2 $1; ::Null; ba > Z;", "abab"), "ZZ");
        assert_eq!(conv("([xy])+ > Q;", "xyxyz"), "Qz");
    }

    #[test]
    fn provenance_follows_copies_and_literals() {
        let r = Rules::parse("(a)(b) > $2 $1 \\u0021;").unwrap();
        let out = run_phase(&r.phases[0], items_of("ab", 10));
        let got: Vec<_> = out.iter().map(|i| (i.c, i.start, i.end)).collect();
        assert_eq!(got, vec![('b', 11, 12), ('a', 10, 11), ('!', 10, 12)]);
    }

    #[test]
    fn bad_rules_are_errors() {
        assert!(Rules::parse("a > $3;").is_err());
        assert!(Rules::parse("[ab > c;").is_err());
        assert!(Rules::parse("a { b > c;").is_err());
        assert!(Rules::parse("").is_err());
    }
}
