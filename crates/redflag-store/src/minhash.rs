//! Near-duplicate templates: MinHash over character shingles of the normalised text, with LSH
//! banding to find candidate pairs without comparing every pair.
//!
//! The text is the match view of `redflag-text` (case, width, homoglyphs and spacing folded) with
//! every run of digits replaced by one `#`, so templates that differ only in a phone number or a
//! salary give the same shingles; a different place name changes only the few shingles around it.
//! Shingles are [`SHINGLE`] characters (characters, not words: Thai, Khmer, Burmese and Chinese are
//! written without spaces). One 64-bit xxh3 hash per shingle (fixed seed), then [`HASHES`] cheap
//! mixes of it; the signature keeps each mix's minimum. [`BANDS`] bands of [`ROWS`] rows give the
//! S-curve whose midpoint is about (1/BANDS)^(1/ROWS) ≈ 0.5; candidates are then kept only when
//! their estimated Jaccard similarity reaches the threshold.
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Characters per shingle.
pub const SHINGLE: usize = 5;
/// Hash functions (signature length).
pub const HASHES: usize = 64;
/// LSH bands.
pub const BANDS: usize = 16;
/// Rows per band.
pub const ROWS: usize = HASHES / BANDS;
/// The fixed seed of the shingle hash (changing it invalidates stored signatures).
pub const SEED: u64 = 0x7265_6466_6c61_6731;
/// Default estimated Jaccard similarity from which two texts are one template.
pub const DEFAULT_THRESHOLD: f64 = 0.6;

/// A MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; HASHES]);

/// The text MinHash sees: the match view, every number (a digit run with the spaces, dots, commas,
/// dashes, brackets and `+` inside it: `+66 81 234 5678`, `40,000`) folded to one `#`, whitespace
/// runs to one space.
pub fn template_text(original: &str) -> String {
    let view = redflag_text::match_view(original);
    let chars: Vec<char> = view.as_str().chars().collect();
    let sep = |c: char| matches!(c, ' ' | '-' | '.' | ',' | '(' | ')' | '+' | '/');
    let mut out = String::with_capacity(view.len());
    let mut last_space = true;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_number =
            c.is_numeric() || (c == '+' && chars.get(i + 1).is_some_and(|d| d.is_numeric()));
        if starts_number {
            // Extend over digits and inner separators; stop before trailing separators.
            let mut j = i + 1;
            let mut end = if c.is_numeric() { j } else { i + 1 };
            while j < chars.len() && (chars[j].is_numeric() || sep(chars[j])) {
                if chars[j].is_numeric() {
                    end = j + 1;
                }
                j += 1;
            }
            out.push('#');
            last_space = false;
            i = end;
            continue;
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
        i += 1;
    }
    out.trim_end().to_string()
}

fn mix(mut x: u64) -> u64 {
    // splitmix64's finaliser: a bijection that spreads every input bit.
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

const fn salts() -> [u64; HASHES] {
    let mut s = [0u64; HASHES];
    let mut i = 0;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while i < HASHES {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        s[i] = x;
        i += 1;
    }
    s
}
const SALTS: [u64; HASHES] = salts();

impl Signature {
    /// The signature of an original text (normalised here).
    pub fn of(original: &str) -> Signature {
        Signature::of_template(&template_text(original))
    }

    /// The signature of an already normalised template text.
    pub fn of_template(text: &str) -> Signature {
        let mut mins = [u32::MAX; HASHES];
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        let n = bounds.len() - 1;
        let mut add = |s: &str| {
            let h = xxh3_64_with_seed(s.as_bytes(), SEED);
            for (m, salt) in mins.iter_mut().zip(SALTS.iter()) {
                let v = (mix(h ^ salt) >> 32) as u32;
                if v < *m {
                    *m = v;
                }
            }
        };
        if n < SHINGLE {
            add(text);
        } else {
            for i in 0..=n - SHINGLE {
                add(&text[bounds[i]..bounds[i + SHINGLE]]);
            }
        }
        Signature(mins)
    }

    /// Estimated Jaccard similarity: the share of equal positions.
    pub fn similarity(&self, other: &Signature) -> f64 {
        let eq = self
            .0
            .iter()
            .zip(other.0.iter())
            .filter(|(a, b)| a == b)
            .count();
        eq as f64 / HASHES as f64
    }

    /// The LSH bucket key of each band.
    pub fn bands(&self) -> [i64; BANDS] {
        let mut out = [0i64; BANDS];
        for (b, key) in out.iter_mut().enumerate() {
            let rows = &self.0[b * ROWS..(b + 1) * ROWS];
            let mut bytes = [0u8; ROWS * 4];
            for (i, r) in rows.iter().enumerate() {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&r.to_le_bytes());
            }
            *key = xxh3_64_with_seed(&bytes, SEED ^ b as u64) as i64;
        }
        out
    }

    /// Little-endian bytes, for storage.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// From stored bytes (None if the length is wrong).
    pub fn from_bytes(b: &[u8]) -> Option<Signature> {
        if b.len() != HASHES * 4 {
            return None;
        }
        let mut s = [0u32; HASHES];
        for (i, v) in s.iter_mut().enumerate() {
            *v = u32::from_le_bytes(b[i * 4..i * 4 + 4].try_into().ok()?);
        }
        Some(Signature(s))
    }
}

