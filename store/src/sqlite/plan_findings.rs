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
