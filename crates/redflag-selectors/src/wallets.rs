//! Crypto wallet addresses: Bitcoin (Base58Check P2PKH/P2SH and BIP-173/BIP-350 segwit),
//! Ethereum and other EVM chains (EIP-55), TRON (Base58Check, version byte 0x41).
//!
//! The validators are public so that other crates (and tests against the official vectors) can
//! use them on single strings.

use sha3::{Digest, Keccak256};

use crate::scan::Out;
use crate::{Kind, Role, Selector, Validation};

/// The checksum a bech32 string carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bech32Variant {
    /// BIP-173 bech32 (segwit v0).
    Bech32,
    /// BIP-350 bech32m (segwit v1 and later).
    Bech32m,
}

/// Check a generic bech32/bech32m string (BIP-173 "string" rules: at most 90 characters, not
/// mixed case, a 1–83 character human-readable part of ASCII 33–126, a separator `1`, a valid
/// checksum); returns which checksum it carries.
pub fn bech32_variant(s: &str) -> Option<Bech32Variant> {
    use bech32::primitives::decode::CheckedHrpstring;
    use bech32::{Bech32, Bech32m};
    if s.len() > 90 || !s.is_ascii() {
        return None;
    }
    if CheckedHrpstring::new::<Bech32>(s).is_ok() {
        Some(Bech32Variant::Bech32)
    } else if CheckedHrpstring::new::<Bech32m>(s).is_ok() {
        Some(Bech32Variant::Bech32m)
    } else {
        None
    }
}

/// A decoded segwit address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegwitAddress {
    /// Human-readable part, lower-case (`bc` mainnet, `tb` testnet).
    pub hrp: String,
    /// Witness version 0–16.
    pub version: u8,
    /// Witness program, 2–40 bytes (20 or 32 for v0).
    pub program: Vec<u8>,
}

impl SegwitAddress {
    /// The output script: `OP_n` (0x00 for v0, 0x50+n otherwise), the program length, the program.
    pub fn script_pubkey(&self) -> Vec<u8> {
        let op = if self.version == 0 {
            0
        } else {
            0x50 + self.version
        };
        let mut s = vec![op, self.program.len() as u8];
        s.extend_from_slice(&self.program);
        s
    }
}

/// Decode a Bitcoin segwit address under BIP-350: witness v0 must use bech32, v1+ bech32m;
/// program lengths per BIP-141; human-readable part `bc` or `tb`.
pub fn decode_segwit(s: &str) -> Option<SegwitAddress> {
    let (hrp, version, program) = bech32::segwit::decode(s).ok()?;
    let hrp = hrp.to_lowercase();
    if hrp != "bc" && hrp != "tb" {
        return None;
    }
    Some(SegwitAddress {
        hrp,
        version: version.to_u8(),
        program,
    })
}

/// Decode Base58Check; returns the version byte and the payload after it.
pub fn base58check(s: &str) -> Option<(u8, Vec<u8>)> {
    let mut v = bs58::decode(s).with_check(None).into_vec().ok()?;
    if v.is_empty() {
        return None;
    }
    let version = v.remove(0);
    Some((version, v))
}

/// Whether `s` is a Bitcoin legacy address: Base58Check, version 0x00 (P2PKH) or 0x05 (P2SH),
/// 20-byte hash.
pub fn is_btc_base58(s: &str) -> bool {
    matches!(base58check(s), Some((0x00 | 0x05, p)) if p.len() == 20)
}

/// Whether `s` is a TRON address: Base58Check, version 0x41, 20-byte hash.
pub fn is_tron(s: &str) -> bool {
    matches!(base58check(s), Some((0x41, p)) if p.len() == 20)
}

