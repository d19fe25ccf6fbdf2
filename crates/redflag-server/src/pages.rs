//! The public pages: the job-offer checker, sign-in, errors; and the page shell every page uses
//! (one small inline stylesheet, no script, no external asset).
use std::fmt::Write as _;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use redflag_core::{Assessment, Document, Report};
use redflag_store::{NewDoc, Role, Signature, Tlp, Viewer, Workspace};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::auth::{self, Session};
use crate::error::ApiError;
use crate::i18n::{self, LANGS, Lang};
use crate::{AppError, AppState, CHECK_MAX_CHARS};

/// The one stylesheet, inline (its hash is in the CSP).
pub const CSS: &str = "\
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,'Noto Sans','Noto Sans Thai','Noto Sans Khmer','Noto Sans Myanmar','Noto Sans CJK SC',sans-serif;color:#1a1a1a;background:#fafafa}\
header{background:#7a1010;color:#fff;padding:.5em 1em;display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center}\
header a{color:#fff}header .brand{font-weight:700;font-size:1.2em;text-decoration:none}\
nav.langs{font-size:.9em}nav.langs a{margin-right:.6em;text-decoration:none}nav.langs a[aria-current]{font-weight:700;text-decoration:none}\
main{max-width:52em;margin:0 auto;padding:1em}\
textarea{width:100%;min-height:12em;font:inherit;padding:.5em}input,select,button{font:inherit;padding:.3em .5em}\
button{background:#7a1010;color:#fff;border:0;border-radius:.3em;padding:.5em 1.2em;cursor:pointer}\
mark{background:#ffd54f;padding:0 .1em;border-bottom:2px solid #c62828}mark sup{color:#c62828;font-weight:700}\
.text{white-space:pre-wrap;background:#fff;border:1px solid #ccc;padding:.8em;overflow-wrap:anywhere}\
.band{display:inline-block;padding:0 .5em;border-radius:.3em;background:#eee}.band.high,.band.critical{background:#c62828;color:#fff}.band.medium{background:#ef6c00;color:#fff}.band.low{background:#fff3cd}\
.alert{background:#fdecea;border-left:.4em solid #c62828;padding:.6em 1em}.ok{background:#e8f5e9;border-left:.4em solid #2e7d32;padding:.6em 1em}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em;text-align:left;vertical-align:top}\
.muted{color:#666;font-size:.9em}.tlp{font-family:monospace;font-weight:700}.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}\
footer{max-width:52em;margin:2em auto;padding:0 1em;color:#666;font-size:.85em}\
.inline{display:inline}:lang(my){font-family:'Noto Sans Myanmar',sans-serif}:lang(km){font-family:'Noto Sans Khmer','Khmer OS',sans-serif}@media (max-width:40em){.pair{grid-template-columns:1fr}}";

/// The Content-Security-Policy: nothing but this page's own stylesheet, forms to this site.
pub fn csp() -> String {
    let h = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{h}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
}

/// HTML-escape.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A page without language machinery (errors).
pub fn bare_page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body><header><a class=\"brand\" href=\"/\">redflag</a></header><main>{body}</main></body></html>",
        esc(title)
    )
}

