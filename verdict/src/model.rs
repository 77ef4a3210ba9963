//! Verdict stage: what a verdict says, and the rules that combine the service's own result
//! with its dependencies' results. Pure code; stored, compared and shown by later stages.

use chrono::{DateTime, Utc};
use probes::Reason;
use serde::{Deserialize, Serialize};

/// How a service fares for an IPv6-only client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The service and every dependency work over IPv6 (NAT64-only dependencies included).
    Ready,
    /// The service works over IPv6 but one or more dependencies do not.
    Partial,
    /// The service itself does not work over IPv6.
    Broken,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::Partial => "partial",
            Verdict::Broken => "broken",
        }
    }
}

/// How one dependency host fares for an IPv6-only client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepVerdict {
    /// Works over IPv6 with a real AAAA record.
    Ready,
    /// Works only through an AAAA synthesized inside a NAT64 prefix.
    Nat64,
    /// Does not work over IPv6; the reason says why.
    Broken,
}

impl DepVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            DepVerdict::Ready => "ready",
            DepVerdict::Nat64 => "nat64",
            DepVerdict::Broken => "broken",
        }
    }

    /// Ready or NAT64: an IPv6-only client can load it.
    pub fn works(self) -> bool {
        self != DepVerdict::Broken
    }
}

/// The verdict on one host a page pulls resources from (or a declared dependency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DependencyVerdict {
    /// Lowercase host name, or an IP address without brackets.
    pub host: String,
    pub verdict: DepVerdict,
    /// Why it is broken over IPv6 (a probes reason code); `None` unless broken.
    pub reason: Option<Reason>,
    /// Its addresses: AAAA first, then A.
    pub addresses: Vec<String>,
    /// The URLs on this host that the page pulls in (capped), and declared `host:port`s.
    pub urls: Vec<String>,
    /// What the page uses it for (`script`, `stylesheet`, `font`, ..., `declared`).
    pub kinds: Vec<String>,
    /// The URL or `host:port` that was checked.
    #[serde(default)]
    pub checked: Option<String>,
    /// A readable explanation of the result.
    #[serde(default)]
    pub detail: String,
    /// Which judges found it: `static` (the page's HTML and CSS, declared dependencies),
    /// `browser` (a real browser's requests), or both. Empty in verdicts stored before there
    /// was a browser judge: static.
    #[serde(default)]
    pub found_by: Vec<String>,
    /// The requests a real browser made to it, in order (capped), with what asked for them.
    #[serde(default)]
    pub requests: Vec<SeenRequest>,
}

/// One request a browser made while loading the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeenRequest {
    pub url: String,
    /// Lowercase host name or IP address without brackets; empty for `data:` and the like.
    pub host: String,
    /// The browser's resource type: `document`, `subframe` (a frame's document),
    /// `stylesheet`, `script`, `module` (an ES module import), `font`, `image`, `xhr`,
    /// `fetch`, `websocket`, `media`, ...
    pub kind: String,
    /// What asked for it: `parser`, `script`, `preload`, `css` (a stylesheet's `url()`),
    /// `other`.
    pub initiator: String,
    /// `ok`, `failed` or `pending` (still loading when the visit ended).
    pub outcome: String,
    /// The browser's error (`net::ERR_TUNNEL_CONNECTION_FAILED`, ...) when failed.
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub status: Option<u16>,
}

/// The verdict on one service for an IPv6-only client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceVerdict {
    /// The URL checked, as given.
    pub target: String,
    pub verdict: Verdict,
    /// Why the service itself is broken over IPv6; `None` when ready or partial.
    pub reason: Option<Reason>,
    /// The service host's addresses: AAAA first, then A.
    pub addresses: Vec<String>,
    /// The URL of the last response, after redirects.
    #[serde(default)]
    pub final_url: Option<String>,
    /// The service answered only through a NAT64-synthesized address.
    #[serde(default)]
    pub nat64: bool,
    /// One entry per dependency host, in order of first appearance.
    pub dependencies: Vec<DependencyVerdict>,
    /// A cap (page size, dependency count, stylesheets, hosts) left something unchecked.
    pub truncated: bool,
    /// When the check ran.
    #[serde(default)]
    pub checked_at: Option<DateTime<Utc>>,
    /// A readable explanation of the service's own result.
    #[serde(default)]
    pub detail: String,
    /// The judges that made this verdict: `static`, and `browser` when a real browser loaded
    /// the page. Empty in verdicts stored before there was a browser judge: static.
    #[serde(default)]
    pub judged_by: Vec<String>,
    /// Why the browser judge was not used (Chromium not installed, turned off, failed).
    #[serde(default)]
    pub browser_note: Option<String>,
}

