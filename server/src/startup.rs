//! `v6watch serve`: opens the store, starts the stages (self-test, scheduler, verdict job,
//! alert detector, delivery, housekeeping) and the web layer, and stops them all on Ctrl-C
//! or SIGTERM.

use crate::config::{BrowserJudgeMode, ServeArgs};
use crate::delivery::{self, Courier};
use crate::scheduler::live_prober::LiveProber;
use crate::scheduler::{self, SchedulerSettings, housekeeping, sqlite::SqliteChecks};
use crate::verdicts::{self, BrowserSetup, ProberJudge, sqlite::SqliteVerdicts};
use crate::web::assets::Bundle;
use crate::web::host::Site;
use crate::web::{Wiring, router_with};
use crate::{alerts, selftest};
use anyhow::Context;
use model::settings::ProbeFlags;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::SqliteStore;
use verdict::browser::{Chromium, find_chromium};

/// Where the site's files come from: the directory `--site-root` names, else the ones built
/// into the binary. A binary built without them (plain `cargo build`) needs the flag.
fn site_files(site_root: Option<&Path>) -> anyhow::Result<(String, Option<Arc<Bundle>>)> {
    match (site_root, Bundle::built_in()) {
        (Some(dir), _) => {
            if !dir.join("pkg").is_dir() {
                tracing::warn!(
                    site_root = %dir.display(),
                    "no built assets (pkg/) here: pages will render without styles or scripts"
                );
            }
            Ok((dir.to_string_lossy().into_owned(), None))
        }
        (None, Some(bundle)) => {
            tracing::info!(
                files = bundle.len(),
                "serving the site built into this binary"
            );
            // No directory is read: the fallback finds nothing there and answers 404.
            Ok((String::new(), Some(Arc::new(bundle))))
        }
        (None, None) => anyhow::bail!(
            "this v6watch binary was built without its site (stylesheet, scripts, wasm): \
             build it with scripts/build.sh, or pass --site-root DIR (e.g. target/site)"
        ),
    }
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    raise_open_file_limit();
    // Before the database is opened (and migrated): a second serve stops here.
    let lock = crate::db_lock::lock(&args.database)?;
    let pool = store::open(&args.database)
        .await
        .with_context(|| format!("opening the database {}", args.database.display()))?;
    let expired = SqliteStore::new(pool.clone());
    let cleaner = tokio::spawn(async move {
        let _ = expired
            .continuously_delete_expired(tokio::time::Duration::from_secs(3600))
            .await;
    });

    // Checked first, so a bad file is reported as the flag that named it.
    let extra_roots = args.extra_roots()?;
    let probe_config = args.probe_config();
    let probes = if args.no_scheduler {
        None
    } else {
        let stored = store::settings::probe_settings(&pool)
            .await
            .context("reading the stored settings")?;
        let live =
            LiveProber::start(probe_config.clone(), &stored).context("setting up the probes")?;
        Some(Arc::new(live))
    };
    let public_url = args.public_url()?;
    let sync_targets = args.sync.targets()?;
    let (site_root, assets) = site_files(args.site_root.as_deref())?;
    let wiring = Wiring {
        assets,
        site: Site::new(
            Some(args.listen),
            public_url.as_ref(),
            &args.allowed_hosts,
            args.secure_cookies,
        ),
        probe_flags: ProbeFlags {
            resolvers: probe_config
                .nameservers
                .iter()
                .map(ToString::to_string)
                .collect(),
            nat64_prefixes: args
                .probe
                .nat64_prefixes
                .iter()
                .map(|p| p.trunc().to_string())
                .collect(),
            live: probes.is_some(),
            browser_judge: args.browser_judge.code().to_string(),
            chromium: find_chromium().map(|path| path.display().to_string()),
        },
        probes: probes.clone(),
        courier: Arc::new(Courier::new(delivery::DispatchSettings {
            public_url,
            extra_roots,
            deny: args.probe.deny.clone(),
            ..delivery::DispatchSettings::default()
        })),
        metrics_token: args
            .metrics_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(Arc::from),
        ..Wiring::default()
    };
    let (wake, board, courier, bus) = (
        wiring.wake.clone(),
        wiring.board.clone(),
        wiring.courier.clone(),
        wiring.events.clone(),
    );
    let cancel = CancellationToken::new();
    let mut jobs = tokio::task::JoinSet::new();
    if let Some(prober) = probes {
        let probe_timeout = probe_config.timeout;
        selftest::step(&prober.get(), &board).await;
        jobs.spawn(selftest::run(prober.clone(), board.clone(), cancel.clone()));
        jobs.spawn(housekeeping::run(pool.clone(), cancel.clone()));
        jobs.spawn(crate::scheduler::dns_drift::run(
            pool.clone(),
            prober.clone(),
            cancel.clone(),
        ));
        jobs.spawn(crate::scheduler::exposure::run(
            pool.clone(),
            crate::scheduler::exposure::ExposureSettings {
                deny: args.probe.deny.clone(),
                ..Default::default()
            },
            cancel.clone(),
        ));
        let settings = SchedulerSettings {
            probe_timeout: probe_timeout + Duration::from_secs(1),
            lateness: wiring.lateness.clone(),
            ..SchedulerSettings::default()
        };
        jobs.spawn(delivery::dispatcher::run(
            pool.clone(),
            courier.clone(),
            Arc::new(Notify::new()),
            cancel.clone(),
        ));
        let browser = browser_judge(args.browser_judge)?;
        let mut verdict_settings = args.verdict_settings();
        if browser.chromium.is_some() {
            // A browser visit takes up to its wall clock (30 s) and the time to open and
            // close its page, beside the static judge.
            verdict_settings.judge_timeout =
                verdict_settings.judge_timeout.max(Duration::from_secs(60));
            verdict_settings.concurrency = verdict_settings.concurrency.min(BROWSER_PAGES_AT_ONCE);
        }
        let judge = Arc::new(ProberJudge::new(prober.clone(), browser));
        jobs.spawn(verdicts::run(
            judge,
            Arc::new(SqliteVerdicts::new(pool.clone()).publishing(bus.clone())),
            verdict_settings,
            cancel.clone(),
        ));
        jobs.spawn(alerts::worker::run(
            pool.clone(),
            args.alert_settings(),
            bus.clone(),
            cancel.clone(),
        ));
        let store = Arc::new(SqliteChecks::new(pool.clone()).publishing(bus.clone()));
        let (wake, cancel) = (wake.clone(), cancel.clone());
        jobs.spawn(async move {
            scheduler::run(prober, store, settings, wake, cancel).await;
        });
    } else {
        tracing::info!("--no-scheduler: nothing is probed or judged");
    }
    if !sync_targets.is_empty() {
        for t in &sync_targets {
            tracing::info!(runtime = t.runtime.code(), socket = %t.socket.display(), host = %t.host, "live sync on");
        }
        jobs.spawn(crate::sync::worker::run(
            pool.clone(),
            sync_targets,
            args.sync.interval(),
            bus.clone(),
            cancel.clone(),
        ));
    }
    let app = router_with(pool.clone(), &site_root, args.secure_cookies, wiring);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    // The bound address, not the flag: `--listen 127.0.0.1:0` picks a free port.
    let address = listener.local_addr().unwrap_or(args.listen);
    tracing::info!(%address, database = %args.database.display(), "v6watch is serving");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    cancel.cancel();
    while jobs.join_next().await.is_some() {}
    cleaner.abort();
    pool.close().await;
    drop(lock);
    tracing::info!("v6watch stopped");
    Ok(())
}

