//! A service's IPv6-only verdict (the `ServiceVerdict` shape of `verdict/README.md`) and its
//! verdict events, newest first.

use super::reply::{error, ok, store_failed};
use crate::web::api::id::Id;
use crate::web::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use store;

const MAX_EVENTS: i64 = 500;

pub async fn latest(State(state): State<AppState>, Id(id): Id) -> Response {
    let read = async {
        store::services::get(&state.pool, id).await?;
        store::verdicts::latest(&state.pool, id).await
    };
    match read.await {
        Ok(Some(v)) => ok(json!({ "service_id": v.service_id, "at": v.at, "verdict": v.report })),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "this service has not been judged yet",
        ),
        Err(err) => store_failed(err),
    }
}

#[derive(Deserialize)]
pub struct EventsQuery {
    limit: Option<i64>,
}

pub async fn events(
    State(state): State<AppState>,
    Id(id): Id,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Response {
    let limit = match query {
        Ok(Query(q)) => q.limit.unwrap_or(50),
        Err(_) => 0,
    };
    if !(1..=MAX_EVENTS).contains(&limit) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("limit must be a whole number between 1 and {MAX_EVENTS}"),
        );
    }
    let read = async {
        store::services::get(&state.pool, id).await?;
        store::verdicts::history(&state.pool, id, limit).await
    };
    match read.await {
        Ok(events) => ok(json!({
            "events": events.into_iter().map(|e| json!({
                "id": e.id,
                "at": e.at,
                "verdict_before": e.verdict_before,
                "verdict_after": e.verdict_after,
                "changes": e.changes,
                "report_before": e.report_before,
                "report_after": e.report_after,
            })).collect::<Vec<_>>(),
        })),
        Err(err) => store_failed(err),
    }
}
