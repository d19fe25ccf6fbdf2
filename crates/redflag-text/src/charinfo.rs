//! Per-character facts the views need on every character, precomputed per 256-character page of the
//! Basic Multilingual Plane on first use (a page costs ~50 µs once; a text touches a handful), so
//! that the hot loops do one table load instead of several Unicode lookups.
//!
//! Each entry is a `u16`: flag bits above, and in the low byte either the canonical combining class
//! or, for [`LATIN_FOLD`] characters, the ASCII letter they fold to.
use std::sync::OnceLock;

use unicode_normalization::char::{
    canonical_combining_class, decompose_canonical, decompose_compatible,
};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use crate::tables;

/// Match view: copied unchanged (if combining classes stay in order): NFKC-stable, no lower-case
/// mapping, no simplified form, not a Latin/Greek/Cyrillic letter, space, separator or invisible.
pub(crate) const VERBATIM: u16 = 1 << 8;
/// Starts an NFKC chunk (see [`is_boundary`]).
pub(crate) const BOUNDARY: u16 = 1 << 9;
/// Deleted by both views.
pub(crate) const IGNORABLE: u16 = 1 << 10;
/// Selector view: changed (invisible, native or full-width digit, full-width ASCII).
pub(crate) const SEL_MAP: u16 = 1 << 11;
/// Match view: a chunk of just this character is the ASCII letter in the low byte.
pub(crate) const LATIN_FOLD: u16 = 1 << 12;
/// A Latin, Greek or Cyrillic letter or an ASCII digit: takes part in words.
pub(crate) const WORDISH: u16 = 1 << 13;
/// Match view: a chunk of just this character is [`fold_one`], another character of the same
/// length and kind (traditional → simplified Chinese): substituted inside a verbatim run.
pub(crate) const SUBST: u16 = 1 << 14;

/// A character starts a new NFKC chunk: nothing before it can combine or reorder with it. True for
/// a starter that is NFKC quick-check Yes, and for one whose compatibility decomposition starts with
/// such a starter (full-width letters, SARA AM, ligatures); false for combining marks and characters
/// that may compose with what precedes them.
pub(crate) fn is_boundary(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    let stable = |c: char| {
        canonical_combining_class(c) == 0 && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
    };
    if canonical_combining_class(c) != 0 {
        return false;
    }
    match is_nfkc_quick(std::iter::once(c)) {
        IsNormalized::Yes => true,
        IsNormalized::Maybe => false,
        IsNormalized::No => {
            let mut first = None;
            decompose_compatible(c, |d| {
                first.get_or_insert(d);
            });
            first.is_some_and(stable)
        }
    }
}

/// The match view's character layer on one chunk: NFKC, lower case, Latin diacritics and strokes
/// folded after a Latin letter, traditional Chinese to simplified, typographic quotes to ASCII. `cbuf` → `obuf` (the other two
/// are scratch).
pub(crate) fn fold_chunk(
    cbuf: &[char],
    nbuf: &mut Vec<char>,
    lbuf: &mut Vec<char>,
    obuf: &mut String,
) {
    nbuf.clear();
    if is_nfkc_quick(cbuf.iter().copied()) == IsNormalized::Yes {
        nbuf.extend_from_slice(cbuf);
    } else {
        nbuf.extend(cbuf.iter().copied().nfkc());
    }
    lbuf.clear();
    let mut recased = false;
    for &c in nbuf.iter() {
        if c.is_ascii() {
            lbuf.push(c.to_ascii_lowercase());
        } else if tables::is_caseless_fast(c) {
            lbuf.push(c);
        } else {
            let before = lbuf.len();
            lbuf.extend(c.to_lowercase());
            recased |= lbuf.len() != before + 1 || lbuf[before] != c;
        }
    }
    if recased && is_nfkc_quick(lbuf.iter().copied()) != IsNormalized::Yes {
        // Lower-casing can leave text that is not NFKC (İ → i + U+0307): normalise again.
        nbuf.clear();
        nbuf.extend(lbuf.iter().copied().nfkc());
        std::mem::swap(nbuf, lbuf);
    }
    obuf.clear();
    let mut latin_base = false;
    for &c in lbuf.iter() {
        if c.is_ascii() {
            obuf.push(c);
            latin_base = tables::is_latin_base(c);
            continue;
        }
        if latin_base && tables::is_latin_diacritic(c) {
            continue;
        }
        if tables::is_latin_ext(c) {
            if let Some(d) = tables::stroke_fold(c) {
                obuf.push(d);
                latin_base = tables::is_latin_base(d);
                continue;
            }
            let mut base = None;
            decompose_canonical(c, |d| {
                base.get_or_insert(d);
            });
            match base {
                Some(b) if b.is_ascii_alphabetic() => obuf.push(b),
                _ => obuf.push(c),
            }
            latin_base = tables::is_latin_base(c);
            continue;
        }
        // Other marks keep the base: NFKC composes a diacritic past marks of a lower class.
        if canonical_combining_class(c) == 0 {
            latin_base = false;
        }
        obuf.push(
            tables::quote_fold(c)
                .or_else(|| tables::t2s(c))
                .unwrap_or(c),
        );
    }
}

