//! The API's answers: JSON bodies, and errors as `{"error": "..."}` or, for rejected input,
//! `{"errors": {"field": "message"}}` with the inventory forms' field names and messages.

use crate::web::store_failure::StoreFailure;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::domain::FieldErrors;
use serde::Serialize;
use serde_json::json;
use store::StoreError;

/// A refused request, before it becomes a response.
#[derive(Debug)]
pub enum Refusal {
    /// `{"error": message}` with this status.
    Message(StatusCode, String),
    /// 422 with a message per field.
    Invalid(FieldErrors),
    /// What the store said.
    Store(StoreError),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Message(status, message) => error(status, message),
            Refusal::Invalid(errors) => invalid(errors),
            Refusal::Store(err) => store_failed(err),
        }
    }
}

pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

pub fn invalid(errors: FieldErrors) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "errors": errors })),
    )
        .into_response()
}

pub fn ok<T: Serialize>(value: T) -> Response {
    Json(value).into_response()
}

/// A store failure: unknown id 404, a conflict (duplicate name) 422 on its field like the
/// form shows it, anything else 500 with the details only in the server log.
pub fn store_failed(err: StoreError) -> Response {
    match StoreFailure::from_store(err, "API request") {
        conflict @ StoreFailure::Conflict { .. } => invalid(conflict.field_errors("not found")),
        other => error(other.status(), other.message("not found")),
    }
}

pub async fn no_such_path() -> Response {
    error(StatusCode::NOT_FOUND, "no such API path")
}
