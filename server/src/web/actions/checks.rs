//! The scheduler stage's controls from the pages: "Run now" and enable/disable of one check.
//! Each is a form post that changes the stored check, wakes the scheduler and redirects back.
//! "Run now" on a service's HTTP check also asks the verdict job for a new verdict.

use crate::web::form::StrictForm;
use crate::web::state::AppState;
use crate::web::store_failure::StoreFailure;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use model::domain::form::value;
use store::{StoreError, checks, verdicts};
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/actions/checks/{id}/run", post(run_now))
        .route("/actions/checks/{id}/enabled", post(set_enabled))
}

/// Only local paths: never a redirect to another site.
fn back_to(back: &str) -> Redirect {
    Redirect::to(model::domain::local_path(back).unwrap_or("/"))
}

fn failed(err: StoreError) -> Response {
    StoreFailure::from_store(err, "check action").text("that check no longer exists")
}

pub async fn run_now(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    form: StrictForm,
) -> Response {
    let form = match form.only(&["back"]) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
    match checks::request_run(&state.pool, id).await {
        Ok(()) => {
            state.wake.notify_one();
            request_verdict(&state, id).await;
            super::tell(&session, "Check queued: its result appears within seconds.").await;
            back_to(value(&form, "back")).into_response()
        }
        Err(err) => failed(err),
    }
}

/// A service's HTTP check run by hand: its verdict is judged again too, within seconds.
async fn request_verdict(state: &AppState, check_id: i64) {
    let check = match checks::get(&state.pool, check_id).await {
        Ok(check) => check,
        Err(err) => {
            tracing::warn!(error = %format_args!("{err:#}"), check = check_id, "could not read the check");
            return;
        }
    };
    if check.subject_kind != "service" || check.kind != "http" {
        return;
    }
    let at = crate::scheduler::unix_ms();
    if let Err(err) = verdicts::request(&state.pool, check.subject_id, at).await {
        tracing::warn!(error = %format_args!("{err:#}"), service = check.subject_id, "could not ask for a verdict");
    }
}

pub async fn set_enabled(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    form: StrictForm,
) -> Response {
    let form = match form.only(&["back", "enabled"]) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
    // `back` is the page to return to (a path on this site); `enabled` is `1` to enable.
    let enabled = value(&form, "enabled") == "1";
    match checks::set_enabled(&state.pool, id, enabled).await {
        Ok(()) => {
            state.wake.notify_one();
            let told = if enabled {
                "Check enabled."
            } else {
                "Check disabled."
            };
            super::tell(&session, told).await;
            back_to(value(&form, "back")).into_response()
        }
        Err(err) => failed(err),
    }
}
