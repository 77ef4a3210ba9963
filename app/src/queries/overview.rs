//! What the overview page shows.

use crate::inventory::Change;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub hosts: i64,
    pub prefixes: i64,
    pub tunnels: i64,
    pub containers: i64,
    pub services: i64,
    /// Enabled checks whose newest IPv6 result failed.
    pub failing_v6: i64,
    pub recent: Vec<Change>,
}

#[server]
pub async fn load_overview() -> Result<Overview, ServerFnError> {
    use super::context::{pool, store_error};
    let pool = pool()?;
    let [hosts, prefixes, tunnels, containers, services] = crate::store::inventory_counts(&pool)
        .await
        .map_err(store_error)?;
    let failing_v6 = crate::store::results::failing_v6_count(&pool)
        .await
        .map_err(store_error)?;
    let recent = crate::store::changes::recent(&pool, 15)
        .await
        .map_err(store_error)?;
    Ok(Overview {
        hosts,
        prefixes,
        tunnels,
        containers,
        services,
        failing_v6,
        recent,
    })
}
