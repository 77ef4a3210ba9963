//! Address-plan findings: the pure rules run over the inventory on read, plus the DNS
//! rules' last scan, stored in `plan_dns_findings`.

use super::{Result, containers, hosts, prefixes, services};
use model::plan_rules::{self, Finding, Inventory};
use sqlx::SqlitePool;

/// The inventory the rules read, loaded whole.
pub struct Loaded {
    pub hosts: Vec<model::inventory::Host>,
    pub containers: Vec<model::inventory::Container>,
    pub prefixes: Vec<model::inventory::Prefix>,
    pub services: Vec<model::inventory::Service>,
}

impl Loaded {
    pub fn inventory(&self) -> Inventory<'_> {
        Inventory {
            hosts: &self.hosts,
            containers: &self.containers,
            prefixes: &self.prefixes,
            services: &self.services,
        }
    }
}

pub async fn load(pool: &SqlitePool) -> Result<Loaded> {
    Ok(Loaded {
        hosts: hosts::list(pool).await?,
        containers: containers::list(pool).await?,
        prefixes: prefixes::list(pool).await?,
        services: services::list(pool).await?,
    })
}

/// Every current finding: the pure rules now, then the last DNS scan.
pub async fn current(pool: &SqlitePool) -> Result<Vec<Finding>> {
    let loaded = load(pool).await?;
    let mut findings = plan_rules::check(&loaded.inventory());
    findings.extend(dns(pool).await?);
    Ok(findings)
}

/// The last DNS scan's findings; a row that no longer parses is skipped, not fatal.
pub async fn dns(pool: &SqlitePool) -> Result<Vec<Finding>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT finding FROM plan_dns_findings ORDER BY key")
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(json,)| serde_json::from_str(&json).ok())
        .collect())
}

/// Replaces the stored DNS findings with one scan's.
pub async fn replace_dns(pool: &SqlitePool, findings: &[Finding]) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM plan_dns_findings")
        .execute(&mut *tx)
        .await?;
    for f in findings {
        let json = serde_json::to_string(f).unwrap_or_default();
        sqlx::query("INSERT OR REPLACE INTO plan_dns_findings (key, finding) VALUES (?, ?)")
            .bind(f.key())
            .bind(json)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A message about address-plan problems for the channels (kind `opened`, no incident).
#[derive(Clone, Debug)]
pub struct PlanMessage {
    /// The first object concerned, for the message's link and mutes.
    pub subject_kind: String,
    pub subject_id: i64,
    pub title: String,
    pub body: String,
    /// A JSON object.
    pub details: String,
}

/// The problems among `findings` (severity `problem`) not told before, marked told at `now`
/// (Unix milliseconds), with `message(new)` queued for the channels in the same
/// transaction. The first watch of a database takes what is there as known and returns
/// nothing; a told problem that is no longer found is forgotten, so its return is new.
pub async fn watch(
    pool: &SqlitePool,
    findings: &[Finding],
    now: i64,
    message: impl FnOnce(&[Finding]) -> PlanMessage,
) -> Result<Vec<Finding>> {
    let problems: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == plan_rules::Severity::Problem)
        .collect();
    let mut tx = super::write_tx(pool).await?;
    let baseline: Option<i64> =
        sqlx::query_scalar("SELECT baseline_at FROM plan_watch WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
    let told: Vec<String> = sqlx::query_scalar("SELECT key FROM plan_problems_told")
        .fetch_all(&mut *tx)
        .await?;
    let keys: Vec<String> = problems.iter().map(|f| f.key()).collect();
    for gone in told.iter().filter(|k| !keys.contains(k)) {
        sqlx::query("DELETE FROM plan_problems_told WHERE key = ?")
            .bind(gone)
            .execute(&mut *tx)
            .await?;
    }
    let mut new = Vec::new();
    for (f, key) in problems.into_iter().zip(&keys) {
        if told.contains(key) || new.iter().any(|n: &Finding| &n.key() == key) {
            continue;
        }
        sqlx::query("INSERT OR IGNORE INTO plan_problems_told (key, first_seen) VALUES (?, ?)")
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        new.push(f.clone());
    }
    if baseline.is_none() {
        sqlx::query("INSERT INTO plan_watch (id, baseline_at) VALUES (1, ?)")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        new.clear();
    }
    if !new.is_empty() {
        let m = message(&new);
        sqlx::query(
            "INSERT INTO alert_notifications (incident_id, at, kind, severity, subject_kind,
                subject_id, title, body, path, details)
             VALUES (NULL, ?, 'opened', 'warning', ?, ?, ?, ?, '/prefixes', ?)",
        )
        .bind(now)
        .bind(&m.subject_kind)
        .bind(m.subject_id)
        .bind(&m.title)
        .bind(&m.body)
        .bind(&m.details)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::test_pool;
    use model::plan_rules::{PlanObject, Severity};

    fn finding(code: &str, subject: &str, severity: Severity) -> Finding {
        Finding {
            code: code.into(),
            severity,
            subject: subject.into(),
            objects: vec![PlanObject {
                kind: "host".into(),
                id: 1,
                label: "nas".into(),
                link: "/hosts/1".into(),
            }],
            field: "addresses".into(),
            explanation: format!("{code} {subject}"),
            action: "fix it".into(),
        }
    }

    fn message(new: &[Finding]) -> PlanMessage {
        PlanMessage {
            subject_kind: "host".into(),
            subject_id: 1,
            title: format!("{} new", new.len()),
            body: String::new(),
            details: "{}".into(),
        }
    }

    async fn messages(pool: &SqlitePool) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT title FROM alert_notifications WHERE path = '/prefixes' ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    }

    /// What the first watch finds is known; a new problem is told once, a warning never,
    /// and a problem that goes and comes back is told again.
    #[tokio::test]
    async fn new_problems_are_told_once_and_old_ones_never() {
        let (pool, _dir) = test_pool().await;
        let old = finding("duplicate_address", "2001:db8::1", Severity::Problem);
        let new = finding("not_global", "fe80::1", Severity::Problem);
        let warning = finding("outside_prefixes", "2001:db8::9", Severity::Warning);

        assert!(
            watch(&pool, std::slice::from_ref(&old), 1, message)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            messages(&pool).await.is_empty(),
            "the baseline sends nothing"
        );

        let all = [old.clone(), new.clone(), warning];
        assert_eq!(
            watch(&pool, &all, 2, message).await.unwrap(),
            std::slice::from_ref(&new)
        );
        assert!(watch(&pool, &all, 3, message).await.unwrap().is_empty());
        assert_eq!(messages(&pool).await, ["1 new"]);

        // Fixed, then back: told again.
        assert!(
            watch(&pool, std::slice::from_ref(&old), 4, message)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(watch(&pool, &all, 5, message).await.unwrap(), [new]);
        assert_eq!(messages(&pool).await, ["1 new", "1 new"]);
    }
}
