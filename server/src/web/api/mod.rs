//! The JSON API under `/api/v1/`: read everything, write the inventory. Callers authenticate
//! only with `Authorization: Bearer <token>` (tokens are made on `/tokens`); session cookies
//! are ignored here, so a signed-in browser cannot be driven into API writes from another site.
//! Writes go through the same validation and store functions as the inventory forms.

pub mod bearer;
pub mod body;
pub mod checks;
pub mod exposure;
pub mod id;
pub mod incidents;
pub mod inventory;
pub mod inventory_file;
pub mod plan;
pub mod reply;
pub mod tunnel_health;
pub mod verdicts;

use crate::web::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get};

/// Every API path starts with this (server functions live elsewhere under `/api/`).
pub const PREFIX: &str = "/api/v1/";

/// The largest request body accepted (larger: 413).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn is_api(path: &str) -> bool {
    path.starts_with(PREFIX)
}

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(inventory::routes())
        .merge(inventory_file::routes())
        .route("/api/v1/checks", get(checks::list))
        .route("/api/v1/checks/{id}", get(checks::get))
        .route("/api/v1/checks/{id}/results", get(checks::results))
        .route("/api/v1/services/{id}/verdict", get(verdicts::latest))
        .route(
            "/api/v1/services/{id}/verdict/events",
            get(verdicts::events),
        )
        .route("/api/v1/incidents", get(incidents::list))
        .route("/api/v1/incidents/{id}", get(incidents::get))
        .route("/api/v1/plan/findings", get(plan::findings))
        .route("/api/v1/exposure", get(exposure::list))
        .route("/api/v1/{*rest}", any(reply::no_such_path))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            bearer::require_token,
        ))
}
