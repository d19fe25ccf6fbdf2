//! Numbering-plan validity from libphonenumber's metadata (as shipped in the `phonenumber`
//! crate), with each region's patterns compiled once here: eagerly for the Southeast Asian
//! regions, on first use for every other one.
//!
//! Why not `PhoneNumber::is_valid`: the crate keeps every metadata regex in one LRU cache of
//! 100 entries behind a global mutex. Validating across regions evicts and recompiles regexes on
//! nearly every call (profiling showed regex compilation as the top cost, under 1 MB/s on SMS
//! text, and a minute per megabyte of foreign numbers), and the mutex serialises parallel scans.
//! The rule itself is the crate's (`validator::number_type != Unknown`): the general descriptor
//! and one of the specific descriptors (fixed line, mobile, toll free, premium, shared cost,
//! VoIP, personal, pager, UAN, voicemail) must match, each after its possible-length check. One
//! difference, on purpose: patterns must match the whole national number, as in libphonenumber's
//! `matchesEntirely`, where the crate accepts a match at the start only (see the test below).

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use phonenumber::country::Id;
use phonenumber::metadata::{DATABASE, Descriptor, Descriptors, Metadata};
use regex::{Regex, RegexBuilder};

use crate::region::SEA_REGIONS;

/// A descriptor's pattern, anchored at both ends.
///
/// Numbers reach it as ASCII digits, so it is compiled with ASCII classes (`\d` = `[0-9]`): the
/// Unicode form of the same pattern compiles ~10x slower (every script's digits), and the plans
/// of foreign calling codes are compiled in the middle of a scan. On ASCII text both forms match
/// alike; any other text goes to the Unicode form, compiled on first need.
struct Desc {
    lengths: Vec<u16>,
    ascii: Regex,
    source: String,
    unicode: OnceLock<Option<Regex>>,
}

fn desc_regex(source: &str, unicode: bool) -> Option<Regex> {
    RegexBuilder::new(source)
        .ignore_whitespace(true)
        .unicode(unicode)
        .build()
        .ok()
}

impl Desc {
    fn new(d: &Descriptor) -> Option<Desc> {
        let source = format!("^(?:{})$", d.national_number().as_str());
        let unicode = OnceLock::new();
        // A pattern the ASCII form cannot express (one that could match non-UTF-8 bytes) takes
        // the Unicode form for all text.
        let ascii = match desc_regex(&source, false) {
            Some(re) => re,
            None => {
                let re = desc_regex(&source, true)?;
                let _ = unicode.set(Some(re.clone()));
                re
            }
        };
        Some(Desc {
            lengths: d.possible_length().to_vec(),
            ascii,
            source,
            unicode,
        })
    }

    fn is_match(&self, national: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(national.len() as u16)))
            && if national.is_ascii() {
                self.ascii.is_match(national)
            } else {
                self.unicode
                    .get_or_init(|| desc_regex(&self.source, true))
                    .as_ref()
                    .is_some_and(|re| re.is_match(national))
            }
    }
}

/// One region's numbering plan.
pub(crate) struct Plan {
    /// ISO region (`001` for non-geographic codes).
    pub region: String,
    pub code: u16,
    /// The national (trunk) prefix, `0` in every SEA region.
    trunk: Option<String>,
    general: Desc,
    types: Vec<Desc>,
}

/// Every number type of a region's plan (fixed line, mobile, toll free …): a number is valid when
/// it fits the general pattern and one of these.
fn number_types(d: &Descriptors) -> [Option<&Descriptor>; 10] {
    [
        d.premium_rate(),
        d.toll_free(),
        d.shared_cost(),
        d.voip(),
        d.personal_number(),
        d.pager(),
        d.uan(),
        d.voicemail(),
        d.fixed_line(),
        d.mobile(),
    ]
}

impl Plan {
    fn new(meta: &Metadata) -> Option<Plan> {
        let d = meta.descriptors();
        Some(Plan {
            region: meta.id().to_string(),
            code: meta.country_code(),
            trunk: meta.national_prefix().map(str::to_string),
            general: Desc::new(d.general())?,
            types: number_types(d)
                .into_iter()
                .flatten()
                .filter_map(Desc::new)
                .collect(),
        })
    }

