//! Inventory resources: list, get, create (POST), replace (PUT) and delete (DELETE) hosts,
//! prefixes, tunnels, containers and services. A body becomes the form's fields
//! ([`super::body`]), then the form's own `*Input::validate` and store functions run, so the
//! rules, field names and messages are the forms'. Nothing is stored unless all of it is valid.

use super::body::{Shape, form_values};
use super::reply::{Refusal, error, ok, store_failed};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::domain::FieldErrors;
use model::domain::FormValues;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::SqlitePool;
use store::{self, StoreError};

use crate::web::state::AppState;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/hosts", get(hosts::list).post(hosts::create))
        .route(
            "/api/v1/hosts/{id}",
            get(hosts::get).put(hosts::replace).delete(hosts::delete),
        )
        .route(
            "/api/v1/prefixes",
            get(prefixes::list).post(prefixes::create),
        )
        .route(
            "/api/v1/prefixes/{id}",
            get(prefixes::get)
                .put(prefixes::replace)
                .delete(prefixes::delete),
        )
        // Tunnels are read with their health (the tunnel_health module).
        .route(
            "/api/v1/tunnels",
            get(super::tunnel_health::list).post(tunnels::create),
        )
        .route(
            "/api/v1/tunnels/{id}",
            get(super::tunnel_health::get)
                .put(tunnels::replace)
                .delete(tunnels::delete),
        )
        .route(
            "/api/v1/containers",
            get(containers::list).post(containers::create),
        )
        .route(
            "/api/v1/containers/{id}",
            get(containers::get)
                .put(containers::replace)
                .delete(containers::delete),
        )
        .route(
            "/api/v1/services",
            get(services::list).post(services::create),
        )
        .route(
            "/api/v1/services/{id}",
            get(services::get)
                .put(services::replace)
                .delete(services::delete),
        )
}

pub(crate) const HOST_FIELDS: &[(&str, Shape)] = &[
    ("name", Shape::Text),
    ("dns_name", Shape::Text),
    ("addresses", Shape::Lines),
    ("notes", Shape::Text),
    ("tags", Shape::Tags),
];
pub(crate) const PREFIX_FIELDS: &[(&str, Shape)] =
    &[("cidr", Shape::Text), ("purpose", Shape::Text)];
pub(crate) const TUNNEL_FIELDS: &[(&str, Shape)] = &[
    ("name", Shape::Text),
    ("kind", Shape::Text),
    ("broker", Shape::Text),
    ("local_endpoint", Shape::Text),
    ("remote_endpoint", Shape::Text),
    ("local_v6", Shape::Text),
    ("remote_v6", Shape::Text),
    ("mtu", Shape::Text),
    ("routed_prefixes", Shape::Lines),
    ("host_id", Shape::Text),
];
pub(crate) const CONTAINER_FIELDS: &[(&str, Shape)] = &[
    ("name", Shape::Text),
    ("runtime", Shape::Text),
    ("host_id", Shape::Text),
    ("network_mode", Shape::Text),
    ("published_ports", Shape::Lines),
    ("addresses", Shape::Lines),
    ("notes", Shape::Text),
];
pub(crate) const SERVICE_FIELDS: &[(&str, Shape)] = &[
    ("name", Shape::Text),
    ("kind", Shape::Text),
    ("target", Shape::Text),
    ("port", Shape::Text),
    ("expected_status", Shape::Text),
    ("dependencies", Shape::Lines),
    ("owner", Shape::Text),
];

/// Validates a body as the form would, then stores it; the stored record comes back.
async fn write<I, R: Serialize>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    fields: &[(&str, Shape)],
    validate: fn(&FormValues) -> Result<I, FieldErrors>,
    store: impl AsyncFnOnce(I) -> Result<i64, StoreError>,
    read: impl AsyncFnOnce(i64) -> Result<R, StoreError>,
) -> Result<(i64, R), Refusal> {
    let values = form_values(headers, body, fields)?;
    let input = validate(&values).map_err(Refusal::Invalid)?;
    let id = store(input).await.map_err(Refusal::Store)?;
    let record = read(id).await.map_err(Refusal::Store)?;
    Ok((id, record))
}

fn created<R: Serialize>(plural: &str, id: i64, record: R) -> Response {
    let location = format!("/api/v1/{plural}/{id}");
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(record),
    )
        .into_response()
}

