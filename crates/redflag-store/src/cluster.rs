//! Networks: union-find over the link graph, hub suppression settings, the gazetteer of hotspots,
//! phone calling codes, and what a cluster looks like to a viewer.
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::{Tlp, minhash};

/// How links are made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// A selector found in more contents than this is a hub (a platform's hotline, a bank's number)
    /// and links nothing.
    pub hub_contents: u64,
    /// …or in more distinct (org, source) pairs than this.
    pub hub_sources: u64,
    /// Estimated Jaccard similarity from which two texts are one template.
    pub dup_threshold: f64,
    /// Rebuild everything instead of adding the new documents.
    pub full: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            hub_contents: 500,
            hub_sources: 100,
            dup_threshold: minhash::DEFAULT_THRESHOLD,
            full: false,
        }
    }
}

impl Settings {
    /// The part of the settings that, when changed, forces a rebuild.
    pub fn fingerprint(&self) -> String {
        format!(
            "hub_contents={};hub_sources={};dup={:.3};shingle={};hashes={}",
            self.hub_contents,
            self.hub_sources,
            self.dup_threshold,
            minhash::SHINGLE,
            minhash::HASHES
        )
    }
}

/// What a `cluster` run did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// `incremental` or `full`, and why a full one.
    pub mode: String,
    /// Documents added to the graph by this run.
    pub new_documents: u64,
    /// Links written, by reason.
    pub selector_links: u64,
    /// Template links written.
    pub template_links: u64,
    /// Selectors that link nothing (hubs, allow-listed, rejected).
    pub unlinked_selectors: u64,
    /// Seconds the run took.
    pub seconds: f64,
    /// Seconds per phase, in order (for profiling; names differ between backends).
    pub phases: Vec<(String, f64)>,
    /// The viewer's clusters after the run.
    pub overview: Overview,
}

/// A selector's state and, when it links nothing, why — decided the same way by both backends from
/// what the store knows of it: validated, the documents and distinct (org, source) pairs carrying
/// it, the latest analyst verdict, whether an allow-list holds it and whether it is a hotline
/// somewhere.
pub fn selector_state(
    settings: &Settings,
    valid: bool,
    contents: u64,
    sources: u64,
    verdict: Option<&str>,
    allowed: bool,
    hotline: bool,
) -> (&'static str, Option<String>) {
    let state = match verdict {
        Some("confirmed") => "confirmed",
        Some("rejected") => "rejected",
        _ if valid && sources >= 2 => "corroborated",
        _ if valid => "validated",
        _ => "extracted",
    };
    let why: Option<String> = if !valid {
        Some("not validated".into())
    } else if verdict == Some("rejected") {
        Some("rejected by an analyst".into())
    } else if verdict == Some("allow") || allowed {
        Some("allow-listed".into())
    } else if hotline {
        Some("a hotline".into())
    } else if contents > settings.hub_contents {
        // The count itself is not shown: it includes documents the viewer may not read.
        Some(format!(
            "hub: in more than {} documents",
            settings.hub_contents
        ))
    } else if sources > settings.hub_sources {
        Some(format!(
            "hub: in more than {} sources",
            settings.hub_sources
        ))
    } else {
        None
    };
    (state, why)
}

/// Wall time per phase of a run.
#[derive(Debug)]
pub(crate) struct Phases {
    mark: std::time::Instant,
    out: Vec<(String, f64)>,
}

impl Default for Phases {
    fn default() -> Phases {
        Phases {
            mark: std::time::Instant::now(),
            out: Vec::new(),
        }
    }
}

impl Phases {
    /// Close the phase that started at the last lap.
    pub(crate) fn lap(&mut self, name: &str) {
        let now = std::time::Instant::now();
        self.out
            .push((name.to_string(), (now - self.mark).as_secs_f64()));
        self.mark = now;
    }

    pub(crate) fn done(self) -> Vec<(String, f64)> {
        self.out
    }
}

/// The viewer's clusters at a glance.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Overview {
    /// Documents the viewer can see.
    pub documents: u64,
    /// Clusters (two members or more), largest first: (id, size).
    pub clusters: Vec<(i64, u64)>,
    /// The largest cluster's share of the visible documents: a giant component means wrong linking.
    pub largest_share: f64,
}

