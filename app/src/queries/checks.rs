//! Checks and their results, as the host, service and overview pages show them.

use crate::pages::charts::History;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One stored result: one probe run, one address family.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StoredResult {
    pub id: i64,
    pub check_id: i64,
    /// Unix time in milliseconds.
    pub at: i64,
    /// `v6` or `v4`.
    pub family: String,
    pub address: Option<String>,
    /// The probe stage's reason code (`ok`, `timeout`, `no_aaaa`, ...).
    pub reason: String,
    pub ok: bool,
    pub latency_ms: Option<f64>,
    pub lateness_ms: Option<f64>,
    /// Every outcome of this family (addresses tried, reasons, details) as JSON.
    pub detail: String,
}

/// One outcome from a result's evidence, as much as the page shows of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub address: Option<String>,
    pub reason: String,
    pub latency_ms: Option<f64>,
    pub detail: String,
}

impl StoredResult {
    /// The outcomes kept in `detail`; an unreadable value gives none.
    pub fn evidence(&self) -> Vec<Evidence> {
        let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(&self.detail) else {
            return Vec::new();
        };
        values
            .iter()
            .map(|v| Evidence {
                address: v["address"].as_str().map(str::to_string),
                reason: v["reason"].as_str().unwrap_or_default().to_string(),
                latency_ms: v["latency_ms"].as_f64(),
                detail: v["detail"].as_str().unwrap_or_default().to_string(),
            })
            .collect()
    }
}

/// One check with its newest results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckPanel {
    pub id: i64,
    pub kind: String,
    /// What is probed, readable: an address, a URL, `host port N`.
    pub target: String,
    pub interval_secs: i64,
    pub enabled: bool,
    pub latest_v6: Option<StoredResult>,
    pub latest_v4: Option<StoredResult>,
    /// Latency, loss and uptime over the page's range.
    pub history: History,
    /// Alert thresholds: failed runs in a row before an incident, passes before it resolves.
    pub fail_after: i64,
    pub recover_after: i64,
}

/// Alert thresholds of a check without its own (the alert stage's defaults).
pub const DEFAULT_FAIL_AFTER: i64 = 2;
pub const DEFAULT_RECOVER_AFTER: i64 = 2;

#[cfg(feature = "ssr")]
fn target_of(spec: &str) -> String {
    use crate::store::checks::SpecJson;
    match serde_json::from_str::<SpecJson>(spec) {
        Ok(SpecJson::Icmp { address }) => address.to_string(),
        Ok(SpecJson::Dns { name }) => name,
        Ok(SpecJson::Tcp { host, port }) => format!("{host} port {port}"),
        Ok(SpecJson::Http { url, .. }) => url,
        Err(_) => spec.to_string(),
    }
}

/// The checks of a host, container or service (`subject`), each with its newest results and
/// its history over `range` (`1h`, `24h`, `7d`, `30d`; anything else is 24 hours).
#[server]
pub async fn load_checks(
    subject: String,
    id: i64,
    range: String,
) -> Result<Vec<CheckPanel>, ServerFnError> {
    use super::context::{pool, store_error};
    use crate::pages::charts::Range;
    use crate::store::{checks, results};
    let pool = pool()?;
    let range = Range::parse(Some(&range));
    let now = chrono::Utc::now().timestamp_millis();
    let subject = match subject.as_str() {
        "host" | "container" | "service" => subject,
        _ => return Err(ServerFnError::new("not found")),
    };
    let mut panels = Vec::new();
    for check in checks::of_subject(&pool, &subject, id)
        .await
        .map_err(store_error)?
    {
        let history = super::history::read_history(&pool, check.id, range, now)
            .await
            .map_err(store_error)?;
        let latest_v6 = results::latest(&pool, check.id, "v6")
            .await
            .map_err(store_error)?;
        let latest_v4 = results::latest(&pool, check.id, "v4")
            .await
            .map_err(store_error)?;
        let (fail_after, recover_after) = crate::store::incidents::thresholds(&pool, check.id)
            .await
            .map_err(store_error)?
            .unwrap_or((DEFAULT_FAIL_AFTER, DEFAULT_RECOVER_AFTER));
        panels.push(CheckPanel {
            id: check.id,
            kind: check.kind,
            target: target_of(&check.spec),
            interval_secs: check.interval_secs,
            enabled: check.enabled,
            latest_v6,
            latest_v4,
            history,
            fail_after,
            recover_after,
        });
    }
    Ok(panels)
}
