//! The access matrix over the real router: roles × TLP × same/other organisation × every route,
//! against a table written here (not by calling `access::decide`), plus CSRF, cross-site, rate,
//! body limits and the audit trail of reads.
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use redflag_core::Engine;
use redflag_server::{Config, State, StorePool, router};
use redflag_store::cluster::Settings;
use redflag_store::{NewDoc, Role, Signature, SqliteStore, Store, Tlp, User, Viewer, Workspace};
use tower::ServiceExt;

fn engine() -> Arc<Engine> {
    static E: OnceLock<Arc<Engine>> = OnceLock::new();
    E.get_or_init(|| Arc::new(Engine::builtin().unwrap()))
        .clone()
}

struct Actor {
    user: User,
    cookie: String,
    csrf: String,
    token: String,
}

/// Where a world's store lives.
#[derive(Clone)]
enum Backend {
    Sqlite(std::path::PathBuf),
    /// URL and schema.
    Postgres(String, String),
}

impl Backend {
    /// A connection (call from a blocking thread: the postgres client must not run on the runtime).
    fn open(&self) -> Box<dyn Store + Send> {
        match self {
            Backend::Sqlite(p) => Box::new(SqliteStore::open(p).unwrap()),
            Backend::Postgres(u, s) => {
                Box::new(redflag_store::PgStore::open_in_schema(u, s).unwrap())
            }
        }
    }
}

/// The backends to run on: SQLite always; PostgreSQL when REDFLAG_TEST_PG names a server (required
/// when REDFLAG_REQUIRE_PG is set, as scripts/test.sh does).
fn backends(dir: &Path) -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite(dir.join("w.db"))];
    match std::env::var("REDFLAG_TEST_PG") {
        Ok(u) if !u.is_empty() => {
            let n = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos();
            out.push(Backend::Postgres(
                u,
                format!("rf_routes_{}_{n}", std::process::id()),
            ));
        }
        _ => assert!(
            std::env::var_os("REDFLAG_REQUIRE_PG").is_none(),
            "REDFLAG_REQUIRE_PG is set but REDFLAG_TEST_PG is not"
        ),
    }
    out
}

struct World {
    app: Router,
    _dir: Arc<tempfile::TempDir>,
    path: std::path::PathBuf,
    backend: Backend,
    actors: Vec<Actor>,
    /// Per marking: (document id, cluster id, case id, telegram handle).
    objects: Vec<(Tlp, i64, i64, i64, String)>,
    screening: i64,
    target_user: i64,
}

fn doc(text: &str, tlp: Tlp) -> NewDoc {
    let report = engine().analyze(&redflag_core::Document::new("t", text));
    assert!(
        !report.distress.assessment.band.is_flagged(),
        "test texts are not pleas"
    );
    NewDoc {
        source: "test".into(),
        source_id: None,
        observed_at: None,
        utc_offset_min: None,
        kind: None,
        text: text.into(),
        report,
        tlp,
        signature: Signature::of(text),
        engine: Arc::from("test"),
    }
}

fn world(config: Config) -> World {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    world_on(config, backends(dir.path()).remove(0), dir)
}

/// The same world on every backend, built on a blocking thread.
async fn worlds(config: Config) -> Vec<World> {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let mut out = Vec::new();
    for b in backends(dir.path()) {
        let (c, d) = (config.clone(), dir.clone());
        out.push(
            tokio::task::spawn_blocking(move || world_on(c, b, d))
                .await
                .unwrap(),
        );
    }
    out
}

