//! Imports and the inventory file on the store's side: the whole inventory read as an
//! [`InventoryFile`] (what a plan is worked out against, and what `export` writes), and a
//! plan applied in one transaction: all of it or, on any refusal, none of it.

use super::{Result, StoreError, channels, checks, containers, hosts, prefixes, services, tunnels};
use model::import::file::{
    ChannelEntry, CheckEntry, ContainerEntry, HostEntry, InventoryFile, PrefixEntry, ServiceEntry,
    TunnelEntry, smtp_destination,
};
use model::import::plan::{Action, Entry, Plan, PlanRow};
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashMap;

/// A check as the snapshot reads it: subject kind and id, spec, interval, switch, thresholds.
type CheckRow = (String, i64, String, i64, bool, Option<i64>, Option<i64>);

/// Everything stored, keyed by names: the inventory file of this database.
pub async fn snapshot(pool: &SqlitePool) -> Result<InventoryFile> {
    let mut file = InventoryFile::default();
    let address_texts =
        |a: &[model::inventory::Address]| a.iter().map(|a| a.address.clone()).collect();
    let mut host_names = HashMap::new();
    for h in hosts::list(pool).await? {
        host_names.insert(h.id, h.name.clone());
        file.hosts.push(HostEntry {
            name: h.name,
            dns_name: h.dns_name,
            addresses: address_texts(&h.addresses),
            tags: h.tags,
            notes: h.notes,
        });
    }
    let mut container_names = HashMap::new();
    for c in containers::list(pool).await? {
        container_names.insert(c.id, (c.host_name.clone(), c.name.clone()));
        file.containers.push(ContainerEntry {
            host: c.host_name,
            name: c.name,
            runtime: c.runtime,
            network_mode: c.network_mode,
            published_ports: c.published_ports,
            addresses: address_texts(&c.addresses),
            notes: c.notes,
        });
    }
    for p in prefixes::list(pool).await? {
        file.prefixes.push(PrefixEntry {
            cidr: p.cidr,
            purpose: p.purpose,
        });
    }
    for t in tunnels::list(pool).await? {
        let (local_v6, remote_v6) = (t.with_length(&t.local_v6), t.with_length(&t.remote_v6));
        file.tunnels.push(TunnelEntry {
            name: t.name,
            kind: t.kind,
            broker: t.broker,
            local_endpoint: t.local_endpoint,
            remote_endpoint: t.remote_endpoint,
            local_v6,
            remote_v6,
            mtu: t.mtu,
            routed_prefixes: t.routed_prefixes,
            host: t.host_name,
        });
    }
    let mut service_names = HashMap::new();
    for s in services::list(pool).await? {
        let (host, container) = match (s.host_id, s.container_id) {
            (Some(h), _) => (host_names.get(&h).cloned().unwrap_or_default(), None),
            (None, Some(c)) => {
                let (h, c) = container_names.get(&c).cloned().unwrap_or_default();
                (h, Some(c))
            }
            (None, None) => continue,
        };
        service_names.insert(s.id, (host.clone(), container.clone(), s.name.clone()));
        file.services.push(ServiceEntry {
            name: s.name,
            host,
            container,
            kind: s.kind,
            target: s.target,
            port: s.port,
            expected_status: s.expected_status,
            dependencies: s.dependencies,
        });
    }
    let rows: Vec<CheckRow> = sqlx::query_as(
        "SELECT c.subject_kind, c.subject_id, c.spec, c.interval_secs, c.enabled,
                t.fail_after, t.recover_after
           FROM checks c LEFT JOIN check_alert_thresholds t ON t.check_id = c.id ORDER BY c.id",
    )
    .fetch_all(pool)
    .await?;
    for (kind, id, spec, interval_secs, enabled, fail, recover) in rows {
        let (host, container, service) = match kind.as_str() {
            "host" => match host_names.get(&id) {
                Some(h) => (h.clone(), None, None),
                None => continue,
            },
            "container" => match container_names.get(&id) {
                Some((h, c)) => (h.clone(), Some(c.clone()), None),
                None => continue,
            },
            _ => match service_names.get(&id) {
                Some((h, c, s)) => (h.clone(), c.clone(), Some(s.clone())),
                None => continue,
            },
        };
        file.checks.push(CheckEntry {
            host,
            container,
            service,
            target: checks::target_text(&spec),
            interval_secs,
            enabled,
            fail_after: fail.unwrap_or(2),
            recover_after: recover.unwrap_or(2),
        });
    }
    for c in super::channels::list(pool).await? {
        let email = c.kind == "email";
        let destination = match (&c.url_origin, &c.smtp_host) {
            (Some(origin), _) => origin.clone(),
            (None, Some(host)) => smtp_destination(host, c.smtp_port.unwrap_or(25)),
            (None, None) => String::new(),
        };
        file.channels.push(ChannelEntry {
            name: c.name,
            kind: c.kind,
            enabled: c.enabled,
            destination,
            preset: (!email).then_some(c.webhook_preset),
            secret_header: c.secret_header.filter(|_| !email),
            security: email.then_some(c.smtp_security),
            username: c.smtp_username.filter(|_| email),
            from: c.mail_from.filter(|_| email),
            to: if email { c.mail_to } else { Vec::new() },
            ..ChannelEntry::default()
        });
    }
    file.sort();
    Ok(file)
}