/// A multiplicative hasher for the candidate-pair set: its keys are already well spread pairs of
/// indices, so SipHash's DoS resistance buys nothing and costs most of the time.
#[derive(Default)]
struct PairHasher(u64);

impl std::hash::Hasher for PairHasher {
    fn finish(&self) -> u64 {
        mix(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// Candidate pairs `(i, j)`, `i < j`, of items sharing at least one LSH band bucket, with their
/// estimated similarity, kept when it reaches `threshold`. Items are indices into `sigs`.
///
/// Buckets are found by sorting each band's keys (no per-bucket allocation). A huge bucket is one
/// template repeated: each member is paired with the next 8 only, which is enough for union-find
/// and keeps the work linear.
pub fn similar_pairs(sigs: &[Signature], threshold: f64) -> Vec<(usize, usize, f64)> {
    type Seen = std::collections::HashSet<u64, std::hash::BuildHasherDefault<PairHasher>>;
    let mut seen = Seen::default();
    let mut out = Vec::new();
    let keys: Vec<[i64; BANDS]> = sigs.iter().map(Signature::bands).collect();
    let mut column: Vec<(i64, u32)> = Vec::with_capacity(sigs.len());
    for b in 0..BANDS {
        column.clear();
        column.extend(keys.iter().enumerate().map(|(i, k)| (k[b], i as u32)));
        column.sort_unstable();
        for group in column.chunk_by(|x, y| x.0 == y.0) {
            for (x, &(_, i)) in group.iter().enumerate() {
                for &(_, j) in group[x + 1..].iter().take(8) {
                    if seen.insert((u64::from(i) << 32) | u64::from(j)) {
                        let s = sigs[i as usize].similarity(&sigs[j as usize]);
                        if s >= threshold {
                            out.push((i as usize, j as usize, s));
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_fold_so_phone_and_salary_do_not_matter() {
        let a = template_text("Salary 40,000 THB. Call 081 234 5678 now");
        let b = template_text("Salary 55.000 THB. Call +66 99 876 5432 now");
        assert_eq!(a, b);
        assert_eq!(Signature::of_template(&a), Signature::of_template(&b));
    }

    #[test]
    fn similarity_estimates_jaccard() {
        let a = Signature::of(
            "Typing job in Sihanoukville, free flight and visa, salary high, contact now",
        );
        let b =
            Signature::of("Typing job in Poipet, free flight and visa, salary high, contact now");
        let c = Signature::of("Grandma's apple pie recipe: three apples, flour, butter and sugar.");
        assert!(a.similarity(&b) > 0.5, "{}", a.similarity(&b));
        assert!(a.similarity(&c) < 0.2, "{}", a.similarity(&c));
        assert_eq!(a.similarity(&a), 1.0);
    }

    #[test]
    fn bytes_round_trip() {
        let s = Signature::of("ทำงานที่ปอยเปต เงินเดือนสูง");
        assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s));
        assert_eq!(Signature::from_bytes(&[1, 2, 3]), None);
    }

    #[test]
    fn short_texts_still_hash() {
        let s = Signature::of("hi");
        assert!(s.0.iter().all(|&v| v != u32::MAX));
        let e = Signature::of("");
        assert_eq!(e.similarity(&e), 1.0);
    }
}
