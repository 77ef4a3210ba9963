//! The checks table: what the scheduler probes, derived from the inventory.
//!
//! One ICMPv6 check per IPv6 address of a host or container (link-local, multicast,
//! unspecified and IPv4-mapped addresses are skipped) and one check per service of its kind.
//! `spec` holds the probe stage's `ProbeSpec` as its own JSON.

use super::Result;
use model::domain::AddressKind;
use probes::ProbeSpec;
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use std::collections::HashSet;
use std::net::IpAddr;

/// The stored form of a spec: the probe stage's own JSON.
pub fn spec_json(spec: &ProbeSpec) -> String {
    serde_json::to_string(spec).unwrap_or_default()
}

/// What a stored spec probes, readable: an address, a name, `host port N` or a URL (the
/// stored text itself when it cannot be read).
pub fn target_text(spec: &str) -> String {
    match serde_json::from_str::<ProbeSpec>(spec) {
        Ok(parsed) => spec_target(&parsed),
        Err(_) => spec.to_string(),
    }
}

/// The address a stored echo or path MTU spec probes, if it is one of those.
pub fn spec_address(spec: &str) -> Option<IpAddr> {
    match serde_json::from_str::<ProbeSpec>(spec).ok()? {
        ProbeSpec::Icmp { address } => Some(address),
        ProbeSpec::Pmtu { address } => Some(IpAddr::V6(address)),
        _ => None,
    }
}

/// What a spec probes, readable: an address, a name, `host port N` or a URL.
pub fn spec_target(spec: &ProbeSpec) -> String {
    match spec {
        ProbeSpec::Icmp { address } => address.to_string(),
        ProbeSpec::Pmtu { address } => format!("{address} path MTU"),
        ProbeSpec::Dns { name } => name.clone(),
        ProbeSpec::Tcp { host, port } => format!("{host} port {port}"),
        ProbeSpec::Http { url, .. } => url.to_string(),
    }
}

/// The stored `kind` column of a spec (`icmp`, `dns`, `tcp`, `http`).
fn spec_kind(spec: &ProbeSpec) -> &'static str {
    spec.kind().as_str()
}

/// Deletes the checks (and so their results) whose host, container or service is gone,
/// in the transaction that deleted it: SQLite may give the next new row the same id, which
/// must not inherit the old subject's checks.
pub async fn drop_orphans(tx: &mut sqlx::SqliteConnection) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM checks WHERE
             (subject_kind = 'host' AND subject_id NOT IN (SELECT id FROM hosts))
          OR (subject_kind = 'container' AND subject_id NOT IN (SELECT id FROM containers))
          OR (subject_kind = 'service' AND subject_id NOT IN (SELECT id FROM services))
          OR (subject_kind = 'tunnel' AND subject_id NOT IN (SELECT id FROM tunnels))",
    )
    .execute(tx)
    .await?
    .rows_affected())
}

/// One stored check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Check {
    pub id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub kind: String,
    pub spec: String,
    pub interval_secs: i64,
    pub enabled: bool,
    pub run_requested: bool,
}

const COLUMNS: &str =
    "id, subject_kind, subject_id, kind, spec, interval_secs, enabled, run_requested";

/// A service row as the derivation reads it: id, kind, target, port, expected status.
type ServiceRow = (i64, String, String, Option<i64>, Option<i64>);

