//! What the overview page shows.

use super::verdicts::{Readiness, ServiceBadge};
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
    /// HTTP(S) services with their verdict, broken first, then partial, ready, not judged.
    pub services_by_verdict: Vec<ServiceBadge>,
    pub readiness: Readiness,
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
    let mut services_by_verdict: Vec<ServiceBadge> = crate::store::verdicts::badges(&pool)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(ServiceBadge::from)
        // Only HTTP(S) services are judged; the others would only ever say "not judged".
        .filter(|b| b.kind == "http" || b.verdict.is_some())
        .collect();
    super::verdicts::worst_first(&mut services_by_verdict);
    let readiness = Readiness::of(&services_by_verdict);
    Ok(Overview {
        hosts,
        prefixes,
        tunnels,
        containers,
        services,
        failing_v6,
        recent,
        services_by_verdict,
        readiness,
    })
}