    /// Whether a national significant number is valid in this plan.
    pub fn is_valid(&self, national: &str) -> bool {
        self.general.is_match(national) && self.types.iter().any(|d| d.is_match(national))
    }

    /// The national significant number of digits dialled inside the region: without the trunk
    /// prefix, as libphonenumber strips it.
    pub fn national<'a>(&self, digits: &'a str) -> &'a str {
        self.trunk
            .as_deref()
            .and_then(|t| digits.strip_prefix(t))
            .unwrap_or(digits)
    }
}

/// The SEA plans, compiled eagerly, in [`SEA_REGIONS`] order.
static SEA: LazyLock<Vec<(Id, Plan)>> = LazyLock::new(|| {
    SEA_REGIONS
        .iter()
        .filter_map(|&(region, _, _)| {
            Some((region.parse().ok()?, Plan::new(DATABASE.by_id(region)?)?))
        })
        .collect()
});

/// A region of a calling code and its plan, compiled on first use.
type Cell = (String, OnceLock<Option<Plan>>);

/// Every calling code's regions, main region first.
struct Index {
    by_code: HashMap<u16, Vec<Cell>>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut by_code = HashMap::new();
    for code in 1..1000u16 {
        if let Some(metas) = DATABASE.by_code(&code) {
            let cells = metas
                .iter()
                .map(|m| (m.id().to_string(), OnceLock::new()))
                .collect();
            by_code.insert(code, cells);
        }
    }
    Index { by_code }
});

fn compiled(code: u16, index: usize) -> Option<&'static Plan> {
    let (_, cell) = INDEX.by_code.get(&code)?.get(index)?;
    cell.get_or_init(|| Plan::new(DATABASE.by_code(&code)?.get(index)?))
        .as_ref()
}

/// The plan of a region.
pub(crate) fn for_id(id: Id) -> Option<&'static Plan> {
    if let Some((_, p)) = SEA.iter().find(|(i, _)| *i == id) {
        return Some(p);
    }
    let region = id.as_ref();
    let code = DATABASE.by_id(region)?.country_code();
    let index = INDEX
        .by_code
        .get(&code)?
        .iter()
        .position(|(r, _)| r == region)?;
    compiled(code, index)
}

/// Split a calling code off digits written internationally (calling codes are prefix-free).
pub(crate) fn split_code(digits: &str) -> Option<(u16, &str)> {
    (1..=3).filter(|&n| n < digits.len()).find_map(|n| {
        let code: u16 = digits[..n].parse().ok()?;
        INDEX
            .by_code
            .contains_key(&code)
            .then(|| (code, &digits[n..]))
    })
}

