//! `GET /metrics`: the checks, verdicts and scheduler in the OpenMetrics text format, for
//! Prometheus. A scraper authenticates with `Authorization: Bearer <--metrics-token>`; a
//! signed-in browser may look too.

pub mod encode;

use crate::web::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use encode::Snapshot;
use subtle::ConstantTimeEq;

pub const PATH: &str = "/metrics";
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Whether the request carries the configured metrics token.
pub fn bearer_matches(headers: &HeaderMap, token: Option<&str>) -> bool {
    let (Some(token), Some(given)) = (token, headers.get(header::AUTHORIZATION)) else {
        return false;
    };
    let Some(given) = given.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")) else {
        return false;
    };
    bool::from(given.trim().as_bytes().ct_eq(token.as_bytes()))
}

/// The answer to an unauthenticated scrape.
pub fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "Sign in, or send Authorization: Bearer with the --metrics-token value.",
    )
        .into_response()
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    match snapshot(&state).await {
        Ok(snapshot) => match encode::render(&snapshot) {
            Ok(body) => (
                [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
                body,
            )
                .into_response(),
            Err(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not encode the metrics",
            )
                .into_response(),
        },
        Err(err) => {
            tracing::error!(error = %err, "cannot read the metrics");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The database is not available.",
            )
                .into_response()
        }
    }
}

async fn snapshot(state: &AppState) -> anyhow::Result<Snapshot> {
    use store;
    let (probe_runs, lateness) = match state.lateness.lock() {
        Ok(l) => (
            l.count(),
            [0.5, 0.9, 0.99]
                .into_iter()
                .map(|q| (q, l.quantile(q)))
                .collect(),
        ),
        Err(_) => (0, Vec::new()),
    };
    Ok(Snapshot {
        checks: store::metrics::check_samples(&state.pool).await?,
        verdicts: store::metrics::verdict_samples(&state.pool).await?,
        inventory: store::inventory_counts(&state.pool).await?,
        probe_runs,
        lateness,
        plan_findings: plan_counts(store::plan_findings::current(&state.pool).await?),
        exposure: exposure_counts(&state.pool).await?,
        tunnels: tunnel_states(&state.pool).await?,
    })
}

/// Every tunnel's name with its health.
async fn tunnel_states(
    pool: &sqlx::SqlitePool,
) -> anyhow::Result<Vec<(String, model::inventory::tunnel_health::TunnelState)>> {
    let states = store::tunnel_health::states(pool).await?;
    Ok(store::tunnels::list(pool)
        .await?
        .into_iter()
        .filter_map(|t| states.get(&t.id).map(|s| (t.name, *s)))
        .collect())
}

/// Ports open over IPv6 only, per opted-in host and container.
async fn exposure_counts(pool: &sqlx::SqlitePool) -> anyhow::Result<Vec<(String, String, usize)>> {
    let mut out = Vec::new();
    for s in store::exposure::subjects(pool).await? {
        let kind = match s.subject_kind.as_str() {
            "container" => model::SubjectKind::Container,
            _ => model::SubjectKind::Host,
        };
        let ports = store::exposure::diff(pool, kind, s.subject_id).await?;
        out.push((s.subject_kind, s.name, ports.len()));
    }
    Ok(out)
}

/// Findings counted by code, in code order.
fn plan_counts(findings: Vec<model::plan_rules::Finding>) -> Vec<(String, usize)> {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for f in findings {
        *counts.entry(f.code).or_default() += 1;
    }
    counts.into_iter().collect()
}
