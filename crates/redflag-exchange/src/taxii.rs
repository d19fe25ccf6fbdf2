//! A TAXII 2.1 server as an axum [`Router`], for the web server to merge (`/taxii2/` by default).
//!
//! Discovery, one API root, collections per organisation and marking (CLEAR, GREEN, AMBER,
//! AMBER+STRICT — TLP:RED is never served), objects with `added_after`, `match[id]`,
//! `match[type]` and paging (`limit`, `next`), the manifest, one object by id, and POST of
//! envelopes answered with a status resource. Who is asking comes from an [`Authenticator`] (the
//! web server's API tokens); what they may read is decided by the store's access function and by
//! [`crate::share::collect`], exactly as for a file export; a collection the viewer may not read
//! answers 404, as one that does not exist. Objects are the STIX objects of
//! [`crate::stix::export`] for the collection's documents; an object's "date added" is its
//! `modified` time (the last observation behind it).
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use redflag_core::Engine;
use redflag_store::{Action, Mark, Store, Tlp, Viewer, decide};
use serde_json::{Value, json};

use crate::share::{Policy, Scope, collect, narrow, tlp_lower};
use crate::{import, redflag_uuid, stix};

/// The TAXII 2.1 media type.
pub const MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
/// The STIX 2.1 media type of the objects served.
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";
/// The largest request body (an envelope) accepted, as the API root announces it.
pub const MAX_CONTENT_LENGTH: usize = 16 * 1024 * 1024;
/// Objects per page when the client asks for no `limit`, and the most it may ask for.
pub const PAGE: usize = 100;
/// The largest page.
pub const MAX_PAGE: usize = 1000;

/// Who a request speaks for. The web server implements it over its API tokens.
pub trait Authenticator: Send + Sync + 'static {
    /// The viewer the request's headers (e.g. `Authorization: Bearer …`) authenticate, if any.
    fn authenticate(&self, headers: &HeaderMap) -> Option<Viewer>;
}

/// A store shared by the handlers (each call runs on a blocking thread).
pub type SharedStore = Arc<Mutex<Box<dyn Store + Send>>>;

/// What the router needs.
#[derive(Clone)]
pub struct Taxii {
    store: SharedStore,
    engine: Arc<Engine>,
    auth: Arc<dyn Authenticator>,
    base: String,
    statuses: Arc<Mutex<HashMap<String, Value>>>,
}

impl Taxii {
    /// A TAXII server over `store`, mounted at `base` (e.g. `/taxii2`).
    pub fn new(
        store: SharedStore,
        engine: Arc<Engine>,
        auth: Arc<dyn Authenticator>,
        base: &str,
    ) -> Taxii {
        Taxii {
            store,
            engine,
            auth,
            base: base.trim_end_matches('/').to_string(),
            statuses: Arc::default(),
        }
    }

    /// The routes, under the base path.
    pub fn router(self) -> Router {
        let b = self.base.clone();
        Router::new()
            .route(&format!("{b}/"), get(discovery))
            .route(&format!("{b}/api/"), get(api_root))
            .route(&format!("{b}/api/collections/"), get(collections))
            .route(&format!("{b}/api/collections/{{id}}/"), get(collection))
            .route(
                &format!("{b}/api/collections/{{id}}/objects/"),
                get(objects).post(add_objects),
            )
            .route(
                &format!("{b}/api/collections/{{id}}/objects/{{object}}/"),
                get(object),
            )
            .route(
                &format!("{b}/api/collections/{{id}}/manifest/"),
                get(manifest),
            )
            .route(&format!("{b}/api/status/{{id}}/"), get(status))
            .layer(DefaultBodyLimit::max(MAX_CONTENT_LENGTH))
            .with_state(self)
    }
}

/// A TAXII error message.
fn error(code: StatusCode, title: &str, description: &str) -> Response {
    let mut r = (
        code,
        json!({"title": title, "description": description, "http_status": code.as_u16().to_string()})
            .to_string(),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    if code == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"redflag\""),
        );
    }
    r
}

