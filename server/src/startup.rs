//! Builds the web application (pages, form posts, sessions, security layers) and serves
//! it until Ctrl-C or SIGTERM.

use crate::auth::{self, throttle::LoginThrottle};
use crate::cli::ServeArgs;
use crate::delivery::{self, Courier};
use crate::events::{self, EventBus};
use crate::scheduler::lateness::Lateness;
use crate::scheduler::live_prober::LiveProber;
use crate::scheduler::{self, SchedulerSettings, housekeeping, sqlite::SqliteChecks};
use crate::state::AppState;
use crate::verdicts::{self, ProberJudge, sqlite::SqliteVerdicts};
use crate::{
    alert_actions, alerts, api, channel_actions, check_actions, inventory, metrics, selftest,
    settings_actions, token_actions,
};
use anyhow::Context;
use app::queries::status::StatusBoard;
use app::{App, shell};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use model::settings::ProbeFlags;
use probes::{ProbeConfig, parse_nameserver};
use sqlx::SqlitePool;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     form-action 'self'; base-uri 'self'; object-src 'none'";

async fn healthz(State(pool): State<SqlitePool>) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(&pool).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// The whole HTTP application on an open pool; tests build it the same way.
pub fn router(pool: SqlitePool, site_root: &str, secure_cookies: bool) -> Router {
    router_with(pool, site_root, secure_cookies, Wiring::default())
}

/// What the HTTP application shares with the background jobs of `serve`.
#[derive(Clone)]
pub struct Wiring {
    /// Wakes the scheduler (after "Run now" or a toggle).
    pub wake: Arc<Notify>,
    /// The self-test's findings.
    pub board: StatusBoard,
    /// The scheduler's lateness record.
    pub lateness: Arc<Mutex<Lateness>>,
    /// The bearer token that opens `/metrics` to a scraper.
    pub metrics_token: Option<Arc<str>>,
    /// The delivery stage's settings, for test alerts from the channel pages.
    pub courier: Arc<Courier>,
    /// What the background jobs just stored; pages listen on `GET /events`.
    pub events: EventBus,
    /// The jobs' prober, rebuilt by the settings page; None with `--no-scheduler`.
    pub probes: Option<Arc<LiveProber>>,
    /// The serve flags the settings page overrides, for that page to show.
    pub probe_flags: ProbeFlags,
}

impl Default for Wiring {
    fn default() -> Self {
        Wiring {
            wake: Arc::default(),
            board: StatusBoard::default(),
            lateness: Arc::default(),
            metrics_token: None,
            courier: Arc::new(Courier::new(delivery::DispatchSettings::default())),
            events: EventBus::default(),
            probes: None,
            probe_flags: ProbeFlags::default(),
        }
    }
}

