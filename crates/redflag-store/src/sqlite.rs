//! The embedded backend: SQLite (bundled) in WAL mode.
//!
//! Durability: WAL with `synchronous = NORMAL` keeps every committed transaction through a crash
//! of the process (kill -9); only a power loss can lose the last transactions, never consistency.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::access::{Action, Mark, Tlp, Viewer, decide};
use crate::cluster::{self, ClusterSelector, ClusterView, LinkView, Member, Month, Overview};
use crate::minhash::{self, Signature};
use crate::{
    DocView, Error, Family, IngestOutcome, NewDoc, ObservationView, Result, SelectorKey,
    SelectorView, Stats, Store, Verdict, content_hash, now_utc,
};

/// Versioned migrations, applied in order, each in its own transaction.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "workspace",
        include_str!("../migrations/sqlite/0002_workspace.sql"),
    ),
];

/// The indexes of `links` (as in migration 0001), rebuilt in bulk after a full clustering.
const LINK_INDEXES: &str = "
    CREATE UNIQUE INDEX IF NOT EXISTS links_unique ON links(a, b, reason, IFNULL(selector_id, 0));
    CREATE INDEX IF NOT EXISTS links_b ON links(b);
    CREATE INDEX IF NOT EXISTS links_selector ON links(selector_id);";

/// The SQLite store.
pub struct SqliteStore {
    conn: Connection,
}

/// A visible observation's essentials, per content.
#[derive(Debug, Clone)]
pub(crate) struct Vis {
    pub(crate) first_seen: String,
    /// The viewer may read victims' selectors of this content.
    pub(crate) victim_ok: bool,
}

pub(crate) fn tlp_of(s: &str) -> Result<Tlp> {
    s.parse()
        .map_err(|e: String| Error::Corrupt(format!("observation marking: {e}")))
}

