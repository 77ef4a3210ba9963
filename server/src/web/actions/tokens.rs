//! The API tokens page's form posts: create a token (shown once on the next page, through
//! the session; only its hash is stored) and revoke one.

use crate::scheduler::unix_ms;
use crate::web::actions::inventory::flash_back;
use crate::web::api::bearer;
use crate::web::form::StrictForm;
use crate::web::state::AppState;
use crate::web::store_failure::StoreFailure;
use app::SESSION_USERNAME;
use app::queries::tokens::{NEW_TOKEN_KEY, NewToken};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use model::domain::api_token::TokenInput;
use model::domain::form::Choice;
use store::{StoreError, api_tokens};
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/actions/tokens", post(create))
        .route("/actions/tokens/{id}/revoke", post(revoke))
}

fn failed(err: StoreError) -> Response {
    StoreFailure::from_store(err, "API token action").text("not found")
}

pub async fn create(State(state): State<AppState>, session: Session, form: StrictForm) -> Response {
    let values = match form.only(&["name", "scope"]) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
    let input = match TokenInput::validate(&values) {
        Ok(input) => input,
        Err(errors) => return flash_back(&session, "token-new", "/tokens", values, errors).await,
    };
    let token = bearer::new_token();
    let by = session
        .get::<String>(SESSION_USERNAME)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let stored = api_tokens::create(
        &state.pool,
        &api_tokens::NewToken {
            name: &input.name,
            token_hash: &bearer::hash(&token),
            scope: input.scope.code(),
            created_by: &by,
            created_at: unix_ms(),
        },
    )
    .await;
    if let Err(err) = stored {
        return failed(err);
    }
    let shown = NewToken {
        name: input.name,
        token,
    };
    if let Err(err) = session.insert(NEW_TOKEN_KEY, shown).await {
        tracing::error!(error = %err, "could not keep the new token for its one showing");
    }
    Redirect::to("/tokens").into_response()
}

pub async fn revoke(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match api_tokens::revoke(&state.pool, id, unix_ms()).await {
        Ok(()) | Err(StoreError::NotFound) => Redirect::to("/tokens").into_response(),
        Err(err) => failed(err),
    }
}
