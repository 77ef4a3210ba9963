//! The service_verdicts, verdict_events and verdict_requests tables: the verdict stage's
//! results. The latest verdict of each service is replaced on every run; a first verdict, a
//! change of verdict, or a dependency host newly broken or recovered adds one event, which the
//! alert stage reads in id order with [`crate::alert_state::verdict_events_after`].

use super::{Result, StoreError};
use sqlx::SqlitePool;
use verdict::{ServiceVerdict, Verdict, VerdictChange};

/// The latest verdict of one service.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredVerdict {
    pub service_id: i64,
    /// Unix time in milliseconds.
    pub at: i64,
    pub report: ServiceVerdict,
}

/// One row of `verdict_events`.
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictEventRow {
    pub id: i64,
    pub service_id: i64,
    /// Unix time in milliseconds.
    pub at: i64,
    /// `None` for the service's first verdict.
    pub verdict_before: Option<Verdict>,
    pub verdict_after: Verdict,
    /// Empty for a first verdict.
    pub changes: Vec<VerdictChange>,
    pub report_before: Option<ServiceVerdict>,
    pub report_after: ServiceVerdict,
}

/// A service's latest verdict in brief, for lists: `verdict` is `None` until it is judged.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Badge {
    pub service_id: i64,
    pub name: String,
    pub kind: String,
    pub target: String,
    pub verdict: Option<String>,
    pub reason: Option<String>,
    pub at: Option<i64>,
}

/// An HTTP(S) service to judge: its id, URL and declared dependencies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToJudge {
    pub service_id: i64,
    pub url: String,
    pub declared: Vec<String>,
}

fn decode<T: serde::de::DeserializeOwned>(column: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| {
        StoreError::Database(sqlx::Error::ColumnDecode {
            index: column.to_string(),
            source: Box::new(e),
        })
    })
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Database(sqlx::Error::Encode(e.into())))
}

/// Stores a service's new verdict in one transaction: reads the previous one, replaces it, and
/// adds an event for a first verdict or a non-empty diff. Returns the event's id, if any. A
/// verdict for a service deleted meanwhile is dropped (`Ok(None)`).
pub async fn save(
    pool: &SqlitePool,
    service_id: i64,
    at: i64,
    report: &ServiceVerdict,
) -> Result<Option<i64>> {
    let mut tx = super::write_tx(pool).await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM services WHERE id = ?")
        .bind(service_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let before: Option<String> =
        sqlx::query_scalar("SELECT report FROM service_verdicts WHERE service_id = ?")
            .bind(service_id)
            .fetch_optional(&mut *tx)
            .await?;
    // An unreadable earlier report counts as none: the new verdict starts the history afresh.
    let before: Option<ServiceVerdict> = before.and_then(|json| serde_json::from_str(&json).ok());
    let changes = before.as_ref().map(|b| report.diff(b));
    let report_json = encode(report)?;
    sqlx::query(
        "INSERT INTO service_verdicts (service_id, at, verdict, reason, report) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (service_id) DO UPDATE SET
             at = excluded.at, verdict = excluded.verdict, reason = excluded.reason, report = excluded.report",
    )
    .bind(service_id)
    .bind(at)
    .bind(report.verdict.as_str())
    .bind(report.reason.map(|r| r.as_str()))
    .bind(&report_json)
    .execute(&mut *tx)
    .await?;
    let event = match (&before, &changes) {
        (Some(_), Some(changes)) if changes.is_empty() => None,
        _ => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO verdict_events
                     (service_id, at, verdict_before, verdict_after, changes, report_before, report_after)
                 VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(service_id)
            .bind(at)
            .bind(before.as_ref().map(|b| b.verdict.as_str()))
            .bind(report.verdict.as_str())
            .bind(encode(&changes.unwrap_or_default())?)
            .bind(before.as_ref().map(encode).transpose()?)
            .bind(&report_json)
            .fetch_one(&mut *tx)
            .await?;
            Some(id)
        }
    };
    tx.commit().await?;
    Ok(event)
}

/// The latest verdict of a service, if it has been judged.
pub async fn latest(pool: &SqlitePool, service_id: i64) -> Result<Option<StoredVerdict>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT at, report FROM service_verdicts WHERE service_id = ?")
            .bind(service_id)
            .fetch_optional(pool)
            .await?;
    row.map(|(at, report)| {
        Ok(StoredVerdict {
            service_id,
            at,
            report: decode("report", &report)?,
        })
    })
    .transpose()
}

