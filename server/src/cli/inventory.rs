//! `v6watch import`, `export` and `apply`: the inventory from LXD/Incus, Docker and zone
//! files, and the inventory as a file. Imports print their plan and change nothing unless
//! given `--apply`; `apply` changes the database unless given `--dry-run`.

use crate::config::{ApplyArgs, ExportArgs, ImportArgs, ImportFormat};
use crate::imports::{self, ImportFailure};
use anyhow::Context;
use model::import::plan::Plan;
use model::import::text::{FileFormat, write};
use model::import::{ImportKind, ImportOptions, MAX_IMPORT_BYTES};
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

/// Reads a file (or `-`, standard input), at most the import limit and one byte more.
fn read_bounded(path: &Path) -> anyhow::Result<Vec<u8>> {
    let limit = u64::try_from(MAX_IMPORT_BYTES).unwrap_or(u64::MAX) + 1;
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin().take(limit).read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(path)
            .with_context(|| format!("cannot open {}", path.display()))?
            .take(limit)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", path.display()))?;
    }
    Ok(bytes)
}

/// Prints the plan, applies it when asked; exit 0 done, 2 refused.
async fn finish(
    pool: &sqlx::SqlitePool,
    planned: Result<Plan, ImportFailure>,
    apply: bool,
) -> anyhow::Result<ExitCode> {
    finish_with(planned, apply, |plan| async move {
        imports::apply(pool, &plan).await
    })
    .await
}

/// [`finish`] with its own way of applying (a sync marks its changes).
pub(crate) async fn finish_with<F, Fut>(
    planned: Result<Plan, ImportFailure>,
    apply: bool,
    applier: F,
) -> anyhow::Result<ExitCode>
where
    F: FnOnce(Plan) -> Fut,
    Fut: Future<Output = Result<store::import::Applied, ImportFailure>>,
{
    let plan = match planned {
        Ok(plan) => plan,
        Err(err) if err.is_input() => {
            eprintln!("v6watch: {err}");
            return Ok(ExitCode::from(2));
        }
        Err(err) => return Err(err.into()),
    };
    print!("{}", plan.render());
    if !apply {
        if !plan.is_noop() {
            println!("(a dry run: nothing was changed)");
        }
        return Ok(ExitCode::SUCCESS);
    }
    match applier(plan).await {
        Ok(done) => {
            println!(
                "applied: {} created, {} updated, {} deleted",
                done.created, done.updated, done.deleted
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) if err.is_input() => {
            eprintln!("v6watch: nothing was changed: {err}");
            Ok(ExitCode::from(2))
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let bytes = read_bounded(&args.file)?;
    let pool = store::open(&args.database).await?;
    let kind = match args.format {
        ImportFormat::Lxd => ImportKind::Lxd,
        ImportFormat::Docker => ImportKind::Docker,
        ImportFormat::Zone => ImportKind::Zone,
    };
    let options = ImportOptions {
        host: args.host,
        origin: args.origin,
    };
    let name = args.file.display().to_string();
    let planned = imports::plan_import(&pool, kind, &name, &bytes, &options).await;
    finish(&pool, planned, args.apply).await
}

pub async fn apply(args: ApplyArgs) -> anyhow::Result<ExitCode> {
    let bytes = read_bounded(&args.file)?;
    let pool = store::open(&args.database).await?;
    let name = args.file.display().to_string();
    let planned = imports::plan_file(
        &pool,
        &name,
        &bytes,
        args.prune,
        imports::Applier::CommandLine,
    )
    .await;
    finish(&pool, planned, !args.dry_run).await
}

pub async fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let pool = store::open(&args.database).await?;
    let file = store::import::snapshot(&pool).await?;
    let format = FileFormat::parse(&args.format).map_err(anyhow::Error::msg)?;
    print!("{}", write(&file, format));
    Ok(ExitCode::SUCCESS)
}
