//! v6watch verdict stage, integration tests (one test binary): the judge's bounds on the
//! loopback, the shared browser killed mid-visit, the extractors on the fuzz corpus, and the
//! verdicts and the one-shot check in the network-namespace lab.

mod bounded;
mod browser_restart;
mod corpus;
// The lab helper is the probe stage's (one source for both crates).
#[path = "../../../probes/tests/integration/lab.rs"]
mod lab;
mod lab_browser;
mod lab_check;
mod lab_proxy;
mod lab_verdicts;
mod proxy;
