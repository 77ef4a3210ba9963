//! What every request handler shares: one pool for the whole process, and the scheduler's
//! wake-up.

use crate::auth::throttle::LoginThrottle;
use crate::delivery::Courier;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sqlx::SqlitePool;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub throttle: Arc<LoginThrottle>,
    /// Wakes the scheduler to re-read the checks (after "Run now" or a toggle).
    pub wake: Arc<Notify>,
    /// Sends test alerts from the channel pages.
    pub courier: Arc<Courier>,
}
