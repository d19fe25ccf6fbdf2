//! The output side shared by the views: view text plus its offset map, optionally translated through
//! the map of an earlier stage (Zawgyi conversion, character mapping).
use std::ops::Range;

use crate::map::{MapBuilder, OffsetMap};

pub(crate) struct Out<'m> {
    pub text: String,
    map: MapBuilder,
    /// Map of the source text back to the original, when the source is itself a view.
    inner: Option<&'m OffsetMap>,
}

impl<'m> Out<'m> {
    pub fn new(capacity: usize, inner: Option<&'m OffsetMap>) -> Out<'m> {
        Out {
            text: String::with_capacity(capacity),
            map: MapBuilder::new(),
            inner,
        }
    }

    /// Record that the last `view_len` bytes of the view come from `src` (source coordinates).
    #[inline]
    pub fn piece(&mut self, view_len: usize, src: Range<usize>, linear: bool) {
        match self.inner {
            None => self.map.push(view_len, src, linear),
            Some(m) => self.map.push_through(m, view_len, src, linear),
        }
    }

    /// Append `s`, made from `src`; `linear` if `s` is a char-for-char, same-length image of it.
    #[inline]
    pub fn push(&mut self, s: &str, src: Range<usize>, linear: bool) {
        self.text.push_str(s);
        self.piece(s.len(), src, linear);
    }

    pub fn ends_with_space(&self) -> bool {
        self.text.as_bytes().last() == Some(&b' ')
    }

    /// Finish; `src_len` is the length of the source text.
    pub fn finish(self, src_len: usize) -> (String, OffsetMap) {
        debug_assert_eq!(self.map.view_len(), self.text.len());
        let orig_len = self.inner.map_or(src_len, OffsetMap::orig_len);
        // Source bytes no piece covered (deleted at the end) become an empty segment.
        let map = self.map.finish(orig_len);
        (self.text, map)
    }
}
