//! Verdict stage, scheduled: the services to judge and the verdicts in the SQLite store.

use super::{VerdictStore, Wanted};
use crate::events::{Changed, EventBus};
use crate::scheduler::unix_ms;
use anyhow::Context;
use sqlx::SqlitePool;
use store::verdicts;
use verdict::ServiceVerdict;

/// The real [`VerdictStore`].
pub struct SqliteVerdicts {
    pool: SqlitePool,
    /// Told after each stored verdict.
    events: Option<EventBus>,
}

impl SqliteVerdicts {
    pub fn new(pool: SqlitePool) -> Self {
        SqliteVerdicts { pool, events: None }
    }

    /// Publishes [`Changed::Verdict`] on `events` after each stored verdict.
    pub fn publishing(mut self, events: EventBus) -> Self {
        self.events = Some(events);
        self
    }
}

impl VerdictStore for SqliteVerdicts {
    async fn load(&self) -> anyhow::Result<Wanted> {
        let services = verdicts::to_judge(&self.pool)
            .await
            .context("reading the services to judge")?;
        let run_now = verdicts::take_requests(&self.pool)
            .await
            .context("reading verdict requests")?;
        Ok(Wanted { services, run_now })
    }

    async fn save(&self, service_id: i64, verdict: ServiceVerdict) -> anyhow::Result<Option<i64>> {
        let saved = verdicts::save(&self.pool, service_id, unix_ms(), &verdict)
            .await
            .context("writing a verdict")?;
        if let Some(events) = &self.events {
            events.publish(Changed::Verdict);
        }
        Ok(saved)
    }
}