/// The EIP-55 checksummed form of a `0x` + 40 hex address (any case). `None` if the input is
/// not `0x` followed by exactly 40 hex digits.
pub fn eip55(addr: &str) -> Option<String> {
    let hex = addr
        .strip_prefix("0x")
        .or_else(|| addr.strip_prefix("0X"))?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let lower = hex.to_ascii_lowercase();
    let hash = Keccak256::digest(lower.as_bytes());
    let mut out = String::with_capacity(42);
    out.push_str("0x");
    for (i, c) in lower.chars().enumerate() {
        let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0x0f;
        out.push(if c.is_ascii_alphabetic() && nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    Some(out)
}

/// Whether an ETH address passes EIP-55: single-case addresses carry no checksum and pass;
/// mixed case must equal the checksummed form.
pub fn is_eip55_valid(addr: &str) -> bool {
    let Some(sum) = eip55(addr) else { return false };
    let hex = &addr[2..];
    let lower = hex.bytes().all(|b| !b.is_ascii_uppercase());
    let upper = hex.bytes().all(|b| !b.is_ascii_lowercase());
    lower || upper || sum[2..] == *hex
}

const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BECH32: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn all_in(s: &[u8], set: &[u8]) -> bool {
    s.iter().all(|b| set.contains(b))
}

/// Scan ASCII-alphanumeric tokens of wallet length and classify them by shape.
pub(crate) fn extract(text: &str, out: &mut Out) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i - start >= 14
            && let Some(sel) = classify(&text[start..i], start)
        {
            out.claim(sel.start, sel.end);
            out.push(sel);
        }
    }
}

fn classify(tok: &str, start: usize) -> Option<Selector> {
    let b = tok.as_bytes();
    let sel = |kind, value: String, valid, validation| Selector {
        kind,
        value,
        start,
        end: start + tok.len(),
        valid,
        role: Role::Contact,
        ambiguous: false,
        validation,
        region: None,
    };
    if (tok.starts_with("0x") || tok.starts_with("0X")) && b.len() == 42 {
        let sum = eip55(tok)?;
        let hex = &tok[2..];
        let single_case = hex.bytes().all(|c| !c.is_ascii_uppercase())
            || hex.bytes().all(|c| !c.is_ascii_lowercase());
        let validation = if single_case {
            Validation::Syntax
        } else {
            Validation::Checksum
        };
        // A mixed-case address whose checksum fails has no canonical form to restore (which
        // character is wrong is unknown): it is kept exactly as written, `valid = false`.
        let valid = is_eip55_valid(tok);
        let value = if valid { sum } else { tok.to_string() };
        return Some(sel(Kind::Eth, value, valid, validation));
    }
    if b.len() >= 14 && b.len() <= 90 && b[..3].eq_ignore_ascii_case(b"bc1") {
        let data = tok[3..].to_ascii_lowercase();
        if !all_in(data.as_bytes(), BECH32) {
            return None;
        }
        let valid = decode_segwit(tok).is_some_and(|a| a.hrp == "bc");
        return Some(sel(
            Kind::Btc,
            tok.to_ascii_lowercase(),
            valid,
            Validation::Checksum,
        ));
    }
    let letters = b.iter().any(u8::is_ascii_alphabetic);
    if !letters || !all_in(b, BASE58) {
        return None;
    }
    match b[0] {
        b'1' | b'3' if (26..=35).contains(&b.len()) => Some(sel(
            Kind::Btc,
            tok.to_string(),
            is_btc_base58(tok),
            Validation::Checksum,
        )),
        b'T' if b.len() == 34 => Some(sel(
            Kind::Tron,
            tok.to_string(),
            is_tron(tok),
            Validation::Checksum,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eip55_examples() {
        // From EIP-55 itself.
        let a = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert_eq!(eip55(&a.to_lowercase()).unwrap(), a);
        assert!(is_eip55_valid(a));
        let wrong = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
        assert!(!is_eip55_valid(wrong));
        assert!(eip55("0x123").is_none());
    }

    #[test]
    fn base58_shapes() {
        // The genesis block coinbase address (public, famous).
        assert!(is_btc_base58("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
        assert!(!is_btc_base58("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"));
        assert!(!is_tron("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
    }
}
