//! TAXII 2.1 under `/taxii2/`: the router of `redflag-exchange`, authenticated by the web
//! application's API tokens, with every access decision still made by `access::decide` in the store.
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::HeaderMap;
use redflag_exchange::taxii::{Authenticator, Taxii};
use redflag_store::{Viewer, Workspace};

use crate::AppState;
use crate::auth::{bearer, cached_token_user, remember_token};
use crate::pool::Conn;

/// API tokens, checked against the store (and the server's cache of verified tokens).
struct TokenAuth {
    store: Arc<Mutex<Conn>>,
}

impl Authenticator for TokenAuth {
    fn authenticate(&self, headers: &HeaderMap) -> Option<Viewer> {
        let token = bearer(headers)?;
        if let Some(u) = cached_token_user(&token) {
            return Some(u.viewer());
        }
        let store = self.store.clone();
        let t = token.clone();
        // On a thread of its own: this runs inside a request, on a runtime thread, where the
        // `postgres` client must not block.
        let user = std::thread::scope(|s| {
            s.spawn(move || {
                let mut g = store.lock().unwrap_or_else(|p| p.into_inner());
                g.token_user(&t).ok().flatten()
            })
            .join()
            .ok()
            .flatten()
        })?;
        remember_token(&token, &user);
        Some(user.viewer())
    }
}

/// The TAXII routes, over the server's store and engine.
pub fn router(state: &AppState) -> Router {
    let store = state.store.shared();
    let auth = Arc::new(TokenAuth {
        store: store.clone(),
    });
    Taxii::new(store, state.engine.clone(), auth, "/taxii2").router()
}
