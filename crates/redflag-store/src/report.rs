//! The case report: one cluster as a single self-contained HTML file (inline CSS and SVG, no
//! script, no external asset) that an investigator attaches to a case or sends to a prosecutor —
//! the graph of documents and the selectors they share, the relocation timeline, the selectors
//! table, and every document with the reasons it scored highlighted.
//!
//! Everything comes through the [`Store`] with the viewer, so the report holds only what the
//! viewer may read; victims' selectors are withheld from it whatever the viewer's rights (the text
//! shows `[victim's contact withheld]` in their place and no table or node names them).
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

use crate::cluster::{self, ClusterView};
use crate::export::Graph;
use crate::{DocView, Reasons, Result, Store, Viewer};

/// Above this many nodes the graph is not drawn (it would be unreadable and slow to lay out);
/// the report says so and points to `redflag export`.
pub const MAX_DRAWN_NODES: usize = 2500;

const GRAPH_W: f64 = 960.0;
const GRAPH_H: f64 = 640.0;

/// One document of the report.
#[derive(Debug, Clone)]
pub struct ReportDoc {
    /// What the viewer may see of it.
    pub doc: DocView,
    /// Its findings and selector spans.
    pub reasons: Reasons,
}

/// Everything a case report shows, gathered through the store for one viewer.
#[derive(Debug, Clone)]
pub struct CaseReport {
    /// The cluster as the viewer sees it.
    pub view: ClusterView,
    /// Its documents, by first sighting.
    pub docs: Vec<ReportDoc>,
    /// Documents and the selectors they carry (victims' selectors removed).
    pub graph: Graph,
    /// Who the report was made for (the viewer's organisation).
    pub org: String,
}

impl CaseReport {
    /// The report on the viewer's cluster holding document `id` (or named `id`); `None` when the
    /// viewer has no such cluster.
    pub fn gather(store: &dyn Store, viewer: &Viewer, id: i64) -> Result<Option<CaseReport>> {
        let Some(view) = store.show_cluster(viewer, id)? else {
            return Ok(None);
        };
        let mut docs = Vec::new();
        for m in &view.members {
            let (Some(doc), Some(reasons)) =
                (store.document(viewer, m.id)?, store.reasons(viewer, m.id)?)
            else {
                continue;
            };
            docs.push(ReportDoc { doc, reasons });
        }
        docs.sort_by(|a, b| {
            first_seen(&a.doc)
                .cmp(first_seen(&b.doc))
                .then(a.doc.id.cmp(&b.doc.id))
        });
        let mut graph = Graph::of_clusters(store, viewer, Some(view.id))?.unwrap_or_default();
        // A value that is a victim's anywhere in the cluster is withheld everywhere.
        let victims = victim_values(&docs);
        graph.nodes.retain(|n| !victims.contains(&n.id));
        graph.edges.retain(|e| !victims.contains(&e.target));
        Ok(Some(CaseReport {
            view,
            docs,
            graph,
            org: viewer.org.clone(),
        }))
    }

    /// The HTML file. `generated_at` is written as given (RFC 3339), so the same store gives the
    /// same bytes.
    pub fn html(&self, generated_at: &str) -> String {
        let v = &self.view;
        let tlp = v.tlp.as_str();
        let mut o = String::with_capacity(64 * 1024);
        let _ = write!(
            o,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Case report: cluster {id} (TLP:{tlp})</title>\n<style>{css}</style>\n</head>\n<body>\n",
            id = v.id,
            css = CSS
        );
        let banner = format!(
            "<div class=\"tlp tlp-{}\">TLP:{}</div>\n",
            tlp.to_ascii_lowercase().replace('+', "-"),
            tlp
        );
        o.push_str(&banner);
        let _ = write!(
            o,
            "<header>\n<h1>Case report: cluster {id}</h1>\n<p class=\"meta\">Prepared by redflag for {org} \
             on {at}. {n} documents, first seen {first}, last seen {last}.</p>\n\
             <p class=\"note\">This report links documents by the contact details they share and by \
             near-identical wording; it states where a contact was found, not who is responsible. \
             Victims' contact details are withheld. Handle according to the marking above.</p>\n</header>\n",
            id = v.id,
            org = esc(&self.org),
            at = esc(generated_at),
            n = self.docs.len(),
            first = esc(&v.first_seen),
            last = esc(&v.last_seen),
        );
        self.graph_section(&mut o);
        self.timeline_section(&mut o);
        self.selectors_section(&mut o);
        self.links_section(&mut o);
        self.documents_section(&mut o);
        o.push_str(&banner);
        o.push_str("</body>\n</html>\n");
        o
    }

