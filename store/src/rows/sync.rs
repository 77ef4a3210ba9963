//! A live sync's last round as the Import page shows it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct SyncRun {
    /// `docker` or `lxd`.
    pub runtime: String,
    pub socket: String,
    /// The inventory host the containers run on.
    pub host: String,
    /// Unix ms.
    pub at: i64,
    pub ok: bool,
    /// What the round did (`2 created, 1 updated`, `no change`) or why it failed.
    pub message: String,
}

/// A message a sync round sent (a container appeared or gained an address), for the
/// Alerts page: it is no incident (nothing failed) but the user hears of it there too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct InventoryNotice {
    /// Unix ms.
    pub at: i64,
    pub title: String,
    /// Its lines, one change each.
    pub body: String,
    /// The host's page.
    pub path: String,
}