/// Every service with its latest verdict in brief (none for services not judged yet), by name.
pub async fn badges(pool: &SqlitePool) -> Result<Vec<Badge>> {
    Ok(sqlx::query_as(
        "SELECT s.id AS service_id, s.name, s.kind, s.target, v.verdict, v.reason, v.at
           FROM services s LEFT JOIN service_verdicts v ON v.service_id = s.id
          ORDER BY s.name COLLATE NOCASE, s.id",
    )
    .fetch_all(pool)
    .await?)
}

/// HTTP(S) services (the ones judged) and any other service that has a verdict, in brief,
/// by name: what the overview lists, filtered here so unjudged kinds are never read.
pub async fn judged_kind_badges(pool: &SqlitePool) -> Result<Vec<Badge>> {
    Ok(sqlx::query_as(
        "SELECT s.id AS service_id, s.name, s.kind, s.target, v.verdict, v.reason, v.at
           FROM services s LEFT JOIN service_verdicts v ON v.service_id = s.id
          WHERE s.kind = 'http' OR v.verdict IS NOT NULL
          ORDER BY s.name COLLATE NOCASE, s.id",
    )
    .fetch_all(pool)
    .await?)
}

type EventRow = (
    i64,
    i64,
    i64,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
);

const EVENT_COLUMNS: &str =
    "id, service_id, at, verdict_before, verdict_after, changes, report_before, report_after";

fn event(row: EventRow) -> Result<VerdictEventRow> {
    let (id, service_id, at, before, after, changes, report_before, report_after) = row;
    // The verdict columns hold the same codes serde uses (CHECK constraints keep them so).
    let verdict = |code: &str| decode::<Verdict>("verdict", &format!("\"{code}\""));
    Ok(VerdictEventRow {
        id,
        service_id,
        at,
        verdict_before: before.as_deref().map(verdict).transpose()?,
        verdict_after: verdict(&after)?,
        changes: decode("changes", &changes)?,
        report_before: report_before
            .as_deref()
            .map(|r| decode("report_before", r))
            .transpose()?,
        report_after: decode("report_after", &report_after)?,
    })
}

/// A service's events, newest first.
pub async fn history(
    pool: &SqlitePool,
    service_id: i64,
    limit: i64,
) -> Result<Vec<VerdictEventRow>> {
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM verdict_events WHERE service_id = ? ORDER BY id DESC LIMIT ?"
    ))
    .bind(service_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(event).collect()
}

/// The HTTP(S) services the verdict job judges: kind `http` with an http(s) URL, unless the
/// user disabled the service's HTTP check.
pub async fn to_judge(pool: &SqlitePool) -> Result<Vec<ToJudge>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT s.id, s.target, s.dependencies FROM services s
          WHERE s.kind = 'http'
            AND NOT EXISTS (SELECT 1 FROM checks c WHERE c.subject_kind = 'service'
                              AND c.subject_id = s.id AND c.kind = 'http' AND c.enabled = 0)
          ORDER BY s.id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, target, _)| {
            url::Url::parse(target).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        })
        .map(|(service_id, url, deps)| ToJudge {
            service_id,
            url,
            declared: super::split_lines(&deps),
        })
        .collect())
}

/// Asks the verdict job to judge a service again as soon as it next looks.
pub async fn request(pool: &SqlitePool, service_id: i64, at: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO verdict_requests (service_id, at) VALUES (?, ?)
         ON CONFLICT (service_id) DO UPDATE SET at = excluded.at",
    )
    .bind(service_id)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(())
}

/// Takes the pending requests: returns their service ids and clears them.
pub async fn take_requests(pool: &SqlitePool) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("DELETE FROM verdict_requests RETURNING service_id")
            .fetch_all(pool)
            .await?,
    )
}

/// The verdict in force at `at`: that of the service's last event before it.
pub async fn verdict_before(pool: &SqlitePool, service_id: i64, at: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT verdict_after FROM verdict_events WHERE service_id = ? AND at < ?
         ORDER BY at DESC, id DESC LIMIT 1",
    )
    .bind(service_id)
    .bind(at)
    .fetch_optional(pool)
    .await?)
}

/// The service's events from `from` up to `to` (Unix ms, half-open) as (time, verdict after),
/// oldest first, at most `limit`.
pub async fn verdicts_between(
    pool: &SqlitePool,
    service_id: i64,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT at, verdict_after FROM verdict_events WHERE service_id = ? AND at >= ? AND at < ?
         ORDER BY at, id LIMIT ?",
    )
    .bind(service_id)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests;
