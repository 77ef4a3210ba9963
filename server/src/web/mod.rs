//! The web layer: the HTTP application around the pages, and what it serves besides them
//! (form posts, sign-in, the JSON API, metrics).

pub mod actions;
pub mod api;
pub mod assets;
pub mod auth;
pub mod form;
pub mod host;
pub mod live;
pub mod metrics;
pub mod router;
pub mod state;
pub mod store_failure;

pub use router::{Wiring, router, router_with};
