//! The model file: a versioned binary, written and read only here.
//!
//! ```text
//! magic      8 bytes  "RFMODEL\n"
//! version    u16 LE   FORMAT_VERSION
//! header     u32 LE length, then that many bytes of JSON (ModelInfo: training data, split,
//!                     hyper-parameters, calibration, metrics)
//! body       u32 LE length, then raw DEFLATE of: u32 dim, f32 bias, dim × f32 weights, dim × f32 idf
//! checksum   u64 LE   FNV-1a 64 of every byte before it
//! ```
//! Everything little-endian. A file that is not one, is truncated, fails its checksum, or is of another
//! version is refused with an error that says which.
use std::io::{Read, Write};

use super::{Model, ModelInfo};
use crate::error::Error;

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 1;
const MAGIC: &[u8; 8] = b"RFMODEL\n";

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    file: &'a str,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Error> {
        if self.bytes.len() - self.pos < n {
            return Err(Error::model(
                self.file,
                format!("truncated model file (ends inside the {what})"),
            ));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u32(&mut self, what: &str) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(
            self.take(4, what)?.try_into().unwrap_or_default(),
        ))
    }
}

impl Model {
    /// The model as a file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = serde_json::to_vec(&self.info).expect("model info serialises");
        let mut raw = Vec::with_capacity(8 + self.weights.len() * 8);
        raw.extend((self.weights.len() as u32).to_le_bytes());
        raw.extend(self.bias.to_le_bytes());
        for v in self.weights.iter().chain(&self.idf) {
            raw.extend(v.to_le_bytes());
        }
        let mut enc =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&raw).expect("writing to memory");
        let body = enc.finish().expect("writing to memory");
        let mut out = Vec::with_capacity(body.len() + header.len() + 32);
        out.extend(MAGIC);
        out.extend(FORMAT_VERSION.to_le_bytes());
        out.extend((header.len() as u32).to_le_bytes());
        out.extend(&header);
        out.extend((body.len() as u32).to_le_bytes());
        out.extend(&body);
        out.extend(fnv1a(&out).to_le_bytes());
        out
    }

    /// Read a model file; `file` names it in errors.
    pub fn from_bytes(file: &str, bytes: &[u8]) -> Result<Model, Error> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(Error::model(
                file,
                "not a redflag model file (no RFMODEL signature at the start)",
            ));
        }
        let mut c = Cursor {
            bytes,
            pos: MAGIC.len(),
            file,
        };
        let version = u16::from_le_bytes(c.take(2, "version")?.try_into().unwrap_or_default());
        if version != FORMAT_VERSION {
            return Err(Error::model(
                file,
                format!(
                    "model format version {version}; this build of redflag reads version {FORMAT_VERSION}"
                ),
            ));
        }
        if bytes.len() < 8 + 2 + 8 {
            return Err(Error::model(file, "truncated model file"));
        }
        let (content, sum) = bytes.split_at(bytes.len() - 8);
        if fnv1a(content).to_le_bytes() != sum {
            return Err(Error::model(
                file,
                "corrupted model file (checksum mismatch): retrain it or copy it again",
            ));
        }
        let n = c.u32("header length")? as usize;
        let header = c.take(n, "header")?;
        let info: ModelInfo = serde_json::from_slice(header)
            .map_err(|e| Error::model(file, format!("bad model header: {e}")))?;
        let n = c.u32("body length")? as usize;
        let body = c.take(n, "body")?;
        if c.pos != content.len() {
            return Err(Error::model(file, "trailing bytes after the model body"));
        }
        if !(8..=24).contains(&info.hash_bits) {
            return Err(Error::model(
                file,
                format!("bad hash_bits {}", info.hash_bits),
            ));
        }
        let dim = 1usize << info.hash_bits;
        let mut raw = Vec::with_capacity(8 + dim * 8);
        flate2::read::DeflateDecoder::new(body)
            .take((8 + dim * 8 + 1) as u64)
            .read_to_end(&mut raw)
            .map_err(|e| Error::model(file, format!("bad model body: {e}")))?;
        if raw.len() != 8 + dim * 8
            || u32::from_le_bytes(raw[..4].try_into().unwrap_or_default()) as usize != dim
        {
            return Err(Error::model(
                file,
                format!("model body does not hold 2^{} weights", info.hash_bits),
            ));
        }
        let f = |b: &[u8]| f32::from_le_bytes(b.try_into().unwrap_or_default());
        let bias = f(&raw[4..8]);
        let floats: Vec<f32> = raw[8..].chunks_exact(4).map(f).collect();
        if !bias.is_finite() || floats.iter().any(|v| !v.is_finite()) {
            return Err(Error::model(file, "model holds a non-finite number"));
        }
        let idf = floats[dim..].to_vec();
        let mut weights = floats;
        weights.truncate(dim);
        Ok(Model::new(info, bias, weights, idf))
    }
}
