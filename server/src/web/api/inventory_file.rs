//! The inventory as a file over the API: `GET /api/v1/export` (read scope) writes it, as
//! JSON or, with `?format=yaml`, YAML; `POST /api/v1/apply` (write scope) makes the
//! database match the file in the body (JSON or YAML, at most 4 MiB), answering with the
//! plan. `?dry_run=1` only plans; `?prune=1` also deletes what the file does not list.

use super::reply::{error, ok};
use crate::imports::{self, ImportFailure};
use crate::web::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use model::import::MAX_IMPORT_BYTES;
use model::import::plan::Plan;
use model::import::text::{FileFormat, write};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/export", get(export)).route(
        "/api/v1/apply",
        post(apply).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
    )
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

pub async fn export(State(state): State<AppState>, Query(q): Query<ExportQuery>) -> Response {
    let format = match FileFormat::parse(q.format.as_deref().unwrap_or("json")) {
        Ok(format) => format,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    match store::import::snapshot(&state.pool).await {
        Ok(file) => {
            let content_type = match format {
                FileFormat::Json => "application/json",
                FileFormat::Yaml => "application/yaml",
            };
            ([(header::CONTENT_TYPE, content_type)], write(&file, format)).into_response()
        }
        Err(err) => super::reply::store_failed(err),
    }
}

/// The plan as JSON: a row per record with what happens to it and the fields it changes.
pub fn plan_json(plan: &Plan) -> Value {
    let rows: Vec<Value> = plan
        .rows
        .iter()
        .map(|r| {
            json!({
                "action": r.action.code(),
                "entity": r.entity(),
                "key": r.key(),
                "matched_by": r.matched_by,
                "changes": r.changes(),
            })
        })
        .collect();
    json!({
        "rows": rows,
        "create": plan.count(model::import::plan::Action::Create),
        "update": plan.count(model::import::plan::Action::Update),
        "delete": plan.count(model::import::plan::Action::Delete),
        "unchanged": plan.count(model::import::plan::Action::Unchanged),
    })
}

#[derive(Deserialize)]
pub struct ApplyQuery {
    dry_run: Option<String>,
    prune: Option<String>,
}

fn flag(value: &Option<String>) -> bool {
    matches!(value.as_deref(), Some("1" | "true" | "yes" | ""))
}

fn refused(err: ImportFailure) -> Response {
    match err {
        ImportFailure::Store(store) if !matches!(store, store::StoreError::Conflict { .. }) => {
            super::reply::store_failed(store)
        }
        other => error(StatusCode::UNPROCESSABLE_ENTITY, other.to_string()),
    }
}

pub async fn apply(
    State(state): State<AppState>,
    Query(q): Query<ApplyQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the file is larger than 4 MiB ({MAX_IMPORT_BYTES} bytes)"),
            );
        }
        Err(rejection) => return error(rejection.status(), "could not read the body"),
    };
    let plan = match imports::plan_file(
        &state.pool,
        "body",
        &body,
        flag(&q.prune),
        imports::Applier::Api,
    )
    .await
    {
        Ok(plan) => plan,
        Err(err) => return refused(err),
    };
    let dry_run = flag(&q.dry_run);
    if !dry_run && let Err(err) = imports::apply(&state.pool, &plan).await {
        return refused(err);
    }
    let mut answer = plan_json(&plan);
    answer["applied"] = json!(!dry_run);
    ok(answer)
}