impl SqliteStore {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path)?;
        SqliteStore::init(conn)
    }

    /// A private in-memory store (tests).
    pub fn open_in_memory() -> Result<SqliteStore> {
        SqliteStore::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<SqliteStore> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -65_536)?;
        let mut s = SqliteStore { conn };
        s.migrate()?;
        Ok(s)
    }

    fn migrate(&mut self) -> Result<()> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        for &(version, name, sql) in MIGRATIONS {
            let tx = self.conn.transaction()?;
            let done: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)",
                [version],
                |r| r.get(0),
            )?;
            if !done {
                tx.execute_batch(sql)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                    params![version, name, now_utc()],
                )?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    /// The schema version.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT IFNULL(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }

    /// Problems found by SQLite's integrity and foreign-key checks (empty: consistent).
    pub fn check(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        for r in st.query_map([], |r| r.get::<_, String>(0))? {
            let r = r?;
            if r != "ok" {
                out.push(r);
            }
        }
        let mut st = self.conn.prepare("PRAGMA foreign_key_check")?;
        for r in st.query_map([], |r| {
            Ok(format!(
                "foreign key: {} row {:?} → {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?
            ))
        })? {
            out.push(r?);
        }
        // Every content was stored with its analysis, in the same transaction.
        let orphans: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM contents c WHERE NOT EXISTS
                 (SELECT 1 FROM assessments a WHERE a.content_id = c.id)
              OR NOT EXISTS (SELECT 1 FROM minhashes m WHERE m.content_id = c.id)
              OR NOT EXISTS (SELECT 1 FROM observations o WHERE o.content_id = c.id)",
            [],
            |r| r.get(0),
        )?;
        if orphans > 0 {
            out.push(format!(
                "{orphans} contents without assessment, signature or observation"
            ));
        }
        Ok(out)
    }

    /// Source ids the viewer's organisation has stored from `source` (tests and resumption).
    pub fn source_ids(&self, viewer: &Viewer) -> Result<HashSet<String>> {
        let mut st = self.conn.prepare(
            "SELECT source_id, tlp FROM observations WHERE org = ?1 AND source_id IS NOT NULL",
        )?;
        let mut out = HashSet::new();
        for r in st.query_map([&viewer.org], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (id, tlp) = r?;
            if decide(
                viewer,
                Action::Read,
                Mark {
                    org: &viewer.org,
                    tlp: tlp_of(&tlp)?,
                },
            ) {
                out.insert(id);
            }
        }
        Ok(out)
    }

    fn audit(tx: &Transaction<'_>, viewer: &Viewer, action: &str, object: &str) -> Result<()> {
        crate::audit::append(
            &mut crate::sql::Lite(tx),
            &viewer.org,
            viewer.role.as_str(),
            action,
            object,
        )
    }

    /// The visible observations of the given contents (all contents when `ids` is None), through
    /// [`decide`]. Contents with none are absent.
    fn visible_observations(
        &self,
        viewer: &Viewer,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<ObservationView>>> {
        let mut out: HashMap<i64, Vec<ObservationView>> = HashMap::new();
        let mut st = self.conn.prepare_cached(
            "SELECT org, source, source_id, observed_at, tlp FROM observations
             WHERE content_id = ?1 ORDER BY observed_at, id",
        )?;
        for &id in ids {
            let rows = st.query_map([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?;
            for row in rows {
                let (org, source, source_id, observed_at, tlp) = row?;
                let tlp = tlp_of(&tlp)?;
                if decide(viewer, Action::Read, Mark { org: &org, tlp }) {
                    out.entry(id).or_default().push(ObservationView {
                        org,
                        source,
                        source_id,
                        observed_at,
                        tlp,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Every content the viewer may read, with its first visible observation.
    fn visible_all(&self, viewer: &Viewer) -> Result<HashMap<i64, Vis>> {
        let mut out: HashMap<i64, Vis> = HashMap::new();
        let mut st = self
            .conn
            .prepare("SELECT content_id, org, tlp, observed_at FROM observations")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let org: String = r.get(1)?;
            let tlp = tlp_of(r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?)?;
            let mark = Mark { org: &org, tlp };
            if !decide(viewer, Action::Read, mark) {
                continue;
            }
            let seen: String = r.get(3)?;
            let victim_ok = decide(viewer, Action::ReadVictimSelector, mark);
            out.entry(id)
                .and_modify(|v| {
                    if seen < v.first_seen {
                        v.first_seen.clone_from(&seen);
                    }
                    v.victim_ok |= victim_ok;
                })
                .or_insert(Vis {
                    first_seen: seen.clone(),
                    victim_ok,
                });
        }
        Ok(out)
    }

    pub(crate) fn victim_ok(viewer: &Viewer, obs: &[ObservationView]) -> bool {
        obs.iter().any(|o| {
            decide(
                viewer,
                Action::ReadVictimSelector,
                Mark {
                    org: &o.org,
                    tlp: o.tlp,
                },
            )
        })
    }

    fn doc_view(
        &self,
        viewer: &Viewer,
        id: i64,
        observations: Vec<ObservationView>,
    ) -> Result<Option<DocView>> {
        let Some(mut d) = self.doc_view_bare(viewer, id, observations)? else {
            return Ok(None);
        };
        d.cluster = self.viewer_component(viewer, id)?.map(|(name, _, _)| name);
        Ok(Some(d))
    }

    /// A document view without its cluster (which costs a component per document).
    fn doc_view_bare(
        &self,
        viewer: &Viewer,
        id: i64,
        observations: Vec<ObservationView>,
    ) -> Result<Option<DocView>> {
        let Some((hash, lang, text)) = self
            .conn
            .prepare_cached("SELECT hash, lang, text FROM contents WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
        else {
            return Ok(None);
        };
        let mut bands = BTreeMap::new();
        let mut st = self
            .conn
            .prepare_cached("SELECT task, band FROM assessments WHERE content_id = ?1")?;
        for r in st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (t, b) = r?;
            bands.insert(t, b);
        }
        let victim_ok = SqliteStore::victim_ok(viewer, &observations);
        let mut selectors = Vec::new();
        let mut st = self.conn.prepare_cached(
            "SELECT s.kind, s.value, cs.raw, cs.role, s.valid, s.state, s.unlinked_because
             FROM content_selectors cs JOIN selectors s ON s.id = cs.selector_id
             WHERE cs.content_id = ?1 ORDER BY cs.start_char, s.kind",
        )?;
        for r in st.query_map([id], |r| {
            Ok(SelectorView {
                kind: r.get(0)?,
                value: r.get(1)?,
                raw: r.get(2)?,
                role: r.get(3)?,
                valid: r.get(4)?,
                state: r.get(5)?,
                unlinked_because: r.get(6)?,
                watchlists: Vec::new(),
            })
        })? {
            let mut s = r?;
            if s.role != "victim" || victim_ok {
                s.watchlists = self.watchlists_naming(viewer, &s.kind, &s.value)?;
                selectors.push(s);
            }
        }
        Ok(Some(DocView {
            id,
            hash,
            lang,
            text,
            bands,
            observations,
            selectors,
            cluster: None,
        }))
    }

    /// Names of the watchlists the viewer may read that list this selector.
    fn watchlists_naming(&self, viewer: &Viewer, kind: &str, value: &str) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT w.name, w.org, w.tlp, w.allow FROM watchlist_entries e
             JOIN watchlists w ON w.id = e.watchlist_id WHERE e.kind = ?1 AND e.value = ?2
             ORDER BY w.name",
        )?;
        let mut out = Vec::new();
        for r in st.query_map(params![kind, value], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })? {
            let (name, org, tlp, allow) = r?;
            if decide(
                viewer,
                Action::Read,
                Mark {
                    org: &org,
                    tlp: tlp_of(&tlp)?,
                },
            ) {
                out.push(if allow {
                    format!("{name} (allow-list)")
                } else {
                    name
                });
            }
        }
        Ok(out)
    }

    /// The members of the global cluster holding `id` and its links.
    fn global_cluster(&self, id: i64) -> Result<Option<(Vec<i64>, Vec<RawLink>)>> {
        let Some(cid): Option<i64> = self
            .conn
            .query_row(
                "SELECT cluster_id FROM cluster_members WHERE content_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let mut st = self
            .conn
            .prepare_cached("SELECT content_id FROM cluster_members WHERE cluster_id = ?1")?;
        let members = st
            .query_map([cid], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT l.a, l.b, l.reason, l.selector_id, l.similarity FROM links l
             JOIN cluster_members m ON m.content_id = l.a WHERE m.cluster_id = ?1",
        )?;
        let links = st
            .query_map([cid], raw_link)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some((members, links)))
    }

    /// The viewer's component holding `id`: (name = smallest member, members, the links among them).
    fn viewer_component(&self, viewer: &Viewer, id: i64) -> Result<Option<Component>> {
        let Some((members, links)) = self.global_cluster(id)? else {
            return Ok(None);
        };
        let vis = self.visible_observations(viewer, &members)?;
        if !vis.contains_key(&id) {
            return Ok(None);
        }
        let visible: Vec<i64> = {
            let mut v: Vec<i64> = members
                .into_iter()
                .filter(|m| vis.contains_key(m))
                .collect();
            v.sort_unstable();
            v
        };
        let comps = viewer_components(&visible, &links);
        let Some(comp) = comps.into_iter().find(|c| c.binary_search(&id).is_ok()) else {
            return Ok(None);
        };
        let set: HashSet<i64> = comp.iter().copied().collect();
        let links = links
            .into_iter()
            .filter(|l| set.contains(&l.a) || set.contains(&l.b))
            .collect();
        Ok(Some((comp[0], comp, links)))
    }

    fn load_links(&self) -> Result<Vec<RawLink>> {
        let mut st = self
            .conn
            .prepare("SELECT a, b, reason, selector_id, similarity FROM links")?;
        let out = st
            .query_map([], raw_link)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(out)
    }

    fn overview(&self, viewer: &Viewer) -> Result<Overview> {
        let vis = self.visible_all(viewer)?;
        let mut visible: Vec<i64> = vis.keys().copied().collect();
        visible.sort_unstable();
        let links = self.load_links()?;
        let comps = viewer_components(&visible, &links);
        let clusters: Vec<(i64, u64)> = comps.iter().map(|c| (c[0], c.len() as u64)).collect();
        let largest = clusters.first().map_or(0, |c| c.1);
        Ok(Overview {
            documents: visible.len() as u64,
            largest_share: if visible.is_empty() {
                0.0
            } else {
                largest as f64 / visible.len() as f64
            },
            clusters,
        })
    }

    /// What decides every selector's state, for a rebuild: the same facts as the per-selector
    /// query of [`SqliteStore::refresh_selectors`], computed from a few sequential reads instead of
    /// correlated sub-queries per selector. `has_links` is false (a rebuild needs no comparison
    /// with the links it replaces).
    fn selector_facts_bulk(tx: &Transaction<'_>) -> Result<Vec<SelectorFacts>> {
        // (org, source) pairs of each content, as small ids.
        let mut pair_ids: HashMap<(String, String), u32> = HashMap::new();
        let mut content_pairs: Vec<(i64, u32)> = Vec::new();
        {
            let mut st = tx.prepare("SELECT content_id, org, source FROM observations")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let key = (r.get::<_, String>(1)?, r.get::<_, String>(2)?);
                let n = pair_ids.len() as u32;
                let id = *pair_ids.entry(key).or_insert(n);
                content_pairs.push((r.get(0)?, id));
            }
        }
        drop(pair_ids);
        content_pairs.sort_unstable();
        content_pairs.dedup();
        let pairs_of = |c: i64| {
            let from = content_pairs.partition_point(|p| p.0 < c);
            let to = content_pairs.partition_point(|p| p.0 <= c);
            &content_pairs[from..to]
        };
        // Occurrences: (selector, content, is a hotline occurrence).
        let mut occ: Vec<(i64, i64, bool)> = Vec::new();
        {
            let mut st =
                tx.prepare("SELECT selector_id, content_id, role FROM content_selectors")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let hotline = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)? == "hotline";
                occ.push((r.get(0)?, r.get(1)?, hotline));
            }
        }
        occ.sort_unstable();
        let mut verdicts: HashMap<i64, String> = HashMap::new();
        {
            let mut st = tx.prepare("SELECT selector_id, verdict FROM judgements ORDER BY id")?;
            for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
                let (sid, v) = r?;
                verdicts.insert(sid, v);
            }
        }
        let mut allowed: HashSet<i64> = HashSet::new();
        {
            let mut st = tx.prepare(
                "SELECT s.id FROM selectors s JOIN watchlist_entries e ON e.kind = s.kind AND e.value = s.value
                 JOIN watchlists w ON w.id = e.watchlist_id WHERE w.allow = 1",
            )?;
            for r in st.query_map([], |r| r.get::<_, i64>(0))? {
                allowed.insert(r?);
            }
        }
        let mut out = Vec::new();
        let mut st = tx.prepare(
            "SELECT id, valid, linkable, state, unlinked_because FROM selectors ORDER BY id",
        )?;
        let mut rows = st.query([])?;
        let mut at = 0usize;
        let mut sources: Vec<u32> = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            while at < occ.len() && occ[at].0 < id {
                at += 1;
            }
            let mut contents = 0u64;
            let mut hotline = false;
            let mut last = None;
            sources.clear();
            while at < occ.len() && occ[at].0 == id {
                let (_, c, h) = occ[at];
                hotline |= h;
                if last != Some(c) {
                    contents += 1;
                    sources.extend(pairs_of(c).iter().map(|p| p.1));
                    last = Some(c);
                }
                at += 1;
            }
            sources.sort_unstable();
            sources.dedup();
            out.push((
                (
                    id,
                    r.get::<_, bool>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ),
                contents,
                sources.len() as u64,
                verdicts.remove(&id),
                allowed.contains(&id),
                hotline,
                false,
            ));
        }
        Ok(out)
    }

    /// Recompute every selector's state and whether it links; returns the selectors that stopped
    /// linking since the last run and the count of those that link nothing.
    fn refresh_selectors(
        tx: &Transaction<'_>,
        settings: &cluster::Settings,
        since: Option<i64>,
    ) -> Result<(u64, u64)> {
        // Only selectors touched by new contents can change, unless rebuilding.
        let scope = match since {
            Some(_) => {
                "WHERE s.id IN (SELECT selector_id FROM content_selectors WHERE content_id > ?1)"
            }
            None => "WHERE ?1 IS NULL OR 1",
        };
        let sql = format!(
            "SELECT s.id, s.valid, s.linkable, s.state, s.unlinked_because,
                (SELECT COUNT(DISTINCT cs.content_id) FROM content_selectors cs WHERE cs.selector_id = s.id),
                (SELECT COUNT(DISTINCT o.org || char(31) || o.source) FROM content_selectors cs
                    JOIN observations o ON o.content_id = cs.content_id WHERE cs.selector_id = s.id),
                (SELECT j.verdict FROM judgements j WHERE j.selector_id = s.id ORDER BY j.id DESC LIMIT 1),
                EXISTS (SELECT 1 FROM watchlist_entries e JOIN watchlists w ON w.id = e.watchlist_id
                    WHERE w.allow = 1 AND e.kind = s.kind AND e.value = s.value),
                EXISTS (SELECT 1 FROM content_selectors cs WHERE cs.selector_id = s.id
                    AND cs.role = 'hotline'),
                EXISTS (SELECT 1 FROM links l WHERE l.selector_id = s.id)
             FROM selectors s {scope}"
        );
        let mut rows_out = Vec::new();
        if since.is_none() {
            rows_out = SqliteStore::selector_facts_bulk(tx)?;
        } else {
            let mut st = tx.prepare(&sql)?;
            let mut rows = st.query([since])?;
            while let Some(r) = rows.next()? {
                rows_out.push((
                    (
                        r.get::<_, i64>(0)?,
                        r.get::<_, bool>(1)?,
                        r.get::<_, bool>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ),
                    r.get::<_, i64>(5)? as u64,
                    r.get::<_, i64>(6)? as u64,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, bool>(8)?,
                    r.get::<_, bool>(9)?,
                    r.get::<_, bool>(10)?,
                ));
            }
        }
        let mut newly_unlinked = 0;
        let mut unlinked = 0;
        let mut up = tx.prepare_cached(
            "UPDATE selectors SET state = ?2, linkable = ?3, unlinked_because = ?4 WHERE id = ?1",
        )?;
        for (
            (id, valid, was_linkable, old_state, old_why),
            contents,
            sources,
            verdict,
            allowed,
            hotline,
            has_links,
        ) in rows_out
        {
            let (state, why) = cluster::selector_state(
                settings,
                valid,
                contents,
                sources,
                verdict.as_deref(),
                allowed,
                hotline,
            );
            let linkable = why.is_none();
            if !linkable {
                unlinked += 1;
                // Only a selector that already links something forces a rebuild.
                if was_linkable && has_links {
                    newly_unlinked += 1;
                }
            }
            // Most selectors keep their state from one run to the next: write only the changes.
            if old_state != state || was_linkable != linkable || old_why != why {
                up.execute(params![id, state, linkable, why])?;
            }
        }
        if since.is_some() {
            // Count the untouched ones too.
            unlinked = tx.query_row(
                "SELECT COUNT(*) FROM selectors WHERE linkable = 0",
                [],
                |r| r.get::<_, i64>(0),
            )? as u64;
        }
        Ok((newly_unlinked, unlinked))
    }
}

