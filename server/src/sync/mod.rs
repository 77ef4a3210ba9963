//! Live sync, opt-in: the containers a Docker Engine or an LXD/Incus daemon runs, read over
//! its Unix socket, become the same [`InventoryFile`] an import of `docker inspect` or
//! `lxc list --format json` makes, through the same parsers. Each round plans (merged,
//! nothing deleted) against the stored inventory and, when that changes something, applies
//! it in one transaction: the changes are logged as `sync docker` / `sync lxd`, and
//! containers that appeared or gained an address are told to the alert channels in one
//! message per round. Nothing else is written: a failed read changes nothing.

pub mod docker;
pub mod lxd;
pub mod notice;
pub mod worker;

use crate::imports::{self, ImportFailure};
use model::import::file::InventoryFile;
use model::import::plan::Plan;
use model::import::{ImportKind, ImportOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one read of a runtime's API may take, connection included.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Runtime {
    /// The Docker Engine API (`/var/run/docker.sock`).
    Docker,
    /// The LXD or Incus REST API (`/var/lib/incus/unix.socket`,
    /// `/var/snap/lxd/common/lxd/unix.socket`).
    Lxd,
}

impl Runtime {
    pub fn code(self) -> &'static str {
        match self {
            Runtime::Docker => "docker",
            Runtime::Lxd => "lxd",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Runtime::Docker => "Docker",
            Runtime::Lxd => "LXD/Incus",
        }
    }

    /// What the changes a round records are marked with.
    pub fn source(self) -> String {
        format!("sync {}", self.code())
    }
}

/// One runtime to sync: its API socket and the inventory host its containers run on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub runtime: Runtime,
    pub socket: PathBuf,
    pub host: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The socket could not be read, or did not answer like the runtime's API.
    #[error("{label} socket {socket}: {message}")]
    Runtime {
        label: &'static str,
        socket: String,
        message: String,
    },
    /// What it answered could not be planned or applied.
    #[error(transparent)]
    Import(#[from] ImportFailure),
}

impl SyncError {
    pub fn runtime(runtime: Runtime, socket: &Path, message: impl Into<String>) -> Self {
        SyncError::Runtime {
            label: runtime.label(),
            socket: socket.display().to_string(),
            message: message.into(),
        }
    }

    /// A refusal the user can fix (the socket, the host name, what the runtime answered),
    /// not a broken database.
    pub fn is_input(&self) -> bool {
        match self {
            SyncError::Runtime { .. } => true,
            SyncError::Import(e) => e.is_input(),
        }
    }
}

/// Why a socket could not be connected to, in words.
pub(crate) fn connect_error(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => {
            "no such socket (is the daemon running, and is the path right?)".into()
        }
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (v6watch's user must be allowed to open it)".into()
        }
        std::io::ErrorKind::ConnectionRefused => {
            "connection refused (nothing listens on it)".into()
        }
        _ => format!("cannot connect: {err}"),
    }
}

/// What the runtime answers turned into the records an import makes. The answer goes
/// through [`model::import::parse`]: bounded to the import limit, then the format's parser.
fn parse_answer(target: &Target, kind: ImportKind, text: &str) -> Result<InventoryFile, SyncError> {
    let options = ImportOptions {
        host: Some(target.host.clone()),
        origin: None,
    };
    let name = format!(
        "{} socket {}",
        target.runtime.label(),
        target.socket.display()
    );
    model::import::parse(kind, &name, text.as_bytes(), &options)
        .map_err(|e| SyncError::Import(ImportFailure::Input(e)))
}

/// Reads the runtime: its containers (and, for Docker, its networks) as records.
pub async fn read(target: &Target) -> Result<InventoryFile, SyncError> {
    let read = async {
        match target.runtime {
            Runtime::Docker => docker::fetch(&target.socket).await,
            Runtime::Lxd => lxd::fetch(&target.socket).await,
        }
    };
    let text = match tokio::time::timeout(READ_TIMEOUT, read).await {
        Ok(Ok(text)) => text,
        Ok(Err(message)) => {
            return Err(SyncError::runtime(target.runtime, &target.socket, message));
        }
        Err(_) => {
            return Err(SyncError::runtime(
                target.runtime,
                &target.socket,
                format!("no answer within {} s", READ_TIMEOUT.as_secs()),
            ));
        }
    };
    let kind = match target.runtime {
        Runtime::Docker => ImportKind::Docker,
        Runtime::Lxd => ImportKind::Lxd,
    };
    parse_answer(target, kind, &text)
}

/// The plan of one round: what the runtime runs, merged into the stored inventory.
pub async fn plan(pool: &sqlx::SqlitePool, target: &Target) -> Result<Plan, SyncError> {
    let desired = read(target).await?;
    Ok(imports::plan_merge(pool, &desired).await?)
}

/// Applies a round's plan: its changes marked with the runtime, its notice (if any) queued.
pub async fn apply(
    pool: &sqlx::SqlitePool,
    target: &Target,
    plan: &Plan,
    now: i64,
) -> Result<store::import::Applied, ImportFailure> {
    let notice = notice::of(plan, target, now);
    Ok(store::sync::apply(pool, plan, &target.runtime.source(), notice.as_ref()).await?)
}

/// How the words of a round that changed nothing begin.
pub const NO_CHANGE: &str = "no change";

/// One round: read, plan and (when it changes something) apply. Returns what it did, in
/// words, for the log and the Import page.
pub async fn round(
    pool: &sqlx::SqlitePool,
    target: &Target,
    now: i64,
) -> Result<String, SyncError> {
    let plan = plan(pool, target).await?;
    if plan.is_noop() {
        return Ok(format!("{NO_CHANGE} ({} unchanged)", plan.rows.len()));
    }
    let done = apply(pool, target, &plan, now).await?;
    Ok(format!(
        "{} created, {} updated",
        done.created, done.updated
    ))
}