fn compute(c: char) -> u16 {
    let cc = canonical_combining_class(c);
    let mut v = u16::from(cc);
    let ignorable = tables::is_ignorable(c);
    if ignorable {
        v |= IGNORABLE;
    }
    if ignorable || tables::native_digit(c).is_some() || tables::narrow(c).is_some() {
        v |= SEL_MAP;
    }
    let boundary = is_boundary(c);
    if boundary {
        v |= BOUNDARY;
    }
    let plain =
        |c: char| !tables::is_wordish_letter(c) && !c.is_whitespace() && !matches!(c, '·' | '•');
    if tables::is_wordish_letter(c) {
        v |= WORDISH;
    }
    if ignorable {
        return v;
    }
    let qc_yes = is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes;
    let mut lower = c.to_lowercase();
    let uncased = lower.len() == 1 && lower.next() == Some(c);
    if qc_yes && uncased && tables::t2s(c).is_none() && tables::quote_fold(c).is_none() && plain(c)
    {
        v |= VERBATIM;
    }
    if boundary && !c.is_ascii() {
        let (mut n, mut l, mut o) = (Vec::new(), Vec::new(), String::new());
        fold_chunk(&[c], &mut n, &mut l, &mut o);
        if let [b] = o.as_bytes()
            && b.is_ascii_alphabetic()
        {
            v = (v & 0xFF00) | LATIN_FOLD | u16::from(*b);
        }
        let mut it = o.chars();
        if let (Some(f), None) = (it.next(), it.next())
            && f != c
            && f.len_utf8() == c.len_utf8()
            && plain(c)
            && plain(f)
            && cc == 0
        {
            v |= SUBST;
        }
    }
    v
}

/// One page: the facts, and the fold of a one-character chunk when it is one character
/// (`'\0'` otherwise).
struct Page {
    info: [u16; 256],
    fold: [char; 256],
}

static PAGES: [OnceLock<Box<Page>>; 256] = [const { OnceLock::new() }; 256];

fn page(cp: u32) -> &'static Page {
    PAGES[(cp >> 8) as usize].get_or_init(|| {
        let base = cp & !0xFF;
        let mut p = Box::new(Page {
            info: [0; 256],
            fold: ['\0'; 256],
        });
        let (mut n, mut l, mut o) = (Vec::new(), Vec::new(), String::new());
        for k in 0..256 {
            if let Some(c) = char::from_u32(base + k as u32) {
                p.info[k] = compute(c);
                fold_chunk(&[c], &mut n, &mut l, &mut o);
                let mut it = o.chars();
                if let (Some(f), None) = (it.next(), it.next()) {
                    p.fold[k] = f;
                }
            }
        }
        p
    })
}

