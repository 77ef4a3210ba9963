//! The exposure scan's tables (migration 0016): opt-ins per host and container, the last scan
//! of each, and the exposure diff (ports open over IPv6, closed over IPv4) with first and last
//! seen. The scanner's inputs come from here and only here: the subject's inventory addresses.

use std::net::IpAddr;

use super::{Result, write_tx};
use model::SubjectKind;
use probes::portscan::{DiffUpdate, ExposedPort, ports::published_host_port};
use sqlx::SqlitePool;

/// An opted-in host or container and its last scan. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ExposureSubject {
    pub subject_kind: String,
    pub subject_id: i64,
    pub name: String,
    pub opted_in_at: i64,
    pub last_scan_at: Option<i64>,
    pub last_complete: bool,
    pub last_error: String,
}

const SUBJECTS: &str = "SELECT e.subject_kind, e.subject_id,
        COALESCE(h.name, c.name, '') AS name, e.opted_in_at, e.last_scan_at,
        e.last_complete, e.last_error
   FROM exposure_subjects e
   LEFT JOIN hosts h ON e.subject_kind = 'host' AND h.id = e.subject_id
   LEFT JOIN containers c ON e.subject_kind = 'container' AND c.id = e.subject_id";

/// Opt `subject` in (keeping an earlier opt-in's time and diff) or out (dropping its diff).
/// False when there is no such host or container (nothing is written then).
pub async fn set_opt_in(
    pool: &SqlitePool,
    kind: SubjectKind,
    id: i64,
    on: bool,
    now: i64,
) -> Result<bool> {
    let mut tx = write_tx(pool).await?;
    let table = match kind {
        SubjectKind::Container => "containers",
        _ => "hosts",
    };
    // `table` is one of two constants above.
    let exists: Option<(i64,)> = sqlx::query_as(&format!("SELECT 1 FROM {table} WHERE id = ?"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok(false);
    }
    if on {
        sqlx::query(
            "INSERT INTO exposure_subjects (subject_kind, subject_id, opted_in_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(kind.as_str())
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    } else {
        for table in ["exposure_subjects", "exposed_ports"] {
            // `table` is one of the two constants above, never user input.
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE subject_kind = ? AND subject_id = ?"
            ))
            .bind(kind.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// The opt-in and last scan of `subject`; None when it is not opted in.
pub async fn subject(
    pool: &SqlitePool,
    kind: SubjectKind,
    id: i64,
) -> Result<Option<ExposureSubject>> {
    Ok(sqlx::query_as(&format!(
        "{SUBJECTS} WHERE e.subject_kind = ? AND e.subject_id = ?"
    ))
    .bind(kind.as_str())
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// Whether `subject` is opted in.
pub async fn opted_in(pool: &SqlitePool, kind: SubjectKind, id: i64) -> Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM exposure_subjects WHERE subject_kind = ? AND subject_id = ?")
            .bind(kind.as_str())
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(row.is_some())
}

/// Every opted-in subject, by kind and name.
pub async fn subjects(pool: &SqlitePool) -> Result<Vec<ExposureSubject>> {
    Ok(
        sqlx::query_as(&format!("{SUBJECTS} ORDER BY e.subject_kind DESC, name"))
            .fetch_all(pool)
            .await?,
    )
}

/// Opted-in subjects never scanned, or last scanned at least `every` seconds before `now`.
pub async fn due(pool: &SqlitePool, now: i64, every: i64) -> Result<Vec<ExposureSubject>> {
    Ok(sqlx::query_as(&format!(
        "{SUBJECTS} WHERE e.last_scan_at IS NULL OR e.last_scan_at <= ?
          ORDER BY e.last_scan_at IS NOT NULL, e.last_scan_at"
    ))
    .bind(now.saturating_sub(every))
    .fetch_all(pool)
    .await?)
}

/// What a scan of `subject` may use: its inventory addresses (unparsable rows skipped), and
/// the ports its services and published ports name.
pub async fn scan_inputs(
    pool: &SqlitePool,
    kind: SubjectKind,
    id: i64,
) -> Result<(Vec<IpAddr>, Vec<u16>)> {
    let column = match kind {
        SubjectKind::Container => "container_id",
        _ => "host_id",
    };
    // `column` is one of two constants above.
    let addresses: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT address FROM addresses WHERE {column} = ? ORDER BY id"
    ))
    .bind(id)
    .fetch_all(pool)
    .await?;
    let addresses = addresses
        .iter()
        .filter_map(|(a,)| a.split('/').next().and_then(|a| a.trim().parse().ok()))
        .collect();
    let services: Vec<(i64,)> = sqlx::query_as(&format!(
        "SELECT port FROM services WHERE {column} = ? AND port IS NOT NULL"
    ))
    .bind(id)
    .fetch_all(pool)
    .await?;
    let mut ports: Vec<u16> = services
        .iter()
        .filter_map(|(p,)| u16::try_from(*p).ok())
        .collect();
    if kind == SubjectKind::Container {
        let published: Option<(String,)> =
            sqlx::query_as("SELECT published_ports FROM containers WHERE id = ?")
                .bind(id)
                .fetch_optional(pool)
                .await?;
        if let Some((text,)) = published {
            ports.extend(text.lines().filter_map(published_host_port));
        }
    }
    Ok((addresses, ports))
}

/// The exposure diff of `subject`, by port.
pub async fn diff(pool: &SqlitePool, kind: SubjectKind, id: i64) -> Result<Vec<ExposedPort>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT port, first_seen, last_seen FROM exposed_ports
          WHERE subject_kind = ? AND subject_id = ? ORDER BY port",
    )
    .bind(kind.as_str())
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(port, first_seen, last_seen)| {
            Some(ExposedPort {
                port: u16::try_from(port).ok()?,
                first_seen,
                last_seen,
            })
        })
        .collect())
}