/// A check the inventory calls for: (subject kind, subject id, spec).
type Wanted = (&'static str, i64, ProbeSpec);

/// Whether an address gets an ICMPv6 check.
fn probed(address: IpAddr) -> bool {
    address.is_ipv6()
        && !matches!(
            AddressKind::of(address),
            AddressKind::LinkLocal
                | AddressKind::Multicast
                | AddressKind::Unspecified
                | AddressKind::Ipv4MappedV6
        )
}

/// The spec a service calls for, if its kind and target make one.
pub fn service_spec(
    kind: &str,
    target: &str,
    port: Option<i64>,
    expected_status: Option<i64>,
) -> Option<ProbeSpec> {
    match kind {
        "http" => Some(ProbeSpec::Http {
            url: url::Url::parse(target).ok()?,
            expected_status: expected_status.and_then(|s| u16::try_from(s).ok()),
        }),
        "dns" => Some(ProbeSpec::Dns {
            name: target.to_string(),
        }),
        "tcp" => Some(ProbeSpec::Tcp {
            host: target.to_string(),
            port: port.and_then(|p| u16::try_from(p).ok())?,
        }),
        // An ICMP service names an address; a host name there has no echo probe of its own.
        "icmp" => target
            .parse::<IpAddr>()
            .ok()
            .map(|address| ProbeSpec::Icmp { address }),
        _ => None,
    }
}

async fn wanted(conn: &mut sqlx::SqliteConnection) -> Result<Vec<Wanted>> {
    let mut wanted = Vec::new();
    let addresses: Vec<(Option<i64>, Option<i64>, String)> =
        sqlx::query_as("SELECT host_id, container_id, address FROM addresses ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    for (host_id, container_id, address) in addresses {
        let Ok(address) = address.parse::<IpAddr>() else {
            continue;
        };
        if !probed(address) {
            continue;
        }
        let subject = match (host_id, container_id) {
            (Some(h), _) => ("host", h),
            (None, Some(c)) => ("container", c),
            _ => continue,
        };
        wanted.push((subject.0, subject.1, ProbeSpec::Icmp { address }));
    }
    let services: Vec<ServiceRow> =
        sqlx::query_as("SELECT id, kind, target, port, expected_status FROM services ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    for (id, kind, target, port, status) in services {
        if let Some(spec) = service_spec(&kind, &target, port, status) {
            wanted.push(("service", id, spec));
        }
    }
    let tunnels: Vec<(i64, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT id, remote_endpoint, remote_v6 FROM tunnels ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    for (id, endpoint, remote_v6) in tunnels {
        wanted.extend(
            tunnel_specs(endpoint.as_deref(), remote_v6.as_deref())
                .into_iter()
                .map(|spec| ("tunnel", id, spec)),
        );
    }
    Ok(wanted)
}

/// A tunnel's own checks, with no host to invent: an echo to its outer remote endpoint (is
/// the broker's end alive?), an echo to its remote IPv6 tunnel address (does IPv6 pass
/// through it?) and the path MTU to that address.
pub fn tunnel_specs(remote_endpoint: Option<&str>, remote_v6: Option<&str>) -> Vec<ProbeSpec> {
    let mut specs = Vec::new();
    if let Some(address) = remote_endpoint.and_then(|a| a.parse::<IpAddr>().ok())
        && (address.is_ipv4() || probed(address))
    {
        specs.push(ProbeSpec::Icmp { address });
    }
    if let Some(IpAddr::V6(address)) = remote_v6.and_then(|a| a.parse::<IpAddr>().ok())
        && probed(IpAddr::V6(address))
    {
        specs.push(ProbeSpec::Icmp {
            address: IpAddr::V6(address),
        });
        specs.push(ProbeSpec::Pmtu { address });
    }
    specs
}

/// Most checks the scheduler runs. Each address and service is one; past this the
/// inventory is a mistake or an attack (one form per object caps its lines too).
pub const MAX_CHECKS: usize = 5_000;

/// What a sync changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncCount {
    pub added: u64,
    pub removed: u64,
    /// Checks the inventory asks for beyond [`MAX_CHECKS`]: not scheduled.
    pub unscheduled: u64,
}

/// Adds checks for new inventory items and deletes checks whose subject or spec no longer
/// exists. Unchanged checks keep their id, interval, enabled flag and results. Checks past
/// [`MAX_CHECKS`] are not added (those already scheduled stay) and are counted instead.
pub async fn sync_from_inventory(pool: &SqlitePool) -> Result<SyncCount> {
    let mut tx = super::write_tx(pool).await?;
    let count = sync_in(&mut tx).await?;
    tx.commit().await?;
    Ok(count)
}

/// How many checks the inventory calls for on one subject (`host`, `container`,
/// `service`): what a page says while the scheduler has not derived them yet.
pub async fn wanted_for(pool: &SqlitePool, subject_kind: &str, subject_id: i64) -> Result<usize> {
    let mut conn = pool.acquire().await?;
    Ok(wanted(&mut conn)
        .await?
        .iter()
        .filter(|(kind, id, _)| *kind == subject_kind && *id == subject_id)
        .count())
}

/// [`sync_from_inventory`] inside the caller's transaction.
pub async fn sync_in(tx: &mut sqlx::SqliteConnection) -> Result<SyncCount> {
    let wanted = wanted(tx).await?;
    let existing: Vec<(i64, String, i64, String)> =
        sqlx::query_as("SELECT id, subject_kind, subject_id, spec FROM checks")
            .fetch_all(&mut *tx)
            .await?;
    let wanted_keys: HashSet<(&str, i64, String)> = wanted
        .iter()
        .map(|(kind, id, spec)| (*kind, *id, spec_json(spec)))
        .collect();
    // Stored specs are compared in their canonical form, so a spec written by an older
    // version (a URL without its trailing slash, say) keeps its check and its history.
    let existing: Vec<(i64, String, i64, String)> = existing
        .into_iter()
        .map(|(check_id, kind, id, spec)| {
            let canonical = serde_json::from_str::<ProbeSpec>(&spec)
                .map(|s| spec_json(&s))
                .unwrap_or(spec);
            (check_id, kind, id, canonical)
        })
        .collect();
    let existing_keys: HashSet<(&str, i64, &str)> = existing
        .iter()
        .map(|(_, kind, id, spec)| (kind.as_str(), *id, spec.as_str()))
        .collect();
    let mut count = SyncCount::default();
    let mut kept = 0usize;
    for (check_id, kind, id, spec) in &existing {
        if !wanted_keys.contains(&(kind.as_str(), *id, spec.clone())) {
            sqlx::query("DELETE FROM checks WHERE id = ?")
                .bind(check_id)
                .execute(&mut *tx)
                .await?;
            count.removed += 1;
        } else {
            kept += 1;
        }
    }
    let mut room = MAX_CHECKS.saturating_sub(kept);
    for (kind, id, spec) in &wanted {
        let json = spec_json(spec);
        if existing_keys.contains(&(*kind, *id, json.as_str())) {
            continue;
        }
        if room == 0 {
            count.unscheduled += 1;
            continue;
        }
        room -= 1;
        let inserted = sqlx::query(
            "INSERT INTO checks (subject_kind, subject_id, kind, spec) VALUES (?, ?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(kind)
        .bind(id)
        .bind(spec_kind(spec))
        .bind(&json)
        .execute(&mut *tx)
        .await?;
        count.added += inserted.rows_affected();
    }
    Ok(count)
}

/// Inserts one check directly (benchmarks and tests; the inventory path is `sync_from_inventory`).
pub async fn insert(
    pool: &SqlitePool,
    subject_kind: &str,
    subject_id: i64,
    spec: &ProbeSpec,
    interval_secs: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO checks (subject_kind, subject_id, kind, spec, interval_secs) VALUES (?, ?, ?, ?, ?)
         RETURNING id",
    )
    .bind(subject_kind)
    .bind(subject_id)
    .bind(spec_kind(spec))
    .bind(spec_json(spec))
    .bind(interval_secs)
    .fetch_one(pool)
    .await?)
}

