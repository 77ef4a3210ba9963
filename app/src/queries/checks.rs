//! Checks and their results, as the host, service and overview pages show them.

use crate::history::History;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use store::rows::{Evidence, StoredResult};

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
    /// The self-test failed: a failed IPv6 result may be this machine's, not the target's.
    pub monitor_suspect: bool,
    /// Its newest IPv6 result failed: where it stands with the alerts.
    pub standing: Option<store::rows::CheckStanding>,
}

/// Alert thresholds of a check without its own (the alert stage's defaults).
pub const DEFAULT_FAIL_AFTER: i64 = 2;
pub const DEFAULT_RECOVER_AFTER: i64 = 2;

/// The checks of a host, container or service (`subject`), each with its newest results and
/// its history over `range` (`1h`, `24h`, `7d`, `30d`; anything else is 24 hours).
#[server]
pub async fn load_checks(
    subject: String,
    id: i64,
    range: String,
) -> Result<Vec<CheckPanel>, ServerFnError> {
    use super::context::{pool, store_error};
    use crate::history::Range;
    use store::{checks, results};
    let pool = pool()?;
    let range = Range::parse(Some(&range));
    let now = chrono::Utc::now().timestamp_millis();
    let subject = match subject.as_str() {
        "host" | "container" | "service" => subject,
        _ => return Err(ServerFnError::new("not found")),
    };
    let mut standings = store::incidents::failing_checks(&pool, Some((&subject, id)), now)
        .await
        .map_err(store_error)?;
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
        let (fail_after, recover_after) = store::incidents::thresholds(&pool, check.id)
            .await
            .map_err(store_error)?
            .unwrap_or((DEFAULT_FAIL_AFTER, DEFAULT_RECOVER_AFTER));
        panels.push(CheckPanel {
            id: check.id,
            kind: check.kind,
            target: store::checks::target_text(&check.spec),
            interval_secs: check.interval_secs,
            enabled: check.enabled,
            latest_v6,
            latest_v4,
            history,
            fail_after,
            recover_after,
            monitor_suspect: super::status::monitor_suspect(),
            standing: standings
                .iter()
                .position(|s| s.check_id == check.id)
                .map(|at| standings.swap_remove(at)),
        });
    }
    Ok(panels)
}

/// Whether the inventory calls for checks on a subject that has none yet (the scheduler
/// derives them within seconds of a save).
#[server]
pub async fn checks_expected(subject: String, id: i64) -> Result<bool, ServerFnError> {
    use super::context::{pool, store_error};
    let pool = pool()?;
    let wanted = store::checks::wanted_for(&pool, &subject, id)
        .await
        .map_err(store_error)?;
    Ok(wanted > 0)
}
