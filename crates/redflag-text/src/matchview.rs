//! The match view: what rules and the classifier see.
//!
//! One pass over the source, in three layers:
//! 1. **characters**, in NFKC *chunks* (a character that starts a normalisation segment — combining
//!    class 0 and NFKC quick-check Yes — with the characters that may combine with it): invisible
//!    characters are dropped, then NFKC, full lower-casing, Latin diacritics and strokes folded (only
//!    after a Latin base letter, so Thai, Burmese and Khmer marks are untouched), traditional Chinese
//!    folded to simplified;
//! 2. **words** of Latin, Greek and Cyrillic letters and digits: look-alike letters folded to Latin in
//!    words that are Latin already, then leet digits inside alphabetic words (`j0b` → `job`; numbers
//!    and digits at a word's edge are left alone);
//! 3. **tokens**: runs of three or more single letters joined (`t e l e g r a m`, `T.E.L.E`), and
//!    whitespace runs collapsed to one space.
//!
//! Text that needs none of this (lower-case ASCII words with single spaces, Thai or Chinese already in
//! normal form) is copied in runs without per-character work; ASCII upper case is lowered in place.
use std::ops::Range;

use unicode_normalization::char::{canonical_combining_class, is_combining_mark};

use crate::charinfo::{
    self, BOUNDARY, IGNORABLE, LATIN_FOLD, SUBST, VERBATIM, WORDISH, decode, info, utf8_len,
};
use crate::map::OffsetMap;
use crate::out::Out;
use crate::{simd, tables};

/// Normalise `src` into the match view. `inner` maps `src` back to the original when `src` is the
/// output of an earlier stage.
pub(crate) fn normalise(src: &str, inner: Option<&OffsetMap>) -> (String, OffsetMap) {
    let mut n = Norm::new(src, inner);
    n.run();
    n.out.finish(src.len())
}

const C_ALPHA: u8 = 1;
const C_DIGIT: u8 = 2;
const C_WS: u8 = 4;
const C_HIGH: u8 = 8;

/// Byte classes for the ASCII fast path.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b >= 0x80 {
            C_HIGH
        } else if b.is_ascii_alphabetic() {
            C_ALPHA
        } else if b.is_ascii_digit() {
            C_DIGIT
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            C_WS
        } else {
            0
        };
        i += 1;
    }
    t
};

fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Punctuation that may separate the letters of a spaced-out word.
fn is_sep_punct(c: char) -> bool {
    matches!(c, '.' | '-' | '_' | '*' | '·' | '•' | '/' | '|' | '+')
}

fn is_sep_ascii_byte(b: u8) -> bool {
    is_ascii_ws(b) || is_sep_punct(b as char)
}

/// Leet digits may be read as letters in this ASCII word: at least two letters, every digit one of
/// the leet set, and every digit run (of at most two) between letters — so `1500`, `24`, `web3`,
/// `covid19`, `b2b` and `4you` stay as they are.
fn leet_applies(w: &[u8]) -> bool {
    let letters = w.iter().filter(|b| b.is_ascii_alphabetic()).count();
    if letters < 2 || !w.iter().any(u8::is_ascii_digit) {
        return false;
    }
    let mut i = 0;
    while i < w.len() {
        if w[i].is_ascii_digit() {
            let s = i;
            while i < w.len() && w[i].is_ascii_digit() {
                if tables::leet(w[i]).is_none() {
                    return false;
                }
                i += 1;
            }
            let interior = s > 0
                && i < w.len()
                && w[s - 1].is_ascii_alphabetic()
                && w[i].is_ascii_alphabetic();
            if !interior || i - s > 2 {
                return false;
            }
        } else {
            i += 1;
        }
    }
    true
}

/// A normalised word being assembled: its text and, per chunk, where it came from.
#[derive(Default)]
struct Word {
    text: String,
    chunks: Vec<WordChunk>,
}

#[derive(Clone)]
struct WordChunk {
    out: Range<usize>,
    src: Range<usize>,
    /// The source is a single character (so a single same-length output char maps linearly).
    single: bool,
}

impl Word {
    fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }
    fn push(&mut self, s: &str, src: Range<usize>, single: bool) {
        let at = self.text.len();
        self.text.push_str(s);
        self.chunks.push(WordChunk {
            out: at..self.text.len(),
            src,
            single,
        });
    }
    fn push_ascii(&mut self, b: u8, src: Range<usize>) {
        let at = self.text.len();
        self.text.push(char::from(b));
        self.chunks.push(WordChunk {
            out: at..at + 1,
            src,
            single: true,
        });
    }
    fn clear(&mut self) {
        self.text.clear();
        self.chunks.clear();
    }
}

