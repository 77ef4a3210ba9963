//! The alert stage's reads and writes, through the store: new results and verdict events
//! after the persisted cursors, the inventory's topology and the mutes; state, incidents
//! and outbox rows saved in one transaction.

use super::detector::Output;
use super::incident::IncidentChange;
use super::observation::{Mute, ResultRow, Sample, VerdictObservation};
use super::rules::Thresholds;
use super::state::State;
use super::subject::{InventoryRows, Subject, Topology};
use anyhow::Context;
use probes::ProbeSpec;
use sqlx::SqlitePool;
use std::collections::HashSet;
use store::alert_state::{self, AlertCursor, IncidentWrite, NewIncident, NewNotification};
use store::checks::spec_target;

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
    let Some(cursor) = alert_state::cursor(pool).await? else {
        return Ok(Persisted {
            first_run: true,
            ..Persisted::default()
        });
    };
    let state = serde_json::from_str(&cursor.state).context("reading the stored alert state")?;
    Ok(Persisted {
        state,
        results_after: cursor.results_after,
        verdicts_after: cursor.verdicts_after,
        first_run: cursor.updated_at == 0,
    })
}

/// The newest result and verdict event ids from before `at` (Unix ms).
pub async fn ids_before(pool: &SqlitePool, at: i64) -> anyhow::Result<(i64, i64)> {
    Ok(alert_state::ids_before(pool, at).await?)
}

/// Which of `checks` passed over IPv6 in a result up to id `through` (kept results or
/// their hourly rollups), that is before the detector read on.
pub async fn passed_before(
    pool: &SqlitePool,
    checks: &[i64],
    through: i64,
) -> anyhow::Result<HashSet<i64>> {
    if checks.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(alert_state::passed_over_ipv6(pool, checks, through)
        .await?
        .into_iter()
        .collect())
}

/// Up to `limit` results after id `after`, in id order, with the id of the last one.
pub async fn new_results(
    pool: &SqlitePool,
    after: i64,
    limit: i64,
) -> anyhow::Result<(Vec<ResultRow>, Option<i64>)> {
    let rows = store::results::after(pool, after, limit).await?;
    let last = rows.last().map(|r| r.id);
    let rows = rows
        .into_iter()
        .map(|r| ResultRow {
            check_id: r.check_id,
            at: r.at,
            family: r.family,
            sample: Sample {
                ok: r.ok,
                reason: r.reason,
                address: r.address,
                latency_ms: r.latency_ms,
            },
        })
        .collect();
    Ok((rows, last))
}

fn parse_verdict(text: &str) -> Option<verdict::Verdict> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).ok()
}

/// Up to `limit` verdict events after id `after`; rows that cannot be read are skipped.
pub async fn new_verdicts(
    pool: &SqlitePool,
    after: i64,
    limit: i64,
) -> anyhow::Result<(Vec<VerdictObservation>, Option<i64>)> {
    let rows = alert_state::verdict_events_after(pool, after, limit).await?;
    let last = rows.last().map(|r| r.id);
    let mut events = Vec::new();
    for row in rows {
        let (Some(after), Ok(changes)) = (
            parse_verdict(&row.verdict_after),
            serde_json::from_str(&row.changes),
        ) else {
            tracing::warn!(id = row.id, "unreadable verdict event skipped");
            continue;
        };
        let addresses = serde_json::from_str::<verdict::ServiceVerdict>(&row.report_after)
            .map(|r| r.addresses)
            .unwrap_or_default();
        events.push(VerdictObservation {
            service_id: row.service_id,
            at: row.at,
            before: row.verdict_before.as_deref().and_then(parse_verdict),
            after,
            changes,
            addresses,
        });
    }
    Ok((events, last))
}

/// What is probed, readable, and the echo address of an ICMP check.
fn target(spec: &Result<ProbeSpec, String>) -> (String, Option<std::net::IpAddr>) {
    match spec {
        Ok(spec @ ProbeSpec::Icmp { address }) => (spec_target(spec), Some(*address)),
        Ok(spec) => (spec_target(spec), None),
        Err(stored) => (stored.clone(), None),
    }
}

pub async fn topology(pool: &SqlitePool) -> anyhow::Result<Topology> {
    let links = alert_state::inventory_links(pool).await?;
    let rows = InventoryRows {
        checks: links
            .checks
            .iter()
            .map(|(id, kind, subject_id, spec)| {
                let (text, echo) = target(spec);
                (*id, kind.clone(), *subject_id, text, echo)
            })
            .collect(),
        thresholds: links
            .thresholds
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
        path_mtu_checks: links
            .checks
            .iter()
            .filter(|(_, _, _, spec)| matches!(spec, Ok(ProbeSpec::Pmtu { .. })))
            .map(|(id, ..)| *id)
            .collect(),
        links: links.links,
    };
    Ok(Topology::build(&rows))
}

/// The mutes still in force at `now`.
pub async fn mutes(pool: &SqlitePool, now: i64) -> anyhow::Result<Vec<Mute>> {
    Ok(alert_state::mutes_in_force(pool, now)
        .await?
        .into_iter()
        .map(|(kind, id, until)| Mute {
            subject: Subject::new(kind, id),
            until,
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
    let mut incidents = Vec::with_capacity(output.changes.len());
    for change in &output.changes {
        incidents.push(match change {
            IncidentChange::Opened(i) => IncidentWrite::Open(NewIncident {
                id: i.id,
                rule: i.rule.as_str(),
                severity: i.severity.as_str(),
                subject_kind: i.subject.kind,
                subject_id: i.subject.id,
                subject_name: &i.subject_name,
                check_id: i.check_id,
                opened_at: i.opened_at,
                title: &i.title,
                before: &i.before,
                after: &i.after,
                evidence: serde_json::to_string(&i.evidence)?,
                folded_into: i.folded_into,
                muted: i.muted,
            }),
            IncidentChange::Resolved { id, at } => IncidentWrite::Resolve { id: *id, at: *at },
            IncidentChange::Folded { id, into } => IncidentWrite::Fold {
                id: *id,
                into: *into,
            },
        });
    }
    let notifications: Vec<NewNotification> = output
        .notices
        .iter()
        .map(|n| NewNotification {
            incident_id: n.incident_id,
            at: n.at,
            kind: n.kind.as_str(),
            severity: n.severity.as_str(),
            subject_kind: n.subject.kind,
            subject_id: n.subject.id,
            title: &n.title,
            body: &n.body,
            path: n.path(),
            details: n.details.to_string(),
        })
        .collect();
    let cursor = AlertCursor {
        results_after,
        verdicts_after,
        state: serde_json::to_string(&output.state)?,
        updated_at: now,
    };
    alert_state::save(pool, &incidents, &notifications, &cursor).await?;
    Ok(())
}
