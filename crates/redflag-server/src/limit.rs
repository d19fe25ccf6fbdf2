//! Rate limiting of the public routes (per client address, governor's GCRA), with an allow-list
//! for the load test's own client.
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::AppState;

/// The limiter.
pub struct Limiter {
    inner: DefaultKeyedRateLimiter<IpAddr>,
    exempt: Vec<IpAddr>,
}

impl Limiter {
    /// `per_minute` requests per address and minute, bursts of a quarter of that.
    pub fn new(per_minute: u32, exempt: Vec<IpAddr>) -> Limiter {
        let per = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new((per_minute / 4).max(1)).unwrap_or(NonZeroU32::MIN);
        Limiter {
            inner: RateLimiter::keyed(Quota::per_minute(per).allow_burst(burst)),
            exempt,
        }
    }

    /// Whether a request from `ip` may go on now.
    pub fn allow(&self, ip: IpAddr) -> bool {
        if self.exempt.contains(&ip) {
            return true;
        }
        if self.inner.len() > 100_000 {
            self.inner.retain_recent();
        }
        self.inner.check_key(&ip).is_ok()
    }
}

/// The middleware: 429 with a page when over the limit.
pub async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.0.ip());
    if !state.limiter.allow(ip) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [
                (axum::http::header::RETRY_AFTER, "60"),
                (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            ],
            crate::pages::bare_page(
                "Too many requests",
                "<h1>429</h1><p>Too many requests from your address. Please wait a minute.</p>",
            ),
        )
            .into_response();
    }
    next.run(req).await
}
