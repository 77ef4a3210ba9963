//! v6watch's server: the HTTP application around the pages, sign-in, the inventory's
//! form posts, the JSON API, the scheduled jobs (probes, verdicts), alert delivery, and the command-line
//! commands.

pub mod alert_actions;
pub mod alerts;
pub mod api;
pub mod auth;
pub mod channel_actions;
pub mod check;
pub mod check_actions;
pub mod cli;
pub mod delivery;
pub mod events;
pub mod inventory;
pub mod metrics;
pub mod scheduler;
pub mod selftest;
pub mod settings_actions;
pub mod startup;
pub mod state;
pub mod token_actions;
pub mod verdicts;