fn world_on(config: Config, backend: Backend, dir: Arc<tempfile::TempDir>) -> World {
    let path = dir.path().join("w.db");
    let mut s = backend.open();
    let mut actors = Vec::new();
    for org in ["ngo-a", "ngo-b"] {
        for role in Role::ALL {
            let user = s
                .add_user(org, role.as_str(), role, "a long test password")
                .unwrap();
            let (cookie, csrf) = s.create_session(&user).unwrap();
            let token = s.create_token(&user, user.id, "t").unwrap();
            actors.push(Actor {
                user,
                cookie,
                csrf,
                token,
            });
        }
    }
    let target_user = s
        .add_user("ngo-a", "target", Role::Reader, "a long test password")
        .unwrap()
        .id;
    let a = actors[1].user.clone(); // ngo-a analyst
    let va = Viewer::new("ngo-a", Role::Analyst);
    let mut objects = Vec::new();
    for (i, tlp) in Tlp::ALL.into_iter().enumerate() {
        let handle = format!("recruit_hr_{i}x");
        // Five unrelated pairs, so that no template links one marking's pair to another's.
        let (t1, t2) = [
            (
                "Easy job in Sihanoukville, salary 1500 USD, free visa. Telegram @{h} now",
                "Customer service post open, apply by Telegram @{h}",
            ),
            (
                "Urgent hiring typists in Myawaddy, no experience, flight paid. Telegram @{h}",
                "Typing staff wanted, reply on Telegram @{h}",
            ),
            (
                "Casino marketing team needs staff in Bavet, food and room included. Telegram @{h}",
                "Bavet marketing jobs, Telegram @{h}",
            ),
            (
                "Work from the Poipet office, high commission, passport handled by company. Telegram @{h}",
                "Poipet office recruiting, Telegram @{h}",
            ),
            (
                "Translator wanted for an online shop in KK Park, 2000 USD, visa free. Telegram @{h}",
                "KK Park translator jobs, Telegram @{h}",
            ),
        ][i];
        let t1 = t1.replace("{h}", &handle);
        let t2 = t2.replace("{h}", &handle);
        s.ingest(&va, &[doc(&t1, tlp), doc(&t2, tlp)]).unwrap();
        let d = s
            .content_id(&redflag_store::content_hash(&t1))
            .unwrap()
            .unwrap();
        s.cluster(&va, &Settings::default()).unwrap();
        let c = s
            .show_cluster(&va, d)
            .unwrap()
            .expect("the two documents form a cluster")
            .id;
        let case = s
            .create_case(&a, Some(c), &format!("case {i}"), tlp)
            .unwrap();
        objects.push((tlp, d, c, case, handle));
    }
    let screening = s
        .save_screening(&a, "en", "km", "{}", "[]", "", Tlp::Red)
        .unwrap();
    drop(s);
    let conns: Vec<Box<dyn Store + Send>> = (0..2).map(|_| backend.open()).collect();
    let state = State::new(engine(), StorePool::new(conns).unwrap(), config).unwrap();
    World {
        app: router(Arc::new(state)),
        _dir: dir,
        path,
        backend,
        actors,
        objects,
        screening,
        target_user,
    }
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, String) {
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let body = r.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn get(path: &str, who: Option<&Actor>, api: bool) -> Request<Body> {
    let mut b = Request::get(path);
    if let Some(a) = who {
        b = if api {
            b.header(header::AUTHORIZATION, format!("Bearer {}", a.token))
        } else {
            b.header(header::COOKIE, format!("rf_session={}", a.cookie))
        };
    }
    b.body(Body::empty()).unwrap()
}

fn post(path: &str, who: Option<&Actor>, form: &str) -> Request<Body> {
    let mut b =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(a) = who {
        b = b.header(header::COOKIE, format!("rf_session={}", a.cookie));
    }
    b.body(Body::from(form.to_string())).unwrap()
}

/// Who may read an item of ngo-a, as the issue states it (not computed by the code under test).
fn may_read(tlp: Tlp, same: bool, role: Role) -> bool {
    match tlp {
        Tlp::Clear | Tlp::Green => true,
        Tlp::Amber | Tlp::AmberStrict => same,
        Tlp::Red => same && role != Role::Reader,
    }
}

fn code(ok: bool, yes: StatusCode, no: StatusCode) -> StatusCode {
    if ok { yes } else { no }
}

#[tokio::test]
async fn access_matrix_over_every_route() {
    for w in worlds(Config::default()).await {
        matrix(w).await;
    }
}

async fn matrix(w: World) {
    let mut checked = 0;
    for a in &w.actors {
        let same = a.user.org == "ngo-a";
        let role = a.user.role;
        let writer = role != Role::Reader;
        let who = format!("{} {}", a.user.org, role.as_str());
        // Reads of marked items, as pages and as API.
        for (tlp, d, c, case, handle) in &w.objects {
            let read = may_read(*tlp, same, role);
            let want = code(read, StatusCode::OK, StatusCode::NOT_FOUND);
            for (path, api) in [
                (format!("/doc/{d}"), false),
                (format!("/api/doc/{d}"), true),
                (format!("/cluster/{c}"), false),
                (format!("/api/cluster/{c}"), true),
                (format!("/cluster/{c}/export/graphml"), false),
                (format!("/cluster/{c}/export/gexf"), false),
                (format!("/cluster/{c}/export/dot"), false),
                (format!("/cluster/{c}/export/stix"), false),
                (format!("/cluster/{c}/export/misp"), false),
                (format!("/cluster/{c}/export/ftm"), false),
                (format!("/case/{case}"), false),
                (format!("/api/case/{case}"), true),
            ] {
                let (st, body) = send(&w.app, get(&path, Some(a), api)).await;
                assert_eq!(st, want, "{who} GET {path} ({tlp})");
                if !read {
                    assert!(
                        !body.contains(handle.as_str()),
                        "{who} {path}: nothing of it leaks"
                    );
                }
                checked += 1;
            }
            // Search: found exactly when readable; never an error.
            let (st, body) = send(
                &w.app,
                get(
                    &format!("/api/search?kind=telegram&value={handle}"),
                    Some(a),
                    true,
                ),
            )
            .await;
            assert_eq!(st, StatusCode::OK);
            let hits: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
            assert_eq!(hits.len(), if read { 2 } else { 0 }, "{who} search {tlp}");
            let (st, body) = send(
                &w.app,
                get(&format!("/search?q=%40{handle}"), Some(a), false),
            )
            .await;
            assert_eq!(st, StatusCode::OK);
            assert_eq!(
                body.contains(&format!("/doc/{d}\"")),
                read,
                "{who} search page {tlp}"
            );
            // Writes into the case: absent when unreadable, else only the own org's writers.
            let (st, _) = send(
                &w.app,
                post(
                    &format!("/case/{case}/note"),
                    Some(a),
                    &format!("csrf={}&body=seen", a.csrf),
                ),
            )
            .await;
            let want = if !read {
                StatusCode::NOT_FOUND
            } else {
                code(same && writer, StatusCode::SEE_OTHER, StatusCode::FORBIDDEN)
            };
            assert_eq!(st, want, "{who} note on case {tlp}");
            // Adopting a cluster makes a case in the adopter's own organisation.
            let (st, _) = send(
                &w.app,
                post(
                    &format!("/cluster/{c}/adopt"),
                    Some(a),
                    &format!("csrf={}&title=x&tlp=AMBER", a.csrf),
                ),
            )
            .await;
            let want = if !read {
                StatusCode::NOT_FOUND
            } else {
                code(writer, StatusCode::SEE_OTHER, StatusCode::FORBIDDEN)
            };
            assert_eq!(st, want, "{who} adopt {tlp}");
            checked += 4;
        }
        // The queue lists exactly the readable documents of ngo-a's set.
        let (st, body) = send(&w.app, get("/api/queue", Some(a), true)).await;
        assert_eq!(st, StatusCode::OK);
        let q: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
        let ids: BTreeSet<i64> = q.iter().map(|x| x["id"].as_i64().unwrap()).collect();
        for (tlp, d, ..) in &w.objects {
            assert_eq!(
                ids.contains(d),
                may_read(*tlp, same, role),
                "{who} queue {tlp}"
            );
        }
        // The screening is a victim's data: its own organisation's writers only.
        let (st, _) = send(
            &w.app,
            get(&format!("/screening/{}", w.screening), Some(a), false),
        )
        .await;
        assert_eq!(
            st,
            code(same && writer, StatusCode::OK, StatusCode::NOT_FOUND),
            "{who} screening"
        );
        // Pages every signed-in person may open.
        for p in [
            "/queue",
            "/ingest",
            "/clusters",
            "/cases",
            "/search",
            "/screen",
            "/api/clusters",
            "/api/cases",
        ] {
            let api = p.starts_with("/api/");
            let (st, _) = send(&w.app, get(p, Some(a), api)).await;
            assert_eq!(st, StatusCode::OK, "{who} GET {p}");
        }
        // Writes into the own organisation.
        let (st, _) = send(
            &w.app,
            post(
                "/ingest",
                Some(a),
                &format!(
                    "csrf={}&text=Job+in+Poipet+Line+hr{}&source=t&tlp=GREEN",
                    a.csrf, a.user.id
                ),
            ),
        )
        .await;
        assert_eq!(
            st,
            code(writer, StatusCode::SEE_OTHER, StatusCode::FORBIDDEN),
            "{who} ingest"
        );
        let (st, _) = send(
            &w.app,
            post(
                "/screen",
                Some(a),
                &format!(
                    "csrf={}&officer_lang=en&person_lang=km&a_q_deception=yes",
                    a.csrf
                ),
            ),
        )
        .await;
        assert_eq!(
            st,
            code(writer, StatusCode::SEE_OTHER, StatusCode::FORBIDDEN),
            "{who} screen"
        );
        // Administration of ngo-a.
        let admin = role == Role::Admin;
        let (st, _) = send(&w.app, get("/admin", Some(a), false)).await;
        assert_eq!(
            st,
            code(admin, StatusCode::OK, StatusCode::FORBIDDEN),
            "{who} admin page"
        );
        let (st, _) = send(
            &w.app,
            post(
                "/admin/role",
                Some(a),
                &format!("csrf={}&user={}&role=reader", a.csrf, w.target_user),
            ),
        )
        .await;
        assert_eq!(
            st,
            code(admin && same, StatusCode::SEE_OTHER, StatusCode::FORBIDDEN),
            "{who} set role"
        );
        let (st, _) = send(
            &w.app,
            post(
                "/admin/token",
                Some(a),
                &format!("csrf={}&user={}&name=x", a.csrf, w.target_user),
            ),
        )
        .await;
        let want = if !admin {
            StatusCode::FORBIDDEN
        } else {
            code(same, StatusCode::CREATED, StatusCode::NOT_FOUND)
        };
        assert_eq!(st, want, "{who} token for another");
        checked += 12;
    }
    assert!(checked > 400, "{checked}");
    // Nobody signed in: pages answer 401, the API 401, nothing else.
    for p in [
        "/queue",
        "/doc/1",
        "/cluster/1",
        "/case/1",
        "/screen",
        "/admin",
        "/api/queue",
        "/api/doc/1",
    ] {
        let (st, body) = send(&w.app, get(p, None, p.starts_with("/api/"))).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "anonymous {p}");
        assert!(!body.contains("recruit_hr"));
    }
    // Every read of AMBER or RED above went to the chain, which is whole.
    let b = w.backend.clone();
    let v = tokio::task::spawn_blocking(move || {
        let v = b.open().verify_audit().unwrap();
        if let Backend::Postgres(u, s) = &b {
            redflag_store::PgStore::drop_schema(u, s).unwrap();
        }
        v
    })
    .await
    .unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert!(v.entries > 100, "{}", v.entries);
}