    fn graph_section(&self, o: &mut String) {
        let g = &self.graph;
        o.push_str("<section>\n<h2>Network</h2>\n");
        if g.nodes.len() > MAX_DRAWN_NODES {
            let _ = writeln!(
                o,
                "<p>{} nodes are too many to draw legibly here; export the cluster with \
                 <code>redflag export --format gexf --cluster {}</code> and open it in Gephi.</p>\n</section>",
                g.nodes.len(),
                self.view.id
            );
            return;
        }
        let index: BTreeMap<&str, usize> = g
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let edges: Vec<(usize, usize)> = g
            .edges
            .iter()
            .filter_map(|e| {
                Some((
                    *index.get(e.source.as_str())?,
                    *index.get(e.target.as_str())?,
                ))
            })
            .collect();
        let seed = 0x5eed_0000_u64 ^ self.view.id as u64;
        let pos = layout(g.nodes.len(), &edges, seed);
        // Labels run to the right of their node: more room on that side.
        let (left, right, vertical) = (30.0, 140.0, 30.0);
        let at = |i: usize| {
            (
                left + pos[i].0 * (GRAPH_W - left - right),
                vertical + pos[i].1 * (GRAPH_H - 2.0 * vertical),
            )
        };
        let _ = writeln!(
            o,
            "<svg class=\"graph\" viewBox=\"0 0 {GRAPH_W} {GRAPH_H}\" width=\"{GRAPH_W}\" height=\"{GRAPH_H}\" \
             role=\"img\" aria-label=\"documents and the selectors they share\">"
        );
        o.push_str("<g class=\"edges\">\n");
        for (e, &(a, b)) in g.edges.iter().zip(&edges) {
            let ((x1, y1), (x2, y2)) = (at(a), at(b));
            let class = if e.kind == "template" {
                "template"
            } else if e.why.contains("links nothing") {
                "carries unlinked"
            } else {
                "carries"
            };
            let _ = writeln!(
                o,
                "<line class=\"{class}\" x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\"><title>{}</title></line>",
                esc(&e.why)
            );
        }
        o.push_str("</g>\n<g class=\"nodes\">\n");
        for (i, n) in g.nodes.iter().enumerate() {
            let (x, y) = at(i);
            let watch = n.attrs.get("watchlists").filter(|w| !w.is_empty());
            if n.kind == "document" {
                let _ = writeln!(
                    o,
                    "<g class=\"node doc\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"7\" fill=\"{}\"/>\
                     <text x=\"{:.1}\" y=\"{:.1}\">#{}</text><title>{} · lure {} · scam {} · distress {} · first seen {}</title></g>",
                    DOC_COLOUR,
                    x + 9.0,
                    y + 3.5,
                    esc(n.id.trim_start_matches('d')),
                    esc(&n.label),
                    esc(n.attrs.get("lure").map_or("", String::as_str)),
                    esc(n.attrs.get("scam").map_or("", String::as_str)),
                    esc(n.attrs.get("distress").map_or("", String::as_str)),
                    esc(n.attrs.get("first_seen").map_or("", String::as_str)),
                );
            } else {
                let class = if watch.is_some() { " watched" } else { "" };
                let mut tip = format!("{} {}", n.kind, n.label);
                if let Some(s) = n.attrs.get("state") {
                    let _ = write!(tip, " · {s}");
                }
                if let Some(w) = watch {
                    let _ = write!(tip, " · on watchlist: {w}");
                }
                let _ = writeln!(
                    o,
                    "<g class=\"node sel{class}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
                     <text x=\"{:.1}\" y=\"{:.1}\">{}</text><title>{}</title></g>",
                    x - 6.0,
                    y - 6.0,
                    kind_colour(&n.kind),
                    x + 9.0,
                    y + 3.5,
                    esc(&shorten(&n.label, 24)),
                    esc(&tip)
                );
            }
        }
        o.push_str("</g>\n</svg>\n");
        // Legend: the kinds present.
        let kinds: BTreeSet<&str> = g
            .nodes
            .iter()
            .map(|n| n.kind.as_str())
            .filter(|k| *k != "document")
            .collect();
        o.push_str("<p class=\"legend\">");
        let _ = write!(
            o,
            "<span><svg width=\"14\" height=\"14\"><circle cx=\"7\" cy=\"7\" r=\"6\" fill=\"{DOC_COLOUR}\"/></svg> document</span>"
        );
        for k in kinds {
            let _ = write!(
                o,
                "<span><svg width=\"14\" height=\"14\"><rect x=\"1\" y=\"1\" width=\"12\" height=\"12\" fill=\"{}\"/></svg> {}</span>",
                kind_colour(k),
                esc(k)
            );
        }
        o.push_str(
            "<span><svg width=\"14\" height=\"14\"><rect x=\"1\" y=\"1\" width=\"12\" height=\"12\" fill=\"#fff\" class=\"watched-key\"/></svg> on a watchlist</span>\
             <span><svg width=\"24\" height=\"14\"><line x1=\"0\" y1=\"7\" x2=\"24\" y2=\"7\" class=\"template\"/></svg> near-identical text</span>\
             <span><svg width=\"24\" height=\"14\"><line x1=\"0\" y1=\"7\" x2=\"24\" y2=\"7\" class=\"carries unlinked\"/></svg> carried, links nothing (hub, allow-listed, rejected)</span></p>\n</section>\n",
        );
    }

