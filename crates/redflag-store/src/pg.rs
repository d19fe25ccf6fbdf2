//! The server backend: PostgreSQL through the synchronous `postgres` client (tokio-postgres under a
//! small internal runtime), so the [`Store`] trait stays synchronous.
//!
//! Same schema as the SQLite backend (migrations/postgres/), same access decisions, same results.
//! Parameterised SQL only; the one name put into SQL text, a schema, is checked to be `[a-z0-9_]+`.
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Transaction};

use crate::access::{Action, Mark, Tlp, Viewer, decide};
use crate::cluster::{self, ClusterView, Overview};
use crate::minhash::{self, Signature};
use crate::sqlite::{Component, RawLink, SqliteStore, Vis, tlp_of, viewer_components};
use crate::{
    DocView, Error, Family, IngestOutcome, NewDoc, ObservationView, Result, SelectorKey,
    SelectorView, Stats, Store, Verdict, content_hash, now_utc,
};

type Params<'a> = [&'a (dyn ToSql + Sync)];

/// Versioned migrations, applied in order, each in its own transaction.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "workspace",
        include_str!("../migrations/postgres/0002_workspace.sql"),
    ),
];

/// The indexes of `links` (as in migration 0001), rebuilt in bulk after a full clustering.
const LINK_INDEXES: &str = "
    CREATE UNIQUE INDEX IF NOT EXISTS links_unique ON links(a, b, reason, COALESCE(selector_id, 0));
    CREATE INDEX IF NOT EXISTS links_b ON links(b);
    CREATE INDEX IF NOT EXISTS links_selector ON links(selector_id);";

/// The PostgreSQL store.
pub struct PgStore {
    conn: RefCell<Client>,
}

fn raw_link(r: &Row) -> RawLink {
    RawLink {
        a: r.get(0),
        b: r.get(1),
        template: r.get::<_, &str>(2) == "template",
        selector: r.get(3),
        similarity: r.get(4),
    }
}

/// A schema name safe to put into SQL text.
fn check_schema(name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 63
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(Error::Invalid(format!(
            "schema name {name:?}: use [a-z0-9_], at most 63 characters"
        )));
    }
    Ok(())
}

impl PgStore {
    /// Connect to `url` (`postgres://user@host:port/db`) and bring the schema up to date.
    pub fn open(url: &str) -> Result<PgStore> {
        let client = Client::connect(url, NoTls)?;
        PgStore::init(client)
    }

