//! The store crate's integration tests: one binary, a module per feature.

mod channels_file;
mod import;
mod names;
