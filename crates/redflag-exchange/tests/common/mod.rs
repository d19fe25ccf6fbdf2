//! Shared helpers: a store built from real engine reports, and the Python reference tools.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use redflag_core::{Document, Engine};
use redflag_store::cluster::Settings;
use redflag_store::{NewDoc, Role, Signature, SqliteStore, Store, Tlp, Viewer};

pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in packs load"))
}

/// A document as `redflag ingest` builds it; `tlp` None means ingest's rule (AMBER, RED for a
/// flagged distress assessment).
pub fn doc(text: &str, id: &str, tlp: Option<Tlp>, at: &str) -> NewDoc {
    let report = engine().analyze(&Document::new(id, text));
    let tlp = match tlp {
        Some(t) => t,
        None => NewDoc::marking(None, &report),
    };
    NewDoc {
        source: "https://jobs.example.invalid/board".into(),
        source_id: Some(id.into()),
        observed_at: Some(at.into()),
        utc_offset_min: Some(420),
        kind: Some("job_ad".into()),
        text: text.to_string(),
        report,
        tlp,
        signature: Signature::of(text),
        engine: Arc::from("test"),
    }
}

pub fn analyst(org: &str) -> Viewer {
    Viewer::new(org, Role::Analyst)
}

/// The rescue plea's number (invented, in Thailand's mobile range): it must never leave.
pub const PLEA_PHONE: &str = "+66 89 555 0147";
pub const PLEA_PHONE_E164: &str = "+66895550147";
pub const PLEA_DIGITS: &str = "895550147";

pub const TRON: &str = "TA4Y62o6YC2Zsck9rZVGTvqW1AQ7X9zTnj";
pub const ETH: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
pub const BTC: &str = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";

/// Ads sharing selectors (one cluster), an unrelated ad, and a rescue plea (RED by ingest's rule)
/// plus the same plea marked CLEAR by mistake: the plea's number must stay home either way.
pub fn corpus() -> Vec<NewDoc> {
    vec![
        doc(
            "URGENT HIRING customer service in Sihanoukville, salary 1500 USD, free visa and flight, no experience. \
             Contact Telegram @kk_recruit_hr or WhatsApp +66 81 234 5678. Apply at https://jobs-asia.example.com/apply?ref=7",
            "a1",
            None,
            "2025-03-01T08:00:00Z",
        ),
        doc(
            "Typing job in Myawaddy, good pay 1200 USD, free flight. Contact t.me/kk_recruit_hr, e-mail hr.team@jobs-asia.example.com. \
             Deposit USDT (TRC20) to TA4Y62o6YC2Zsck9rZVGTvqW1AQ7X9zTnj for the visa fee",
            "a2",
            None,
            "2025-04-02T09:30:00Z",
        ),
        doc(
            "Online job, easy money, guaranteed profit. Pay the registration fee in ETH to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed \
             or BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa. WhatsApp +66 81 234 5678, LINE id: easyjob88",
            "a3",
            Some(Tlp::Green),
            "2025-05-03T10:00:00Z",
        ),
        doc(
            "Bakery in town needs a cashier for weekends, apply in person",
            "a4",
            None,
            "2025-05-04T10:00:00Z",
        ),
        doc(
            &format!(
                "Please help me, I am trapped in a compound in Myawaddy, they beat us and took my passport. \
                 My number is {PLEA_PHONE}, call my sister"
            ),
            "p1",
            None,
            "2025-06-01T03:00:00Z",
        ),
        doc(
            &format!(
                "Help us please, we are locked in a building near Poipet, they took our passports and hit us. \
                 Call me on {PLEA_PHONE} my telegram @trapped_worker_21"
            ),
            "p2",
            Some(Tlp::Clear),
            "2025-06-02T03:00:00Z",
        ),
    ]
}

/// A SQLite store in `dir` holding the corpus for ngo-a, clustered.
pub fn store_in(dir: &Path) -> SqliteStore {
    let mut s = SqliteStore::open(&dir.join("redflag.db")).expect("store opens");
    let v = analyst("ngo-a");
    s.ingest(&v, &corpus()).expect("ingest");
    s.cluster(&v, &Settings::default()).expect("cluster");
    s
}

/// The Python of the exchange venv that scripts/test.sh creates (bench/.venv-exchange), or
/// REDFLAG_EXCHANGE_PYTHON. None when it is missing — a failure under scripts/test.sh
/// (REDFLAG_REQUIRE_EXCHANGE_TOOLS), a loud skip otherwise.
pub fn python() -> Option<PathBuf> {
    let p = std::env::var_os("REDFLAG_EXCHANGE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/.venv-exchange/bin/python")
        });
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("REDFLAG_REQUIRE_EXCHANGE_TOOLS").is_none(),
        "the exchange venv is required (REDFLAG_REQUIRE_EXCHANGE_TOOLS) but {} is missing",
        p.display()
    );
    eprintln!(
        "SKIPPED: no exchange venv at {} (bash scripts/test.sh creates it)",
        p.display()
    );
    None
}

/// Run a Python script with the venv's interpreter; returns stdout, panics with stderr on failure.
pub fn run_python(py: &Path, script: &str, args: &[&Path]) -> String {
    let out = Command::new(py)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "python failed:\n{stdout}\n{stderr}\nscript:\n{script}"
    );
    stdout
}