#[tokio::test]
async fn forms_need_the_sessions_csrf_token_and_the_same_site() {
    let w = world(Config::default());
    let a = &w.actors[1];
    let (st, _) = send(
        &w.app,
        post("/ingest", Some(a), "csrf=nope&text=x&tlp=GREEN"),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let other = &w.actors[4];
    let (st, _) = send(
        &w.app,
        post(
            "/ingest",
            Some(a),
            &format!("csrf={}&text=x&tlp=GREEN", other.csrf),
        ),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "another session's token");
    let mut req = post(
        "/ingest",
        Some(a),
        &format!("csrf={}&text=x&tlp=GREEN", a.csrf),
    );
    req.headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(&w.app, req).await.0, StatusCode::FORBIDDEN);
    let mut req = post("/check", None, "text=hello");
    req.headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    req.headers_mut()
        .insert(header::HOST, "localhost:8080".parse().unwrap());
    assert_eq!(send(&w.app, req).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_checker_explains_stores_nothing_without_consent_and_keeps_with_it() {
    let w = world(Config::default());
    let text = "รับสมัครพนักงานด่วน ทำงานที่สีหนุวิลล์ กัมพูชา เงินเดือนสูง ไม่ต้องมีประสบการณ์ บินฟรี ทำวีซ่าให้ ติดต่อ Telegram @job_kh_checker";
    let form = format!("lang=th&text={}", urlenc(text));
    let mut req = post("/check", None, &form);
    req.headers_mut()
        .insert(header::ACCEPT_LANGUAGE, "th".parse().unwrap());
    let (st, body) = send(&w.app, req).await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("<html lang=\"th\">"));
    assert!(body.contains("<mark>"), "flags highlighted");
    assert!(body.contains("job_kh_checker"), "contact listed");
    assert!(body.contains("1343actionline.ph"), "hotlines with sources");
    assert!(
        body.contains("ไม่มีการเก็บสิ่งที่คุณวางไว้"),
        "told nothing was kept"
    );
    let mut s = SqliteStore::open(&w.path).unwrap();
    assert_eq!(
        s.content_id(&redflag_store::content_hash(text)).unwrap(),
        None
    );
    drop(s);
    let (st, body) = send(&w.app, post("/check", None, &format!("{form}&report=yes"))).await;
    assert_eq!(st, StatusCode::OK);
    let mut s = SqliteStore::open(&w.path).unwrap();
    let id = s
        .content_id(&redflag_store::content_hash(text))
        .unwrap()
        .expect("kept with consent");
    assert!(body.contains(&format!("#{id}")));
    let v = Viewer::new("public-reports", Role::Analyst);
    assert_eq!(
        s.document(&v, id).unwrap().unwrap().observations[0].tlp,
        Tlp::Amber
    );
    // Empty and oversized texts are refused with a page, not a crash.
    assert_eq!(
        send(&w.app, post("/check", None, "text=+")).await.0,
        StatusCode::BAD_REQUEST
    );
    let long = "a".repeat(redflag_server::CHECK_MAX_CHARS + 1);
    assert_eq!(
        send(&w.app, post("/check", None, &format!("text={long}")))
            .await
            .0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let huge = "a".repeat(redflag_server::BODY_LIMIT + 10);
    assert_eq!(
        send(&w.app, post("/check", None, &format!("text={huge}")))
            .await
            .0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        send(&w.app, post("/check", None, "nonsense=1"))
            .await
            .0
            .as_u16()
            / 100,
        4
    );
    assert_eq!(
        send(&w.app, get("/nowhere", None, false)).await.0,
        StatusCode::NOT_FOUND
    );
}

fn urlenc(s: &str) -> String {
    redflag_server::pages::url_encode(s)
}

#[tokio::test]
async fn public_routes_are_rate_limited_except_the_exempt_address() {
    let w = world(Config {
        rate_per_minute: 8,
        rate_exempt: vec!["127.0.0.2".parse().unwrap()],
        ..Config::default()
    });
    let from = |ip: [u8; 4]| {
        let mut r = get("/", None, false);
        r.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 5000))));
        r
    };
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(send(&w.app, from([127, 0, 0, 1])).await.0);
    }
    assert_eq!(statuses[0], StatusCode::OK);
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    for _ in 0..20 {
        assert_eq!(send(&w.app, from([127, 0, 0, 2])).await.0, StatusCode::OK);
    }
    // Signed-in pages are not rate limited by address.
    for _ in 0..10 {
        let mut r = get("/queue", Some(&w.actors[1]), false);
        r.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 5000))));
        assert_eq!(send(&w.app, r).await.0, StatusCode::OK);
    }
}

