//! Verdict stage: judges whether an IPv6-only client can use a web service.
//!
//! A page is only usable over IPv6 if every resource it pulls in is too: a
//! script on an IPv4-only CDN breaks the page as surely as a missing AAAA
//! record on the page's own host. This crate is the verdict stage of the
//! pipeline (inventory → scheduler → probes → results store → **verdicts** →
//! alerts → pages).
//!
//! - [`extract`] finds the resources a page depends on (pure code, no network).

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

pub mod extract;
