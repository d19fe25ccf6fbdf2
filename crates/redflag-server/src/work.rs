//! The signed-in pages (analyst workspace, frontline screening, admin) and the JSON API that
//! mirrors them. Every read goes through the store (which asks `access::decide`); reads of AMBER
//! and RED are written to the audit chain (ids and hashes only).
use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use redflag_core::{Document, Engine};
use redflag_store::cluster::{ClusterView, Overview, Settings};
use redflag_store::export::Graph;
use redflag_store::workspace::{Case, QueueItem};
use redflag_store::{
    DocView, IngestOutcome, NewDoc, Role, SelectorKey, Signature, Store, Tlp, User, Workspace,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::auth::{ApiUser, Session, see_other};
use crate::data::indicators_present;
use crate::error::ApiError;
use crate::i18n::{LANGS, Lang};
use crate::pages::{esc, page, page_lang, report_html, role_name, url_encode};
use crate::{AppError, AppState};

/// Documents one upload may hold.
pub const MAX_UPLOAD_DOCS: usize = 20_000;

fn lang<'a>(state: &'a AppState, headers: &HeaderMap) -> &'a Lang {
    state.i18n.lang(page_lang(headers, None))
}

fn tlp_select(name: &str, default: Tlp) -> String {
    let mut s = format!("<select name=\"{name}\">");
    for t in Tlp::ALL {
        let _ = write!(
            s,
            "<option value=\"{0}\"{1}>TLP:{0}</option>",
            t.as_str(),
            if t == default { " selected" } else { "" }
        );
    }
    s.push_str("</select>");
    s
}

fn parse_tlp(s: &str) -> Result<Tlp, AppError> {
    s.parse().map_err(AppError::Bad)
}

fn short_hash(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new document as `redflag ingest` builds it.
pub fn new_doc(
    engine: &Engine,
    version: &std::sync::Arc<str>,
    text: String,
    source: &str,
    source_id: Option<String>,
    tlp: Tlp,
) -> NewDoc {
    let report = engine.analyze(&Document::new(source_id.clone().unwrap_or_default(), &text));
    NewDoc {
        source: source.into(),
        source_id,
        observed_at: None,
        utc_offset_min: None,
        kind: None,
        signature: Signature::of(&text),
        tlp: NewDoc::marking(Some(tlp), &report),
        report,
        text,
        engine: version.clone(),
    }
}

/// Store a batch and update the clusters.
fn ingest_and_cluster(
    s: &mut dyn Store,
    user: &User,
    docs: &[NewDoc],
) -> Result<IngestOutcome, AppError> {
    let v = user.viewer();
    let out = s.ingest(&v, docs)?;
    s.cluster(&v, &Settings::default())?;
    Ok(out)
}

fn doc_tlp(d: &DocView) -> Tlp {
    d.observations
        .iter()
        .map(|o| o.tlp)
        .max()
        .unwrap_or(Tlp::Clear)
}

// ---------------------------------------------------------------- queue

fn queue_html(l: &Lang, items: &[QueueItem]) -> String {
    let mut s = format!(
        "<h1>{}</h1><p class=\"muted\">{}</p><table><tr><th>#</th><th>TLP</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
        esc(l.t("nav_queue")),
        esc(l.t("queue_order")),
        esc(l.t("urgency")),
        esc(l.t("task_distress")),
        esc(l.t("task_lure")),
        esc(l.t("task_scam")),
    );
    for q in items {
        let _ = write!(
            s,
            "<tr><td><a href=\"/doc/{0}\">{0}</a></td><td class=\"tlp\">{1}</td><td>{2}</td><td>{3:.2}</td><td>{4:.2}</td><td>{5:.2}</td><td lang=\"{6}\">{7}</td></tr>",
            q.id,
            q.tlp,
            q.urgency,
            q.distress,
            q.lure,
            q.scam,
            esc(&q.lang),
            esc(&q.preview)
        );
    }
    s.push_str("</table>");
    if items.is_empty() {
        let _ = write!(s, "<p>{}</p>", esc(l.t("empty_queue")));
    }
    s
}

async fn load_queue(state: &AppState, user: User) -> Result<Vec<QueueItem>, AppError> {
    state
        .store
        .run(move |s| {
            let v = user.viewer();
            let items = s.queue(&v, 200)?;
            let sensitive = items.iter().filter(|q| q.tlp >= Tlp::Amber).count();
            if sensitive > 0 {
                s.audit(
                    &v.org,
                    &user.actor(),
                    "queue.read",
                    &format!("documents:{} amber_or_red:{sensitive}", items.len()),
                )?;
            }
            Ok(items)
        })
        .await
}

/// `GET /queue`.
pub async fn queue(
    headers: HeaderMap,
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let items = load_queue(&state, session.user.clone()).await?;
    Ok(page(
        l,
        l.t("nav_queue"),
        &queue_html(l, &items),
        Some(&session),
        "/queue",
    )
    .into_response())
}

/// `GET /api/queue`.
pub async fn api_queue(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
) -> Result<Json<Vec<QueueItem>>, ApiError> {
    Ok(Json(load_queue(&state, user).await?))
}

// ---------------------------------------------------------------- ingest

/// `GET /ingest`.
pub async fn ingest_form(
    headers: HeaderMap,
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let body = format!(
        "<h1>{0}</h1><form method=\"post\" action=\"/ingest\"><input type=\"hidden\" name=\"csrf\" value=\"{1}\"><label>{2}<textarea name=\"text\" required></textarea></label><p>{3} <input name=\"source\" value=\"web\"> {4}</p><button>{5}</button></form>\
         <h2>{6}</h2><form method=\"post\" action=\"/ingest/upload?csrf={1}\" enctype=\"multipart/form-data\"><p><input type=\"file\" name=\"file\" accept=\".csv,.jsonl,.ndjson,.txt\" required></p><p>{4}</p><p class=\"muted\">{7}</p><button>{5}</button></form>",
        esc(l.t("nav_ingest")),
        esc(&session.csrf),
        esc(l.t("paste_label")),
        esc(l.t("source")),
        tlp_select("tlp", Tlp::Amber),
        esc(l.t("ingest_button")),
        esc(l.t("upload_title")),
        esc(l.t("upload_help")),
    );
    Ok(page(l, l.t("nav_ingest"), &body, Some(&session), "/ingest").into_response())
}

/// The paste form.
#[derive(Debug, Deserialize)]
pub struct PasteForm {
    csrf: String,
    text: String,
    #[serde(default)]
    source: String,
    tlp: String,
}

/// `POST /ingest`: one pasted document; on to its page.
pub async fn ingest_paste(
    session: Session,
    State(state): State<AppState>,
    axum::Form(f): axum::Form<PasteForm>,
) -> Result<Response, AppError> {
    session.check_csrf(&f.csrf)?;
    let tlp = parse_tlp(&f.tlp)?;
    if f.text.trim().is_empty() {
        return Err(AppError::Bad("the text is empty".into()));
    }
    let st = state.clone();
    let user = session.user.clone();
    let id = state
        .store
        .run(move |s| {
            let source = if f.source.trim().is_empty() {
                "web"
            } else {
                f.source.trim()
            };
            let hash = redflag_store::content_hash(&f.text);
            let doc = new_doc(&st.engine, &st.engine_version, f.text, source, None, tlp);
            ingest_and_cluster(s, &user, &[doc])?;
            s.content_id(&hash)?
                .ok_or_else(|| AppError::Internal("stored content not found".into()))
        })
        .await?;
    Ok(see_other(&format!("/doc/{id}")))
}

/// Records of an upload: JSONL (`text`, optional `id`) or CSV (a `text` column, optional `id`).
pub fn parse_upload(name: &str, bytes: &[u8]) -> Result<Vec<(Option<String>, String)>, AppError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| AppError::Bad(format!("{name}: not UTF-8 (byte {})", e.valid_up_to())))?;
    let text = text.trim_start_matches('\u{feff}');
    let jsonl = name.ends_with(".jsonl")
        || name.ends_with(".ndjson")
        || (!name.ends_with(".csv") && text.trim_start().starts_with('{'));
    let mut out = Vec::new();
    if jsonl {
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| AppError::Bad(format!("{name}, line {}: {e}", n + 1)))?;
            let t = v.get("text").and_then(|t| t.as_str()).ok_or_else(|| {
                AppError::Bad(format!("{name}, line {}: no \"text\" field", n + 1))
            })?;
            let id = v.get("id").and_then(|i| match i {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
            out.push((id, t.to_string()));
            if out.len() > MAX_UPLOAD_DOCS {
                return Err(AppError::Bad(format!(
                    "{name}: more than {MAX_UPLOAD_DOCS} records"
                )));
            }
        }
    } else if name.ends_with(".csv") || text.lines().next().is_some_and(|h| h.contains(',')) {
        let mut r = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = r
            .headers()
            .map_err(|e| AppError::Bad(format!("{name}: header row: {e}")))?
            .clone();
        let col = |want: &str| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(want))
        };
        let tc = col("text").ok_or_else(|| AppError::Bad(format!("{name}: no \"text\" column")))?;
        let ic = col("id");
        for (n, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| AppError::Bad(format!("{name}, record {}: {e}", n + 1)))?;
            out.push((
                ic.and_then(|i| rec.get(i)).map(str::to_string),
                rec.get(tc).unwrap_or("").to_string(),
            ));
            if out.len() > MAX_UPLOAD_DOCS {
                return Err(AppError::Bad(format!(
                    "{name}: more than {MAX_UPLOAD_DOCS} records"
                )));
            }
        }
    } else {
        out.push((None, text.to_string()));
    }
    out.retain(|(_, t)| !t.trim().is_empty());
    if out.is_empty() {
        return Err(AppError::Bad(format!("{name}: no text found")));
    }
    Ok(out)
}

