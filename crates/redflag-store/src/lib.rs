//! The redflag store: contents and their observations, assessments, findings and selectors,
//! near-duplicate templates, the link graph and its clusters — behind need-to-know access.
//!
//! Every call takes a [`Viewer`]; what it may see is decided by [`access::decide`] alone. One
//! [`Store`] trait, implemented by [`SqliteStore`] (embedded, WAL) and [`PgStore`] (PostgreSQL). See ARCHITECTURE.md.
#![warn(missing_docs)]

pub mod access;
pub mod audit;
pub mod cluster;
pub mod export;
pub mod minhash;
mod pg;
pub mod report;
pub mod sql;
mod sqlite;
mod time;
pub mod workspace;

use std::collections::BTreeMap;

use serde::Serialize;

pub use access::{Action, Mark, Role, Tlp, Viewer, decide};
pub use minhash::Signature;
pub use pg::PgStore;
pub use redflag_core::Report;
pub use sqlite::SqliteStore;
pub use time::{format_utc, now_utc, parse_rfc3339};
pub use workspace::{Retention, User, Workspace};

/// A store error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database said no.
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    /// PostgreSQL said no.
    #[error("postgres: {0}")]
    Pg(#[from] postgres::Error),
    /// The viewer may not do this.
    #[error("not allowed: {0}")]
    Denied(String),
    /// A stored value is not what the schema promises.
    #[error("corrupt store: {0}")]
    Corrupt(String),
    /// A bad argument.
    #[error("{0}")]
    Invalid(String),
}

/// Result with the store's error.
pub type Result<T> = std::result::Result<T, Error>;

/// The SHA-256 (hex) of the text's NFC form: the content key. The normalised views are not hashed,
/// since they change when the normaliser improves.
pub fn content_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    use unicode_normalization::UnicodeNormalization;
    let nfc: String = text.nfc().collect();
    let d = Sha256::digest(nfc.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// One document to store: the text, where it was seen, and the engine's report on it.
#[derive(Debug, Clone)]
pub struct NewDoc {
    /// The source (platform, URL, channel or file).
    pub source: String,
    /// The source's own id for it, when it gives one: the idempotency key with the org.
    pub source_id: Option<String>,
    /// When it was observed, RFC 3339 in UTC (None: now).
    pub observed_at: Option<String>,
    /// The source's UTC offset in minutes, kept beside the UTC time (Myanmar is +390).
    pub utc_offset_min: Option<i32>,
    /// `job_ad`, `message`, `post`, `report`.
    pub kind: Option<String>,
    /// The original text.
    pub text: String,
    /// The engine's report on it.
    pub report: Report,
    /// Its marking.
    pub tlp: Tlp,
    /// Its MinHash signature ([`Signature::of`] the text).
    pub signature: Signature,
    /// The packs' versions that made the report (kept with the assessments).
    pub engine: std::sync::Arc<str>,
}

impl NewDoc {
    /// The marking a document gets: the one asked for (default AMBER), raised to RED when the
    /// distress assessment is flagged — a rescue plea stays with the organisation's analysts.
    pub fn marking(asked: Option<Tlp>, report: &Report) -> Tlp {
        let tlp = asked.unwrap_or(Tlp::Amber);
        if report.distress.assessment.band.is_flagged() {
            Tlp::Red
        } else {
            tlp
        }
    }
}

/// What one ingest batch did (all of it committed, or none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IngestOutcome {
    /// Documents whose observation is new.
    pub stored: u64,
    /// Of those, contents not seen before by anyone.
    pub new_contents: u64,
    /// Documents already stored for this org (same source id, or same content without one).
    pub already_stored: u64,
}

impl std::ops::AddAssign for IngestOutcome {
    fn add_assign(&mut self, o: IngestOutcome) {
        self.stored += o.stored;
        self.new_contents += o.new_contents;
        self.already_stored += o.already_stored;
    }
}

