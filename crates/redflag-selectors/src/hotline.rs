//! Known public hotlines, from the committed `data/hotlines.toml`.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::region;

const DATA: &str = include_str!("../data/hotlines.toml");

#[derive(Debug, Deserialize)]
struct File {
    hotline: Vec<Entry>,
}

/// One entry of `data/hotlines.toml`.
#[derive(Debug, Deserialize)]
pub(crate) struct Entry {
    pub region: String,
    pub number: String,
    #[allow(dead_code)] // documentation for readers of the data file
    pub name: String,
    #[allow(dead_code)]
    pub source: String,
}

/// A short code (3–6 digits, dialled without any prefix inside its region).
#[derive(Debug)]
pub(crate) struct ShortCode {
    pub region: &'static str,
    pub code: String,
}

impl ShortCode {
    /// The selector value: `+CC` and the code, unique across regions though not diallable
    /// from abroad.
    pub fn value(&self) -> String {
        format!(
            "+{}{}",
            region::country_code(self.region).unwrap_or(0),
            self.code
        )
    }
}

#[derive(Debug, Default)]
pub(crate) struct Hotlines {
    /// Full numbers, E.164.
    pub full: HashSet<String>,
    pub short: Vec<ShortCode>,
}

/// Parse the data file; `Err` names the first bad entry. The committed file is checked by a
/// test, so at run time a failure can only come from a broken build.
pub(crate) fn parse(data: &str) -> Result<Hotlines, String> {
    let file: File = toml::from_str(data).map_err(|e| e.to_string())?;
    let mut out = Hotlines::default();
    for e in file.hotline {
        let Some(r) = region::sea(&e.region) else {
            return Err(format!("{}: unknown region {}", e.number, e.region));
        };
        let digits: String = e.number.chars().filter(char::is_ascii_digit).collect();
        if e.number.starts_with('+') {
            let n = phonenumber::parse(None, &e.number)
                .map_err(|err| format!("{}: {err}", e.number))?;
            out.full
                .insert(format!("+{}{}", n.code().value(), n.national()));
        } else if (3..=6).contains(&digits.len()) && digits.len() == e.number.len() {
            out.short.push(ShortCode {
                region: r,
                code: digits,
            });
        } else {
            let id = region::id(r).ok_or_else(|| format!("{}: no metadata for {r}", e.number))?;
            let n = phonenumber::parse(Some(id), &digits)
                .map_err(|err| format!("{}: {err}", e.number))?;
            out.full
                .insert(format!("+{}{}", n.code().value(), n.national()));
        }
    }
    Ok(out)
}

pub(crate) static HOTLINES: LazyLock<Hotlines> = LazyLock::new(|| parse(DATA).unwrap_or_default());

/// Whether an E.164 number is a listed hotline.
pub(crate) fn is_listed(e164: &str) -> bool {
    HOTLINES.full.contains(e164)
}

/// Listed short codes equal to `digits`.
pub(crate) fn short_codes(digits: &str) -> impl Iterator<Item = &'static ShortCode> {
    HOTLINES.short.iter().filter(move |s| s.code == digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_file_parses_and_every_full_number_is_valid() {
        let h = parse(DATA).expect("data/hotlines.toml parses");
        assert!(h.short.len() >= 10, "{:?}", h.short);
        assert!(h.full.len() >= 3);
        for n in &h.full {
            // Valid for the extractor itself, and a hotline wherever it appears.
            let sels = crate::extract(&format!("call {n}"), &crate::Context::default());
            let s = sels
                .iter()
                .find(|s| s.kind == crate::Kind::Phone && s.value == *n);
            let s = s.unwrap_or_else(|| panic!("{n} not extracted: {sels:?}"));
            assert!(s.valid && s.role == crate::Role::Hotline, "{s:?}");
        }
        // Every entry names a source.
        let file: File = toml::from_str(DATA).unwrap();
        for e in &file.hotline {
            assert!(e.source.starts_with("http"), "{} has no source", e.number);
            assert!(!e.name.is_empty());
        }
    }

    #[test]
    fn bad_entries_are_reported() {
        let bad = "[[hotline]]\nregion = \"XX\"\nnumber = \"117\"\nname = \"n\"\nsource = \"s\"\n";
        assert!(parse(bad).unwrap_err().contains("unknown region"));
        let bad = "[[hotline]]\nregion = \"TH\"\nnumber = \"+\"\nname = \"n\"\nsource = \"s\"\n";
        assert!(parse(bad).is_err());
    }
}
