//! `GET /api/v1/plan/findings`: the address-plan findings (pure rules now, DNS rules from
//! the last scan), each with its key, code, severity, objects, explanation and action.

use super::reply::{ok, store_failed};
use crate::web::state::AppState;
use axum::extract::State;
use axum::response::Response;
use model::plan_rules::Finding;
use serde::Serialize;

#[derive(Serialize)]
struct Shown {
    key: String,
    #[serde(flatten)]
    finding: Finding,
}

pub async fn findings(State(state): State<AppState>) -> Response {
    match store::plan_findings::current(&state.pool).await {
        Ok(findings) => {
            let shown: Vec<Shown> = findings
                .into_iter()
                .map(|finding| Shown {
                    key: finding.key(),
                    finding,
                })
                .collect();
            ok(serde_json::json!({ "findings": shown }))
        }
        Err(err) => store_failed(err),
    }
}