/// An observation as a viewer may see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservationView {
    /// Organisation.
    pub org: String,
    /// Source.
    pub source: String,
    /// Source id.
    pub source_id: Option<String>,
    /// When (UTC).
    pub observed_at: String,
    /// Marking.
    pub tlp: Tlp,
}

/// A selector occurrence as a viewer may see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelectorView {
    /// Kind.
    pub kind: String,
    /// Canonical value.
    pub value: String,
    /// The text it came from.
    pub raw: String,
    /// contact, victim, hotline.
    pub role: String,
    /// Validated.
    pub valid: bool,
    /// extracted, validated, corroborated, confirmed, rejected.
    pub state: String,
    /// Why it links nothing, if it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unlinked_because: Option<String>,
    /// The watchlists (readable by the viewer) that name it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub watchlists: Vec<String>,
}

/// A stored document as a viewer may see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocView {
    /// Content id.
    pub id: i64,
    /// Content hash.
    pub hash: String,
    /// Language.
    pub lang: String,
    /// The original text.
    pub text: String,
    /// Bands per task (lure, scam, distress).
    pub bands: BTreeMap<String, String>,
    /// The visible observations.
    pub observations: Vec<ObservationView>,
    /// The visible selectors.
    pub selectors: Vec<SelectorView>,
    /// The viewer's cluster it belongs to (named by its smallest visible document id), if any.
    pub cluster: Option<i64>,
}

/// Counts a viewer may see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Contents with at least one visible observation.
    pub contents: u64,
    /// Visible observations.
    pub observations: u64,
}

/// A near-duplicate template family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Family {
    /// Member content ids, ascending.
    pub members: Vec<i64>,
    /// The lowest estimated similarity of the pairs that joined it.
    pub min_similarity: f64,
    /// The first member's text, shortened.
    pub sample: String,
}

/// A stored finding: one reason a task scored, with its span in the original text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingView {
    /// `lure`, `scam` or `distress`.
    pub task: String,
    /// The rule (or `classifier`, or a watchlist's rule).
    pub rule: String,
    /// Its category.
    pub category: String,
    /// Start, in characters of the original text.
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
    /// Its weight in the score.
    pub weight: f64,
    /// The explanation shown to people.
    pub explain: String,
}

/// Where a selector occurs in a document (character offsets into the original text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelectorSpan {
    /// Start, in characters.
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
    /// Kind.
    pub kind: String,
    /// `contact`, `victim` or `hotline`.
    pub role: String,
}

/// Why a document scored, and where its selectors are: what a case report highlights. The spans
/// of victims' selectors are given (without their values) so that a report can withhold them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reasons {
    /// The findings of every task, in order of their start.
    pub findings: Vec<FindingView>,
    /// Every selector occurrence, in order of its start.
    pub selectors: Vec<SelectorSpan>,
}

/// An analyst's verdict on a selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// It is what it seems (a recruiter's, a scam's).
    Confirmed,
    /// A false extraction or a wrong reading: it links nothing.
    Rejected,
    /// Allow-listed (a platform's own support line, an embassy): never links, never raises.
    Allow,
}

impl Verdict {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Confirmed => "confirmed",
            Verdict::Rejected => "rejected",
            Verdict::Allow => "allow",
        }
    }
}

impl std::str::FromStr for Verdict {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Verdict, String> {
        match s {
            "confirmed" | "confirm" => Ok(Verdict::Confirmed),
            "rejected" | "reject" => Ok(Verdict::Rejected),
            "allow" | "allowed" => Ok(Verdict::Allow),
            _ => Err(format!(
                "unknown verdict {s:?} (confirmed, rejected, allow)"
            )),
        }
    }
}

/// One selector key to search for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SelectorKey {
    /// Kind (`phone`, `telegram`, …).
    pub kind: String,
    /// Canonical value.
    pub value: String,
}

