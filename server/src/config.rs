//! The command line: every flag, also readable from an environment variable, with its
//! range checked by the parser; and what the flags mean for each stage's settings.

use crate::alerts::worker::WorkerSettings;
use crate::delivery::ExtraRoots;
use crate::delivery::message::public_base;
use crate::verdicts::VerdictJobSettings;
use clap::{Args, Parser, Subcommand};
use probes::ProbeConfig;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "v6watch",
    version,
    about = "Watches an IPv6 home lab and tells what breaks under IPv6-only, and why.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options for `serve`, which runs when no command is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard (the default).
    Serve(Box<ServeArgs>),
    /// Check one target now: a URL, a host name or an address. Exits 0 when it is
    /// reachable over IPv6, 1 when it is not, 2 on bad input.
    Check(CheckArgs),
    /// Plan (and with --apply, make) the inventory records an LXD/Incus, Docker or DNS
    /// zone file describes. Prints the plan; changes nothing without --apply.
    Import(ImportArgs),
    /// Write the whole inventory as a file (YAML or JSON) to standard output.
    Export(ExportArgs),
    /// Make the database match an inventory file (as `export` writes it).
    Apply(ApplyArgs),
    /// Read the containers a Docker or LXD/Incus daemon runs, over its API socket, and
    /// plan (with --apply, make) the inventory records they call for, as `import` does.
    Sync(SyncArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// Which daemon the socket belongs to.
    pub runtime: crate::sync::Runtime,
    /// Its API socket: /var/run/docker.sock, /var/lib/incus/unix.socket or
    /// /var/snap/lxd/common/lxd/unix.socket.
    #[arg(long, value_name = "PATH")]
    pub socket: PathBuf,
    /// The inventory host these containers run on; created when missing.
    #[arg(long, value_name = "NAME")]
    pub host: String,
    /// Apply the plan (in one transaction) instead of only printing it.
    #[arg(long)]
    pub apply: bool,
    #[arg(long, env = "V6WATCH_DATABASE", default_value = "data/v6watch.db")]
    pub database: PathBuf,
}

/// The formats `import` reads.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportFormat {
    /// `lxc list --format json` or `incus list --format json`
    Lxd,
    /// `docker inspect` of containers and/or `docker network inspect` of networks
    Docker,
    /// a DNS master file
    Zone,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// What the file is.
    pub format: ImportFormat,
    /// The file (`-` for standard input); at most 4 MiB.
    pub file: PathBuf,
    /// The host the containers run on (lxd, docker); created when missing.
    #[arg(long)]
    pub host: Option<String>,
    /// The zone's origin, e.g. lab.example (zone).
    #[arg(long)]
    pub origin: Option<String>,
    /// Apply the plan (in one transaction) instead of only printing it.
    #[arg(long)]
    pub apply: bool,
    #[arg(long, env = "V6WATCH_DATABASE", default_value = "data/v6watch.db")]
    pub database: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// yaml or json.
    #[arg(long, default_value = "yaml")]
    pub format: String,
    #[arg(long, env = "V6WATCH_DATABASE", default_value = "data/v6watch.db")]
    pub database: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    /// The inventory file (YAML or JSON; `-` for standard input); at most 4 MiB.
    pub file: PathBuf,
    /// Also delete stored hosts, prefixes, tunnels, containers and services the file does
    /// not list.
    #[arg(long)]
    pub prune: bool,
    /// Print the plan only.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, env = "V6WATCH_DATABASE", default_value = "data/v6watch.db")]
    pub database: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. The default answers on this machine only.
    #[arg(long, env = "V6WATCH_LISTEN", default_value = "[::1]:3000")]
    pub listen: SocketAddr,
    /// SQLite database file; created with its directory on first start.
    #[arg(long, env = "V6WATCH_DATABASE", default_value = "data/v6watch.db")]
    pub database: PathBuf,
    /// Serve the stylesheet, scripts and wasm (`pkg/`) and static files from this directory
    /// instead of the ones built into the binary (for development: `target/site`).
    #[arg(long, env = "V6WATCH_SITE_ROOT")]
    pub site_root: Option<PathBuf>,
    /// Mark the session cookie Secure: set this when a TLS reverse proxy fronts v6watch.
    #[arg(long, env = "V6WATCH_SECURE_COOKIES")]
    pub secure_cookies: bool,
    #[command(flatten)]
    pub probe: ProbeArgs,
    /// Seconds before each scheduled probe gives up.
    #[arg(long, env = "V6WATCH_PROBE_TIMEOUT", default_value_t = 5.0, value_parser = probe_seconds)]
    pub probe_timeout: f64,
    /// Token a Prometheus scraper sends as `Authorization: Bearer TOKEN` to read `/metrics`
    /// without a session. Without it, only signed-in users can read `/metrics`.
    #[arg(long, env = "V6WATCH_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// The dashboard's address as users open it (https://v6watch.home.example/), for the
    /// links in alert messages; without it, messages carry the path alone.
    #[arg(long, env = "V6WATCH_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// A host name (or address) the dashboard answers to besides the listen address,
    /// localhost and the --public-url's host; requests for any other name get 421.
    /// Repeat (or comma-separate) for several.
    #[arg(
        long = "allowed-host",
        value_name = "NAME",
        env = "V6WATCH_ALLOWED_HOST",
        value_delimiter = ',',
        value_parser = crate::web::host::parse_allowed_host
    )]
    pub allowed_hosts: Vec<url::Host<String>>,
    /// Seconds between two IPv6-only verdicts on the same HTTP(S) service (each fetches the
    /// page and checks every host it pulls resources from).
    #[arg(long, env = "V6WATCH_VERDICT_INTERVAL", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(10..=86_400))]
    pub verdict_interval: u64,
    /// The browser judge for scheduled verdicts: `auto` uses Chromium when it is installed,
    /// `on` refuses to start without it, `off` judges pages from their HTML and CSS only.
    #[arg(long, env = "V6WATCH_BROWSER_JUDGE", value_enum, default_value_t = BrowserJudgeMode::Auto)]
    pub browser_judge: BrowserJudgeMode,
    /// Serve the pages without probing, judging or sending alerts (for tests).
    #[arg(long, env = "V6WATCH_NO_SCHEDULER")]
    pub no_scheduler: bool,
    /// Seconds between looks of the alert detector at new results.
    #[arg(long, env = "V6WATCH_ALERT_INTERVAL", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub alert_interval: u64,
    /// A latency regression: the recent median above this many times its baseline median...
    #[arg(long, env = "V6WATCH_ALERT_LATENCY_FACTOR", default_value_t = 2.0, value_parser = at_least_one)]
    pub alert_latency_factor: f64,
    /// ...and at least this many milliseconds above it.
    #[arg(long, env = "V6WATCH_ALERT_LATENCY_MIN_MS", default_value_t = 20.0, value_parser = not_negative)]
    pub alert_latency_min_ms: f64,
    #[command(flatten)]
    pub sync: SyncFlags,
}

