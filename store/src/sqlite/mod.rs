//! The SQLite tables, a file each, and opening the database.

pub mod addresses;
pub mod alert_state;
pub mod api_tokens;
pub mod changes;
pub mod channels;
pub mod checks;
pub mod containers;
pub mod deliveries;
pub mod exposure;
pub mod health;
pub mod hosts;
pub mod import;
pub mod incidents;
pub mod metrics;
pub mod plan_findings;
pub mod prefixes;
pub mod results;
pub mod retention;
pub mod services;
pub mod settings;
pub mod sync;
pub mod tunnel_health;
pub mod tunnels;
pub mod users;
pub mod verdicts;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::path::Path;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Opens (creating if needed) the database file in WAL mode with foreign keys on, and
/// brings its schema up to date.
pub async fn open(path: &Path) -> Result<SqlitePool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    migrate(&options).await?;
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .after_release(|conn, _| Box::pin(still_usable(conn)))
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Brings the schema up to date on a connection of its own with foreign keys off, as
/// SQLite's table-rebuild procedure needs: a migration that rebuilds a table to change a
/// CHECK constraint drops the old one, which with foreign keys on would first delete every
/// row referring to it (a check's results). The pool's connections have them on.
async fn migrate(options: &SqliteConnectOptions) -> Result<()> {
    use sqlx::{ConnectOptions, Connection};
    let mut conn = options.clone().foreign_keys(false).connect().await?;
    sqlx::migrate!("../migrations").run(&mut conn).await?;
    let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut conn)
        .await?;
    conn.close().await?;
    if let Some((table,)) = broken.first() {
        return Err(StoreError::Database(sqlx::Error::Protocol(format!(
            "the schema upgrade left rows in {table} that refer to nothing"
        ))));
    }
    Ok(())
}

/// Whether a connection handed back to the pool may be lent again: not when SQLite ended
/// its transaction by itself (a full disk during COMMIT rolls it back), since the ROLLBACK
/// sent for the dropped transaction then fails and the connection would refuse every later
/// `BEGIN`. The ping waits for that queued ROLLBACK to run before the depth is read.
async fn still_usable(conn: &mut sqlx::SqliteConnection) -> sqlx::Result<bool> {
    use sqlx::{Connection, TransactionManager};
    conn.ping().await?;
    let depth = sqlx::sqlite::SqliteTransactionManager::get_transaction_depth(conn);
    if depth != 0 {
        tracing::warn!(
            depth,
            "closing a database connection left inside a transaction SQLite had ended"
        );
    }
    Ok(depth == 0)
}

/// Splits a one-item-per-line column.
pub(crate) fn split_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Maps a UNIQUE violation to a message for the field that caused it.
pub(crate) fn unique_to_conflict(
    err: sqlx::Error,
    field: &'static str,
    message: String,
) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict { field, message }
        }
        _ => StoreError::Database(err),
    }
}

#[cfg(test)]
pub(crate) async fn test_pool() -> (SqlitePool, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = open(&dir.path().join("test.db")).await.expect("open store");
    (pool, dir)
}

/// Deletes one row by id and logs the change under the row's label column.
/// A transaction that takes the write lock at once (`BEGIN IMMEDIATE`). Every transaction
/// here reads, then writes; begun deferred, one that reads while another writer commits can
/// no longer upgrade and fails at once with "database is locked" (the busy timeout does not
/// apply), which lost verdicts when every service was judged at once after a restart.
pub(crate) async fn write_tx(
    pool: &SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// `table`, `label` and `entity` are constants from this module, never user input.
pub(crate) async fn delete_row(
    pool: &SqlitePool,
    table: &'static str,
    label: &'static str,
    entity: &'static str,
    id: i64,
) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    delete_row_in(&mut tx, table, label, entity, id).await?;
    tx.commit().await?;
    Ok(())
}

