//! The alert stage's SQL: reads new results and verdict events after the persisted cursors,
//! the inventory's topology and the mutes; writes state, incidents and outbox rows in one
//! transaction.

use super::detector::Output;
use super::incident::Change;
use super::observation::{Mute, ResultRow, Sample, VerdictEvent};
use super::rules::Thresholds;
use super::state::State;
use super::subject::{InventoryRows, Subject, SubjectKind, Topology};
use anyhow::Context;
use sqlx::SqlitePool;
use store::checks::SpecJson;

/// Where the detector stands.
#[derive(Clone, Debug, Default)]
pub struct Persisted {
    pub state: State,
    pub results_after: i64,
    pub verdicts_after: i64,
    /// The detector has never run on this database.
    pub first_run: bool,
}

/// On its first run the detector starts this far back, not at the oldest kept result, so an
/// upgrade does not replay a week of history as fresh alerts.
pub const FIRST_RUN_LOOKBACK_MS: i64 = 15 * 60 * 1000;

pub async fn load_state(pool: &SqlitePool) -> anyhow::Result<Persisted> {
    let row: Option<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT results_after, verdicts_after, state, updated_at FROM alert_state WHERE id = 1",
    )
    .fetch_optional(pool)
    .await?;
    let Some((results_after, verdicts_after, state, updated_at)) = row else {
        return Ok(Persisted {
            first_run: true,
            ..Persisted::default()
        });
    };
    let state = serde_json::from_str(&state).context("reading the stored alert state")?;
    Ok(Persisted {
        state,
        results_after,
        verdicts_after,
        first_run: updated_at == 0,
    })
}

/// The newest result and verdict event ids from before `at` (Unix ms).
pub async fn ids_before(pool: &SqlitePool, at: i64) -> anyhow::Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM results WHERE at < ?1),
                (SELECT COALESCE(MAX(id), 0) FROM verdict_events WHERE at < ?1)",
    )
    .bind(at)
    .fetch_one(pool)
    .await?)
}

type ResultDbRow = (
    i64,
    i64,
    i64,
    String,
    Option<String>,
    String,
    bool,
    Option<f64>,
);

/// Up to `limit` results after id `after`, in id order, with the id of the last one.
pub async fn new_results(
    pool: &SqlitePool,
    after: i64,
    limit: i64,
) -> anyhow::Result<(Vec<ResultRow>, Option<i64>)> {
    let rows: Vec<ResultDbRow> = sqlx::query_as(
        "SELECT id, check_id, at, family, address, reason, ok, latency_ms FROM results
          WHERE id > ? ORDER BY id LIMIT ?",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let last = rows.last().map(|r| r.0);
    let rows = rows
        .into_iter()
        .map(
            |(_, check_id, at, family, address, reason, ok, latency_ms)| ResultRow {
                check_id,
                at,
                family,
                sample: Sample {
                    ok,
                    reason,
                    address,
                    latency_ms,
                },
            },
        )
        .collect();
    Ok((rows, last))
}

type VerdictDbRow = (i64, i64, i64, Option<String>, String, String, String);

fn parse_verdict(text: &str) -> Option<verdict::Verdict> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).ok()
}

