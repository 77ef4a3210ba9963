//! The delivery stage's form posts: create, edit and delete a channel, and "Send a test
//! alert". Like the inventory forms, a rejected form goes back with the input and a
//! message per field, and nothing stored changes; a typed secret is never sent back.

use crate::delivery::test_alert;
use crate::web::actions::inventory::{Kind, deleted, flash_back, store_errors};
use crate::web::form::StrictForm;
use crate::web::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use model::channels::ChannelInput;
use model::channels::delivery::TEST_OUTCOME_KEY;
use model::channels::input::{CHANNEL_FIELDS, SECRET_FIELDS};
use store::channels as table;
use tower_sessions::Session;

const KIND: Kind = Kind {
    singular: "channel",
    plural: "channels",
    has_detail: true,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/actions/channels", post(save))
        .route("/actions/channels/{id}", post(save))
        .route("/actions/channels/{id}/delete", post(delete))
        .route("/actions/channels/{id}/test", post(send_test))
}

pub async fn save(
    State(state): State<AppState>,
    session: Session,
    id: Option<Path<i64>>,
    form: StrictForm,
) -> Response {
    let mut values = match form.only(CHANNEL_FIELDS) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
    let id = id.map(|Path(id)| id);
    let result = match ChannelInput::validate(&values) {
        Ok(input) => match id {
            Some(id) => table::update(&state.pool, id, &input).await.map(|()| id),
            None => table::create(&state.pool, &input).await,
        }
        .map_err(store_errors),
        Err(errors) => Err(errors),
    };
    match result {
        Ok(id) => {
            super::tell(&session, "Channel saved.").await;
            Redirect::to(&format!("/channels/{id}")).into_response()
        }
        Err(errors) => {
            for field in SECRET_FIELDS {
                values.remove(*field);
            }
            let (form, back) = match id {
                Some(id) => (format!("channel-edit-{id}"), format!("/channels/{id}/edit")),
                None => ("channel-new".to_string(), "/channels/new".to_string()),
            };
            flash_back(&session, &form, &back, values, errors).await
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    deleted(&session, &KIND, id, table::delete(&state.pool, id).await).await
}

pub async fn send_test(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    let outcome = test_alert::send(&state.pool, &state.courier, id).await;
    if let Err(err) = session.insert(TEST_OUTCOME_KEY, outcome).await {
        tracing::error!(error = %err, "could not keep the test outcome in the session");
    }
    Redirect::to(&format!("/channels/{id}")).into_response()
}
