//! Scheduler stage: the checks and results in the SQLite store.

use super::schedule::CheckDef;
use super::{CheckStore, Loaded, NewResult};
use crate::events::{Changed, EventBus};
use anyhow::Context;
use probes::ProbeSpec;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::{checks, results};

/// The real [`CheckStore`]: syncs the checks with the inventory on every load.
pub struct SqliteChecks {
    pool: SqlitePool,
    /// Parsed specs by their JSON, so a reload does not parse 10,000 specs again.
    parsed: Mutex<HashMap<String, Arc<ProbeSpec>>>,
    /// Told after each stored batch.
    events: Option<EventBus>,
}

impl SqliteChecks {
    pub fn new(pool: SqlitePool) -> Self {
        SqliteChecks {
            pool,
            parsed: Mutex::new(HashMap::new()),
            events: None,
        }
    }

    /// Publishes [`Changed::Results`] on `events` after each stored batch.
    pub fn publishing(mut self, events: EventBus) -> Self {
        self.events = Some(events);
        self
    }

    fn spec(&self, json: &str) -> Option<Arc<ProbeSpec>> {
        let mut parsed = self.parsed.lock().ok()?;
        if let Some(spec) = parsed.get(json) {
            return Some(spec.clone());
        }
        let spec = Arc::new(serde_json::from_str::<ProbeSpec>(json).ok()?);
        parsed.insert(json.to_string(), spec.clone());
        Some(spec)
    }
}

impl CheckStore for SqliteChecks {
    async fn load(&self) -> anyhow::Result<Loaded> {
        let synced = checks::sync_from_inventory(&self.pool)
            .await
            .context("syncing checks with the inventory")?;
        if synced.unscheduled > 0 {
            tracing::error!(
                unscheduled = synced.unscheduled,
                limit = checks::MAX_CHECKS,
                "the inventory asks for more checks than v6watch runs: {} are not scheduled \
                 (at most {} checks); remove hosts, addresses or services",
                synced.unscheduled,
                checks::MAX_CHECKS
            );
        }
        if synced.added + synced.removed > 0 {
            tracing::info!(
                added = synced.added,
                removed = synced.removed,
                "checks follow the inventory"
            );
        }
        let stored = checks::list(&self.pool).await.context("reading checks")?;
        let run_now = checks::take_run_requests(&self.pool)
            .await
            .context("reading run requests")?;
        let mut defs = Vec::with_capacity(stored.len());
        for check in stored {
            let Some(spec) = self.spec(&check.spec) else {
                tracing::warn!(check = check.id, spec = check.spec, "unreadable check spec");
                continue;
            };
            defs.push(CheckDef {
                id: check.id,
                spec,
                interval: Duration::from_secs(check.interval_secs.clamp(1, 86_400) as u64),
                enabled: check.enabled,
            });
        }
        Ok(Loaded {
            checks: defs,
            run_now,
        })
    }

    async fn save(&self, batch: Vec<NewResult>) -> anyhow::Result<()> {
        results::insert_batch(&self.pool, &batch)
            .await
            .context("writing results")?;
        if let Some(events) = &self.events {
            events.publish(Changed::Results);
        }
        Ok(())
    }
}