/// Facts about `c` (see the module docs).
#[inline]
pub(crate) fn info(c: char) -> u16 {
    let cp = c as u32;
    if cp < 0x10000 {
        page(cp).info[(cp & 0xFF) as usize]
    } else {
        compute(c)
    }
}

/// [`info`] with the last page remembered: runs of text in one script stay on one page, so most
/// lookups skip the page's initialisation check.
pub(crate) struct InfoCache {
    page_no: u32,
    page: &'static Page,
}

impl InfoCache {
    pub(crate) fn new() -> InfoCache {
        InfoCache {
            page_no: 0,
            page: page(0),
        }
    }

    #[inline(always)]
    pub(crate) fn get(&mut self, c: char) -> u16 {
        let cp = c as u32;
        if cp >> 8 == self.page_no {
            return self.page.info[(cp & 0xFF) as usize];
        }
        if cp < 0x10000 {
            self.page_no = cp >> 8;
            self.page = page(cp);
            return self.page.info[(cp & 0xFF) as usize];
        }
        compute(c)
    }
}

/// [`fold_chunk`] of the one-character chunk `c`, if that is one character (cached for the BMP).
#[inline]
pub(crate) fn fold_one(c: char) -> Option<char> {
    let cp = c as u32;
    if cp < 0x10000 {
        let f = page(cp).fold[(cp & 0xFF) as usize];
        return (f != '\0' || c == '\0').then_some(f);
    }
    let (mut n, mut l, mut o) = (Vec::new(), Vec::new(), String::new());
    fold_chunk(&[c], &mut n, &mut l, &mut o);
    let mut it = o.chars();
    match (it.next(), it.next()) {
        (Some(f), None) => Some(f),
        _ => None,
    }
}

/// The character starting at byte `i` of a valid UTF-8 text, and its length.
#[inline(always)]
pub(crate) fn decode(b: &[u8], i: usize) -> (char, usize) {
    let b0 = u32::from(b[i]);
    let (v, n) = if b0 < 0x80 {
        (b0, 1)
    } else if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | (u32::from(b[i + 1]) & 0x3F), 2)
    } else if b0 < 0xF0 {
        (
            ((b0 & 0x0F) << 12)
                | ((u32::from(b[i + 1]) & 0x3F) << 6)
                | (u32::from(b[i + 2]) & 0x3F),
            3,
        )
    } else {
        (
            ((b0 & 0x07) << 18)
                | ((u32::from(b[i + 1]) & 0x3F) << 12)
                | ((u32::from(b[i + 2]) & 0x3F) << 6)
                | (u32::from(b[i + 3]) & 0x3F),
            4,
        )
    };
    (char::from_u32(v).unwrap_or('\u{FFFD}'), n)
}

/// Could the character whose UTF-8 encoding starts with `b0 b1` be one the selector view changes
/// ([`SEL_MAP`])? A cheap filter on raw bytes (exact answers come from [`info`]): Thai, Khmer and
/// most Burmese text is skipped without decoding.
#[inline(always)]
pub(crate) fn maybe_sel_map(b0: u8, b1: u8) -> bool {
    match b0 {
        0xC2 => b1 == 0xAD,
        0xCD | 0xD8 | 0xD9 | 0xDB | 0xF0 | 0xF3 => true,
        0xE0 => b1 == 0xB9 || b1 == 0xBB,
        0xE1 => matches!(b1, 0x81 | 0x85 | 0x9E | 0x9F | 0xA0),
        0xE2 => b1 == 0x80 || b1 == 0x81,
        0xE3 => b1 == 0x80 || b1 == 0x85,
        0xEF => b1 >= 0xB8,
        _ => false,
    }
}