fn taxii_json(code: StatusCode, v: &Value, extra: &[(&'static str, String)]) -> Response {
    let mut r = (code, v.to_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    for (k, val) in extra {
        if let Ok(v) = HeaderValue::from_str(val) {
            r.headers_mut().insert(*k, v);
        }
    }
    r
}

/// The viewer, or the response refusing the request (401, or 406 for an Accept TAXII cannot meet).
fn admit(t: &Taxii, headers: &HeaderMap) -> Result<Viewer, Refusal> {
    if let Some(accept) = headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()) {
        let ok = accept.split(',').any(|m| {
            let m = m.trim().to_ascii_lowercase();
            m.starts_with("application/taxii+json")
                || m.starts_with("*/*")
                || m.starts_with("application/*")
        });
        if !ok {
            return Err(Box::new(error(
                StatusCode::NOT_ACCEPTABLE,
                "not acceptable",
                "this server answers application/taxii+json;version=2.1",
            )));
        }
    }
    t.auth.authenticate(headers).ok_or_else(|| {
        Box::new(error(
            StatusCode::UNAUTHORIZED,
            "authentication required",
            "send an API token: Authorization: Bearer <token>",
        ))
    })
}

/// Run a store call on a blocking thread.
async fn with_store<T: Send + 'static>(
    t: &Taxii,
    f: impl FnOnce(&mut dyn Store) -> crate::Result<T> + Send + 'static,
) -> Result<T, Refusal> {
    let store = t.store.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut **guard)
    })
    .await;
    match joined {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Box::new(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store error",
            &e.to_string(),
        ))),
        Err(_) => Err(Box::new(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error",
            "the request failed",
        ))),
    }
}

/// A refused request, as the response to send (boxed: a response is large).
type Refusal = Box<Response>;

/// A page of objects with their dates added, and the token of the next page.
type Page = (Vec<(String, Value)>, Option<String>);

/// The markings served: every one but RED.
const SERVED: [Tlp; 4] = [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict];

fn collection_id(org: &str, tlp: Tlp) -> String {
    redflag_uuid(&format!("taxii:collection:{org}:{}", tlp_lower(tlp))).to_string()
}

fn collection_info(org: &str, tlp: Tlp, viewer: &Viewer) -> Value {
    json!({
        "id": collection_id(org, tlp),
        "title": format!("{org} TLP:{tlp}"),
        "description": format!("Documents {org} observed under TLP:{tlp}, with their selectors, as STIX 2.1."),
        "alias": format!("{org}-{}", tlp_lower(tlp)),
        "can_read": true,
        "can_write": decide(viewer, Action::Write, Mark { org, tlp }),
        "media_types": [STIX_MEDIA_TYPE],
    })
}

/// The (org, marking) pairs the viewer may read: its own organisation's four, and every other
/// organisation's it can read documents of.
async fn visible_collections(t: &Taxii, viewer: &Viewer) -> Result<Vec<(String, Tlp)>, Refusal> {
    let v = viewer.clone();
    let mut orgs: BTreeSet<String> = with_store(t, move |s| {
        Ok(collect(
            s,
            &v,
            Scope::All,
            Policy {
                max_tlp: Tlp::AmberStrict,
            },
        )?
        .map(|shared| {
            shared
                .docs
                .iter()
                .flat_map(|d| d.observations.iter().map(|o| o.org.clone()))
                .collect()
        })
        .unwrap_or_default())
    })
    .await?;
    orgs.insert(viewer.org.clone());
    let mut out = Vec::new();
    for org in orgs {
        for tlp in SERVED {
            if decide(viewer, Action::Read, Mark { org: &org, tlp }) {
                out.push((org.clone(), tlp));
            }
        }
    }
    Ok(out)
}

async fn find_collection(t: &Taxii, viewer: &Viewer, id: &str) -> Result<(String, Tlp), Refusal> {
    visible_collections(t, viewer)
        .await?
        .into_iter()
        .find(|(org, tlp)| collection_id(org, *tlp) == id)
        .ok_or_else(|| Box::new(error(StatusCode::NOT_FOUND, "no such collection", id)))
}

async fn discovery(State(t): State<Taxii>, headers: HeaderMap) -> Response {
    if let Err(r) = admit(&t, &headers) {
        return *r;
    }
    let root = format!("{}/api/", t.base);
    taxii_json(
        StatusCode::OK,
        &json!({
            "title": "redflag TAXII 2.1",
            "description": "Documents, selectors and clusters redflag assessed, per organisation and marking. TLP:RED is never served.",
            "default": root,
            "api_roots": [root],
        }),
        &[],
    )
}

async fn api_root(State(t): State<Taxii>, headers: HeaderMap) -> Response {
    if let Err(r) = admit(&t, &headers) {
        return *r;
    }
    taxii_json(
        StatusCode::OK,
        &json!({
            "title": "redflag",
            "versions": [MEDIA_TYPE],
            "max_content_length": MAX_CONTENT_LENGTH,
        }),
        &[],
    )
}