/// The plan a national number belongs to under a calling code: the first region of the code
/// where it is valid, else the code's main region. The flag says whether it is valid.
pub(crate) fn for_number(code: u16, national: &str) -> Option<(&'static Plan, bool)> {
    if let Some((_, p)) = SEA.iter().find(|(_, p)| p.code == code) {
        return Some((p, p.is_valid(national)));
    }
    let n = INDEX.by_code.get(&code)?.len();
    (0..n)
        .filter_map(|i| compiled(code, i))
        .find(|p| p.is_valid(national))
        .map(|p| (p, true))
        .or_else(|| compiled(code, 0).map(|p| (p, false)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sea_region_has_a_plan() {
        assert_eq!(SEA.len(), SEA_REGIONS.len());
        for (_, p) in SEA.iter() {
            assert!(p.types.len() >= 2, "{}", p.region);
            assert_eq!(p.trunk.as_deref(), Some("0"), "{}", p.region);
        }
    }

    /// The ASCII form of every descriptor of every region compiles when the Unicode form does, and
    /// both give the same verdict on digit strings (each region's example numbers, cut and
    /// extended, and pseudo-random ones).
    #[test]
    fn ascii_patterns_match_like_unicode_ones() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut compared = 0;
        for code in 1..1000u16 {
            for meta in DATABASE.by_code(&code).unwrap_or_default() {
                let d = meta.descriptors();
                for desc in std::iter::once(Some(d.general()))
                    .chain(number_types(d))
                    .flatten()
                {
                    let source = format!("^(?:{})$", desc.national_number().as_str());
                    let Some(uni) = desc_regex(&source, true) else {
                        assert!(Desc::new(desc).is_none(), "{source}");
                        continue;
                    };
                    let ours = Desc::new(desc).expect("compiles when the Unicode form does");
                    let mut samples: Vec<String> = Vec::new();
                    if let Some(ex) = desc.example() {
                        for cut in 0..ex.len() {
                            samples.push(ex[..ex.len() - cut].to_string());
                        }
                        samples.push(format!("{ex}0"));
                    }
                    for _ in 0..20 {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        let len = 4 + (x % 12) as usize;
                        samples.push(format!("{:020}", x >> 4)[20 - len..].to_string());
                    }
                    for n in &samples {
                        assert_eq!(ours.ascii.is_match(n), uni.is_match(n), "{source} on {n}");
                        compared += 1;
                    }
                    // Non-ASCII digits take the Unicode form.
                    let thai = "๐๘๑๒๓๔๕๖๗๘";
                    let lengths_ok =
                        ours.lengths.is_empty() || ours.lengths.contains(&(thai.len() as u16));
                    assert_eq!(ours.is_match(thai), lengths_ok && uni.is_match(thai));
                }
            }
        }
        assert!(compared > 10_000, "{compared} comparisons");
    }

    #[test]
    fn other_regions_compile_on_demand() {
        let (code, national) = split_code("442079460000").unwrap();
        assert_eq!((code, national), (44, "2079460000"));
        let (plan, valid) = for_number(code, national).unwrap();
        assert!(valid && plan.region == "GB");
        assert_eq!(split_code("9"), None);
        assert!(for_id("US".parse().unwrap()).is_some());
    }

    /// Never more lenient than the crate. Where the crate accepts and we do not, its verdict
    /// rests on a pattern matching only the start of the number (its `is_match` does not anchor
    /// the end, and this metadata often has no possible lengths to stop it).
    #[test]
    fn agrees_with_the_crate() {
        let starts: Vec<Vec<Regex>> = SEA
            .iter()
            .map(|(_, p)| {
                let d = DATABASE.by_id(p.region.as_str()).unwrap().descriptors();
                number_types(d)
                    .into_iter()
                    .flatten()
                    .map(|x| {
                        let src = format!("^(?:{})", x.national_number().as_str());
                        RegexBuilder::new(&src)
                            .ignore_whitespace(true)
                            .build()
                            .unwrap()
                    })
                    .collect()
            })
            .collect();
        let prefix_only = |plan: usize, national: &str| {
            starts[plan]
                .iter()
                .any(|re| re.find(national).is_some_and(|m| m.end() < national.len()))
        };
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let (mut checked, mut both) = (0, 0);
        for (pi, (_, p)) in SEA.iter().enumerate() {
            for _ in 0..600 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let len = 7 + (x % 6) as usize;
                let national: String = format!("{:020}", x >> 4)[20 - len..]
                    .trim_start_matches('0')
                    .to_string();
                if national.len() < 6 {
                    continue;
                }
                let Ok(n) = phonenumber::parse(None, format!("+{}{}", p.code, national)) else {
                    continue;
                };
                let nsn = n.national().to_string();
                let (theirs, ours) = (n.is_valid(), p.is_valid(&nsn));
                assert!(
                    !ours || theirs,
                    "{} {nsn}: we accept, the crate does not",
                    p.region
                );
                if theirs && !ours {
                    assert!(
                        prefix_only(pi, &nsn),
                        "{} {nsn}: rejected without a reason",
                        p.region
                    );
                }
                checked += 1;
                both += usize::from(ours);
            }
        }
        assert!(
            checked > 3000 && both > 100,
            "{checked} checked, {both} valid for both"
        );
    }
}