/// Shape of the separator between two letters of a spaced-out word; all gaps of a run must agree.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sig {
    Space,
    Exact([char; 3], usize),
}

#[derive(Clone)]
enum RunItem {
    Letter {
        c: u8,
        src: Range<usize>,
        linear: bool,
    },
    Sep {
        c: char,
        src: Range<usize>,
    },
}

/// Pending single letters that may be a spaced-out word.
#[derive(Default)]
struct Run {
    items: Vec<RunItem>,
    last_letter: usize,
    sig: Option<Sig>,
}

impl Run {
    fn active(&self) -> bool {
        !self.items.is_empty()
    }
    /// Signature of the separators after the last letter, if they form a valid gap.
    fn gap_sig(&self) -> Option<Sig> {
        let gap = &self.items[self.last_letter + 1..];
        let mut units = [' '; 3];
        let mut n = 0;
        let mut all_space = true;
        for it in gap {
            let RunItem::Sep { c, .. } = it else {
                return None;
            };
            let c = if c.is_whitespace() { ' ' } else { *c };
            if c == ' ' && n > 0 && units[n - 1] == ' ' {
                continue;
            }
            if n == 3 {
                return None;
            }
            units[n] = c;
            n += 1;
            all_space &= c == ' ';
        }
        match n {
            0 => None,
            _ if all_space => Some(Sig::Space),
            _ => Some(Sig::Exact(units, n)),
        }
    }

    /// Separator units after the last letter (a whitespace run is one unit, as the view collapses it).
    fn gap_units(&self) -> (usize, bool) {
        let mut n = 0;
        let mut last_space = false;
        for it in &self.items[self.last_letter + 1..] {
            if let RunItem::Sep { c, .. } = it {
                let space = c.is_whitespace();
                if !(space && last_space) {
                    n += 1;
                }
                last_space = space;
            }
        }
        (n, last_space)
    }
}

struct Norm<'a> {
    src: &'a str,
    bytes: &'a [u8],
    out: Out<'a>,
    /// Start of the pending verbatim run `[pending, i)`: copied as is (ASCII lower-cased) when flushed.
    pending: usize,
    /// Last NFKC chunk start inside the pending run (valid if `>= pending`).
    last_boundary: usize,
    /// Combining class of the last character of the pending run (for the reordering check).
    last_cc: u8,
    word: Word,
    run: Run,
    // Scratch buffers, reused for every chunk.
    cbuf: Vec<char>,
    nbuf: Vec<char>,
    lbuf: Vec<char>,
    obuf: String,
    wtmp: String,
    /// Characters of the pending run to replace when it is flushed (same length, so the run stays
    /// one linear piece): `(source offset, replacement)`.
    patches: Vec<(usize, char)>,
    ic: charinfo::InfoCache,
}

