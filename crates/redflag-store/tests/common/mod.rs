//! Shared helpers for the store tests: real engine reports, not hand-made ones.
#![allow(dead_code)]
use std::sync::{Arc, OnceLock};

use redflag_core::{Document, Engine};
use redflag_store::{NewDoc, Role, Signature, Tlp, Viewer};

pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in packs load"))
}

/// A document as `redflag ingest` builds it (marking as given, not raised).
pub fn doc(text: &str, source_id: Option<&str>, tlp: Tlp) -> NewDoc {
    let report = engine().analyze(&Document::new(source_id.unwrap_or("0"), text));
    NewDoc {
        source: "test".into(),
        source_id: source_id.map(str::to_string),
        observed_at: None,
        utc_offset_min: None,
        kind: Some("job_ad".into()),
        text: text.to_string(),
        report,
        tlp,
        signature: Signature::of(text),
        engine: Arc::from("test"),
    }
}

/// The same with an observation time.
pub fn doc_at(text: &str, source_id: &str, tlp: Tlp, at: &str) -> NewDoc {
    let mut d = doc(text, Some(source_id), tlp);
    d.observed_at = Some(at.to_string());
    d
}

pub fn analyst(org: &str) -> Viewer {
    Viewer::new(org, Role::Analyst)
}

pub fn reader(org: &str) -> Viewer {
    Viewer::new(org, Role::Reader)
}