/// Live sync, off unless a socket is named.
#[derive(Debug, Clone, Default, Args)]
pub struct SyncFlags {
    /// Keep the inventory's containers in step with this Docker Engine API socket
    /// (/var/run/docker.sock). v6watch's user must be allowed to open it.
    #[arg(long, value_name = "SOCKET", env = "V6WATCH_SYNC_DOCKER")]
    pub sync_docker: Option<PathBuf>,
    /// Keep the inventory's containers in step with this LXD/Incus API socket
    /// (/var/lib/incus/unix.socket, /var/snap/lxd/common/lxd/unix.socket).
    #[arg(long, value_name = "SOCKET", env = "V6WATCH_SYNC_LXD")]
    pub sync_lxd: Option<PathBuf>,
    /// The inventory host the synced containers run on (needed with --sync-docker or
    /// --sync-lxd; created when missing).
    #[arg(long, value_name = "NAME", env = "V6WATCH_SYNC_HOST")]
    pub sync_host: Option<String>,
    /// Seconds between two sync rounds.
    #[arg(long, value_name = "SECONDS", env = "V6WATCH_SYNC_INTERVAL", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(10..=86_400))]
    pub sync_interval: u64,
}

impl SyncFlags {
    /// The runtimes to sync; an error when a socket is named without --sync-host.
    pub fn targets(&self) -> anyhow::Result<Vec<crate::sync::Target>> {
        use crate::sync::{Runtime, Target};
        let sockets: Vec<(Runtime, &PathBuf)> = [
            (Runtime::Docker, self.sync_docker.as_ref()),
            (Runtime::Lxd, self.sync_lxd.as_ref()),
        ]
        .into_iter()
        .filter_map(|(runtime, socket)| socket.map(|s| (runtime, s)))
        .collect();
        if sockets.is_empty() {
            return Ok(Vec::new());
        }
        let host = self
            .sync_host
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "--sync-docker and --sync-lxd need --sync-host NAME: the inventory host the containers run on"
                )
            })?;
        let host =
            model::domain::parse_name(host).map_err(|m| anyhow::anyhow!("--sync-host: {m}"))?;
        Ok(sockets
            .into_iter()
            .map(|(runtime, socket)| Target {
                runtime,
                socket: socket.clone(),
                host: host.clone(),
            })
            .collect())
    }

    pub fn interval(&self) -> Duration {
        Duration::from_secs(self.sync_interval)
    }
}