impl<'a> Norm<'a> {
    fn new(src: &'a str, inner: Option<&'a OffsetMap>) -> Norm<'a> {
        Norm {
            src,
            bytes: src.as_bytes(),
            out: Out::new(src.len() + 8, inner),
            pending: 0,
            last_boundary: usize::MAX,
            last_cc: 0,
            word: Word::default(),
            run: Run::default(),
            cbuf: Vec::new(),
            nbuf: Vec::new(),
            lbuf: Vec::new(),
            obuf: String::new(),
            wtmp: String::new(),
            patches: Vec::new(),
            ic: charinfo::InfoCache::new(),
        }
    }

    fn run(&mut self) {
        let n = self.bytes.len();
        let mut i = 0;
        while i < n {
            if self.bytes[i] < 0x80 && self.word.is_empty() && !self.run.active() {
                i = self.fast_ascii(i);
                if i >= n {
                    break;
                }
            }
            let b = self.bytes[i];
            i = if b >= 0x80 {
                self.non_ascii(i)
            } else if b.is_ascii_alphanumeric() {
                self.ascii_word(i)
            } else if is_ascii_ws(b) {
                self.ascii_space(i)
            } else {
                self.ascii_punct(i)
            };
        }
        self.flush_word();
        self.flush_pending(n);
        self.resolve_run();
    }

    /// Consume ASCII text that needs nothing but lower-casing (words without leet digits or
    /// spaced-out letters, single spaces, punctuation) into the pending run; return where something
    /// else starts. The general handlers take it from there.
    ///
    /// 64-byte blocks are first checked as a whole (see [`Self::block_work`]); where a block has
    /// something to look at, the bytes from there are walked token by token.
    #[inline(never)]
    fn fast_ascii(&mut self, mut i: usize) -> usize {
        let b = self.bytes;
        let n = b.len();
        let entry = i;
        loop {
            // Whole blocks with nothing to do; in a block with something, jump near its first
            // interesting byte (everything before it is plain). A quick look at 8 bytes first: in
            // text mixing scripts most blocks are not ASCII.
            while simd::enabled() && i + 64 < n && b[i..i + 8].is_ascii() {
                let bad = self.block_work(i);
                if bad == 0 {
                    i += 64;
                    continue;
                }
                // Walk the last few tokens before it again: a single letter looks up to 9 bytes
                // ahead to decide whether it starts a spaced-out word.
                i = (i + bad.trailing_zeros() as usize)
                    .saturating_sub(10)
                    .max(i);
                break;
            }
            // Walk from the start of the word at or just before `i`: a block may end inside a
            // word, and a word followed by a non-ASCII letter is one word with it. The walk goes
            // at least past `i` (else a long word before it would be walked again and again).
            let target = i;
            while i > self.pending && b[i - 1].is_ascii_alphanumeric() {
                i -= 1;
            }
            let (j, stopped) = self.fast_tokens(i, (i + 16).max(target + 1));
            i = j;
            if stopped || i >= n {
                break;
            }
        }
        // Everything consumed is verbatim ASCII, so the last byte starts the last chunk.
        if i > entry {
            self.last_boundary = i - 1;
            self.last_cc = 0;
        }
        i
    }

    /// Bytes of the block at `i` (which has a byte after it) that need more than lower-casing: non-
    /// ASCII bytes, whitespace other than single spaces, digits next to letters, single letters that
    /// might start a spaced-out word. Bit `j` is byte `i + j`; zero means a plain block.
    #[inline]
    fn block_work(&self, i: usize) -> u64 {
        let b = self.bytes;
        let Some(block) = b.get(i..i + 64).and_then(|s| <&[u8; 64]>::try_from(s).ok()) else {
            return u64::MAX;
        };
        let m = simd::classify(block, &[]);
        let alnum_at = |k: usize| u64::from(b[k].is_ascii_alphanumeric());
        let alpha_at = |k: usize| u64::from(b[k].is_ascii_alphabetic());
        let alnum = m.alpha | m.digit;
        let (prev_alnum, prev_alpha) = if i > 0 {
            (alnum_at(i - 1), alpha_at(i - 1))
        } else {
            (0, 0)
        };
        let prev_space = u64::from(if i > self.pending {
            b[i - 1] == b' '
        } else {
            self.out.ends_with_space()
        });
        let (next_alnum, next_alpha, next_space) = (
            alnum_at(i + 64),
            alpha_at(i + 64),
            u64::from(b[i + 64] == b' '),
        );
        let left = |x: u64, p: u64| (x << 1) | p;
        let right = |x: u64, nx: u64| (x >> 1) | (nx << 63);
        let singles = m.alpha & !left(alnum, prev_alnum) & !right(alnum, next_alnum);
        // A single letter with another a few bytes on (or near the block's end) may start a run.
        let run_singles =
            singles & ((singles >> 2) | (singles >> 3) | (singles >> 4) | (0x3FF << 54));
        let leet = m.digit & (left(m.alpha, prev_alpha) | right(m.alpha, next_alpha));
        let double_space = m.space & (left(m.space, prev_space) | right(m.space, next_space));
        m.odd | leet | run_singles | double_space
    }

    /// Walk tokens from `i` until the first token boundary at or after `limit` (returning
    /// `(position, false)`) or until something needs the general path (`(position, true)`).
    fn fast_tokens(&self, mut i: usize, limit: usize) -> (usize, bool) {
        let b = self.bytes;
        let n = b.len();
        let mut prev_space = if i > self.pending {
            b[i - 1] == b' '
        } else {
            self.out.ends_with_space()
        };
        while i < n {
            if i >= limit {
                return (i, false);
            }
            let c = b[i];
            let k = CLASS[c as usize];
            if k & (C_ALPHA | C_DIGIT) != 0 {
                let s = i;
                let mut flags = 0;
                while i < n {
                    let k = CLASS[b[i] as usize];
                    if k & (C_ALPHA | C_DIGIT) == 0 {
                        break;
                    }
                    flags |= k;
                    i += 1;
                }
                let special = (i < n && b[i] >= 0x80)
                    || (flags == C_ALPHA | C_DIGIT && leet_applies(&b[s..i]))
                    || (i - s == 1 && flags == C_ALPHA && self.maybe_run(s));
                if special {
                    return (s, true);
                }
                prev_space = false;
            } else if c == b' ' {
                if prev_space || (i + 1 < n && CLASS[b[i + 1] as usize] & C_WS != 0) {
                    return (i, true);
                }
                prev_space = true;
                i += 1;
            } else if k & (C_WS | C_HIGH) != 0 {
                return (i, true);
            } else {
                prev_space = false;
                i += 1;
            }
        }
        (i, true)
    }

    // ---- output primitives ----

    /// Emit the pending verbatim run up to `upto`.
    fn flush_pending(&mut self, upto: usize) {
        if upto > self.pending {
            let at = self.out.text.len();
            self.out.text.push_str(&self.src[self.pending..upto]);
            self.out.text[at..].make_ascii_lowercase();
            for &(p, f) in &self.patches {
                let o = at + p - self.pending;
                let mut buf = [0u8; 4];
                self.out
                    .text
                    .replace_range(o..o + f.len_utf8(), f.encode_utf8(&mut buf));
            }
            self.out
                .piece(upto - self.pending, self.pending..upto, true);
        }
        debug_assert!(
            self.patches.iter().all(|&(p, _)| p < upto),
            "a patch beyond the flushed run"
        );
        self.patches.clear();
        self.pending = self.pending.max(upto);
        self.last_cc = 0;
    }

    fn prev_is_space(&self, i: usize) -> bool {
        if i > self.pending {
            self.bytes[i - 1] == b' '
        } else {
            self.out.ends_with_space()
        }
    }

    /// A whitespace character outside a spaced-out word: one space per run.
    fn emit_space(&mut self, src: Range<usize>) {
        if !self.out.ends_with_space() {
            let linear = src.len() == 1;
            self.out.push(" ", src, linear);
        }
    }

    // ---- spaced-out words ----

    fn run_letter(&mut self, c: u8, src: Range<usize>, linear: bool) {
        if self.run.active() {
            let gap = self.run.gap_sig();
            let fits = gap.is_some() && (self.run.sig.is_none() || self.run.sig == gap);
            if fits {
                self.run.sig = gap;
            } else {
                self.resolve_run();
            }
        }
        self.run.last_letter = self.run.items.len();
        self.run.items.push(RunItem::Letter { c, src, linear });
    }

    /// Offer a separator to an active run; false if it ends the run (which is then resolved).
    fn run_sep(&mut self, c: char, src: Range<usize>) -> bool {
        // Up to three separator units; a whitespace run is one unit and line breaks count as spaces
        // (the view turns them all into one space, and a second pass must see the same run).
        let (units, last_space) = self.run.gap_units();
        let fits = if c.is_whitespace() {
            units < 3 || last_space
        } else {
            is_sep_punct(c) && units < 3
        };
        if fits {
            self.run.items.push(RunItem::Sep { c, src });
            return true;
        }
        self.resolve_run();
        false
    }

    fn resolve_run(&mut self) {
        if !self.run.active() {
            return;
        }
        let mut items = std::mem::take(&mut self.run.items);
        let join = items
            .iter()
            .filter(|i| matches!(i, RunItem::Letter { .. }))
            .count()
            >= 3;
        for (k, it) in items.iter().enumerate() {
            match it {
                RunItem::Letter { c, src, linear } => {
                    let s = [*c];
                    let s = std::str::from_utf8(&s).unwrap_or(" ");
                    self.out.push(s, src.clone(), *linear);
                }
                RunItem::Sep { c, src } => {
                    if join && k < self.run.last_letter {
                        continue; // inside the joined word: deleted
                    }
                    if c.is_whitespace() {
                        self.emit_space(src.clone());
                    } else {
                        let mut buf = [0u8; 4];
                        let s = c.encode_utf8(&mut buf);
                        let linear = s.len() == src.len();
                        self.out.push(s, src.clone(), linear);
                    }
                }
            }
        }
        items.clear();
        self.run.items = items;
        self.run.sig = None;
        self.run.last_letter = 0;
    }

    /// Could the single letter at `i` start a spaced-out word? (A cheap look-ahead so that ordinary
    /// one-letter words such as "a" and "I" stay on the fast path.)
    fn maybe_run(&self, i: usize) -> bool {
        let b = self.bytes;
        let n = b.len();
        let mut k = i + 1;
        for _ in 0..2 {
            let s = k;
            let (mut units, mut last_ws) = (0, false);
            while k < n && is_sep_ascii_byte(b[k]) {
                let ws = is_ascii_ws(b[k]);
                if !(ws && last_ws) {
                    units += 1;
                }
                if units > 3 {
                    return false;
                }
                last_ws = ws;
                k += 1;
            }
            if k >= n {
                return false;
            }
            if b[k] >= 0x80 {
                return true; // an invisible or full-width character: let the slow path decide
            }
            if k == s || !b[k].is_ascii_alphabetic() {
                return false;
            }
            match b.get(k + 1) {
                Some(&x) if x >= 0x80 => return true,
                Some(x) if x.is_ascii_alphanumeric() => return false,
                _ => {}
            }
            k += 1;
        }
        true
    }

    // ---- words ----

    fn flush_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        self.fold_confusables();
        let bytes = self.word.text.as_bytes();
        if bytes.is_ascii() && leet_applies(bytes) {
            // Same length, so the chunks' ranges stay valid.
            self.wtmp.clear();
            self.wtmp.extend(bytes.iter().map(|&b| {
                char::from(if b.is_ascii_digit() {
                    tables::leet(b).unwrap_or(b)
                } else {
                    b
                })
            }));
            std::mem::swap(&mut self.word.text, &mut self.wtmp);
        }
        let w = &self.word;
        if w.text.len() == 1 && w.text.as_bytes()[0].is_ascii_alphabetic() {
            let c = w.text.as_bytes()[0];
            let src = w.chunks[0].src.start..w.chunks[w.chunks.len() - 1].src.end;
            let linear = src.len() == 1;
            self.word.clear();
            self.run_letter(c, src, linear);
            return;
        }
        self.resolve_run();
        // The word's text goes out at once; the map gets contiguous same-length chunks as one
        // linear piece and the others one by one.
        let w = &self.word;
        self.out.text.push_str(&w.text);
        let mut lin: Option<(usize, Range<usize>)> = None;
        for ch in &w.chunks {
            let out = w.text.as_bytes();
            // A single character replaced by one of the same length (or unchanged) maps linearly.
            let linear = if ch.single {
                ch.out.len() == ch.src.len() && utf8_len(out[ch.out.start]) == ch.out.len()
            } else {
                out[ch.out.clone()] == self.bytes[ch.src.clone()]
            };
            if linear {
                match &mut lin {
                    Some((len, r)) if r.end == ch.src.start => {
                        *len += ch.out.len();
                        r.end = ch.src.end;
                    }
                    _ => {
                        if let Some((len, r)) = lin.take() {
                            self.out.piece(len, r, true);
                        }
                        lin = Some((ch.out.len(), ch.src.clone()));
                    }
                }
                continue;
            }
            if let Some((len, r)) = lin.take() {
                self.out.piece(len, r, true);
            }
            self.out.piece(ch.out.len(), ch.src.clone(), false);
        }
        if let Some((len, r)) = lin.take() {
            self.out.piece(len, r, true);
        }
        self.word.clear();
    }

    /// Fold look-alike letters in a word that is Latin already (or made only of look-alikes), and
    /// drop Latin diacritics left on a Latin letter by such folding or by a chunk split — as a second
    /// pass, composing them first, would.
    fn fold_confusables(&mut self) {
        if self.word.text.is_ascii() {
            return;
        }
        // Fold in a word with Latin letters; in a word made only of look-alikes, fold if it mixes
        // Cyrillic and Greek or has a look-alike no Russian or Greek word uses (`ЈОВ`), so that real
        // Cyrillic and Greek words (`москва`, `καλο`) are left alone.
        let (mut latin, mut conf, mut other, mut strong) = (false, false, false, false);
        let (mut cyrillic, mut greek) = (false, false);
        for c in self.word.text.chars() {
            if c.is_ascii_alphabetic() {
                latin = true;
            } else if tables::confusable(c).is_some() {
                conf = true;
                strong |= tables::is_strong_confusable(c);
            } else if c.is_alphabetic() {
                other = true;
            }
            cyrillic |= ('\u{400}'..='\u{52F}').contains(&c);
            greek |= ('\u{370}'..='\u{3FF}').contains(&c);
        }
        let fold = conf && (latin || (!other && (strong || (cyrillic && greek))));
        let mut text = std::mem::take(&mut self.wtmp);
        text.clear();
        let mut latin_base = false;
        for ch in &mut self.word.chunks {
            let at = text.len();
            for c in self.word.text[ch.out.clone()].chars() {
                if latin_base && tables::is_latin_diacritic(c) {
                    continue;
                }
                let c = if fold {
                    tables::confusable(c).unwrap_or(c)
                } else {
                    c
                };
                if canonical_combining_class(c) == 0 {
                    latin_base = tables::is_latin_base(c);
                }
                text.push(c);
            }
            ch.out = at..text.len();
        }
        self.wtmp = std::mem::replace(&mut self.word.text, text);
    }

    // ---- ASCII tokens ----

    fn ascii_word(&mut self, i: usize) -> usize {
        let b = self.bytes;
        let n = b.len();
        let mut j = i;
        let (mut letters, mut digits) = (0usize, 0usize);
        while j < n && b[j].is_ascii_alphanumeric() {
            if b[j].is_ascii_digit() {
                digits += 1;
            } else {
                letters += 1;
            }
            j += 1;
        }
        let joins_non_ascii = j < n && b[j] >= 0x80;
        let special = !self.word.is_empty()
            || joins_non_ascii
            || self.run.active()
            || (digits > 0 && letters >= 2 && leet_applies(&b[i..j]))
            || (j - i == 1 && letters == 1 && self.maybe_run(i));
        if !special {
            self.last_boundary = j - 1;
            self.last_cc = 0;
            return j;
        }
        self.flush_pending(i);
        for (k, &c) in b.iter().enumerate().take(j).skip(i) {
            self.word.push_ascii(c.to_ascii_lowercase(), k..k + 1);
        }
        self.pending = j;
        if !joins_non_ascii {
            self.flush_word();
        }
        j
    }

    fn ascii_space(&mut self, i: usize) -> usize {
        let b = self.bytes;
        let mut k = i;
        while k < b.len() && is_ascii_ws(b[k]) {
            k += 1;
        }
        self.flush_word();
        if !self.run.active() && k == i + 1 && b[i] == b' ' && !self.prev_is_space(i) {
            self.last_boundary = i;
            self.last_cc = 0;
            return k;
        }
        self.flush_pending(i);
        for (p, &c) in b.iter().enumerate().take(k).skip(i) {
            self.space_char(char::from(c), p..p + 1);
        }
        self.pending = k;
        k
    }

    /// A whitespace character in the general path.
    fn space_char(&mut self, c: char, src: Range<usize>) {
        if self.run.active() && self.run_sep(c, src.clone()) {
            return;
        }
        self.emit_space(src);
    }

    fn ascii_punct(&mut self, i: usize) -> usize {
        self.flush_word();
        let c = self.bytes[i] as char;
        if self.run.active() {
            self.flush_pending(i);
            self.pending = i + 1;
            if self.run_sep(c, i..i + 1) {
                return i + 1;
            }
            // The run is resolved; the character starts a verbatim run (so that a combining mark after
            // it chunks with it, as it would on a second pass).
            self.pending = i;
        }
        self.last_boundary = i;
        self.last_cc = 0;
        i + 1
    }

    // ---- everything else ----

    fn non_ascii(&mut self, mut i: usize) -> usize {
        let b = self.bytes;
        loop {
            let (c, clen) = decode(b, i);
            let inf = self.ic.get(c);
            if inf & IGNORABLE != 0 {
                // Invisible: deleted, and transparent to words and chunks around it.
                let mut j = i + clen;
                while j < b.len() && b[j] >= 0x80 {
                    let (d, dl) = decode(b, j);
                    if self.ic.get(d) & IGNORABLE == 0 {
                        break;
                    }
                    j += dl;
                }
                if j < b.len() && b[j] >= 0x80 {
                    let (next, _) = decode(b, j);
                    if self.ic.get(next) & BOUNDARY == 0 {
                        // A combining character behind the invisibles: it joins the chunk before them.
                        return self.chunk_at(j, next);
                    }
                }
                self.flush_pending(i);
                self.pending = j;
                return j;
            }
            let plain = self.word.is_empty() && !self.run.active();
            if plain && inf & SUBST != 0 {
                // Alone in its chunk (the next character starts one), it is replaced in place.
                let end = i + clen;
                let alone = end >= b.len() || b[end] < 0x80 || {
                    let (next, _) = decode(b, end);
                    self.ic.get(next) & (BOUNDARY | IGNORABLE) == BOUNDARY
                };
                if alone && let Some(f) = charinfo::fold_one(c) {
                    self.patches.push((i, f));
                    self.last_boundary = i;
                    self.last_cc = 0;
                    i = end;
                    if i < b.len() && b[i] >= 0x80 {
                        continue;
                    }
                    return i;
                }
            }
            if plain && inf & VERBATIM != 0 {
                let cc = inf as u8;
                if cc == 0 || self.last_cc <= cc {
                    if cc == 0 {
                        self.last_boundary = i;
                    }
                    self.last_cc = cc;
                    i += clen;
                    if i < b.len() && b[i] >= 0x80 {
                        continue;
                    }
                    return i;
                }
            }
            if inf & LATIN_FOLD != 0 && !self.run.active() {
                // A precomposed or full-width Latin letter alone in its chunk: straight into the word.
                let end = i + clen;
                let alone = end >= b.len() || b[end] < 0x80 || {
                    let (next, _) = decode(b, end);
                    self.ic.get(next) & (BOUNDARY | IGNORABLE) == BOUNDARY
                };
                if alone {
                    self.flush_pending(i);
                    self.word.push_ascii(inf as u8, i..end);
                    self.pending = end;
                    i = end;
                    if i < b.len() && b[i] >= 0x80 {
                        continue;
                    }
                    return i;
                }
            }
            return self.chunk_at(i, c);
        }
    }

    /// Normalise and emit the chunk of the character `c` at `i` (which may begin before `i`).
    fn chunk_at(&mut self, i: usize, c: char) -> usize {
        let mut start = i;
        if info(c) & BOUNDARY == 0 {
            let src = self.src;
            let from_word = self
                .word
                .chunks
                .last()
                .filter(|ch| {
                    ch.single
                        && ch.src.end <= i
                        && src[ch.src.end..i].chars().all(tables::is_ignorable)
                })
                .cloned();
            if let Some(ch) = from_word {
                self.word.text.truncate(ch.out.start);
                self.word.chunks.pop();
                start = ch.src.start;
            } else if self.last_boundary >= self.pending && self.last_boundary < i {
                start = self.last_boundary;
            } else {
                // The pending run holds only marks (after a character emitted on its own, such as a
                // collapsed space): they join this chunk, so that NFKC orders them all together.
                let run = &self.src[self.pending..i];
                if let Some(off) = run.find(|c: char| !tables::is_ignorable(c))
                    && run
                        .chars()
                        .all(|c| info(c) & (IGNORABLE | BOUNDARY) != BOUNDARY)
                {
                    start = self.pending + off;
                }
            }
        }
        if start == i {
            // Invisibles just before the chunk are deleted, not copied with the pending run.
            let mut g = i;
            while g > self.pending {
                match self.src[..g].chars().next_back() {
                    Some(p) if tables::is_ignorable(p) => g -= p.len_utf8(),
                    _ => break,
                }
            }
            self.flush_pending(g);
            self.pending = i;
        } else {
            self.flush_pending(start);
        }
        // Gather the chunk: the first character, then every non-boundary one (invisibles skipped).
        self.cbuf.clear();
        let mut end = start;
        let mut k = start;
        while k < self.bytes.len() {
            let (ch, len) = decode(self.bytes, k);
            let inf = self.ic.get(ch);
            k += len;
            if inf & IGNORABLE != 0 {
                continue; // inside the chunk if a combining character follows; else left for later
            }
            if end > start && inf & BOUNDARY != 0 {
                break;
            }
            self.cbuf.push(ch);
            end = k;
        }
        self.pending = end;
        let single = self.cbuf.len() == 1 && self.src[start..end].chars().nth(1).is_none();
        match charinfo::fold_one(self.cbuf[0]).filter(|_| self.cbuf.len() == 1) {
            // A chunk of one character that folds to one character (a traditional Chinese one,
            // a capital letter...): looked up, not computed.
            Some(f) => {
                self.obuf.clear();
                self.obuf.push(f);
            }
            None => self.normalise_chunk(),
        }
        self.emit_chunk(start..end, single);
        end
    }

    /// NFKC, lower-case, fold diacritics and traditional characters: `cbuf` → `obuf`.
    fn normalise_chunk(&mut self) {
        charinfo::fold_chunk(&self.cbuf, &mut self.nbuf, &mut self.lbuf, &mut self.obuf);
    }

    /// Route a normalised chunk (`obuf`, from `src`) to the word being built or out.
    fn emit_chunk(&mut self, src: Range<usize>, single: bool) {
        let obuf = std::mem::take(&mut self.obuf);
        let wordish = |c: char| info(c) & WORDISH != 0;
        let mut chars = obuf.chars();
        let first_wordish = chars.next().is_some_and(wordish);
        let all_wordish = first_wordish && chars.all(|c| wordish(c) || is_combining_mark(c));
        if !all_wordish && !first_wordish {
            // Ends the word (which may start a spaced-out run: check the run after this).
            self.flush_word();
        }
        if all_wordish {
            self.word.push(&obuf, src, single);
        } else if !first_wordish
            && !self.run.active()
            && !obuf
                .chars()
                .any(|c| wordish(c) || c.is_whitespace() || is_sep_punct(c))
        {
            if !obuf.is_empty() {
                let orig = &self.src[src.clone()];
                let linear = obuf == orig
                    || (single && obuf.len() == orig.len() && obuf.chars().nth(1).is_none());
                self.out.push(&obuf, src, linear);
            }
        } else {
            // Mixed (`c/o` from `℅`, a letter and a Hangul vowel): letters feed words and the rest
            // goes out, one character at a time, exactly as a second pass over the output would see
            // them. The pieces share the chunk's source span and merge in the map.
            let mut prev_word = false;
            for c in obuf.chars() {
                let mut buf = [0u8; 4];
                let s = c.encode_utf8(&mut buf);
                if tables::is_wordish_letter(c) || (prev_word && is_combining_mark(c)) {
                    self.word.push(s, src.clone(), false);
                    prev_word = true;
                    continue;
                }
                prev_word = false;
                self.flush_word();
                if c.is_whitespace() {
                    self.space_char(c, src.clone());
                } else if !(self.run.active() && self.run_sep(c, src.clone())) {
                    self.out.push(s, src.clone(), false);
                }
            }
        }
        self.obuf = obuf;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const TOKENS: &[&str] = &[
        "hello", "World", "a", "I", "b", "c", "t", "e", "l", "j0b", "w0rk", "1500", "24/7", "x1",
        " ", " ", " ", "  ", "\n", "\t", ".", ",", "-", "é", "Việc", "ก", "ทำ", "國", "\u{200B}",
        "\u{0301}", "[.]", "(at)", "hxxps://", " dot ", "com", "Ａ",
    ];

    proptest! {
        // The 64-byte block paths must give exactly what the byte-by-byte paths give.
        #[test]
        fn block_paths_agree_with_byte_paths(v in prop::collection::vec(prop::sample::select(TOKENS), 0..300)) {
            let text = v.concat();
            let with = (crate::match_view(&text), crate::selector_view(&text));
            let without = simd::without_blocks(|| (crate::match_view(&text), crate::selector_view(&text)));
            prop_assert_eq!(with.0.as_str(), without.0.as_str());
            prop_assert_eq!(with.1.as_str(), without.1.as_str());
            for k in (0..=with.0.len()).step_by(7) {
                prop_assert_eq!(with.0.original_range(k, with.0.len()), without.0.original_range(k, without.0.len()));
            }
            for k in (0..=with.1.len()).step_by(7) {
                prop_assert_eq!(with.1.original_range(0, k), without.1.original_range(0, k));
            }
        }
    }

    #[test]
    fn leet_rules() {
        for w in ["j0b", "w0rk", "t3legram", "g00gle", "wh4tsapp", "m0ney"] {
            assert!(leet_applies(w.as_bytes()), "{w}");
        }
        for w in [
            "1500", "24", "web3", "covid19", "b2b", "4you", "mp3", "x1", "g000gle", "a1",
        ] {
            assert!(!leet_applies(w.as_bytes()), "{w}");
        }
    }
}