/// `?csrf=` of the upload form (multipart bodies are read after the check).
#[derive(Debug, Deserialize)]
pub struct CsrfQuery {
    csrf: String,
}

/// `POST /ingest/upload`: a CSV or JSONL file.
pub async fn ingest_upload(
    headers: HeaderMap,
    session: Session,
    Query(q): Query<CsrfQuery>,
    State(state): State<AppState>,
    mut mp: Multipart,
) -> Result<Response, AppError> {
    session.check_csrf(&q.csrf)?;
    let l = lang(&state, &headers);
    let mut tlp = Tlp::Amber;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| AppError::Bad(format!("upload: {e}")))?
    {
        match field.name().unwrap_or("") {
            "tlp" => {
                tlp = parse_tlp(
                    &field
                        .text()
                        .await
                        .map_err(|e| AppError::Bad(e.to_string()))?,
                )?
            }
            "file" => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::Bad(format!("upload: {e}")))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let (name, bytes) = file.ok_or_else(|| AppError::Bad("no file in the upload".into()))?;
    let records = parse_upload(&name, &bytes)?;
    let st = state.clone();
    let user = session.user.clone();
    let source = format!("upload:{name}");
    let out = state
        .store
        .run(move |s| {
            let docs: Vec<NewDoc> = records
                .into_iter()
                .map(|(id, t)| new_doc(&st.engine, &st.engine_version, t, &source, id, tlp))
                .collect();
            ingest_and_cluster(s, &user, &docs)
        })
        .await?;
    let body = format!(
        "<h1>{}</h1><p class=\"ok\">{}: {} · {}: {}</p><p><a href=\"/clusters\">{}</a> · <a href=\"/queue\">{}</a></p>",
        esc(l.t("upload_title")),
        esc(l.t("stored")),
        out.stored,
        esc(l.t("already_stored")),
        out.already_stored,
        esc(l.t("nav_clusters")),
        esc(l.t("nav_queue")),
    );
    Ok(page(l, l.t("upload_title"), &body, Some(&session), "/ingest").into_response())
}

/// `POST /api/ingest` body.
#[derive(Debug, Deserialize)]
pub struct ApiIngest {
    docs: Vec<ApiDoc>,
    #[serde(default)]
    tlp: Option<String>,
}