/// The language of a request.
pub fn page_lang(headers: &HeaderMap, query: Option<&str>) -> &'static str {
    i18n::negotiate(
        query,
        auth::cookie(headers, "lang"),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// The full page: header with navigation and the language switch, the body, and the translation
/// notice.
pub fn page(
    l: &Lang,
    title: &str,
    body: &str,
    session: Option<&Session>,
    path: &str,
) -> Html<String> {
    let mut langs = String::new();
    for code in LANGS {
        let _ = write!(
            langs,
            "<a href=\"{path}?lang={code}\" hreflang=\"{code}\" lang=\"{code}\"{}>{}</a>",
            if code == l.code {
                " aria-current=\"true\""
            } else {
                ""
            },
            esc(crate::i18n::I18n::name_of(code))
        );
    }
    let nav = match session {
        Some(s) => format!(
            "<a href=\"/queue\">{}</a> <a href=\"/ingest\">{}</a> <a href=\"/clusters\">{}</a> <a href=\"/cases\">{}</a> <a href=\"/search\">{}</a> <a href=\"/screen\">{}</a>{} <form class=\"inline\" method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button>{}</button></form> <span class=\"muted\">{} · {} · {}</span>",
            esc(l.t("nav_queue")),
            esc(l.t("nav_ingest")),
            esc(l.t("nav_clusters")),
            esc(l.t("nav_cases")),
            esc(l.t("nav_search")),
            esc(l.t("nav_screen")),
            if s.user.role == Role::Admin {
                format!(" <a href=\"/admin\">{}</a>", esc(l.t("nav_admin")))
            } else {
                String::new()
            },
            esc(&s.csrf),
            esc(l.t("logout")),
            esc(&s.user.name),
            esc(&s.user.org),
            role_name(s.user.role)
        ),
        None => format!("<a href=\"/login\">{}</a>", esc(l.t("login"))),
    };
    let notice = if l.machine > 0 {
        format!("<p>{}</p>", esc(l.t("machine_notice")))
    } else {
        String::new()
    };
    Html(format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{} · redflag</title><style>{CSS}</style></head><body><header><a class=\"brand\" href=\"/\">redflag</a> {nav} <nav class=\"langs\">{langs}</nav></header><main>{body}</main><footer>{notice}<p>{}</p></footer></body></html>",
        l.code,
        esc(title),
        esc(l.t("footer"))
    ))
}

/// A role as the pages name it (DESIGN.md calls a reader a viewer).
pub fn role_name(r: Role) -> &'static str {
    match r {
        Role::Reader => "viewer",
        Role::Analyst => "analyst",
        Role::Admin => "admin",
    }
}

/// `?lang=`.
#[derive(Debug, Deserialize, Default)]
pub struct LangQuery {
    /// Language code.
    pub lang: Option<String>,
}

fn with_lang_cookie(lang: Option<&str>, html: Html<String>) -> Response {
    match lang.filter(|l| LANGS.contains(l)) {
        Some(l) => (
            [(
                header::SET_COOKIE,
                format!("lang={l}; Path=/; SameSite=Lax; Max-Age=31536000"),
            )],
            html,
        )
            .into_response(),
        None => html.into_response(),
    }
}

fn check_form(l: &Lang, text: &str, error: Option<&str>) -> String {
    format!(
        "<h1>{}</h1><p>{}</p>{}<form method=\"post\" action=\"/check\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><label for=\"text\">{}</label><textarea id=\"text\" name=\"text\" maxlength=\"{CHECK_MAX_CHARS}\" required>{}</textarea><p><label><input type=\"checkbox\" name=\"report\" value=\"yes\"> {}</label></p><p class=\"muted\">{}</p><button type=\"submit\">{}</button></form>",
        esc(l.t("check_title")),
        esc(l.t("check_intro")),
        error.map_or(String::new(), |e| format!(
            "<p class=\"alert\">{}</p>",
            esc(e)
        )),
        l.code,
        esc(l.t("check_label")),
        esc(text),
        esc(l.t("consent_label")),
        esc(l.t("privacy_note")),
        esc(l.t("check_button")),
    )
}

/// `GET /`: the checker form.
pub async fn home(
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
    State(state): State<AppState>,
) -> Response {
    let l = state.i18n.lang(page_lang(&headers, q.lang.as_deref()));
    with_lang_cookie(
        q.lang.as_deref(),
        page(l, l.t("check_title"), &check_form(l, "", None), None, "/"),
    )
}

/// The checker's form.
#[derive(Debug, Deserialize)]
pub struct CheckForm {
    /// The pasted offer or message.
    pub text: String,
    /// Page language.
    #[serde(default)]
    pub lang: Option<String>,
    /// `yes` when the person agrees to report it.
    #[serde(default)]
    pub report: Option<String>,
}

