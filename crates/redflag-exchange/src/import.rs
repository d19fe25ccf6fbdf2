//! Reading a partner's file back into the store.
//!
//! A reader ([`crate::stix::parse`], [`crate::misp::parse`]) checks the whole file first and turns
//! it into an [`Imported`]: documents (texts redflag exported, with their marking) and selectors.
//! [`apply`] then assesses every text with the engine (as `ingest` does; a flagged distress
//! assessment raises the marking to RED), canonicalises the selectors, and writes: the documents in
//! one `ingest` transaction, and the selectors no imported text carries as one watchlist named
//! after the file's bundle or event (a partner's indicators are known selectors with a source, which
//! is what a watchlist is). Both writes are idempotent: importing the same file twice stores
//! nothing twice.
use std::collections::BTreeSet;
use std::sync::Arc;

use redflag_core::{Document, Engine, Lang};
use redflag_store::{IngestOutcome, NewDoc, SelectorKey, Signature, Store, Tlp, Viewer, Watchlist};

use crate::Result;

/// A document read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportDoc {
    /// Its id in the file (report or event-report id): the source id, so a re-import is idempotent.
    pub key: String,
    /// The text.
    pub text: String,
    /// Its language, if the file says.
    pub lang: Option<String>,
    /// Where it was first seen, as the file says.
    pub source: String,
    /// When (RFC 3339), as the file says.
    pub observed_at: Option<String>,
    /// Its marking in the file.
    pub tlp: Tlp,
}

/// A selector read from a file, as written there.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSelector {
    /// The kind it was given as (`phone`, `telegram`, …, or `wallet` when the chain is not said).
    pub kind: String,
    /// The value as written.
    pub value: String,
    /// Its marking in the file.
    pub tlp: Tlp,
}

/// What a file holds, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Imported {
    /// The bundle or event it came from (`stix:bundle--…`, `misp:<uuid>`): the watchlist's name.
    pub origin: String,
    /// Documents.
    pub docs: Vec<ImportDoc>,
    /// Selectors.
    pub selectors: Vec<ImportSelector>,
    /// Objects or attributes that were not read, and why (reported, not fatal).
    pub not_read: Vec<String>,
}

/// What an import stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// The documents' ingest.
    pub documents: IngestOutcome,
    /// The watchlist of the selectors no imported text carries: (name, entries stored).
    pub watchlist: Option<(String, u64)>,
    /// Selectors that could not be read as any kind redflag knows.
    pub unrecognised: Vec<String>,
    /// What the reader did not read.
    pub not_read: Vec<String>,
}

/// The packs' versions, kept with the assessments (as `ingest` keeps them).
fn engine_version(engine: &Engine) -> Arc<str> {
    let v: Vec<String> = engine
        .packs()
        .iter()
        .map(|p| format!("{}@{}", p.id, p.version))
        .collect();
    Arc::from(format!("{} (imported)", v.join(",")))
}

const HANDLE_KINDS: [&str; 6] = ["telegram", "whatsapp", "line", "wechat", "signal", "zalo"];

/// The canonical selector for a value given as `kind`, read by the engine's selector extraction
/// (so an imported number or wallet is keyed exactly as an ingested one). Handles are taken as
/// written (lower-case, without `@`) when the engine reads no handle from them alone.
pub fn canonical(engine: &Engine, kind: &str, value: &str) -> Option<SelectorKey> {
    let probe = match kind {
        "telegram" => format!("t.me/{}", value.trim_start_matches('@')),
        _ => value.to_string(),
    };
    let report = engine.analyze(&Document::new("import", &probe));
    let wanted = |k: &str| match kind {
        "wallet" => matches!(k, "btc" | "eth" | "tron"),
        // A messaging account given by its number is keyed as the number's account.
        "whatsapp" | "signal" | "zalo" => k == kind || k == "phone",
        _ => k == kind,
    };
    if let Some(s) = report
        .selectors
        .iter()
        .find(|s| s.valid && wanted(s.kind.as_str()))
    {
        let k = if s.kind.as_str() == "phone" && kind != "phone" {
            kind
        } else {
            s.kind.as_str()
        };
        return Some(SelectorKey {
            kind: k.to_string(),
            value: s.value.clone(),
        });
    }
    HANDLE_KINDS.contains(&kind).then(|| SelectorKey {
        kind: kind.to_string(),
        value: value.trim().trim_start_matches('@').to_lowercase(),
    })
}

/// Assess, canonicalise and store what a file holds (see the module documentation). Everything is
/// prepared before the first write; `file` is named in the watchlist's source.
pub fn apply(
    store: &mut dyn Store,
    viewer: &Viewer,
    engine: &Engine,
    imported: &Imported,
    file: &str,
) -> Result<Outcome> {
    let version = engine_version(engine);
    let mut docs = Vec::with_capacity(imported.docs.len());
    let mut carried: BTreeSet<(String, String)> = BTreeSet::new();
    for d in &imported.docs {
        let report = engine.analyze(&Document {
            id: d.key.clone(),
            text: &d.text,
            lang: d.lang.as_deref().and_then(Lang::from_code),
            kind: None,
        });
        for s in &report.selectors {
            carried.insert((s.kind.as_str().to_string(), s.value.clone()));
        }
        let observed = d
            .observed_at
            .as_deref()
            .and_then(redflag_store::parse_rfc3339);
        docs.push(NewDoc {
            source: d.source.clone(),
            source_id: Some(d.key.clone()),
            observed_at: observed.as_ref().map(|o| o.0.clone()),
            utc_offset_min: observed.as_ref().map(|o| o.1),
            kind: None,
            tlp: NewDoc::marking(Some(d.tlp), &report),
            signature: Signature::of(&d.text),
            text: d.text.clone(),
            report,
            engine: version.clone(),
        });
    }
    let mut entries: Vec<SelectorKey> = Vec::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut unrecognised = Vec::new();
    let mut list_tlp = Tlp::Clear;
    for s in &imported.selectors {
        let Some(k) = canonical(engine, &s.kind, &s.value) else {
            unrecognised.push(format!("{} {:?}", s.kind, s.value));
            continue;
        };
        let pair = (k.kind.clone(), k.value.clone());
        if carried.contains(&pair) || !seen.insert(pair) {
            continue;
        }
        list_tlp = list_tlp.max(s.tlp);
        entries.push(k);
    }
    let mut out = Outcome {
        unrecognised,
        not_read: imported.not_read.clone(),
        ..Outcome::default()
    };
    if !docs.is_empty() {
        out.documents = store.ingest(viewer, &docs)?;
    }
    if !entries.is_empty() {
        let list = Watchlist {
            name: imported.origin.clone(),
            source: format!("imported from {file}"),
            licence: format!("as marked: TLP:{list_tlp}"),
            allow: false,
            tlp: list_tlp,
            entries,
        };
        let n = store.add_watchlist(viewer, &list)?;
        out.watchlist = Some((list.name, n));
    }
    Ok(out)
}