/// One document of `POST /api/ingest`.
#[derive(Debug, Deserialize)]
pub struct ApiDoc {
    text: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

/// `POST /api/ingest`.
pub async fn api_ingest(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Json(req): Json<ApiIngest>,
) -> Result<Json<IngestOutcome>, ApiError> {
    let tlp = match &req.tlp {
        Some(t) => parse_tlp(t)?,
        None => Tlp::Amber,
    };
    if req.docs.len() > MAX_UPLOAD_DOCS {
        return Err(AppError::Bad(format!("more than {MAX_UPLOAD_DOCS} documents")).into());
    }
    let st = state.clone();
    Ok(Json(
        state
            .store
            .run(move |s| {
                let docs: Vec<NewDoc> = req
                    .docs
                    .into_iter()
                    .map(|d| {
                        let src = d.source.unwrap_or_else(|| "api".into());
                        new_doc(&st.engine, &st.engine_version, d.text, &src, d.id, tlp)
                    })
                    .collect();
                ingest_and_cluster(s, &user, &docs)
            })
            .await?,
    ))
}

// ---------------------------------------------------------------- documents

async fn load_doc(state: &AppState, user: User, id: i64) -> Result<DocView, AppError> {
    state
        .store
        .run(move |s| {
            let v = user.viewer();
            let d = s.document(&v, id)?.ok_or(AppError::NotFound)?;
            if doc_tlp(&d) >= Tlp::Amber {
                s.audit(&v.org, &user.actor(), "doc.read", &format!("content:{id}"))?;
            }
            Ok(d)
        })
        .await
}

/// `GET /doc/{id}`.
pub async fn document(
    headers: HeaderMap,
    session: Session,
    Path(id): Path<i64>,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let d = load_doc(&state, session.user.clone(), id).await?;
    let mut report = state
        .engine
        .analyze(&Document::new(id.to_string(), &d.text));
    // Only the selectors the store lets this viewer see (victims' stay in their organisation).
    report.selectors.retain(|s| {
        d.selectors
            .iter()
            .any(|v| v.kind == s.kind.as_str() && v.value == s.value)
    });
    let mut body = format!(
        "<h1>{} {}</h1><p><span class=\"tlp\">TLP:{}</span> · {}</p>",
        esc(l.t("document")),
        d.id,
        doc_tlp(&d),
        esc(&d.lang)
    );
    body.push_str(&report_html(l, &d.text, &report, true));
    let _ = write!(body, "<h2>{}</h2><table>", esc(l.t("observations")));
    for o in &d.observations {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"tlp\">{}</td></tr>",
            esc(&o.org),
            esc(&o.source),
            esc(&o.observed_at),
            o.tlp
        );
    }
    body.push_str("</table>");
    if let Some(c) = d.cluster {
        let _ = write!(
            body,
            "<p><a href=\"/cluster/{c}\">{} {c}</a></p>",
            esc(l.t("cluster"))
        );
    }
    Ok(page(l, l.t("document"), &body, Some(&session), "/queue").into_response())
}

/// `GET /api/doc/{id}`.
pub async fn api_document(
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    State(state): State<AppState>,
) -> Result<Json<DocView>, ApiError> {
    Ok(Json(load_doc(&state, user, id).await?))
}

// ---------------------------------------------------------------- clusters

async fn load_clusters(state: &AppState, user: User) -> Result<Overview, AppError> {
    state
        .store
        .run(move |s| Ok(s.clusters(&user.viewer())?))
        .await
}

/// `GET /clusters`.
pub async fn clusters(
    headers: HeaderMap,
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let o = load_clusters(&state, session.user.clone()).await?;
    let mut body = format!(
        "<h1>{}</h1><p>{}: {} · {}: {:.0}%</p><ul>",
        esc(l.t("nav_clusters")),
        esc(l.t("documents")),
        o.documents,
        esc(l.t("largest_share")),
        o.largest_share * 100.0
    );
    for (id, size) in o.clusters.iter().take(500) {
        let _ = write!(
            body,
            "<li><a href=\"/cluster/{id}\">{} {id}</a> — {size}</li>",
            esc(l.t("cluster"))
        );
    }
    body.push_str("</ul>");
    Ok(page(l, l.t("nav_clusters"), &body, Some(&session), "/clusters").into_response())
}

/// `GET /api/clusters`.
pub async fn api_clusters(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
) -> Result<Json<Overview>, ApiError> {
    Ok(Json(load_clusters(&state, user).await?))
}

async fn load_cluster(state: &AppState, user: User, id: i64) -> Result<ClusterView, AppError> {
    state
        .store
        .run(move |s| {
            let v = user.viewer();
            let c = s.show_cluster(&v, id)?.ok_or(AppError::NotFound)?;
            if c.tlp >= Tlp::Amber {
                s.audit(
                    &v.org,
                    &user.actor(),
                    "cluster.read",
                    &format!("cluster:{}", c.id),
                )?;
            }
            Ok(c)
        })
        .await
}

/// The cluster's links as a small inline SVG: members on a circle, a line per link.
pub fn cluster_svg(c: &ClusterView) -> String {
    let members: Vec<i64> = c.members.iter().map(|m| m.id).take(60).collect();
    let n = members.len().max(1) as f64;
    let (cx, cy, r) = (160.0, 160.0, 120.0);
    let pos = |i: usize| {
        let a = std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2;
        (cx + r * a.cos(), cy + r * a.sin())
    };
    let idx = |id: i64| members.iter().position(|m| *m == id);
    let mut s = String::from(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 320 320\" width=\"320\" height=\"320\" role=\"img\" aria-label=\"cluster graph\">",
    );
    for link in &c.links {
        if let (Some(a), Some(b)) = (idx(link.a), idx(link.b)) {
            let ((x1, y1), (x2, y2)) = (pos(a), pos(b));
            let dash = if link.why.starts_with("template") {
                " stroke-dasharray=\"4 3\""
            } else {
                ""
            };
            let _ = write!(
                s,
                "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#999\"{dash}><title>{}</title></line>",
                esc(&link.why)
            );
        }
    }
    for (i, id) in members.iter().enumerate() {
        let (x, y) = pos(i);
        let _ = write!(
            s,
            "<a href=\"/doc/{id}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"11\" fill=\"#7a1010\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#fff\">{id}</text></a>",
            y + 3.0
        );
    }
    s.push_str("</svg>");
    s
}

