//! Tunnels in the API with their health: `GET /api/v1/tunnels` and `GET /api/v1/tunnels/{id}`
//! answer each stored tunnel with `health` (`up`, `degraded`, `down`, `endpoint_down`,
//! `unknown`) and the `readings` it was judged from (`endpoint_answers`, `v6_answers`,
//! `v6_loss`, `path_mtu`, `pmtu_blackhole`), from the tunnel's own checks.

use super::id::Id;
use super::reply::{ok, store_failed};
use crate::web::state::AppState;
use axum::extract::State;
use axum::response::Response;
use model::inventory::Tunnel;
use model::inventory::tunnel_health::{TunnelHealth, TunnelState};
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn with_health(tunnel: Tunnel, states: &BTreeMap<i64, TunnelState>) -> Value {
    let state = states.get(&tunnel.id).copied();
    let mut value = serde_json::to_value(&tunnel).unwrap_or_else(|_| json!({}));
    if let Some(object) = value.as_object_mut() {
        let health = state.map_or(TunnelHealth::Unknown, |s| s.health);
        object.insert("health".into(), json!(health.as_str()));
        object.insert(
            "readings".into(),
            json!(state.map(|s| s.readings).unwrap_or_default()),
        );
    }
    value
}

pub async fn list(State(state): State<AppState>) -> Response {
    let tunnels = match store::tunnels::list(&state.pool).await {
        Ok(t) => t,
        Err(err) => return store_failed(err),
    };
    let states = match store::tunnel_health::states(&state.pool).await {
        Ok(s) => s,
        Err(err) => return store_failed(err),
    };
    let tunnels: Vec<Value> = tunnels
        .into_iter()
        .map(|t| with_health(t, &states))
        .collect();
    ok(json!({ "tunnels": tunnels }))
}

pub async fn get(State(state): State<AppState>, Id(id): Id) -> Response {
    let tunnel = match store::tunnels::get(&state.pool, id).await {
        Ok(t) => t,
        Err(err) => return store_failed(err),
    };
    match store::tunnel_health::states(&state.pool).await {
        Ok(states) => ok(with_health(tunnel, &states)),
        Err(err) => store_failed(err),
    }
}
