//! The rows the store reads, as plain serializable types: the pages and the browser use
//! them as they are, so this half of the crate builds without SQL (and for wasm).

mod addresses;
mod api_tokens;
mod checks;
mod incidents;
mod results;
mod sync;

pub use addresses::PlacedAddress;
pub use api_tokens::ApiToken;
pub use checks::CheckState;
pub use incidents::{CheckStanding, IncidentRow, MuteRow, SentRow};
pub use results::{Evidence, HourRollup, Sample, StoredResult};
pub use sync::{InventoryNotice, SyncRun};