/// `GET /cluster/{id}`.
pub async fn cluster(
    headers: HeaderMap,
    session: Session,
    Path(id): Path<i64>,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let c = load_cluster(&state, session.user.clone(), id).await?;
    let mut body = format!(
        "<h1>{} {}</h1><p><span class=\"tlp\">TLP:{}</span> · {} → {}</p>{}",
        esc(l.t("cluster")),
        c.id,
        c.tlp,
        esc(&c.first_seen),
        esc(&c.last_seen),
        cluster_svg(&c)
    );
    let _ = write!(body, "<h2>{}</h2><table>", esc(l.t("members")));
    for m in &c.members {
        let _ = write!(
            body,
            "<tr><td><a href=\"/doc/{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td></tr>",
            m.id,
            esc(&m.lang),
            esc(&m.first_seen),
            esc(&m.bands.join(" / "))
        );
    }
    let _ = write!(body, "</table><h2>{}</h2><ul>", esc(l.t("selectors")));
    for (kind, sels) in &c.selectors {
        for s in sels {
            let _ = write!(
                body,
                "<li>{}: <a href=\"/search?kind={}&amp;value={}\">{}</a> ({}, {}){}</li>",
                esc(kind),
                esc(&url_encode(kind)),
                esc(&url_encode(&s.value)),
                esc(&s.value),
                esc(&s.state),
                s.documents,
                s.unlinked_because
                    .as_deref()
                    .map_or(String::new(), |w| format!(" — {}", esc(w)))
            );
        }
    }
    let _ = write!(
        body,
        "</ul><h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(l.t("timeline")),
        esc(l.t("month")),
        esc(l.t("calling_codes")),
        esc(l.t("places"))
    );
    for m in &c.timeline {
        let codes: Vec<String> = m
            .calling_codes
            .iter()
            .map(|(k, v)| format!("{k}×{v}"))
            .collect();
        let places: Vec<String> = m.places.iter().map(|(k, v)| format!("{k}×{v}")).collect();
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m.month),
            esc(&codes.join(" ")),
            esc(&places.join(" "))
        );
    }
    let _ = write!(body, "</table><h2>{}</h2><p>", esc(l.t("export")));
    for f in ["graphml", "gexf", "dot", "stix", "misp", "ftm"] {
        let _ = write!(
            body,
            "<a href=\"/cluster/{}/export/{f}\">{}</a> ",
            c.id,
            f.to_uppercase()
        );
    }
    body.push_str("</p>");
    if session.user.role != Role::Reader {
        let _ = write!(
            body,
            "<h2>{0}</h2><form method=\"post\" action=\"/cluster/{1}/adopt\"><input type=\"hidden\" name=\"csrf\" value=\"{2}\"><input name=\"title\" required placeholder=\"{3}\"> {4} <button>{0}</button></form>",
            esc(l.t("adopt")),
            c.id,
            esc(&session.csrf),
            esc(l.t("case_title")),
            tlp_select("tlp", Tlp::Amber),
        );
    }
    Ok(page(l, l.t("cluster"), &body, Some(&session), "/clusters").into_response())
}

/// `GET /api/cluster/{id}`.
pub async fn api_cluster(
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    State(state): State<AppState>,
) -> Result<Json<ClusterView>, ApiError> {
    Ok(Json(load_cluster(&state, user, id).await?))
}

/// The adopt form.
#[derive(Debug, Deserialize)]
pub struct AdoptForm {
    csrf: String,
    title: String,
    tlp: String,
}

/// `POST /cluster/{id}/adopt`: the cluster becomes a case.
pub async fn adopt(
    session: Session,
    Path(id): Path<i64>,
    State(state): State<AppState>,
    axum::Form(f): axum::Form<AdoptForm>,
) -> Result<Response, AppError> {
    session.check_csrf(&f.csrf)?;
    let tlp = parse_tlp(&f.tlp)?;
    let user = session.user.clone();
    let case = state
        .store
        .run(move |s| {
            // Only a cluster the analyst can see.
            let c = s
                .show_cluster(&user.viewer(), id)?
                .ok_or(AppError::NotFound)?;
            // A case is never marked less restrictive than what it is made of.
            Ok(s.create_case(&user, Some(c.id), &f.title, tlp.max(c.tlp))?)
        })
        .await?;
    Ok(see_other(&format!("/case/{case}")))
}

/// `GET /cluster/{id}/export/{format}`: GraphML, GEXF or DOT of what the viewer may see, or a
/// STIX 2.1 bundle, MISP event or FollowTheMoney lines of what it may share.
pub async fn export(
    session: Session,
    Path((id, format)): Path<(i64, String)>,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let (ctype, ext) = match format.as_str() {
        "graphml" => ("application/graphml+xml", "graphml"),
        "gexf" => ("application/gexf+xml", "gexf"),
        "dot" => ("text/vnd.graphviz", "dot"),
        "stix" => ("application/stix+json", "stix.json"),
        "misp" => ("application/json", "misp.json"),
        "ftm" => ("application/x-ndjson", "ftm.jsonl"),
        _ => return Err(AppError::NotFound),
    };
    let user = session.user.clone();
    let fmt = format.clone();
    let text = state
        .store
        .run(move |s| {
            let v = user.viewer();
            let text = match fmt.as_str() {
                "graphml" | "gexf" | "dot" => {
                    let g = Graph::of_clusters(&*s, &v, Some(id))?.ok_or(AppError::NotFound)?;
                    match fmt.as_str() {
                        "graphml" => g.graphml(),
                        "gexf" => g.gexf(),
                        _ => g.dot(),
                    }
                }
                // The exchange formats: what this viewer may share (AMBER at most, RED and
                // victims' data never), by the same rule as `redflag export`.
                _ => exchange_text(&*s, &v, id, &fmt)?.ok_or(AppError::NotFound)?,
            };
            s.audit(
                &v.org,
                &user.actor(),
                "export",
                &format!("cluster:{id}:{fmt}"),
            )?;
            Ok(text)
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, format!("{ctype}; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"cluster-{id}.{ext}\""),
            ),
        ],
        text,
    )
        .into_response())
}

