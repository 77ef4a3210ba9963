//! The browser judge: a real Chromium loads the page, and everything it asks for goes through
//! [`Proxy`], which reaches hosts over IPv6 only and keeps a [`Ledger`] of how each host went.
//! So a dependency that only a script asks for (`fetch()`, an inserted `<script>`, a module
//! import, a WebSocket, a frame's own requests) is judged like one in the HTML, and whatever a
//! refused resource would have loaded is never asked for, as in an IPv6-only browser.

mod chromium;
mod judged;
mod ledger;
mod memory;
mod merge;
mod proxy;
mod pump;
mod visit;

pub use chromium::{BrowserError, Chromium, find_chromium};
pub use judged::{BrowserJudge, NOT_INSTALLED, judge_with_browser, turned_off};
pub use ledger::{HostEntry, Ledger};
pub use memory::of_tree as memory_of_process_tree;
pub use merge::{BROWSER, STATIC, merge};
pub use proxy::{Proxy, ProxyLimits, REASON_HEADER};
pub use visit::{SeenRequest, Visit, VisitLimits};