/// Drops from `desired` the secrets its channels already store, so a file that carries
/// them plans as unchanged the second time. The values are compared here, in the store,
/// and never put in a plan.
pub async fn drop_stored_secrets(pool: &SqlitePool, desired: &mut InventoryFile) -> Result<()> {
    for c in &mut desired.channels {
        // Stored as the form stores it; a URL that does not parse is the plan's to refuse.
        let canonical_url = c
            .url
            .as_deref()
            .map(|u| model::domain::parse_http_url(u).map_or(u.to_string(), |u| u.to_string()));
        if c.has_secrets()
            && channels::stores_secrets(
                pool,
                c.name.trim(),
                canonical_url.as_deref(),
                c.secret.as_deref(),
                c.password.as_deref(),
            )
            .await?
        {
            *c = c.without_secrets();
        }
    }
    Ok(())
}

/// What an apply did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub created: usize,
    pub updated: usize,
    pub deleted: usize,
}

/// A refusal while applying, naming the record: the whole apply is rolled back.
fn refused(row: &PlanRow, message: impl std::fmt::Display) -> StoreError {
    StoreError::Conflict {
        field: "import",
        message: format!("{}: {message}", row.id()),
    }
}

fn invalid(row: &PlanRow, errors: &model::domain::FieldErrors) -> StoreError {
    let detail = errors
        .0
        .iter()
        .map(|(f, m)| format!("{f}: {m}"))
        .collect::<Vec<_>>()
        .join("; ");
    refused(row, detail)
}

async fn id_of(
    tx: &mut SqliteConnection,
    row: &PlanRow,
    sql: &'static str,
    binds: &[&str],
) -> Result<i64> {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        query = query.bind(*b);
    }
    query.fetch_optional(&mut *tx).await?.ok_or_else(|| {
        refused(
            row,
            "a record it refers to is not stored (left out of this apply, or deleted meanwhile)",
        )
    })
}

const HOST_ID: &str = "SELECT id FROM hosts WHERE name = ?";
const CHANNEL_ID: &str = "SELECT id FROM channels WHERE name = ?";
const CONTAINER_ID: &str = "SELECT c.id FROM containers c JOIN hosts h ON h.id = c.host_id WHERE h.name = ? AND c.name = ?";

async fn container_id(
    tx: &mut SqliteConnection,
    row: &PlanRow,
    host: &str,
    name: &str,
) -> Result<i64> {
    id_of(tx, row, CONTAINER_ID, &[host, name]).await
}

async fn service_owner(
    tx: &mut SqliteConnection,
    row: &PlanRow,
    s: &ServiceEntry,
) -> Result<String> {
    Ok(match &s.container {
        Some(c) => format!("container:{}", container_id(tx, row, &s.host, c).await?),
        None => format!("host:{}", id_of(tx, row, HOST_ID, &[&s.host]).await?),
    })
}