/// A cluster as a STIX 2.1 bundle, a MISP event or FollowTheMoney lines; `None` when the viewer
/// has no such cluster.
fn exchange_text(
    s: &dyn redflag_store::Store,
    v: &redflag_store::Viewer,
    id: i64,
    fmt: &str,
) -> Result<Option<String>, AppError> {
    use redflag_exchange::share::{Policy, Scope, collect};
    let shared = match collect(s, v, Scope::Cluster(id), Policy::default()) {
        Ok(x) => x,
        Err(redflag_exchange::Error::Store(e)) => return Err(e.into()),
        Err(e) => return Err(AppError::Internal(e.to_string())),
    };
    let Some(shared) = shared else {
        return Ok(None);
    };
    let format = match fmt {
        "stix" => redflag_exchange::Format::Stix,
        "misp" => redflag_exchange::Format::Misp,
        _ => redflag_exchange::Format::Ftm,
    };
    Ok(Some(redflag_exchange::render(&shared, format).text))
}

// ---------------------------------------------------------------- search

/// Search parameters: an exact selector (`kind` and `value`), or any written form (`q`).
#[derive(Debug, Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    q: Option<String>,
}

/// The selector keys of a search: exact, else what the engine reads in the written form.
pub fn search_keys(engine: &Engine, q: &SearchQuery) -> Vec<SelectorKey> {
    if let (Some(k), Some(v)) = (&q.kind, &q.value)
        && !k.is_empty()
        && !v.is_empty()
    {
        return vec![SelectorKey {
            kind: k.clone(),
            value: v.clone(),
        }];
    }
    let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) else {
        return Vec::new();
    };
    let mut keys: Vec<SelectorKey> = engine
        .analyze(&Document::new("query", text))
        .selectors
        .iter()
        .map(|s| SelectorKey {
            kind: s.kind.as_str().into(),
            value: s.value.clone(),
        })
        .collect();
    let bare = text.trim().trim_start_matches('@').to_lowercase();
    if !bare.contains(char::is_whitespace) {
        for k in ["telegram", "line", "wechat", "signal", "email", "domain"] {
            keys.push(SelectorKey {
                kind: k.into(),
                value: bare.clone(),
            });
        }
    }
    keys.dedup();
    keys
}

async fn run_search(
    state: &AppState,
    user: User,
    q: SearchQuery,
) -> Result<Vec<DocView>, AppError> {
    let keys = search_keys(&state.engine, &q);
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let fingerprint = short_hash(&format!("{:?}", keys));
    state
        .store
        .run(move |s| {
            let v = user.viewer();
            let docs = s.find(&v, &keys)?;
            let sensitive = docs.iter().filter(|d| doc_tlp(d) >= Tlp::Amber).count();
            if sensitive > 0 {
                s.audit(
                    &v.org,
                    &user.actor(),
                    "search",
                    &format!(
                        "query:{fingerprint} documents:{} amber_or_red:{sensitive}",
                        docs.len()
                    ),
                )?;
            }
            Ok(docs)
        })
        .await
}

/// `GET /search`.
pub async fn search(
    headers: HeaderMap,
    session: Session,
    Query(q): Query<SearchQuery>,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let shown = q.q.clone().or_else(|| q.value.clone()).unwrap_or_default();
    let docs = run_search(&state, session.user.clone(), q).await?;
    let mut body = format!(
        "<h1>{0}</h1><form method=\"get\" action=\"/search\"><input name=\"q\" value=\"{1}\" placeholder=\"{2}\" required> <button>{0}</button></form>",
        esc(l.t("nav_search")),
        esc(&shown),
        esc(l.t("search_help")),
    );
    if !shown.is_empty() {
        let _ = write!(body, "<p>{}: {}</p><ul>", esc(l.t("documents")), docs.len());
        for d in &docs {
            let preview: String = d.text.chars().take(120).collect();
            let _ = write!(
                body,
                "<li><a href=\"/doc/{0}\">{0}</a> <span class=\"tlp\">{1}</span> <span lang=\"{2}\">{3}</span></li>",
                d.id,
                doc_tlp(d),
                esc(&d.lang),
                esc(&preview)
            );
        }
        body.push_str("</ul>");
    }
    Ok(page(l, l.t("nav_search"), &body, Some(&session), "/search").into_response())
}

/// `GET /api/search`.
pub async fn api_search(
    ApiUser(user): ApiUser,
    Query(q): Query<SearchQuery>,
    State(state): State<AppState>,
) -> Result<Json<Vec<DocView>>, ApiError> {
    Ok(Json(run_search(&state, user, q).await?))
}

// ---------------------------------------------------------------- cases

/// `GET /cases`.
pub async fn cases(
    headers: HeaderMap,
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let user = session.user.clone();
    let list = state.store.run(move |s| Ok(s.cases(&user)?)).await?;
    let mut body = format!("<h1>{}</h1><ul>", esc(l.t("nav_cases")));
    for c in &list {
        let _ = write!(
            body,
            "<li><a href=\"/case/{0}\">{0}</a> <span class=\"tlp\">{1}</span> {2} <span class=\"muted\">{3}</span></li>",
            c.id,
            c.tlp,
            esc(&c.title),
            esc(&c.org)
        );
    }
    body.push_str("</ul>");
    Ok(page(l, l.t("nav_cases"), &body, Some(&session), "/cases").into_response())
}

/// `GET /api/cases`.
pub async fn api_cases(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
) -> Result<Json<Vec<Case>>, ApiError> {
    Ok(Json(state.store.run(move |s| Ok(s.cases(&user)?)).await?))
}

async fn load_case(state: &AppState, user: User, id: i64) -> Result<Case, AppError> {
    state
        .store
        .run(move |s| s.case(&user, id)?.ok_or(AppError::NotFound))
        .await
}

