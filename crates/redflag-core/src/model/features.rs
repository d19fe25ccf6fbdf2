//! The hashing vectoriser: character n-grams (1–5) over redflag-text's match view, so that Thai, Khmer,
//! Burmese and Chinese need no word segmentation, plus word uni- and bi-grams for the scripts that put
//! spaces between words. Each n-gram is hashed (FNV-1a over its scalar values, then a multiplicative mix) into one of `2^bits`
//! buckets; a bucket's value is `(1 + ln count) × idf`, and the row is scaled to unit length.
//!
//! The hash depends on nothing but the n-gram's characters, so a model file means the same thing on every
//! platform and build.
use std::ops::Range;

/// Longest character n-gram.
pub const MAX_CHAR_N: usize = 5;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
/// Namespaces keep a one-character word from sharing a bucket with the same character as a char 1-gram.
const NS_CHAR: u64 = 0x63;
const NS_WORD: u64 = 0x77;

/// A sparse feature row: sorted distinct bucket indices and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// Bucket indices, ascending.
    pub idx: Vec<u32>,
    /// Values (term frequency, before idf and normalisation, when built by [`counts`]).
    pub val: Vec<f32>,
}

/// The characters of a view with runs of whitespace folded to one space, with their byte ranges in the view.
fn chars_of(view: &str) -> Vec<(char, Range<usize>)> {
    let mut out = Vec::with_capacity(view.len());
    let mut last_space = true;
    for (i, c) in view.char_indices() {
        let r = i..i + c.len_utf8();
        if c.is_whitespace() {
            if !last_space {
                out.push((' ', r));
            }
            last_space = true;
        } else {
            out.push((c, r));
            last_space = false;
        }
    }
    if out.last().is_some_and(|(c, _)| *c == ' ') {
        out.pop();
    }
    out
}

/// FNV-1a step over a whole scalar value (one multiply per character, not per byte).
#[inline]
fn fnv_char(h: u64, c: char) -> u64 {
    (h ^ u64::from(u32::from(c))).wrapping_mul(FNV_PRIME)
}

#[inline]
fn bucket(h: u64, n: u64, bits: u32) -> u32 {
    let m = (h ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_mul(0xd6e8_feb8_6659_fd93);
    (m >> (64 - bits)) as u32
}

/// A word character: letters and digits of the scripts that separate words with spaces (Thai, Lao,
/// Khmer, Burmese and CJK do not, and are left to the character n-grams).
#[inline]
pub fn wordy(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !('\u{0e00}'..='\u{109f}').contains(&c)
        && !('\u{1780}'..='\u{17ff}').contains(&c)
        && (c as u32) < 0x2e80
        && c.is_alphanumeric()
}

/// Letter or digit, with an ASCII fast path.
#[inline]
pub fn alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0e01}'..='\u{0e59}').contains(&c) {
        // Thai letters, vowels, tone marks and digits (a few signs too: close enough for grouping).
        true
    } else {
        c.is_alphanumeric()
    }
}

/// Visit every n-gram of the view: `f(bucket, byte range in the view)`.
pub fn for_each_ngram(view: &str, bits: u32, mut f: impl FnMut(u32, Range<usize>)) {
    let chars = chars_of(view);
    // Character n-grams, 1..=5, each extended from the one before.
    for i in 0..chars.len() {
        let mut h = FNV_OFFSET ^ NS_CHAR;
        for n in 1..=MAX_CHAR_N.min(chars.len() - i) {
            let (c, ref r) = chars[i + n - 1];
            h = fnv_char(h, c);
            f(bucket(h, n as u64, bits), chars[i].1.start..r.end);
        }
    }
    // Words, and pairs of consecutive words.
    let mut prev: Option<(u64, usize)> = None;
    let mut i = 0;
    while i < chars.len() {
        if !wordy(chars[i].0) {
            if chars[i].0 != ' ' {
                // Punctuation (or a run of unsegmented script) between words breaks a bigram.
                prev = None;
            }
            i += 1;
            continue;
        }
        let start = i;
        let mut h = FNV_OFFSET ^ NS_WORD;
        while i < chars.len() && wordy(chars[i].0) {
            h = fnv_char(h, chars[i].0);
            i += 1;
        }
        let range = chars[start].1.start..chars[i - 1].1.end;
        f(bucket(h, 101, bits), range.clone());
        if let Some((ph, pstart)) = prev {
            let bh = (ph ^ h.rotate_left(17)).wrapping_mul(FNV_PRIME);
            f(bucket(bh, 102, bits), pstart..range.end);
        }
        prev = Some((h, range.start));
    }
}

