//! The API tokens that still work, as the store reads them (never the secret: only its hash is stored).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// `read` or `write`.
    pub scope: String,
    /// Unix ms.
    pub created_at: i64,
    pub created_by: String,
    pub last_used_at: Option<i64>,
}
