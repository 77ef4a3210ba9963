//! How something is doing over IPv6: the one scale for checks, verdicts, tiles and badges.

use serde::{Deserialize, Serialize};

/// How something is doing over IPv6, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Health {
    /// Fails over IPv6 (and IPv4 does not save it), or the service's verdict is broken.
    Failing,
    /// Fails over IPv6 while IPv4 works.
    Degraded,
    /// Works, but some hosts it loads from lack IPv6.
    Partial,
    /// Not checked yet.
    Unknown,
    Fine,
}