/// Mark `spans` (char offsets, numbered) in `text`: overlapping spans share a mark, numbered by
/// every span covering it.
pub fn highlight(text: &str, spans: &[(usize, usize)]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let covering = |p: usize| -> Vec<usize> {
        spans
            .iter()
            .enumerate()
            .filter(|(_, (s, e))| *s <= p && p < *e)
            .map(|(n, _)| n + 1)
            .collect()
    };
    while i < chars.len() {
        let cov = covering(i);
        let mut j = i + 1;
        while j < chars.len() && covering(j) == cov {
            j += 1;
        }
        let seg: String = chars[i..j].iter().collect();
        if cov.is_empty() {
            out.push_str(&esc(&seg));
        } else {
            let nums: Vec<String> = cov.iter().map(|n| n.to_string()).collect();
            let _ = write!(
                out,
                "<mark>{}<sup>{}</sup></mark>",
                esc(&seg),
                nums.join(",")
            );
        }
        i = j;
    }
    out
}

fn band_html(l: &Lang, a: &Assessment) -> String {
    let b = serde_json::to_value(a.band)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    format!(
        "<span class=\"band {b}\">{}</span>",
        esc(l.t(&format!("band_{b}")))
    )
}

/// The result section of a report, shared by the checker and the analyst's document view.
pub fn report_html(l: &Lang, text: &str, report: &Report, link_selectors: bool) -> String {
    let mut findings: Vec<&redflag_core::Finding> = report
        .lure
        .findings
        .iter()
        .chain(&report.scam.findings)
        .chain(&report.distress.assessment.findings)
        .filter(|f| f.end > f.start)
        .collect();
    findings.sort_by_key(|f| (f.start, f.end));
    findings.dedup_by(|a, b| a.rule == b.rule && a.start == b.start);
    let spans: Vec<(usize, usize)> = findings.iter().map(|f| (f.start, f.end)).collect();
    let mut s = String::new();
    let _ = write!(
        s,
        "<table><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr></table>",
        esc(l.t("task_lure")),
        band_html(l, &report.lure),
        esc(l.t("task_scam")),
        band_html(l, &report.scam),
        esc(l.t("task_distress")),
        band_html(l, &report.distress.assessment),
    );
    let _ = write!(
        s,
        "<h2>{}</h2><div class=\"text\" lang=\"{}\">{}</div>",
        esc(l.t("flags_in_text")),
        esc(&report.lang),
        highlight(text, &spans)
    );
    if findings.is_empty() {
        let _ = write!(s, "<p>{}</p>", esc(l.t("no_flags")));
    } else {
        s.push_str("<ol>");
        for f in &findings {
            let _ = write!(
                s,
                "<li><q>{}</q> — <span lang=\"{}\">{}</span>{}</li>",
                esc(&f.text),
                esc(&f.explain_lang),
                esc(&f.explain),
                if f.explain_status == "machine" {
                    format!(
                        " <span class=\"muted\">({})</span>",
                        esc(l.t("machine_short"))
                    )
                } else {
                    String::new()
                }
            );
        }
        s.push_str("</ol>");
    }
    let _ = write!(s, "<h2>{}</h2>", esc(l.t("contacts_found")));
    if report.selectors.is_empty() {
        let _ = write!(s, "<p>{}</p>", esc(l.t("no_contacts")));
    } else {
        s.push_str("<ul>");
        for sel in &report.selectors {
            let kind = sel.kind.as_str();
            let value = if link_selectors {
                format!(
                    "<a href=\"/search?kind={}&amp;value={}\">{}</a>",
                    esc(&url_encode(kind)),
                    esc(&url_encode(&sel.value)),
                    esc(&sel.value)
                )
            } else {
                esc(&sel.value)
            };
            let _ = write!(
                s,
                "<li>{kind}: {value}{}{}</li>",
                if sel.valid { "" } else { " (?)" },
                match sel.role {
                    redflag_core::Role::Hotline => format!(" — {}", esc(l.t("role_hotline"))),
                    redflag_core::Role::Victim => format!(" — {}", esc(l.t("role_victim"))),
                    _ => String::new(),
                }
            );
        }
        s.push_str("</ul>");
    }
    s
}