/// A list of known selectors, with where it comes from.
#[derive(Debug, Clone)]
pub struct Watchlist {
    /// Unique name (shown as the reason wherever an entry appears).
    pub name: String,
    /// Where the list comes from (URL, publisher, snapshot).
    pub source: String,
    /// Its licence.
    pub licence: String,
    /// An allow-list (a platform's support line, an embassy): its entries never link.
    pub allow: bool,
    /// Who may see that the list names a selector.
    pub tlp: Tlp,
    /// The entries, canonical.
    pub entries: Vec<SelectorKey>,
}

/// Refuse unless [`decide`] lets the viewer do `action` on its own organisation's data marked
/// `tlp`; the error says what the viewer's role may not do.
pub(crate) fn require(
    viewer: &Viewer,
    action: Action,
    tlp: Tlp,
    what: impl FnOnce() -> String,
) -> Result<()> {
    let mark = Mark {
        org: &viewer.org,
        tlp,
    };
    if decide(viewer, action, mark) {
        Ok(())
    } else {
        Err(Error::Denied(format!(
            "a {} may not {}",
            viewer.role.as_str(),
            what()
        )))
    }
}

/// The documents `find` returns: of the contents hit (content → whether every occurrence there is
/// a victim's), those with visible observations (`vis`), leaving out a content found only through a
/// victim's selector unless the viewer may read victims' selectors there; in id order.
pub(crate) fn found_documents(
    viewer: &Viewer,
    hits: BTreeMap<i64, bool>,
    mut vis: std::collections::HashMap<i64, Vec<ObservationView>>,
    mut doc_view: impl FnMut(i64, Vec<ObservationView>) -> Result<Option<DocView>>,
) -> Result<Vec<DocView>> {
    let mut out = Vec::new();
    for (id, victim_only) in hits {
        let Some(obs) = vis.remove(&id) else { continue };
        if victim_only && !SqliteStore::victim_ok(viewer, &obs) {
            continue;
        }
        if let Some(d) = doc_view(id, obs)? {
            out.push(d);
        }
    }
    Ok(out)
}

/// Template families from the near-duplicate pairs among `ids` (indices into it, as
/// [`minhash::similar_pairs`] gives them), largest first, each with its lowest pair similarity and
/// the start of its first member's text (`text_of`).
pub(crate) fn families(
    ids: &[i64],
    pairs: &[(usize, usize, f64)],
    mut text_of: impl FnMut(i64) -> Result<String>,
) -> Result<Vec<Family>> {
    let mut uf = cluster::UnionFind::new(ids.len());
    for &(i, j, _) in pairs {
        uf.union(i as u32, j as u32);
    }
    let mut min_sim: std::collections::HashMap<u32, f64> = std::collections::HashMap::new();
    for &(i, _, s) in pairs {
        let r = uf.find(i as u32);
        let e = min_sim.entry(r).or_insert(1.0);
        *e = e.min(s);
    }
    let comps = cluster::components(
        ids.len(),
        pairs.iter().map(|&(i, j, _)| (i as u32, j as u32)),
    );
    let mut out = Vec::new();
    for c in comps {
        let r = uf.find(c[0]);
        let members: Vec<i64> = c.iter().map(|&i| ids[i as usize]).collect();
        let text = text_of(members[0])?;
        out.push(Family {
            min_similarity: min_sim.get(&r).copied().unwrap_or(1.0),
            sample: text.chars().take(100).collect(),
            members,
        });
    }
    Ok(out)
}

/// One watchlist entry as both backends read it: (list name, source, owner org, marking, allow,
/// kind, value).
pub(crate) type WatchRow = (String, String, String, String, bool, String, String);

/// The SQL both backends read watchlist entries with (no parameters).
pub(crate) const WATCHLIST_ROWS: &str =
    "SELECT w.name, w.source, w.org, w.tlp, w.allow, e.kind, e.value FROM watchlists w
     JOIN watchlist_entries e ON e.watchlist_id = w.id ORDER BY w.name, e.kind, e.value";