/// What decides a selector's state: (id, valid, linkable, state, why unlinked), documents,
/// distinct (org, source) pairs, the latest verdict, allow-listed, a hotline somewhere, has links.
type SelectorFacts = (
    (i64, bool, bool, String, Option<String>),
    u64,
    u64,
    Option<String>,
    bool,
    bool,
    bool,
);

/// Rows of `links`: (a, b, template, selector, similarity).
type LinkRow = (i64, i64, bool, Option<i64>, Option<f64>);

/// Writes links [`LinkWriter::ROWS`] to a statement (`INSERT OR IGNORE`), which costs a fraction
/// of one statement per row when a rebuild writes millions.
struct LinkWriter<'a> {
    rows: Vec<LinkRow>,
    now: &'a str,
}

impl<'a> LinkWriter<'a> {
    const ROWS: usize = 100;

    fn new(now: &'a str) -> LinkWriter<'a> {
        LinkWriter {
            rows: Vec::with_capacity(Self::ROWS),
            now,
        }
    }

    /// Queue a link; returns the links written when the queue was full.
    fn push(&mut self, tx: &Transaction<'_>, row: LinkRow) -> Result<u64> {
        self.rows.push(row);
        if self.rows.len() >= Self::ROWS {
            self.flush(tx)
        } else {
            Ok(0)
        }
    }

    /// Write the queue; returns the links written (duplicates are ignored).
    fn flush(&mut self, tx: &Transaction<'_>) -> Result<u64> {
        if self.rows.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "INSERT OR IGNORE INTO links (a, b, reason, selector_id, similarity, created_at) VALUES {}",
            vec!["(?, ?, ?, ?, ?, ?)"; self.rows.len()].join(", ")
        );
        let mut st = tx.prepare_cached(&sql)?;
        for (k, &(a, b, template, sid, sim)) in self.rows.iter().enumerate() {
            let at = k * 6;
            st.raw_bind_parameter(at + 1, a)?;
            st.raw_bind_parameter(at + 2, b)?;
            st.raw_bind_parameter(at + 3, if template { "template" } else { "selector" })?;
            st.raw_bind_parameter(at + 4, sid)?;
            st.raw_bind_parameter(at + 5, sim)?;
            st.raw_bind_parameter(at + 6, self.now)?;
        }
        let n = st.raw_execute()? as u64;
        self.rows.clear();
        Ok(n)
    }
}

