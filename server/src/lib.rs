//! v6watch's server, a module per stage of the data flow: the scheduler runs the probes on
//! the inventory's checks, the verdict job judges HTTP(S) services, the alert stage turns
//! results and verdicts into incidents, delivery sends them, and the web layer serves the
//! pages, form posts, API and metrics. `config` holds the command line, `cli` the one-shot
//! commands, and `startup` wires the stages together.
// The page views' types nest deeper than rustc's default limit when the server
// monomorphises them.
#![recursion_limit = "256"]

pub mod alerts;
pub mod cli;
pub mod config;
pub mod db_lock;
pub mod delivery;
pub mod events;
pub mod imports;
pub mod scheduler;
pub mod selftest;
pub mod startup;
pub mod sync;
pub mod verdicts;
pub mod web;