/// Every check, for the scheduler.
pub async fn list(pool: &SqlitePool) -> Result<Vec<Check>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM checks ORDER BY id"))
            .fetch_all(pool)
            .await?,
    )
}

/// The checks of one host, container or service.
pub async fn of_subject(
    pool: &SqlitePool,
    subject_kind: &str,
    subject_id: i64,
) -> Result<Vec<Check>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM checks WHERE subject_kind = ? AND subject_id = ? ORDER BY id"
    ))
    .bind(subject_kind)
    .bind(subject_id)
    .fetch_all(pool)
    .await?)
}

/// The echo check of a host address, with the host's id and name: how a tunnel's far end is
/// watched when its remote IPv6 address belongs to a host in the inventory.
pub async fn echo_of_host_address(
    pool: &SqlitePool,
    address: IpAddr,
) -> Result<Option<(i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT c.id, h.id, h.name FROM checks c JOIN hosts h ON h.id = c.subject_id
          WHERE c.subject_kind = 'host' AND c.spec = ? ORDER BY c.id LIMIT 1",
    )
    .bind(spec_json(&ProbeSpec::Icmp { address }))
    .fetch_optional(pool)
    .await?)
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Check> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM checks WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(super::StoreError::NotFound)
}

/// Asks the scheduler to run a check as soon as it next looks.
pub async fn request_run(pool: &SqlitePool, id: i64) -> Result<()> {
    let done = sqlx::query("UPDATE checks SET run_requested = 1 WHERE id = ?")
        .bind(id)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(super::StoreError::NotFound);
    }
    Ok(())
}