/// A viewer's component: its name (smallest member), members, and the links touching them.
pub(crate) type Component = (i64, Vec<i64>, Vec<RawLink>);

/// A stored link.
#[derive(Debug, Clone)]
pub(crate) struct RawLink {
    pub(crate) a: i64,
    pub(crate) b: i64,
    pub(crate) template: bool,
    pub(crate) selector: Option<i64>,
    pub(crate) similarity: Option<f64>,
}

fn raw_link(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawLink> {
    Ok(RawLink {
        a: r.get(0)?,
        b: r.get(1)?,
        template: r.get::<_, String>(2)? == "template",
        selector: r.get(3)?,
        similarity: r.get(4)?,
    })
}

/// Components among `visible` (sorted): a template link joins its ends when both are visible; a
/// selector link says both ends carry that selector, so all visible carriers of one selector are
/// joined, whether or not the star's centre is visible.
pub(crate) fn viewer_components(visible: &[i64], links: &[RawLink]) -> Vec<Vec<i64>> {
    let index = |x: i64| visible.binary_search(&x).ok().map(|i| i as u32);
    let mut edges = Vec::new();
    let mut first_carrier: HashMap<i64, u32> = HashMap::new();
    for l in links {
        let (a, b) = (index(l.a), index(l.b));
        if l.template {
            if let (Some(a), Some(b)) = (a, b) {
                edges.push((a, b));
            }
        } else if let Some(s) = l.selector {
            for x in [a, b].into_iter().flatten() {
                let first = *first_carrier.entry(s).or_insert(x);
                if first != x {
                    edges.push((first, x));
                }
            }
        }
    }
    cluster::components(visible.len(), edges)
        .into_iter()
        .map(|c| c.into_iter().map(|i| visible[i as usize]).collect())
        .collect()
}

impl SqliteStore {
    /// [`Store::cluster`] once foreign-key checks are off.
    fn cluster_unchecked(
        &mut self,
        viewer: &Viewer,
        settings: &cluster::Settings,
    ) -> Result<cluster::Run> {
        let started = Instant::now();
        let mut phases = cluster::Phases::default();
        let tx = self.conn.transaction()?;
        let state: Option<(i64, String, i64)> = tx
            .query_row(
                "SELECT last_content_id, settings, judgements FROM cluster_state WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let judgements: i64 = tx.query_row("SELECT COUNT(*) FROM judgements", [], |r| r.get(0))?;
        let allow_entries: i64 = tx.query_row(
            "SELECT COUNT(*) FROM watchlist_entries e JOIN watchlists w ON w.id = e.watchlist_id WHERE w.allow = 1",
            [],
            |r| r.get(0),
        )?;
        let judged = judgements + allow_entries;
        let max_id: i64 =
            tx.query_row("SELECT IFNULL(MAX(id), 0) FROM contents", [], |r| r.get(0))?;
        let fingerprint = settings.fingerprint();
        let mut mode = match &state {
            _ if settings.full => Some("full (asked)"),
            None => Some("full (first run)"),
            Some((_, f, _)) if *f != fingerprint => Some("full (settings changed)"),
            Some((_, _, j)) if *j != judged => Some("full (new judgements or allow-list entries)"),
            Some(_) => None,
        };
        let since = if mode.is_none() {
            state.as_ref().map(|s| s.0)
        } else {
            None
        };
        let (newly_unlinked, unlinked) = SqliteStore::refresh_selectors(&tx, settings, since)?;
        if mode.is_none() && newly_unlinked > 0 {
            // A selector became a hub: the components it touched must split; rebuild.
            mode = Some("full (a selector became a hub)");
            SqliteStore::refresh_selectors(&tx, settings, None)?;
        }
        let since = if mode.is_none() {
            state.as_ref().map_or(0, |s| s.0)
        } else {
            0
        };
        phases.lap("selector states");
        if since == 0 {
            // A rebuild writes millions of links: without their indexes, then index them in bulk.
            tx.execute_batch(
                "DROP INDEX IF EXISTS links_unique; DROP INDEX IF EXISTS links_b;
                 DROP INDEX IF EXISTS links_selector;
                 DELETE FROM links; DELETE FROM cluster_members; DELETE FROM clusters;",
            )?;
        }
        phases.lap("clearing");
        let now = now_utc();
        let mut selector_links = 0u64;
        let mut template_links = 0u64;
        {
            let mut ins_link = LinkWriter::new(&now);
            // Selector links: every new carrier of a linkable selector to the selector's first
            // carrier (a star: k carriers, k - 1 links). Streamed in selector order.
            let mut st = tx.prepare(
                "SELECT cs.selector_id, cs.content_id
                 FROM content_selectors cs JOIN selectors s ON s.id = cs.selector_id
                 WHERE s.linkable = 1 AND cs.role = 'contact' AND cs.ambiguous = 0
                   AND (?1 = 0 OR cs.selector_id IN
                        (SELECT selector_id FROM content_selectors WHERE content_id > ?1))
                 ORDER BY cs.selector_id, cs.content_id",
            )?;
            let mut rows = st.query([since])?;
            let mut anchor: Option<(i64, i64)> = None;
            let mut last = (0i64, 0i64);
            while let Some(r) = rows.next()? {
                let (sid, c): (i64, i64) = (r.get(0)?, r.get(1)?);
                // The same selector twice in one document is one carrier.
                if (sid, c) == last {
                    continue;
                }
                last = (sid, c);
                match anchor {
                    Some((s0, a)) if s0 == sid => {
                        if c != a && c > since {
                            selector_links += ins_link.push(&tx, (a, c, false, Some(sid), None))?;
                        }
                    }
                    _ => anchor = Some((sid, c)),
                }
            }
            drop(rows);
            selector_links += ins_link.flush(&tx)?;
            phases.lap("selector links");
            if since == 0 {
                // A rebuild: every pair from the LSH bands in memory, at most 8 per document.
                let mut st =
                    tx.prepare("SELECT content_id, signature FROM minhashes ORDER BY content_id")?;
                let mut ids = Vec::new();
                let mut sigs = Vec::new();
                let mut rows = st.query([])?;
                while let Some(r) = rows.next()? {
                    let id: i64 = r.get(0)?;
                    let sig = Signature::from_bytes(
                        r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?,
                    )
                    .ok_or_else(|| Error::Corrupt(format!("signature of content {id}")))?;
                    ids.push(id);
                    sigs.push(sig);
                }
                drop(rows);
                let mut pairs = minhash::similar_pairs(&sigs, settings.dup_threshold);
                drop(sigs);
                pairs.sort_by(|x, y| x.1.cmp(&y.1).then(y.2.total_cmp(&x.2)));
                let mut per_doc: Vec<u8> = vec![0; ids.len()];
                for (i, j, sim) in pairs {
                    let n = &mut per_doc[j];
                    if *n >= 8 {
                        continue;
                    }
                    *n += 1;
                    let sim = Some((sim * 1000.0).round() / 1000.0);
                    template_links += ins_link.push(
                        &tx,
                        (ids[i].min(ids[j]), ids[i].max(ids[j]), true, None, sim),
                    )?;
                }
            }
            // Template links of an incremental run: candidates from the stored LSH buckets of the
            // new contents.
            let mut new_sigs = tx.prepare(
                "SELECT content_id, signature FROM minhashes WHERE content_id > ?1 ORDER BY content_id",
            )?;
            let mut cand = tx.prepare_cached(
                "SELECT content_id FROM lsh_bands WHERE band = ?1 AND bucket = ?2 AND content_id <> ?3
                 ORDER BY content_id LIMIT 64",
            )?;
            let mut get_sig =
                tx.prepare_cached("SELECT signature FROM minhashes WHERE content_id = ?1")?;
            let news = if since == 0 {
                Vec::new()
            } else {
                new_sigs
                    .query_map([since], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?
            };
            let mut sig_cache: HashMap<i64, Signature> = HashMap::new();
            for (id, bytes) in news {
                let sig = Signature::from_bytes(&bytes)
                    .ok_or_else(|| Error::Corrupt(format!("signature of content {id}")))?;
                let mut seen = HashSet::new();
                let mut best: Vec<(f64, i64)> = Vec::new();
                for (b, key) in sig.bands().iter().enumerate() {
                    let ids = cand
                        .query_map(params![b as i64, key, id], |r| r.get::<_, i64>(0))?
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    for other in ids {
                        // A pair between two new contents is made once, by the later one.
                        if (other > since && other > id) || !seen.insert(other) {
                            continue;
                        }
                        let s = match sig_cache.get(&other) {
                            Some(o) => sig.similarity(o),
                            None => {
                                let ob: Vec<u8> = get_sig.query_row([other], |r| r.get(0))?;
                                let o = Signature::from_bytes(&ob).ok_or_else(|| {
                                    Error::Corrupt(format!("signature of content {other}"))
                                })?;
                                let s = sig.similarity(&o);
                                if sig_cache.len() < 200_000 {
                                    sig_cache.insert(other, o);
                                }
                                s
                            }
                        };
                        if s >= settings.dup_threshold {
                            best.push((s, other));
                        }
                    }
                }
                best.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
                for (s, other) in best.into_iter().take(8) {
                    let sim = Some((s * 1000.0).round() / 1000.0);
                    template_links +=
                        ins_link.push(&tx, (other.min(id), other.max(id), true, None, sim))?;
                }
            }
            template_links += ins_link.flush(&tx)?;
        }
        phases.lap("template links");
        if since == 0 {
            tx.execute_batch(LINK_INDEXES)?;
            phases.lap("link indexes");
        }
        // Components over the whole edge table (linear), keeping existing cluster ids stable.
        {
            let mut st = tx.prepare("SELECT a, b FROM links")?;
            let edges = st
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut nodes: Vec<i64> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
            nodes.sort_unstable();
            nodes.dedup();
            let idx = |x: i64| nodes.binary_search(&x).map(|i| i as u32).unwrap_or(0);
            let comps =
                cluster::components(nodes.len(), edges.iter().map(|&(a, b)| (idx(a), idx(b))));
            let mut old: HashMap<i64, i64> = HashMap::new();
            {
                let mut st = tx.prepare("SELECT content_id, cluster_id FROM cluster_members")?;
                for r in st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
                    let (c, k) = r?;
                    old.insert(c, k);
                }
            }
            let mut up_member = tx.prepare_cached(
                "INSERT INTO cluster_members (content_id, cluster_id) VALUES (?1, ?2)
                 ON CONFLICT (content_id) DO UPDATE SET cluster_id = excluded.cluster_id",
            )?;
            let mut new_cluster = tx.prepare_cached(
                "INSERT INTO clusters (size, created_at, updated_at) VALUES (?1, ?2, ?2)",
            )?;
            let mut upd_cluster = tx.prepare_cached(
                "UPDATE clusters SET size = ?2, updated_at = ?3 WHERE id = ?1 AND size <> ?2",
            )?;
            let mut used = HashSet::new();
            for comp in comps {
                let members: Vec<i64> = comp.iter().map(|&i| nodes[i as usize]).collect();
                let existing = members.iter().filter_map(|m| old.get(m)).copied().min();
                let cid = match existing {
                    Some(k) if used.insert(k) => {
                        upd_cluster.execute(params![k, members.len() as i64, now])?;
                        k
                    }
                    _ => {
                        new_cluster.execute(params![members.len() as i64, now])?;
                        tx.last_insert_rowid()
                    }
                };
                for m in members {
                    if old.get(&m) != Some(&cid) {
                        up_member.execute(params![m, cid])?;
                    }
                }
            }
            tx.execute(
                "DELETE FROM clusters WHERE id NOT IN (SELECT DISTINCT cluster_id FROM cluster_members)",
                [],
            )?;
        }
        let new_documents = (max_id - since).max(0) as u64;
        tx.execute(
            "INSERT INTO cluster_state (id, last_content_id, settings, judgements, built_at)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET last_content_id = excluded.last_content_id,
                settings = excluded.settings, judgements = excluded.judgements, built_at = excluded.built_at",
            params![max_id, fingerprint, judged, now],
        )?;
        SqliteStore::audit(
            &tx,
            viewer,
            "cluster",
            &format!(
                "mode={} new_documents={new_documents}",
                mode.unwrap_or("incremental")
            ),
        )?;
        phases.lap("components");
        tx.commit()?;
        phases.lap("commit");
        let overview = self.overview(viewer)?;
        phases.lap("viewer's overview");
        Ok(cluster::Run {
            mode: mode.unwrap_or("incremental").to_string(),
            new_documents,
            selector_links,
            template_links,
            unlinked_selectors: unlinked,
            seconds: started.elapsed().as_secs_f64(),
            phases: phases.done(),
            overview,
        })
    }
}

impl Store for SqliteStore {
    fn ingest(&mut self, viewer: &Viewer, docs: &[NewDoc]) -> Result<IngestOutcome> {
        for d in docs {
            crate::require(viewer, Action::Write, d.tlp, || {
                format!("ingest for {}", viewer.org)
            })?;
        }
        let now = now_utc();
        let mut out = IngestOutcome::default();
        let tx = self.conn.transaction()?;
        {
            let mut ins_content = tx.prepare_cached(
                "INSERT INTO contents (hash, text, kind, lang, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (hash) DO NOTHING",
            )?;
            let mut get_content = tx.prepare_cached("SELECT id FROM contents WHERE hash = ?1")?;
            let mut ins_obs = tx.prepare_cached(
                "INSERT OR IGNORE INTO observations
                 (content_id, org, source, source_id, observed_at, utc_offset_min, tlp, ingested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut ins_assess = tx.prepare_cached(
                "INSERT OR IGNORE INTO assessments (content_id, task, score, band, urgency, flags, engine)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut ins_finding = tx.prepare_cached(
                "INSERT INTO findings (content_id, task, rule, category, start_char, end_char, weight, explain)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut ins_sel = tx.prepare_cached(
                "INSERT INTO selectors (kind, value, valid, state) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (kind, value) DO UPDATE SET
                    valid = MAX(valid, excluded.valid),
                    state = CASE WHEN state = 'extracted' AND excluded.valid = 1 THEN 'validated'
                                 ELSE state END
                 RETURNING id",
            )?;
            let mut ins_cs = tx.prepare_cached(
                "INSERT OR IGNORE INTO content_selectors
                 (content_id, selector_id, start_char, end_char, raw, role, ambiguous)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut ins_sig = tx.prepare_cached(
                "INSERT OR IGNORE INTO minhashes (content_id, signature) VALUES (?1, ?2)",
            )?;
            let mut ins_band = tx.prepare_cached(
                "INSERT OR IGNORE INTO lsh_bands (band, bucket, content_id) VALUES (?1, ?2, ?3)",
            )?;
            for d in docs {
                let hash = content_hash(&d.text);
                let r = &d.report;
                let new_content =
                    ins_content.execute(params![hash, d.text, d.kind, r.lang, now])? == 1;
                let id: i64 = if new_content {
                    tx.last_insert_rowid()
                } else {
                    get_content.query_row([&hash], |r| r.get(0))?
                };
                let observed = d.observed_at.as_deref().unwrap_or(&now);
                let stored = ins_obs.execute(params![
                    id,
                    viewer.org,
                    d.source,
                    d.source_id,
                    observed,
                    d.utc_offset_min,
                    d.tlp.as_str(),
                    now
                ])? == 1;
                if !stored {
                    out.already_stored += 1;
                    continue;
                }
                out.stored += 1;
                if !new_content {
                    continue;
                }
                out.new_contents += 1;
                let tasks = [
                    ("lure", &r.lure, None, None),
                    ("scam", &r.scam, None, None),
                    (
                        "distress",
                        &r.distress.assessment,
                        Some(i64::from(r.distress.urgency)),
                        Some(r.distress.flags.join(",")),
                    ),
                ];
                for (task, a, urgency, flags) in tasks {
                    ins_assess.execute(params![
                        id,
                        task,
                        a.score,
                        a.band.name(),
                        urgency,
                        flags,
                        d.engine.as_ref()
                    ])?;
                    for f in &a.findings {
                        ins_finding.execute(params![
                            id,
                            task,
                            f.rule,
                            f.category,
                            f.start as i64,
                            f.end as i64,
                            f.weight,
                            f.explain
                        ])?;
                    }
                }
                for s in &r.selectors {
                    let valid = s.valid;
                    let state = if valid { "validated" } else { "extracted" };
                    let sid: i64 = ins_sel
                        .query_row(params![s.kind.as_str(), s.value, valid, state], |r| {
                            r.get(0)
                        })?;
                    let role = match s.role {
                        redflag_core::Role::Contact => "contact",
                        redflag_core::Role::Victim => "victim",
                        redflag_core::Role::Hotline => "hotline",
                    };
                    ins_cs.execute(params![
                        id,
                        sid,
                        s.start as i64,
                        s.end as i64,
                        s.raw,
                        role,
                        s.ambiguous
                    ])?;
                }
                ins_sig.execute(params![id, d.signature.to_bytes()])?;
                for (b, key) in d.signature.bands().iter().enumerate() {
                    ins_band.execute(params![b as i64, key, id])?;
                }
            }
        }
        SqliteStore::audit(
            &tx,
            viewer,
            "ingest",
            &format!(
                "stored={} new_contents={} already={}",
                out.stored, out.new_contents, out.already_stored
            ),
        )?;
        tx.commit()?;
        Ok(out)
    }

    fn stats(&self, viewer: &Viewer) -> Result<Stats> {
        let mut st = self
            .conn
            .prepare("SELECT content_id, org, tlp FROM observations")?;
        let mut rows = st.query([])?;
        let mut contents = HashSet::new();
        let mut observations = 0;
        while let Some(r) = rows.next()? {
            let org: String = r.get(1)?;
            let tlp = tlp_of(&r.get::<_, String>(2)?)?;
            if decide(viewer, Action::Read, Mark { org: &org, tlp }) {
                observations += 1;
                contents.insert(r.get::<_, i64>(0)?);
            }
        }
        Ok(Stats {
            contents: contents.len() as u64,
            observations,
        })
    }

    fn document(&self, viewer: &Viewer, id: i64) -> Result<Option<DocView>> {
        let mut vis = self.visible_observations(viewer, &[id])?;
        match vis.remove(&id) {
            Some(obs) => self.doc_view(viewer, id, obs),
            None => Ok(None),
        }
    }

    fn reasons(&self, viewer: &Viewer, id: i64) -> Result<Option<crate::Reasons>> {
        if !self.visible_observations(viewer, &[id])?.contains_key(&id) {
            return Ok(None);
        }
        let mut out = crate::Reasons::default();
        let mut st = self.conn.prepare_cached(
            "SELECT task, rule, category, start_char, end_char, weight, explain FROM findings
             WHERE content_id = ?1 ORDER BY start_char, end_char, id",
        )?;
        for r in st.query_map([id], |r| {
            Ok(crate::FindingView {
                task: r.get(0)?,
                rule: r.get(1)?,
                category: r.get(2)?,
                start: r.get::<_, i64>(3)?.max(0) as usize,
                end: r.get::<_, i64>(4)?.max(0) as usize,
                weight: r.get(5)?,
                explain: r.get(6)?,
            })
        })? {
            out.findings.push(r?);
        }
        let mut st = self.conn.prepare_cached(
            "SELECT cs.start_char, cs.end_char, s.kind, cs.role FROM content_selectors cs
             JOIN selectors s ON s.id = cs.selector_id WHERE cs.content_id = ?1
             ORDER BY cs.start_char, cs.end_char, s.kind",
        )?;
        for r in st.query_map([id], |r| {
            Ok(crate::SelectorSpan {
                start: r.get::<_, i64>(0)?.max(0) as usize,
                end: r.get::<_, i64>(1)?.max(0) as usize,
                kind: r.get(2)?,
                role: r.get(3)?,
            })
        })? {
            out.selectors.push(r?);
        }
        Ok(Some(out))
    }

    fn find(&self, viewer: &Viewer, keys: &[SelectorKey]) -> Result<Vec<DocView>> {
        let mut hits: BTreeMap<i64, bool> = BTreeMap::new(); // content → only victim occurrences
        let mut st = self.conn.prepare_cached(
            "SELECT cs.content_id, cs.role FROM content_selectors cs
             JOIN selectors s ON s.id = cs.selector_id WHERE s.kind = ?1 AND s.value = ?2",
        )?;
        for k in keys {
            for r in st.query_map(params![k.kind, k.value], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })? {
                let (id, role) = r?;
                let victim_only = role == "victim";
                hits.entry(id)
                    .and_modify(|v| *v &= victim_only)
                    .or_insert(victim_only);
            }
        }
        let ids: Vec<i64> = hits.keys().copied().collect();
        let vis = self.visible_observations(viewer, &ids)?;
        crate::found_documents(viewer, hits, vis, |id, obs| self.doc_view(viewer, id, obs))
    }

    fn dups(&self, viewer: &Viewer, threshold: f64) -> Result<Vec<Family>> {
        let vis = self.visible_all(viewer)?;
        let mut ids = Vec::new();
        let mut sigs = Vec::new();
        let mut st = self
            .conn
            .prepare("SELECT content_id, signature FROM minhashes ORDER BY content_id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if !vis.contains_key(&id) {
                continue;
            }
            let sig =
                Signature::from_bytes(r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?)
                    .ok_or_else(|| Error::Corrupt(format!("signature of content {id}")))?;
            ids.push(id);
            sigs.push(sig);
        }
        let pairs = minhash::similar_pairs(&sigs, threshold);
        let mut sample = self
            .conn
            .prepare_cached("SELECT text FROM contents WHERE id = ?1")?;
        crate::families(&ids, &pairs, |id| Ok(sample.query_row([id], |r| r.get(0))?))
    }

    fn judge(
        &mut self,
        viewer: &Viewer,
        key: &SelectorKey,
        verdict: Verdict,
        note: Option<&str>,
    ) -> Result<bool> {
        crate::require(viewer, Action::Write, Tlp::Red, || "judge selectors".into())?;
        let Some(sid): Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM selectors WHERE kind = ?1 AND value = ?2",
                params![key.kind, key.value],
                |r| r.get(0),
            )
            .optional()?
        else {
            return Ok(false);
        };
        // Only a selector the viewer can see in some document can be judged: otherwise the answer
        // would reveal that someone else holds it.
        if self.find(viewer, std::slice::from_ref(key))?.is_empty() {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO judgements (selector_id, org, analyst, verdict, note, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                sid,
                viewer.org,
                viewer.role.as_str(),
                verdict.as_str(),
                note,
                now_utc()
            ],
        )?;
        SqliteStore::audit(
            &tx,
            viewer,
            "judge",
            &format!("selector={sid} verdict={}", verdict.as_str()),
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn cluster(&mut self, viewer: &Viewer, settings: &cluster::Settings) -> Result<cluster::Run> {
        crate::require(viewer, Action::Maintain, Tlp::Red, || {
            "rebuild clusters".into()
        })?;
        // Clustering writes links and memberships between ids it reads in the same transaction, so
        // their foreign keys hold by construction; checking them costs a B-tree look-up per end of
        // each of millions of rows. `check` still runs `foreign_key_check` over everything.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let out = self.cluster_unchecked(viewer, settings);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        out
    }

    fn clusters(&self, viewer: &Viewer) -> Result<Overview> {
        self.overview(viewer)
    }

    fn watchlists(&self, viewer: &Viewer) -> Result<redflag_core::Watchlists> {
        let mut st = self.conn.prepare(crate::WATCHLIST_ROWS)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<crate::WatchRow>>>()?;
        crate::readable_watchlists(viewer, rows)
    }

    fn add_watchlist(&mut self, viewer: &Viewer, list: &crate::Watchlist) -> Result<u64> {
        crate::require(viewer, Action::Write, list.tlp, || "add watchlists".into())?;
        if list.name.trim().is_empty() {
            return Err(Error::Invalid("a watchlist needs a name".into()));
        }
        let tx = self.conn.transaction()?;
        let owner: Option<String> = tx
            .query_row(
                "SELECT org FROM watchlists WHERE name = ?1",
                [&list.name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(o) = owner {
            if o != viewer.org {
                return Err(Error::Denied(format!(
                    "the watchlist name {:?} is taken",
                    list.name
                )));
            }
            tx.execute(
                "DELETE FROM watchlist_entries WHERE watchlist_id = (SELECT id FROM watchlists WHERE name = ?1)",
                [&list.name],
            )?;
            tx.execute("DELETE FROM watchlists WHERE name = ?1", [&list.name])?;
        }
        let id: i64 = tx.query_row(
            "INSERT INTO watchlists (name, org, source, licence, allow, tlp, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            params![
                list.name,
                viewer.org,
                list.source,
                list.licence,
                list.allow,
                list.tlp.as_str(),
                now_utc()
            ],
            |r| r.get(0),
        )?;
        let mut n = 0u64;
        {
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO watchlist_entries (watchlist_id, kind, value) VALUES (?1, ?2, ?3)",
            )?;
            for e in &list.entries {
                n += ins.execute(params![id, e.kind, e.value])? as u64;
            }
        }
        SqliteStore::audit(
            &tx,
            viewer,
            "watchlist",
            &format!("watchlist={id} entries={n}"),
        )?;
        tx.commit()?;
        Ok(n)
    }

    fn show_cluster(&self, viewer: &Viewer, id: i64) -> Result<Option<ClusterView>> {
        let Some((name, members, links)) = self.viewer_component(viewer, id)? else {
            return Ok(None);
        };
        let vis = self.visible_observations(viewer, &members)?;
        let mut docs = Vec::new();
        for &m in &members {
            if let Some(doc) = self.doc_view(viewer, m, vis[&m].clone())? {
                docs.push(doc);
            }
        }
        let mut lookup = self
            .conn
            .prepare_cached("SELECT kind, value FROM selectors WHERE id = ?1")?;
        let mut selector_names: HashMap<i64, String> = HashMap::new();
        for l in &links {
            if let Some(sid) = l.selector
                && !selector_names.contains_key(&sid)
            {
                let (k, v): (String, String) =
                    lookup.query_row([sid], |r| Ok((r.get(0)?, r.get(1)?)))?;
                selector_names.insert(sid, format!("shared {k} {v}"));
            }
        }
        Ok(Some(cluster_view(
            name,
            &members,
            &vis,
            docs,
            &links,
            &selector_names,
        )))
    }

    fn check(&self) -> Result<Vec<String>> {
        SqliteStore::check(self)
    }

    fn sql_tx(&mut self, f: &mut dyn FnMut(&mut dyn crate::sql::Sql) -> Result<()>) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        f(&mut crate::sql::Lite(&tx))?;
        tx.commit()?;
        Ok(())
    }

    fn documents(&self, viewer: &Viewer, ids: &[i64]) -> Result<Vec<DocView>> {
        let mut vis = self.visible_observations(viewer, ids)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(obs) = vis.remove(id)
                && let Some(d) = self.doc_view_bare(viewer, *id, obs)?
            {
                out.push(d);
            }
        }
        Ok(out)
    }

    fn document_ids(&self, viewer: &Viewer) -> Result<Vec<i64>> {
        let mut st = self
            .conn
            .prepare("SELECT content_id, org, tlp FROM observations")?;
        let mut rows = st.query([])?;
        let mut ids = std::collections::BTreeSet::new();
        while let Some(r) = rows.next()? {
            let org: String = r.get(1)?;
            let tlp = tlp_of(&r.get::<_, String>(2)?)?;
            if decide(viewer, Action::Read, Mark { org: &org, tlp }) {
                ids.insert(r.get::<_, i64>(0)?);
            }
        }
        Ok(ids.into_iter().collect())
    }
}

/// A cluster as a viewer sees it, from its visible members' documents (in member order) and the
/// names of the selectors its links carry; shared by both backends.
pub(crate) fn cluster_view(
    name: i64,
    members: &[i64],
    vis: &HashMap<i64, Vec<ObservationView>>,
    docs: Vec<DocView>,
    links: &[RawLink],
    selector_names: &HashMap<i64, String>,
) -> ClusterView {
    let set: HashSet<i64> = members.iter().copied().collect();
    let mut out_members = Vec::new();
    let mut selectors: BTreeMap<String, BTreeMap<String, ClusterSelector>> = BTreeMap::new();
    let mut place_docs: BTreeMap<usize, u64> = BTreeMap::new();
    let mut months: BTreeMap<String, Month> = BTreeMap::new();
    let mut first_seen = String::new();
    let mut last_seen = String::new();
    let mut tlp = Tlp::Clear;
    for doc in docs {
        let m = doc.id;
        let obs = &vis[&m];
        let seen = obs
            .iter()
            .map(|o| o.observed_at.as_str())
            .min()
            .unwrap_or("");
        let last = obs
            .iter()
            .map(|o| o.observed_at.as_str())
            .max()
            .unwrap_or("");
        if first_seen.is_empty() || seen < first_seen.as_str() {
            first_seen = seen.to_string();
        }
        if last > last_seen.as_str() {
            last_seen = last.to_string();
        }
        tlp = obs.iter().map(|o| o.tlp).fold(tlp, Tlp::max);
        let band = |t: &str| doc.bands.get(t).cloned().unwrap_or_default();
        out_members.push(Member {
            id: m,
            lang: doc.lang.clone(),
            first_seen: seen.to_string(),
            bands: [band("lure"), band("scam"), band("distress")],
        });
        let month_key: String = seen.chars().take(7).collect();
        let month = months.entry(month_key.clone()).or_insert_with(|| Month {
            month: month_key,
            calling_codes: BTreeMap::new(),
            places: BTreeMap::new(),
        });
        let mut codes = HashSet::new();
        let mut per_doc: HashSet<(String, String)> = HashSet::new();
        for s in &doc.selectors {
            if !per_doc.insert((s.kind.clone(), s.value.clone())) {
                continue;
            }
            let e = selectors
                .entry(s.kind.clone())
                .or_default()
                .entry(s.value.clone())
                .or_insert_with(|| ClusterSelector {
                    value: s.value.clone(),
                    state: s.state.clone(),
                    documents: 0,
                    unlinked_because: s.unlinked_because.clone(),
                    watchlists: s.watchlists.clone(),
                });
            e.documents += 1;
            if s.kind == "phone"
                && s.valid
                && s.role == "contact"
                && let Some(c) = cluster::calling_code(&s.value)
            {
                codes.insert(c);
            }
        }
        for c in codes {
            *month.calling_codes.entry(c).or_default() += 1;
        }
        for p in cluster::places_in(&doc.text) {
            *place_docs.entry(p).or_default() += 1;
            *month
                .places
                .entry(cluster::places()[p].id.clone())
                .or_default() += 1;
        }
    }
    // Why each link exists, among the members only.
    let mut link_views = Vec::new();
    let mut carrier: HashMap<i64, i64> = HashMap::new();
    for l in links {
        if l.template {
            if set.contains(&l.a) && set.contains(&l.b) {
                link_views.push(LinkView {
                    a: l.a,
                    b: l.b,
                    why: format!("template (similarity {:.2})", l.similarity.unwrap_or(0.0)),
                });
            }
            continue;
        }
        let Some(sid) = l.selector else { continue };
        let Some(name) = selector_names.get(&sid) else {
            continue;
        };
        for x in [l.a, l.b] {
            if !set.contains(&x) {
                continue;
            }
            let first = *carrier.entry(sid).or_insert(x);
            if first != x {
                let (a, b) = (first.min(x), first.max(x));
                if !link_views
                    .iter()
                    .any(|v| v.a == a && v.b == b && &v.why == name)
                {
                    link_views.push(LinkView {
                        a,
                        b,
                        why: name.clone(),
                    });
                }
            }
        }
    }
    // The same order on every backend, whatever order the links were read in.
    link_views.sort_by(|x, y| (x.a, x.b, &x.why).cmp(&(y.a, y.b, &y.why)));
    let places = place_docs
        .into_iter()
        .map(|(i, n)| {
            let p = &cluster::places()[i];
            (p.id.clone(), p.name.clone(), p.country.clone(), n)
        })
        .collect();
    ClusterView {
        id: name,
        members: out_members,
        selectors: selectors
            .into_iter()
            .map(|(k, v)| {
                let mut v: Vec<ClusterSelector> = v.into_values().collect();
                v.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.value.cmp(&b.value)));
                (k, v)
            })
            .collect(),
        links: link_views,
        first_seen,
        last_seen,
        places,
        timeline: months.into_values().collect(),
        tlp,
    }
}
