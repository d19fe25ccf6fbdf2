//! Regions: the Southeast Asian countries redflag works in, their country codes, and the
//! evidence that gives a local phone number (one without a country code) its region.

use std::sync::LazyLock;

use phonenumber::country::Id;

/// The regions whose local number formats are read without a country code, with their
/// calling codes and the languages that hint at them. `zh` hints at China although Chinese
/// ads for Cambodian or Burmese compounds use local numbers of those countries too: a hint
/// is only evidence, combined with place names and other numbers in the text.
pub const SEA_REGIONS: &[(&str, u16, &[&str])] = &[
    ("MM", 95, &["my"]),
    ("KH", 855, &["km"]),
    ("LA", 856, &["lo"]),
    ("TH", 66, &["th"]),
    ("VN", 84, &["vi"]),
    ("ID", 62, &["id"]),
    ("MY", 60, &["ms"]),
    ("PH", 63, &["tl", "fil"]),
    ("CN", 86, &["zh"]),
];

const NAMES: &[(&str, &str)] = &[
    ("MM", "Myanmar"),
    ("KH", "Cambodia"),
    ("LA", "Laos"),
    ("TH", "Thailand"),
    ("VN", "Vietnam"),
    ("ID", "Indonesia"),
    ("MY", "Malaysia"),
    ("PH", "Philippines"),
    ("CN", "China"),
];

/// The SEA region for an ISO code, as a static string.
pub(crate) fn sea(code: &str) -> Option<&'static str> {
    SEA_REGIONS
        .iter()
        .find(|(r, _, _)| r.eq_ignore_ascii_case(code))
        .map(|(r, _, _)| *r)
}

/// The calling code of a SEA region.
pub(crate) fn country_code(region: &str) -> Option<u16> {
    SEA_REGIONS
        .iter()
        .find(|(r, _, _)| *r == region)
        .map(|(_, c, _)| *c)
}

/// The English name of a SEA region (also a place label, so it round-trips).
pub(crate) fn english_name(region: &str) -> Option<&'static str> {
    NAMES.iter().find(|(r, _)| *r == region).map(|(_, n)| *n)
}

/// The region a language code hints at.
pub(crate) fn for_lang(lang: &str) -> Option<&'static str> {
    let lang = lang.split(['-', '_']).next().unwrap_or(lang);
    SEA_REGIONS
        .iter()
        .find(|(_, _, langs)| langs.iter().any(|l| l.eq_ignore_ascii_case(lang)))
        .map(|(r, _, _)| *r)
}

/// The `phonenumber` id of a region code (SEA codes from a table: parsing the enum name
/// compares against every region).
pub(crate) fn id(region: &str) -> Option<Id> {
    match SEA_REGIONS.iter().position(|(r, _, _)| *r == region) {
        Some(i) => SEA_IDS.get(i).copied(),
        None => region.parse().ok(),
    }
}

/// An ordered, duplicate-free list of plausible regions.
#[derive(Debug, Default, Clone)]
pub(crate) struct Regions(Vec<Id>);

impl Regions {
    pub fn add(&mut self, r: Id) {
        if !self.0.contains(&r) {
            self.0.push(r);
        }
    }
    pub fn add_code(&mut self, code: &str) {
        if let Some(r) = id(code) {
            self.add(r);
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = Id> + '_ {
        self.0.iter().copied()
    }
    pub fn contains(&self, r: Id) -> bool {
        self.0.contains(&r)
    }
}

/// The ISO code of a region id.
pub(crate) fn code(id: Id) -> String {
    format!("{id:?}")
}

/// The `phonenumber` ids of [`SEA_REGIONS`], in order.
pub(crate) static SEA_IDS: LazyLock<Vec<Id>> = LazyLock::new(|| {
    SEA_REGIONS
        .iter()
        .filter_map(|(r, _, _)| r.parse().ok())
        .collect()
});

/// The calling code of any region, from the metadata.
pub(crate) fn calling_code(id: Id) -> Option<u16> {
    phonenumber::metadata::DATABASE
        .by_id(id.as_ref())
        .map(|m| m.country_code())
}