async fn collections(State(t): State<Taxii>, headers: HeaderMap) -> Response {
    let viewer = match admit(&t, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    match visible_collections(&t, &viewer).await {
        Ok(cs) => taxii_json(
            StatusCode::OK,
            &json!({"collections": cs.iter().map(|(o, tlp)| collection_info(o, *tlp, &viewer)).collect::<Vec<_>>()}),
            &[],
        ),
        Err(r) => *r,
    }
}

async fn collection(
    State(t): State<Taxii>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let viewer = match admit(&t, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    match find_collection(&t, &viewer, &id).await {
        Ok((org, tlp)) => taxii_json(StatusCode::OK, &collection_info(&org, tlp, &viewer), &[]),
        Err(r) => *r,
    }
}

/// The collection's STIX objects with their date added, oldest first (ties by id).
async fn collection_objects(
    t: &Taxii,
    viewer: &Viewer,
    id: &str,
) -> Result<Vec<(String, Value)>, Refusal> {
    let (org, tlp) = find_collection(t, viewer, id).await?;
    let v = viewer.clone();
    let bundle = with_store(t, move |s| {
        Ok(collect(
            s,
            &v,
            Scope::All,
            Policy {
                max_tlp: Tlp::AmberStrict,
            },
        )?
        .map(|shared| stix::export(&narrow(&shared, &org, tlp))))
    })
    .await?
    .unwrap_or_default();
    let mut out: Vec<(String, Value)> = bundle["objects"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|o| {
            // RED never leaves, even as a definition nobody refers to.
            o["id"] != stix::tlp_marking_id(Tlp::Red)
        })
        .map(|o| {
            let added = o["modified"]
                .as_str()
                .or(o["created"].as_str())
                .unwrap_or("2026-01-01T00:00:00.000Z")
                .to_string();
            (added, o)
        })
        .collect();
    out.sort_by(|a, b| (&a.0, a.1["id"].as_str()).cmp(&(&b.0, b.1["id"].as_str())));
    Ok(out)
}

/// Filters and paging of `objects` and `manifest`.
fn page(all: Vec<(String, Value)>, q: &HashMap<String, String>) -> Result<Page, Refusal> {
    let bad = |d: &str| Box::new(error(StatusCode::BAD_REQUEST, "bad query", d));
    let limit = match q.get("limit") {
        None => PAGE,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if n > 0 => n.min(MAX_PAGE),
            _ => return Err(bad("limit must be a positive number")),
        },
    };
    let start = match q.get("next") {
        None => 0,
        Some(n) => n
            .parse::<usize>()
            .map_err(|_| bad("next is not a token this server gave"))?,
    };
    let after = q.get("added_after").cloned();
    if let Some(a) = &after
        && redflag_store::parse_rfc3339(a).is_none()
    {
        return Err(bad(
            "added_after must be a timestamp such as 2025-03-01T00:00:00Z",
        ));
    }
    let ids: Option<BTreeSet<&str>> = q.get("match[id]").map(|s| s.split(',').collect());
    let types: Option<BTreeSet<&str>> = q.get("match[type]").map(|s| s.split(',').collect());
    // The instant itself, with its fraction of a second (parse_rfc3339 checks the form above).
    let after_key = after.map(|a| normalise(&a));
    let filtered: Vec<(String, Value)> = all
        .into_iter()
        .filter(|(added, o)| {
            after_key.as_ref().is_none_or(|a| normalise(added) > *a)
                && ids
                    .as_ref()
                    .is_none_or(|s| o["id"].as_str().is_some_and(|i| s.contains(i)))
                && types
                    .as_ref()
                    .is_none_or(|s| o["type"].as_str().is_some_and(|t| s.contains(t)))
        })
        .collect();
    let end = (start + limit).min(filtered.len());
    let more = end < filtered.len();
    let items = filtered
        .into_iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    Ok((items, more.then(|| end.to_string())))
}

/// A timestamp comparable as text: `YYYY-MM-DDTHH:MM:SS.mmm`.
fn normalise(ts: &str) -> String {
    let base = ts.trim_end_matches('Z');
    let (secs, frac) = base.split_once('.').unwrap_or((base, ""));
    format!("{secs}.{:0<3}", &frac[..frac.len().min(3)])
}

fn date_headers(items: &[(String, Value)]) -> Vec<(&'static str, String)> {
    match (items.first(), items.last()) {
        (Some(f), Some(l)) => vec![
            ("x-taxii-date-added-first", f.0.clone()),
            ("x-taxii-date-added-last", l.0.clone()),
        ],
        _ => Vec::new(),
    }
}

async fn objects(
    State(t): State<Taxii>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let viewer = match admit(&t, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let all = match collection_objects(&t, &viewer, &id).await {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match page(all, &q) {
        Ok((items, next)) => {
            let mut env = json!({"more": next.is_some()});
            if let Some(n) = &next {
                env["next"] = json!(n);
            }
            if !items.is_empty() {
                env["objects"] = Value::Array(items.iter().map(|i| i.1.clone()).collect());
            }
            taxii_json(StatusCode::OK, &env, &date_headers(&items))
        }
        Err(r) => *r,
    }
}

async fn object(
    State(t): State<Taxii>,
    headers: HeaderMap,
    Path((id, object)): Path<(String, String)>,
) -> Response {
    let viewer = match admit(&t, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let all = match collection_objects(&t, &viewer, &id).await {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let items: Vec<(String, Value)> = all.into_iter().filter(|(_, o)| o["id"] == object).collect();
    if items.is_empty() {
        return error(StatusCode::NOT_FOUND, "no such object", &object);
    }
    taxii_json(
        StatusCode::OK,
        &json!({"more": false, "objects": items.iter().map(|i| i.1.clone()).collect::<Vec<_>>()}),
        &date_headers(&items),
    )
}

async fn manifest(
    State(t): State<Taxii>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let viewer = match admit(&t, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let all = match collection_objects(&t, &viewer, &id).await {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match page(all, &q) {
        Ok((items, next)) => {
            let mut env = json!({"more": next.is_some()});
            if let Some(n) = &next {
                env["next"] = json!(n);
            }
            if !items.is_empty() {
                env["objects"] = Value::Array(
                    items
                        .iter()
                        .map(|(added, o)| {
                            json!({
                                "id": o["id"],
                                "date_added": added,
                                "version": o.get("modified").unwrap_or(&json!(added)),
                                "media_type": STIX_MEDIA_TYPE,
                            })
                        })
                        .collect(),
                );
            }
            taxii_json(StatusCode::OK, &env, &date_headers(&items))
        }
        Err(r) => *r,
    }
}

async fn add_objects(
    State(t): State<Taxii>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let viewer = match admit(&t, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .unwrap_or("");
    if !ct
        .to_ascii_lowercase()
        .starts_with("application/taxii+json")
    {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported media type",
            "POST an envelope as application/taxii+json;version=2.1",
        );
    }
    let (org, tlp) = match find_collection(&t, &viewer, &id).await {
        Ok(c) => c,
        Err(r) => return *r,
    };
    if !decide(&viewer, Action::Write, Mark { org: &org, tlp }) {
        return error(
            StatusCode::FORBIDDEN,
            "not allowed",
            "only an analyst of the collection's organisation may add objects to it",
        );
    }
    let env: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid envelope",
                &format!("not valid JSON: {e}"),
            );
        }
    };
    let Some(objs) = env.get("objects").and_then(Value::as_array) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid envelope",
            "no \"objects\" array",
        );
    };
    let request = redflag_uuid(&format!(
        "taxii:status:{}:{}",
        redflag_store::now_utc(),
        String::from_utf8_lossy(&body).len()
    ))
    .to_string();
    let bundle = json!({
        "type": "bundle",
        "id": format!("bundle--{request}"),
        "objects": objs,
    });
    let mut imported = match stix::parse(bundle.to_string().as_bytes(), "envelope") {
        Ok(i) => i,
        Err(e) => return error(StatusCode::BAD_REQUEST, "invalid envelope", &e.to_string()),
    };
    // Nothing is stored below the collection's marking.
    for d in &mut imported.docs {
        d.tlp = d.tlp.max(tlp);
    }
    for s in &mut imported.selectors {
        s.tlp = s.tlp.max(tlp);
    }
    imported.origin = format!("taxii:{id}:{request}");
    let engine = t.engine.clone();
    let v = viewer.clone();
    let imp = imported.clone();
    if let Err(r) = with_store(&t, move |s| {
        import::apply(s, &v, &engine, &imp, "TAXII envelope")
    })
    .await
    {
        return *r;
    }
    let ids: Vec<String> = objs
        .iter()
        .filter_map(|o| o["id"].as_str().map(str::to_string))
        .collect();
    // The envelope was checked whole and stored in one go, so every object of it succeeded
    // (objects of kinds redflag does not keep are accepted and not stored, as `import` does).
    let now = redflag_store::now_utc();
    let status = json!({
        "id": request,
        "status": "complete",
        "request_timestamp": now,
        "total_count": ids.len(),
        "success_count": ids.len(),
        "successes": ids.iter().map(|i| json!({"id": i})).collect::<Vec<_>>(),
        "failure_count": 0,
        "pending_count": 0,
    });
    t.statuses.lock().unwrap_or_else(|p| p.into_inner()).insert(
        request.clone(),
        json!({"viewer": viewer.org, "status": status.clone()}),
    );
    taxii_json(StatusCode::ACCEPTED, &status, &[])
}

async fn status(State(t): State<Taxii>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let viewer = match admit(&t, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let found = t
        .statuses
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&id)
        .filter(|s| s["viewer"] == viewer.org.as_str())
        .map(|s| s["status"].clone());
    match found {
        Some(s) => taxii_json(StatusCode::OK, &s, &[]),
        None => error(StatusCode::NOT_FOUND, "no such status", &id),
    }
}
