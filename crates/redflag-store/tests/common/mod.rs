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

/// A store under test: SQLite in memory, or PostgreSQL in a fresh schema dropped afterwards.
pub struct TestStore {
    inner: Box<dyn redflag_store::Store>,
    /// (url, schema) of a PostgreSQL store.
    pub pg: Option<(String, String)>,
}

impl std::ops::Deref for TestStore {
    type Target = dyn redflag_store::Store;
    fn deref(&self) -> &Self::Target {
        &*self.inner
    }
}

impl std::ops::DerefMut for TestStore {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut *self.inner
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some((url, schema)) = &self.pg {
            // Close our connection first, then drop the schema.
            self.inner = Box::new(redflag_store::SqliteStore::open_in_memory().unwrap());
            let _ = redflag_store::PgStore::drop_schema(url, schema);
        }
    }
}

/// A backend the store tests run on.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl Backend {
    /// A new, empty store.
    pub fn store(&self) -> TestStore {
        match self {
            Backend::Sqlite => TestStore {
                inner: Box::new(redflag_store::SqliteStore::open_in_memory().expect("store opens")),
                pg: None,
            },
            Backend::Postgres(url) => {
                let schema = fresh_schema();
                let _ = redflag_store::PgStore::drop_schema(url, &schema);
                let s = redflag_store::PgStore::open_in_schema(url, &schema)
                    .unwrap_or_else(|e| panic!("PostgreSQL store at {url}: {e}"));
                TestStore {
                    inner: Box::new(s),
                    pg: Some((url.clone(), schema)),
                }
            }
        }
    }
}

/// A schema name no other test (nor process) uses at the same time.
pub fn fresh_schema() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "rf_test_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The PostgreSQL URL to test against: REDFLAG_TEST_PG. When REDFLAG_REQUIRE_PG is set (as
/// scripts/test.sh does), its absence is a failure rather than a skip.
pub fn pg_url() -> Option<String> {
    match std::env::var("REDFLAG_TEST_PG") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var_os("REDFLAG_REQUIRE_PG").is_none(),
                "REDFLAG_REQUIRE_PG is set but REDFLAG_TEST_PG is not"
            );
            None
        }
    }
}

/// Every backend to run a test body on: SQLite always, PostgreSQL when REDFLAG_TEST_PG is set.
pub fn backends() -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite];
    if let Some(u) = pg_url() {
        out.push(Backend::Postgres(u));
    }
    out
}

/// Run `body` once per backend, naming the backend when it fails.
pub fn each_backend(mut body: impl FnMut(&Backend)) {
    for b in backends() {
        eprintln!("backend: {b:?}");
        body(&b);
    }
}