/// Every n-gram's bucket, in no particular order: the multiset [`for_each_ngram`] visits, streamed over
/// the view without a per-character buffer. The hashes of the character n-grams ending at a character
/// are extended from those ending at the one before; a word's hash grows as its characters come.
pub fn for_each_bucket(view: &str, bits: u32, mut f: impl FnMut(u32)) {
    let mut st = Stream {
        hs: [0; MAX_CHAR_N],
        seen: 0,
        word: None,
        prev: None,
    };
    let mut pending_space = false;
    for c in view.chars() {
        if c.is_whitespace() {
            // Runs of whitespace fold to one space, and none leads or trails.
            pending_space = st.seen > 0;
            continue;
        }
        if pending_space {
            pending_space = false;
            st.push(' ', bits, &mut f);
        }
        st.push(c, bits, &mut f);
    }
    st.end_word(bits, &mut f);
}

/// The state of [`for_each_bucket`].
struct Stream {
    /// `hs[n - 1]`: hash of the character n-gram ending at the last character.
    hs: [u64; MAX_CHAR_N],
    /// Characters so far.
    seen: usize,
    /// Hash of the word in progress.
    word: Option<u64>,
    /// Hash of the word before it, while a bigram can still form.
    prev: Option<u64>,
}

impl Stream {
    #[inline]
    fn push(&mut self, c: char, bits: u32, f: &mut impl FnMut(u32)) {
        let top = (self.seen + 1).min(MAX_CHAR_N);
        for n in (1..top).rev() {
            self.hs[n] = fnv_char(self.hs[n - 1], c);
        }
        self.hs[0] = fnv_char(FNV_OFFSET ^ NS_CHAR, c);
        for (n, h) in self.hs[..top].iter().enumerate() {
            f(bucket(*h, n as u64 + 1, bits));
        }
        self.seen += 1;
        if wordy(c) {
            self.word = Some(fnv_char(self.word.unwrap_or(FNV_OFFSET ^ NS_WORD), c));
        } else {
            self.end_word(bits, f);
            if c != ' ' {
                // Punctuation (or a run of unsegmented script) between words breaks a bigram.
                self.prev = None;
            }
        }
    }

    #[inline]
    fn end_word(&mut self, bits: u32, f: &mut impl FnMut(u32)) {
        if let Some(h) = self.word.take() {
            f(bucket(h, 101, bits));
            if let Some(ph) = self.prev {
                let bh = (ph ^ h.rotate_left(17)).wrapping_mul(FNV_PRIME);
                f(bucket(bh, 102, bits));
            }
            self.prev = Some(h);
        }
    }
}

/// Buffers [`counts`] reuses from one text to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    buckets: Vec<u32>,
    tmp: Vec<u32>,
    /// Count per bucket (all zero between texts).
    table: Vec<u16>,
}

/// Views up to this many bytes are counted in a dense table: they have at most `6 × bytes + 1`
/// n-grams (five character n-grams per character, at most one word and one word pair per two), so no
/// count overflows a `u16`.
const DENSE_MAX_BYTES: usize = 10_000;

/// Term counts of a view's n-grams, as a sparse row.
pub fn counts(view: &str, bits: u32, scratch: &mut Scratch) -> Row {
    if view.len() <= DENSE_MAX_BYTES {
        return counts_dense(view, bits, scratch);
    }
    let v = &mut scratch.buckets;
    v.clear();
    for_each_bucket(view, bits, |b| v.push(b));
    radix_sort(v, &mut scratch.tmp, bits);
    let mut row = Row::default();
    let mut k = 0;
    while k < v.len() {
        let b = v[k];
        let mut j = k + 1;
        while j < v.len() && v[j] == b {
            j += 1;
        }
        row.idx.push(b);
        row.val.push((j - k) as f32);
        k = j;
    }
    row
}

/// [`counts`] by a dense table of counts: the distinct buckets are sorted, not every occurrence.
fn counts_dense(view: &str, bits: u32, scratch: &mut Scratch) -> Row {
    let Scratch {
        buckets,
        tmp,
        table,
    } = scratch;
    if table.len() < 1 << bits {
        table.resize(1 << bits, 0);
    }
    buckets.clear();
    for_each_bucket(view, bits, |b| {
        let c = &mut table[b as usize];
        if *c == 0 {
            buckets.push(b);
        }
        *c += 1;
    });
    radix_sort(buckets, tmp, bits);
    let mut row = Row {
        idx: Vec::with_capacity(buckets.len()),
        val: Vec::with_capacity(buckets.len()),
    };
    for b in buckets.iter() {
        let c = &mut table[*b as usize];
        row.idx.push(*b);
        row.val.push(f32::from(*c));
        *c = 0;
    }
    row
}