/// Percent-encode for a query value.
pub fn url_encode(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            o.push(b as char);
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

fn advice_html(l: &Lang, state: &AppState, distress: bool) -> String {
    let mut s = String::new();
    if distress {
        let _ = write!(s, "<p class=\"alert\">{}</p>", esc(l.t("distress_advice")));
    }
    let _ = write!(s, "<h2>{}</h2><ul>", esc(l.t("next_title")));
    for k in [
        "next_verify",
        "next_passport",
        "next_fees",
        "next_family",
        "next_report",
    ] {
        let _ = write!(s, "<li>{}</li>", esc(l.t(k)));
    }
    s.push_str("</ul>");
    let _ = write!(
        s,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(l.t("hotlines_title")),
        esc(l.t("hotline_country")),
        esc(l.t("hotline_number")),
        esc(l.t("hotline_who")),
    );
    for h in &state.data.hotlines {
        let _ = write!(
            s,
            "<tr><td>{}</td><td><a href=\"tel:{}\">{}</a></td><td>{} <span class=\"muted\">{}</span> <a class=\"muted\" href=\"{}\" rel=\"noreferrer\">{}</a></td></tr>",
            esc(l.t(&format!("country_{}", h.country.to_ascii_lowercase()))),
            esc(&h.number.replace(' ', "")),
            esc(&h.number),
            esc(&h.name),
            esc(&h.note),
            esc(&h.source),
            esc(l.t("source")),
        );
    }
    s.push_str("</table>");
    s
}

/// `POST /check`: the assessment in the person's language; stored only with consent.
pub async fn check(
    headers: HeaderMap,
    State(state): State<AppState>,
    axum::Form(form): axum::Form<CheckForm>,
) -> Result<Response, AppError> {
    let code = page_lang(&headers, form.lang.as_deref());
    let l = state.i18n.lang(code);
    let text = form.text.trim_end().to_string();
    if text.trim().is_empty() {
        let body = check_form(l, "", Some(l.t("empty_text")));
        return Ok((
            StatusCode::BAD_REQUEST,
            page(l, l.t("check_title"), &body, None, "/"),
        )
            .into_response());
    }
    if text.chars().count() > CHECK_MAX_CHARS {
        let body = check_form(l, "", Some(l.t("too_long")));
        return Ok((
            StatusCode::PAYLOAD_TOO_LARGE,
            page(l, l.t("check_title"), &body, None, "/"),
        )
            .into_response());
    }
    let report = state.engine.analyze(&Document::new("check", &text));
    let mut body = format!("<h1>{}</h1>", esc(l.t("result_title")));
    body.push_str(&report_html(l, &text, &report, false));
    let distress = report.distress.assessment.band.is_flagged();
    body.push_str(&advice_html(l, &state, distress));
    if form.report.as_deref() == Some("yes") {
        let id = store_report(&state, text.clone(), report).await?;
        let _ = write!(
            body,
            "<p class=\"ok\">{} #{id}</p>",
            esc(l.t("stored_thanks"))
        );
    } else {
        let _ = write!(body, "<p class=\"ok\">{}</p>", esc(l.t("nothing_stored")));
    }
    let _ = write!(
        body,
        "<p><a href=\"/?lang={}\">{}</a></p>",
        l.code,
        esc(l.t("check_another"))
    );
    Ok(page(l, l.t("result_title"), &body, None, "/").into_response())
}

/// Keep a report the person agreed to share: AMBER in the receiving organisation (RED when it is
/// a plea for help), with the consent recorded.
async fn store_report(state: &AppState, text: String, report: Report) -> Result<i64, AppError> {
    let org = state.config.public_org.clone();
    let engine = state.engine_version.clone();
    state
        .store
        .run(move |s| {
            let viewer = Viewer::new(org.clone(), Role::Analyst);
            let tlp = NewDoc::marking(Some(Tlp::Amber), &report);
            let hash = redflag_store::content_hash(&text);
            let doc = NewDoc {
                source: "public-checker".into(),
                source_id: None,
                observed_at: None,
                utc_offset_min: None,
                kind: None,
                signature: Signature::of(&text),
                text,
                report,
                tlp,
                engine,
            };
            s.ingest(&viewer, &[doc])?;
            let id = s
                .content_id(&hash)?
                .ok_or_else(|| AppError::Internal("stored content not found".into()))?;
            s.record_consent(&org, id, "public-checker report")?;
            Ok(id)
        })
        .await
}

/// `POST /api/check` body.
#[derive(Debug, Deserialize)]
pub struct ApiCheck {
    /// The text.
    pub text: String,
}

/// `POST /api/check`: the engine's report as JSON; stores nothing.
pub async fn api_check(
    State(state): State<AppState>,
    Json(req): Json<ApiCheck>,
) -> Result<Json<Report>, ApiError> {
    if req.text.chars().count() > CHECK_MAX_CHARS {
        return Err(AppError::Bad(format!("text longer than {CHECK_MAX_CHARS} characters")).into());
    }
    Ok(Json(
        state.engine.analyze(&Document::new("check", &req.text)),
    ))
}

fn login_body(l: &Lang, error: bool) -> String {
    format!(
        "<h1>{}</h1>{}<form method=\"post\" action=\"/login\"><p><label>{}<br><input name=\"org\" required autocomplete=\"organization\"></label></p><p><label>{}<br><input name=\"name\" required autocomplete=\"username\"></label></p><p><label>{}<br><input type=\"password\" name=\"password\" required autocomplete=\"current-password\"></label></p><button type=\"submit\">{}</button></form>",
        esc(l.t("login")),
        if error {
            format!("<p class=\"alert\">{}</p>", esc(l.t("login_failed")))
        } else {
            String::new()
        },
        esc(l.t("org")),
        esc(l.t("user_name")),
        esc(l.t("password")),
        esc(l.t("login")),
    )
}

/// `GET /login`.
pub async fn login_form(
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
    State(state): State<AppState>,
) -> Response {
    let l = state.i18n.lang(page_lang(&headers, q.lang.as_deref()));
    with_lang_cookie(
        q.lang.as_deref(),
        page(l, l.t("login"), &login_body(l, false), None, "/login"),
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    org: String,
    name: String,
    password: String,
}

/// `POST /login`: a session cookie and on to the queue.
pub async fn login(
    headers: HeaderMap,
    State(state): State<AppState>,
    axum::Form(f): axum::Form<LoginForm>,
) -> Result<Response, AppError> {
    let l = state.i18n.lang(page_lang(&headers, None));
    if f.password.len() > 1024 {
        return Err(AppError::Bad("password too long".into()));
    }
    let found = state
        .store
        .run(move |s| {
            Ok(match s.authenticate(&f.org, &f.name, &f.password)? {
                Some(u) => Some(s.create_session(&u)?),
                None => None,
            })
        })
        .await?;
    match found {
        Some((secret, _csrf)) => Ok((
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, "/queue".to_string()),
                (
                    header::SET_COOKIE,
                    auth::session_cookie(&secret, state.config.secure_cookies),
                ),
            ],
        )
            .into_response()),
        None => Ok((
            StatusCode::UNAUTHORIZED,
            page(l, l.t("login"), &login_body(l, true), None, "/login"),
        )
            .into_response()),
    }
}