/// Length of the UTF-8 sequence that starts with `b`.
#[inline(always)]
pub(crate) fn utf8_len(b: u8) -> usize {
    match b {
        0..0x80 => 1,
        0x80..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// Index of the first non-ASCII byte at or after `i` (or the length), eight bytes at a time.
#[inline]
pub(crate) fn next_non_ascii(b: &[u8], mut i: usize) -> usize {
    while let Some(w) = b.get(i..i + 8) {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        if w & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        i += 8;
    }
    while i < b.len() && b[i] < 0x80 {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert!(is_boundary('a'));
        assert!(is_boundary('ก'));
        assert!(!is_boundary('\u{0301}'));
        assert!(is_boundary('\u{0E33}')); // SARA AM decomposes to NIKHAHIT (a starter) + SARA AA
        assert!(is_boundary('ｊ'));
        assert!(is_boundary('ﬁ'));
        assert!(!is_boundary('\u{0344}')); // decomposes to combining marks
        assert!(!is_boundary('\u{102E}')); // may compose with U+1025
    }

    #[test]
    fn info_matches_its_definition() {
        assert_ne!(info('ก') & VERBATIM, 0);
        assert_eq!(info('\u{0E48}') & 0xFF, 107);
        assert_ne!(info('\u{0E48}') & VERBATIM, 0);
        assert_eq!(info('\u{0E33}') & VERBATIM, 0);
        assert_eq!(info('國') & VERBATIM, 0);
        assert_ne!(info('国') & VERBATIM, 0);
        assert_eq!(info('é') & VERBATIM, 0);
        assert_eq!(info('ế'), LATIN_FOLD | BOUNDARY | WORDISH | u16::from(b'e'));
        assert_eq!(info('Đ') & 0xFF, u16::from(b'd'));
        assert_eq!(info('Ｊ') & 0xFF, u16::from(b'j'));
        assert_ne!(info('\u{200B}') & IGNORABLE, 0);
        assert_ne!(info('๕') & SEL_MAP, 0);
        assert_eq!(info('ß') & LATIN_FOLD, 0);
        assert_ne!(info('國') & SUBST, 0);
        assert_eq!(info('国') & SUBST, 0);
        assert_ne!(info('ж') & WORDISH, 0);
        assert_eq!(info('ก') & WORDISH, 0);
        // Every BMP character agrees with a direct computation.
        let (mut n, mut l, mut o) = (Vec::new(), Vec::new(), String::new());
        for cp in (0..0x10000u32).step_by(7) {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(info(c), compute(c), "U+{cp:04X}");
                fold_chunk(&[c], &mut n, &mut l, &mut o);
                let one = (o.chars().count() == 1).then(|| o.chars().next()).flatten();
                assert_eq!(fold_one(c), one, "U+{cp:04X}");
            }
        }
        assert_eq!(fold_one('國'), Some('国'));
        assert_eq!(fold_one('Д'), Some('д'));
        assert_eq!(fold_one('\u{0E33}'), None); // two characters
        assert_eq!(fold_one('\u{1D423}'), Some('j')); // outside the BMP: computed
    }

    #[test]
    fn byte_filter_lets_every_selector_change_through() {
        for cp in 0x80..0x110000u32 {
            if let Some(c) = char::from_u32(cp)
                && info(c) & SEL_MAP != 0
            {
                let mut buf = [0u8; 4];
                let s = c.encode_utf8(&mut buf).as_bytes();
                assert!(maybe_sel_map(s[0], s[1]), "U+{cp:04X}");
            }
        }
        let mut cache = InfoCache::new();
        for c in ['a', 'ก', '\u{0E48}', '國', '😀', 'é', 'ก'] {
            assert_eq!(cache.get(c), info(c));
        }
    }

    #[test]
    fn decoding_and_scanning() {
        let s = "aé中😀";
        let b = s.as_bytes();
        assert_eq!(decode(b, 0), ('a', 1));
        assert_eq!(decode(b, 1), ('é', 2));
        assert_eq!(decode(b, 3), ('中', 3));
        assert_eq!(decode(b, 6), ('😀', 4));
        assert_eq!(next_non_ascii(b"abcdefghijklmnop\xc3\xa9", 0), 16);
        assert_eq!(next_non_ascii(b"abc", 0), 3);
        assert_eq!(next_non_ascii("ab\u{e9}".as_bytes(), 1), 2);
    }
}
