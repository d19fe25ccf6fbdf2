//! Burmese **Zawgyi** detection and conversion to Unicode.
//!
//! Much Burmese text on social media is typed in Zawgyi, a font hack that reuses the Myanmar code
//! points in a visual order and for different letters; to match rules, such text must be converted.
//! - [`probability`] ports the Markov-model detector of Google's myanmar-tools (model file shipped in
//!   `data/zawgyi/`) and agrees with its Python client `myanmartools`.
//! - [`to_unicode`] runs the CLDR "Zawgyi-my" transliteration rules (as published with myanmar-tools
//!   and ICU) with a small rule engine of our own.
//! - [`is_zawgyi`] applies myanmar-tools' recommended threshold for automatic conversion,
//!   [`THRESHOLD`] = 0.95 ("fewer than 1% of Unicode strings will be wrongly flagged").
//!
//! ```
//! use redflag_text::zawgyi;
//! let zawgyi = "ေငြပို႔ပါ"; // "please send money", typed in Zawgyi
//! assert!(zawgyi::is_zawgyi(zawgyi));
//! assert_eq!(zawgyi::to_unicode(zawgyi), "ငွေပို့ပါ");
//! assert!(!zawgyi::is_zawgyi("ငွေပို့ပါ"));
//! ```
mod convert;
mod detect;

use crate::map::{MapBuilder, OffsetMap};

/// Probability above which a paragraph is converted (myanmar-tools' advice when conversion is automatic).
pub const THRESHOLD: f64 = 0.95;

/// The probability that `s` is Zawgyi rather than Unicode Burmese, as myanmar-tools computes it.
///
/// Characters outside the Myanmar blocks do not count (`"hello <burmese> world"` scores like
/// `"<burmese>"`); a text with no Burmese at all gets negative infinity, as in the reference client.
pub fn probability(s: &str) -> f64 {
    detect::probability_of(detect::model().score(s))
}

/// Whether `s` should be converted: [`probability`] above [`THRESHOLD`].
pub fn is_zawgyi(s: &str) -> bool {
    probability(s) > THRESHOLD
}

/// Convert Zawgyi-encoded text to Unicode Burmese (whatever its [`probability`]; characters outside
/// the Myanmar blocks pass through, apart from spaces the rules remove before combining marks).
pub fn to_unicode(s: &str) -> String {
    convert::convert_items(convert::items_of(s, 0))
        .iter()
        .map(|i| i.c)
        .collect()
}

/// True if `s` has a character of the Myanmar blocks the detector knows.
pub(crate) fn has_myanmar(s: &str) -> bool {
    // Myanmar (U+1000–U+109F) is E1 80 80–E1 82 9F.
    let b = s.as_bytes();
    memchr::memchr2_iter(0xE1, 0xEA, b).any(|i| {
        let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
        match b[i] {
            0xE1 => at(1) == 0x80 || at(1) == 0x81 || (at(1) == 0x82 && at(2) <= 0x9F),
            // U+A9E0–A9FF is EA A7 A0–BF, U+AA60–AA7F is EA A9 A0–BF.
            _ => (at(1) == 0xA7 || at(1) == 0xA9) && at(2) >= 0xA0,
        }
    })
}

/// Paragraphs of `text` (split after each `\n`), as byte ranges without the line break.
fn paragraphs(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    text.split_inclusive('\n').map(move |p| {
        let r = start..start + p.trim_end_matches(['\n', '\r']).len();
        start += p.len();
        r
    })
}

/// Convert the Zawgyi paragraphs of `text`; `None` if there are none (the common case).
/// The map takes the converted text back to `text`.
pub(crate) fn convert_paragraphs(text: &str) -> Option<(String, OffsetMap)> {
    if !has_myanmar(text) {
        return None;
    }
    let zawgyi: Vec<_> = paragraphs(text)
        .filter(|r| is_zawgyi(&text[r.clone()]))
        .collect();
    if zawgyi.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut b = MapBuilder::new();
    let mut done = 0;
    for r in zawgyi {
        out.push_str(&text[done..r.start]);
        b.push(r.start - done, done..r.start, true);
        push_converted(&mut out, &mut b, text, r.clone());
        done = r.end;
    }
    out.push_str(&text[done..]);
    b.push(text.len() - done, done..text.len(), true);
    Some((out, b.finish(text.len())))
}

/// Convert `text[r]` onto `out`, mapping each output span to the smallest original span that keeps
/// the map in order (conversion reorders characters inside syllables; such syllables map as a whole).
fn push_converted(out: &mut String, b: &mut MapBuilder, text: &str, r: std::ops::Range<usize>) {
    let items = convert::convert_items(convert::items_of(&text[r.clone()], r.start));
    // Monotone groups: (view start in `out`, view len, original start, original end).
    let mut groups: Vec<(usize, usize, usize, usize)> = Vec::new();
    for it in items {
        let at = out.len();
        out.push(it.c);
        let mut g = (at, it.c.len_utf8(), it.start, it.end);
        while let Some(&top) = groups.last() {
            if g.2 >= top.3 {
                break;
            }
            groups.pop();
            g = (top.0, top.1 + g.1, top.2.min(g.2), top.3.max(g.3));
        }
        groups.push(g);
    }
    for (v, len, s, e) in groups {
        let linear = out[v..v + len] == text[s..e];
        b.push(len, s..e, linear);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_myanmar_bytes() {
        assert!(has_myanmar("abc \u{1000}"));
        assert!(has_myanmar("\u{109F}"));
        assert!(has_myanmar("\u{AA60}"));
        assert!(has_myanmar("\u{A9E0}"));
        assert!(!has_myanmar("\u{A9C0}\u{AA80}"));
        assert!(!has_myanmar("\u{10A0} é ไทย 中文"));
    }

    #[test]
    fn paragraphs_drop_line_breaks() {
        let t = "ab\r\ncd\n\nef";
        let ps: Vec<_> = paragraphs(t).map(|r| &t[r]).collect();
        assert_eq!(ps, ["ab", "cd", "", "ef"]);
    }

    #[test]
    fn converts_only_zawgyi_paragraphs_and_maps_back() {
        let zg = "ေငြပို႔ပါ";
        let uni = "ငွေပို့ပါ";
        let text = format!("{uni}\n{zg}\nhello");
        let (out, map) = convert_paragraphs(&text).unwrap();
        assert_eq!(out, format!("{uni}\n{uni}\nhello"));
        let zstart = uni.len() + 1;
        // The first paragraph and "hello" map linearly.
        assert_eq!(map.range(0, uni.len()), 0..uni.len());
        let h = out.len() - 5;
        assert_eq!(map.range(h, out.len()), text.len() - 5..text.len());
        // The converted paragraph maps inside itself; its first syllable (reordered) as a whole.
        let r = map.range(zstart, zstart + uni.len());
        assert_eq!(r, zstart..zstart + zg.len());
        assert!(convert_paragraphs("no burmese").is_none());
        assert!(convert_paragraphs(uni).is_none());
    }
}
