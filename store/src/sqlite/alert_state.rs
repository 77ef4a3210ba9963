//! The alert stage's tables: its cursors and state (`alert_state`), the verdict events it
//! reads after its cursor (results come from `results::after`), the inventory links and
//! mutes it folds by, and its writes (incidents, outbox messages) in one transaction.

use super::Result;
use model::SubjectKind;
use model::topology::{LinkRows, TunnelLink};
use probes::ProbeSpec;
use sqlx::SqlitePool;

/// Where the detector stands: its read cursors and its state as JSON.
#[derive(Clone, Debug, Default, PartialEq, sqlx::FromRow)]
pub struct AlertCursor {
    pub results_after: i64,
    pub verdicts_after: i64,
    pub state: String,
    /// Unix ms of the last save; 0 before the detector's first run.
    pub updated_at: i64,
}

pub async fn cursor(pool: &SqlitePool) -> Result<Option<AlertCursor>> {
    Ok(sqlx::query_as(
        "SELECT results_after, verdicts_after, state, updated_at FROM alert_state WHERE id = 1",
    )
    .fetch_optional(pool)
    .await?)
}

/// The newest result and verdict event ids from before `at` (Unix ms).
pub async fn ids_before(pool: &SqlitePool, at: i64) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM results WHERE at < ?1),
                (SELECT COALESCE(MAX(id), 0) FROM verdict_events WHERE at < ?1)",
    )
    .bind(at)
    .fetch_one(pool)
    .await?)
}

/// Which of `checks` passed over IPv6 in a result with id up to `through` (the detector's
/// read cursor), or in an hourly rollup of an hour that ended before the first result after
/// it (the raw results of older hours may be pruned).
pub async fn passed_over_ipv6(pool: &SqlitePool, checks: &[i64], through: i64) -> Result<Vec<i64>> {
    let ids = serde_json::to_string(checks).unwrap_or_else(|_| "[]".into());
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT c.id FROM checks c
          WHERE c.id IN (SELECT value FROM json_each(?1))
            AND (EXISTS (SELECT 1 FROM results r
                          WHERE r.check_id = c.id AND r.family = 'v6' AND r.ok = 1 AND r.id <= ?2)
                 OR EXISTS (SELECT 1 FROM result_rollups u
                             WHERE u.check_id = c.id AND u.family = 'v6' AND u.ok_count > 0
                               AND (u.hour + 3600) * 1000 <= COALESCE(
                                   (SELECT MIN(n.at) FROM results n
                                     WHERE n.check_id = c.id AND n.id > ?2),
                                   9223372036854775807)))",
    )
    .bind(ids)
    .bind(through)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// One verdict event the detector has not seen, as stored (verdicts and changes as JSON).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct NewVerdictEvent {
    pub id: i64,
    pub service_id: i64,
    pub at: i64,
    pub verdict_before: Option<String>,
    pub verdict_after: String,
    pub changes: String,
    pub report_after: String,
}

/// Up to `limit` verdict events after id `after`, in id order.
pub async fn verdict_events_after(
    pool: &SqlitePool,
    after: i64,
    limit: i64,
) -> Result<Vec<NewVerdictEvent>> {
    Ok(sqlx::query_as(
        "SELECT id, service_id, at, verdict_before, verdict_after, changes, report_after
           FROM verdict_events WHERE id > ? ORDER BY id LIMIT ?",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// How the inventory hangs together, for root-cause folding.
#[derive(Clone, Debug, Default)]
pub struct InventoryLinks {
    /// id, subject kind, subject id, spec (the stored text when it cannot be read).
    pub checks: Vec<(i64, String, i64, std::result::Result<ProbeSpec, String>)>,
    /// check id, fail after, recover after.
    pub thresholds: Vec<(i64, i64, i64)>,
    pub links: LinkRows,
}

pub async fn inventory_links(pool: &SqlitePool) -> Result<InventoryLinks> {
    let checks: Vec<(i64, String, i64, String)> =
        sqlx::query_as("SELECT id, subject_kind, subject_id, spec FROM checks")
            .fetch_all(pool)
            .await?;
    Ok(InventoryLinks {
        checks: checks
            .into_iter()
            .map(|(id, kind, subject_id, spec)| {
                let parsed = serde_json::from_str::<ProbeSpec>(&spec).map_err(|_| spec);
                (id, kind, subject_id, parsed)
            })
            .collect(),
        thresholds: sqlx::query_as(
            "SELECT check_id, fail_after, recover_after FROM check_alert_thresholds",
        )
        .fetch_all(pool)
        .await?,
        links: link_rows(pool).await?,
    })
}

/// id, name, remote IPv6 address, routed prefixes (one per line), host id.
type TunnelRow = (i64, String, Option<String>, String, Option<i64>);

/// How the inventory hangs together: what the alert stage folds by and the overview nests by.
pub async fn link_rows(pool: &SqlitePool) -> Result<LinkRows> {
    let tunnels: Vec<TunnelRow> =
        sqlx::query_as("SELECT id, name, remote_v6, routed_prefixes, host_id FROM tunnels")
            .fetch_all(pool)
            .await?;
    Ok(LinkRows {
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
        container_addresses: sqlx::query_as(
            "SELECT container_id, address FROM addresses WHERE container_id IS NOT NULL",
        )
        .fetch_all(pool)
        .await?,
        tunnels: tunnels
            .into_iter()
            .map(
                |(id, name, remote_v6, routed_prefixes, host_id)| TunnelLink {
                    id,
                    name,
                    remote_v6,
                    routed_prefixes,
                    host_id,
                },
            )
            .collect(),
    })
}

/// The mutes still in force at `now`: subject kind, subject id, until (Unix ms). Rows of an
/// unknown kind are left out.
pub async fn mutes_in_force(pool: &SqlitePool, now: i64) -> Result<Vec<(SubjectKind, i64, i64)>> {
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT subject_kind, subject_id, until FROM alert_mutes WHERE until > ?")
            .bind(now)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, id, until)| SubjectKind::parse(&kind).map(|k| (k, id, until)))
        .collect())
}

