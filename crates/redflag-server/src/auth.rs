//! Who is asking: a session cookie (pages) or an API token (`Authorization: Bearer`), both checked
//! by the store; CSRF tokens on every signed-in form; cross-site writes refused.
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use redflag_store::{User, Workspace};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::{AppError, AppState};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "rf_session";

/// A cookie's value.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A signed-in person (from the session cookie), with the session's CSRF token.
pub struct Session {
    /// The user.
    pub user: User,
    /// The token every form of this session carries.
    pub csrf: String,
}

impl Session {
    /// Refuse a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, given: &str) -> Result<(), AppError> {
        if constant_eq(given.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "this form has expired or did not come from this site; reload the page and try again".into(),
            ))
        }
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Session, AppError> {
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(AppError::Unauthenticated);
        };
        if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::Unauthenticated);
        }
        let secret = secret.to_string();
        match state.store.run(move |s| Ok(s.session(&secret)?)).await? {
            Some((user, csrf)) => Ok(Session { user, csrf }),
            None => Err(AppError::Unauthenticated),
        }
    }
}

/// A caller of the JSON API, by token.
pub struct ApiUser(pub User);

/// SHA-256 of a token → its user and when it was verified.
type TokenCache = Mutex<HashMap<[u8; 32], (User, Instant)>>;

/// Verified tokens, for a minute: argon2 verification is slow by design.
fn token_cache() -> &'static TokenCache {
    static C: OnceLock<TokenCache> = OnceLock::new();
    C.get_or_init(Default::default)
}

/// How long a verified token is trusted without asking the store again (a revocation takes
/// effect within this time).
pub const TOKEN_CACHE: Duration = Duration::from_secs(60);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ApiUser, ApiError> {
        let token = bearer(&parts.headers).ok_or(AppError::Unauthenticated)?;
        if let Some(u) = cached_token_user(&token) {
            return Ok(ApiUser(u));
        }
        let t = token.clone();
        let user = state
            .store
            .run(move |s| Ok(s.token_user(&t)?))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        remember_token(&token, &user);
        Ok(ApiUser(user))
    }
}

/// The user of a token verified less than [`TOKEN_CACHE`] ago.
pub fn cached_token_user(token: &str) -> Option<User> {
    let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    let c = token_cache().lock().ok()?;
    let (u, at) = c.get(&key)?;
    (at.elapsed() < TOKEN_CACHE).then(|| u.clone())
}

/// Remember a token the store has just verified.
pub fn remember_token(token: &str, user: &User) {
    let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    if let Ok(mut c) = token_cache().lock() {
        if c.len() > 10_000 {
            c.clear();
        }
        c.insert(key, (user.clone(), Instant::now()));
    }
}

/// The bearer token of a request, if it carries a plausible one.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)?;
    (!token.is_empty() && token.len() <= 200).then(|| token.to_string())
}

/// Refuse state-changing requests that a browser says come from another site.
pub async fn cross_site_guard(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let h = req.headers();
        let cross = h
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let origin_mismatch = match (
            h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
            h.get(header::HOST).and_then(|v| v.to_str().ok()),
        ) {
            (Some(o), Some(host)) => o != "null" && o.split_once("://").map(|x| x.1) != Some(host),
            _ => false,
        };
        if cross || origin_mismatch {
            return AppError::Forbidden("cross-site request refused".into()).into_response();
        }
    }
    next.run(req).await
}

/// The `Set-Cookie` value of a new session.
pub fn session_cookie(secret: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        redflag_store::workspace::SESSION_SECONDS,
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends it.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// 303 to `to`.
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}
