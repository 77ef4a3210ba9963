//! Addresses of hosts and containers, with their derived kind.

use super::Result;
use crate::rows::PlacedAddress;
use model::domain::{AddressKind, address::eui64_mac};
use model::inventory::Address;
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashMap;
use std::net::IpAddr;

/// Whose addresses: a host's or a container's.
#[derive(Clone, Copy, Debug)]
pub enum Owner {
    Host(i64),
    Container(i64),
}

impl Owner {
    fn column(self) -> (&'static str, i64) {
        match self {
            Owner::Host(id) => (OwnerKind::Host.column(), id),
            Owner::Container(id) => (OwnerKind::Container.column(), id),
        }
    }
}

/// Hosts or containers, for reading the addresses of many at once.
#[derive(Clone, Copy, Debug)]
pub enum OwnerKind {
    Host,
    Container,
}

impl OwnerKind {
    fn column(self) -> &'static str {
        match self {
            OwnerKind::Host => "host_id",
            OwnerKind::Container => "container_id",
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    address: String,
    mac: Option<String>,
}

fn to_address(row: Row) -> Address {
    let kind = row
        .address
        .parse::<IpAddr>()
        .map(AddressKind::of)
        .unwrap_or(AddressKind::Ipv6Other);
    Address {
        id: row.id,
        address: row.address,
        kind,
        mac: row.mac,
    }
}

/// Replaces an owner's addresses with the given list.
pub async fn replace(
    conn: &mut SqliteConnection,
    owner: Owner,
    addresses: &[IpAddr],
) -> Result<()> {
    let (column, id) = owner.column();
    sqlx::query(&format!("DELETE FROM addresses WHERE {column} = ?"))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for address in addresses {
        sqlx::query(&format!(
            "INSERT INTO addresses ({column}, address, kind, mac) VALUES (?, ?, ?, ?)"
        ))
        .bind(id)
        .bind(address.to_string())
        .bind(AddressKind::of(*address).code())
        .bind(eui64_mac(*address))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn of(pool: &SqlitePool, owner: Owner) -> Result<Vec<Address>> {
    let (column, id) = owner.column();
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT id, address, mac FROM addresses WHERE {column} = ? ORDER BY id"
    ))
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(to_address).collect())
}

/// The addresses of every `kind` owner whose id `owners` selects, by owner id: one query
/// for a whole list. `owners` is a constant subquery of this crate (it may bind `?1`).
pub async fn of_many(
    pool: &SqlitePool,
    kind: OwnerKind,
    owners: &str,
    bind: Option<i64>,
) -> Result<HashMap<i64, Vec<Address>>> {
    let column = kind.column();
    let rows: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT {column}, id, address, mac FROM addresses WHERE {column} IN ({owners}) ORDER BY id"
    ))
    .bind(bind)
    .fetch_all(pool)
    .await?;
    let mut by_owner: HashMap<i64, Vec<Address>> = HashMap::new();
    for (owner, id, address, mac) in rows {
        let address = to_address(Row { id, address, mac });
        by_owner.entry(owner).or_default().push(address);
    }
    Ok(by_owner)
}

/// Every host address as (host id, host name, address), by host name: which hosts a
/// tunnel's routed prefixes hold.
pub async fn of_hosts(pool: &SqlitePool) -> Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT h.id, h.name, a.address FROM addresses a JOIN hosts h ON h.id = a.host_id
          ORDER BY h.name COLLATE NOCASE, a.id",
    )
    .fetch_all(pool)
    .await?)
}

/// Every address in the inventory with the name of what holds it, for the address plan.
pub async fn all_placed(pool: &SqlitePool) -> Result<Vec<PlacedAddress>> {
    Ok(sqlx::query_as(
        "SELECT a.address AS address, h.name AS owner, '/hosts/' || h.id AS owner_link
           FROM addresses a JOIN hosts h ON h.id = a.host_id
         UNION ALL
         SELECT a.address, c.name, '/containers/' || c.id
           FROM addresses a JOIN containers c ON c.id = a.container_id
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await?)
}
