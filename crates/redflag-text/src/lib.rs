//! Normalisation of multilingual text into two views, each with an offset map back to the original.
//!
//! Obfuscated scam and job-lure texts hide their words (`ᴡ h a t s a p p`, `j0b`, Cyrillic `о` for
//! Latin `o`, zero-width characters, Zawgyi-encoded Burmese) and their contacts (`hxxps://x[.]com`,
//! `๐๘๑-๒๓๔` in Thai digits). This crate peels that off into two views:
//!
//! - [`match_view`] — for rules and the classifier: Zawgyi → Unicode, NFKC, lower case, invisible
//!   characters removed, look-alike letters and leet digits folded inside Latin words, Latin (and
//!   Vietnamese) diacritics folded, traditional Chinese folded to simplified, spaced-out words joined,
//!   whitespace runs collapsed to one space.
//! - [`selector_view`] — for selector extraction: Zawgyi → Unicode, invisible characters removed,
//!   native and full-width digits and full-width ASCII mapped to ASCII, refanging; nothing else
//!   (case and look-alike letters matter in addresses and handles).
//!
//! Both keep an offset map: [`View::original_range`] turns any view span into the smallest span of
//! the original, on character boundaries, that produced it — so findings point at the text as the
//! user wrote it. Rule-pack phrases go through [`normalise_phrase`], the same normaliser as texts, so
//! a phrase and a text that mean the same characters always meet (NFKC splits Thai SARA AM, for
//! instance, on both sides).
//!
//! ```
//! use redflag_text::{match_view, selector_view};
//!
//! let text = "Easy J0B!! Contact t e l e g r a m @ＨＲ_team, ｈxxps://jobs[.]example";
//! let v = match_view(text);
//! assert_eq!(v.as_str(), "easy job!! contact telegram @hr_team, hxxps://jobs[.]example");
//! let at = v.as_str().find("telegram").unwrap();
//! let r = v.original_range(at, at + "telegram".len());
//! assert_eq!(&text[r], "t e l e g r a m");
//!
//! let s = selector_view(text);
//! assert_eq!(s.as_str(), "Easy J0B!! Contact t e l e g r a m @HR_team, https://jobs.example");
//! ```
//!
//! Both views are deterministic and idempotent (normalising a view again changes nothing), and never
//! fail: any `&str` is accepted.
#![warn(missing_docs)]

mod charinfo;
mod map;
mod matchview;
mod out;
mod selview;
mod simd;
mod tables;
pub mod zawgyi;

use std::ops::Range;

use unicode_segmentation::GraphemeCursor;

use crate::map::OffsetMap;

/// A normalised view of an original text, with a map from view byte offsets back to original byte offsets.
#[derive(Debug, Clone)]
pub struct View {
    text: String,
    map: OffsetMap,
}

impl View {
    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Map a byte range of the view to the smallest byte range of the original that produced it,
    /// always on original char boundaries.
    ///
    /// Offsets are clamped to the view and widened to its char boundaries. The result is monotone:
    /// a later start never maps before an earlier one, nor a later end before an earlier end. An empty
    /// range maps to an empty range at the original position of the view character at `start`.
    pub fn original_range(&self, start: usize, end: usize) -> Range<usize> {
        let len = self.text.len();
        let mut s = start.min(len);
        let mut e = end.min(len).max(s);
        while !self.text.is_char_boundary(s) {
            s -= 1;
        }
        while !self.text.is_char_boundary(e) {
            e += 1;
        }
        self.map.range(s, e)
    }

    /// Length of the view in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// True if the view is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The normalised text, by value.
    pub fn into_string(self) -> String {
        self.text
    }

    /// Heap bytes held by the offset map (for benchmarks and memory reports).
    #[doc(hidden)]
    pub fn map_bytes(&self) -> usize {
        self.map.heap_bytes()
    }
}

/// Run `stage` (a view builder over a source and the source's map) after Zawgyi conversion.
///
/// To keep the views idempotent, the result must not look like Zawgyi again: short paragraphs joined
/// by the match view's whitespace folding, or Burmese digits mapped in the selector view, can tip the
/// detector. So while the view has a Zawgyi paragraph, convert and normalise again. Real text settles
/// after one round; garbage can cycle, and then the smallest text of the cycle is taken — a second
/// pass, starting inside the cycle, goes round it and picks the same one.
fn with_zawgyi(original: &str, stage: fn(&str, Option<&OffsetMap>) -> (String, OffsetMap)) -> View {
    let converted = zawgyi::convert_paragraphs(original);
    let (text, map) = match &converted {
        Some((t, m)) => stage(t, Some(m)),
        None => stage(original, None),
    };
    let mut seen = vec![View { text, map }];
    // Neither view adds Burmese, so text without it needs no second look.
    let rounds = if converted.is_some() || zawgyi::has_myanmar(original) {
        8
    } else {
        0
    };
    for _ in 0..rounds {
        let last = &seen[seen.len() - 1];
        let Some((t, m)) = zawgyi::convert_paragraphs(&last.text) else {
            break;
        };
        let composed = m.compose(&last.map);
        let (text, map) = stage(&t, Some(&composed));
        if let Some(at) = seen.iter().position(|v| v.text == text) {
            // `at` indexes `seen`, so the cycle is never empty.
            let best = seen.drain(at..).min_by(|a, b| a.text.cmp(&b.text));
            return best.unwrap_or(View { text, map });
        }
        seen.push(View { text, map });
    }
    seen.pop().unwrap_or_else(|| View {
        text: String::new(),
        map: OffsetMap::default(),
    })
}