/// The app's routes, worked out once per process. Working them out runs the whole app with
/// resource loading suppressed process-wide (leptos-rs/leptos#4773): a page whose first
/// read fell into that window, served by another router of the same process, would wait
/// forever.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// [`router`] wired to a running scheduler, self-test and delivery stage.
pub fn router_with(
    pool: SqlitePool,
    site_root: &str,
    secure_cookies: bool,
    wiring: Wiring,
) -> Router {
    let Wiring {
        wake,
        board,
        lateness,
        metrics_token,
        courier,
        events,
        probes,
        probe_flags,
    } = wiring;
    let leptos_options = LeptosOptions::builder()
        .output_name("v6watch")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build();
    let state = AppState {
        leptos_options,
        pool: pool.clone(),
        throttle: Arc::new(LoginThrottle::default()),
        wake,
        lateness,
        metrics_token,
        courier,
        events,
        probes,
        board: board.clone(),
    };

    let sessions = SessionManagerLayer::new(SqliteStore::new(pool.clone()))
        .with_name("v6watch_session")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(7)));

    let routes = route_list();
    let context_pool = pool.clone();
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    Router::new()
        .route("/healthz", get(healthz))
        .route(metrics::PATH, get(metrics::metrics))
        .route(events::stream::PATH, get(events::stream::events))
        .route("/actions/setup", post(auth::handlers::setup))
        .route("/actions/login", post(auth::handlers::login))
        .route("/actions/logout", post(auth::handlers::logout))
        .merge(inventory::routes())
        .merge(check_actions::routes())
        .merge(channel_actions::routes())
        .merge(alert_actions::routes())
        .merge(token_actions::routes())
        .merge(settings_actions::routes())
        .merge(api::routes(state.clone()))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_pool.clone());
                provide_context(board.clone());
                provide_context(probe_flags.clone());
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::guard::require_session,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(auth::csrf::reject_cross_site))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("referrer-policy", "same-origin"))
        .layer(header("content-security-policy", CONTENT_SECURITY_POLICY))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    raise_open_file_limit();
    let pool = store::open(&args.database)
        .await
        .with_context(|| format!("opening the database {}", args.database.display()))?;
    let expired = SqliteStore::new(pool.clone());
    let cleaner = tokio::spawn(async move {
        let _ = expired
            .continuously_delete_expired(tokio::time::Duration::from_secs(3600))
            .await;
    });

    let site_root = args.site_root.to_string_lossy().into_owned();
    if !args.site_root.join("pkg").is_dir() {
        tracing::warn!(
            site_root,
            "no built assets (pkg/) here: pages will render without styles or scripts"
        );
    }
    // Checked first, so a bad file is reported as the flag that named it.
    let extra_roots = extra_roots(&args)?;
    let probe_config = probe_config(&args)?;
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
    let wiring = Wiring {
        probe_flags: ProbeFlags {
            resolvers: probe_config
                .nameservers
                .iter()
                .map(ToString::to_string)
                .collect(),
            nat64_prefixes: args
                .nat64_prefixes
                .iter()
                .map(|p| p.trunc().to_string())
                .collect(),
            live: probes.is_some(),
        },
        probes: probes.clone(),
        courier: Arc::new(Courier::new(delivery::DispatchSettings {
            public_url: public_url(&args)?,
            extra_roots,
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
        let judge = Arc::new(ProberJudge::new(prober.clone()));
        let verdict_settings = verdict_settings(&args, probe_timeout)?;
        jobs.spawn(verdicts::run(
            judge,
            Arc::new(SqliteVerdicts::new(pool.clone()).publishing(bus.clone())),
            verdict_settings,
            cancel.clone(),
        ));
        jobs.spawn(alerts::worker::run(
            pool.clone(),
            alert_settings(&args)?,
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
    let app = router_with(pool.clone(), &site_root, args.secure_cookies, wiring);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    tracing::info!(address = %args.listen, database = %args.database.display(), "v6watch is serving");
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
    tracing::info!("v6watch stopped");
    Ok(())
}

/// Up to the hard limit: a thousand probes in flight hold two thousand sockets, more than
/// the usual soft limit of 1,024 open files.
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

/// The alert settings the serve flags ask for.
fn alert_settings(args: &ServeArgs) -> anyhow::Result<alerts::worker::WorkerSettings> {
    let mut settings = alerts::worker::WorkerSettings::default();
    if !(1..=3600).contains(&args.alert_interval) {
        anyhow::bail!("--alert-interval must be between 1 and 3600 seconds");
    }
    settings.interval = Duration::from_secs(args.alert_interval);
    let latency = &mut settings.rules.latency;
    if !(args.alert_latency_factor.is_finite() && args.alert_latency_factor >= 1.0) {
        anyhow::bail!("--alert-latency-factor must be 1 or more");
    }
    if !(args.alert_latency_min_ms.is_finite() && args.alert_latency_min_ms >= 0.0) {
        anyhow::bail!("--alert-latency-min-ms must be 0 or more");
    }
    latency.factor = args.alert_latency_factor;
    latency.min_increase_ms = args.alert_latency_min_ms;
    Ok(settings)
}

/// The probe settings the serve flags ask for.
fn probe_config(args: &ServeArgs) -> anyhow::Result<ProbeConfig> {
    let mut config = ProbeConfig::default();
    for text in &args.resolvers {
        let nameserver = parse_nameserver(text).with_context(|| format!("--resolver {text}"))?;
        config.nameservers.push(nameserver);
    }
    if !(args.probe_timeout.is_finite() && args.probe_timeout > 0.0 && args.probe_timeout <= 300.0)
    {
        anyhow::bail!("--probe-timeout must be between 0 and 300 seconds");
    }
    config.timeout = Duration::from_secs_f64(args.probe_timeout);
    config.connect_timeout = config.connect_timeout.min(config.timeout);
    config.extra_ca_file = args.ca_file.clone();
    for prefix in &args.nat64_prefixes {
        let prefix = prefix.trunc();
        if !config.nat64_prefixes.contains(&prefix) {
            config.nat64_prefixes.push(prefix);
        }
    }
    Ok(config)
}

/// The `--ca-file` certificates for the delivery stage, checked at start-up.
fn extra_roots(args: &ServeArgs) -> anyhow::Result<Option<delivery::ExtraRoots>> {
    args.ca_file
        .as_deref()
        .map(|path| delivery::ExtraRoots::read(path).map_err(|e| anyhow::anyhow!("--ca-file: {e}")))
        .transpose()
}

/// The dashboard's public base URL, checked at start-up.
fn public_url(args: &ServeArgs) -> anyhow::Result<Option<url::Url>> {
    match args.public_url.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => delivery::message::public_base(text)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("--public-url: {e}")),
    }
}

/// The verdict job's settings the serve flags ask for.
/// A judgement's hard timeout is 24 probe timeouts (2 minutes by default): a page with many
/// dependency hosts takes several rounds of them.
fn verdict_settings(
    args: &ServeArgs,
    probe_timeout: Duration,
) -> anyhow::Result<verdicts::VerdictJobSettings> {
    if !(10..=86_400).contains(&args.verdict_interval) {
        anyhow::bail!("--verdict-interval must be between 10 and 86400 seconds");
    }
    Ok(verdicts::VerdictJobSettings {
        interval: Duration::from_secs(args.verdict_interval),
        judge_timeout: probe_timeout * 24,
        ..verdicts::VerdictJobSettings::default()
    })
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
    use super::*;
    use clap::Parser;

    #[test]
    fn the_verdict_interval_is_bounded_and_the_judge_timeout_follows_the_probes() {
        let args = |interval: &str| {
            crate::cli::Cli::try_parse_from(["v6watch", "--verdict-interval", interval])
                .unwrap()
                .serve
        };
        let probe = Duration::from_secs(5);
        assert!(verdict_settings(&args("5"), probe).is_err());
        assert!(verdict_settings(&args("100000"), probe).is_err());
        let settings = verdict_settings(&args("600"), probe).unwrap();
        assert_eq!(
            (settings.interval, settings.judge_timeout),
            (Duration::from_secs(600), Duration::from_secs(120))
        );
    }
}
