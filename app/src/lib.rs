//! v6watch's web application: the pages and the server functions they read through (the
//! validated types are `model`'s, the SQL is `store`'s). Server-only code sits behind the `ssr` feature.

#![recursion_limit = "256"]

pub mod history;
pub mod pages;
pub mod queries;

pub use pages::{App, shell};

/// Session key holding the signed-in user's id.
pub const SESSION_USER_ID: &str = "user_id";
/// Session key holding the signed-in user's name.
pub const SESSION_USERNAME: &str = "username";