/// `GET /case/{id}`.
pub async fn case(
    headers: HeaderMap,
    session: Session,
    Path(id): Path<i64>,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let c = load_case(&state, session.user.clone(), id).await?;
    let mut body = format!(
        "<h1>{} {}: {}</h1><p><span class=\"tlp\">TLP:{}</span> · {} · {}</p>",
        esc(l.t("case")),
        c.id,
        esc(&c.title),
        c.tlp,
        esc(&c.org),
        esc(&c.created_at)
    );
    if let Some(cl) = c.cluster {
        let _ = write!(
            body,
            "<p><a href=\"/cluster/{cl}\">{} {cl}</a></p>",
            esc(l.t("cluster"))
        );
    }
    let _ = write!(body, "<h2>{}</h2><ul>", esc(l.t("notes")));
    for n in &c.notes {
        let _ = write!(
            body,
            "<li>{} <span class=\"muted\">user:{} {}</span></li>",
            esc(&n.body),
            n.author,
            esc(&n.created_at)
        );
    }
    body.push_str("</ul>");
    if session.user.role != Role::Reader && session.user.org == c.org {
        let _ = write!(
            body,
            "<form method=\"post\" action=\"/case/{}/note\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><textarea name=\"body\" required></textarea><button>{}</button></form>",
            c.id,
            esc(&session.csrf),
            esc(l.t("add_note"))
        );
    }
    Ok(page(l, l.t("case"), &body, Some(&session), "/cases").into_response())
}

/// `GET /api/case/{id}`.
pub async fn api_case(
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    State(state): State<AppState>,
) -> Result<Json<Case>, ApiError> {
    Ok(Json(load_case(&state, user, id).await?))
}

/// The note form.
#[derive(Debug, Deserialize)]
pub struct NoteForm {
    csrf: String,
    body: String,
}

/// `POST /case/{id}/note`.
pub async fn note(
    session: Session,
    Path(id): Path<i64>,
    State(state): State<AppState>,
    axum::Form(f): axum::Form<NoteForm>,
) -> Result<Response, AppError> {
    session.check_csrf(&f.csrf)?;
    let user = session.user.clone();
    state
        .store
        .run(move |s| {
            // Not visible reads as absent, whatever the reason.
            s.case(&user, id)?.ok_or(AppError::NotFound)?;
            Ok(s.add_note(&user, id, &f.body)?)
        })
        .await?;
    Ok(see_other(&format!("/case/{id}")))
}

// ---------------------------------------------------------------- screening

/// The languages of a screening.
#[derive(Debug, Deserialize, Default)]
pub struct ScreenQuery {
    #[serde(default)]
    officer: Option<String>,
    #[serde(default)]
    person: Option<String>,
}

