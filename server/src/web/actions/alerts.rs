//! The alert stage's controls from the pages: acknowledge an incident, mute a host or service
//! until a time (and end a mute), and a check's alert thresholds. Form posts that store and
//! redirect (303); a rejected form goes back to its page with a message per field.

use crate::scheduler::unix_ms;
use crate::web::actions::inventory::flash_back;
use crate::web::form::StrictForm;
use crate::web::state::AppState;
use crate::web::store_failure::StoreFailure;
use app::SESSION_USERNAME;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use model::domain::FieldErrors;
use model::domain::alerts::{parse_mute, parse_thresholds};
use store::{StoreError, incidents};
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/actions/alerts/{id}/acknowledge", post(acknowledge))
        .route("/actions/alerts/mutes", post(mute))
        .route("/actions/alerts/mutes/{id}/delete", post(end_mute))
        .route("/actions/checks/{id}/thresholds", post(thresholds))
}

/// Only local paths: never a redirect to another site.
fn back_to(back: Option<&String>, default: &str) -> String {
    back.and_then(|b| model::domain::local_path(b))
        .unwrap_or(default)
        .to_string()
}

fn failed(err: StoreError) -> Response {
    StoreFailure::from_store(err, "alert action").text("not found")
}

async fn username(session: &Session) -> String {
    session
        .get::<String>(SESSION_USERNAME)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

pub async fn acknowledge(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    form: StrictForm,
) -> Response {
    let form = match form.only(&["back"]) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
    let by = username(&session).await;
    match incidents::acknowledge(&state.pool, id, &by, unix_ms()).await {
        Ok(()) => Redirect::to(&back_to(form.get("back"), "/alerts")).into_response(),
        Err(err) => failed(err),
    }
}

pub async fn mute(State(state): State<AppState>, session: Session, form: StrictForm) -> Response {
    let values = match form.only(&["subject", "until", "note"]) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
    let now = unix_ms();
    let input = match parse_mute(&values, now) {
        Ok(input) => input,
        Err(errors) => return flash_back(&session, "alert-mute", "/alerts", values, errors).await,
    };
    let by = username(&session).await;
    match incidents::create_mute(&state.pool, &input, &by, now).await {
        Ok(_) => Redirect::to("/alerts").into_response(),
        Err(StoreError::Conflict { field, message }) => {
            let mut errors = FieldErrors::new();
            errors.add(field, message);
            flash_back(&session, "alert-mute", "/alerts", values, errors).await
        }
        Err(err) => failed(err),
    }
}

pub async fn end_mute(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match incidents::delete_mute(&state.pool, id).await {
        Ok(()) => Redirect::to("/alerts").into_response(),
        Err(err) => failed(err),
    }
}

/// The browser's own checks (min, max, required) stop bad input before it is sent, so a
/// rejected post gets a plain message rather than a flashed form.
pub async fn thresholds(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    form: StrictForm,
) -> Response {
    let values = match form.only(&["back", "fail_after", "recover_after"]) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
    let back = back_to(values.get("back"), "/");
    let Ok((fail, recover)) = parse_thresholds(&values) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Thresholds are whole numbers from 1 to 100. Go back and correct them.",
        )
            .into_response();
    };
    match incidents::set_thresholds(&state.pool, id, fail, recover).await {
        Ok(()) => {
            super::tell(&session, "Thresholds saved.").await;
            Redirect::to(&back).into_response()
        }
        Err(err) => failed(err),
    }
}