/// Sort bucket numbers below `2^bits`: least-significant-digit radix sort in passes of up to 12 bits for
/// long texts (a job ad has thousands of n-grams, and comparison sorting was the vectoriser's main cost).
fn radix_sort(v: &mut Vec<u32>, tmp: &mut Vec<u32>, bits: u32) {
    if v.len() < 512 {
        v.sort_unstable();
        return;
    }
    let passes = bits.div_ceil(12);
    let width = bits.div_ceil(passes);
    let mask = (1u32 << width) - 1;
    tmp.clear();
    tmp.resize(v.len(), 0);
    let mut count = [0usize; 1 << 12];
    let count = &mut count[..1 << width];
    for pass in 0..passes {
        let shift = pass * width;
        count.iter_mut().for_each(|c| *c = 0);
        for x in v.iter() {
            count[((x >> shift) & mask) as usize] += 1;
        }
        let mut sum = 0;
        for c in count.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        for x in v.iter() {
            let d = ((x >> shift) & mask) as usize;
            tmp[count[d]] = *x;
            count[d] += 1;
        }
        std::mem::swap(v, tmp);
    }
}

/// Sublinear term frequency times idf, scaled to unit length (in place).
pub fn weigh(row: &mut Row, idf: &[f32]) {
    let mut norm = 0f64;
    for (i, v) in row.idx.iter().zip(row.val.iter_mut()) {
        *v = (1.0 + v.ln()) * idf[*i as usize];
        norm += f64::from(*v) * f64::from(*v);
    }
    if norm > 0.0 {
        let inv = (1.0 / norm.sqrt()) as f32;
        for v in &mut row.val {
            *v *= inv;
        }
    }
}

/// Smoothed inverse document frequency, as scikit-learn computes it: `ln((1 + n) / (1 + df)) + 1`.
pub fn idf(rows: &[Row], bits: u32) -> Vec<f32> {
    let mut df = vec![0u32; 1 << bits];
    for r in rows {
        for i in &r.idx {
            df[*i as usize] += 1;
        }
    }
    let n = rows.len() as f64;
    df.iter()
        .map(|d| (((1.0 + n) / (1.0 + f64::from(*d))).ln() + 1.0) as f32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ngrams_cover_chars_and_words() {
        let mut seen = Vec::new();
        for_each_ngram("ab  cd", 16, |_, r| seen.push(r));
        // chars: a b ' ' c d → 5 + 4 + 3 + 2 + 1 = 15 char n-grams; words ab, cd, "ab cd".
        assert_eq!(seen.len(), 18);
        assert!(seen.contains(&(0..6)));
        let mut thai = 0;
        for_each_ngram("สวัสดี", 16, |_, _| thai += 1);
        assert_eq!(thai, 6 + 5 + 4 + 3 + 2, "Thai: character n-grams only");
    }

    #[test]
    fn streamed_buckets_are_the_ngrams_buckets() {
        for text in [
            "",
            "  ",
            "ab  cd",
            " win a prize, now! win\t\tbig  ",
            "สวัสดี ครับ hello-world 你好 x",
            "a",
            "Gaji 10jt/bulan; WA 0812 3456 7890\n\nHubungi kami…",
        ] {
            let mut a = Vec::new();
            for_each_ngram(text, 18, |b, _| a.push(b));
            let mut b = Vec::new();
            for_each_bucket(text, 18, |x| b.push(x));
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{text:?}");
        }
    }

    #[test]
    fn dense_counts_are_the_sorted_counts() {
        let mut s = Scratch::default();
        let long = "win a prize now win ".repeat(40);
        for text in [
            "",
            "a",
            "win a prize now win",
            "สวัสดี ครับ 你好",
            long.as_str(),
        ] {
            let dense = counts_dense(text, 18, &mut s);
            let mut v = Vec::new();
            for_each_bucket(text, 18, |b| v.push(b));
            v.sort_unstable();
            let mut idx = v.clone();
            idx.dedup();
            let val: Vec<f32> = idx
                .iter()
                .map(|b| v.iter().filter(|x| *x == b).count() as f32)
                .collect();
            assert_eq!(dense, Row { idx, val }, "{text:?}");
            assert!(s.table.iter().all(|c| *c == 0), "table left clean");
        }
    }

    #[test]
    fn counts_are_sorted_and_stable() {
        let mut s = Scratch::default();
        let a = counts("win a prize now win", 18, &mut s);
        assert!(a.idx.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(a, counts("win a prize now win", 18, &mut s));
        assert!(a.val.iter().any(|v| *v >= 2.0));
    }

    #[test]
    fn radix_sort_sorts() {
        let mut rng = crate::model::SplitMix64(7);
        for bits in [8, 13, 18, 24] {
            let mut v: Vec<u32> = (0..5000)
                .map(|_| (rng.next_u64() >> (64 - bits)) as u32)
                .collect();
            let mut w = v.clone();
            radix_sort(&mut v, &mut Vec::new(), bits);
            w.sort_unstable();
            assert_eq!(v, w);
        }
    }

    #[test]
    fn weighted_rows_have_unit_length() {
        let mut s = Scratch::default();
        let mut r = counts("hello world", 12, &mut s);
        weigh(&mut r, &vec![1.5; 1 << 12]);
        let n: f32 = r.val.iter().map(|v| v * v).sum();
        assert!((n - 1.0).abs() < 1e-5);
    }
}
