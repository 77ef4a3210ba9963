//! Verdict stage, scheduled: the services to judge and the verdicts in the SQLite store.

use super::{VerdictStore, Wanted};
use crate::scheduler::unix_ms;
use anyhow::Context;
use app::store::verdicts;
use sqlx::SqlitePool;
use verdict::ServiceVerdict;

/// The real [`VerdictStore`].
pub struct SqliteVerdicts {
    pool: SqlitePool,
}

impl SqliteVerdicts {
    pub fn new(pool: SqlitePool) -> Self {
        SqliteVerdicts { pool }
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
        verdicts::save(&self.pool, service_id, unix_ms(), &verdict)
            .await
            .context("writing a verdict")
    }
}