    fn timeline_section(&self, o: &mut String) {
        let v = &self.view;
        o.push_str("<section>\n<h2>Relocation timeline</h2>\n");
        if !v.places.is_empty() {
            o.push_str("<p>Scam-compound hotspots named: ");
            let names: Vec<String> = v
                .places
                .iter()
                .map(|(_, name, country, n)| {
                    format!(
                        "{} ({}) in {n} document{}",
                        esc(name),
                        esc(country),
                        plural(*n)
                    )
                })
                .collect();
            o.push_str(&names.join("; "));
            o.push_str(".</p>\n");
        }
        let months = month_axis(
            &v.timeline
                .iter()
                .map(|m| m.month.clone())
                .collect::<Vec<_>>(),
        );
        let codes: BTreeSet<&str> = v
            .timeline
            .iter()
            .flat_map(|m| m.calling_codes.keys().map(String::as_str))
            .collect();
        let places: BTreeSet<&str> = v
            .timeline
            .iter()
            .flat_map(|m| m.places.keys().map(String::as_str))
            .collect();
        if months.is_empty() || (codes.is_empty() && places.is_empty()) {
            o.push_str(
                "<p>No phone country codes or hotspots are named in these documents.</p>\n</section>\n",
            );
            return;
        }
        let place_name = |id: &str| {
            cluster::places()
                .iter()
                .find(|p| p.id == id)
                .map_or_else(|| id.to_string(), |p| format!("{} ({})", p.name, p.country))
        };
        let rows: Vec<(bool, &str, String)> = codes
            .iter()
            .map(|c| (true, *c, format!("phone {c}")))
            .chain(places.iter().map(|p| (false, *p, place_name(p))))
            .collect();
        let (left, col, row_h, top) = (210.0, 74.0, 32.0, 16.0);
        let width = left + col * months.len() as f64 + 20.0;
        let height = top + row_h * rows.len() as f64 + 50.0;
        let _ = writeln!(
            o,
            "<svg class=\"timeline\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" \
             role=\"img\" aria-label=\"phone country codes and places by month\">"
        );
        for (r, (is_code, _, label)) in rows.iter().enumerate() {
            let y = top + row_h * (r as f64 + 0.5);
            let _ = writeln!(
                o,
                "<line class=\"row\" x1=\"{left:.0}\" y1=\"{y:.1}\" x2=\"{:.0}\" y2=\"{y:.1}\"/>\
                 <text class=\"{}\" x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                width - 20.0,
                if *is_code { "code" } else { "place" },
                left - 8.0,
                y + 4.0,
                esc(&shorten(label, 30))
            );
        }
        for (c, month) in months.iter().enumerate() {
            let x = left + col * (c as f64 + 0.5);
            let _ = writeln!(
                o,
                "<text class=\"month\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                top + row_h * rows.len() as f64 + 18.0,
                esc(month)
            );
            let Some(m) = v.timeline.iter().find(|m| &m.month == month) else {
                continue;
            };
            for (r, (is_code, key, label)) in rows.iter().enumerate() {
                let n = if *is_code {
                    m.calling_codes.get(*key)
                } else {
                    m.places.get(*key)
                };
                let Some(&n) = n else { continue };
                let y = top + row_h * (r as f64 + 0.5);
                let radius = (4.0 + 3.0 * (n as f64).sqrt()).min(12.0);
                let _ = writeln!(
                    o,
                    "<g class=\"{}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\">{n}</text>\
                     <title>{}: {} in {n} document{}</title></g>",
                    if *is_code { "code" } else { "place" },
                    x + radius + 2.0,
                    y - radius + 2.0,
                    esc(month),
                    esc(label),
                    plural(n)
                );
            }
        }
        o.push_str("</svg>\n<p class=\"legend\">Each dot: documents first seen that month naming the place, or carrying a phone number with that country code (+66 Thailand, +95 Myanmar, +855 Cambodia, +856 Laos, +63 the Philippines, +84 Vietnam, +86 China).</p>\n</section>\n");
    }

