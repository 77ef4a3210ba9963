//! The settings form: validated by the same parsers as the serve flags, stored, and applied
//! to the running probes at once (the self-test then runs again, so its banner is current).

use crate::selftest;
use crate::web::actions::inventory::{flash_back, store_errors};
use crate::web::form::StrictForm;
use crate::web::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use model::settings::ProbeSettings;
use store::settings as table;
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new().route("/actions/settings", post(save))
}

pub async fn save(State(state): State<AppState>, session: Session, form: StrictForm) -> Response {
    let values = match form.only(&["resolvers", "nat64_prefixes", "browser_judge"]) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
    let settings = match ProbeSettings::validate(&values) {
        Ok(settings) => settings,
        Err(errors) => return flash_back(&session, "settings", "/settings", values, errors).await,
    };
    if let Err(err) = table::save_probe_settings(&state.pool, &settings).await {
        return flash_back(&session, "settings", "/settings", values, store_errors(err)).await;
    }
    if let Some(live) = &state.probes {
        if let Err(err) = live.apply(&settings) {
            // Stored, but the probes could not start with it: say so where it was typed.
            let mut errors = model::domain::FieldErrors::new();
            errors.add(
                "_form",
                format!("saved, but the probes keep the old settings: {err}"),
            );
            return flash_back(&session, "settings", "/settings", values, errors).await;
        }
        tracing::info!(resolvers = ?settings.resolvers, nat64 = ?settings.nat64_prefixes, browser_judge = ?settings.browser_judge, "probe settings applied");
        let (prober, board) = (live.get(), state.board.clone());
        tokio::spawn(async move {
            selftest::step(&prober, &board).await;
        });
    }
    Redirect::to("/settings?saved=1").into_response()
}
