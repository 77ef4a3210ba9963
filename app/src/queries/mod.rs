//! Server functions the pages read through: each runs on the server (during SSR or when the
//! browser asks) and returns plain serializable data.

pub mod alerts;
pub mod channels;
pub mod checks;
pub mod exposure;
pub mod flash;
pub mod history;
pub mod imports;
pub mod inventory;
pub mod overview;
pub mod plan;
pub mod settings;
pub mod status;
pub mod subject_status;
pub mod tokens;
pub mod verdicts;

#[cfg(feature = "ssr")]
pub(crate) mod context {
    use leptos::prelude::*;
    use sqlx::SqlitePool;

    pub fn pool() -> Result<SqlitePool, ServerFnError> {
        use_context::<SqlitePool>()
            .ok_or_else(|| ServerFnError::new("the database is not available"))
    }

    /// Logs a store failure and gives the browser a message without internals.
    pub fn store_error(err: store::StoreError) -> ServerFnError {
        match err {
            store::StoreError::NotFound => ServerFnError::new("not found"),
            other => {
                tracing::error!(error = %other, "store query failed");
                ServerFnError::new("could not read the database; see the server log")
            }
        }
    }
}
