//! Incidents, open ones first, as the alerts page lists them; `?state=open` or `resolved`
//! narrows the list.

use super::reply::{error, ok, store_failed};
use crate::web::api::id::Id;
use crate::web::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use store::incidents;
use store::rows::IncidentRow;

const MAX_INCIDENTS: i64 = 1000;

fn incident(row: IncidentRow) -> Value {
    let evidence = row.evidence_lines();
    json!({
        "id": row.id,
        "rule": row.rule,
        "severity": row.severity,
        "state": if row.resolved_at.is_some() { "resolved" } else { "open" },
        "subject": { "kind": row.subject_kind, "id": row.subject_id, "name": row.subject_name },
        "check_id": row.check_id,
        "opened_at": row.opened_at,
        "resolved_at": row.resolved_at,
        "title": row.title,
        "before": row.before,
        "after": row.after,
        "evidence": evidence,
        "folded_into": row.folded_into,
        "muted": row.muted,
        "acknowledged_at": row.acknowledged_at,
        "acknowledged_by": row.acknowledged_by,
    })
}

#[derive(Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    limit: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return error(StatusCode::BAD_REQUEST, "limit must be a whole number");
    };
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_INCIDENTS).contains(&limit) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("limit must be between 1 and {MAX_INCIDENTS}"),
        );
    }
    let wanted = query.state.unwrap_or_default();
    let keep: fn(&IncidentRow) -> bool = match wanted.as_str() {
        "" | "all" => |_| true,
        "open" => |r| r.resolved_at.is_none(),
        "resolved" => |r| r.resolved_at.is_some(),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "state must be open, resolved or all",
            );
        }
    };
    match incidents::list(&state.pool, MAX_INCIDENTS).await {
        Ok(rows) => ok(json!({
            "incidents": rows.into_iter().filter(keep).take(limit as usize).map(incident).collect::<Vec<_>>(),
        })),
        Err(err) => store_failed(err),
    }
}

pub async fn get(State(state): State<AppState>, Id(id): Id) -> Response {
    match incidents::get(&state.pool, id).await {
        Ok(row) => ok(incident(row)),
        Err(err) => store_failed(err),
    }
}
