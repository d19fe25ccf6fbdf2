//! Graph export of what a viewer may see: GraphML and GEXF (Gephi, with node kinds and edge
//! weights) and DOT. Nodes are documents and selectors; a document is joined to each validated
//! contact selector it carries (weight 1) and to its near-duplicate templates (weight = estimated
//! similarity). Victims' selectors are never exported.
use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::cluster::ClusterView;
use crate::{DocView, Result, Store, Viewer};

/// A node.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Stable id (`d12`, `s:telegram:kk_boss_hr`).
    pub id: String,
    /// `document` or the selector kind (`phone`, `telegram`, …).
    pub kind: String,
    /// Shown label.
    pub label: String,
    /// Further attributes (name → value).
    pub attrs: BTreeMap<String, String>,
}

/// An edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Source node id.
    pub source: String,
    /// Target node id.
    pub target: String,
    /// `carries` (document → selector) or `template` (document — document).
    pub kind: String,
    /// Weight.
    pub weight: f64,
    /// Why it exists.
    pub why: String,
}

/// A graph ready to write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Graph {
    /// Nodes, each once.
    pub nodes: Vec<Node>,
    /// Edges.
    pub edges: Vec<Edge>,
}

/// Node attributes written as GraphML/GEXF attributes, besides `kind` and `label`.
const NODE_ATTRS: [&str; 8] = [
    "lang",
    "lure",
    "scam",
    "distress",
    "first_seen",
    "cluster",
    "state",
    "watchlists",
];

