//! Every page needs a session, except sign-in, first-run setup, static assets,
//! `/healthz` and the JSON API (which needs a bearer token instead). Before the admin account exists, everything leads to setup.

use crate::web::state::AppState;
use app::SESSION_USER_ID;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

/// Paths anyone may fetch: health, the built bundle, static files.
fn is_public(path: &str) -> bool {
    path == "/healthz"
        || path.starts_with("/pkg/")
        || path == "/favicon.svg"
        || path == "/favicon.ico"
        || path == "/robots.txt"
}

fn is_setup(path: &str) -> bool {
    path == "/setup" || path == "/actions/setup"
}

fn is_login(path: &str) -> bool {
    path == "/login" || path == "/actions/login"
}

pub async fn require_session(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    // The API answers to its bearer tokens alone (`api::bearer`), never to a session.
    if is_public(&path) || crate::web::api::is_api(&path) {
        return next.run(request).await;
    }
    let is_metrics = path == crate::web::metrics::PATH;
    if is_metrics
        && crate::web::metrics::bearer_matches(request.headers(), state.metrics_token.as_deref())
    {
        return next.run(request).await;
    }
    let signed_in = session
        .get::<i64>(SESSION_USER_ID)
        .await
        .ok()
        .flatten()
        .is_some();
    if signed_in {
        return if is_setup(&path) || is_login(&path) {
            Redirect::to("/").into_response()
        } else {
            next.run(request).await
        };
    }
    let needs_setup = match store::users::count(&state.pool).await {
        Ok(n) => n == 0,
        Err(err) => {
            tracing::error!(error = %err, "cannot read accounts");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The database is not available; see the server log.",
            )
                .into_response();
        }
    };
    if is_metrics {
        return crate::web::metrics::unauthorized();
    }
    if path == crate::web::live::PATH {
        // A listening page gets a plain refusal, not a sign-in page it cannot show.
        return (StatusCode::UNAUTHORIZED, "Sign in to follow live updates.").into_response();
    }
    let allowed = if needs_setup {
        is_setup(&path)
    } else {
        is_login(&path)
    };
    if allowed {
        return next.run(request).await;
    }
    if request.method() == Method::GET || request.method() == Method::HEAD {
        let to = if needs_setup {
            "/setup".to_string()
        } else {
            login_then(request.uri())
        };
        Redirect::to(&to).into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "Sign in first.").into_response()
    }
}

/// The sign-in page, told to come back to `uri` afterwards (`/login?next=%2Fhosts%2F3`);
/// plain `/login` for the overview.
fn login_then(uri: &axum::http::Uri) -> String {
    let wanted = uri.path_and_query().map_or("/", |p| p.as_str());
    if wanted == "/" {
        return "/login".to_string();
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("next", wanted)
        .finish();
    format!("/login?{query}")
}
