//! The redflag web application: axum on tokio, server-rendered HTML (no JavaScript needed).
//!
//! A thin shell: assessments come from `redflag-core`, data and every access decision from
//! `redflag-store` (`access::decide`, the [`Workspace`](redflag_store::Workspace) operations).
//! The store is synchronous (rusqlite, and the `postgres` client that must not run on a runtime
//! thread), so every store call runs on the blocking pool through [`pool::StorePool`].
#![warn(missing_docs)]

pub mod auth;
pub mod data;
pub mod error;
pub mod i18n;
pub mod limit;
pub mod pages;
pub mod pool;
pub mod taxii;
pub mod work;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue};
use axum::routing::{get, post};
use redflag_core::Engine;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use error::AppError;
pub use pool::StorePool;

/// Largest request body (uploads included).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;
/// Largest text the public checker assesses (characters).
pub const CHECK_MAX_CHARS: usize = 20_000;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Public requests per minute per client address.
    pub rate_per_minute: u32,
    /// Addresses the rate limiter never limits (the load test's client, loopback only).
    pub rate_exempt: Vec<IpAddr>,
    /// Mark cookies `Secure` (browsers accept them on http://localhost too).
    pub secure_cookies: bool,
    /// The organisation that receives what people report through the public checker.
    pub public_org: String,
    /// Per-request time limit.
    pub timeout: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            rate_per_minute: 60,
            rate_exempt: Vec::new(),
            secure_cookies: true,
            public_org: "public-reports".into(),
            timeout: Duration::from_secs(30),
        }
    }
}

/// What every handler shares.
pub struct State {
    /// The engine (Send + Sync).
    pub engine: Arc<Engine>,
    /// The store connections.
    pub store: StorePool,
    /// Interface strings.
    pub i18n: i18n::I18n,
    /// Hotlines, screening questions.
    pub data: data::Data,
    /// Settings.
    pub config: Config,
    /// Public-route limiter.
    pub limiter: limit::Limiter,
    /// The engine's pack versions, kept with stored assessments.
    pub engine_version: Arc<str>,
    /// The CSP `style-src` hash of the one inline stylesheet.
    pub csp: HeaderValue,
}

/// Shared state.
pub type AppState = Arc<State>;

impl State {
    /// Build the state; data files are checked here (a bad one is an error naming it).
    pub fn new(engine: Arc<Engine>, store: StorePool, config: Config) -> Result<State, String> {
        let i18n = i18n::I18n::load()?;
        let data = data::Data::load()?;
        let engine_version: Vec<String> = engine
            .packs()
            .iter()
            .map(|p| format!("{}@{}", p.id, p.version))
            .collect();
        let limiter = limit::Limiter::new(config.rate_per_minute, config.rate_exempt.clone());
        let csp = HeaderValue::from_str(&pages::csp())
            .map_err(|e| format!("content security policy: {e}"))?;
        Ok(State {
            engine,
            store,
            i18n,
            data,
            config,
            limiter,
            engine_version: Arc::from(engine_version.join(",")),
            csp,
        })
    }
}

/// Every route, with limits, timeouts, security headers and panic catching.
pub fn router(state: AppState) -> Router {
    let public = Router::new()
        .route("/", get(pages::home))
        .route("/check", post(pages::check))
        .route("/api/check", post(pages::api_check))
        .route("/login", get(pages::login_form).post(pages::login))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit::rate_limit,
        ));
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/logout", post(pages::logout))
        .route("/queue", get(work::queue))
        .route("/ingest", get(work::ingest_form).post(work::ingest_paste))
        .route("/ingest/upload", post(work::ingest_upload))
        .route("/doc/{id}", get(work::document))
        .route("/clusters", get(work::clusters))
        .route("/cluster/{id}", get(work::cluster))
        .route("/cluster/{id}/adopt", post(work::adopt))
        .route("/cluster/{id}/export/{format}", get(work::export))
        .route("/search", get(work::search))
        .route("/cases", get(work::cases))
        .route("/case/{id}", get(work::case))
        .route("/case/{id}/note", post(work::note))
        .route("/screen", get(work::screen_form).post(work::screen))
        .route("/screening/{id}", get(work::screening))
        .route("/admin", get(work::admin))
        .route("/admin/user", post(work::admin_user))
        .route("/admin/role", post(work::admin_role))
        .route("/admin/token", post(work::admin_token))
        .route("/admin/token/{id}/revoke", post(work::admin_revoke))
        .route("/api/queue", get(work::api_queue))
        .route("/api/ingest", post(work::api_ingest))
        .route("/api/doc/{id}", get(work::api_document))
        .route("/api/clusters", get(work::api_clusters))
        .route("/api/cluster/{id}", get(work::api_cluster))
        .route("/api/search", get(work::api_search))
        .route("/api/cases", get(work::api_cases))
        .route("/api/case/{id}", get(work::api_case))
        .merge(public)
        .fallback(pages::not_found)
        .with_state(state.clone())
        .merge(taxii::router(&state));
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    app.layer(header("x-content-type-options", "nosniff"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("referrer-policy", "no-referrer"))
        .layer(header("cross-origin-opener-policy", "same-origin"))
        .layer(header(
            "permissions-policy",
            "camera=(), microphone=(), geolocation=()",
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("content-security-policy"),
            state.csp.clone(),
        ))
        .layer(header("cache-control", "no-store"))
        .layer(axum::middleware::from_fn(auth::cross_site_guard))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            state.config.timeout,
        ))
        .layer(CatchPanicLayer::custom(error::panic_page))
}

/// Serve on `addr` until Ctrl-C.
pub async fn serve(addr: SocketAddr, state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