async fn service_id(tx: &mut SqliteConnection, row: &PlanRow, s: &ServiceEntry) -> Result<i64> {
    let owner = service_owner(tx, row, s).await?;
    let (column, id) = owner.split_once(':').unwrap_or_default();
    let sql = if column == "host" {
        "SELECT id FROM services WHERE host_id = ? AND name = ?"
    } else {
        "SELECT id FROM services WHERE container_id = ? AND name = ?"
    };
    id_of(tx, row, sql, &[id, &s.name]).await
}

/// Creates, updates or deletes one inventory record in the transaction.
async fn apply_row(tx: &mut SqliteConnection, row: &PlanRow) -> Result<()> {
    let (before, after) = (row.before.as_ref(), row.after.as_ref());
    match (row.action, before, after) {
        (Action::Unchanged, ..) | (_, _, Some(Entry::Check(_))) => {}
        (Action::Delete, Some(entry), _) => {
            let (table, label, entity, id) = match entry {
                Entry::Prefix(p) => (
                    "prefixes",
                    "cidr",
                    "prefix",
                    id_of(
                        tx,
                        row,
                        "SELECT id FROM prefixes WHERE cidr = ?",
                        &[&p.cidr],
                    )
                    .await?,
                ),
                Entry::Host(h) => (
                    "hosts",
                    "name",
                    "host",
                    id_of(tx, row, HOST_ID, &[&h.name]).await?,
                ),
                Entry::Container(c) => (
                    "containers",
                    "name",
                    "container",
                    container_id(tx, row, &c.host, &c.name).await?,
                ),
                Entry::Tunnel(t) => (
                    "tunnels",
                    "name",
                    "tunnel",
                    id_of(tx, row, "SELECT id FROM tunnels WHERE name = ?", &[&t.name]).await?,
                ),
                Entry::Service(s) => ("services", "name", "service", service_id(tx, row, s).await?),
                Entry::Check(_) => return Ok(()),
                Entry::Channel(c) => {
                    let id = id_of(tx, row, CHANNEL_ID, &[&c.name]).await?;
                    sqlx::query("DELETE FROM channels WHERE id = ?")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    return Ok(());
                }
            };
            super::delete_row_in(tx, table, label, entity, id).await?;
        }
        (action, before, Some(entry)) => {
            let update = action == Action::Update;
            match (entry, before) {
                (Entry::Prefix(p), before) => {
                    let input = p.input().map_err(|e| invalid(row, &e))?;
                    match before {
                        Some(Entry::Prefix(b)) if update => {
                            let id = id_of(
                                tx,
                                row,
                                "SELECT id FROM prefixes WHERE cidr = ?",
                                &[&b.cidr],
                            )
                            .await?;
                            prefixes::update_in(tx, id, &input).await?;
                        }
                        _ => {
                            prefixes::create_in(tx, &input).await?;
                        }
                    }
                }
                (Entry::Host(h), before) => {
                    let input = h.input().map_err(|e| invalid(row, &e))?;
                    match before {
                        Some(Entry::Host(b)) if update => {
                            let id = id_of(tx, row, HOST_ID, &[&b.name]).await?;
                            hosts::update_in(tx, id, &input).await?;
                        }
                        _ => {
                            hosts::create_in(tx, &input).await?;
                        }
                    }
                }
                (Entry::Container(c), before) => {
                    let host_id = id_of(tx, row, HOST_ID, &[&c.host]).await?;
                    let input = c.input(host_id).map_err(|e| invalid(row, &e))?;
                    match before {
                        Some(Entry::Container(b)) if update => {
                            let id = container_id(tx, row, &b.host, &b.name).await?;
                            containers::update_in(tx, id, &input).await?;
                        }
                        _ => {
                            containers::create_in(tx, &input).await?;
                        }
                    }
                }
                (Entry::Tunnel(t), before) => {
                    let host_id = match &t.host {
                        Some(h) => Some(id_of(tx, row, HOST_ID, &[h]).await?),
                        None => None,
                    };
                    let input = t.input(host_id).map_err(|e| invalid(row, &e))?;
                    match before {
                        Some(Entry::Tunnel(b)) if update => {
                            let id =
                                id_of(tx, row, "SELECT id FROM tunnels WHERE name = ?", &[&b.name])
                                    .await?;
                            tunnels::update_in(tx, id, &input).await?;
                        }
                        _ => {
                            tunnels::create_in(tx, &input).await?;
                        }
                    }
                }
                (Entry::Service(s), before) => {
                    let owner = service_owner(tx, row, s).await?;
                    let input = s.input(&owner).map_err(|e| invalid(row, &e))?;
                    match before {
                        Some(Entry::Service(b)) if update => {
                            let id = service_id(tx, row, b).await?;
                            services::update_in(tx, id, &input).await?;
                        }
                        _ => {
                            services::create_in(tx, &input).await?;
                        }
                    }
                }
                (Entry::Check(_), _) => {}
                (Entry::Channel(c), before) => {
                    let input = c.input().map_err(|e| invalid(row, &e))?;
                    match before {
                        Some(Entry::Channel(b)) if update => {
                            let id = id_of(tx, row, CHANNEL_ID, &[&b.name]).await?;
                            channels::update_in(tx, id, &input).await?;
                        }
                        _ => {
                            channels::create_in(tx, &input).await?;
                        }
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Sets one check's interval, switch and thresholds; the check is found by its subject
/// and target among those the inventory now calls for.
async fn apply_check(tx: &mut SqliteConnection, row: &PlanRow, c: &CheckEntry) -> Result<()> {
    let (kind, subject_id) = match (&c.container, &c.service) {
        (container, Some(name)) => {
            let s = ServiceEntry {
                name: name.clone(),
                host: c.host.clone(),
                container: container.clone(),
                ..Default::default()
            };
            ("service", service_id(tx, row, &s).await?)
        }
        (Some(container), None) => (
            "container",
            container_id(tx, row, &c.host, container).await?,
        ),
        (None, None) => ("host", id_of(tx, row, HOST_ID, &[&c.host]).await?),
    };
    let candidates: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, spec FROM checks WHERE subject_kind = ? AND subject_id = ?")
            .bind(kind)
            .bind(subject_id)
            .fetch_all(&mut *tx)
            .await?;
    let id = candidates
        .into_iter()
        .find(|(_, spec)| checks::target_text(spec) == c.target)
        .map(|(id, _)| id)
        .ok_or_else(|| refused(row, "the inventory calls for no such check"))?;
    sqlx::query(
        "UPDATE checks SET interval_secs = ?, enabled = ?,
             updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
    )
    .bind(c.interval_secs)
    .bind(c.enabled)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO check_alert_thresholds (check_id, fail_after, recover_after) VALUES (?, ?, ?)
         ON CONFLICT (check_id) DO UPDATE SET fail_after = excluded.fail_after,
             recover_after = excluded.recover_after",
    )
    .bind(id)
    .bind(c.fail_after)
    .bind(c.recover_after)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Applies a plan in one transaction: records in the plan's order, then the checks the
/// inventory now calls for, then the check settings. Any refusal rolls all of it back.
pub async fn apply(pool: &SqlitePool, plan: &Plan) -> Result<Applied> {
    let mut tx = super::write_tx(pool).await?;
    let applied = apply_in(&mut tx, plan).await?;
    tx.commit().await?;
    Ok(applied)
}

/// [`apply`] inside the caller's transaction.
pub(crate) async fn apply_in(tx: &mut SqliteConnection, plan: &Plan) -> Result<Applied> {
    let mut applied = Applied::default();
    for row in &plan.rows {
        apply_row(tx, row).await?;
        match row.action {
            Action::Create => applied.created += 1,
            Action::Update => applied.updated += 1,
            Action::Delete => applied.deleted += 1,
            Action::Unchanged => {}
        }
    }
    checks::sync_in(tx).await?;
    for row in &plan.rows {
        if let (Action::Create | Action::Update, Some(Entry::Check(c))) = (row.action, &row.after) {
            apply_check(tx, row, c).await?;
        }
    }
    Ok(applied)
}
