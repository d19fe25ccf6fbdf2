//! Offset maps from a view back to the text it was made from.
//!
//! A map is a sequence of *segments* that tile both the view and the original, in order:
//! - a **linear** segment is a run of characters each replaced by a character of the same UTF-8
//!   length (often unchanged, or ASCII case-folded), so byte offsets inside it map one to one;
//! - an **atomic** segment is a view span produced by an original span as a whole (an NFKC
//!   composition, a folded diacritic, a refanged `[.]`); any part of it maps to all of it. An atomic
//!   segment may be empty on the view side: original characters that were deleted.
//!
//! Segments are stored as LEB128 varints (`view_len << 1 | atomic`, then `orig_len` if atomic), with a
//! checkpoint every [`CHECKPOINT_EVERY`] segments for binary search. Plain ASCII text maps with a single
//! segment; a Vietnamese text, where every toned vowel becomes its own atomic segment, costs about
//! three bytes per toned vowel — far less than a per-character table.
use std::ops::Range;

/// One checkpoint per this many segments: lookups decode at most this many varint records.
const CHECKPOINT_EVERY: usize = 32;

/// One decoded segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    pub view: usize,
    pub view_len: usize,
    pub orig: usize,
    pub orig_len: usize,
    pub linear: bool,
}

impl Segment {
    fn view_end(&self) -> usize {
        self.view + self.view_len
    }
    fn orig_end(&self) -> usize {
        self.orig + self.orig_len
    }
}

#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    pos: usize,
    view: usize,
    orig: usize,
}

/// A compact, immutable offset map (see the module docs).
#[derive(Debug, Clone, Default)]
pub(crate) struct OffsetMap {
    code: Vec<u8>,
    checkpoints: Vec<Checkpoint>,
    view_len: usize,
    orig_len: usize,
}

fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(code: &[u8], pos: &mut usize) -> usize {
    let mut v = 0usize;
    let mut shift = 0;
    loop {
        let b = code[*pos];
        *pos += 1;
        v |= ((b & 0x7f) as usize) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

impl OffsetMap {
    /// The map of a view identical (byte for byte, up to same-length replacements) to its original.
    #[cfg(test)]
    pub fn identity(len: usize) -> OffsetMap {
        let mut b = MapBuilder::new();
        b.push(len, 0..len, true);
        b.finish(len)
    }

    /// Length of the original text.
    pub fn orig_len(&self) -> usize {
        self.orig_len
    }

    /// Number of bytes of encoded segments and checkpoints (for tests and memory reports).
    pub fn heap_bytes(&self) -> usize {
        self.code.len() + self.checkpoints.len() * std::mem::size_of::<Checkpoint>()
    }

    /// Segments starting from the checkpoint at or before view offset `q`.
    fn iter_from(&self, q: usize) -> Segments<'_> {
        let k = self.checkpoints.partition_point(|c| c.view <= q);
        match k.checked_sub(1).map(|i| self.checkpoints[i]) {
            Some(c) => Segments {
                map: self,
                pos: c.pos,
                view: c.view,
                orig: c.orig,
            },
            None => Segments {
                map: self,
                pos: self.code.len(),
                view: 0,
                orig: 0,
            },
        }
    }

    /// All segments, in order.
    pub fn iter(&self) -> Segments<'_> {
        Segments {
            map: self,
            pos: 0,
            view: 0,
            orig: 0,
        }
    }

    /// The non-empty segment containing view byte `q` (`q < view_len`).
    fn locate(&self, q: usize) -> Option<Segment> {
        self.iter_from(q).find(|s| s.view_end() > q)
    }

    /// Original offset for a range starting at view offset `q` (or an empty range at `q`).
    fn map_start(&self, q: usize) -> usize {
        match self.locate(q) {
            Some(s) if s.linear => s.orig + (q - s.view),
            Some(s) => s.orig,
            None => self.orig_len,
        }
    }

    /// Original offset for a range ending at view offset `q > 0`.
    fn map_end(&self, q: usize) -> usize {
        match self.locate(q - 1) {
            Some(s) if s.linear => s.orig + (q - s.view),
            Some(s) => s.orig_end(),
            None => self.orig_len,
        }
    }

    /// Map a view range (already on view char boundaries, `start <= end <= view_len`).
    pub fn range(&self, start: usize, end: usize) -> Range<usize> {
        if start >= end {
            let p = self.map_start(start);
            return p..p;
        }
        self.map_start(start)..self.map_end(end)
    }

    /// Segments overlapping the view range `r` (empty segments skipped).
    pub fn overlapping(&self, r: Range<usize>) -> impl Iterator<Item = Segment> + '_ {
        self.iter_from(r.start)
            .skip_while(move |s| s.view_end() <= r.start)
            .take_while(move |s| s.view < r.end)
            .filter(|s| s.view_len > 0)
    }

    /// `self` maps a→b and `inner` maps b→c: the map a→c.
    pub fn compose(&self, inner: &OffsetMap) -> OffsetMap {
        let mut b = MapBuilder::new();
        for s in self.iter().filter(|s| s.view_len > 0) {
            b.push_through(inner, s.view_len, s.orig..s.orig_end(), s.linear);
        }
        b.finish(inner.orig_len)
    }
}

