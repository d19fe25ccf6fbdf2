//! What may leave the organisation: the one place that decides it for every export format.
//!
//! An export is read through the viewer (the store's access function decides what the viewer may
//! read at all), then narrowed by [`Policy`]:
//! - observations marked above the policy's ceiling are left out (default AMBER), and TLP:RED is
//!   never exported whatever the ceiling: it is for named recipients, which a file cannot enforce;
//!   a document with no observation left is left out;
//! - victims' selectors (role `victim`, found in a rescue plea or a screening) never leave, nor does
//!   any value that is a victim's selector in any document the viewer can see, in whatever other
//!   document or kind it shows up;
//! - a text leaves only when nothing in it is a victim's selector and its distress assessment is
//!   not flagged: a rescue plea's words are the victim's personal data, whatever its marking says
//!   (another organisation reading a CLEAR plea does not see which of its numbers are the
//!   victim's, so the band decides, not the selectors alone);
//! - hotline numbers (embassies, NGOs) and selectors an analyst rejected are not indicators and are
//!   left out; unvalidated candidates are left out.
use std::collections::{BTreeMap, BTreeSet, HashSet};

use redflag_store::export::Graph;
use redflag_store::{DocView, ObservationView, SelectorKey, Store, Tlp, Viewer};

use crate::Result;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every document the viewer may read.
    All,
    /// One of the viewer's clusters (its id or any member's id).
    Cluster(i64),
}

/// How far an export may share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The most restrictive marking that may be exported. RED is never exported; asking for it
    /// means AMBER+STRICT.
    pub max_tlp: Tlp,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            max_tlp: Tlp::Amber,
        }
    }
}

impl Policy {
    /// The effective ceiling (RED is never exported).
    pub fn ceiling(&self) -> Tlp {
        self.max_tlp.min(Tlp::AmberStrict)
    }
}

/// A selector as exported: a validated contact selector that is nobody's victim selector.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedSelector {
    /// Kind (`phone`, `telegram`, …).
    pub kind: String,
    /// Canonical value.
    pub value: String,
    /// extracted, validated, corroborated, confirmed.
    pub state: String,
}

/// A document as exported.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedDoc {
    /// The store's id (local: used to filter graphs, never written into an exchange format).
    pub local_id: i64,
    /// The content hash (SHA-256 of the NFC text): the document's identity across stores.
    pub hash: String,
    /// Language.
    pub lang: String,
    /// The text, unless it is withheld.
    pub text: Option<String>,
    /// Why the text is withheld, when it is.
    pub withheld_because: Option<&'static str>,
    /// Bands per task (lure, scam, distress).
    pub bands: BTreeMap<String, String>,
    /// The observations that may be shared.
    pub observations: Vec<ObservationView>,
    /// The most restrictive marking among them: the document's marking in the export.
    pub tlp: Tlp,
    /// First shared observation (UTC, RFC 3339).
    pub first_seen: String,
    /// Last shared observation.
    pub last_seen: String,
    /// The selectors that may be shared.
    pub selectors: Vec<SharedSelector>,
}

/// What an export left out, for the summary printed to the user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Withheld {
    /// Documents left out (marked above the ceiling, or RED).
    pub documents: u64,
    /// Texts withheld from documents that are exported.
    pub texts: u64,
    /// Selector occurrences left out (victims', hotlines, rejected, unvalidated).
    pub selectors: u64,
}

/// A selection ready for the writers.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    /// What was asked for.
    pub scope: Scope,
    /// The exporting organisation.
    pub org: String,
    /// A title (`cluster 3 of ngo-a`, `documents of ngo-a`).
    pub title: String,
    /// The content hash of the cluster's smallest member (names the cluster across stores).
    pub cluster_key: Option<String>,
    /// The documents, in ascending local id.
    pub docs: Vec<SharedDoc>,
    /// What was left out.
    pub withheld: Withheld,
}

