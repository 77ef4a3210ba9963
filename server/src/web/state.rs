//! What every request handler shares: one pool for the whole process, and the scheduler's
//! wake-up.

use crate::delivery::Courier;
use crate::events::EventBus;
use crate::scheduler::lateness::Lateness;
use crate::scheduler::live_prober::LiveProber;
use crate::web::auth::throttle::LoginThrottle;
use app::queries::status::StatusBoard;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sqlx::SqlitePool;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub throttle: Arc<LoginThrottle>,
    /// Wakes the scheduler to re-read the checks (after "Run now" or a toggle).
    pub wake: Arc<Notify>,
    /// The running scheduler's lateness record (for `/metrics`).
    pub lateness: Arc<Mutex<Lateness>>,
    /// The token a Prometheus scraper sends; `None`: only signed-in users see `/metrics`.
    pub metrics_token: Option<Arc<str>>,
    /// Sends test alerts from the channel pages.
    pub courier: Arc<Courier>,
    /// What the background jobs just stored, for `GET /events`.
    pub events: EventBus,
    /// The jobs' prober, rebuilt when the settings change; None with `--no-scheduler`.
    pub probes: Option<Arc<LiveProber>>,
    /// The self-test's findings, refreshed after the settings change.
    pub board: StatusBoard,
}
