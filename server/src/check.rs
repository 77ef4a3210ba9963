//! `v6watch check TARGET`: one check now, with the same probes and verdict rules the
//! scheduler runs. A URL gets the IPv6-only verdict on the service and every dependency host.

use crate::cli::CheckArgs;
use anyhow::Context;
use probes::{ProbeConfig, parse_nameserver};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

/// Exit 0 only when the target is `ready` over IPv6; `partial` and `broken` exit 1.
pub async fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let mut config = ProbeConfig::default();
    for text in &args.resolvers {
        let nameserver = parse_nameserver(text).with_context(|| format!("--resolver {text}"))?;
        config.nameservers.push(nameserver);
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 300.0) {
        anyhow::bail!("--timeout must be between 0 and 300 seconds");
    }
    config.timeout = Duration::from_secs_f64(args.timeout);
    config.connect_timeout = config.connect_timeout.min(config.timeout);
    config.extra_ca_file = args.ca_file.clone();
    for prefix in &args.nat64_prefixes {
        let prefix = prefix.trunc();
        if !config.nat64_prefixes.contains(&prefix) {
            config.nat64_prefixes.push(prefix);
        }
    }

    let report = verdict::check::run_check(&args.target, config).await?;
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
