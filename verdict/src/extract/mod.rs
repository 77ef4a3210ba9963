//! Verdict stage, dependency extraction: finds every resource a page pulls in.
//!
//! [`html::extract`] reads a page, [`css::extract`] a stylesheet; both return
//! an [`Extracted`] list of absolute `http`/`https` [`Dependency`] URLs,
//! deduplicated and capped by [`Limits`]. Stylesheets found (kinds
//! [`DepKind::Stylesheet`] and [`DepKind::CssImport`]) are listed so the
//! caller can fetch them, run [`css::extract`] on each with the sheet's own
//! URL as base, and fold the results in with [`Extracted::merge`].
//! [`group_by_host`] then turns the list into the hosts an IPv6-only client
//! must reach.
//!
//! Nothing here touches the network, and no input makes it panic.

pub mod css;
pub mod html;

mod collect;
mod group;
mod limits;
mod model;
mod refresh;
mod resolve;
mod srcset;

pub use group::{HostGroup, MAX_URLS_PER_HOST, group_by_host};
pub use limits::Limits;
pub use model::{DepKind, Dependency, Extracted, Source};