/// Iterator over the segments of a map.
pub(crate) struct Segments<'a> {
    map: &'a OffsetMap,
    pos: usize,
    view: usize,
    orig: usize,
}

impl Iterator for Segments<'_> {
    type Item = Segment;
    fn next(&mut self) -> Option<Segment> {
        if self.pos >= self.map.code.len() {
            return None;
        }
        let head = get_varint(&self.map.code, &mut self.pos);
        let view_len = head >> 1;
        let linear = head & 1 == 0;
        let orig_len = if linear {
            view_len
        } else {
            get_varint(&self.map.code, &mut self.pos)
        };
        let s = Segment {
            view: self.view,
            view_len,
            orig: self.orig,
            orig_len,
            linear,
        };
        self.view += view_len;
        self.orig += orig_len;
        Some(s)
    }
}

/// Builds an [`OffsetMap`] from pieces pushed in view order.
///
/// Pieces must come in non-decreasing original order; a piece overlapping the previous one (two view
/// pieces made from the same original span) is merged into it as one atomic segment. Original bytes
/// that no piece covers become empty atomic segments.
#[derive(Debug, Default)]
pub(crate) struct MapBuilder {
    map: OffsetMap,
    count: usize,
    tail: Option<Segment>,
    /// Original end of the committed segments (the tail may not be merged below it).
    committed_orig: usize,
    view_end: usize,
    orig_end: usize,
}

impl MapBuilder {
    pub fn new() -> MapBuilder {
        MapBuilder::default()
    }

    fn commit(&mut self, s: Segment) {
        if self.count.is_multiple_of(CHECKPOINT_EVERY) {
            self.map.checkpoints.push(Checkpoint {
                pos: self.map.code.len(),
                view: s.view,
                orig: s.orig,
            });
        }
        self.count += 1;
        if s.linear {
            put_varint(&mut self.map.code, s.view_len << 1);
        } else {
            put_varint(&mut self.map.code, (s.view_len << 1) | 1);
            put_varint(&mut self.map.code, s.orig_len);
        }
        self.committed_orig = s.orig_end();
    }

    fn commit_tail(&mut self) {
        if let Some(t) = self.tail.take() {
            self.commit(t);
        }
    }

    /// Add a view piece of `view_len` bytes made from `orig`. `linear` claims the piece is a
    /// same-length, char-for-char image of `orig` (ignored unless the lengths agree).
    #[inline]
    pub fn push(&mut self, view_len: usize, orig: Range<usize>, linear: bool) {
        // The common case first: a linear piece continuing a linear tail.
        if let Some(t) = self.tail.as_mut()
            && linear
            && t.linear
            && orig.start == t.orig_end()
            && view_len == orig.len()
        {
            t.view_len += view_len;
            t.orig_len += view_len;
            self.view_end += view_len;
            self.orig_end = t.orig_end();
            return;
        }
        self.push_slow(view_len, orig, linear);
    }

    #[inline(never)]
    fn push_slow(&mut self, view_len: usize, orig: Range<usize>, linear: bool) {
        let orig = orig.start..orig.end.max(orig.start);
        if view_len == 0 && orig.is_empty() {
            return;
        }
        let linear = linear && view_len == orig.len();
        if let Some(t) = self.tail.as_mut() {
            let t_end = t.orig_end();
            if orig.start < t_end {
                // Same original span seen again (or a reordering): merge into one atomic segment.
                debug_assert!(
                    orig.start >= self.committed_orig,
                    "pieces must be pushed in original order"
                );
                let start = orig.start.max(self.committed_orig).min(t.orig);
                let end = t_end.max(orig.end);
                t.linear = false;
                t.view_len += view_len;
                t.orig = start;
                t.orig_len = end - start;
                self.view_end += view_len;
                self.orig_end = end;
                return;
            }
            if orig.start == t_end && t.linear && linear {
                t.view_len += view_len;
                t.orig_len += orig.len();
                self.view_end += view_len;
                self.orig_end = t.orig_end();
                return;
            }
        }
        self.commit_tail();
        if orig.start > self.orig_end {
            let gap = Segment {
                view: self.view_end,
                view_len: 0,
                orig: self.orig_end,
                orig_len: orig.start - self.orig_end,
                linear: false,
            };
            self.commit(gap);
        }
        let start = orig.start.max(self.orig_end);
        let end = orig.end.max(start);
        self.tail = Some(Segment {
            view: self.view_end,
            view_len,
            orig: start,
            orig_len: end - start,
            linear,
        });
        self.view_end += view_len;
        self.orig_end = end;
    }

