//! Cheap whole-text features, the output collector and small text helpers.

use crate::Selector;

/// What one byte pass over the text found; each extractor runs only when its feature is present.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Features {
    pub digits: bool,
    pub letters: bool,
    pub non_ascii: bool,
    pub at: bool,
    pub dot: bool,
    pub comma: bool,
    /// An ASCII-alphanumeric token of at least 14 bytes (the shortest segwit address).
    pub wallet_tokens: bool,
}

/// Byte classes for [`Features::of`].
const DIGIT: u8 = 1;
const LETTER: u8 = 2;
const AT: u8 = 4;
const DOT: u8 = 8;
const COMMA: u8 = 16;
const HIGH: u8 = 32;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match i as u8 {
            b'0'..=b'9' => DIGIT,
            b'a'..=b'z' | b'A'..=b'Z' => LETTER,
            b'@' => AT,
            b'.' => DOT,
            b',' => COMMA,
            0x80.. => HIGH,
            _ => 0,
        };
        i += 1;
    }
    t
};

impl Features {
    pub fn of(text: &str) -> Features {
        let mut seen = 0u8;
        let mut run = 0usize;
        let mut long = false;
        for &b in text.as_bytes() {
            let c = CLASS[b as usize];
            seen |= c;
            if c & (DIGIT | LETTER) != 0 {
                run += 1;
                long |= run >= 14;
            } else {
                run = 0;
            }
        }
        Features {
            digits: seen & DIGIT != 0,
            letters: seen & LETTER != 0,
            non_ascii: seen & HIGH != 0,
            at: seen & AT != 0,
            dot: seen & DOT != 0,
            comma: seen & COMMA != 0,
            wallet_tokens: long,
        }
    }

    /// Nothing any extractor could use: no letters, digits, `@` or non-ASCII text.
    pub fn is_empty(&self) -> bool {
        !(self.digits || self.letters || self.non_ascii || self.at)
    }
}

/// Collects selectors and the spans already taken, so that later extractors (phones above all)
/// do not re-read digits inside a URL, an e-mail address or a wallet.
pub(crate) struct Out<'t> {
    pub text: &'t str,
    pub sels: Vec<Selector>,
    /// Claimed spans, sorted and disjoint (claims mostly arrive in order: appending is the
    /// common case, so a text with thousands of selectors stays linear).
    claims: Vec<(usize, usize)>,
}

impl<'t> Out<'t> {
    pub fn new(text: &'t str) -> Self {
        Out {
            text,
            sels: Vec::new(),
            claims: Vec::new(),
        }
    }

    pub fn push(&mut self, sel: Selector) {
        debug_assert!(sel.start < sel.end && sel.end <= self.text.len());
        debug_assert!(self.text.is_char_boundary(sel.start) && self.text.is_char_boundary(sel.end));
        self.sels.push(sel);
    }

    /// Mark `start..end` as read.
    pub fn claim(&mut self, start: usize, end: usize) {
        if let Some(last) = self.claims.last_mut() {
            if start >= last.0 {
                if start <= last.1 {
                    last.1 = last.1.max(end);
                } else {
                    self.claims.push((start, end));
                }
                return;
            }
        } else {
            self.claims.push((start, end));
            return;
        }
        // Out of order: insert and merge with the neighbours it touches.
        let i = self.claims.partition_point(|&(_, e)| e < start);
        let mut j = i;
        let (mut s, mut e) = (start, end);
        while j < self.claims.len() && self.claims[j].0 <= e {
            s = s.min(self.claims[j].0);
            e = e.max(self.claims[j].1);
            j += 1;
        }
        self.claims.splice(i..j, [(s, e)]);
    }

    /// Whether `start..end` overlaps a claimed span.
    pub fn is_claimed(&self, start: usize, end: usize) -> bool {
        let i = self.claims.partition_point(|&(_, e)| e <= start);
        self.claims.get(i).is_some_and(|&(s, _)| s < end)
    }

    pub fn finish(mut self) -> Vec<Selector> {
        self.sels.sort_by(|a, b| {
            (a.start, a.end, a.kind, &a.value, a.region.as_deref()).cmp(&(
                b.start,
                b.end,
                b.kind,
                &b.value,
                b.region.as_deref(),
            ))
        });
        self.sels.dedup_by(|b, a| {
            a.start == b.start && a.end == b.end && a.kind == b.kind && a.value == b.value
        });
        self.sels
    }
}

/// The char ending at byte `i`, if any.
pub(crate) fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

/// The char starting at byte `i`, if any.
pub(crate) fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

/// The largest char boundary `<= i`.
pub(crate) fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary `>= i`.
pub(crate) fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Where a label window before byte `i` starts: at most `max` bytes back, and no further back
/// than the start of the previous line (a label may sit on the line above a selector:
/// "Telegram:\n@handle"). Only the window is searched, so the cost does not grow with the text.
pub(crate) fn window_start(text: &str, i: usize, max: usize) -> usize {
    let floor = floor_boundary(text, i.saturating_sub(max));
    let window = &text.as_bytes()[floor..i];
    match memchr::memrchr(b'\n', window) {
        Some(nl) => memchr::memrchr(b'\n', &window[..nl]).map_or(floor, |p| floor + p + 1),
        None => floor,
    }
}

/// Bounds of the line holding byte `i`, looking at most `max` bytes each way.
pub(crate) fn line_bounds(text: &str, i: usize, max: usize) -> (usize, usize) {
    let lo = floor_boundary(text, i.saturating_sub(max));
    let hi = ceil_boundary(text, i + max);
    let b = text.as_bytes();
    let start = memchr::memrchr(b'\n', &b[lo..i]).map_or(lo, |p| lo + p + 1);
    let end = memchr::memchr(b'\n', &b[i..hi]).map_or(hi, |p| i + p);
    (start, end)
}