/// What deleting a host also deletes or detaches: what its confirmation page lists.
async fn host_consequences(pool: &SqlitePool, id: i64) -> Result<Value, StoreError> {
    let d = store::hosts::dependents(pool, id).await?;
    Ok(json!({
        "deleted_containers": d.containers,
        "deleted_services": d.services,
        "detached_tunnels": d.tunnels,
    }))
}

async fn container_consequences(pool: &SqlitePool, id: i64) -> Result<Value, StoreError> {
    Ok(json!({ "deleted_services": store::containers::dependents(pool, id).await? }))
}

async fn no_consequences(_: &SqlitePool, _: i64) -> Result<Value, StoreError> {
    Ok(json!({}))
}

/// Deletes after reading what goes with it; answers with both.
async fn delete_with(
    pool: &SqlitePool,
    singular: &str,
    id: i64,
    consequences: impl AsyncFnOnce(&SqlitePool, i64) -> Result<Value, StoreError>,
    delete: impl AsyncFnOnce(&SqlitePool, i64) -> Result<(), StoreError>,
) -> Response {
    let also = match consequences(pool, id).await {
        Ok(also) => also,
        Err(err) => return store_failed(err),
    };
    match delete(pool, id).await {
        Ok(()) => ok(json!({ "deleted": { "kind": singular, "id": id }, "also": also })),
        Err(StoreError::NotFound) => error(StatusCode::NOT_FOUND, "not found"),
        Err(err) => store_failed(err),
    }
}

/// The handlers of one kind: they differ only in names, fields, input type and table.
macro_rules! resource {
    ($module:ident, $singular:literal, $input:ident, $fields:ident, $consequences:ident) => {
        pub mod $module {
            use super::*;
            use model::inventory::$input;
            use store::$module as table;
            use crate::web::api::id::Id;
            use axum::extract::State;

            pub async fn list(State(state): State<AppState>) -> Response {
                match table::list(&state.pool).await {
                    Ok(items) => ok(json!({ stringify!($module): items })),
                    Err(err) => store_failed(err),
                }
            }

            pub async fn get(State(state): State<AppState>, Id(id): Id) -> Response {
                match table::get(&state.pool, id).await {
                    Ok(item) => ok(item),
                    Err(err) => store_failed(err),
                }
            }

            pub async fn create(
                State(state): State<AppState>,
                headers: HeaderMap,
                body: Result<Bytes, BytesRejection>,
            ) -> Response {
                let pool = &state.pool;
                let written = write(
                    &headers,
                    body,
                    $fields,
                    $input::validate,
                    async |input| table::create(pool, &input).await,
                    async |id| table::get(pool, id).await,
                )
                .await;
                match written {
                    Ok((id, record)) => created(stringify!($module), id, record),
                    Err(refusal) => refusal.into_response(),
                }
            }

            pub async fn replace(
                State(state): State<AppState>,
                Id(id): Id,
                headers: HeaderMap,
                body: Result<Bytes, BytesRejection>,
            ) -> Response {
                let pool = &state.pool;
                if let Err(err) = table::get(pool, id).await {
                    return store_failed(err);
                }
                let written = write(
                    &headers,
                    body,
                    $fields,
                    $input::validate,
                    async |input| table::update(pool, id, &input).await.map(|()| id),
                    async |id| table::get(pool, id).await,
                )
                .await;
                match written {
                    Ok((_, record)) => ok(record),
                    Err(refusal) => refusal.into_response(),
                }
            }

            pub async fn delete(State(state): State<AppState>, Id(id): Id) -> Response {
                delete_with(&state.pool, $singular, id, $consequences, table::delete).await
            }
        }
    };
}

resource!(hosts, "host", HostInput, HOST_FIELDS, host_consequences);
resource!(
    prefixes,
    "prefix",
    PrefixInput,
    PREFIX_FIELDS,
    no_consequences
);
resource!(
    tunnels,
    "tunnel",
    TunnelInput,
    TUNNEL_FIELDS,
    no_consequences
);
resource!(
    containers,
    "container",
    ContainerInput,
    CONTAINER_FIELDS,
    container_consequences
);
resource!(
    services,
    "service",
    ServiceInput,
    SERVICE_FIELDS,
    no_consequences
);