impl Shared {
    /// Every exported selector once, with the documents (indices into `docs`) carrying it.
    pub fn selectors(&self) -> BTreeMap<SharedSelector, Vec<usize>> {
        let mut out: BTreeMap<SharedSelector, Vec<usize>> = BTreeMap::new();
        for (i, d) in self.docs.iter().enumerate() {
            for s in &d.selectors {
                let v = out.entry(s.clone()).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
        }
        out
    }

    /// The most restrictive marking in the selection (CLEAR when it is empty).
    pub fn tlp(&self) -> Tlp {
        self.docs.iter().map(|d| d.tlp).max().unwrap_or(Tlp::Clear)
    }
}

fn flagged(band: Option<&String>) -> bool {
    matches!(
        band.map(String::as_str),
        Some("medium" | "high" | "critical")
    )
}

/// Read the scope through the viewer and keep what the policy lets leave. `None`: no such cluster.
pub fn collect(
    store: &dyn Store,
    viewer: &Viewer,
    scope: Scope,
    policy: Policy,
) -> Result<Option<Shared>> {
    let ceiling = policy.ceiling();
    let (ids, title, cluster_name) = match scope {
        Scope::All => (
            store.document_ids(viewer)?,
            format!("documents of {}", viewer.org),
            None,
        ),
        Scope::Cluster(id) => {
            let Some(c) = store.show_cluster(viewer, id)? else {
                return Ok(None);
            };
            let mut ids: Vec<i64> = c.members.iter().map(|m| m.id).collect();
            ids.sort_unstable();
            (
                ids,
                format!("cluster {} of {}", c.id, viewer.org),
                Some(c.id),
            )
        }
    };
    let views: Vec<DocView> = store.documents(viewer, &ids)?;
    // Over the whole store every visible victim selector is among the views already; a cluster
    // asks the store where else its values occur.
    let victims = victim_values(store, viewer, &views, scope != Scope::All)?;
    let mut withheld = Withheld::default();
    let mut docs = Vec::with_capacity(views.len());
    let mut cluster_key = None;
    for v in views {
        if cluster_name == Some(v.id) {
            cluster_key = Some(v.hash.clone());
        }
        let observations: Vec<ObservationView> = v
            .observations
            .iter()
            .filter(|o| o.tlp <= ceiling)
            .cloned()
            .collect();
        let Some(tlp) = observations.iter().map(|o| o.tlp).max() else {
            withheld.documents += 1;
            continue;
        };
        let touches_victim = v
            .selectors
            .iter()
            .any(|s| s.role == "victim" || victims.contains(&s.value));
        let withheld_because = if touches_victim {
            Some("it names a victim's number or account")
        } else if flagged(v.bands.get("distress")) {
            Some("a rescue plea's text stays with its organisation")
        } else {
            None
        };
        if withheld_because.is_some() {
            withheld.texts += 1;
        }
        let mut selectors = BTreeSet::new();
        for s in &v.selectors {
            if s.role == "contact"
                && s.valid
                && s.state != "rejected"
                && !victims.contains(&s.value)
            {
                selectors.insert(SharedSelector {
                    kind: s.kind.clone(),
                    value: s.value.clone(),
                    state: s.state.clone(),
                });
            } else {
                withheld.selectors += 1;
            }
        }
        let first_seen = observations
            .iter()
            .map(|o| o.observed_at.clone())
            .min()
            .unwrap_or_default();
        let last_seen = observations
            .iter()
            .map(|o| o.observed_at.clone())
            .max()
            .unwrap_or_default();
        docs.push(SharedDoc {
            local_id: v.id,
            hash: v.hash,
            lang: v.lang,
            text: withheld_because.is_none().then_some(v.text),
            withheld_because,
            bands: v.bands,
            observations,
            tlp,
            first_seen,
            last_seen,
            selectors: selectors.into_iter().collect(),
        });
    }
    Ok(Some(Shared {
        scope,
        org: viewer.org.clone(),
        title,
        cluster_key,
        docs,
        withheld,
    }))
}

/// Every value that is a victim's selector in a document the viewer can see and that carries one
/// of the selection's values (a victim's number also written as a contact elsewhere stays home).
fn victim_values(
    store: &dyn Store,
    viewer: &Viewer,
    views: &[DocView],
    look_elsewhere: bool,
) -> Result<HashSet<String>> {
    let mut out: HashSet<String> = HashSet::new();
    let mut keys: BTreeSet<(String, String)> = BTreeSet::new();
    for v in views {
        for s in &v.selectors {
            if s.role == "victim" {
                out.insert(s.value.clone());
            }
            keys.insert((s.kind.clone(), s.value.clone()));
        }
    }
    let keys: Vec<SelectorKey> = keys
        .into_iter()
        .map(|(kind, value)| SelectorKey { kind, value })
        .collect();
    if look_elsewhere && !keys.is_empty() {
        for d in store.find(viewer, &keys)? {
            for s in d.selectors {
                if s.role == "victim" {
                    out.insert(s.value);
                }
            }
        }
    }
    Ok(out)
}

/// The part of a selection one organisation observed under one marking (a TAXII collection):
/// documents with such an observation, each keeping only those observations.
pub fn narrow(shared: &Shared, org: &str, tlp: Tlp) -> Shared {
    let docs = shared
        .docs
        .iter()
        .filter_map(|d| {
            let observations: Vec<ObservationView> = d
                .observations
                .iter()
                .filter(|o| o.org == org && o.tlp == tlp)
                .cloned()
                .collect();
            let first_seen = observations.iter().map(|o| o.observed_at.clone()).min()?;
            let last_seen = observations.iter().map(|o| o.observed_at.clone()).max()?;
            Some(SharedDoc {
                observations,
                tlp,
                first_seen,
                last_seen,
                ..d.clone()
            })
        })
        .collect();
    Shared {
        org: org.to_string(),
        title: format!("{} documents of {org}", tlp_lower(tlp)),
        cluster_key: None,
        docs,
        ..shared.clone()
    }
}

/// A graph export narrowed to what the selection shares: documents left out (above the ceiling,
/// RED) and selectors left out (victims', hotlines) are removed with their edges.
pub fn redact_graph(graph: Graph, shared: &Shared) -> Graph {
    let docs: HashSet<String> = shared
        .docs
        .iter()
        .map(|d| format!("d{}", d.local_id))
        .collect();
    let sels: HashSet<String> = shared
        .selectors()
        .keys()
        .map(|s| format!("s:{}:{}", s.kind, s.value))
        .collect();
    let keep = |id: &str| docs.contains(id) || sels.contains(id);
    let edges: Vec<_> = graph
        .edges
        .into_iter()
        .filter(|e| keep(&e.source) && keep(&e.target))
        .collect();
    let touched: HashSet<&str> = edges
        .iter()
        .flat_map(|e| [e.source.as_str(), e.target.as_str()])
        .collect();
    let nodes = graph
        .nodes
        .into_iter()
        .filter(|n| {
            docs.contains(&n.id) || (sels.contains(&n.id) && touched.contains(n.id.as_str()))
        })
        .collect();
    Graph { nodes, edges }
}

/// Lower-case name of a marking as TLP 2.0 writes it in tags and extensions (`amber+strict`).
pub fn tlp_lower(t: Tlp) -> &'static str {
    match t {
        Tlp::Clear => "clear",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict => "amber+strict",
        Tlp::Red => "red",
    }
}
