//! The import stage as the command line, the API and the Import page share it: read a file,
//! work out its plan against the stored inventory, and apply a plan in one transaction.

use model::import::file::InventoryFile;
use model::import::plan::{Mode, Plan, plan};
use model::import::{ImportError, ImportKind, ImportOptions};
use sqlx::SqlitePool;
use store::StoreError;

/// Why a plan could not be made or applied.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The input is at fault: the message names the file and the place in it.
    #[error("{0}")]
    Input(#[from] ImportError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl ImportFailure {
    /// A refusal the user can fix (bad input, a record that conflicts), not a broken database.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Self::Input(_) | Self::Store(StoreError::Conflict { .. })
        )
    }
}

async fn plan_for(
    pool: &SqlitePool,
    desired: &InventoryFile,
    mode: Mode,
) -> Result<Plan, ImportFailure> {
    let current = store::import::snapshot(pool).await?;
    Ok(plan(&current, desired, mode)?)
}

/// The plan of importing an LXD/Incus, Docker or zone file (merged, nothing deleted).
pub async fn plan_import(
    pool: &SqlitePool,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Plan, ImportFailure> {
    let desired = model::import::parse(kind, file_name, bytes, options)?;
    plan_merge(pool, &desired).await
}

/// The plan of merging records read elsewhere (a live sync) into the stored inventory.
pub async fn plan_merge(pool: &SqlitePool, desired: &InventoryFile) -> Result<Plan, ImportFailure> {
    plan_for(pool, desired, Mode::Merge).await
}

/// The plan of making the database match an inventory file.
pub async fn plan_file(
    pool: &SqlitePool,
    file_name: &str,
    bytes: &[u8],
    prune: bool,
) -> Result<Plan, ImportFailure> {
    let desired = model::import::text::read(file_name, bytes)?;
    plan_for(pool, &desired, Mode::Replace { prune })
        .await
        .map_err(|e| match e {
            ImportFailure::Input(e) => ImportFailure::Input(e.in_file(file_name)),
            other => other,
        })
}

/// Applies a plan in one transaction.
pub async fn apply(
    pool: &SqlitePool,
    plan: &Plan,
) -> Result<store::import::Applied, ImportFailure> {
    Ok(store::import::apply(pool, plan).await?)
}