/// Up to `limit` verdict events after id `after`; rows that cannot be read are skipped.
pub async fn new_verdicts(
    pool: &SqlitePool,
    after: i64,
    limit: i64,
) -> anyhow::Result<(Vec<VerdictEvent>, Option<i64>)> {
    let rows: Vec<VerdictDbRow> = sqlx::query_as(
        "SELECT id, service_id, at, verdict_before, verdict_after, changes, report_after
           FROM verdict_events WHERE id > ? ORDER BY id LIMIT ?",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let last = rows.last().map(|r| r.0);
    let mut events = Vec::new();
    for (id, service_id, at, before, after, changes, report) in rows {
        let (Some(after), Ok(changes)) = (parse_verdict(&after), serde_json::from_str(&changes))
        else {
            tracing::warn!(id, "unreadable verdict event skipped");
            continue;
        };
        let addresses = serde_json::from_str::<verdict::ServiceVerdict>(&report)
            .map(|r| r.addresses)
            .unwrap_or_default();
        events.push(VerdictEvent {
            service_id,
            at,
            before: before.as_deref().and_then(parse_verdict),
            after,
            changes,
            addresses,
        });
    }
    Ok((events, last))
}

/// What is probed, readable, and the echo address of an ICMP check.
fn target(spec: &str) -> (String, Option<std::net::IpAddr>) {
    match serde_json::from_str::<SpecJson>(spec) {
        Ok(SpecJson::Icmp { address }) => (address.to_string(), Some(address)),
        Ok(SpecJson::Dns { name }) => (name, None),
        Ok(SpecJson::Tcp { host, port }) => (format!("{host} port {port}"), None),
        Ok(SpecJson::Http { url, .. }) => (url, None),
        Err(_) => (spec.to_string(), None),
    }
}

pub async fn topology(pool: &SqlitePool) -> anyhow::Result<Topology> {
    let checks: Vec<(i64, String, i64, String)> =
        sqlx::query_as("SELECT id, subject_kind, subject_id, spec FROM checks")
            .fetch_all(pool)
            .await?;
    let thresholds: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT check_id, fail_after, recover_after FROM check_alert_thresholds")
            .fetch_all(pool)
            .await?;
    let rows = InventoryRows {
        checks: checks
            .into_iter()
            .map(|(id, kind, subject_id, spec)| {
                let (text, echo) = target(&spec);
                (id, kind, subject_id, text, echo)
            })
            .collect(),
        thresholds: thresholds
            .into_iter()
            .map(|(id, fail, recover)| {
                (
                    id,
                    Thresholds {
                        fail_after: u32::try_from(fail).unwrap_or(2).max(1),
                        recover_after: u32::try_from(recover).unwrap_or(2).max(1),
                    },
                )
            })
            .collect(),
        hosts: sqlx::query_as("SELECT id, name FROM hosts")
            .fetch_all(pool)
            .await?,
        containers: sqlx::query_as("SELECT id, name, host_id FROM containers")
            .fetch_all(pool)
            .await?,
        services: sqlx::query_as("SELECT id, name, host_id, container_id FROM services")
            .fetch_all(pool)
            .await?,
        host_addresses: sqlx::query_as(
            "SELECT host_id, address FROM addresses WHERE host_id IS NOT NULL",
        )
        .fetch_all(pool)
        .await?,
        tunnels: sqlx::query_as("SELECT id, name, remote_v6, routed_prefixes FROM tunnels")
            .fetch_all(pool)
            .await?,
    };
    Ok(Topology::build(&rows))
}

/// The mutes still in force at `now`.
pub async fn mutes(pool: &SqlitePool, now: i64) -> anyhow::Result<Vec<Mute>> {
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT subject_kind, subject_id, until FROM alert_mutes WHERE until > ?")
            .bind(now)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, id, until)| {
            SubjectKind::parse(&kind).map(|kind| Mute {
                subject: Subject::new(kind, id),
                until,
            })
        })
        .collect())
}

/// Stores the detector's output and the new cursors in one transaction.
pub async fn save(
    pool: &SqlitePool,
    output: &Output,
    results_after: i64,
    verdicts_after: i64,
    now: i64,
) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    for change in &output.changes {
        match change {
            Change::Opened(i) => {
                sqlx::query(
                    "INSERT INTO incidents (id, rule, severity, subject_kind, subject_id, subject_name,
                        check_id, opened_at, title, before, after, evidence, folded_into, muted)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(i.id)
                .bind(i.rule.as_str())
                .bind(i.severity.as_str())
                .bind(i.subject.kind.as_str())
                .bind(i.subject.id)
                .bind(&i.subject_name)
                .bind(i.check_id)
                .bind(i.opened_at)
                .bind(&i.title)
                .bind(&i.before)
                .bind(&i.after)
                .bind(serde_json::to_string(&i.evidence)?)
                .bind(i.folded_into)
                .bind(i.muted)
                .execute(&mut *tx)
                .await?;
            }
            Change::Resolved { id, at } => {
                sqlx::query("UPDATE incidents SET resolved_at = ? WHERE id = ?")
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            Change::Folded { id, into } => {
                sqlx::query("UPDATE incidents SET folded_into = ? WHERE id = ?")
                    .bind(into)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    for notice in &output.notices {
        sqlx::query(
            "INSERT INTO alert_notifications (incident_id, at, kind, severity, subject_kind,
                subject_id, title, body, path, details)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(notice.incident_id)
        .bind(notice.at)
        .bind(notice.kind.as_str())
        .bind(notice.severity.as_str())
        .bind(notice.subject.kind.as_str())
        .bind(notice.subject.id)
        .bind(&notice.title)
        .bind(&notice.body)
        .bind(notice.path())
        .bind(notice.details.to_string())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO alert_state (id, results_after, verdicts_after, state, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET results_after = ?1, verdicts_after = ?2, state = ?3,
             updated_at = ?4",
    )
    .bind(results_after)
    .bind(verdicts_after)
    .bind(serde_json::to_string(&output.state)?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