    /// Connect and work inside `schema` (created if absent): one database can hold several stores
    /// (tests give each its own).
    pub fn open_in_schema(url: &str, schema: &str) -> Result<PgStore> {
        check_schema(schema)?;
        let mut client = Client::connect(url, NoTls)?;
        client.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema};"
        ))?;
        PgStore::init(client)
    }

    /// Drop a schema made by [`PgStore::open_in_schema`] with everything in it.
    pub fn drop_schema(url: &str, schema: &str) -> Result<()> {
        check_schema(schema)?;
        let mut client = Client::connect(url, NoTls)?;
        client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
        Ok(())
    }

    fn init(client: Client) -> Result<PgStore> {
        let s = PgStore {
            conn: RefCell::new(client),
        };
        s.migrate()?;
        Ok(s)
    }

    fn migrate(&self) -> Result<()> {
        let mut c = self.conn.borrow_mut();
        c.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        for &(version, name, sql) in MIGRATIONS {
            let mut tx = c.transaction()?;
            // Two processes opening a new store at once: one migrates, the other waits.
            tx.execute("SELECT pg_advisory_xact_lock(7271)", &[])?;
            let done: bool = tx
                .query_one(
                    "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = $1)",
                    &[&version],
                )?
                .get(0);
            if !done {
                tx.batch_execute(sql)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    &[&version, &name, &now_utc()],
                )?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    fn rows(&self, sql: &str, p: &Params<'_>) -> Result<Vec<Row>> {
        Ok(self.conn.borrow_mut().query(sql, p)?)
    }

    fn one(&self, sql: &str, p: &Params<'_>) -> Result<Row> {
        Ok(self.conn.borrow_mut().query_one(sql, p)?)
    }

    fn opt(&self, sql: &str, p: &Params<'_>) -> Result<Option<Row>> {
        Ok(self.conn.borrow_mut().query_opt(sql, p)?)
    }

    /// The schema version.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                &[],
            )?
            .get(0))
    }

    /// Problems found by the consistency checks (empty: consistent). PostgreSQL enforces foreign
    /// keys on every statement; what is left to check is that every content has its analysis.
    pub fn check(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let orphans: i64 = self
            .one(
                "SELECT COUNT(*) FROM contents c WHERE NOT EXISTS
                 (SELECT 1 FROM assessments a WHERE a.content_id = c.id)
              OR NOT EXISTS (SELECT 1 FROM minhashes m WHERE m.content_id = c.id)
              OR NOT EXISTS (SELECT 1 FROM observations o WHERE o.content_id = c.id)",
                &[],
            )?
            .get(0);
        if orphans > 0 {
            out.push(format!(
                "{orphans} contents without assessment, signature or observation"
            ));
        }
        Ok(out)
    }

    /// Source ids the viewer's organisation has stored (tests and resumption).
    pub fn source_ids(&self, viewer: &Viewer) -> Result<HashSet<String>> {
        let mut out = HashSet::new();
        for r in self.rows(
            "SELECT source_id, tlp FROM observations WHERE org = $1 AND source_id IS NOT NULL",
            &[&viewer.org],
        )? {
            let tlp = tlp_of(r.get(1))?;
            if decide(
                viewer,
                Action::Read,
                Mark {
                    org: &viewer.org,
                    tlp,
                },
            ) {
                out.insert(r.get(0));
            }
        }
        Ok(out)
    }

    /// Run one SQL statement that returns nothing (tests: the audit log refuses changes).
    pub fn execute_raw(&self, sql: &str) -> Result<u64> {
        Ok(self.conn.borrow_mut().execute(sql, &[])?)
    }

    fn audit(tx: &mut Transaction<'_>, viewer: &Viewer, action: &str, object: &str) -> Result<()> {
        crate::audit::append(tx, &viewer.org, viewer.role.as_str(), action, object)
    }

    /// The visible observations of the given contents, through [`decide`]. Contents with none are
    /// absent.
    fn visible_observations(
        &self,
        viewer: &Viewer,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<ObservationView>>> {
        let mut out: HashMap<i64, Vec<ObservationView>> = HashMap::new();
        let rows = self.rows(
            "SELECT content_id, org, source, source_id, observed_at, tlp FROM observations
             WHERE content_id = ANY($1) ORDER BY content_id, observed_at, id",
            &[&ids],
        )?;
        for r in rows {
            let org: String = r.get(1);
            let tlp = tlp_of(r.get(5))?;
            if decide(viewer, Action::Read, Mark { org: &org, tlp }) {
                out.entry(r.get(0)).or_default().push(ObservationView {
                    org,
                    source: r.get(2),
                    source_id: r.get(3),
                    observed_at: r.get(4),
                    tlp,
                });
            }
        }
        Ok(out)
    }

    /// Every content the viewer may read, with its first visible observation.
    fn visible_all(&self, viewer: &Viewer) -> Result<HashMap<i64, Vis>> {
        let mut out: HashMap<i64, Vis> = HashMap::new();
        for r in self.rows(
            "SELECT content_id, org, tlp, observed_at FROM observations",
            &[],
        )? {
            let id: i64 = r.get(0);
            let org: &str = r.get(1);
            let tlp = tlp_of(r.get(2))?;
            let mark = Mark { org, tlp };
            if !decide(viewer, Action::Read, mark) {
                continue;
            }
            let seen: String = r.get(3);
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
        let Some(row) = self.opt(
            "SELECT hash, lang, text FROM contents WHERE id = $1",
            &[&id],
        )?
        else {
            return Ok(None);
        };
        let mut bands = BTreeMap::new();
        for r in self.rows(
            "SELECT task, band FROM assessments WHERE content_id = $1",
            &[&id],
        )? {
            bands.insert(r.get(0), r.get(1));
        }
        let victim_ok = SqliteStore::victim_ok(viewer, &observations);
        let mut selectors = Vec::new();
        for r in self.rows(
            "SELECT s.kind, s.value, cs.raw, cs.role, s.valid, s.state, s.unlinked_because
             FROM content_selectors cs JOIN selectors s ON s.id = cs.selector_id
             WHERE cs.content_id = $1 ORDER BY cs.start_char, s.kind",
            &[&id],
        )? {
            let mut s = SelectorView {
                kind: r.get(0),
                value: r.get(1),
                raw: r.get(2),
                role: r.get(3),
                valid: r.get(4),
                state: r.get(5),
                unlinked_because: r.get(6),
                watchlists: Vec::new(),
            };
            if s.role != "victim" || victim_ok {
                s.watchlists = self.watchlists_naming(viewer, &s.kind, &s.value)?;
                selectors.push(s);
            }
        }
        Ok(Some(DocView {
            id,
            hash: row.get(0),
            lang: row.get(1),
            text: row.get(2),
            bands,
            observations,
            selectors,
            cluster: None,
        }))
    }

    /// Names of the watchlists the viewer may read that list this selector.
    fn watchlists_naming(&self, viewer: &Viewer, kind: &str, value: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for r in self.rows(
            "SELECT w.name, w.org, w.tlp, w.allow FROM watchlist_entries e
             JOIN watchlists w ON w.id = e.watchlist_id WHERE e.kind = $1 AND e.value = $2
             ORDER BY w.name",
            &[&kind, &value],
        )? {
            let name: String = r.get(0);
            let allow: bool = r.get(3);
            if decide(
                viewer,
                Action::Read,
                Mark {
                    org: r.get(1),
                    tlp: tlp_of(r.get(2))?,
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
        let Some(row) = self.opt(
            "SELECT cluster_id FROM cluster_members WHERE content_id = $1",
            &[&id],
        )?
        else {
            return Ok(None);
        };
        let cid: i64 = row.get(0);
        let members = self
            .rows(
                "SELECT content_id FROM cluster_members WHERE cluster_id = $1",
                &[&cid],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let links = self
            .rows(
                "SELECT l.a, l.b, l.reason, l.selector_id, l.similarity FROM links l
                 JOIN cluster_members m ON m.content_id = l.a WHERE m.cluster_id = $1",
                &[&cid],
            )?
            .iter()
            .map(raw_link)
            .collect();
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

    fn overview(&self, viewer: &Viewer) -> Result<Overview> {
        let vis = self.visible_all(viewer)?;
        let mut visible: Vec<i64> = vis.keys().copied().collect();
        visible.sort_unstable();
        let links: Vec<RawLink> = self
            .rows(
                "SELECT a, b, reason, selector_id, similarity FROM links",
                &[],
            )?
            .iter()
            .map(raw_link)
            .collect();
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

    /// Recompute every selector's state and whether it links; returns the selectors that stopped
    /// linking since the last run and the count of those that link nothing.
    fn refresh_selectors(
        tx: &mut Transaction<'_>,
        settings: &cluster::Settings,
        since: Option<i64>,
    ) -> Result<(u64, u64)> {
        // Only selectors touched by new contents can change, unless rebuilding.
        let scope = match since {
            Some(_) => {
                "WHERE s.id IN (SELECT selector_id FROM content_selectors WHERE content_id > $1)"
            }
            None => "",
        };
        let sql = format!(
            "SELECT s.id, s.valid, s.linkable, s.state, s.unlinked_because,
                (SELECT COUNT(DISTINCT cs.content_id) FROM content_selectors cs WHERE cs.selector_id = s.id),
                (SELECT COUNT(DISTINCT o.org || chr(31) || o.source) FROM content_selectors cs
                    JOIN observations o ON o.content_id = cs.content_id WHERE cs.selector_id = s.id),
                (SELECT j.verdict FROM judgements j WHERE j.selector_id = s.id ORDER BY j.id DESC LIMIT 1),
                EXISTS (SELECT 1 FROM watchlist_entries e JOIN watchlists w ON w.id = e.watchlist_id
                    WHERE w.allow AND e.kind = s.kind AND e.value = s.value),
                EXISTS (SELECT 1 FROM content_selectors cs WHERE cs.selector_id = s.id
                    AND cs.role = 'hotline'),
                EXISTS (SELECT 1 FROM links l WHERE l.selector_id = s.id)
             FROM selectors s {scope}"
        );
        let rows = match since {
            Some(n) => tx.query(&sql, &[&n])?,
            None => tx.query(&sql, &[])?,
        };
        let mut newly_unlinked = 0;
        let mut unlinked = 0;
        // The changed states, written by one statement.
        let mut ch_id: Vec<i64> = Vec::new();
        let mut ch_state: Vec<&str> = Vec::new();
        let mut ch_linkable: Vec<bool> = Vec::new();
        let mut ch_why: Vec<Option<String>> = Vec::new();
        for r in rows {
            let id: i64 = r.get(0);
            let valid: bool = r.get(1);
            let was_linkable: bool = r.get(2);
            let old_state: String = r.get(3);
            let old_why: Option<String> = r.get(4);
            let contents = r.get::<_, i64>(5) as u64;
            let sources = r.get::<_, i64>(6) as u64;
            let verdict: Option<String> = r.get(7);
            let allowed: bool = r.get(8);
            let hotline: bool = r.get(9);
            let has_links: bool = r.get(10);
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
            if old_state != state || was_linkable != linkable || old_why != why {
                ch_id.push(id);
                ch_state.push(state);
                ch_linkable.push(linkable);
                ch_why.push(why);
            }
        }
        if !ch_id.is_empty() {
            tx.execute(
                "UPDATE selectors s SET state = u.state, linkable = u.linkable, unlinked_because = u.why
                 FROM unnest($1::BIGINT[], $2::TEXT[], $3::BOOLEAN[], $4::TEXT[]) AS u(id, state, linkable, why)
                 WHERE s.id = u.id",
                &[&ch_id, &ch_state, &ch_linkable, &ch_why],
            )?;
        }
        if since.is_some() {
            // Count the untouched ones too.
            unlinked = tx
                .query_one("SELECT COUNT(*) FROM selectors WHERE NOT linkable", &[])?
                .get::<_, i64>(0) as u64;
        }
        Ok((newly_unlinked, unlinked))
    }
}

impl Store for PgStore {
    fn ingest(&mut self, viewer: &Viewer, docs: &[NewDoc]) -> Result<IngestOutcome> {
        for d in docs {
            crate::require(viewer, Action::Write, d.tlp, || {
                format!("ingest for {}", viewer.org)
            })?;
        }
        let now = now_utc();
        let mut out = IngestOutcome::default();
        let conn = self.conn.get_mut();
        let mut tx = conn.transaction()?;
        let ins_content = tx.prepare(
            "INSERT INTO contents (hash, text, kind, lang, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (hash) DO NOTHING RETURNING id",
        )?;
        let get_content = tx.prepare("SELECT id FROM contents WHERE hash = $1")?;
        let ins_obs = tx.prepare(
            "INSERT INTO observations
             (content_id, org, source, source_id, observed_at, utc_offset_min, tlp, ingested_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )?;
        // The rows under each new content are gathered over the batch and written with one
        // statement per table (arrays through unnest): a round trip per row would dominate.
        let mut rows = ChildRows::default();
        for d in docs {
            let hash = content_hash(&d.text);
            let r = &d.report;
            let lang: &str = r.lang.as_ref();
            let inserted = tx.query_opt(&ins_content, &[&hash, &d.text, &d.kind, &lang, &now])?;
            let new_content = inserted.is_some();
            let id: i64 = match inserted {
                Some(row) => row.get(0),
                None => tx.query_one(&get_content, &[&hash])?.get(0),
            };
            let observed = d.observed_at.as_deref().unwrap_or(&now);
            let stored = tx.execute(
                &ins_obs,
                &[
                    &id,
                    &viewer.org,
                    &d.source,
                    &d.source_id,
                    &observed,
                    &d.utc_offset_min,
                    &d.tlp.as_str(),
                    &now,
                ],
            )? == 1;
            if !stored {
                out.already_stored += 1;
                continue;
            }
            out.stored += 1;
            if !new_content {
                continue;
            }
            out.new_contents += 1;
            rows.add(id, d);
        }
        rows.write(&mut tx)?;
        PgStore::audit(
            &mut tx,
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
        let mut contents = HashSet::new();
        let mut observations = 0;
        for r in self.rows("SELECT content_id, org, tlp FROM observations", &[])? {
            let tlp = tlp_of(r.get(2))?;
            if decide(viewer, Action::Read, Mark { org: r.get(1), tlp }) {
                observations += 1;
                contents.insert(r.get::<_, i64>(0));
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
        for r in self.rows(
            "SELECT task, rule, category, start_char, end_char, weight, explain FROM findings
             WHERE content_id = $1 ORDER BY start_char, end_char, id",
            &[&id],
        )? {
            out.findings.push(crate::FindingView {
                task: r.get(0),
                rule: r.get(1),
                category: r.get(2),
                start: r.get::<_, i64>(3).max(0) as usize,
                end: r.get::<_, i64>(4).max(0) as usize,
                weight: r.get(5),
                explain: r.get(6),
            });
        }
        for r in self.rows(
            "SELECT cs.start_char, cs.end_char, s.kind, cs.role FROM content_selectors cs
             JOIN selectors s ON s.id = cs.selector_id WHERE cs.content_id = $1
             ORDER BY cs.start_char, cs.end_char, s.kind",
            &[&id],
        )? {
            out.selectors.push(crate::SelectorSpan {
                start: r.get::<_, i64>(0).max(0) as usize,
                end: r.get::<_, i64>(1).max(0) as usize,
                kind: r.get(2),
                role: r.get(3),
            });
        }
        Ok(Some(out))
    }

    fn find(&self, viewer: &Viewer, keys: &[SelectorKey]) -> Result<Vec<DocView>> {
        let mut hits: BTreeMap<i64, bool> = BTreeMap::new(); // content → only victim occurrences
        for k in keys {
            for r in self.rows(
                "SELECT cs.content_id, cs.role FROM content_selectors cs
                 JOIN selectors s ON s.id = cs.selector_id WHERE s.kind = $1 AND s.value = $2",
                &[&k.kind, &k.value],
            )? {
                let victim_only = r.get::<_, &str>(1) == "victim";
                hits.entry(r.get(0))
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
        for r in self.rows(
            "SELECT content_id, signature FROM minhashes ORDER BY content_id",
            &[],
        )? {
            let id: i64 = r.get(0);
            if !vis.contains_key(&id) {
                continue;
            }
            let sig = Signature::from_bytes(r.get(1))
                .ok_or_else(|| Error::Corrupt(format!("signature of content {id}")))?;
            ids.push(id);
            sigs.push(sig);
        }
        let pairs = minhash::similar_pairs(&sigs, threshold);
        crate::families(&ids, &pairs, |id| {
            Ok(self
                .one("SELECT text FROM contents WHERE id = $1", &[&id])?
                .get(0))
        })
    }

    fn judge(
        &mut self,
        viewer: &Viewer,
        key: &SelectorKey,
        verdict: Verdict,
        note: Option<&str>,
    ) -> Result<bool> {
        crate::require(viewer, Action::Write, Tlp::Red, || "judge selectors".into())?;
        let Some(row) = self.opt(
            "SELECT id FROM selectors WHERE kind = $1 AND value = $2",
            &[&key.kind, &key.value],
        )?
        else {
            return Ok(false);
        };
        let sid: i64 = row.get(0);
        // Only a selector the viewer can see in some document can be judged: otherwise the answer
        // would reveal that someone else holds it.
        if self.find(viewer, std::slice::from_ref(key))?.is_empty() {
            return Ok(false);
        }
        let conn = self.conn.get_mut();
        let mut tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO judgements (selector_id, org, analyst, verdict, note, at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &sid,
                &viewer.org,
                &viewer.role.as_str(),
                &verdict.as_str(),
                &note,
                &now_utc(),
            ],
        )?;
        PgStore::audit(
            &mut tx,
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
        let started = Instant::now();
        let mut phases = cluster::Phases::default();
        let conn = self.conn.get_mut();
        let mut tx = conn.transaction()?;
        // One clustering at a time.
        tx.execute("SELECT pg_advisory_xact_lock(7272)", &[])?;
        let state: Option<(i64, String, i64)> = tx
            .query_opt(
                "SELECT last_content_id, settings, judgements FROM cluster_state WHERE id = 1",
                &[],
            )?
            .map(|r| (r.get(0), r.get(1), r.get(2)));
        let judgements: i64 = tx.query_one("SELECT COUNT(*) FROM judgements", &[])?.get(0);
        let allow_entries: i64 = tx
            .query_one(
                "SELECT COUNT(*) FROM watchlist_entries e JOIN watchlists w ON w.id = e.watchlist_id WHERE w.allow",
                &[],
            )?
            .get(0);
        let judged = judgements + allow_entries;
        let max_id: i64 = tx
            .query_one("SELECT COALESCE(MAX(id), 0) FROM contents", &[])?
            .get(0);
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
        let (newly_unlinked, unlinked) = PgStore::refresh_selectors(&mut tx, settings, since)?;
        if mode.is_none() && newly_unlinked > 0 {
            // A selector became a hub: the components it touched must split; rebuild.
            mode = Some("full (a selector became a hub)");
            PgStore::refresh_selectors(&mut tx, settings, None)?;
        }
        let since = if mode.is_none() {
            state.as_ref().map_or(0, |s| s.0)
        } else {
            0
        };
        phases.lap("selector states");
        if since == 0 {
            // A rebuild writes millions of links: without their indexes, then index them in bulk.
            tx.batch_execute(
                "DROP INDEX IF EXISTS links_unique; DROP INDEX IF EXISTS links_b;
                 DROP INDEX IF EXISTS links_selector;
                 DELETE FROM links; DELETE FROM cluster_members; DELETE FROM clusters;",
            )?;
        }
        phases.lap("clearing");
        let now = now_utc();
        let mut selector_links = 0u64;
        let mut template_links = 0u64;
        let mut links = LinkBuf::new(now.clone());
        // Selector links: every new carrier of a linkable selector to the selector's first
        // carrier (a star: k carriers, k - 1 links), in selector order.
        let rows = tx.query(
            "SELECT cs.selector_id, cs.content_id
             FROM content_selectors cs JOIN selectors s ON s.id = cs.selector_id
             WHERE s.linkable AND cs.role = 'contact' AND NOT cs.ambiguous
               AND ($1::BIGINT = 0 OR cs.selector_id IN
                    (SELECT selector_id FROM content_selectors WHERE content_id > $1::BIGINT))
             ORDER BY cs.selector_id, cs.content_id",
            &[&since],
        )?;
        let mut anchor: Option<(i64, i64)> = None;
        let mut last = (0i64, 0i64);
        for r in rows {
            let (sid, c): (i64, i64) = (r.get(0), r.get(1));
            // The same selector twice in one document is one carrier.
            if (sid, c) == last {
                continue;
            }
            last = (sid, c);
            match anchor {
                Some((s0, a)) if s0 == sid => {
                    if c != a && c > since {
                        links.push(a, c, "selector", Some(sid), None);
                        selector_links += links.flush_if_full(&mut tx)?;
                    }
                }
                _ => anchor = Some((sid, c)),
            }
        }
        selector_links += links.flush(&mut tx)?;
        phases.lap("selector links");
        if since == 0 {
            // A rebuild: every pair from the LSH bands in memory, at most 8 per document.
            let mut ids = Vec::new();
            let mut sigs = Vec::new();
            for r in tx.query(
                "SELECT content_id, signature FROM minhashes ORDER BY content_id",
                &[],
            )? {
                let id: i64 = r.get(0);
                let sig = Signature::from_bytes(r.get(1))
                    .ok_or_else(|| Error::Corrupt(format!("signature of content {id}")))?;
                ids.push(id);
                sigs.push(sig);
            }
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
                links.push(
                    ids[i].min(ids[j]),
                    ids[i].max(ids[j]),
                    "template",
                    None,
                    sim,
                );
                template_links += links.flush_if_full(&mut tx)?;
            }
        } else {
            // Template links of an incremental run: candidates from the stored LSH buckets of the
            // new contents.
            let cand = tx.prepare(
                "SELECT content_id FROM lsh_bands WHERE band = $1 AND bucket = $2 AND content_id <> $3
                 ORDER BY content_id LIMIT 64",
            )?;
            let get_sig = tx.prepare("SELECT signature FROM minhashes WHERE content_id = $1")?;
            let news: Vec<(i64, Vec<u8>)> = tx
                .query(
                    "SELECT content_id, signature FROM minhashes WHERE content_id > $1 ORDER BY content_id",
                    &[&since],
                )?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            let mut sig_cache: HashMap<i64, Signature> = HashMap::new();
            for (id, bytes) in news {
                let sig = Signature::from_bytes(&bytes)
                    .ok_or_else(|| Error::Corrupt(format!("signature of content {id}")))?;
                let mut seen = HashSet::new();
                let mut best: Vec<(f64, i64)> = Vec::new();
                for (b, key) in sig.bands().iter().enumerate() {
                    let others: Vec<i64> = tx
                        .query(&cand, &[&(b as i64), key, &id])?
                        .iter()
                        .map(|r| r.get(0))
                        .collect();
                    for other in others {
                        // A pair between two new contents is made once, by the later one.
                        if (other > since && other > id) || !seen.insert(other) {
                            continue;
                        }
                        let s = match sig_cache.get(&other) {
                            Some(o) => sig.similarity(o),
                            None => {
                                let ob: Vec<u8> = tx.query_one(&get_sig, &[&other])?.get(0);
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
                    links.push(other.min(id), other.max(id), "template", None, sim);
                    template_links += links.flush_if_full(&mut tx)?;
                }
            }
        }
        template_links += links.flush(&mut tx)?;
        phases.lap("template links");
        if since == 0 {
            tx.batch_execute(LINK_INDEXES)?;
            phases.lap("link indexes");
        }
        // Components over the whole edge table (linear), keeping existing cluster ids stable.
        {
            let edges: Vec<(i64, i64)> = tx
                .query("SELECT a, b FROM links", &[])?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            let mut nodes: Vec<i64> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
            nodes.sort_unstable();
            nodes.dedup();
            let idx = |x: i64| nodes.binary_search(&x).map(|i| i as u32).unwrap_or(0);
            let comps =
                cluster::components(nodes.len(), edges.iter().map(|&(a, b)| (idx(a), idx(b))));
            let mut old: HashMap<i64, i64> = HashMap::new();
            for r in tx.query("SELECT content_id, cluster_id FROM cluster_members", &[])? {
                old.insert(r.get(0), r.get(1));
            }
            let (mut m_content, mut m_cluster): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
            let new_cluster = tx.prepare(
                "INSERT INTO clusters (size, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
            )?;
            let upd_cluster = tx.prepare(
                "UPDATE clusters SET size = $2, updated_at = $3 WHERE id = $1 AND size <> $2",
            )?;
            let mut used = HashSet::new();
            for comp in comps {
                let members: Vec<i64> = comp.iter().map(|&i| nodes[i as usize]).collect();
                let size = members.len() as i64;
                let existing = members.iter().filter_map(|m| old.get(m)).copied().min();
                let cid: i64 = match existing {
                    Some(k) if used.insert(k) => {
                        tx.execute(&upd_cluster, &[&k, &size, &now])?;
                        k
                    }
                    _ => tx.query_one(&new_cluster, &[&size, &now])?.get(0),
                };
                for m in members {
                    if old.get(&m) != Some(&cid) {
                        m_content.push(m);
                        m_cluster.push(cid);
                    }
                }
            }
            // Components are disjoint: each content once in the statement.
            tx.execute(
                "INSERT INTO cluster_members (content_id, cluster_id)
                 SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[])
                 ON CONFLICT (content_id) DO UPDATE SET cluster_id = excluded.cluster_id",
                &[&m_content, &m_cluster],
            )?;
            tx.execute(
                "DELETE FROM clusters WHERE id NOT IN (SELECT DISTINCT cluster_id FROM cluster_members)",
                &[],
            )?;
        }
        let new_documents = (max_id - since).max(0) as u64;
        tx.execute(
            "INSERT INTO cluster_state (id, last_content_id, settings, judgements, built_at)
             VALUES (1, $1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET last_content_id = excluded.last_content_id,
                settings = excluded.settings, judgements = excluded.judgements, built_at = excluded.built_at",
            &[&max_id, &fingerprint, &judged, &now],
        )?;
        PgStore::audit(
            &mut tx,
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

    fn watchlists(&self, viewer: &Viewer) -> Result<redflag_core::Watchlists> {
        let rows = self.rows(crate::WATCHLIST_ROWS, &[])?;
        crate::readable_watchlists(
            viewer,
            rows.iter().map(|r| {
                (
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                    r.get(6),
                )
            }),
        )
    }

    fn add_watchlist(&mut self, viewer: &Viewer, list: &crate::Watchlist) -> Result<u64> {
        crate::require(viewer, Action::Write, list.tlp, || "add watchlists".into())?;
        if list.name.trim().is_empty() {
            return Err(Error::Invalid("a watchlist needs a name".into()));
        }
        let conn = self.conn.get_mut();
        let mut tx = conn.transaction()?;
        let owner: Option<String> = tx
            .query_opt("SELECT org FROM watchlists WHERE name = $1", &[&list.name])?
            .map(|r| r.get(0));
        if let Some(o) = owner {
            if o != viewer.org {
                return Err(Error::Denied(format!(
                    "the watchlist name {:?} is taken",
                    list.name
                )));
            }
            tx.execute(
                "DELETE FROM watchlist_entries WHERE watchlist_id = (SELECT id FROM watchlists WHERE name = $1)",
                &[&list.name],
            )?;
            tx.execute("DELETE FROM watchlists WHERE name = $1", &[&list.name])?;
        }
        let id: i64 = tx
            .query_one(
                "INSERT INTO watchlists (name, org, source, licence, allow, tlp, added_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &list.name,
                    &viewer.org,
                    &list.source,
                    &list.licence,
                    &list.allow,
                    &list.tlp.as_str(),
                    &now_utc(),
                ],
            )?
            .get(0);
        let mut n = 0u64;
        let ins = tx.prepare(
            "INSERT INTO watchlist_entries (watchlist_id, kind, value) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )?;
        for e in &list.entries {
            n += tx.execute(&ins, &[&id, &e.kind, &e.value])?;
        }
        PgStore::audit(
            &mut tx,
            viewer,
            "watchlist",
            &format!("watchlist={id} entries={n}"),
        )?;
        tx.commit()?;
        Ok(n)
    }

    fn clusters(&self, viewer: &Viewer) -> Result<Overview> {
        self.overview(viewer)
    }

    fn check(&self) -> Result<Vec<String>> {
        PgStore::check(self)
    }

    fn sql_tx(&mut self, f: &mut dyn FnMut(&mut dyn crate::sql::Sql) -> Result<()>) -> Result<()> {
        let mut c = self.conn.borrow_mut();
        let mut tx = c.transaction()?;
        f(&mut tx)?;
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
        let mut ids = std::collections::BTreeSet::new();
        for r in self.rows("SELECT content_id, org, tlp FROM observations", &[])? {
            let tlp = tlp_of(r.get(2))?;
            if decide(viewer, Action::Read, Mark { org: r.get(1), tlp }) {
                ids.insert(r.get::<_, i64>(0));
            }
        }
        Ok(ids.into_iter().collect())
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
        let mut selector_names: HashMap<i64, String> = HashMap::new();
        for l in &links {
            if let Some(sid) = l.selector
                && !selector_names.contains_key(&sid)
            {
                let r = self.one("SELECT kind, value FROM selectors WHERE id = $1", &[&sid])?;
                let (k, v): (String, String) = (r.get(0), r.get(1));
                selector_names.insert(sid, format!("shared {k} {v}"));
            }
        }
        Ok(Some(crate::sqlite::cluster_view(
            name,
            &members,
            &vis,
            docs,
            &links,
            &selector_names,
        )))
    }
}

/// The rows under new contents of one ingest batch, column by column.
#[derive(Default)]
struct ChildRows {
    a_content: Vec<i64>,
    a_task: Vec<&'static str>,
    a_score: Vec<f64>,
    a_band: Vec<String>,
    a_urgency: Vec<Option<i64>>,
    a_flags: Vec<Option<String>>,
    a_engine: Vec<String>,
    f_content: Vec<i64>,
    f_task: Vec<&'static str>,
    f_rule: Vec<String>,
    f_category: Vec<String>,
    f_start: Vec<i64>,
    f_end: Vec<i64>,
    f_weight: Vec<f64>,
    f_explain: Vec<String>,
    /// (kind, value) → validated anywhere in the batch.
    selectors: BTreeMap<(String, String), bool>,
    cs_content: Vec<i64>,
    cs_key: Vec<(String, String)>,
    cs_start: Vec<i64>,
    cs_end: Vec<i64>,
    cs_raw: Vec<String>,
    cs_role: Vec<&'static str>,
    cs_ambiguous: Vec<bool>,
    m_content: Vec<i64>,
    m_signature: Vec<Vec<u8>>,
    b_band: Vec<i64>,
    b_bucket: Vec<i64>,
    b_content: Vec<i64>,
}

impl ChildRows {
    fn add(&mut self, id: i64, d: &NewDoc) {
        let r = &d.report;
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
            self.a_content.push(id);
            self.a_task.push(task);
            self.a_score.push(a.score);
            self.a_band.push(a.band.name().to_string());
            self.a_urgency.push(urgency);
            self.a_flags.push(flags);
            self.a_engine.push(d.engine.to_string());
            for f in &a.findings {
                self.f_content.push(id);
                self.f_task.push(task);
                self.f_rule.push(f.rule.clone());
                self.f_category.push(f.category.clone());
                self.f_start.push(f.start as i64);
                self.f_end.push(f.end as i64);
                self.f_weight.push(f.weight);
                self.f_explain.push(f.explain.clone());
            }
        }
        for s in &r.selectors {
            let key = (s.kind.as_str().to_string(), s.value.clone());
            *self.selectors.entry(key.clone()).or_default() |= s.valid;
            self.cs_content.push(id);
            self.cs_key.push(key);
            self.cs_start.push(s.start as i64);
            self.cs_end.push(s.end as i64);
            self.cs_raw.push(s.raw.clone());
            self.cs_role.push(match s.role {
                redflag_core::Role::Contact => "contact",
                redflag_core::Role::Victim => "victim",
                redflag_core::Role::Hotline => "hotline",
            });
            self.cs_ambiguous.push(s.ambiguous);
        }
        self.m_content.push(id);
        self.m_signature.push(d.signature.to_bytes());
        for (b, key) in d.signature.bands().iter().enumerate() {
            self.b_band.push(b as i64);
            self.b_bucket.push(*key);
            self.b_content.push(id);
        }
    }

    fn write(&self, tx: &mut Transaction<'_>) -> Result<()> {
        if self.m_content.is_empty() {
            return Ok(());
        }
        tx.execute(
            "INSERT INTO assessments (content_id, task, score, band, urgency, flags, engine)
             SELECT * FROM unnest($1::BIGINT[], $2::TEXT[], $3::DOUBLE PRECISION[], $4::TEXT[],
                                  $5::BIGINT[], $6::TEXT[], $7::TEXT[])
             ON CONFLICT DO NOTHING",
            &[
                &self.a_content,
                &self.a_task,
                &self.a_score,
                &self.a_band,
                &self.a_urgency,
                &self.a_flags,
                &self.a_engine,
            ],
        )?;
        tx.execute(
            "INSERT INTO findings (content_id, task, rule, category, start_char, end_char, weight, explain)
             SELECT * FROM unnest($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[],
                                  $6::BIGINT[], $7::DOUBLE PRECISION[], $8::TEXT[])",
            &[
                &self.f_content,
                &self.f_task,
                &self.f_rule,
                &self.f_category,
                &self.f_start,
                &self.f_end,
                &self.f_weight,
                &self.f_explain,
            ],
        )?;
        // Selectors in key order (two concurrent batches lock them in the same order).
        let kinds: Vec<&str> = self.selectors.keys().map(|k| k.0.as_str()).collect();
        let values: Vec<&str> = self.selectors.keys().map(|k| k.1.as_str()).collect();
        let valid: Vec<bool> = self.selectors.values().copied().collect();
        let mut ids: HashMap<(String, String), i64> = HashMap::new();
        if !kinds.is_empty() {
            for r in tx.query(
                "INSERT INTO selectors AS s (kind, value, valid, state)
                 SELECT k, v, ok, CASE WHEN ok THEN 'validated' ELSE 'extracted' END
                 FROM unnest($1::TEXT[], $2::TEXT[], $3::BOOLEAN[]) AS t(k, v, ok)
                 ON CONFLICT (kind, value) DO UPDATE SET
                    valid = s.valid OR excluded.valid,
                    state = CASE WHEN s.state = 'extracted' AND excluded.valid THEN 'validated'
                                 ELSE s.state END
                 RETURNING kind, value, id",
                &[&kinds, &values, &valid],
            )? {
                ids.insert((r.get(0), r.get(1)), r.get(2));
            }
        }
        let mut sel_ids = Vec::with_capacity(self.cs_key.len());
        for k in &self.cs_key {
            sel_ids.push(
                *ids.get(k)
                    .ok_or_else(|| Error::Corrupt(format!("selector {k:?} not stored")))?,
            );
        }
        tx.execute(
            "INSERT INTO content_selectors
             (content_id, selector_id, start_char, end_char, raw, role, ambiguous)
             SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[], $5::TEXT[],
                                  $6::TEXT[], $7::BOOLEAN[])
             ON CONFLICT DO NOTHING",
            &[
                &self.cs_content,
                &sel_ids,
                &self.cs_start,
                &self.cs_end,
                &self.cs_raw,
                &self.cs_role,
                &self.cs_ambiguous,
            ],
        )?;
        tx.execute(
            "INSERT INTO minhashes (content_id, signature)
             SELECT * FROM unnest($1::BIGINT[], $2::BYTEA[]) ON CONFLICT DO NOTHING",
            &[&self.m_content, &self.m_signature],
        )?;
        tx.execute(
            "INSERT INTO lsh_bands (band, bucket, content_id)
             SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[], $3::BIGINT[]) ON CONFLICT DO NOTHING",
            &[&self.b_band, &self.b_bucket, &self.b_content],
        )?;
        Ok(())
    }
}

/// Links waiting to be written, in chunks through unnest.
struct LinkBuf {
    now: String,
    a: Vec<i64>,
    b: Vec<i64>,
    reason: Vec<&'static str>,
    selector: Vec<Option<i64>>,
    similarity: Vec<Option<f64>>,
}

impl LinkBuf {
    const CHUNK: usize = 50_000;

    fn new(now: String) -> LinkBuf {
        LinkBuf {
            now,
            a: Vec::new(),
            b: Vec::new(),
            reason: Vec::new(),
            selector: Vec::new(),
            similarity: Vec::new(),
        }
    }

    fn push(
        &mut self,
        a: i64,
        b: i64,
        reason: &'static str,
        selector: Option<i64>,
        sim: Option<f64>,
    ) {
        self.a.push(a);
        self.b.push(b);
        self.reason.push(reason);
        self.selector.push(selector);
        self.similarity.push(sim);
    }

    fn flush_if_full(&mut self, tx: &mut Transaction<'_>) -> Result<u64> {
        if self.a.len() >= LinkBuf::CHUNK {
            self.flush(tx)
        } else {
            Ok(0)
        }
    }

    /// Write what waits; returns the links added (an existing one is kept, not counted).
    fn flush(&mut self, tx: &mut Transaction<'_>) -> Result<u64> {
        if self.a.is_empty() {
            return Ok(0);
        }
        let n = tx.execute(
            "INSERT INTO links (a, b, reason, selector_id, similarity, created_at)
             SELECT a, b, r, s, sim, $6 FROM unnest($1::BIGINT[], $2::BIGINT[], $3::TEXT[],
                 $4::BIGINT[], $5::DOUBLE PRECISION[]) AS t(a, b, r, s, sim)
             ON CONFLICT DO NOTHING",
            &[
                &self.a,
                &self.b,
                &self.reason,
                &self.selector,
                &self.similarity,
                &self.now,
            ],
        )?;
        self.a.clear();
        self.b.clear();
        self.reason.clear();
        self.selector.clear();
        self.similarity.clear();
        Ok(n)
    }
}
