//! The store crate's integration tests: one binary, a module per feature.

mod import;
mod names;
