//! Opting a host or container in to the exposure scan, or out (which forgets its diff).
//! Scanning is an action with consequences, so it only ever starts from here.

use crate::web::form::StrictForm;
use crate::web::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use model::SubjectKind;
use model::domain::form::value;
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new().route("/actions/exposure/{kind}/{id}", post(set))
}

pub async fn set(
    State(state): State<AppState>,
    session: Session,
    Path((kind, id)): Path<(String, i64)>,
    form: StrictForm,
) -> Response {
    let form = match form.only(&["back", "on"]) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
    let kind = match kind.as_str() {
        "host" => SubjectKind::Host,
        "container" => SubjectKind::Container,
        _ => {
            return (
                StatusCode::NOT_FOUND,
                "only hosts and containers have an exposure scan",
            )
                .into_response();
        }
    };
    let on = match value(&form, "on") {
        "1" => true,
        "0" => false,
        _ => return (StatusCode::BAD_REQUEST, "on must be 1 or 0").into_response(),
    };
    let now = chrono::Utc::now().timestamp();
    match store::exposure::set_opt_in(&state.pool, kind, id, on, now).await {
        Ok(true) => {
            let told = if on {
                "Exposure scan on: the first scan runs within five minutes."
            } else {
                "Exposure scan off: its diff is forgotten."
            };
            super::tell(&session, told).await;
            let back = model::domain::local_path(value(&form, "back")).unwrap_or("/exposure");
            Redirect::to(back).into_response()
        }
        Ok(false) => (
            StatusCode::NOT_FOUND,
            format!("there is no such {}", kind.as_str()),
        )
            .into_response(),
        Err(err) => crate::web::store_failure::StoreFailure::from_store(err, "exposure opt-in")
            .text("could not change the exposure scan"),
    }
}