fn known_lang(l: Option<&str>, default: &'static str) -> &'static str {
    l.and_then(|l| LANGS.iter().copied().find(|x| *x == l))
        .unwrap_or(default)
}

/// `GET /screen?officer=en&person=km`: the guided interview, side by side.
pub async fn screen_form(
    headers: HeaderMap,
    session: Session,
    Query(q): Query<ScreenQuery>,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let officer = known_lang(q.officer.as_deref(), l.code);
    let person = known_lang(q.person.as_deref(), officer);
    let sc = &state.data.screening;
    let sel = |name: &str, cur: &str| {
        let mut s = format!("<select name=\"{name}\">");
        for c in LANGS {
            let _ = write!(
                s,
                "<option value=\"{c}\"{}>{}</option>",
                if c == cur { " selected" } else { "" },
                esc(crate::i18n::I18n::name_of(c))
            );
        }
        s + "</select>"
    };
    let mut body = format!(
        "<h1>{}</h1><p>{}</p><form method=\"get\" action=\"/screen\">{} {} {} {} <button>{}</button></form>",
        esc(l.t("nav_screen")),
        esc(l.t("screen_intro")),
        esc(l.t("officer_lang")),
        sel("officer", officer),
        esc(l.t("person_lang")),
        sel("person", person),
        esc(l.t("apply")),
    );
    let machine = |code: &str| sc.status.get(code).is_some_and(|s| s == "machine");
    if machine(officer) || machine(person) {
        let _ = write!(
            body,
            "<p class=\"muted\">{}</p>",
            esc(l.t("machine_notice"))
        );
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/screen\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"officer_lang\" value=\"{officer}\"><input type=\"hidden\" name=\"person_lang\" value=\"{person}\">",
        esc(&session.csrf)
    );
    let labels_o = &sc.answers[officer];
    let labels_p = &sc.answers[person];
    for (n, q) in sc.question.iter().enumerate() {
        let ind = sc
            .indicator(&q.indicator)
            .map_or("", |i| i.name[officer].as_str());
        let _ = write!(
            body,
            "<fieldset><legend>{} · <span class=\"muted\">{}</span></legend><div class=\"pair\"><p lang=\"{officer}\">{}</p><p lang=\"{person}\">{}</p></div>",
            n + 1,
            esc(ind),
            esc(&q.text[officer]),
            esc(&q.text[person])
        );
        for (i, val) in ["yes", "no", "unsure"].iter().enumerate() {
            let _ = write!(
                body,
                "<label><input type=\"radio\" name=\"a_{}\" value=\"{val}\"{}> {} / <span lang=\"{person}\">{}</span></label> ",
                esc(&q.id),
                if *val == "unsure" { " checked" } else { "" },
                esc(&labels_o[i]),
                esc(&labels_p[i])
            );
        }
        body.push_str("</fieldset>");
    }
    let _ = write!(
        body,
        "<p><label>{} <select name=\"referral\"><option value=\"\">—</option>",
        esc(l.t("referral"))
    );
    for (i, h) in state.data.hotlines.iter().enumerate() {
        let _ = write!(
            body,
            "<option value=\"{i}\">{} {} ({})</option>",
            esc(&h.number),
            esc(&h.name),
            esc(&h.country)
        );
    }
    let _ = write!(
        body,
        "</select></label></p><p class=\"muted\">{}</p><button>{}</button></form><p class=\"muted\">{}: <a href=\"{}\">{}</a></p>",
        esc(l.t("screen_not_verdict")),
        esc(l.t("save")),
        esc(l.t("source")),
        esc(&sc.source_url),
        esc(&sc.source)
    );
    Ok(page(l, l.t("nav_screen"), &body, Some(&session), "/screen").into_response())
}

/// `POST /screen`: stored RED in the officer's organisation.
pub async fn screen(
    session: Session,
    State(state): State<AppState>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    session.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let sc = &state.data.screening;
    let officer = known_lang(form.get("officer_lang").map(String::as_str), "en");
    let person = known_lang(form.get("person_lang").map(String::as_str), "en");
    let mut answers = BTreeMap::new();
    for q in &sc.question {
        let a = form
            .get(&format!("a_{}", q.id))
            .map_or("unsure", String::as_str);
        if !["yes", "no", "unsure"].contains(&a) {
            return Err(AppError::Bad(format!(
                "question {}: answer {a:?} (yes, no, unsure)",
                q.id
            )));
        }
        answers.insert(q.id.clone(), a.to_string());
    }
    let present = indicators_present(sc, &answers);
    let referral = match form.get("referral").filter(|r| !r.is_empty()) {
        Some(r) => {
            let i: usize = r
                .parse()
                .map_err(|_| AppError::Bad("referral: not a hotline".into()))?;
            let h = state
                .data
                .hotlines
                .get(i)
                .ok_or_else(|| AppError::Bad("referral: not a hotline".into()))?;
            format!("{} {} ({})", h.number, h.name, h.country)
        }
        None => String::new(),
    };
    let answers_json =
        serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
    let present_json =
        serde_json::to_string(&present).map_err(|e| AppError::Internal(e.to_string()))?;
    let user = session.user.clone();
    let id = state
        .store
        .run(move |s| {
            Ok(s.save_screening(
                &user,
                officer,
                person,
                &answers_json,
                &present_json,
                &referral,
                Tlp::Red,
            )?)
        })
        .await?;
    Ok(see_other(&format!("/screening/{id}")))
}

/// `GET /screening/{id}`: the indicators present, the answers behind them, the referral.
pub async fn screening(
    headers: HeaderMap,
    session: Session,
    Path(id): Path<i64>,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let user = session.user.clone();
    let sv = state
        .store
        .run(move |s| s.screening(&user, id)?.ok_or(AppError::NotFound))
        .await?;
    let sc = &state.data.screening;
    let officer = known_lang(Some(&sv.officer_lang), "en");
    let person = known_lang(Some(&sv.person_lang), "en");
    let present: Vec<(String, Vec<String>)> = serde_json::from_str(&sv.indicators)
        .map_err(|e| AppError::Internal(format!("screening {id}: {e}")))?;
    let mut body = format!(
        "<h1>{} {}</h1><p><span class=\"tlp\">TLP:{}</span> · {}</p><p class=\"alert\">{}</p><h2>{}</h2>",
        esc(l.t("screening")),
        sv.id,
        sv.tlp,
        esc(&sv.created_at),
        esc(l.t("screen_not_verdict")),
        esc(l.t("indicators_present")),
    );
    if present.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(l.t("no_indicators")));
    }
    for (ind, qs) in &present {
        let name = sc
            .indicator(ind)
            .map_or(ind.as_str(), |i| i.name[officer].as_str());
        let pname = sc
            .indicator(ind)
            .map_or(ind.as_str(), |i| i.name[person].as_str());
        let _ = write!(
            body,
            "<h3>{} / <span lang=\"{person}\">{}</span></h3><ul>",
            esc(name),
            esc(pname)
        );
        for qid in qs {
            if let Some(q) = sc.question.iter().find(|q| &q.id == qid) {
                let _ = write!(
                    body,
                    "<li><div class=\"pair\"><span lang=\"{officer}\">{}</span><span lang=\"{person}\">{}</span></div> → {}</li>",
                    esc(&q.text[officer]),
                    esc(&q.text[person]),
                    esc(&sc.answers[officer][0])
                );
            }
        }
        body.push_str("</ul>");
    }
    let _ = write!(
        body,
        "<h2>{}</h2><p>{}</p><p class=\"muted\">{}: <a href=\"{}\">{}</a></p>",
        esc(l.t("referral")),
        if sv.referral.is_empty() {
            "—".to_string()
        } else {
            esc(&sv.referral)
        },
        esc(l.t("source")),
        esc(&sc.source_url),
        esc(&sc.source)
    );
    Ok(page(l, l.t("screening"), &body, Some(&session), "/screen").into_response())
}

// ---------------------------------------------------------------- admin

/// `GET /admin`.
pub async fn admin(
    headers: HeaderMap,
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = lang(&state, &headers);
    let user = session.user.clone();
    let (users, tokens, orgs) = state
        .store
        .run(move |s| Ok((s.users(&user)?, s.tokens(&user)?, s.orgs()?)))
        .await?;
    admin_page(l, &session, &users, &tokens, &orgs, None)
}

