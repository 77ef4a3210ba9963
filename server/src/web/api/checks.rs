//! Checks with the newest result of each address family, and a check's results.

use super::reply::{error, ok, store_failed};
use crate::web::api::id::Id;
use crate::web::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::SqlitePool;
use store::rows::StoredResult;
use store::{self, StoreError, checks::Check};

/// Results per request by default, and at most.
const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;

/// A stored JSON column shown as JSON (null if it is not).
fn embedded(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

#[derive(Serialize)]
struct ResultJson {
    id: i64,
    check_id: i64,
    /// Unix ms.
    at: i64,
    family: model::Family,
    address: Option<String>,
    reason: String,
    ok: bool,
    latency_ms: Option<f64>,
    lateness_ms: Option<f64>,
    detail: Value,
}

impl From<StoredResult> for ResultJson {
    fn from(r: StoredResult) -> Self {
        ResultJson {
            detail: embedded(&r.detail),
            id: r.id,
            check_id: r.check_id,
            at: r.at,
            family: r.family,
            address: r.address,
            reason: r.reason,
            ok: r.ok,
            latency_ms: r.latency_ms,
            lateness_ms: r.lateness_ms,
        }
    }
}

async fn with_latest(pool: &SqlitePool, check: Check) -> Result<Value, StoreError> {
    let v6 = store::results::latest(pool, check.id, "v6").await?;
    let v4 = store::results::latest(pool, check.id, "v4").await?;
    Ok(json!({
        "id": check.id,
        "subject_kind": check.subject_kind,
        "subject_id": check.subject_id,
        "kind": check.kind,
        "spec": embedded(&check.spec),
        "interval_secs": check.interval_secs,
        "enabled": check.enabled,
        "latest": {
            "v6": v6.map(ResultJson::from),
            "v4": v4.map(ResultJson::from),
        },
    }))
}

pub async fn list(State(state): State<AppState>) -> Response {
    let read = async {
        let mut out = Vec::new();
        for check in store::checks::list(&state.pool).await? {
            out.push(with_latest(&state.pool, check).await?);
        }
        Ok::<_, StoreError>(out)
    };
    match read.await {
        Ok(checks) => ok(json!({ "checks": checks })),
        Err(err) => store_failed(err),
    }
}

pub async fn get(State(state): State<AppState>, Id(id): Id) -> Response {
    let read = async { with_latest(&state.pool, store::checks::get(&state.pool, id).await?).await };
    match read.await {
        Ok(check) => ok(check),
        Err(err) => store_failed(err),
    }
}

#[derive(Deserialize)]
pub struct ResultsQuery {
    /// Unix ms: only results at or after it.
    since: Option<i64>,
    limit: Option<i64>,
}

pub async fn results(
    State(state): State<AppState>,
    Id(id): Id,
    query: Result<Query<ResultsQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return error(
            StatusCode::BAD_REQUEST,
            "since (Unix milliseconds) and limit must be whole numbers",
        );
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("limit must be between 1 and {MAX_LIMIT}"),
        );
    }
    let read = async {
        store::checks::get(&state.pool, id).await?;
        store::results::since(&state.pool, id, query.since.unwrap_or(0), limit).await
    };
    match read.await {
        Ok(results) => ok(json!({
            "results": results.into_iter().map(ResultJson::from).collect::<Vec<_>>(),
        })),
        Err(err) => store_failed(err),
    }
}
