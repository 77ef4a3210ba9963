//! The one mapping from a store failure to what the person who caused it is told: a
//! conflict names the field that caused it, a missing row is "not found", and anything else
//! is logged here, once, and shown without internals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::domain::FieldErrors;
use store::StoreError;

/// What the web layer may say about a store failure.
#[derive(Debug)]
pub enum StoreFailure {
    /// A unique name or address taken, on the form field that holds it.
    Conflict {
        field: &'static str,
        message: String,
    },
    /// The row is gone (deleted meanwhile, or never there).
    NotFound,
    /// The disk beneath the database takes no writes (full, read-only, failing): said as
    /// such, since only whoever runs the server can fix it.
    Unwritable(&'static str),
    /// The database failed; the details are in the server log.
    Internal,
}

/// Shown for [`StoreFailure::Internal`].
pub const INTERNAL_MESSAGE: &str = "the database failed; see the server log";

impl StoreFailure {
    /// Classifies `err`, logging what the user is not shown; `doing` says what failed
    /// ("delete host", "API request").
    pub fn from_store(err: StoreError, doing: &str) -> StoreFailure {
        match err {
            StoreError::Conflict { field, message } => StoreFailure::Conflict { field, message },
            StoreError::NotFound => StoreFailure::NotFound,
            other => {
                tracing::error!(error = %format_args!("{other:#}"), doing, "the store failed");
                match store::unwritable_reason(&other) {
                    Some(reason) => StoreFailure::Unwritable(reason),
                    None => StoreFailure::Internal,
                }
            }
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            StoreFailure::Conflict { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            StoreFailure::NotFound => StatusCode::NOT_FOUND,
            StoreFailure::Unwritable(_) => StatusCode::SERVICE_UNAVAILABLE,
            StoreFailure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message, with `not_found` for a missing row.
    pub fn message(&self, not_found: &str) -> String {
        match self {
            StoreFailure::Conflict { message, .. } => message.clone(),
            StoreFailure::NotFound => not_found.to_string(),
            StoreFailure::Unwritable(reason) => {
                format!("nothing could be saved: {reason}; see the server log")
            }
            StoreFailure::Internal => INTERNAL_MESSAGE.to_string(),
        }
    }

    /// For a form: a conflict on its field, anything else on the whole form (`_form`).
    pub fn field_errors(self, not_found: &str) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let message = self.message(not_found);
        match self {
            StoreFailure::Conflict { field, .. } => errors.add(field, message),
            _ => errors.add("_form", message),
        }
        errors
    }

    /// A plain-text answer with the status and the message.
    pub fn text(self, not_found: &str) -> Response {
        (self.status(), self.message(not_found)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_name_their_field_and_internals_stay_hidden() {
        let conflict = StoreError::Conflict {
            field: "name",
            message: "a host named nas exists".into(),
        };
        let failure = StoreFailure::from_store(conflict, "test");
        assert_eq!(failure.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let errors = failure.field_errors("gone");
        assert_eq!(errors.get("name"), Some("a host named nas exists"));

        let missing = StoreFailure::from_store(StoreError::NotFound, "test");
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_eq!(missing.field_errors("gone").get("_form"), Some("gone"));

        let broken = StoreError::Database(sqlx::Error::PoolClosed);
        let failure = StoreFailure::from_store(broken, "test");
        assert_eq!(failure.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let shown = failure.message("gone");
        assert_eq!(shown, INTERNAL_MESSAGE);
        assert!(!shown.contains("pool"), "{shown}");
    }
}