/// Takes the pending run requests: returns their check ids and clears them.
pub async fn take_run_requests(pool: &SqlitePool) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "UPDATE checks SET run_requested = 0 WHERE run_requested = 1 RETURNING id",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn set_enabled(pool: &SqlitePool, id: i64, enabled: bool) -> Result<()> {
    let done = sqlx::query(
        "UPDATE checks SET enabled = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
    )
    .bind(enabled)
    .bind(id)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(super::StoreError::NotFound);
    }
    Ok(())
}

pub async fn set_interval(pool: &SqlitePool, id: i64, interval_secs: i64) -> Result<()> {
    sqlx::query(
        "UPDATE checks SET interval_secs = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
    )
    .bind(interval_secs)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{addresses, test_pool};

    async fn host(pool: &SqlitePool, name: &str, addrs: &[&str]) -> i64 {
        let id: i64 = sqlx::query_scalar("INSERT INTO hosts (name) VALUES (?) RETURNING id")
            .bind(name)
            .fetch_one(pool)
            .await
            .unwrap();
        let addrs: Vec<IpAddr> = addrs.iter().map(|a| a.parse().unwrap()).collect();
        let mut conn = pool.acquire().await.unwrap();
        addresses::replace(&mut conn, addresses::Owner::Host(id), &addrs)
            .await
            .unwrap();
        id
    }

    async fn service(pool: &SqlitePool, host: i64, kind: &str, target: &str, port: Option<i64>) {
        sqlx::query(
            "INSERT INTO services (name, kind, target, port, host_id) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(format!("{kind}-{target}"))
        .bind(kind)
        .bind(target)
        .bind(port)
        .bind(host)
        .execute(pool)
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn checks_past_the_cap_are_counted_not_scheduled() {
        let (pool, _dir) = test_pool().await;
        let many: Vec<String> = (0..MAX_CHECKS + 7)
            .map(|i| format!("2001:db8::{:x}:{:x}", i / 65536 + 1, i % 65536))
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        host(&pool, "crowded", &many).await;
        let count = sync_from_inventory(&pool).await.unwrap();
        assert_eq!((count.added, count.unscheduled), (MAX_CHECKS as u64, 7));
        assert_eq!(list(&pool).await.unwrap().len(), MAX_CHECKS);
        // Scheduled checks stay; the count stays until the inventory shrinks.
        let again = sync_from_inventory(&pool).await.unwrap();
        assert_eq!((again.added, again.removed, again.unscheduled), (0, 0, 7));
    }

    #[tokio::test]
    async fn sync_derives_checks_from_the_inventory() {
        let (pool, _dir) = test_pool().await;
        let h = host(
            &pool,
            "router",
            &["2001:db8::1", "fe80::1", "192.0.2.1", "fd00::2"],
        )
        .await;
        service(&pool, h, "http", "https://web.lab.test/", None).await;
        service(&pool, h, "tcp", "2001:db8::1", Some(22)).await;
        service(&pool, h, "dns", "web.lab.test", None).await;
        service(&pool, h, "icmp", "2001:db8::9", None).await;
        let count = sync_from_inventory(&pool).await.unwrap();
        assert_eq!(
            count,
            SyncCount {
                added: 6,
                removed: 0,
                unscheduled: 0
            }
        );
        let checks = list(&pool).await.unwrap();
        let specs: Vec<&str> = checks.iter().map(|c| c.spec.as_str()).collect();
        assert!(specs.contains(&r#"{"kind":"icmp","address":"2001:db8::1"}"#));
        assert!(specs.contains(&r#"{"kind":"icmp","address":"fd00::2"}"#));
        assert!(
            !specs
                .iter()
                .any(|s| s.contains("fe80") || s.contains("192.0.2.1"))
        );
        assert!(specs.contains(&r#"{"kind":"tcp","host":"2001:db8::1","port":22}"#));
        assert!(
            specs.contains(
                &r#"{"kind":"http","url":"https://web.lab.test/","expected_status":null}"#
            )
        );
        assert!(checks.iter().all(|c| c.enabled && c.interval_secs == 60));

        // A second sync changes nothing.
        assert_eq!(
            sync_from_inventory(&pool).await.unwrap(),
            SyncCount::default()
        );
    }

    #[tokio::test]
    async fn sync_keeps_settings_of_unchanged_checks_and_drops_stale_ones() {
        let (pool, _dir) = test_pool().await;
        let h = host(&pool, "nas", &["2001:db8::10", "2001:db8::11"]).await;
        sync_from_inventory(&pool).await.unwrap();
        let before = of_subject(&pool, "host", h).await.unwrap();
        let kept = before
            .iter()
            .find(|c| c.spec.contains("2001:db8::10"))
            .unwrap()
            .clone();
        set_enabled(&pool, kept.id, false).await.unwrap();
        set_interval(&pool, kept.id, 300).await.unwrap();

        let mut conn = pool.acquire().await.unwrap();
        addresses::replace(
            &mut conn,
            addresses::Owner::Host(h),
            &[
                "2001:db8::10".parse().unwrap(),
                "2001:db8::12".parse().unwrap(),
            ],
        )
        .await
        .unwrap();
        drop(conn);
        let count = sync_from_inventory(&pool).await.unwrap();
        assert_eq!(
            count,
            SyncCount {
                added: 1,
                removed: 1,
                unscheduled: 0
            }
        );
        let after = of_subject(&pool, "host", h).await.unwrap();
        assert_eq!(after.len(), 2);
        let same = get(&pool, kept.id).await.unwrap();
        assert!(!same.enabled);
        assert_eq!(same.interval_secs, 300);

        sqlx::query("DELETE FROM hosts WHERE id = ?")
            .bind(h)
            .execute(&pool)
            .await
            .unwrap();
        let count = sync_from_inventory(&pool).await.unwrap();
        assert_eq!(count.removed, 2);
        assert!(list(&pool).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn run_requests_are_taken_once() {
        let (pool, _dir) = test_pool().await;
        let id = insert(
            &pool,
            "host",
            1,
            &ProbeSpec::Icmp {
                address: "::1".parse().unwrap(),
            },
            60,
        )
        .await
        .unwrap();
        request_run(&pool, id).await.unwrap();
        assert!(get(&pool, id).await.unwrap().run_requested);
        assert_eq!(take_run_requests(&pool).await.unwrap(), vec![id]);
        assert!(take_run_requests(&pool).await.unwrap().is_empty());
        assert!(matches!(
            request_run(&pool, id + 100).await,
            Err(crate::StoreError::NotFound)
        ));
    }

    #[tokio::test]
    async fn a_new_host_with_a_deleted_hosts_id_inherits_none_of_its_checks() {
        let (pool, _dir) = test_pool().await;
        let old = host(&pool, "old", &["2001:db8::dead"]).await;
        service(&pool, old, "tcp", "old.lab.test", Some(22)).await;
        sync_from_inventory(&pool).await.unwrap();
        assert_eq!(list(&pool).await.unwrap().len(), 2);

        crate::hosts::delete(&pool, old).await.unwrap();
        // Gone with the host, before any sync: SQLite hands its id to the next host.
        assert!(list(&pool).await.unwrap().is_empty());
        let new = host(&pool, "new", &["2001:db8::1"]).await;
        assert_eq!(new, old);
        sync_from_inventory(&pool).await.unwrap();
        let specs: Vec<String> = list(&pool)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.spec)
            .collect();
        assert_eq!(specs.len(), 1);
        assert!(specs[0].contains("2001:db8::1"), "{specs:?}");
    }
}