#[tokio::test]
async fn security_headers_on_every_answer() {
    let w = world(Config::default());
    for req in [
        get("/", None, false),
        get("/queue", None, false),
        get("/nowhere", None, false),
    ] {
        let r = w.app.clone().oneshot(req).await.unwrap();
        let h = r.headers();
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("default-src 'none'")
        );
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["x-content-type-options"], "nosniff");
    }
}

/// TAXII 2.1 is mounted under /taxii2/ with the API tokens: no token, no answer; an organisation's
/// AMBER collection serves its objects to its own analyst and is absent (404) for another
/// organisation's; TLP:RED is in no collection.
#[tokio::test(flavor = "multi_thread")]
async fn taxii_is_served_with_the_api_tokens_and_the_same_access_rule() {
    for w in worlds(Config::default()).await {
        let taxii = |path: &str, who: Option<&Actor>| {
            let mut r = get(path, who, true);
            r.headers_mut().insert(
                header::ACCEPT,
                "application/taxii+json;version=2.1".parse().unwrap(),
            );
            r
        };
        let (st, _) = send(&w.app, taxii("/taxii2/", None)).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        let (st, body) = send(&w.app, taxii("/taxii2/", Some(&w.actors[1]))).await;
        assert_eq!(st, StatusCode::OK, "{body}");
        let ids = |body: &str| -> Vec<String> {
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            v["collections"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|c| c["id"].as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let (st, body) = send(
            &w.app,
            taxii("/taxii2/api/collections/", Some(&w.actors[1])),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{body}");
        let own = ids(&body);
        let mut amber = None;
        for id in &own {
            let path = format!("/taxii2/api/collections/{id}/objects/");
            let (st, objects) = send(&w.app, taxii(&path, Some(&w.actors[1]))).await;
            assert_eq!(st, StatusCode::OK, "{objects}");
            assert!(!objects.contains("recruit_hr_4x"), "RED served in {id}");
            if objects.contains("recruit_hr_2x") {
                amber = Some(path);
            }
        }
        let amber = amber.expect("ngo-a's AMBER documents are in one of its collections");
        let (_, body) = send(
            &w.app,
            taxii("/taxii2/api/collections/", Some(&w.actors[4])),
        )
        .await;
        assert!(ids(&body).iter().all(|id| !amber.contains(id.as_str())));
        let (st, _) = send(&w.app, taxii(&amber, Some(&w.actors[4]))).await;
        assert_eq!(
            st,
            StatusCode::NOT_FOUND,
            "another organisation reads {amber}"
        );
    }
}

/// The workspace's exchange exports: an AMBER network comes out as a STIX bundle, a MISP event and
/// FtM lines carrying its contacts; a RED network's contacts never leave, even for its own analyst.
#[tokio::test(flavor = "multi_thread")]
async fn workspace_exports_stix_misp_and_ftm_by_the_sharing_rule() {
    let w = world(Config::default());
    let a = &w.actors[1]; // ngo-a analyst
    let (_, _, amber, _, amber_handle) = &w.objects[2];
    let (_, _, red, _, red_handle) = &w.objects[4];
    for (format, marker) in [
        ("stix", "\"type\": \"bundle\""),
        ("misp", "\"Event\""),
        ("ftm", "\"schema\""),
    ] {
        let (st, body) = send(
            &w.app,
            get(&format!("/cluster/{amber}/export/{format}"), Some(a), false),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{format}: {body}");
        assert!(body.contains(marker), "{format}: {body}");
        assert!(
            body.contains(amber_handle.as_str()),
            "{format} lacks the contact"
        );
        let (st, body) = send(
            &w.app,
            get(&format!("/cluster/{red}/export/{format}"), Some(a), false),
        )
        .await;
        assert!(
            st != StatusCode::OK || !body.contains(red_handle.as_str()),
            "{format}: RED left"
        );
    }
}
