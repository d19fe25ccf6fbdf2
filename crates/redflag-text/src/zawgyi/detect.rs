//! Port of the Zawgyi detector of Google myanmar-tools: a binary Markov model over pairs of characters.
//!
//! The model file (`data/zawgyi/zawgyiUnicodeModel.dat`, from the `myanmartools` PyPI package) is
//! big-endian: `"UZMODEL "`, version (i32), for version 2 a character-set id (i32), `"BMARKOV "`,
//! version (i32, 0), then the matrix: its size (i16) and for each row a count (i16); a row with a
//! non-zero count holds a default log-likelihood ratio (f32) and `count` (column i16, f32) pairs.
//! A text's score is the sum of the ratios of its consecutive character pairs (with a virtual
//! foreign character before and after it), skipping foreign–foreign pairs.
use std::sync::OnceLock;

static MODEL_BYTES: &[u8] = include_bytes!("../../data/zawgyi/zawgyiUnicodeModel.dat");

/// The character ranges of the model, in the order of the model's states (set id 0 adds `SPC`).
const RANGES: [(u32, u32); 5] = [
    (0x1000, 0x103F), // Myanmar, before the digits
    (0x104A, 0x109F), // Myanmar, after the digits
    (0xAA60, 0xAA7F), // Myanmar Extended-A
    (0xA9E0, 0xA9FF), // Myanmar Extended-B
    (0x2000, 0x200B), // spaces up to ZWSP
];

pub(crate) struct Model {
    size: usize,
    params: Vec<f32>,
    /// State of each character of the ranges, indexed by its position in `RANGES` order.
    states: Vec<u16>,
    ranges: usize,
}

/// A malformed model file (only possible if the embedded data is corrupted).
#[derive(Debug)]
pub(crate) struct BadModel(&'static str);

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], BadModel> {
        let s = self
            .b
            .get(self.pos..self.pos + n)
            .ok_or(BadModel("truncated model"))?;
        self.pos += n;
        Ok(s)
    }
    fn i32(&mut self) -> Result<i32, BadModel> {
        Ok(i32::from_be_bytes(
            self.take(4)?.try_into().map_err(|_| BadModel("int"))?,
        ))
    }
    fn i16(&mut self) -> Result<i16, BadModel> {
        Ok(i16::from_be_bytes(
            self.take(2)?.try_into().map_err(|_| BadModel("short"))?,
        ))
    }
    fn f32(&mut self) -> Result<f32, BadModel> {
        Ok(f32::from_be_bytes(
            self.take(4)?.try_into().map_err(|_| BadModel("float"))?,
        ))
    }
}

impl Model {
    pub(crate) fn parse(bytes: &[u8]) -> Result<Model, BadModel> {
        let mut r = Reader { b: bytes, pos: 0 };
        if r.take(8)? != b"UZMODEL " {
            return Err(BadModel("bad model tag"));
        }
        let ssv = match r.i32()? {
            1 => 0,
            2 => r.i32()?,
            _ => return Err(BadModel("bad model version")),
        };
        let ranges = match ssv {
            0 => 5,
            1 => 4,
            _ => return Err(BadModel("bad character set")),
        };
        if r.take(8)? != b"BMARKOV " || r.i32()? != 0 {
            return Err(BadModel("bad Markov chain header"));
        }
        let size = usize::try_from(r.i16()?).map_err(|_| BadModel("bad size"))?;
        let mut params = vec![0f32; size * size];
        for row in 0..size {
            let count = usize::try_from(r.i16()?).map_err(|_| BadModel("bad count"))?;
            if count == 0 {
                continue;
            }
            let default = r.f32()?;
            params[row * size..(row + 1) * size].fill(default);
            for _ in 0..count {
                let col = usize::try_from(r.i16()?).map_err(|_| BadModel("bad column"))?;
                let v = r.f32()?;
                *params
                    .get_mut(row * size + col)
                    .ok_or(BadModel("column out of range"))? = v;
            }
        }
        // State 0 is "foreign": a foreign–foreign pair carries no information.
        params[0] = f32::NAN;

        // The reference client looks characters up by binary search in the list of the ranges'
        // characters *in this order*, which is not sorted (Extended-A precedes Extended-B, and the
        // spaces come last). The search misses 55 characters, among them U+200B and all of
        // Extended-B, which it therefore scores as foreign. We reproduce that lookup exactly, so that
        // scores agree with myanmartools.
        let chars: Vec<u32> = RANGES[..ranges].iter().flat_map(|&(a, b)| a..=b).collect();
        if chars.len() + 1 != size {
            return Err(BadModel("model size does not match its character set"));
        }
        let states = chars
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let found = chars[..].partition_point_unsorted(c);
                if found == i { (i + 1) as u16 } else { 0 }
            })
            .collect();
        Ok(Model {
            size,
            params,
            states,
            ranges,
        })
    }

    fn state(&self, c: char) -> usize {
        let c = c as u32;
        let mut base = 0;
        for &(a, b) in &RANGES[..self.ranges] {
            if (a..=b).contains(&c) {
                return self.states[base + (c - a) as usize] as usize;
            }
            base += (b - a + 1) as usize;
        }
        0
    }

    /// Sum of the log-likelihood ratios (Unicode over Zawgyi), or `None` if every character is foreign.
    pub(crate) fn score(&self, s: &str) -> Option<f64> {
        let mut total = 0f64;
        let mut any = false;
        let mut prev = 0;
        for c in s.chars().map(Some).chain(std::iter::once(None)) {
            let cur = c.map_or(0, |c| self.state(c));
            let v = self.params[prev * self.size + cur];
            if !v.is_nan() {
                total += f64::from(v);
                any = true;
            }
            prev = cur;
        }
        any.then_some(total)
    }
}

/// Python's `bisect_left` over a (possibly unsorted) slice.
trait BisectLeft {
    fn partition_point_unsorted(&self, x: u32) -> usize;
}

impl BisectLeft for [u32] {
    fn partition_point_unsorted(&self, x: u32) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self[mid] < x {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

pub(crate) fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    // The embedded model is tested to parse; a failure here means the data file was corrupted.
    MODEL.get_or_init(|| {
        Model::parse(MODEL_BYTES).unwrap_or_else(|e| panic!("embedded Zawgyi model: {}", e.0))
    })
}

/// Zawgyi probability from a score, computed as the reference client does.
pub(crate) fn probability_of(score: Option<f64>) -> f64 {
    match score {
        None => f64::NEG_INFINITY,
        Some(t) if t >= 0.0 => {
            let z = (-t).exp();
            z / (z + 1.0)
        }
        Some(t) => 1.0 / (1.0 + t.exp()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_parses() {
        let m = Model::parse(MODEL_BYTES).unwrap();
        assert_eq!(m.size, 227);
        assert_eq!(m.states.iter().filter(|&&s| s == 0).count(), 55);
        assert_eq!(m.state('\u{1000}'), 1);
        assert_eq!(m.state('a'), 0);
        assert_eq!(m.state('\u{200B}'), 0);
    }

    #[test]
    fn corrupt_models_are_rejected() {
        assert!(Model::parse(b"nope").is_err());
        assert!(Model::parse(&MODEL_BYTES[..100]).is_err());
        let mut bad = MODEL_BYTES.to_vec();
        bad[11] = 9; // version
        assert!(Model::parse(&bad).is_err());
    }
}