/// An incident the detector opened.
#[derive(Clone, Debug)]
pub struct NewIncident<'a> {
    pub id: i64,
    pub rule: &'a str,
    pub severity: &'a str,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub subject_name: &'a str,
    pub check_id: Option<i64>,
    pub opened_at: i64,
    pub title: &'a str,
    pub before: &'a str,
    pub after: &'a str,
    /// JSON array of evidence lines.
    pub evidence: String,
    pub folded_into: Option<i64>,
    pub muted: bool,
}

/// What happened to one incident in a detector pass.
#[derive(Clone, Debug)]
pub enum IncidentWrite<'a> {
    Open(NewIncident<'a>),
    Resolve {
        id: i64,
        at: i64,
    },
    /// `into: None` unfolds it again.
    Fold {
        id: i64,
        into: Option<i64>,
    },
}

/// A message for the delivery stage's outbox.
#[derive(Clone, Debug)]
pub struct NewNotification<'a> {
    pub incident_id: i64,
    pub at: i64,
    pub kind: &'a str,
    pub severity: &'a str,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub path: String,
    pub details: String,
}

/// Stores a detector pass (incidents, outbox messages, the new cursor) in one transaction.
pub async fn save(
    pool: &SqlitePool,
    incidents: &[IncidentWrite<'_>],
    notifications: &[NewNotification<'_>],
    cursor: &AlertCursor,
) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    for write in incidents {
        match write {
            IncidentWrite::Open(i) => {
                sqlx::query(
                    "INSERT INTO incidents (id, rule, severity, subject_kind, subject_id, subject_name,
                        check_id, opened_at, title, before, after, evidence, folded_into, muted)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(i.id)
                .bind(i.rule)
                .bind(i.severity)
                .bind(i.subject_kind.as_str())
                .bind(i.subject_id)
                .bind(i.subject_name)
                .bind(i.check_id)
                .bind(i.opened_at)
                .bind(i.title)
                .bind(i.before)
                .bind(i.after)
                .bind(&i.evidence)
                .bind(i.folded_into)
                .bind(i.muted)
                .execute(&mut *tx)
                .await?;
            }
            IncidentWrite::Resolve { id, at } => {
                sqlx::query("UPDATE incidents SET resolved_at = ? WHERE id = ?")
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            IncidentWrite::Fold { id, into } => {
                sqlx::query("UPDATE incidents SET folded_into = ? WHERE id = ?")
                    .bind(into)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    for n in notifications {
        sqlx::query(
            "INSERT INTO alert_notifications (incident_id, at, kind, severity, subject_kind,
                subject_id, title, body, path, details)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(n.incident_id)
        .bind(n.at)
        .bind(n.kind)
        .bind(n.severity)
        .bind(n.subject_kind.as_str())
        .bind(n.subject_id)
        .bind(n.title)
        .bind(n.body)
        .bind(&n.path)
        .bind(&n.details)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO alert_state (id, results_after, verdicts_after, state, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET results_after = ?1, verdicts_after = ?2, state = ?3,
             updated_at = ?4",
    )
    .bind(cursor.results_after)
    .bind(cursor.verdicts_after)
    .bind(&cursor.state)
    .bind(cursor.updated_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
