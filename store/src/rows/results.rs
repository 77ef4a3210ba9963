//! Check results as the store reads them: one run of one family, its evidence, and the
//! runs and hourly rollups the charts are cut from.

use model::Family;
use serde::{Deserialize, Serialize};

/// One stored result: one probe run, one address family.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct StoredResult {
    pub id: i64,
    pub check_id: i64,
    /// Unix time in milliseconds.
    pub at: i64,
    pub family: Family,
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

/// One run of one family, as `results` holds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Unix time in milliseconds.
    pub at: i64,
    pub family: Family,
    pub ok: bool,
    pub latency_ms: Option<f64>,
}

/// One hour of one family, as `result_rollups` holds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HourRollup {
    /// Unix time in milliseconds the hour starts.
    pub hour_ms: i64,
    pub family: Family,
    pub count: i64,
    pub ok_count: i64,
    pub min_ms: Option<f64>,
    pub avg_ms: Option<f64>,
    pub max_ms: Option<f64>,
}
