//! The hosts table.

use super::addresses::{self, Owner, OwnerKind};
use super::{Result, StoreError, changes, split_lines, unique_to_conflict};
use model::inventory::{Address, Host, HostDependents, HostInput};
use sqlx::{SqliteConnection, SqlitePool};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    dns_name: Option<String>,
    notes: String,
    tags: String,
    created_at: String,
    updated_at: String,
}

fn to_host(row: Row, addresses: Vec<Address>) -> Host {
    Host {
        addresses,
        id: row.id,
        name: row.name,
        dns_name: row.dns_name,
        notes: row.notes,
        tags: split_lines(&row.tags),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

const COLUMNS: &str = "id, name, dns_name, notes, tags, created_at, updated_at";

pub async fn list(pool: &SqlitePool) -> Result<Vec<Host>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM hosts ORDER BY name COLLATE NOCASE"
    ))
    .fetch_all(pool)
    .await?;
    let mut addresses = addresses::of_many(
        pool,
        OwnerKind::Host,
        "SELECT id FROM hosts WHERE ?1 IS NULL",
        None,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let own = addresses.remove(&row.id).unwrap_or_default();
            to_host(row, own)
        })
        .collect())
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Host> {
    let row: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM hosts WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)?;
    let own = addresses::of(pool, Owner::Host(row.id)).await?;
    Ok(to_host(row, own))
}

fn name_taken(err: sqlx::Error, input: &HostInput) -> StoreError {
    unique_to_conflict(
        err,
        "name",
        format!(
            "a host named '{}' already exists (names are compared ignoring case)",
            input.name
        ),
    )
}

/// Inserts a host with its addresses in one transaction; returns its id.
pub async fn create(pool: &SqlitePool, input: &HostInput) -> Result<i64> {
    let mut tx = super::write_tx(pool).await?;
    let id = create_in(&mut tx, input).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create`] inside the caller's transaction.
pub async fn create_in(tx: &mut SqliteConnection, input: &HostInput) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO hosts (name, dns_name, notes, tags) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(&input.name)
    .bind(&input.dns_name)
    .bind(&input.notes)
    .bind(input.tags.join("\n"))
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| name_taken(e, input))?;
    addresses::replace(tx, Owner::Host(id), &input.addresses).await?;
    changes::record(tx, "host", id, "created", &input.name).await?;
    Ok(id)
}

pub async fn update(pool: &SqlitePool, id: i64, input: &HostInput) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    update_in(&mut tx, id, input).await?;
    tx.commit().await?;
    Ok(())
}

/// [`update`] inside the caller's transaction.
pub async fn update_in(tx: &mut SqliteConnection, id: i64, input: &HostInput) -> Result<()> {
    let done = sqlx::query(
        "UPDATE hosts SET name = ?, dns_name = ?, notes = ?, tags = ?,
                updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
    )
    .bind(&input.name)
    .bind(&input.dns_name)
    .bind(&input.notes)
    .bind(input.tags.join("\n"))
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(|e| name_taken(e, input))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    addresses::replace(tx, Owner::Host(id), &input.addresses).await?;
    changes::record(tx, "host", id, "updated", &input.name).await?;
    Ok(())
}

pub async fn dependents(pool: &SqlitePool, id: i64) -> Result<HostDependents> {
    let names = |sql: &'static str| {
        sqlx::query_scalar::<_, String>(sql)
            .bind(id)
            .fetch_all(pool)
    };
    Ok(HostDependents {
        containers: names("SELECT name FROM containers WHERE host_id = ? ORDER BY name").await?,
        services: names(
            "SELECT name FROM services WHERE host_id = ?1
                OR container_id IN (SELECT id FROM containers WHERE host_id = ?1) ORDER BY name",
        )
        .await?,
        tunnels: names("SELECT name FROM tunnels WHERE host_id = ? ORDER BY name").await?,
    })
}

pub async fn delete(pool: &SqlitePool, id: i64) -> Result<()> {
    super::delete_row(pool, "hosts", "name", "host", id).await
}

/// (id, name) pairs for select boxes.
pub async fn choices(pool: &SqlitePool) -> Result<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, name FROM hosts ORDER BY name COLLATE NOCASE")
            .fetch_all(pool)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pool;

    fn input(name: &str, addresses: &[&str]) -> HostInput {
        HostInput {
            name: name.into(),
            dns_name: None,
            addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
            notes: String::new(),
            tags: vec!["lab".into()],
        }
    }

    #[tokio::test]
    async fn hosts_round_trip_with_derived_address_kinds() {
        let (pool, _dir) = test_pool().await;
        let id = create(
            &pool,
            &input("pi", &["2001:db8::211:22ff:fe33:4455", "fd00::1"]),
        )
        .await
        .unwrap();
        let host = get(&pool, id).await.unwrap();
        assert_eq!(host.name, "pi");
        assert_eq!(host.tags, ["lab"]);
        assert_eq!(host.addresses[0].mac.as_deref(), Some("00:11:22:33:44:55"));
        assert_eq!(host.addresses[1].kind, model::domain::AddressKind::Ula);

        update(&pool, id, &input("pi4", &["2001:db8::9"]))
            .await
            .unwrap();
        let host = get(&pool, id).await.unwrap();
        assert_eq!((host.name.as_str(), host.addresses.len()), ("pi4", 1));
    }

    #[tokio::test]
    async fn a_duplicate_name_is_a_conflict_and_changes_nothing() {
        let (pool, _dir) = test_pool().await;
        create(&pool, &input("router", &["2001:db8::1"]))
            .await
            .unwrap();
        let other = create(&pool, &input("nas", &[])).await.unwrap();
        let err = update(&pool, other, &input("router", &["2001:db8::2"]))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "name", .. }),
            "{err:?}"
        );
        let nas = get(&pool, other).await.unwrap();
        assert_eq!(
            (nas.name.as_str(), nas.addresses.len()),
            ("nas", 0),
            "rolled back"
        );
        assert!(matches!(
            create(&pool, &input("router", &[])).await,
            Err(StoreError::Conflict { .. })
        ));
        assert_eq!(list(&pool).await.unwrap().len(), 2);
    }
}