    fn selectors_section(&self, o: &mut String) {
        let victims = victim_values(&self.docs);
        o.push_str("<section>\n<h2>Selectors</h2>\n<table>\n<thead><tr><th>kind</th><th>value</th><th>state</th><th>watchlists</th><th>documents</th><th>links nothing because</th></tr></thead>\n<tbody>\n");
        let mut any = false;
        for (kind, list) in &self.view.selectors {
            for s in list {
                if victims.contains(&format!("s:{kind}:{}", s.value)) {
                    continue;
                }
                any = true;
                let _ = writeln!(
                    o,
                    "<tr{}><td>{}</td><td class=\"value\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                    if s.watchlists.is_empty() {
                        ""
                    } else {
                        " class=\"watched\""
                    },
                    esc(kind),
                    esc(&s.value),
                    esc(&s.state),
                    esc(&s.watchlists.join(", ")),
                    s.documents,
                    esc(s.unlinked_because.as_deref().unwrap_or(""))
                );
            }
        }
        if !any {
            o.push_str("<tr><td colspan=\"6\">none</td></tr>\n");
        }
        o.push_str("</tbody>\n</table>\n</section>\n");
    }

    fn links_section(&self, o: &mut String) {
        const MAX: usize = 2000;
        let links = &self.view.links;
        let _ = writeln!(
            o,
            "<section>\n<h2>Why the documents are linked</h2>\n<p>{} link{}{}.</p>\n<table>\n<thead><tr><th>document</th><th>document</th><th>because</th></tr></thead>\n<tbody>",
            links.len(),
            plural(links.len() as u64),
            if links.len() > MAX {
                format!(", the first {MAX} shown")
            } else {
                String::new()
            }
        );
        for l in links.iter().take(MAX) {
            let _ = writeln!(
                o,
                "<tr><td class=\"num\"><a href=\"#doc-{a}\">{a}</a></td><td class=\"num\"><a href=\"#doc-{b}\">{b}</a></td><td>{}</td></tr>",
                esc(&l.why),
                a = l.a,
                b = l.b
            );
        }
        o.push_str("</tbody>\n</table>\n</section>\n");
    }

    fn documents_section(&self, o: &mut String) {
        o.push_str("<section>\n<h2>Documents</h2>\n<p class=\"legend\"><mark class=\"lure\">lure</mark> <mark class=\"scam\">scam</mark> <mark class=\"distress\">distress</mark> findings (hover for the reason; each is listed under its text); <span class=\"sel\">contact selector</span>.</p>\n");
        for d in &self.docs {
            let doc = &d.doc;
            let last = doc
                .observations
                .iter()
                .map(|o| o.observed_at.as_str())
                .max()
                .unwrap_or("");
            let band = |t: &str| doc.bands.get(t).map_or("", String::as_str);
            let _ = writeln!(
                o,
                "<article id=\"doc-{id}\">\n<h3>Document {id}</h3>\n<p class=\"meta\">language {lang} · first seen {first} · last seen {last} · \
                 lure <b class=\"band-{l}\">{l}</b> · scam <b class=\"band-{s}\">{s}</b> · distress <b class=\"band-{di}\">{di}</b></p>",
                id = doc.id,
                lang = esc(&doc.lang),
                first = esc(first_seen(doc)),
                last = esc(last),
                l = esc(band("lure")),
                s = esc(band("scam")),
                di = esc(band("distress")),
            );
            o.push_str("<ul class=\"obs\">");
            for ob in &doc.observations {
                let _ = write!(
                    o,
                    "<li>{} · {}{} · {} · TLP:{}</li>",
                    esc(&ob.observed_at),
                    esc(&ob.source),
                    ob.source_id
                        .as_deref()
                        .map(|s| format!(" ({})", esc(s)))
                        .unwrap_or_default(),
                    esc(&ob.org),
                    ob.tlp.as_str()
                );
            }
            o.push_str("</ul>\n<div class=\"text\">");
            o.push_str(&highlight(&doc.text, &d.reasons));
            o.push_str("</div>\n");
            if !d.reasons.findings.is_empty() {
                o.push_str("<ol class=\"reasons\">");
                for f in &d.reasons.findings {
                    let quote: String = doc
                        .text
                        .chars()
                        .skip(f.start)
                        .take(f.end.saturating_sub(f.start))
                        .collect();
                    let shown = if within_victim(&d.reasons, f.start, f.end) {
                        "[victim's contact withheld]".to_string()
                    } else {
                        shorten(&quote, 80)
                    };
                    let _ = write!(
                        o,
                        "<li><mark class=\"{t}\">{t}</mark> {} <q>{}</q> <span class=\"rule\">{} · {}</span></li>",
                        esc(&f.explain),
                        esc(&shown),
                        esc(&f.rule),
                        esc(&f.category),
                        t = task_class(&f.task),
                    );
                }
                o.push_str("</ol>\n");
            }
            o.push_str("</article>\n");
        }
        o.push_str("</section>\n");
    }
}