/// One member of a cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    /// Content id.
    pub id: i64,
    /// Language.
    pub lang: String,
    /// First visible observation (UTC).
    pub first_seen: String,
    /// Bands, lure/scam/distress.
    pub bands: [String; 3],
}

/// A selector of a cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterSelector {
    /// Canonical value.
    pub value: String,
    /// State.
    pub state: String,
    /// Members carrying it.
    pub documents: u64,
    /// Why it links nothing, if so.
    pub unlinked_because: Option<String>,
    /// Watchlists naming it.
    pub watchlists: Vec<String>,
}

/// Why two members are linked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkView {
    /// One member.
    pub a: i64,
    /// The other.
    pub b: i64,
    /// `selector kind:value` or `template (similarity 0.83)`.
    pub why: String,
}

/// A month of a cluster's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    /// Phone calling codes seen that month, with counts of documents.
    pub calling_codes: BTreeMap<String, u64>,
    /// Hotspot ids named that month, with counts.
    pub places: BTreeMap<String, u64>,
}

/// A cluster as one viewer sees it: the connected component, among the documents that viewer can
/// read, of the links between them. It is named by its smallest member id, so nothing about it —
/// name, size, members, links — depends on documents the viewer cannot read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterView {
    /// Its name: the smallest member id.
    pub id: i64,
    /// Members.
    pub members: Vec<Member>,
    /// Selectors by kind.
    pub selectors: BTreeMap<String, Vec<ClusterSelector>>,
    /// Why each link exists.
    pub links: Vec<LinkView>,
    /// First observation (UTC).
    pub first_seen: String,
    /// Last observation (UTC).
    pub last_seen: String,
    /// Hotspots named, with counts of documents: (id, name, country, documents).
    pub places: Vec<(String, String, String, u64)>,
    /// Calling codes and places month by month: the relocation timeline.
    pub timeline: Vec<Month>,
    /// The most restrictive marking among the members' visible observations.
    pub tlp: Tlp,
}

/// Union-find with path halving and union by size.
#[derive(Debug, Clone, Default)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// The representative of `x`.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// Join the sets of `a` and `b`; true if they were apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        true
    }

    /// Size of `x`'s set.
    pub fn set_size(&mut self, x: u32) -> u32 {
        let r = self.find(x);
        self.size[r as usize]
    }
}

/// Components of `n` nodes under `edges`, each as a sorted list of node indices, largest first;
/// singletons are left out.
pub fn components(n: usize, edges: impl IntoIterator<Item = (u32, u32)>) -> Vec<Vec<u32>> {
    let mut uf = UnionFind::new(n);
    for (a, b) in edges {
        uf.union(a, b);
    }
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for i in 0..n as u32 {
        if uf.set_size(i) > 1 {
            let r = uf.find(i);
            groups.entry(r).or_default().push(i);
        }
    }
    let mut out: Vec<Vec<u32>> = groups.into_values().collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    out
}

/// The ITU-T E.164 country calling code of an E.164 number (`+855…` → `+855`): 1 and 7 are one
/// digit; 20, 27, 30–34, 36, 39, 40–41, 43–49, 51–58, 60–66, 81–82, 84, 86, 90–95 and 98 two;
/// all others three (the zone structure of ITU-T E.164 Annex / Operational Bulletin list).
pub fn calling_code(e164: &str) -> Option<String> {
    let d = e164.strip_prefix('+')?;
    if d.len() < 4 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let two: u32 = d[..2].parse().ok()?;
    let len = match d.as_bytes()[0] {
        b'1' | b'7' => 1,
        _ if matches!(two, 20 | 27 | 30..=34 | 36 | 39 | 40 | 41 | 43..=49 | 51..=58 | 60..=66 | 81 | 82 | 84 | 86 | 90..=95 | 98) => {
            2
        }
        _ => 3,
    };
    Some(format!("+{}", &d[..len]))
}

/// One hotspot of the gazetteer.
#[derive(Debug, Clone, Deserialize)]
pub struct Place {
    /// Stable id.
    pub id: String,
    /// English name.
    pub name: String,
    /// ISO 3166 country.
    pub country: String,
    /// Keys of the sources cited in the file's header.
    pub sources: Vec<String>,
    /// Names in Latin script.
    #[serde(default)]
    pub latin: Vec<String>,
    /// Thai.
    #[serde(default)]
    pub th: Vec<String>,
    /// Chinese.
    #[serde(default)]
    pub zh: Vec<String>,
    /// Burmese.
    #[serde(default)]
    pub my: Vec<String>,
    /// Khmer.
    #[serde(default)]
    pub km: Vec<String>,
}