/// The lists among `rows` that the viewer may read, as the engine's look-up set.
pub(crate) fn readable_watchlists(
    viewer: &Viewer,
    rows: impl IntoIterator<Item = WatchRow>,
) -> Result<redflag_core::Watchlists> {
    let mut out = redflag_core::Watchlists::new();
    for (name, source, org, tlp, allow, kind, value) in rows {
        let tlp: Tlp = tlp
            .parse()
            .map_err(|e| Error::Corrupt(format!("watchlist {name}: {e}")))?;
        if !decide(viewer, Action::Read, Mark { org: &org, tlp }) {
            continue;
        }
        if allow {
            out.allow([(kind, value)]);
        } else {
            out.add_list(&name, &source, [(kind, value)]);
        }
    }
    Ok(out)
}

/// The storage interface. Every method takes the viewer; nothing returned depends on data the
/// viewer may not read.
pub trait Store {
    /// Store a batch in one transaction: all of it is committed when this returns `Ok`, none of it
    /// otherwise. Observations belong to the viewer's organisation.
    fn ingest(&mut self, viewer: &Viewer, docs: &[NewDoc]) -> Result<IngestOutcome>;
    /// Counts the viewer may see.
    fn stats(&self, viewer: &Viewer) -> Result<Stats>;
    /// A document, if the viewer may read it.
    fn document(&self, viewer: &Viewer, id: i64) -> Result<Option<DocView>>;
    /// The findings and selector spans of a document, if the viewer may read it.
    fn reasons(&self, viewer: &Viewer, id: i64) -> Result<Option<Reasons>>;
    /// Documents carrying any of the selectors.
    fn find(&self, viewer: &Viewer, keys: &[SelectorKey]) -> Result<Vec<DocView>>;
    /// Near-duplicate template families among the visible documents (two members or more).
    fn dups(&self, viewer: &Viewer, threshold: f64) -> Result<Vec<Family>>;
    /// Record a verdict on a selector (it takes effect at the next `cluster`).
    fn judge(
        &mut self,
        viewer: &Viewer,
        key: &SelectorKey,
        verdict: Verdict,
        note: Option<&str>,
    ) -> Result<bool>;
    /// Update links and clusters; incremental unless something forces a rebuild.
    fn cluster(&mut self, viewer: &Viewer, settings: &cluster::Settings) -> Result<cluster::Run>;
    /// The viewer's clusters (largest first), with the largest one's share of visible documents.
    fn clusters(&self, viewer: &Viewer) -> Result<cluster::Overview>;
    /// One of the viewer's clusters, by any member id.
    fn show_cluster(&self, viewer: &Viewer, id: i64) -> Result<Option<cluster::ClusterView>>;
    /// The watchlists and allow-lists the viewer may read, for the engine to look selectors up in
    /// (a watch-listed selector raises the scam score at ingest).
    fn watchlists(&self, viewer: &Viewer) -> Result<redflag_core::Watchlists>;
    /// Add (or replace) a watchlist of the viewer's organisation; returns the entries stored.
    fn add_watchlist(&mut self, viewer: &Viewer, list: &Watchlist) -> Result<u64>;
    /// Problems found by the backend's consistency checks (empty: consistent).
    fn check(&self) -> Result<Vec<String>>;
    /// Run `f` in one transaction over the backend's SQL (the [`Workspace`] operations use it);
    /// committed when `f` returns `Ok`.
    #[doc(hidden)]
    fn sql_tx(&mut self, f: &mut dyn FnMut(&mut dyn sql::Sql) -> Result<()>) -> Result<()>;
    /// Documents the viewer may read among `ids`, in that order, as [`Store::document`] gives them
    /// but without their cluster (`cluster` is None): for walking many documents (an export)
    /// without computing a component for each.
    fn documents(&self, viewer: &Viewer, ids: &[i64]) -> Result<Vec<DocView>>;
    /// The ids of every document the viewer may read, ascending (what an export of the whole
    /// store walks through [`Store::document`]).
    fn document_ids(&self, viewer: &Viewer) -> Result<Vec<i64>>;
}
