//! The dashboard's form posts, a file per stage they act on: each validates with the same
//! parsers as the pages, stores, and redirects (303).

pub mod alerts;
pub mod channels;
pub mod checks;
pub mod imports;
pub mod inventory;
pub mod settings;
pub mod tokens;

use crate::web::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(inventory::routes())
        .merge(checks::routes())
        .merge(channels::routes())
        .merge(alerts::routes())
        .merge(tokens::routes())
        .merge(settings::routes())
        .merge(imports::routes())
}