/// A port new to the exposure diff, to alert on once: through the delivery stage's outbox
/// (rule `ipv6_only_port`), in the same transaction as the diff that holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExposureAlert {
    pub title: String,
    pub body: String,
    pub details: String,
}

/// Record one scan of `subject` at `now` (Unix seconds): the new diff and its alerts when it
/// ran, or why it did not.
pub async fn record_scan(
    pool: &SqlitePool,
    kind: SubjectKind,
    id: i64,
    now: i64,
    result: std::result::Result<(&DiffUpdate, bool), &str>,
    alerts: &[ExposureAlert],
) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    let (complete, error) = match result {
        Ok((_, complete)) => (complete, ""),
        Err(why) => (false, why),
    };
    sqlx::query(
        "UPDATE exposure_subjects SET last_scan_at = ?, last_complete = ?, last_error = ?
          WHERE subject_kind = ? AND subject_id = ?",
    )
    .bind(now)
    .bind(complete)
    .bind(error)
    .bind(kind.as_str())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if let Ok((update, _)) = result {
        sqlx::query("DELETE FROM exposed_ports WHERE subject_kind = ? AND subject_id = ?")
            .bind(kind.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for p in &update.current {
            sqlx::query(
                "INSERT INTO exposed_ports (subject_kind, subject_id, port, first_seen, last_seen)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(kind.as_str())
            .bind(id)
            .bind(i64::from(p.port))
            .bind(p.first_seen)
            .bind(p.last_seen)
            .execute(&mut *tx)
            .await?;
        }
    }
    for a in alerts {
        sqlx::query(
            "INSERT INTO alert_notifications (incident_id, at, kind, severity, subject_kind,
                subject_id, title, body, path, details)
             VALUES (NULL, ?, 'opened', 'warning', ?, ?, ?, ?, '/exposure', ?)",
        )
        .bind(now.saturating_mul(1000))
        .bind(kind.as_str())
        .bind(id)
        .bind(&a.title)
        .bind(&a.body)
        .bind(&a.details)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::test_pool;

    async fn host(pool: &SqlitePool, name: &str, addresses: &[&str]) -> i64 {
        let (id,): (i64,) = sqlx::query_as("INSERT INTO hosts (name) VALUES (?) RETURNING id")
            .bind(name)
            .fetch_one(pool)
            .await
            .unwrap();
        for a in addresses {
            sqlx::query("INSERT INTO addresses (host_id, address, kind) VALUES (?, ?, 'x')")
                .bind(id)
                .bind(a)
                .execute(pool)
                .await
                .unwrap();
        }
        id
    }

    #[tokio::test]
    async fn opt_in_scan_inputs_and_diff_round_trip() {
        let (pool, _dir) = test_pool().await;
        let web = host(&pool, "web", &["2001:db8::1", "192.0.2.1", "junk"]).await;
        let other = host(&pool, "other", &["2001:db8::2", "192.0.2.2"]).await;
        let kind = SubjectKind::Host;
        assert!(!opted_in(&pool, kind, web).await.unwrap(), "off by default");
        assert!(subjects(&pool).await.unwrap().is_empty());

        assert!(
            !set_opt_in(&pool, kind, 9999, true, 10).await.unwrap(),
            "no such host: nothing written"
        );
        assert!(subjects(&pool).await.unwrap().is_empty());
        assert!(set_opt_in(&pool, kind, web, true, 10).await.unwrap());
        assert_eq!(
            subject(&pool, kind, web)
                .await
                .unwrap()
                .map(|s| s.opted_in_at),
            Some(10)
        );
        assert_eq!(subject(&pool, kind, other).await.unwrap(), None);
        let due_now = due(&pool, 20, 3600).await.unwrap();
        assert_eq!(due_now.len(), 1, "only the opted-in host is due");
        assert_eq!(
            (due_now[0].subject_id, due_now[0].name.as_str()),
            (web, "web")
        );

        let (addresses, _) = scan_inputs(&pool, kind, web).await.unwrap();
        let want: Vec<IpAddr> = vec!["2001:db8::1".parse().unwrap(), "192.0.2.1".parse().unwrap()];
        assert_eq!(
            addresses, want,
            "the host's own addresses, nothing of {other}"
        );

        let update = DiffUpdate {
            current: vec![ExposedPort {
                port: 8086,
                first_seen: 20,
                last_seen: 20,
            }],
            opened: vec![8086],
            closed: vec![],
        };
        record_scan(&pool, kind, web, 20, Ok((&update, true)), &[])
            .await
            .unwrap();
        assert_eq!(diff(&pool, kind, web).await.unwrap(), update.current);
        assert!(due(&pool, 30, 3600).await.unwrap().is_empty());
        let s = &subjects(&pool).await.unwrap()[0];
        assert_eq!((s.last_scan_at, s.last_complete), (Some(20), true));

        record_scan(&pool, kind, web, 40, Err("not both families"), &[])
            .await
            .unwrap();
        assert_eq!(
            diff(&pool, kind, web).await.unwrap(),
            update.current,
            "kept"
        );
        assert_eq!(
            subjects(&pool).await.unwrap()[0].last_error,
            "not both families"
        );

        set_opt_in(&pool, kind, web, false, 50).await.unwrap();
        assert!(diff(&pool, kind, web).await.unwrap().is_empty());
        assert!(!opted_in(&pool, kind, web).await.unwrap());
    }
}
