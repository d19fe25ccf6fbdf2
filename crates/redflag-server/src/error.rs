//! Errors become pages (or JSON under `/api/`), never a panic or a closed connection.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What went wrong in a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request is malformed; the message says where.
    #[error("{0}")]
    Bad(String),
    /// 401: no valid session or token.
    #[error("sign in first")]
    Unauthenticated,
    /// 403: signed in, but not allowed (a write, an admin task).
    #[error("{0}")]
    Forbidden(String),
    /// 404: absent, or not visible to the viewer (the two are never told apart).
    #[error("not found")]
    NotFound,
    /// 500: the store or the server failed.
    #[error("{0}")]
    Internal(String),
}

impl From<redflag_store::Error> for AppError {
    fn from(e: redflag_store::Error) -> AppError {
        match e {
            redflag_store::Error::Denied(m) => AppError::Forbidden(m),
            redflag_store::Error::Invalid(m) => AppError::Bad(m),
            e => AppError::Internal(e.to_string()),
        }
    }
}

impl AppError {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Bad(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What a person is told (internal details stay in the server's log).
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(m) => {
                eprintln!("redflag serve: internal error: {m}");
                "Something went wrong on our side.".into()
            }
            e => e.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let msg = self.public_message();
        if status == StatusCode::UNAUTHORIZED {
            return (
                status,
                [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
                crate::pages::bare_page(
                    "Sign in",
                    &format!(
                        "<h1>401</h1><p>{}</p><p><a href=\"/login\">Sign in</a></p>",
                        crate::pages::esc(&msg)
                    ),
                ),
            )
                .into_response();
        }
        (
            status,
            [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
            crate::pages::bare_page(
                status.canonical_reason().unwrap_or("Error"),
                &format!(
                    "<h1>{}</h1><p>{}</p><p><a href=\"/\">redflag</a></p>",
                    status.as_u16(),
                    crate::pages::esc(&msg)
                ),
            ),
        )
            .into_response()
    }
}

/// A JSON error for the API.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        ApiError(e)
    }
}

impl From<redflag_store::Error> for ApiError {
    fn from(e: redflag_store::Error) -> ApiError {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        (
            status,
            axum::Json(
                serde_json::json!({"error": self.0.public_message(), "status": status.as_u16()}),
            ),
        )
            .into_response()
    }
}

/// A panic in a handler becomes a 500 page; the server goes on.
pub fn panic_page(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    eprintln!("redflag serve: a handler panicked");
    AppError::Internal("a handler panicked".into()).into_response()
}
