//! Verdict stage: judges whether an IPv6-only client can use a web service.
//!
//! A page is only usable over IPv6 if every resource it pulls in is too: a
//! script on an IPv4-only CDN breaks the page as surely as a missing AAAA
//! record on the page's own host. This crate is the verdict stage of the
//! pipeline (inventory → scheduler → probes → results store → **verdicts** →
//! alerts → pages).
//!
//! - [`extract`] finds the resources a page depends on (pure code, no network).
//! - [`judge`] checks the service and each dependency host over IPv6 only:
//!   [`judge_url`] gives a [`ServiceVerdict`].
//! - [`model`] holds the verdict types and the pure rules that combine them;
//!   [`ServiceVerdict::diff`] lists what changed between two verdicts.
//! - [`check`] is the one-shot check behind `v6watch check`: it parses the target (URL,
//!   host name or IP address) and gives one [`check::CheckReport`], whose JSON form is the
//!   contract documented in `README.md`.

// Pages and stylesheets come from the network: nothing here may panic on them.
#![forbid(unsafe_code)]
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

pub mod browser;
pub mod check;
mod diff;
pub mod extract;
pub mod judge;
pub mod model;

pub use diff::VerdictChange;
pub use judge::{Declared, judge_url, parse_declared};
pub use model::{
    DepVerdict, DependencyVerdict, ServiceVerdict, Verdict, dependency_verdict, service_verdict,
};