/// `--browser-judge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BrowserJudgeMode {
    Auto,
    On,
    Off,
}

impl BrowserJudgeMode {
    /// As the flag is written.
    pub fn code(self) -> &'static str {
        match self {
            BrowserJudgeMode::Auto => "auto",
            BrowserJudgeMode::On => "on",
            BrowserJudgeMode::Off => "off",
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// A URL (http/https), a host name, or an IPv6/IPv4 address.
    pub target: String,
    #[command(flatten)]
    pub probe: ProbeArgs,
    /// Seconds before each probe gives up. A URL check ends within three of them (the page,
    /// its stylesheets, its dependency hosts), however many dependencies the page has.
    #[arg(long, default_value_t = 5.0, value_parser = probe_seconds)]
    pub timeout: f64,
    /// Print one JSON object instead of a readable report.
    #[arg(long)]
    pub json: bool,
    /// URL targets: also load the page in Chromium through an IPv6-only proxy, and fail
    /// when Chromium is not installed. Without either flag the browser is used when found.
    #[arg(long, conflicts_with = "no_browser")]
    pub browser: bool,
    /// URL targets: judge the page from its HTML and CSS only.
    #[arg(long)]
    pub no_browser: bool,
}

impl CheckArgs {
    pub fn browser_choice(&self) -> verdict::check::BrowserChoice {
        use verdict::check::BrowserChoice;
        match (self.browser, self.no_browser) {
            (true, _) => BrowserChoice::Required,
            (_, true) => BrowserChoice::Off,
            _ => BrowserChoice::Auto,
        }
    }
}

/// The probe flags `serve` and `check` share.
#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    /// Nameserver the probes ask instead of the system's (resolv.conf):
    /// [2001:db8::53]:53, 2001:db8::53 or 192.0.2.53. Repeat for several.
    #[arg(
        long = "resolver",
        value_name = "ADDR[:PORT]",
        env = "V6WATCH_RESOLVER",
        value_delimiter = ',',
        value_parser = nameserver
    )]
    pub resolvers: Vec<SocketAddr>,
    /// A NAT64 prefix besides 64:ff9b::/96 (e.g. 2001:db8:64::/96): AAAA answers inside it are
    /// marked as synthesized. Repeat for several.
    #[arg(
        long = "nat64-prefix",
        value_name = "PREFIX",
        env = "V6WATCH_NAT64_PREFIX",
        value_delimiter = ','
    )]
    pub nat64_prefixes: Vec<ipnet::Ipv6Net>,
    /// PEM file of extra CA certificates to trust besides the standard roots (a home-lab CA):
    /// for HTTPS probes, webhooks and SMTP over TLS.
    #[arg(long, value_name = "PEM", env = "V6WATCH_CA_FILE")]
    pub ca_file: Option<PathBuf>,
    /// An address range v6watch must never reach (192.0.2.0/24, fd00:bad::/32, or one
    /// address): probes, verdicts and webhooks there end with `denied` before any packet is
    /// sent. Repeat for several. Default: none (probing is the product).
    #[arg(
        long = "deny-target",
        value_name = "CIDR",
        env = "V6WATCH_DENY_TARGET",
        value_delimiter = ',',
        value_parser = deny_range
    )]
    pub deny: Vec<ipnet::IpNet>,
}

/// A `--deny-target`: a prefix, or one address (its /32 or /128).
fn deny_range(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    if let Ok(net) = text.parse::<ipnet::IpNet>() {
        return Ok(net.trunc());
    }
    text.parse::<std::net::IpAddr>()
        .map(ipnet::IpNet::from)
        .map_err(|_| format!("{text:?} is not an address range like 192.0.2.0/24 or fd00::/8"))
}

impl ProbeArgs {
    /// The probe settings these flags ask for, with `timeout_secs` per probe.
    pub fn probe_config(&self, timeout_secs: f64) -> ProbeConfig {
        let mut config = ProbeConfig {
            nameservers: self.resolvers.clone(),
            timeout: Duration::from_secs_f64(timeout_secs),
            extra_ca_file: self.ca_file.clone(),
            deny: self.deny.clone(),
            ..ProbeConfig::default()
        };
        config.connect_timeout = config.connect_timeout.min(config.timeout);
        for prefix in &self.nat64_prefixes {
            let prefix = prefix.trunc();
            if !config.nat64_prefixes.contains(&prefix) {
                config.nat64_prefixes.push(prefix);
            }
        }
        config
    }
}

