//! `GET /api/v1/exposure`: every host and container opted in to the exposure scan, its last
//! scan, and the ports that answer over IPv6 but not over IPv4 (times in Unix seconds).

use super::reply::{ok, store_failed};
use crate::web::state::AppState;
use axum::extract::State;
use axum::response::Response;
use model::SubjectKind;
use serde_json::json;

pub async fn list(State(state): State<AppState>) -> Response {
    let subjects = match store::exposure::subjects(&state.pool).await {
        Ok(subjects) => subjects,
        Err(err) => return store_failed(err),
    };
    let mut shown = Vec::with_capacity(subjects.len());
    for s in subjects {
        let kind = match s.subject_kind.as_str() {
            "container" => SubjectKind::Container,
            _ => SubjectKind::Host,
        };
        let ports = match store::exposure::diff(&state.pool, kind, s.subject_id).await {
            Ok(ports) => ports,
            Err(err) => return store_failed(err),
        };
        shown.push(json!({
            "subject_kind": s.subject_kind,
            "subject_id": s.subject_id,
            "name": s.name,
            "opted_in_at": s.opted_in_at,
            "last_scan_at": s.last_scan_at,
            "last_complete": s.last_complete,
            "last_error": (!s.last_error.is_empty()).then_some(s.last_error),
            "ports": ports.iter().map(|p| json!({
                "port": p.port,
                "first_seen": p.first_seen,
                "last_seen": p.last_seen,
            })).collect::<Vec<_>>(),
        }));
    }
    ok(json!({ "subjects": shown }))
}