/// The match view (rules, classifier). See the crate docs for what it folds.
pub fn match_view(original: &str) -> View {
    with_zawgyi(original, matchview::normalise)
}

/// The selector view (digits, width, refanging only). See the crate docs.
pub fn selector_view(original: &str) -> View {
    with_zawgyi(original, selview::normalise)
}

/// A rule-pack phrase as the matcher must look for it: its [`match_view`] text.
pub fn normalise_phrase(p: &str) -> String {
    match_view(p).into_string()
}

/// Widen `r` (a byte range of `original`) to extended grapheme cluster boundaries, so that a
/// highlighted span never cuts a base character from its marks (Thai tone marks, Burmese medials,
/// Khmer subscripts, emoji sequences). Offsets are clamped to the text.
pub fn snap_to_graphemes(original: &str, r: Range<usize>) -> Range<usize> {
    let len = original.len();
    let mut s = r.start.min(len);
    let mut e = r.end.min(len).max(s);
    while !original.is_char_boundary(s) {
        s -= 1;
    }
    while !original.is_char_boundary(e) {
        e += 1;
    }
    let prev = |at: usize| {
        let mut c = GraphemeCursor::new(at, len, true);
        match c.is_boundary(original, 0) {
            Ok(true) => at,
            _ => c.prev_boundary(original, 0).ok().flatten().unwrap_or(0),
        }
    };
    let next = |at: usize| {
        let mut c = GraphemeCursor::new(at, len, true);
        match c.is_boundary(original, 0) {
            Ok(true) => at,
            _ => c.next_boundary(original, 0).ok().flatten().unwrap_or(len),
        }
    };
    let s2 = prev(s);
    let e2 = if e == s { s2.max(prev(e)) } else { next(e) };
    s2..e2.max(s2)
}

/// Invariant checks shared by the fuzz target and the tests that replay its corpus.
#[doc(hidden)]
pub mod testing {
    use super::{View, match_view, selector_view};

    /// Check both views of `original`: every span maps inside the original on char boundaries,
    /// monotonically; normalising a view again changes nothing.
    pub fn check_invariants(original: &str) -> Result<(), String> {
        for (name, view, again) in [
            (
                "match",
                match_view(original),
                match_view as fn(&str) -> View,
            ),
            ("selector", selector_view(original), selector_view),
        ] {
            check_map(original, &view).map_err(|e| format!("{name} view: {e}"))?;
            let twice = again(view.as_str());
            if twice.as_str() != view.as_str() {
                return Err(format!(
                    "{name} view not idempotent: {:?} -> {:?}",
                    view.as_str(),
                    twice.as_str()
                ));
            }
        }
        Ok(())
    }

    fn check_map(original: &str, v: &View) -> Result<(), String> {
        let text = v.as_str();
        let mut points: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        if points.len() > 64 {
            let step = points.len() / 64 + 1;
            points = points
                .into_iter()
                .step_by(step)
                .chain(std::iter::once(text.len()))
                .collect();
        }
        let mut last = 0..0;
        for &s in &points {
            let r = v.original_range(s, s);
            if r.start < last.start {
                return Err(format!("start of {s} maps before an earlier start"));
            }
            last = r;
            for &e in points.iter().filter(|&&e| e > s).take(8) {
                let r = v.original_range(s, e);
                if r.start > r.end || r.end > original.len() {
                    return Err(format!(
                        "{s}..{e} maps to {r:?}, outside 0..{}",
                        original.len()
                    ));
                }
                if !original.is_char_boundary(r.start) || !original.is_char_boundary(r.end) {
                    return Err(format!("{s}..{e} maps to {r:?}, off char boundaries"));
                }
                let shorter = v.original_range(
                    s,
                    e - text[..e].chars().next_back().map_or(1, char::len_utf8),
                );
                if s < e && shorter.end > r.end {
                    return Err(format!("end of {s}..{e} is not monotone"));
                }
            }
        }
        Ok(())
    }
}