/// [`delete_row`] inside the caller's transaction.
pub(crate) async fn delete_row_in(
    tx: &mut sqlx::SqliteConnection,
    table: &'static str,
    label: &'static str,
    entity: &'static str,
    id: i64,
) -> Result<()> {
    let name: String = sqlx::query_scalar(&format!(
        "DELETE FROM {table} WHERE id = ? RETURNING {label}"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    checks::drop_orphans(tx).await?;
    changes::record(tx, entity, id, "deleted", &name).await?;
    Ok(())
}

/// Entity counts for the overview.
pub async fn inventory_counts(pool: &SqlitePool) -> Result<[i64; 5]> {
    let row: (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM hosts), (SELECT COUNT(*) FROM prefixes), (SELECT COUNT(*) FROM tunnels),
                (SELECT COUNT(*) FROM containers), (SELECT COUNT(*) FROM services)",
    )
    .fetch_one(pool)
    .await?;
    Ok([row.0, row.1, row.2, row.3, row.4])
}

/// Why the database refused a write, when the cause is the disk beneath it rather than the
/// request: SQLite's primary result codes for a full disk (`SQLITE_FULL`), a read-only file
/// or file system (`SQLITE_READONLY`) and a failing write (`SQLITE_IOERR`, which is also
/// what a file system turned read-only under an open database gives).
pub fn unwritable_reason(err: &StoreError) -> Option<&'static str> {
    let StoreError::Database(sqlx::Error::Database(db)) = err else {
        return None;
    };
    let code: i64 = db.code()?.parse().ok()?;
    match code & 0xff {
        13 => Some("the disk holding the database is full"),
        8 => Some("the database is read-only"),
        10 => Some("the disk holding the database failed (I/O error)"),
        _ => None,
    }
}

/// Whether the database answers (for `/healthz`).
pub async fn ping(pool: &SqlitePool) -> Result<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}

/// Whether the database takes a write: rewrites the one row of `store_health` and commits
/// (a read-only file, a full disk or a broken journal fail here, as reads would not).
pub async fn write_check(pool: &SqlitePool) -> Result<()> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let written = sqlx::query("UPDATE store_health SET checked_at = ? WHERE id = 1")
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
    if written == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Tests of a migration: a database at the schema from before `version`, to fill with rows
/// of that time and then migrate the rest of the way.
#[cfg(test)]
pub(crate) async fn migrated_before(path: &std::path::Path, version: i64) -> sqlx::SqlitePool {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let mut before = sqlx::migrate!("../migrations");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < version)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
    pool
}

#[cfg(test)]
mod write_check_tests {
    use super::*;
    use sqlx::sqlite::SqliteConnectOptions;

    #[tokio::test]
    async fn a_write_check_fails_on_a_database_that_takes_no_writes() {
        let (pool, dir) = test_pool().await;
        write_check(&pool).await.unwrap();
        pool.close().await;
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("test.db"))
            .pragma("query_only", "ON");
        let read_only = SqlitePoolOptions::new()
            .connect_with(options)
            .await
            .unwrap();
        ping(&read_only).await.unwrap();
        let err = write_check(&read_only).await.unwrap_err();
        assert!(err.to_string().contains("readonly"), "{err}");
        assert_eq!(
            unwritable_reason(&err),
            Some("the database is read-only"),
            "{err}"
        );
        assert_eq!(unwritable_reason(&StoreError::NotFound), None);
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    /// The list and detail pages read services by host and by container, tunnels by host
    /// and incidents by the one they fold into: each of those reads uses an index.
    #[tokio::test]
    async fn the_list_and_detail_reads_use_their_indexes() {
        let (pool, _dir) = test_pool().await;
        for (query, index) in [
            ("SELECT id FROM services WHERE host_id = 1", "services_host"),
            (
                "SELECT id FROM services WHERE container_id = 1",
                "services_container",
            ),
            ("SELECT id FROM tunnels WHERE host_id = 1", "tunnels_host"),
            (
                "SELECT id FROM incidents WHERE folded_into = 1",
                "incidents_folded_into",
            ),
        ] {
            let plan: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {query}"))
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            assert!(
                plan.iter().any(|(_, _, _, detail)| detail.contains(index)),
                "{query}: {plan:?}"
            );
        }
    }
}

#[cfg(test)]
mod rolled_back_tests {
    use super::*;

    /// A full disk during COMMIT makes SQLite roll the transaction back by itself; the
    /// ROLLBACK sent when the transaction is dropped then fails and the connection believes
    /// it is still inside one, so every later `BEGIN` on it failed ("attempted to call
    /// begin_with at non-zero transaction depth") long after the disk had room again. Such a
    /// connection must leave the pool. (A ROLLBACK inside the transaction leaves it in the
    /// same state.)
    #[tokio::test]
    async fn a_connection_whose_transaction_sqlite_ended_is_not_reused() {
        let (pool, _dir) = test_pool().await;
        for _ in 0..8 {
            let mut tx = write_tx(&pool).await.unwrap();
            sqlx::query("ROLLBACK").execute(&mut *tx).await.unwrap();
            drop(tx);
        }
        for i in 0..32 {
            let mut tx = write_tx(&pool)
                .await
                .unwrap_or_else(|e| panic!("transaction {i}: {e:#}"));
            sqlx::query("UPDATE store_health SET checked_at = ?")
                .bind(i)
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    }
}
