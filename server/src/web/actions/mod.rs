//! The dashboard's form posts, a file per stage they act on: each validates with the same
//! parsers as the pages, stores, and redirects (303).

pub mod alerts;
pub mod channels;
pub mod checks;
pub mod exposure;
pub mod imports;
pub mod inventory;
pub mod settings;
pub mod tokens;

use crate::web::state::AppState;
use axum::Router;
use tower_sessions::Session;

/// Says on the next page what a form post did ("Host saved."): once, that page takes it.
pub async fn tell(session: &Session, text: impl Into<String>) {
    if let Err(err) = session
        .insert(app::queries::flash::NOTICE_KEY, text.into())
        .await
    {
        tracing::warn!(error = %err, "could not keep the notice in the session");
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(inventory::routes())
        .merge(checks::routes())
        .merge(exposure::routes())
        .merge(channels::routes())
        .merge(alerts::routes())
        .merge(tokens::routes())
        .merge(settings::routes())
        .merge(imports::routes())
}
