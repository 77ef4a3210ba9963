//! The HTTP application: pages, form posts, sign-in, the API, metrics and live events,
//! behind the session, CSRF and security-header layers.

use crate::delivery::{self, Courier};
use crate::events::EventBus;
use crate::scheduler::lateness::Lateness;
use crate::scheduler::live_prober::LiveProber;
use crate::web::assets::{self, Bundle};
use crate::web::auth::{self, throttle::LoginThrottle};
use crate::web::host::{self, Site};
use crate::web::state::AppState;
use crate::web::{actions, api, live, metrics};
use app::assets::AssetPaths;
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
use sqlx::SqlitePool;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::Notify;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

/// The Content-Security-Policy of every answer that is not a rendered page: scripts only
/// from v6watch's own files (and its wasm), nothing inline.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     form-action 'self'; base-uri 'self'; object-src 'none'";

/// A rendered page's policy: besides v6watch's own files, only the inline scripts that
/// carry this response's nonce (the hydration bootstrap and the page's data).
fn page_policy(nonce: &str) -> String {
    CONTENT_SECURITY_POLICY.replacen(
        "script-src 'self'",
        &format!("script-src 'self' 'nonce-{nonce}'"),
        1,
    )
}

/// Puts the nonce leptos_axum made for this page (and wrote into its script tags) into the
/// page's Content-Security-Policy header. Outside a page render there is no nonce and the
/// plain policy applies.
fn provide_page_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    match HeaderValue::from_str(&page_policy(&nonce)) {
        Ok(value) => response.insert_header(header::CONTENT_SECURITY_POLICY, value),
        Err(err) => tracing::error!(error = %err, "unusable script nonce"),
    }
}

/// 200 while the database answers and takes a write; else 503 with the reason.
async fn healthz(State(pool): State<SqlitePool>) -> impl IntoResponse {
    if let Err(err) = store::ping(&pool).await {
        tracing::error!(error = %err, "health check: the database does not answer");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database unavailable: {err}\n"),
        );
    }
    match store::write_check(&pool).await {
        Ok(()) => (StatusCode::OK, "ok".to_string()),
        Err(err) => {
            tracing::error!(error = %err, "health check: the database cannot be written");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                match store::unwritable_reason(&err) {
                    Some(reason) => format!("database cannot be written: {reason}: {err}\n"),
                    None => format!("database cannot be written: {err}\n"),
                },
            )
        }
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
    /// The limit on failed sign-ins (tests give it their own clock).
    pub throttle: Arc<LoginThrottle>,
    /// The names v6watch answers to and the origin its forms come from.
    pub site: Site,
    /// The site's files built into the binary; None serves them from the site root.
    pub assets: Option<Arc<Bundle>>,
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
            throttle: Arc::new(LoginThrottle::default()),
            site: Site::default(),
            assets: None,
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
        throttle,
        site,
        assets,
    } = wiring;
    let site = Arc::new(site);
    let leptos_options = LeptosOptions::builder()
        .output_name("v6watch")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build();
    let state = AppState {
        leptos_options,
        pool: pool.clone(),
        throttle,
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
    let asset_paths = assets
        .as_ref()
        .map_or_else(AssetPaths::default, |bundle| bundle.paths().clone());
    let page_context = move || {
        provide_context(asset_paths.clone());
        provide_context(context_pool.clone());
        provide_context(board.clone());
        provide_context(probe_flags.clone());
        provide_page_policy();
    };
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    let pages = Router::new()
        .route("/healthz", get(healthz))
        .route(metrics::PATH, get(metrics::metrics))
        .route(live::PATH, get(live::events))
        .route("/actions/setup", post(auth::handlers::setup))
        .route("/actions/login", post(auth::handlers::login))
        .route("/actions/logout", post(auth::handlers::logout))
        .merge(actions::routes())
        .merge(api::routes(state.clone()))
        .leptos_routes_with_context(&state, routes, page_context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        });
    let pages = match assets {
        // Built-in files are answered before routing, and no directory is ever read: an
        // unknown path is the app's "not found" page.
        Some(bundle) => {
            let context = {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    page_context();
                }
            };
            let options = state.leptos_options.clone();
            pages
                .fallback(leptos_axum::render_app_to_stream_with_context(
                    context,
                    move || shell(options.clone()),
                ))
                .layer(axum::middleware::from_fn_with_state(
                    bundle,
                    assets::serve_files,
                ))
        }
        None => pages.fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context, shell)),
    };
    pages
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::guard::require_session,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            site.clone(),
            auth::csrf::reject_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(site, host::check_host))
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
