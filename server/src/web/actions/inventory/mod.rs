//! The inventory stage's write side: form posts that validate with the same parsers as
//! the pages, store, and redirect (303). A rejected form goes back to its page with the
//! user's input and a message per field, and nothing stored changes.

use crate::web::state::AppState;
use crate::web::store_failure::StoreFailure;
use app::queries::flash::{Flash, SESSION_KEY};
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use model::domain::FieldErrors;
use model::domain::FormValues;
use store::StoreError;
use tower_sessions::Session;

mod plan_warnings;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/actions/hosts", post(hosts::save))
        .route("/actions/hosts/{id}", post(hosts::save))
        .route("/actions/hosts/{id}/delete", post(hosts::delete))
        .route("/actions/prefixes", post(prefixes::save))
        .route("/actions/prefixes/{id}", post(prefixes::save))
        .route("/actions/prefixes/{id}/delete", post(prefixes::delete))
        .route("/actions/tunnels", post(tunnels::save))
        .route("/actions/tunnels/{id}", post(tunnels::save))
        .route("/actions/tunnels/{id}/delete", post(tunnels::delete))
        .route("/actions/containers", post(containers::save))
        .route("/actions/containers/{id}", post(containers::save))
        .route("/actions/containers/{id}/delete", post(containers::delete))
        .route("/actions/services", post(services::save))
        .route("/actions/services/{id}", post(services::save))
        .route("/actions/services/{id}/delete", post(services::delete))
}

/// Names and URLs of one kind of inventory object.
pub struct Kind {
    /// `host`: form ids are `host-new` and `host-edit-ID`.
    pub singular: &'static str,
    /// `hosts`: pages live under `/hosts`.
    pub plural: &'static str,
    /// Whether `/plural/ID` is a detail page (else saving returns to the list).
    pub has_detail: bool,
}

impl Kind {
    /// `Host`, for the notices.
    fn title(&self) -> String {
        let mut chars = self.singular.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(chars).collect()
        })
    }
}

/// Keeps a rejected form in the session and sends the browser back to it.
pub async fn flash_back(
    session: &Session,
    form: &str,
    back: &str,
    values: FormValues,
    errors: FieldErrors,
) -> Response {
    let flash = Flash {
        form: form.to_string(),
        values,
        errors,
    };
    if let Err(err) = session.insert(SESSION_KEY, flash).await {
        tracing::error!(error = %err, "could not keep the rejected form in the session");
    }
    Redirect::to(back).into_response()
}

/// Turns a store failure into a message for the field that caused it.
pub fn store_errors(err: StoreError) -> FieldErrors {
    StoreFailure::from_store(err, "saving").field_errors("it was deleted meanwhile")
}

/// Validates, stores (create when `id` is None, else update) and redirects.
pub async fn save<I>(
    session: &Session,
    pool: &sqlx::SqlitePool,
    kind: &Kind,
    id: Option<i64>,
    values: FormValues,
    validate: fn(&FormValues) -> Result<I, FieldErrors>,
    store: impl AsyncFnOnce(I) -> Result<i64, StoreError>,
) -> Response {
    let (form, back) = match id {
        Some(id) => (
            format!("{}-edit-{id}", kind.singular),
            format!("/{}/{id}/edit", kind.plural),
        ),
        None => (
            format!("{}-new", kind.singular),
            format!("/{}/new", kind.plural),
        ),
    };
    let kept = values.clone();
    // Warnings the object had before this save: only new ones bring the form back.
    let before = match id {
        Some(id) => plan_warnings::for_object(pool, kind.singular, id).await,
        None => FieldErrors::new(),
    };
    let result = match validate(&values) {
        Ok(input) => store(input).await.map_err(store_errors),
        Err(errors) => Err(errors),
    };
    match result {
        Ok(id) => {
            if let Some(warned) = plan_warnings::show(session, pool, kind, id, kept, before).await {
                return warned;
            }
            super::tell(session, format!("{} saved.", kind.title())).await;
            if kind.has_detail {
                Redirect::to(&format!("/{}/{id}", kind.plural)).into_response()
            } else {
                Redirect::to(&format!("/{}", kind.plural)).into_response()
            }
        }
        Err(errors) => flash_back(session, &form, &back, values, errors).await,
    }
}

/// Finishes a delete: back to the list, or to the object with a message if it failed.
pub async fn deleted(
    session: &Session,
    kind: &Kind,
    id: i64,
    result: Result<(), StoreError>,
) -> Response {
    match result {
        Ok(()) | Err(StoreError::NotFound) => {
            super::tell(session, format!("{} deleted.", kind.title())).await;
            Redirect::to(&format!("/{}", kind.plural)).into_response()
        }
        Err(err) => StoreFailure::from_store(err, &format!("delete {} {id}", kind.singular))
            .text("not found"),
    }
}

/// The save and delete handlers of one kind of object: they differ only in names,
/// input type and table module.
macro_rules! handlers {
    ($module:ident, $singular:literal, $input:ident, $has_detail:literal, $fields:ident) => {
        mod $module {
            use super::{Kind, deleted, save as save_form};
            use crate::web::api::inventory::$fields;
            use crate::web::form::StrictForm;
            use crate::web::state::AppState;
            use axum::extract::{Path, State};
            use axum::response::IntoResponse;
            use axum::response::Response;
            use model::inventory::$input;
            use store::$module as table;
            use tower_sessions::Session;

            const KIND: Kind = Kind {
                singular: $singular,
                plural: stringify!($module),
                has_detail: $has_detail,
            };

            pub async fn save(
                State(state): State<AppState>,
                session: Session,
                id: Option<Path<i64>>,
                form: StrictForm,
            ) -> Response {
                let fields: Vec<&str> = $fields.iter().map(|(name, _)| *name).collect();
                let values = match form.only(&fields) {
                    Ok(values) => values,
                    Err(refusal) => return refusal.into_response(),
                };
                let id = id.map(|Path(id)| id);
                let pool = state.pool.clone();
                save_form(
                    &session,
                    &pool,
                    &KIND,
                    id,
                    values,
                    $input::validate,
                    async move |input| match id {
                        Some(id) => table::update(&state.pool, id, &input).await.map(|()| id),
                        None => table::create(&state.pool, &input).await,
                    },
                )
                .await
            }

            pub async fn delete(
                State(state): State<AppState>,
                session: Session,
                Path(id): Path<i64>,
            ) -> Response {
                deleted(&session, &KIND, id, table::delete(&state.pool, id).await).await
            }
        }
    };
}

handlers!(hosts, "host", HostInput, true, HOST_FIELDS);
handlers!(prefixes, "prefix", PrefixInput, false, PREFIX_FIELDS);
handlers!(tunnels, "tunnel", TunnelInput, true, TUNNEL_FIELDS);
handlers!(
    containers,
    "container",
    ContainerInput,
    true,
    CONTAINER_FIELDS
);
handlers!(services, "service", ServiceInput, true, SERVICE_FIELDS);