fn admin_page(
    l: &Lang,
    session: &Session,
    users: &[User],
    tokens: &[redflag_store::workspace::TokenInfo],
    orgs: &[String],
    new_token: Option<&str>,
) -> Result<Response, AppError> {
    let csrf = esc(&session.csrf);
    let mut body = format!("<h1>{}</h1>", esc(l.t("nav_admin")));
    if let Some(t) = new_token {
        let _ = write!(
            body,
            "<p class=\"ok\">{}<br><code>{}</code></p>",
            esc(l.t("token_once")),
            esc(t)
        );
    }
    let _ = write!(
        body,
        "<h2>{}</h2><p>{}</p>",
        esc(l.t("orgs")),
        esc(&orgs.join(", "))
    );
    let _ = write!(body, "<h2>{}</h2><table>", esc(l.t("users")));
    for u in users {
        let mut opts = String::new();
        for r in Role::ALL {
            let _ = write!(
                opts,
                "<option value=\"{}\"{}>{}</option>",
                r.as_str(),
                if r == u.role { " selected" } else { "" },
                role_name(r)
            );
        }
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td><form method=\"post\" action=\"/admin/role\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"user\" value=\"{}\"><select name=\"role\">{opts}</select> <button>{}</button></form></td><td><form method=\"post\" action=\"/admin/token\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"user\" value=\"{}\"><input name=\"name\" placeholder=\"{}\" required> <button>{}</button></form></td></tr>",
            u.id,
            esc(&u.name),
            u.id,
            esc(l.t("save")),
            u.id,
            esc(l.t("token_name")),
            esc(l.t("new_token")),
        );
    }
    let _ = write!(
        body,
        "</table><h3>{0}</h3><form method=\"post\" action=\"/admin/user\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input name=\"name\" placeholder=\"{1}\" required> <input type=\"password\" name=\"password\" placeholder=\"{2}\" minlength=\"10\" required> <select name=\"role\"><option value=\"reader\">viewer</option><option value=\"analyst\">analyst</option><option value=\"admin\">admin</option></select> <button>{0}</button></form>",
        esc(l.t("add_user")),
        esc(l.t("user_name")),
        esc(l.t("password")),
    );
    let _ = write!(body, "<h2>{}</h2><table>", esc(l.t("tokens")));
    for t in tokens {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            t.id,
            esc(&t.user),
            esc(&t.name),
            esc(&t.created_at),
            match &t.revoked_at {
                Some(r) => format!("{} {}", esc(l.t("revoked")), esc(r)),
                None => format!(
                    "<form method=\"post\" action=\"/admin/token/{}/revoke\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button>{}</button></form>",
                    t.id,
                    esc(l.t("revoke"))
                ),
            }
        );
    }
    body.push_str("</table>");
    Ok(page(l, l.t("nav_admin"), &body, Some(session), "/admin").into_response())
}

/// The add-user form.
#[derive(Debug, Deserialize)]
pub struct UserForm {
    csrf: String,
    name: String,
    password: String,
    role: String,
}

fn admin_of(user: &User) -> Result<(), AppError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only an admin of the organisation may do this".into(),
        ))
    }
}

/// `POST /admin/user`: a user in the admin's own organisation.
pub async fn admin_user(
    session: Session,
    State(state): State<AppState>,
    axum::Form(f): axum::Form<UserForm>,
) -> Result<Response, AppError> {
    session.check_csrf(&f.csrf)?;
    let role: Role = f.role.parse().map_err(AppError::Bad)?;
    let user = session.user.clone();
    // The store checks the decision too; this keeps a non-admin from creating anyone.
    admin_of(&user)?;
    state
        .store
        .run(move |s| {
            s.users(&user)?; // Administer on the own organisation, through access::decide.
            let u = s.add_user(&user.org, &f.name, role, &f.password)?;
            s.audit(
                &user.org,
                &user.actor(),
                "user.create",
                &format!("user:{}", u.id),
            )?;
            Ok(())
        })
        .await?;
    Ok(see_other("/admin"))
}

/// The role form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    csrf: String,
    user: i64,
    role: String,
}

/// `POST /admin/role`.
pub async fn admin_role(
    session: Session,
    State(state): State<AppState>,
    axum::Form(f): axum::Form<RoleForm>,
) -> Result<Response, AppError> {
    session.check_csrf(&f.csrf)?;
    let role: Role = f.role.parse().map_err(AppError::Bad)?;
    let user = session.user.clone();
    let done = state
        .store
        .run(move |s| Ok(s.set_role(&user, f.user, role)?))
        .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/admin"))
}

/// The token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    csrf: String,
    user: i64,
    name: String,
}

/// `POST /admin/token`: shows the new token once.
pub async fn admin_token(
    headers: HeaderMap,
    session: Session,
    State(state): State<AppState>,
    axum::Form(f): axum::Form<TokenForm>,
) -> Result<Response, AppError> {
    session.check_csrf(&f.csrf)?;
    let l = lang(&state, &headers);
    let user = session.user.clone();
    let (token, users, tokens, orgs) = state
        .store
        .run(move |s| {
            // Only for users of the admin's own organisation.
            let users = s.users(&user)?;
            if !users.iter().any(|u| u.id == f.user) {
                return Err(AppError::NotFound);
            }
            let t = s.create_token(&user, f.user, &f.name)?;
            Ok((t, users, s.tokens(&user)?, s.orgs()?))
        })
        .await?;
    let mut r = admin_page(l, &session, &users, &tokens, &orgs, Some(&token))?;
    *r.status_mut() = StatusCode::CREATED;
    Ok(r)
}

/// `POST /admin/token/{id}/revoke`.
pub async fn admin_revoke(
    session: Session,
    Path(id): Path<i64>,
    State(state): State<AppState>,
    axum::Form(f): axum::Form<crate::pages::CsrfForm>,
) -> Result<Response, AppError> {
    session.check_csrf(&f.csrf)?;
    let user = session.user.clone();
    let done = state
        .store
        .run(move |s| Ok(s.revoke_token(&user, id)?))
        .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/admin"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_parse_with_places_named() {
        let r = parse_upload(
            "a.jsonl",
            b"{\"id\":\"1\",\"text\":\"hello\"}\n\n{\"text\":\"x\"}\n",
        )
        .unwrap();
        assert_eq!(
            r,
            vec![(Some("1".into()), "hello".into()), (None, "x".into())]
        );
        let e = parse_upload("a.jsonl", b"{\"text\":\"ok\"}\n{\"txt\":1}\n").unwrap_err();
        assert_eq!(e.to_string(), "a.jsonl, line 2: no \"text\" field");
        let r = parse_upload("b.csv", "id,text\n7,\"a, b\"\n".as_bytes()).unwrap();
        assert_eq!(r, vec![(Some("7".into()), "a, b".into())]);
        assert!(
            parse_upload("b.csv", b"id,body\n1,x\n")
                .unwrap_err()
                .to_string()
                .contains("no \"text\" column")
        );
        assert!(parse_upload("c.txt", &[0xff, 0xfe]).is_err());
    }
}
