//! v6watch's server: the HTTP application around the pages, sign-in, the inventory's
//! form posts, and the command-line commands.

pub mod alert_actions;
pub mod alerts;
pub mod auth;
pub mod check;
pub mod check_actions;
pub mod cli;
pub mod inventory;
pub mod scheduler;
pub mod selftest;
pub mod startup;
pub mod state;
