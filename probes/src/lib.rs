//! v6watch probe stage: DNS, ICMP, TCP and HTTP(S) probes forced over IPv6, with the same
//! probes over IPv4 beside them so that "works over IPv4, fails over IPv6" is visible.
//!
//! Build one [`Prober`] from a [`ProbeConfig`], then [`Prober::run`] a [`ProbeSpec`]: the
//! answer is a [`ProbeReport`] of [`Outcome`]s, each with a [`Reason`] code (see
//! `REASONS.md`). A target being down is an outcome, never an error. [`selftest`] checks this
//! machine's own IPv6; the one-shot check behind `v6watch check` is the verdict stage's
//! (`verdict::check`).

// Answers come from the network: nothing here may panic on them.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]

mod config;
mod deadline;
pub mod deny;
mod dns;
mod error;
mod family;
mod http;
mod icmp;
pub mod nat64;
mod outcome;
mod pmtu;
pub mod portscan;
mod prober;
mod reason;
mod report;
pub mod selftest;
mod spec;
mod tcp;
mod v6path;

pub use config::ProbeConfig;
pub use dns::DnsAnswer;
pub use error::SetupError;
pub use family::Family;
pub use http::FetchResult;
/// The nameserver parser is the model's, so the settings page, the flags and the probes agree.
pub use model::domain::{NameserverError, parse_nameserver};
pub use outcome::{Outcome, ProbeKind, RedirectHop};
pub use pmtu::{
    Attempt, EchoSender, SIZES as PMTU_SIZES, Search as PmtuSearch, search as pmtu_search,
};
pub use prober::Prober;
pub use reason::Reason;
pub use report::ProbeReport;
pub use spec::ProbeSpec;
pub use v6path::{ConnectAttempt, PathRecord};
