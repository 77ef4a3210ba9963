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