/// Node ids (`s:kind:value`) of values that are a victim's in any document of the report.
fn victim_values(docs: &[ReportDoc]) -> HashSet<String> {
    docs.iter()
        .flat_map(|d| &d.doc.selectors)
        .filter(|s| s.role == "victim")
        .map(|s| format!("s:{}:{}", s.kind, s.value))
        .collect()
}

fn within_victim(r: &Reasons, start: usize, end: usize) -> bool {
    r.selectors
        .iter()
        .any(|s| s.role == "victim" && s.start < end && start < s.end)
}

fn first_seen(d: &DocView) -> &str {
    d.observations
        .iter()
        .map(|o| o.observed_at.as_str())
        .min()
        .unwrap_or("")
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn task_class(task: &str) -> &'static str {
    match task {
        "lure" => "lure",
        "scam" => "scam",
        "distress" => "distress",
        _ => "other",
    }
}

/// `s` cut to `n` characters, with an ellipsis when cut.
fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// HTML-escaped text, safe in element content and in quoted attributes. Control characters other
/// than tab and newline become U+FFFD.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\n' | '\t' => o.push(c),
            c if c.is_control() => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// The text with findings as `<mark>` (the explanations as their title), contact selectors as
/// `<span class="sel">`, and victims' selectors replaced by `[victim's contact withheld]`.
/// Offsets are characters of the original text; out-of-range spans are clipped.
pub fn highlight(text: &str, r: &Reasons) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut cuts: Vec<usize> = vec![0, n];
    for f in &r.findings {
        cuts.extend([f.start.min(n), f.end.min(n)]);
    }
    for s in &r.selectors {
        cuts.extend([s.start.min(n), s.end.min(n)]);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut o = String::with_capacity(text.len() * 2);
    // (finding indices, selector kinds) of the open run, and its text.
    let mut run: Option<(Vec<usize>, Vec<&str>, String)> = None;
    let flush = |o: &mut String, run: &mut Option<(Vec<usize>, Vec<&str>, String)>| {
        let Some((fs, ss, t)) = run.take() else {
            return;
        };
        let mut inner = esc(&t);
        if !ss.is_empty() {
            inner = format!(
                "<span class=\"sel\" title=\"{}\">{inner}</span>",
                esc(&ss.join(", "))
            );
        }
        if fs.is_empty() {
            o.push_str(&inner);
        } else {
            let title: Vec<String> = fs
                .iter()
                .map(|&i| {
                    let f = &r.findings[i];
                    format!("{}: {} ({})", f.task, f.explain, f.rule)
                })
                .collect();
            let _ = write!(
                o,
                "<mark class=\"{}\" title=\"{}\">{inner}</mark>",
                task_class(&r.findings[fs[0]].task),
                esc(&title.join("\n")).replace('\n', "&#10;")
            );
        }
    };
    let mut in_victim: Option<usize> = None; // end of the victim span being withheld
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b {
            continue;
        }
        if let Some(end) = in_victim {
            if a < end {
                continue;
            }
            in_victim = None;
        }
        if let Some(v) = r
            .selectors
            .iter()
            .filter(|s| s.role == "victim" && s.start <= a && a < s.end)
            .map(|s| s.end)
            .max()
        {
            flush(&mut o, &mut run);
            o.push_str("<span class=\"withheld\">[victim's contact withheld]</span>");
            in_victim = Some(v);
            continue;
        }
        let fs: Vec<usize> = r
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.start <= a && b <= f.end && f.start < f.end)
            .map(|(i, _)| i)
            .collect();
        let ss: Vec<&str> = r
            .selectors
            .iter()
            .filter(|s| s.role != "victim" && s.start <= a && b <= s.end)
            .map(|s| s.kind.as_str())
            .collect();
        let piece: String = chars[a..b].iter().collect();
        match &mut run {
            Some((rf, rs, t)) if *rf == fs && *rs == ss => t.push_str(&piece),
            _ => {
                flush(&mut o, &mut run);
                run = Some((fs, ss, piece));
            }
        }
    }
    flush(&mut o, &mut run);
    o
}