/// The dependency verdict from the result of reaching it over IPv6: `Ok(synthesized)` when it
/// answered (through a NAT64 address or not), else the reason it did not.
pub fn dependency_verdict(reached: Result<bool, Reason>) -> (DepVerdict, Option<Reason>) {
    match reached {
        Ok(false) => (DepVerdict::Ready, None),
        Ok(true) => (DepVerdict::Nat64, None),
        Err(reason) => (DepVerdict::Broken, Some(reason)),
    }
}

/// The service verdict: `service` is `Ok(())` when the service answered over IPv6, else its
/// reason. Broken whenever the service fails; partial when any dependency is broken (NAT64
/// dependencies count as working); ready otherwise.
pub fn service_verdict(
    service: Result<(), Reason>,
    dependencies: &[DepVerdict],
) -> (Verdict, Option<Reason>) {
    match service {
        Err(reason) => (Verdict::Broken, Some(reason)),
        Ok(()) if dependencies.iter().all(|d| d.works()) => (Verdict::Ready, None),
        Ok(()) => (Verdict::Partial, None),
    }
}

impl ServiceVerdict {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_verdicts_combine_the_service_and_its_dependencies() {
        use DepVerdict as D;
        // service result, dependency verdicts, expected verdict and reason
        type Case = (
            Result<(), Reason>,
            &'static [DepVerdict],
            Verdict,
            Option<Reason>,
        );
        let cases: &[Case] = &[
            (Ok(()), &[], Verdict::Ready, None),
            (Ok(()), &[D::Ready, D::Ready], Verdict::Ready, None),
            (Ok(()), &[D::Ready, D::Nat64], Verdict::Ready, None),
            (Ok(()), &[D::Nat64], Verdict::Ready, None),
            (Ok(()), &[D::Ready, D::Broken], Verdict::Partial, None),
            (Ok(()), &[D::Broken], Verdict::Partial, None),
            (Ok(()), &[D::Nat64, D::Broken], Verdict::Partial, None),
            (
                Err(Reason::NoAaaa),
                &[],
                Verdict::Broken,
                Some(Reason::NoAaaa),
            ),
            (
                Err(Reason::RedirectToIpv4Only),
                &[D::Ready],
                Verdict::Broken,
                Some(Reason::RedirectToIpv4Only),
            ),
            (
                Err(Reason::Timeout),
                &[D::Broken],
                Verdict::Broken,
                Some(Reason::Timeout),
            ),
        ];
        for (service, deps, verdict, reason) in cases {
            assert_eq!(
                service_verdict(*service, deps),
                (*verdict, *reason),
                "{service:?} {deps:?}"
            );
        }
    }

    #[test]
    fn dependency_verdicts_tell_nat64_apart() {
        let cases: &[(Result<bool, Reason>, DepVerdict, Option<Reason>)] = &[
            (Ok(false), DepVerdict::Ready, None),
            (Ok(true), DepVerdict::Nat64, None),
            (
                Err(Reason::NoAaaa),
                DepVerdict::Broken,
                Some(Reason::NoAaaa),
            ),
            (
                Err(Reason::Nxdomain),
                DepVerdict::Broken,
                Some(Reason::Nxdomain),
            ),
            (
                Err(Reason::Timeout),
                DepVerdict::Broken,
                Some(Reason::Timeout),
            ),
        ];
        for (reached, verdict, reason) in cases {
            assert_eq!(
                dependency_verdict(*reached),
                (*verdict, *reason),
                "{reached:?}"
            );
        }
    }

    #[test]
    fn verdicts_serialize_as_snake_case_codes() {
        for (v, s) in [
            (Verdict::Ready, "ready"),
            (Verdict::Partial, "partial"),
            (Verdict::Broken, "broken"),
        ] {
            assert_eq!(serde_json::to_value(v).unwrap(), s);
            assert_eq!(v.as_str(), s);
        }
        for (v, s) in [
            (DepVerdict::Ready, "ready"),
            (DepVerdict::Nat64, "nat64"),
            (DepVerdict::Broken, "broken"),
        ] {
            assert_eq!(serde_json::to_value(v).unwrap(), s);
            assert_eq!(v.as_str(), s);
        }
    }
}