#[derive(Deserialize)]
struct Gazetteer {
    place: Vec<Place>,
}

struct Compiled {
    places: Vec<Place>,
    /// (normalised name, place index, needs a word boundary)
    names: Vec<(String, usize, bool)>,
}

fn gazetteer() -> &'static Compiled {
    static G: OnceLock<Compiled> = OnceLock::new();
    G.get_or_init(|| {
        let g: Gazetteer = toml::from_str(include_str!("../data/hotspots.toml"))
            .expect("data/hotspots.toml parses (tested)");
        let mut names = Vec::new();
        for (i, p) in g.place.iter().enumerate() {
            for n in &p.latin {
                names.push((redflag_text::normalise_phrase(n), i, true));
            }
            for n in p.th.iter().chain(&p.zh).chain(&p.my).chain(&p.km) {
                names.push((redflag_text::normalise_phrase(n), i, false));
            }
        }
        Compiled {
            places: g.place,
            names,
        }
    })
}

/// Every hotspot of the gazetteer.
pub fn places() -> &'static [Place] {
    &gazetteer().places
}

/// The hotspots a text names (indices into [`places`]), each once.
pub fn places_in(text: &str) -> Vec<usize> {
    let g = gazetteer();
    let view = redflag_text::match_view(text);
    let t = view.as_str();
    let mut out = Vec::new();
    for (name, i, word) in &g.names {
        if out.contains(i) || name.is_empty() {
            continue;
        }
        let hit = t.match_indices(name.as_str()).any(|(at, m)| {
            !word
                || (!t[..at]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
                    && !t[at + m.len()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric))
        });
        if hit {
            out.push(*i);
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_find_components() {
        let c = components(6, [(0, 1), (1, 2), (4, 5)]);
        assert_eq!(c, vec![vec![0, 1, 2], vec![4, 5]]);
        assert!(components(3, []).is_empty());
    }

    #[test]
    fn calling_codes() {
        assert_eq!(calling_code("+85512345678").as_deref(), Some("+855"));
        assert_eq!(calling_code("+66812345678").as_deref(), Some("+66"));
        assert_eq!(calling_code("+959123456789").as_deref(), Some("+95"));
        assert_eq!(calling_code("+8562012345678").as_deref(), Some("+856"));
        assert_eq!(calling_code("+12025550100").as_deref(), Some("+1"));
        assert_eq!(calling_code("+84912345678").as_deref(), Some("+84"));
        assert_eq!(calling_code("0812345678"), None);
    }

    #[test]
    fn gazetteer_loads_and_cites() {
        let ps = places();
        assert!(ps.len() >= 10);
        let header = include_str!("../data/hotspots.toml");
        for p in ps {
            assert!(!p.sources.is_empty(), "{} has no source", p.id);
            for s in &p.sources {
                assert!(
                    header.contains(&format!("[{s}]")),
                    "{}: unknown source {s}",
                    p.id
                );
            }
        }
        for id in [
            "myawaddy",
            "kk-park",
            "shwe-kokko",
            "sihanoukville",
            "poipet",
            "bavet",
            "golden-triangle-sez",
        ] {
            assert!(ps.iter().any(|p| p.id == id), "{id} missing");
        }
    }

    #[test]
    fn places_in_every_script() {
        let ids = |t: &str| -> Vec<&str> {
            places_in(t)
                .into_iter()
                .map(|i| places()[i].id.as_str())
                .collect()
        };
        assert_eq!(ids("Work in SIHANOUKVILLE, high pay"), ["sihanoukville"]);
        assert_eq!(ids("ทำงานที่ปอยเปต"), ["poipet"]);
        assert_eq!(ids("高薪招聘 妙瓦底 园区"), ["myawaddy"]);
        assert_eq!(ids("ក្រុងបាវិត ការងារ"), ["bavet"]);
        assert_eq!(ids("မြဝတီမြို့ အလုပ်"), ["myawaddy"]);
        assert_eq!(ids("làm việc ở Mộc Bài"), ["moc-bai"]);
        // Word boundaries for Latin names.
        assert!(ids("the bavetta pasta").is_empty());
    }
}
