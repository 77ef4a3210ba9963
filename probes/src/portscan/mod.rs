//! Probe stage, exposure scan: a TCP connect scan of one inventory subject over IPv6 and over
//! IPv4, to find ports that answer over IPv6 but not over IPv4 (the exposure diff). Docker
//! before 27 and IPv4-only firewalls leave such ports open by accident.
//!
//! The scanner takes only the addresses it is given (the caller reads them from the opted-in
//! subject's inventory rows), honours `--deny-target`, and is bounded: a cap on connections in
//! flight, a short connect timeout and a deadline for the whole subject.

pub mod diff;
pub mod ports;
pub mod scan;

pub use diff::{DiffUpdate, ExposedPort, update_diff};
pub use ports::{TOP_PORTS, port_list};
pub use scan::{ScanError, ScanLimits, ScanOutcome, ScanTarget, connect_tcp, scan, scan_with};
