//! The results store: the one place for SQL. A file per table, plain async functions taking
//! the pool; `migrations/` is the only schema. [`rows`] holds the types the store reads,
//! which build without SQL (the browser's half); everything else needs the `sqlite` feature.

pub mod rows;

#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
pub use sqlite::*;
