//! v6watch's web application: validated inventory types, the pages, and the server
//! functions they read through. Server-only code sits behind the `ssr` feature.

#![recursion_limit = "256"]

pub mod channels;
pub mod domain;
pub mod inventory;
pub mod pages;
pub mod queries;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{App, shell};

/// Session key holding the signed-in user's id.
pub const SESSION_USER_ID: &str = "user_id";
/// Session key holding the signed-in user's name.
pub const SESSION_USERNAME: &str = "username";
