//! TAXII 2.1: the router served on 127.0.0.1, talked to by `taxii2-client` (discovery, collections,
//! paging, manifest, adding an envelope), and checked directly for authentication, TLP:RED and
//! other organisations' collections.
#![cfg(feature = "taxii")]
mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use redflag_exchange::taxii::{Authenticator, SharedStore, Taxii};
use redflag_store::{Role, Store, Viewer};
use serde_json::Value;
use tower::ServiceExt;

/// Bearer tokens for the tests (the web server checks argon2 hashes instead).
struct Tokens(HashMap<&'static str, Viewer>);

impl Authenticator for Tokens {
    fn authenticate(&self, headers: &HeaderMap) -> Option<Viewer> {
        let h = headers.get("authorization")?.to_str().ok()?;
        self.0.get(h.strip_prefix("Bearer ")?).cloned()
    }
}

fn router(dir: &std::path::Path) -> axum::Router {
    let store: SharedStore = Arc::new(Mutex::new(Box::new(store_in(dir)) as Box<dyn Store + Send>));
    let tokens = Tokens(HashMap::from([
        ("tok-a", analyst("ngo-a")),
        ("tok-a-reader", Viewer::new("ngo-a", Role::Reader)),
        ("tok-b", analyst("police-b")),
    ]));
    Taxii::new(
        store,
        Arc::new(redflag_core::Engine::builtin().unwrap()),
        Arc::new(tokens),
        "/taxii2",
    )
    .router()
}

async fn get(r: &axum::Router, path: &str, token: Option<&str>) -> (StatusCode, HeaderMap, Value) {
    let mut req = Request::get(path).header("accept", "application/taxii+json;version=2.1");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = r
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = resp.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn collection<'a>(cs: &'a Value, alias: &str) -> Option<&'a str> {
    cs["collections"]
        .as_array()?
        .iter()
        .find(|c| c["alias"] == alias)
        .and_then(|c| c["id"].as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_red_and_paging() {
    let dir = tempfile::tempdir().unwrap();
    let r = router(dir.path());
    assert_eq!(get(&r, "/taxii2/", None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&r, "/taxii2/", Some("wrong")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (code, _, d) = get(&r, "/taxii2/", Some("tok-a")).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(d["default"], "/taxii2/api/");
    let (_, _, cs) = get(&r, "/taxii2/api/collections/", Some("tok-a")).await;
    let aliases: Vec<&str> = cs["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["alias"].as_str().unwrap())
        .collect();
    assert_eq!(
        aliases,
        [
            "ngo-a-clear",
            "ngo-a-green",
            "ngo-a-amber",
            "ngo-a-amber+strict"
        ],
        "no RED collection"
    );
    // Another organisation sees ngo-a's CLEAR and GREEN collections only; AMBER answers 404.
    let (_, _, csb) = get(&r, "/taxii2/api/collections/", Some("tok-b")).await;
    assert!(collection(&csb, "ngo-a-green").is_some());
    assert!(collection(&csb, "ngo-a-amber").is_none());
    let amber = collection(&cs, "ngo-a-amber").unwrap().to_string();
    let (code, _, _) = get(
        &r,
        &format!("/taxii2/api/collections/{amber}/objects/"),
        Some("tok-b"),
    )
    .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    // The AMBER collection: reports of the three AMBER ads, never a RED marking, never the plea.
    let (code, h, objs) = get(
        &r,
        &format!("/taxii2/api/collections/{amber}/objects/"),
        Some("tok-a"),
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(h.contains_key("x-taxii-date-added-first"));
    let all = objs["objects"].as_array().unwrap().clone();
    let text = objs.to_string();
    assert!(
        !text.contains("e828b379-4e03-4974-9ac4-e53a884c97c1"),
        "RED served"
    );
    assert!(!text.contains(PLEA_DIGITS));
    let reports = all.iter().filter(|o| o["type"] == "report").count();
    assert_eq!(reports, 3);
    // Paging: pages of 5 give the same objects in the same order.
    let mut paged = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let q = match &next {
            Some(n) => format!("?limit=5&next={n}"),
            None => "?limit=5".into(),
        };
        let (_, _, p) = get(
            &r,
            &format!("/taxii2/api/collections/{amber}/objects/{q}"),
            Some("tok-a"),
        )
        .await;
        paged.extend(p["objects"].as_array().cloned().unwrap_or_default());
        if p["more"] != true {
            break;
        }
        next = p["next"].as_str().map(str::to_string);
    }
    assert_eq!(paged, all);
    // added_after: only what was added later than the first AMBER ad's observation.
    let (_, _, later) = get(
        &r,
        &format!("/taxii2/api/collections/{amber}/objects/?added_after=2025-03-01T08:00:00Z"),
        Some("tok-a"),
    )
    .await;
    let n_later = later["objects"].as_array().map_or(0, Vec::len);
    assert!(
        n_later > 0 && n_later < all.len(),
        "{n_later} of {}",
        all.len()
    );
    let (code, _, _) = get(
        &r,
        &format!("/taxii2/api/collections/{amber}/objects/?added_after=yesterday"),
        Some("tok-a"),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    // The manifest lists the same objects.
    let (_, _, m) = get(
        &r,
        &format!("/taxii2/api/collections/{amber}/manifest/?limit=1000"),
        Some("tok-a"),
    )
    .await;
    assert_eq!(m["objects"].as_array().unwrap().len(), all.len());
    // A reader may read the AMBER collection but not write to it.
    let (_, _, csr) = get(&r, "/taxii2/api/collections/", Some("tok-a-reader")).await;
    let c = csr["collections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == amber.as_str())
        .unwrap();
    assert_eq!(c["can_write"], false);
    // POST: a reader may not add, an analyst may; the status can be read back, by its org only.
    let green = collection(&cs, "ngo-a-green").unwrap().to_string();
    let env = serde_json::json!({"objects": [{
        "type": "url", "spec_version": "2.1",
        "id": "url--3c1f3e59-5b8f-5f2e-9d59-0a0b0c0d0e0f",
        "value": "https://partner-listed.example.org/jobs"
    }]});
    let post = |token: &str| {
        Request::post(format!("/taxii2/api/collections/{green}/objects/"))
            .header("accept", "application/taxii+json;version=2.1")
            .header("content-type", "application/taxii+json;version=2.1")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(env.to_string()))
            .unwrap()
    };
    let resp = r.clone().oneshot(post("tok-a-reader")).await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = r.clone().oneshot(post("tok-b")).await.unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::FORBIDDEN,
        "another org's collection"
    );
    let resp = r.clone().oneshot(post("tok-a")).await.unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let status: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(status["status"], "complete");
    assert_eq!(status["success_count"], 1);
    let sid = status["id"].as_str().unwrap();
    let (code, _, again) = get(&r, &format!("/taxii2/api/status/{sid}/"), Some("tok-a")).await;
    assert_eq!((code, &again), (StatusCode::OK, &status));
    let (code, _, _) = get(&r, &format!("/taxii2/api/status/{sid}/"), Some("tok-b")).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    // An Accept the server cannot meet.
    let resp = r
        .clone()
        .oneshot(
            Request::get("/taxii2/")
                .header("accept", "text/html")
                .header("authorization", "Bearer tok-a")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_ACCEPTABLE);
}

/// taxii2-client against the router served on a loopback port.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taxii2_client_talks_to_the_server() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let r = router(dir.path());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, r).await });
    let script = r#"
import sys, json
import requests
from taxii2client.v21 import Server, as_pages
class Bearer(requests.auth.AuthBase):
    def __call__(self, r):
        r.headers["Authorization"] = "Bearer tok-a"
        return r
server = Server(sys.argv[1], auth=Bearer())
root = server.api_roots[0]
cols = {c.alias: c for c in root.collections}
amber = cols["ngo-a-amber"]
assert amber.can_read and amber.can_write, amber
objs = amber.get_objects()["objects"]
pages = []
for env in as_pages(amber.get_objects, per_request=4):
    pages.extend(env.get("objects", []))
assert [o["id"] for o in pages] == [o["id"] for o in objs], "paging"
manifest = amber.get_manifest()["objects"]
assert len(manifest) == len(objs)
# Add a partner's indicator to the GREEN collection.
green = cols["ngo-a-green"]
env = {"objects": [{
    "type": "indicator", "spec_version": "2.1",
    "id": "indicator--0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
    "created": "2025-07-01T00:00:00.000Z", "modified": "2025-07-01T00:00:00.000Z",
    "pattern": "[user-account:account_type = 'telegram' AND user-account:account_login = 'partner_known_hr']",
    "pattern_type": "stix", "valid_from": "2025-07-01T00:00:00Z"}]}
status = green.add_objects(env)
assert status.status == "complete" and status.success_count == 1, status
print("collections", len(cols), "objects", len(objs), "pages-ok", "added", status.success_count)
"#;
    let url = format!("http://{addr}/taxii2/");
    let py2 = py.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&py2)
            .arg("-c")
            .arg(script)
            .arg(&url)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    server.abort();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("collections 4"), "{stdout}");
    assert!(stdout.contains("added 1"), "{stdout}");
}
