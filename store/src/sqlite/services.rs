//! The services table.

use super::{Result, StoreError, changes, split_lines, unique_to_conflict};
use model::domain::form::Choice;
use model::inventory::{Service, ServiceInput, ServiceOwner};
use sqlx::{SqliteConnection, SqlitePool};

const SELECT: &str = "SELECT s.id, s.name, s.kind, s.target, s.port, s.expected_status, s.dependencies,
        s.host_id, s.container_id, COALESCE(h.name, c.name, '') AS owner_name, s.created_at, s.updated_at
   FROM services s LEFT JOIN hosts h ON h.id = s.host_id LEFT JOIN containers c ON c.id = s.container_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    target: String,
    port: Option<i64>,
    expected_status: Option<i64>,
    dependencies: String,
    host_id: Option<i64>,
    container_id: Option<i64>,
    owner_name: String,
    created_at: String,
    updated_at: String,
}

impl From<Row> for Service {
    fn from(r: Row) -> Self {
        Service {
            id: r.id,
            name: r.name,
            kind: r.kind,
            target: r.target,
            port: r.port,
            expected_status: r.expected_status,
            dependencies: split_lines(&r.dependencies),
            host_id: r.host_id,
            container_id: r.container_id,
            owner_name: r.owner_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Which services a read returns.
#[derive(Clone, Copy, Debug)]
enum Scope {
    All,
    OnHost(i64),
    InContainer(i64),
    One(i64),
}

impl Scope {
    /// The WHERE condition (on `services s`) and its one parameter.
    fn condition(self) -> (&'static str, Option<i64>) {
        match self {
            Scope::All => ("?1 IS NULL", None),
            Scope::OnHost(host_id) => ("s.host_id = ?1", Some(host_id)),
            Scope::InContainer(container_id) => ("s.container_id = ?1", Some(container_id)),
            Scope::One(id) => ("s.id = ?1", Some(id)),
        }
    }
}

async fn fetch(pool: &SqlitePool, scope: Scope) -> Result<Vec<Service>> {
    let (condition, bind) = scope.condition();
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE {condition} ORDER BY s.name COLLATE NOCASE"
    ))
    .bind(bind)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Service::from).collect())
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Service>> {
    fetch(pool, Scope::All).await
}

pub async fn on_host(pool: &SqlitePool, host_id: i64) -> Result<Vec<Service>> {
    fetch(pool, Scope::OnHost(host_id)).await
}

pub async fn in_container(pool: &SqlitePool, container_id: i64) -> Result<Vec<Service>> {
    fetch(pool, Scope::InContainer(container_id)).await
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Service> {
    fetch(pool, Scope::One(id))
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

fn owner_ids(owner: ServiceOwner) -> (Option<i64>, Option<i64>) {
    match owner {
        ServiceOwner::Host(id) => (Some(id), None),
        ServiceOwner::Container(id) => (None, Some(id)),
    }
}

fn map_err(err: sqlx::Error, input: &ServiceInput) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Conflict {
            field: "owner",
            message: "that host or container no longer exists".into(),
        },
        _ => unique_to_conflict(
            err,
            "name",
            format!(
                "a service named '{}' already exists (names are compared ignoring case)",
                input.name
            ),
        ),
    }
}

pub async fn create(pool: &SqlitePool, input: &ServiceInput) -> Result<i64> {
    let mut tx = super::write_tx(pool).await?;
    let id = create_in(&mut tx, input).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create`] inside the caller's transaction.
pub async fn create_in(tx: &mut SqliteConnection, input: &ServiceInput) -> Result<i64> {
    let (host_id, container_id) = owner_ids(input.owner);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO services (name, kind, target, port, expected_status, dependencies, host_id, container_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&input.name)
    .bind(input.kind.code())
    .bind(&input.target)
    .bind(input.port.map(i64::from))
    .bind(input.expected_status.map(i64::from))
    .bind(input.dependencies.join("\n"))
    .bind(host_id)
    .bind(container_id)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| map_err(e, input))?;
    changes::record(tx, "service", id, "created", &input.name).await?;
    Ok(id)
}

pub async fn update(pool: &SqlitePool, id: i64, input: &ServiceInput) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    update_in(&mut tx, id, input).await?;
    tx.commit().await?;
    Ok(())
}

/// [`update`] inside the caller's transaction.
pub async fn update_in(tx: &mut SqliteConnection, id: i64, input: &ServiceInput) -> Result<()> {
    let (host_id, container_id) = owner_ids(input.owner);
    sqlx::query_scalar::<_, i64>(
        "UPDATE services SET name = ?, kind = ?, target = ?, port = ?, expected_status = ?, dependencies = ?,
             host_id = ?, container_id = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ? RETURNING id",
    )
    .bind(&input.name)
    .bind(input.kind.code())
    .bind(&input.target)
    .bind(input.port.map(i64::from))
    .bind(input.expected_status.map(i64::from))
    .bind(input.dependencies.join("\n"))
    .bind(host_id)
    .bind(container_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| map_err(e, input))?
    .ok_or(StoreError::NotFound)?;
    changes::record(tx, "service", id, "updated", &input.name).await?;
    Ok(())
}

pub async fn delete(pool: &SqlitePool, id: i64) -> Result<()> {
    super::delete_row(pool, "services", "name", "service", id).await
}
