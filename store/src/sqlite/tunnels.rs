//! The tunnels table.

use super::{Result, StoreError, changes, split_lines, unique_to_conflict};
use model::domain::form::Choice;
use model::inventory::tunnel::TunnelKind;
use model::inventory::{Tunnel, TunnelInput};
use sqlx::{SqliteConnection, SqlitePool};

const SELECT: &str = "SELECT t.id, t.name, t.kind, t.broker, t.local_endpoint, t.remote_endpoint,
        t.local_v6, t.remote_v6, t.mtu, t.onlink_len, t.routed_prefixes, t.host_id, h.name AS host_name,
        t.created_at, t.updated_at
   FROM tunnels t LEFT JOIN hosts h ON h.id = t.host_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    broker: String,
    local_endpoint: Option<String>,
    remote_endpoint: Option<String>,
    local_v6: Option<String>,
    remote_v6: Option<String>,
    mtu: Option<i64>,
    onlink_len: Option<i64>,
    routed_prefixes: String,
    host_id: Option<i64>,
    host_name: Option<String>,
    created_at: String,
    updated_at: String,
}

impl From<Row> for Tunnel {
    fn from(r: Row) -> Self {
        Tunnel {
            id: r.id,
            name: r.name,
            kind: r.kind,
            broker: r.broker,
            local_endpoint: r.local_endpoint,
            remote_endpoint: r.remote_endpoint,
            local_v6: r.local_v6,
            remote_v6: r.remote_v6,
            mtu: r.mtu,
            onlink_len: r.onlink_len,
            routed_prefixes: split_lines(&r.routed_prefixes),
            host_id: r.host_id,
            host_name: r.host_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Tunnel>> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY t.name COLLATE NOCASE"))
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Tunnel::from).collect())
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Tunnel> {
    let row: Row = sqlx::query_as(&format!("{SELECT} WHERE t.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.into())
}

pub async fn on_host(pool: &SqlitePool, host_id: i64) -> Result<Vec<Tunnel>> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} WHERE t.host_id = ? ORDER BY t.name"))
        .bind(host_id)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Tunnel::from).collect())
}

/// Binds the input's columns in the order `name, kind, broker, local_endpoint,
/// remote_endpoint, local_v6, remote_v6, mtu, onlink_len, routed_prefixes, host_id`.
fn bind_input<'q>(
    query: sqlx::query::QueryScalar<'q, sqlx::Sqlite, i64, sqlx::sqlite::SqliteArguments<'q>>,
    input: &'q TunnelInput,
) -> sqlx::query::QueryScalar<'q, sqlx::Sqlite, i64, sqlx::sqlite::SqliteArguments<'q>> {
    let text = |a: Option<std::net::IpAddr>| a.map(|a| a.to_string());
    query
        .bind(&input.name)
        .bind(TunnelKind::code(input.kind))
        .bind(&input.broker)
        .bind(text(input.local_endpoint))
        .bind(text(input.remote_endpoint))
        .bind(text(input.local_v6))
        .bind(text(input.remote_v6))
        .bind(input.mtu.map(i64::from))
        .bind(input.onlink_len.map(i64::from))
        .bind(
            input
                .routed_prefixes
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
        .bind(input.host_id)
}

fn map_err(err: sqlx::Error, input: &TunnelInput) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Conflict {
            field: "host_id",
            message: "that host no longer exists".into(),
        },
        _ => unique_to_conflict(
            err,
            "name",
            format!(
                "a tunnel named '{}' already exists (names are compared ignoring case)",
                input.name
            ),
        ),
    }
}

pub async fn create(pool: &SqlitePool, input: &TunnelInput) -> Result<i64> {
    let mut tx = super::write_tx(pool).await?;
    let id = create_in(&mut tx, input).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create`] inside the caller's transaction.
pub async fn create_in(tx: &mut SqliteConnection, input: &TunnelInput) -> Result<i64> {
    let id = bind_input(
        sqlx::query_scalar(
            "INSERT INTO tunnels (name, kind, broker, local_endpoint, remote_endpoint, local_v6, remote_v6,
                 mtu, onlink_len, routed_prefixes, host_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        ),
        input,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| map_err(e, input))?;
    changes::record(tx, "tunnel", id, "created", &input.name).await?;
    Ok(id)
}

pub async fn update(pool: &SqlitePool, id: i64, input: &TunnelInput) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    update_in(&mut tx, id, input).await?;
    tx.commit().await?;
    Ok(())
}

/// [`update`] inside the caller's transaction.
pub async fn update_in(tx: &mut SqliteConnection, id: i64, input: &TunnelInput) -> Result<()> {
    bind_input(
        sqlx::query_scalar(
            "UPDATE tunnels SET name = ?, kind = ?, broker = ?, local_endpoint = ?, remote_endpoint = ?,
                 local_v6 = ?, remote_v6 = ?, mtu = ?, onlink_len = ?, routed_prefixes = ?, host_id = ?,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ? RETURNING id",
        ),
        input,
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| map_err(e, input))?
    .ok_or(StoreError::NotFound)?;
    changes::record(tx, "tunnel", id, "updated", &input.name).await?;
    Ok(())
}

pub async fn delete(pool: &SqlitePool, id: i64) -> Result<()> {
    super::delete_row(pool, "tunnels", "name", "tunnel", id).await
}
