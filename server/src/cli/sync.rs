//! `v6watch sync docker|lxd --socket PATH --host NAME`: one round of the live sync, printed
//! as `import` prints its plan; it changes the database only with `--apply`.

use super::inventory::finish_with;
use crate::config::SyncArgs;
use crate::scheduler::unix_ms;
use crate::sync::{self, SyncError, Target};
use std::process::ExitCode;

pub async fn run(args: SyncArgs) -> anyhow::Result<ExitCode> {
    let target = Target {
        runtime: args.runtime,
        socket: args.socket,
        host: args.host,
    };
    let pool = store::open(&args.database).await?;
    let planned = match sync::plan(&pool, &target).await {
        Ok(plan) => Ok(plan),
        Err(SyncError::Import(err)) => Err(err),
        Err(err @ SyncError::Runtime { .. }) => {
            eprintln!("v6watch: nothing was changed: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let (pool, target) = (&pool, &target);
    finish_with(planned, args.apply, |plan| async move {
        sync::apply(pool, target, &plan, unix_ms()).await
    })
    .await
}
