//! `v6watch check TARGET`: one check now, with the same probes and verdict rules the
//! scheduler runs. A URL gets the IPv6-only verdict on the service and every dependency host.

use crate::config::CheckArgs;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Exit 0 only when the target is `ready` over IPv6; `partial` and `broken` exit 1.
pub async fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let config = args.probe.probe_config(args.timeout);
    let report = verdict::check::run_check(&args.target, config, args.browser_choice()).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render_text(std::io::stdout().is_terminal()));
    }
    Ok(if report.is_ready() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
