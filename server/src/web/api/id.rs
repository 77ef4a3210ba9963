//! The id in an API path (`/api/v1/hosts/{id}`). One that is not a whole number is refused
//! with the API's JSON error, like every other refusal, not the router's plain text.

use super::reply;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;

/// A record's id taken from the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Id(id)),
            Err(rejection) => Err(reply::error(
                StatusCode::BAD_REQUEST,
                format!(
                    "the id in the path must be a whole number ({})",
                    rejection.body_text()
                ),
            )),
        }
    }
}