/// Up to the hard limit: a thousand probes in flight hold two thousand sockets, more than
/// the usual soft limit of 1,024 open files.
/// Pages the browser loads at once (each holds a renderer: about 100 MB).
const BROWSER_PAGES_AT_ONCE: usize = 2;

/// The shared Chromium for scheduled verdicts (when installed), and the flag's choice. The
/// browser starts on first use, so a Chromium that stays off costs nothing.
fn browser_judge(mode: BrowserJudgeMode) -> anyhow::Result<BrowserSetup> {
    let found = find_chromium();
    if mode == BrowserJudgeMode::On && found.is_none() {
        anyhow::bail!(
            "--browser-judge on: Chromium is not installed (install Debian's chromium, or set \
             V6WATCH_CHROMIUM)"
        );
    }
    match (&found, mode) {
        (_, BrowserJudgeMode::Off) => tracing::info!(
            "browser judge turned off: verdicts read pages' HTML and CSS only (the Settings page can turn it on)"
        ),
        (None, _) => tracing::warn!("Chromium not found: verdicts read pages' HTML and CSS only"),
        (Some(path), _) => tracing::info!(chromium = %path.display(), "browser judge on"),
    }
    Ok(BrowserSetup {
        chromium: found.map(|path| Arc::new(Chromium::new(path, BROWSER_PAGES_AT_ONCE))),
        off_by_flag: mode == BrowserJudgeMode::Off,
    })
}

fn raise_open_file_limit() {
    match rlimit::increase_nofile_limit(65_536) {
        Ok(limit) if limit < 4096 => tracing::warn!(
            limit,
            "few open files allowed: many probes at once may fail with 'too many open files'"
        ),
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "could not raise the open-file limit"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
}

#[cfg(test)]
mod tests {
    use crate::config::Cli;
    use clap::Parser;
    use std::time::Duration;

    #[test]
    fn the_verdict_interval_is_bounded_and_the_judge_timeout_follows_the_probes() {
        let args = |interval: &str| {
            Cli::try_parse_from(["v6watch", "--verdict-interval", interval]).map(|c| c.serve)
        };
        assert!(args("5").is_err());
        assert!(args("100000").is_err());
        let settings = args("600").unwrap().verdict_settings();
        assert_eq!(
            (settings.interval, settings.judge_timeout),
            (Duration::from_secs(600), Duration::from_secs(20))
        );
    }
}
