//! The import stage as the command line, the API and the Import page share it: read a file,
//! work out its plan against the stored inventory, and apply a plan in one transaction.

use model::import::file::InventoryFile;
use model::import::plan::{Action, Mode, Plan, plan};
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

/// Who applies an inventory file, which decides what it may do to alert channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applier {
    /// `v6watch apply`, run by whoever may open the database file: channels are created,
    /// changed and pruned as the file says, and `*_env` names are read from its own
    /// environment (the user's shell, the user's secrets).
    CommandLine,
    /// An API token: channels are the admin's (a channel makes the server post anywhere),
    /// so the file's must match what is stored; the server's environment is never read.
    Api,
}

/// Replaces the channels' `*_env` names by what they name, or refuses them.
fn read_env_secrets(desired: &mut InventoryFile, env: Applier) -> Result<(), ImportError> {
    for (index, c) in desired.channels.iter_mut().enumerate() {
        if !c.names_env() {
            continue;
        }
        let place = format!("channels[{index}] ({})", c.name);
        match env {
            Applier::CommandLine => c
                .read_env(|name| std::env::var(name).ok())
                .map_err(|m| ImportError::new(place, m))?,
            Applier::Api => {
                return Err(ImportError::new(
                    place,
                    "url_env, secret_env and password_env are read by v6watch apply on the \
                     command line only; over the API, send the secret itself",
                ));
            }
        }
    }
    Ok(())
}

/// The plan of making the database match an inventory file.
pub async fn plan_file(
    pool: &SqlitePool,
    file_name: &str,
    bytes: &[u8],
    prune: bool,
    applier: Applier,
) -> Result<Plan, ImportFailure> {
    let in_file = |e: ImportFailure| match e {
        ImportFailure::Input(e) => ImportFailure::Input(e.in_file(file_name)),
        other => other,
    };
    let mut desired = model::import::text::read(file_name, bytes)?;
    read_env_secrets(&mut desired, applier).map_err(|e| in_file(e.into()))?;
    store::import::drop_stored_secrets(pool, &mut desired).await?;
    let plan = plan_for(pool, &desired, Mode::Replace { prune })
        .await
        .map_err(in_file)?;
    if applier == Applier::Api
        && let Some(row) = plan
            .rows
            .iter()
            .find(|r| r.entity() == "channel" && r.action != Action::Unchanged)
    {
        return Err(in_file(
            ImportError::new(
                format!("channels ({})", row.key()),
                format!(
                    "would {} a channel: channels are changed on the Channels page or by \
                     v6watch apply on the command line, not with an API token (list them \
                     as an export does, or leave channels out and do not prune)",
                    row.action.code()
                ),
            )
            .into(),
        ));
    }
    Ok(plan)
}

/// Applies a plan in one transaction.
pub async fn apply(
    pool: &SqlitePool,
    plan: &Plan,
) -> Result<store::import::Applied, ImportFailure> {
    Ok(store::import::apply(pool, plan).await?)
}
