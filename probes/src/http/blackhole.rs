//! Probe stage, HTTP over IPv6: a TCP path MTU black hole told from a slow server. When a
//! response stalls with the segment size both ends agreed on and then arrives whole once the
//! probe asks for segments that fit the IPv6 minimum MTU, a router on the path drops large
//! packets without sending Packet Too Big back: `pmtu_blackhole`, the classic "IPv6 pages
//! hang but ping works".

use std::net::IpAddr;
use std::time::Duration;

use url::Url;

use super::exchange;
use super::failure::{Failure, Stage};
use crate::deadline::Deadline;
use crate::{Prober, Reason};

/// The segment size of the re-check: 1280 (the IPv6 minimum MTU) - 40 (IPv6) - 20 (TCP).
pub(crate) const SMALL_MSS: u32 = 1220;

/// How much of an IPv6 fetch's budget is kept for the re-check.
pub(crate) fn reserve(budget: Duration) -> Duration {
    (budget / 3).min(Duration::from_secs(3))
}

/// Whether `failure` may be a black hole: the connection was made (so small packets pass),
/// then the answer did not come, or came in part, within the time.
pub(crate) fn suspect(failure: &Failure) -> bool {
    failure.reason == Reason::Timeout && failure.stage == Stage::Http
}

/// GET `url` from `address` again with small segments, by `deadline`. The failure to report
/// instead of `stalled` when the answer then arrived whole, else None (a slow server, not a
/// path problem: the stall stands).
pub(crate) async fn recheck(
    prober: &Prober,
    url: &Url,
    address: IpAddr,
    deadline: Deadline,
    stalled: &Failure,
) -> Option<Failure> {
    let (response, _) = exchange::request(prober, url, address, deadline, Some(SMALL_MSS))
        .await
        .ok()?;
    let body = response.read_body(prober.config.body_cap, deadline).await;
    if body.failure.is_some() {
        return None;
    }
    Some(Failure::new(
        Reason::PmtuBlackhole,
        format!(
            "{}; asked again for {SMALL_MSS}-byte TCP segments, it answered at once ({} bytes): \
             full-size IPv6 packets from {address} vanish on the path without a Packet Too Big \
             (a path MTU black hole)",
            stalled.detail,
            body.bytes.len()
        ),
        Stage::Http,
    ))
}
