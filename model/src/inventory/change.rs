//! An entry of the change log ("recent changes" on the overview).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct InventoryChange {
    pub at: String,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub summary: String,
    /// Who made it: empty for an edit or an import, `sync docker` or `sync lxd` for a live
    /// sync round.
    #[serde(default)]
    pub source: String,
}

impl InventoryChange {
    /// Where the changed object lives, unless it was deleted.
    pub fn link(&self) -> Option<String> {
        let plural = if self.entity == "prefix" {
            "prefixes".to_string()
        } else {
            format!("{}s", self.entity)
        };
        (self.action != "deleted").then(|| format!("/{plural}/{}", self.entity_id))
    }
}