/// A form carrying only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    /// The session's token.
    pub csrf: String,
}

/// `POST /logout`.
pub async fn logout(
    headers: HeaderMap,
    session: Session,
    State(state): State<AppState>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Result<Response, AppError> {
    session.check_csrf(&f.csrf)?;
    if let Some(secret) = auth::cookie(&headers, auth::SESSION_COOKIE).map(str::to_string) {
        state
            .store
            .run(move |s| Ok(s.end_session(&secret)?))
            .await?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/".to_string()),
            (
                header::SET_COOKIE,
                auth::clear_cookie(state.config.secure_cookies),
            ),
        ],
    )
        .into_response())
}

/// Anything else: 404.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_escapes_and_numbers_overlaps() {
        let h = highlight("a<b> cd", &[(1, 4), (3, 6)]);
        assert_eq!(
            h,
            "a<mark>&lt;b<sup>1</sup></mark><mark>&gt;<sup>1,2</sup></mark><mark> c<sup>2</sup></mark>d"
        );
        assert_eq!(highlight("ไทย", &[(0, 1)]), "<mark>ไ<sup>1</sup></mark>ทย");
    }

    #[test]
    fn csp_hash_is_of_the_stylesheet() {
        assert!(csp().contains("style-src 'sha256-"));
        assert!(!csp().contains("unsafe"));
    }
}