impl ServeArgs {
    /// The scheduled probes' settings.
    pub fn probe_config(&self) -> ProbeConfig {
        self.probe.probe_config(self.probe_timeout)
    }

    /// The alert stage's settings.
    pub fn alert_settings(&self) -> WorkerSettings {
        let mut settings = WorkerSettings {
            interval: Duration::from_secs(self.alert_interval),
            ..WorkerSettings::default()
        };
        settings.rules.latency.factor = self.alert_latency_factor;
        settings.rules.latency.min_increase_ms = self.alert_latency_min_ms;
        settings
    }

    /// The verdict job's settings. A judgement ends by its own deadline (three probe
    /// timeouts, `verdict::judge::JUDGEMENT_ROUNDS`); the job's hard timeout of four is only a
    /// backstop.
    pub fn verdict_settings(&self) -> VerdictJobSettings {
        VerdictJobSettings {
            interval: Duration::from_secs(self.verdict_interval),
            judge_timeout: Duration::from_secs_f64(self.probe_timeout) * 4,
            ..VerdictJobSettings::default()
        }
    }

    /// The `--ca-file` certificates for the delivery stage, checked at start-up.
    pub fn extra_roots(&self) -> anyhow::Result<Option<ExtraRoots>> {
        self.probe
            .ca_file
            .as_deref()
            .map(|path| ExtraRoots::read(path).map_err(|e| anyhow::anyhow!("--ca-file: {e}")))
            .transpose()
    }

    /// The dashboard's public base URL, checked at start-up.
    pub fn public_url(&self) -> anyhow::Result<Option<url::Url>> {
        match self.public_url.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => public_base(text)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("--public-url: {e}")),
        }
    }
}

fn nameserver(text: &str) -> Result<SocketAddr, String> {
    probes::parse_nameserver(text).map_err(|e| e.to_string())
}

/// Seconds a probe may take: above 0, at most 300.
fn probe_seconds(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if value.is_finite() && value > 0.0 && value <= 300.0 {
        Ok(value)
    } else {
        Err("must be between 0 and 300 seconds".into())
    }
}

fn at_least_one(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if value.is_finite() && value >= 1.0 {
        Ok(value)
    } else {
        Err("must be 1 or more".into())
    }
}

fn not_negative(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err("must be 0 or more".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_is_the_default_and_flags_parse() {
        let cli = Cli::try_parse_from([
            "v6watch",
            "--listen",
            "127.0.0.1:8080",
            "--database",
            "x.db",
        ])
        .unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(cli.serve.verdict_interval, 300);
        let cli = Cli::try_parse_from(["v6watch", "serve", "--listen", "[::1]:9"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Serve(args)) if args.listen.port() == 9));
        assert!(Cli::try_parse_from(["v6watch", "--listen", "nonsense"]).is_err());
        let cli = Cli::try_parse_from([
            "v6watch",
            "--resolver",
            "[2001:db8::53]:53",
            "--resolver",
            "192.0.2.53",
            "--probe-timeout",
            "2.5",
            "--no-scheduler",
            "--public-url",
            "https://v6watch.example.test/",
            "--verdict-interval",
            "900",
        ])
        .unwrap();
        assert_eq!(cli.serve.verdict_interval, 900);
        assert_eq!(cli.serve.probe.resolvers.len(), 2);
        assert_eq!(cli.serve.probe_timeout, 2.5);
        assert!(cli.serve.no_scheduler);
        assert_eq!(
            cli.serve.public_url.as_deref(),
            Some("https://v6watch.example.test/")
        );
    }

    #[test]
    fn check_takes_repeated_resolvers() {
        let cli = Cli::try_parse_from([
            "v6watch",
            "check",
            "https://dual.lab.test/",
            "--resolver",
            "[2001:db8::53]:53",
            "--resolver",
            "192.0.2.53",
            "--nat64-prefix",
            "2001:db8:64::/96",
            "--json",
        ])
        .unwrap();
        let Some(Command::Check(args)) = cli.command else {
            panic!("not check")
        };
        assert_eq!(
            args.probe.nat64_prefixes,
            ["2001:db8:64::/96".parse().unwrap()]
        );
        assert!(
            Cli::try_parse_from([
                "v6watch",
                "check",
                "x.test",
                "--nat64-prefix",
                "192.0.2.0/24"
            ])
            .is_err()
        );
        assert_eq!(
            args.probe.resolvers,
            [
                "[2001:db8::53]:53".parse().unwrap(),
                "192.0.2.53:53".parse().unwrap()
            ]
        );
        assert!(args.json);
    }
}