/// Months from the first to the last given (`YYYY-MM`), every month in between, when that is at
/// most 60 of them; otherwise just the given ones, sorted.
fn month_axis(given: &[String]) -> Vec<String> {
    let parse = |m: &str| -> Option<(i32, u32)> {
        let (y, mo) = m.split_once('-')?;
        let (y, mo) = (y.parse().ok()?, mo.parse().ok()?);
        (1..=12).contains(&mo).then_some((y, mo))
    };
    let mut sorted: Vec<String> = given.iter().filter(|m| !m.is_empty()).cloned().collect();
    sorted.sort();
    sorted.dedup();
    let (Some(first), Some(last)) = (
        sorted.first().and_then(|m| parse(m)),
        sorted.last().and_then(|m| parse(m)),
    ) else {
        return sorted;
    };
    let span = (last.0 - first.0) * 12 + last.1 as i32 - first.1 as i32 + 1;
    if !(1..=60).contains(&span) || sorted.iter().any(|m| parse(m).is_none()) {
        return sorted;
    }
    (0..span)
        .map(|i| {
            let k = first.0 * 12 + first.1 as i32 - 1 + i;
            format!("{:04}-{:02}", k / 12, k % 12 + 1)
        })
        .collect()
}

/// A force-directed layout (Fruchterman–Reingold) of `n` nodes in the unit square, deterministic
/// for a seed: positions start from a SplitMix64 sequence, then a number of iterations that shrinks
/// with the graph's size (300 for small graphs, at least 25), with linear cooling. The result is
/// stretched to fill the square.
pub fn layout(n: usize, edges: &[(usize, usize)], seed: u64) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(0.5, 0.5)];
    }
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut p: Vec<(f64, f64)> = (0..n).map(|_| (next(), next())).collect();
    // The natural edge length: a bit under what would fill the square, so the repulsion does not
    // pile nodes up against its walls.
    let k = 0.6 * (1.0 / n as f64).sqrt();
    let iters = ((4.0e7 / (n * n) as f64) as usize).clamp(25, 300);
    let mut disp = vec![(0.0f64, 0.0f64); n];
    for it in 0..iters {
        let t = 0.1 * (1.0 - it as f64 / iters as f64) + 0.002;
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        for i in 0..n {
            for j in i + 1..n {
                let (dx, dy) = (p[i].0 - p[j].0, p[i].1 - p[j].1);
                let d2 = (dx * dx + dy * dy).max(1e-6);
                // Repulsion k²/d along the unit vector: (dx, dy) · k²/d².
                let f = k * k / d2;
                disp[i].0 += dx * f;
                disp[i].1 += dy * f;
                disp[j].0 -= dx * f;
                disp[j].1 -= dy * f;
            }
        }
        for &(a, b) in edges {
            if a == b || a >= n || b >= n {
                continue;
            }
            let (dx, dy) = (p[a].0 - p[b].0, p[a].1 - p[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-3);
            // Attraction d²/k along the unit vector: (dx, dy) · d/k.
            let f = d / k;
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        for i in 0..n {
            // A weak pull to the centre keeps loose parts in view.
            disp[i].0 += (0.5 - p[i].0) * k * 2.0;
            disp[i].1 += (0.5 - p[i].1) * k * 2.0;
            let (dx, dy) = disp[i];
            let len = (dx * dx + dy * dy).sqrt();
            if len > 0.0 {
                let step = len.min(t) / len;
                p[i].0 = (p[i].0 + dx * step).clamp(0.0, 1.0);
                p[i].1 = (p[i].1 + dy * step).clamp(0.0, 1.0);
            }
        }
    }
    // Stretch to the unit square.
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in &p {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let (w, h) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
    p.into_iter()
        .map(|(x, y)| ((x - x0) / w, (y - y0) / h))
        .collect()
}

const DOC_COLOUR: &str = "#4a6fa5";

/// A colour per selector kind (documents are [`DOC_COLOUR`]).
fn kind_colour(kind: &str) -> &'static str {
    match kind {
        "phone" => "#d9822b",
        "telegram" => "#229ed9",
        "whatsapp" => "#1fa855",
        "line" => "#00b900",
        "wechat" => "#7bb32e",
        "signal" => "#3a76f0",
        "zalo" => "#0068ff",
        "email" => "#8e44ad",
        "url" => "#7f8c8d",
        "domain" => "#a0826d",
        "btc" => "#f7931a",
        "eth" => "#627eea",
        "tron" => "#c0392b",
        _ => "#555555",
    }
}

const CSS: &str = "
body{font-family:'Noto Sans','Noto Sans Thai','Noto Sans Myanmar','Noto Sans Khmer','Noto Sans CJK SC',sans-serif;margin:0 auto;max-width:1000px;padding:0 16px 32px;color:#1d1d1d;line-height:1.45}
h1{font-size:1.6em;margin:.4em 0}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:1.6em}h3{font-size:1.05em;margin:.2em 0}
.tlp{font-family:monospace;font-weight:bold;padding:4px 10px;margin:8px 0;background:#000;display:inline-block}
.tlp-red{color:#ff2b2b}.tlp-amber,.tlp-amber-strict{color:#ffc000}.tlp-green{color:#33ff00}.tlp-clear{color:#fff}
.meta{color:#555;font-size:.92em}.note{background:#f4f4f4;padding:6px 10px;border-left:4px solid #999;font-size:.92em}
svg.graph{border:1px solid #ddd;background:#fcfcfc;max-width:100%;height:auto}
svg text{font-size:10px;fill:#222}
.edges line{stroke:#b8b8b8;stroke-width:1}.edges line.template{stroke:#e67e22;stroke-width:1.6;stroke-dasharray:5 3}
line.carries.unlinked,.edges line.unlinked{stroke:#cfcfcf;stroke-dasharray:2 3}
line.template{stroke:#e67e22;stroke-width:1.6;stroke-dasharray:5 3}
.node.doc circle{stroke:#fff;stroke-width:1.5}.node.sel rect{stroke:#fff;stroke-width:1}
.node.sel.watched rect,.watched-key{stroke:#c00000;stroke-width:3}
.legend{font-size:.85em;color:#444}.legend span{margin-right:14px;white-space:nowrap}.legend svg{vertical-align:middle}
svg.timeline{max-width:100%;height:auto}svg.timeline line.row{stroke:#eee}
svg.timeline g.code circle{fill:#d9822b;opacity:.85}svg.timeline g.place circle{fill:#7a3e9d;opacity:.85}
svg.timeline text.code{fill:#a35a12}svg.timeline text.place{fill:#5b2a78}svg.timeline text{font-size:12px}svg.timeline text.month{font-size:11px}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:right}td.value{font-family:monospace;word-break:break-all}tr.watched td{background:#fff0f0}
article{border:1px solid #ddd;border-radius:4px;padding:8px 12px;margin:12px 0}
.obs{font-size:.85em;color:#555;margin:.2em 0;padding-left:18px}
.text{white-space:pre-wrap;background:#fafafa;padding:8px;border:1px solid #eee;overflow-wrap:anywhere}
mark{border-radius:2px;padding:0 1px}mark.lure{background:#ffe08a}mark.scam{background:#ffc2c2}mark.distress{background:#b9e2ff}mark.other{background:#ddd}
.sel{border-bottom:2px solid #4a6fa5;font-family:monospace}.withheld{background:#333;color:#fff;font-size:.85em;padding:0 3px}
.reasons{font-size:.88em;margin:.4em 0}.reasons .rule{color:#777;font-family:monospace;font-size:.9em}
.band-high,.band-flagged{color:#b00000}.band-medium{color:#a35a12}
@media print{svg.graph{border:none}article{break-inside:avoid}}
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FindingView, SelectorSpan};

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(esc("a\u{0}b\nc"), "a\u{FFFD}b\nc");
    }

    fn finding(task: &str, start: usize, end: usize, explain: &str) -> FindingView {
        FindingView {
            task: task.into(),
            rule: "r".into(),
            category: "c".into(),
            start,
            end,
            weight: 1.0,
            explain: explain.into(),
        }
    }

    #[test]
    fn highlight_marks_findings_and_withholds_victims() {
        let text = "High pay <b> call 0812345678 now, mine 0899999999";
        let r = Reasons {
            findings: vec![finding("lure", 0, 8, "promises \"high\" pay")],
            selectors: vec![
                SelectorSpan {
                    start: 18,
                    end: 28,
                    kind: "phone".into(),
                    role: "contact".into(),
                },
                SelectorSpan {
                    start: 39,
                    end: 49,
                    kind: "phone".into(),
                    role: "victim".into(),
                },
            ],
        };
        let h = highlight(text, &r);
        assert_eq!(
            h,
            "<mark class=\"lure\" title=\"lure: promises &quot;high&quot; pay (r)\">High pay</mark> &lt;b&gt; call \
             <span class=\"sel\" title=\"phone\">0812345678</span> now, mine \
             <span class=\"withheld\">[victim's contact withheld]</span>"
        );
        assert!(!h.contains("0899999999"));
    }

    #[test]
    fn overlapping_findings_and_clipped_spans() {
        let r = Reasons {
            findings: vec![finding("scam", 0, 4, "a"), finding("lure", 2, 99, "b")],
            selectors: vec![],
        };
        let h = highlight("abcdef", &r);
        assert!(
            h.starts_with("<mark class=\"scam\" title=\"scam: a (r)\">ab</mark>"),
            "{h}"
        );
        assert!(
            h.contains("title=\"scam: a (r)&#10;lure: b (r)\">cd</mark>"),
            "{h}"
        );
        assert!(
            h.ends_with("<mark class=\"lure\" title=\"lure: b (r)\">ef</mark>"),
            "{h}"
        );
    }

    #[test]
    fn layout_is_deterministic_spread_and_keeps_edges_short() {
        // Two stars joined by one edge.
        let edges: Vec<(usize, usize)> = (1..6)
            .map(|i| (0, i))
            .chain((7..12).map(|i| (6, i)))
            .chain([(0, 6)])
            .collect();
        let a = layout(12, &edges, 7);
        assert_eq!(a, layout(12, &edges, 7));
        assert_ne!(a, layout(12, &edges, 8));
        let dist =
            |i: usize, j: usize| ((a[i].0 - a[j].0).powi(2) + (a[i].1 - a[j].1).powi(2)).sqrt();
        // No two nodes on top of each other.
        for i in 0..12 {
            for j in i + 1..12 {
                assert!(dist(i, j) > 0.03, "{i} and {j} overlap: {a:?}");
            }
        }
        // A leaf sits nearer its own hub than the other hub.
        for i in 1..6 {
            assert!(dist(i, 0) < dist(i, 6), "{a:?}");
        }
        for i in 7..12 {
            assert!(dist(i, 6) < dist(i, 0), "{a:?}");
        }
    }

    #[test]
    fn month_axis_fills_gaps() {
        let m = |v: &[&str]| month_axis(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            m(&["2025-11", "2026-02"]),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert_eq!(m(&["2020-01", "2026-02"]), ["2020-01", "2026-02"]);
        assert!(m(&[]).is_empty());
    }
}
