//! The browser judge's network side: everything a real browser loads while judging a page
//! goes through [`Proxy`], which reaches hosts over IPv6 only and keeps a [`Ledger`] of how
//! each host went.

mod ledger;
mod proxy;
mod pump;

pub use ledger::{HostEntry, Ledger};
pub use proxy::{Proxy, ProxyLimits, REASON_HEADER};
