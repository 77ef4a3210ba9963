//! Incidents, maintenance windows and the unread count, as the alerts pages and the header
//! show them.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use store::rows::{CheckStanding, IncidentRow, InventoryNotice, MuteRow, SentRow};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertsPageData {
    /// Open first (newest first), then resolved.
    pub incidents: Vec<IncidentRow>,
    pub mutes: Vec<MuteRow>,
    /// What can be muted: (`host:3`, `Host nas`).
    pub subjects: Vec<(String, String)>,
    /// What live syncs told the channels (containers that appeared or moved), newest first.
    pub notices: Vec<InventoryNotice>,
    /// Checks whose newest IPv6 result failed, with why an incident is open or not.
    pub failing: Vec<CheckStanding>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentDetail {
    pub incident: IncidentRow,
    /// The incidents folded into this one.
    pub folded: Vec<IncidentRow>,
    pub sent: Vec<SentRow>,
}

#[cfg(feature = "ssr")]
async fn session_user() -> Result<Option<i64>, ServerFnError> {
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    Ok(session
        .get::<i64>(crate::SESSION_USER_ID)
        .await
        .ok()
        .flatten())
}

/// How many sync notices the alerts page lists.
#[cfg(feature = "ssr")]
const NOTICES_SHOWN: i64 = 20;

/// The alerts page; viewing it marks every incident so far as seen.
#[server]
pub async fn load_alerts() -> Result<AlertsPageData, ServerFnError> {
    use super::context::{pool, store_error};
    use store::incidents;
    let pool = pool()?;
    let now = chrono::Utc::now().timestamp_millis();
    let data = AlertsPageData {
        incidents: incidents::list(&pool, 200).await.map_err(store_error)?,
        mutes: incidents::active_mutes(&pool, now)
            .await
            .map_err(store_error)?,
        subjects: incidents::mutable_subjects(&pool)
            .await
            .map_err(store_error)?,
        notices: store::sync::notices(&pool, NOTICES_SHOWN)
            .await
            .map_err(store_error)?,
        failing: incidents::failing_checks(&pool, None, now)
            .await
            .map_err(store_error)?,
    };
    if let Some(user) = session_user().await? {
        incidents::mark_seen(&pool, user)
            .await
            .map_err(store_error)?;
    }
    Ok(data)
}

#[server]
pub async fn load_incident(id: i64) -> Result<IncidentDetail, ServerFnError> {
    use super::context::{pool, store_error};
    use store::incidents;
    let pool = pool()?;
    Ok(IncidentDetail {
        incident: incidents::get(&pool, id).await.map_err(store_error)?,
        folded: incidents::folded_into(&pool, id)
            .await
            .map_err(store_error)?,
        sent: incidents::sent(&pool, id).await.map_err(store_error)?,
    })
}

/// Incidents opened since the signed-in user last viewed /alerts.
#[server]
pub async fn unread_alerts() -> Result<i64, ServerFnError> {
    use super::context::{pool, store_error};
    let Some(user) = session_user().await? else {
        return Ok(0);
    };
    store::incidents::unread(&pool()?, user)
        .await
        .map_err(store_error)
}
