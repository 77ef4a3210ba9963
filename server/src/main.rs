//! The `v6watch` binary: reads the command line, sets up logging, and runs a command.

use clap::Parser;
use std::process::ExitCode;
use v6watch::config::{Cli, Command};
use v6watch::{cli, startup};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let result = match cli.command {
        Some(Command::Check(args)) => cli::check::run(args).await,
        Some(Command::Import(args)) => cli::inventory::import(args).await,
        Some(Command::Export(args)) => cli::inventory::export(args).await,
        Some(Command::Apply(args)) => cli::inventory::apply(args).await,
        Some(Command::Sync(args)) => cli::sync::run(args).await,
        Some(Command::Serve(args)) => startup::serve(*args).await.map(|()| ExitCode::SUCCESS),
        None => startup::serve(cli.serve).await.map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|err| {
        eprintln!("v6watch: {err:#}");
        ExitCode::from(2)
    })
}