    /// Push a piece whose source range `src` is in the coordinates of `inner`'s view, translating it
    /// to `inner`'s original.
    pub fn push_through(
        &mut self,
        inner: &OffsetMap,
        view_len: usize,
        src: Range<usize>,
        linear: bool,
    ) {
        if linear && !src.is_empty() {
            for s in inner.overlapping(src.clone()) {
                let lo = src.start.max(s.view);
                let hi = src.end.min(s.view_end());
                if s.linear {
                    self.push(
                        hi - lo,
                        s.orig + (lo - s.view)..s.orig + (hi - s.view),
                        true,
                    );
                } else {
                    self.push(hi - lo, s.orig..s.orig_end(), false);
                }
            }
        } else {
            self.push(view_len, inner.range(src.start, src.end), false);
        }
    }

    /// View bytes pushed so far.
    pub fn view_len(&self) -> usize {
        self.view_end
    }

    /// Finish the map of an original of `orig_len` bytes.
    pub fn finish(mut self, orig_len: usize) -> OffsetMap {
        self.commit_tail();
        if orig_len > self.orig_end {
            let gap = Segment {
                view: self.view_end,
                view_len: 0,
                orig: self.orig_end,
                orig_len: orig_len - self.orig_end,
                linear: false,
            };
            self.commit(gap);
        }
        self.map.view_len = self.view_end;
        self.map.orig_len = orig_len.max(self.orig_end);
        self.map.code.shrink_to_fit();
        self.map.checkpoints.shrink_to_fit();
        self.map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(pieces: &[(usize, Range<usize>, bool)], orig_len: usize) -> OffsetMap {
        let mut b = MapBuilder::new();
        for (v, o, l) in pieces {
            b.push(*v, o.clone(), *l);
        }
        b.finish(orig_len)
    }

    #[test]
    fn identity_maps_every_range_to_itself() {
        let m = OffsetMap::identity(10);
        assert_eq!(m.iter().count(), 1);
        for s in 0..=10 {
            for e in s..=10 {
                if s < e {
                    assert_eq!(m.range(s, e), s..e);
                }
            }
        }
    }

    #[test]
    fn linear_pieces_merge_and_gaps_become_empty_segments() {
        // view "ab" from original "a\u{200b}b" (5 bytes): a, gap of 3, b.
        let m = build(&[(1, 0..1, true), (1, 4..5, true)], 5);
        let segs: Vec<_> = m.iter().collect();
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[1].view_len, 0);
        assert_eq!(m.range(0, 1), 0..1);
        assert_eq!(m.range(1, 2), 4..5);
        assert_eq!(m.range(0, 2), 0..5);
        assert_eq!(m.range(1, 1), 4..4);
    }

    #[test]
    fn atomic_segments_map_to_their_whole_span() {
        // "é" (2 bytes) folded to "e", then "x".
        let m = build(&[(1, 0..2, false), (1, 2..3, true)], 3);
        assert_eq!(m.range(0, 1), 0..2);
        assert_eq!(m.range(1, 2), 2..3);
    }

    #[test]
    fn overlapping_pieces_merge_into_one_atomic_segment() {
        let m = build(&[(3, 0..3, false), (3, 0..3, false), (1, 3..4, true)], 4);
        assert_eq!(m.iter().count(), 2);
        assert_eq!(m.range(4, 5), 0..3);
        assert_eq!(m.range(6, 7), 3..4);
    }

    #[test]
    fn many_segments_use_checkpoints() {
        let mut b = MapBuilder::new();
        // 1000 atomic 3->1 pieces alternating with linear 1->1 pieces.
        let mut o = 0;
        for _ in 0..1000 {
            b.push(1, o..o + 3, false);
            b.push(1, o + 3..o + 4, true);
            o += 4;
        }
        let m = b.finish(o);
        assert_eq!(m.iter().count(), 2000);
        for i in 0..1000 {
            assert_eq!(m.range(2 * i, 2 * i + 1), 4 * i..4 * i + 3);
            assert_eq!(m.range(2 * i + 1, 2 * i + 2), 4 * i + 3..4 * i + 4);
        }
        assert!(m.heap_bytes() < 2000 * 2 + 64 * 24, "{}", m.heap_bytes());
    }

    #[test]
    fn compose_goes_through_both_maps() {
        // a→b: "xy" from "x__y" (x, gap 2, y); b→c: "x__y" from "XX__y" (x atomic from 2 bytes).
        let outer = build(&[(1, 0..1, true), (1, 3..4, true)], 4);
        let inner = build(&[(1, 0..2, false), (3, 2..5, true)], 5);
        let m = outer.compose(&inner);
        assert_eq!(m.range(0, 1), 0..2);
        assert_eq!(m.range(1, 2), 4..5);
        assert_eq!(m.orig_len(), 5);
    }
}