impl Graph {
    /// The graph of the viewer's clusters: one cluster (any member id), or all of them.
    pub fn of_clusters(
        store: &dyn Store,
        viewer: &Viewer,
        cluster: Option<i64>,
    ) -> Result<Option<Graph>> {
        let ids: Vec<i64> = match cluster {
            Some(id) => vec![id],
            None => store
                .clusters(viewer)?
                .clusters
                .iter()
                .map(|c| c.0)
                .collect(),
        };
        let mut g = Graph::default();
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            let Some(view) = store.show_cluster(viewer, id)? else {
                if cluster.is_some() {
                    return Ok(None);
                }
                continue;
            };
            g.add_cluster(store, viewer, &view, &mut seen)?;
        }
        Ok(Some(g))
    }

    fn add_cluster(
        &mut self,
        store: &dyn Store,
        viewer: &Viewer,
        view: &ClusterView,
        seen: &mut std::collections::HashSet<String>,
    ) -> Result<()> {
        for m in &view.members {
            let Some(doc) = store.document(viewer, m.id)? else {
                continue;
            };
            self.add_document(&doc, view.id, &m.first_seen, seen);
        }
        for l in &view.links {
            if let Some(sim) = l
                .why
                .strip_prefix("template (similarity ")
                .and_then(|s| s.strip_suffix(')'))
            {
                self.edges.push(Edge {
                    source: format!("d{}", l.a),
                    target: format!("d{}", l.b),
                    kind: "template".into(),
                    weight: sim.parse().unwrap_or(0.0),
                    why: l.why.clone(),
                });
            }
        }
        Ok(())
    }

    fn add_document(
        &mut self,
        doc: &DocView,
        cluster: i64,
        first_seen: &str,
        seen: &mut std::collections::HashSet<String>,
    ) {
        let id = format!("d{}", doc.id);
        if seen.insert(id.clone()) {
            let mut attrs = BTreeMap::new();
            attrs.insert("lang".into(), doc.lang.clone());
            for t in ["lure", "scam", "distress"] {
                attrs.insert(t.into(), doc.bands.get(t).cloned().unwrap_or_default());
            }
            attrs.insert("first_seen".into(), first_seen.to_string());
            attrs.insert("cluster".into(), cluster.to_string());
            self.nodes.push(Node {
                id: id.clone(),
                kind: "document".into(),
                label: format!("document {}", doc.id),
                attrs,
            });
        }
        let mut carried = std::collections::HashSet::new();
        for s in &doc.selectors {
            if s.role == "victim" || !s.valid {
                continue;
            }
            let sid = format!("s:{}:{}", s.kind, s.value);
            if !carried.insert(sid.clone()) {
                continue;
            }
            if seen.insert(sid.clone()) {
                let mut attrs = BTreeMap::new();
                attrs.insert("state".into(), s.state.clone());
                if !s.watchlists.is_empty() {
                    attrs.insert("watchlists".into(), s.watchlists.join("; "));
                }
                self.nodes.push(Node {
                    id: sid.clone(),
                    kind: s.kind.clone(),
                    label: s.value.clone(),
                    attrs,
                });
            }
            self.edges.push(Edge {
                source: id.clone(),
                target: sid,
                kind: "carries".into(),
                weight: 1.0,
                why: match &s.unlinked_because {
                    Some(w) => format!("carries {} {} (links nothing: {w})", s.kind, s.value),
                    None => format!("carries {} {}", s.kind, s.value),
                },
            });
        }
    }

    /// GraphML.
    pub fn graphml(&self) -> String {
        let mut o = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
        );
        o.push_str("  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n");
        o.push_str("  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n");
        for a in NODE_ATTRS {
            let _ = writeln!(
                o,
                "  <key id=\"{a}\" for=\"node\" attr.name=\"{a}\" attr.type=\"string\"/>"
            );
        }
        o.push_str("  <key id=\"ekind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n");
        o.push_str(
            "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n",
        );
        o.push_str("  <key id=\"why\" for=\"edge\" attr.name=\"why\" attr.type=\"string\"/>\n");
        o.push_str("  <graph id=\"redflag\" edgedefault=\"undirected\">\n");
        for n in &self.nodes {
            let _ = writeln!(o, "    <node id=\"{}\">", xml(&n.id));
            let _ = writeln!(o, "      <data key=\"kind\">{}</data>", xml(&n.kind));
            let _ = writeln!(o, "      <data key=\"label\">{}</data>", xml(&n.label));
            for (k, v) in &n.attrs {
                let _ = writeln!(o, "      <data key=\"{}\">{}</data>", xml(k), xml(v));
            }
            o.push_str("    </node>\n");
        }
        for (i, e) in self.edges.iter().enumerate() {
            let _ = writeln!(
                o,
                "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">\n      <data key=\"ekind\">{}</data>\n      <data key=\"weight\">{}</data>\n      <data key=\"why\">{}</data>\n    </edge>",
                xml(&e.source),
                xml(&e.target),
                xml(&e.kind),
                e.weight,
                xml(&e.why)
            );
        }
        o.push_str("  </graph>\n</graphml>\n");
        o
    }

    /// GEXF 1.3 (Gephi).
    pub fn gexf(&self) -> String {
        let mut o = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n  <meta><creator>redflag</creator><description>documents and the selectors they carry</description></meta>\n  <graph mode=\"static\" defaultedgetype=\"undirected\">\n    <attributes class=\"node\">\n      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n",
        );
        for a in NODE_ATTRS {
            let _ = writeln!(
                o,
                "      <attribute id=\"{a}\" title=\"{a}\" type=\"string\"/>"
            );
        }
        o.push_str("    </attributes>\n    <attributes class=\"edge\">\n      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n      <attribute id=\"why\" title=\"why\" type=\"string\"/>\n    </attributes>\n    <nodes>\n");
        for n in &self.nodes {
            let _ = write!(
                o,
                "      <node id=\"{}\" label=\"{}\">\n        <attvalues>\n          <attvalue for=\"kind\" value=\"{}\"/>\n",
                xml(&n.id),
                xml(&n.label),
                xml(&n.kind)
            );
            for (k, v) in &n.attrs {
                let _ = writeln!(
                    o,
                    "          <attvalue for=\"{}\" value=\"{}\"/>",
                    xml(k),
                    xml(v)
                );
            }
            o.push_str("        </attvalues>\n      </node>\n");
        }
        o.push_str("    </nodes>\n    <edges>\n");
        for (i, e) in self.edges.iter().enumerate() {
            let _ = writeln!(
                o,
                "      <edge id=\"e{i}\" source=\"{}\" target=\"{}\" weight=\"{}\">\n        <attvalues>\n          <attvalue for=\"kind\" value=\"{}\"/>\n          <attvalue for=\"why\" value=\"{}\"/>\n        </attvalues>\n      </edge>",
                xml(&e.source),
                xml(&e.target),
                e.weight,
                xml(&e.kind),
                xml(&e.why)
            );
        }
        o.push_str("    </edges>\n  </graph>\n</gexf>\n");
        o
    }

    /// Graphviz DOT.
    pub fn dot(&self) -> String {
        let mut o = String::from("graph redflag {\n  node [fontname=\"Noto Sans\"];\n");
        for n in &self.nodes {
            let shape = if n.kind == "document" {
                "box"
            } else {
                "ellipse"
            };
            let label = if n.kind == "document" {
                n.label.clone()
            } else {
                format!("{}\\n{}", n.kind, n.label)
            };
            let _ = writeln!(
                o,
                "  \"{}\" [shape={shape}, label=\"{}\", kind=\"{}\"];",
                dot_escape(&n.id),
                dot_escape(&label).replace("\\\\n", "\\n"),
                dot_escape(&n.kind)
            );
        }
        for e in &self.edges {
            let _ = writeln!(
                o,
                "  \"{}\" -- \"{}\" [weight={}, kind=\"{}\", tooltip=\"{}\"];",
                dot_escape(&e.source),
                dot_escape(&e.target),
                e.weight,
                dot_escape(&e.kind),
                dot_escape(&e.why)
            );
        }
        o.push_str("}\n");
        o
    }
}

fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Characters XML 1.0 forbids.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(xml("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos; ");
        assert_eq!(dot_escape("say \"hi\"\\"), "say \\\"hi\\\"\\\\");
    }
}
