//! Classification of 64-byte blocks into bit masks, for the ASCII fast paths: a block with nothing to
//! do is skipped in a few instructions instead of 64 byte-by-byte steps. SSE2 on x86-64 (part of
//! its baseline); other targets use a portable loop, so results never depend on the target.

#[cfg(test)]
thread_local! {
    static DISABLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the block fast paths run (tests switch them off to compare against the byte paths).
#[inline(always)]
pub(crate) fn enabled() -> bool {
    #[cfg(test)]
    {
        !DISABLED.with(|d| d.get())
    }
    #[cfg(not(test))]
    {
        true
    }
}

/// Run `f` with the block fast paths off (tests only).
#[cfg(test)]
pub(crate) fn without_blocks<T>(f: impl FnOnce() -> T) -> T {
    DISABLED.with(|d| d.set(true));
    let out = f();
    DISABLED.with(|d| d.set(false));
    out
}

/// Bit `j` describes byte `j` of the block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Masks {
    /// ASCII letters.
    pub alpha: u64,
    /// ASCII digits.
    pub digit: u64,
    /// The space character.
    pub space: u64,
    /// Other ASCII whitespace (`\t` `\n` `\v` `\f` `\r`) and non-ASCII bytes.
    pub odd: u64,
    /// Bytes of `extra`.
    pub extra: u64,
}

/// Classify `b[..64]`; `extra` lists up to 8 more bytes to flag (for the refang scan).
#[inline]
pub(crate) fn classify(b: &[u8; 64], extra: &[u8]) -> Masks {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86-64 baseline, so the target feature is always present.
        unsafe { sse2::classify(b, extra) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        portable(b, extra)
    }
}

/// Bit `j` set if byte `j` of the block is one of `set`.
#[inline]
pub(crate) fn matches(b: &[u8; 64], set: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86-64 baseline, so the target feature is always present.
        unsafe { sse2::matches(b, set) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        portable(b, set).extra
    }
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn portable(b: &[u8; 64], extra: &[u8]) -> Masks {
    let mut m = Masks::default();
    for (j, &x) in b.iter().enumerate() {
        let bit = 1u64 << j;
        if (x | 0x20).wrapping_sub(b'a') < 26 {
            m.alpha |= bit;
        }
        if x.is_ascii_digit() {
            m.digit |= bit;
        }
        if x == b' ' {
            m.space |= bit;
        }
        if x >= 0x80 || x.wrapping_sub(9) < 5 {
            m.odd |= bit;
        }
        if extra.contains(&x) {
            m.extra |= bit;
        }
    }
    m
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::*;

    use super::Masks;

    /// Bytes of `x` in `lo..=lo + span` (unsigned).
    #[inline]
    #[target_feature(enable = "sse2")]
    fn in_range(x: __m128i, lo: u8, span: u8) -> __m128i {
        let t = _mm_sub_epi8(x, _mm_set1_epi8(lo as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(span as i8)), t)
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    fn bits(v: __m128i) -> u64 {
        u64::from(_mm_movemask_epi8(v) as u16)
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn matches(b: &[u8; 64], set: &[u8]) -> u64 {
        let mut out = 0;
        for k in 0..4 {
            // SAFETY: `b` holds 64 bytes, so bytes 16k..16k+16 are in bounds; the load is unaligned.
            let v = unsafe { _mm_loadu_si128(b.as_ptr().add(k * 16).cast()) };
            let mut e = _mm_setzero_si128();
            for &x in set {
                e = _mm_or_si128(e, _mm_cmpeq_epi8(v, _mm_set1_epi8(x as i8)));
            }
            out |= bits(e) << (k * 16);
        }
        out
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn classify(b: &[u8; 64], extra: &[u8]) -> Masks {
        let mut m = Masks::default();
        for k in 0..4 {
            // SAFETY: `b` holds 64 bytes, so bytes 16k..16k+16 are in bounds; the load is unaligned.
            let v = unsafe { _mm_loadu_si128(b.as_ptr().add(k * 16).cast()) };
            let sh = k * 16;
            m.alpha |= bits(in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 25)) << sh;
            m.digit |= bits(in_range(v, b'0', 9)) << sh;
            m.space |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8))) << sh;
            // The sign bit of `v` marks non-ASCII bytes.
            m.odd |= bits(_mm_or_si128(in_range(v, 9, 4), v)) << sh;
            let mut e = _mm_setzero_si128();
            for &x in extra {
                e = _mm_or_si128(e, _mm_cmpeq_epi8(v, _mm_set1_epi8(x as i8)));
            }
            m.extra |= bits(e) << sh;
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse2_and_portable_agree() {
        let mut block = [0u8; 64];
        for seed in 0..2000u64 {
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            for b in block.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = (x >> 24) as u8;
            }
            assert_eq!(
                classify(&block, b"[(x"),
                portable(&block, b"[(x"),
                "{block:?}"
            );
            assert_eq!(matches(&block, b"[(x"), portable(&block, b"[(x").extra);
        }
        let text: &[u8; 64] =
            b"Hello World 123 ab\t\n\xc3\xa9[x]_______________________________________";
        let m = classify(text, b"[");
        assert_eq!(m.alpha & 0b11111, 0b11111);
        assert_eq!(m.digit, 0b111 << 12);
        assert_eq!(m.space, (1 << 5) | (1 << 11) | (1 << 15));
        assert_eq!(m.odd, 0b1111 << 18);
        assert_eq!(m.extra, 1 << 22);
    }
}
