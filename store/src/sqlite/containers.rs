//! The containers table.

use super::addresses::{self, Owner, OwnerKind};
use super::{Result, StoreError, changes, split_lines, unique_to_conflict};
use model::domain::form::Choice;
use model::inventory::{Address, Container, ContainerInput};
use sqlx::{SqliteConnection, SqlitePool};

const SELECT: &str =
    "SELECT c.id, c.name, c.runtime, c.host_id, h.name AS host_name, c.network_mode,
        c.published_ports, c.notes, c.created_at, c.updated_at
   FROM containers c JOIN hosts h ON h.id = c.host_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    runtime: String,
    host_id: i64,
    host_name: String,
    network_mode: String,
    published_ports: String,
    notes: String,
    created_at: String,
    updated_at: String,
}

fn to_container(r: Row, addresses: Vec<Address>) -> Container {
    Container {
        addresses,
        id: r.id,
        name: r.name,
        runtime: r.runtime,
        host_id: r.host_id,
        host_name: r.host_name,
        network_mode: r.network_mode,
        published_ports: split_lines(&r.published_ports),
        notes: r.notes,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// Which containers a read returns.
#[derive(Clone, Copy, Debug)]
enum Scope {
    All,
    OnHost(i64),
    One(i64),
}

impl Scope {
    /// The WHERE condition (on `containers c`) and its one parameter.
    fn condition(self) -> (&'static str, Option<i64>) {
        match self {
            Scope::All => ("?1 IS NULL", None),
            Scope::OnHost(host_id) => ("c.host_id = ?1", Some(host_id)),
            Scope::One(id) => ("c.id = ?1", Some(id)),
        }
    }
}

/// The containers in `scope` with their addresses, in two queries however many there are.
async fn fetch(pool: &SqlitePool, scope: Scope) -> Result<Vec<Container>> {
    let (condition, bind) = scope.condition();
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE {condition} ORDER BY h.name, c.name"
    ))
    .bind(bind)
    .fetch_all(pool)
    .await?;
    let owners = format!("SELECT c.id FROM containers c WHERE {condition}");
    let mut addresses = addresses::of_many(pool, OwnerKind::Container, &owners, bind).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let own = addresses.remove(&row.id).unwrap_or_default();
            to_container(row, own)
        })
        .collect())
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Container>> {
    fetch(pool, Scope::All).await
}

pub async fn on_host(pool: &SqlitePool, host_id: i64) -> Result<Vec<Container>> {
    fetch(pool, Scope::OnHost(host_id)).await
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Container> {
    fetch(pool, Scope::One(id))
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

fn map_err(err: sqlx::Error, input: &ContainerInput) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Conflict {
            field: "host_id",
            message: "that host no longer exists".into(),
        },
        _ => unique_to_conflict(
            err,
            "name",
            format!(
                "this host already has a container named '{}' (names are compared ignoring case)",
                input.name
            ),
        ),
    }
}

pub async fn create(pool: &SqlitePool, input: &ContainerInput) -> Result<i64> {
    let mut tx = super::write_tx(pool).await?;
    let id = create_in(&mut tx, input).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create`] inside the caller's transaction.
pub async fn create_in(tx: &mut SqliteConnection, input: &ContainerInput) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO containers (name, runtime, host_id, network_mode, published_ports, notes)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&input.name)
    .bind(input.runtime.code())
    .bind(input.host_id)
    .bind(input.network_mode.code())
    .bind(input.published_ports.join("\n"))
    .bind(&input.notes)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| map_err(e, input))?;
    addresses::replace(tx, Owner::Container(id), &input.addresses).await?;
    changes::record(tx, "container", id, "created", &input.name).await?;
    Ok(id)
}

pub async fn update(pool: &SqlitePool, id: i64, input: &ContainerInput) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    update_in(&mut tx, id, input).await?;
    tx.commit().await?;
    Ok(())
}

/// [`update`] inside the caller's transaction.
pub async fn update_in(tx: &mut SqliteConnection, id: i64, input: &ContainerInput) -> Result<()> {
    sqlx::query_scalar::<_, i64>(
        "UPDATE containers SET name = ?, runtime = ?, host_id = ?, network_mode = ?, published_ports = ?,
             notes = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ? RETURNING id",
    )
    .bind(&input.name)
    .bind(input.runtime.code())
    .bind(input.host_id)
    .bind(input.network_mode.code())
    .bind(input.published_ports.join("\n"))
    .bind(&input.notes)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| map_err(e, input))?
    .ok_or(StoreError::NotFound)?;
    addresses::replace(tx, Owner::Container(id), &input.addresses).await?;
    changes::record(tx, "container", id, "updated", &input.name).await?;
    Ok(())
}

/// Names of the services that go with a container.
pub async fn dependents(pool: &SqlitePool, id: i64) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT name FROM services WHERE container_id = ? ORDER BY name")
            .bind(id)
            .fetch_all(pool)
            .await?,
    )
}

pub async fn delete(pool: &SqlitePool, id: i64) -> Result<()> {
    super::delete_row(pool, "containers", "name", "container", id).await
}

/// ("container:ID", "name on host") pairs for the service owner select.
pub async fn choices(pool: &SqlitePool) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.name || ' on ' || h.name FROM containers c JOIN hosts h ON h.id = c.host_id ORDER BY 2",
    )
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{hosts, test_pool};
    use model::inventory::{ContainerRuntime, HostInput, NetworkMode};

    #[tokio::test]
    async fn deleting_a_host_takes_its_containers_and_says_so_first() {
        let (pool, _dir) = test_pool().await;
        let host = HostInput {
            name: "pi".into(),
            dns_name: None,
            addresses: vec![],
            notes: String::new(),
            tags: vec![],
        };
        let host_id = hosts::create(&pool, &host).await.unwrap();
        let input = ContainerInput {
            name: "web".into(),
            runtime: ContainerRuntime::Lxc,
            host_id,
            network_mode: NetworkMode::Bridged,
            published_ports: vec!["80/tcp".into()],
            notes: String::new(),
            addresses: vec!["2001:db8::80".parse().unwrap()],
        };
        let id = create(&pool, &input).await.unwrap();
        assert_eq!(get(&pool, id).await.unwrap().host_name, "pi");
        assert_eq!(
            hosts::dependents(&pool, host_id).await.unwrap().containers,
            ["web"]
        );
        hosts::delete(&pool, host_id).await.unwrap();
        assert!(matches!(get(&pool, id).await, Err(StoreError::NotFound)));
        let orphans: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM addresses")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(orphans, 0);
    }

    #[tokio::test]
    async fn a_container_on_a_missing_host_is_refused() {
        let (pool, _dir) = test_pool().await;
        let input = ContainerInput {
            name: "ghost".into(),
            runtime: ContainerRuntime::Docker,
            host_id: 42,
            network_mode: NetworkMode::Nat66,
            published_ports: vec![],
            notes: String::new(),
            addresses: vec![],
        };
        assert!(matches!(
            create(&pool, &input).await,
            Err(StoreError::Conflict {
                field: "host_id",
                ..
            })
        ));
    }
}
