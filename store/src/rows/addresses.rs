//! An inventory address with its owner, as the address plan places it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct PlacedAddress {
    pub address: String,
    pub owner: String,
    pub owner_link: String,
}
