//! Probe stage, HTTP: following redirects hop by hop, each hop's host judged again over the
//! same address family only.

use url::Url;

use super::blackhole;
use super::decode::decode;
use super::exchange;
use super::failure::{Failure, Stage};
use crate::deadline::{Deadline, millis};
use crate::dns::{DnsFailure, Host, HostAddress, addresses_for};
use crate::{Family, Outcome, ProbeKind, Prober, Reason, RedirectHop};

/// Everything one chain of requests found.
pub(crate) struct Chain {
    pub outcome: Outcome,
    pub final_url: Url,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The body went on past the cap (before or after decoding).
    pub truncated: bool,
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Whether `status` is what the probe wants: the expected code, else any 2xx.
pub(crate) fn status_ok(status: u16, expected: Option<u16>) -> bool {
    match expected {
        Some(code) => status == code,
        None => (200..300).contains(&status),
    }
}

/// Only http and https are followed.
pub(crate) fn check_scheme(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(()),
        "http" | "https" => Err(format!("{url} has no host")),
        other => Err(format!("{url}: scheme {other:?} is not http or https")),
    }
}

/// Why a redirect hop's host cannot be used over `family`.
fn hop_failure(family: Family, next: &Url, reason: Reason, detail: &str) -> (Reason, String) {
    let ipv4_only = family == Family::V6
        && matches!(
            reason,
            Reason::NoAaaa
                | Reason::Ipv4Literal
                | Reason::Timeout
                | Reason::Unreachable
                | Reason::Refused
                | Reason::Reset
        );
    if ipv4_only {
        (
            Reason::RedirectToIpv4Only,
            format!("redirect to {next}, which has no working IPv6: {reason}: {detail}"),
        )
    } else {
        (reason, format!("redirect to {next}: {detail}"))
    }
}

struct Walk {
    port: Option<u16>,
    family: Family,
    expected: Option<u16>,
    start: HostAddress,
    hops: Vec<RedirectHop>,
}

impl Walk {
    fn outcome(&self, reason: Reason, detail: String) -> Outcome {
        let mut outcome = Outcome::new(
            ProbeKind::Http,
            self.family,
            Some(self.start.ip),
            reason,
            detail,
        )
        .with_synthesized(self.start.synthesized);
        outcome.port = self.port;
        outcome.redirects = self.hops.clone();
        outcome
    }

    fn end(self, url: Url, reason: Reason, detail: String) -> Chain {
        Chain {
            outcome: self.outcome(reason, detail),
            final_url: url,
            status: None,
            content_type: None,
            body: Vec::new(),
            truncated: false,
        }
    }
}

/// `failure` of an IPv6 request to `address`, or `pmtu_blackhole` when it looks like one and
/// the same request with small segments gets its answer by `deadline`.
async fn recheck(
    prober: &Prober,
    family: Family,
    url: &Url,
    address: std::net::IpAddr,
    deadline: Deadline,
    failure: Failure,
) -> Failure {
    if family != Family::V6 || !blackhole::suspect(&failure) {
        return failure;
    }
    match blackhole::recheck(prober, url, address, deadline, &failure).await {
        Some(found) => found,
        None => failure,
    }
}

/// GET `url` from `start`, following redirects up to the configured maximum.
pub(crate) async fn follow(
    prober: &Prober,
    url: &Url,
    start: HostAddress,
    family: Family,
    expected: Option<u16>,
    deadline: Deadline,
) -> Chain {
    let started = tokio::time::Instant::now();
    let follow_redirects = !matches!(expected, Some(code) if (300..400).contains(&code));
    let mut walk = Walk {
        port: url.port_or_known_default(),
        family,
        expected,
        start,
        hops: Vec::new(),
    };
    // Over IPv6 a part of the budget is kept to tell a path MTU black hole from a slow
    // server; everything else keeps to `main`.
    let main = if family == Family::V6 {
        deadline.earlier(blackhole::reserve(deadline.remaining()))
    } else {
        deadline
    };
    let mut current = url.clone();
    let mut candidates = vec![start];
    loop {
        let first_hop = walk.hops.is_empty();
        let mut answer = None;
        let mut failure: Option<Failure> = None;
        for candidate in &candidates {
            match exchange::request(prober, &current, candidate.ip, main, None).await {
                Ok((response, _)) => {
                    answer = Some((response, candidate.ip));
                    break;
                }
                Err(f) => {
                    let f = recheck(prober, family, &current, candidate.ip, deadline, f).await;
                    // On a redirect hop, another address of the hop's host may still work.
                    let try_next = !first_hop && f.stage == Stage::Connect;
                    failure = Some(f);
                    if !try_next {
                        break;
                    }
                }
            }
        }
        let Some((response, address)) = answer else {
            let f = failure.unwrap_or_else(|| {
                Failure::new(Reason::HttpError, "no address to try", Stage::Connect)
            });
            let (reason, detail) = if !first_hop && f.stage == Stage::Connect {
                hop_failure(family, &current, f.reason, &f.detail)
            } else {
                (f.reason, f.detail)
            };
            return walk.end(current, reason, detail);
        };
        let status = response.status;
        if follow_redirects && is_redirect(status) {
            let Some(location) = response.location.clone() else {
                let detail = format!("{status} from {current} without a Location header");
                return walk.end(current, Reason::HttpError, detail);
            };
            let next = match current.join(&location) {
                Ok(next) => next,
                Err(e) => {
                    let detail =
                        format!("{status} from {current} to unusable Location {location:?}: {e}");
                    return walk.end(current, Reason::HttpError, detail);
                }
            };
            walk.hops.push(RedirectHop {
                url: current.to_string(),
                address: Some(address),
                status,
                location: next.to_string(),
            });
            drop(response);
            if walk.hops.len() > prober.config.max_redirects {
                let detail = format!(
                    "more than {} redirects (last to {next})",
                    prober.config.max_redirects
                );
                return walk.end(next, Reason::TooManyRedirects, detail);
            }
            if let Err(why) = check_scheme(&next) {
                return walk.end(next, Reason::HttpError, format!("redirect to {why}"));
            }
            let host = Host::parse(next.host_str().unwrap_or_default());
            candidates = match addresses_for(prober, &host, family, main).await {
                Ok(list) => list,
                Err(DnsFailure { reason, detail, .. }) => {
                    let (reason, detail) = hop_failure(family, &next, reason, &detail);
                    return walk.end(next, reason, detail);
                }
            };
            current = next;
            continue;
        }
        let content_type = response.content_type.clone();
        let encoding = response.content_encoding.clone();
        let cap = prober.config.body_cap;
        let mut body = response.read_body(cap, main).await;
        if let Some(f) = body.failure.take() {
            body.failure = Some(recheck(prober, family, &current, address, deadline, f).await);
        }
        let mut notes = Vec::new();
        let mut truncated = body.truncated;
        let bytes = if body.failure.is_none() && !truncated {
            let decoded = decode(encoding.as_deref(), body.bytes, cap);
            truncated = decoded.truncated;
            notes.extend(decoded.problem);
            decoded.bytes
        } else {
            if encoding.is_some() && truncated {
                notes.push("compressed body over the cap, read as sent".to_string());
            }
            body.bytes
        };
        if truncated {
            notes.push(format!(
                "body over the {cap}-byte cap: the first {cap} bytes read"
            ));
        }
        let (reason, detail) = match body.failure {
            Some(f) => (f.reason, f.detail),
            None if status_ok(status, walk.expected) => (
                Reason::Ok,
                format!("{status} from {current} ({} bytes)", bytes.len()),
            ),
            None => (
                Reason::HttpStatus,
                match walk.expected {
                    Some(code) => format!("{status} from {current}, expected {code}"),
                    None => format!("{status} from {current}, expected 2xx"),
                },
            ),
        };
        let detail = if notes.is_empty() {
            detail
        } else {
            format!("{detail}; {}", notes.join("; "))
        };
        let mut outcome = walk
            .outcome(reason, detail)
            .with_latency_ms(millis(started.elapsed()));
        outcome.status = Some(status);
        return Chain {
            outcome,
            final_url: current,
            status: Some(status),
            content_type,
            body: bytes,
            truncated,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_judged() {
        let cases: &[(u16, Option<u16>, bool)] = &[
            (200, None, true),
            (204, None, true),
            (299, None, true),
            (301, None, false),
            (404, None, false),
            (500, None, false),
            (404, Some(404), true),
            (200, Some(404), false),
            (301, Some(301), true),
        ];
        for (status, expected, want) in cases {
            assert_eq!(
                status_ok(*status, *expected),
                *want,
                "{status} {expected:?}"
            );
        }
    }

    #[test]
    fn hop_failures_name_ipv4_only_hosts_on_the_ipv6_side() {
        let next = Url::parse("http://v4only.lab.test/").unwrap();
        let cases: &[(Family, Reason, Reason)] = &[
            (Family::V6, Reason::NoAaaa, Reason::RedirectToIpv4Only),
            (Family::V6, Reason::Unreachable, Reason::RedirectToIpv4Only),
            (Family::V6, Reason::Timeout, Reason::RedirectToIpv4Only),
            (Family::V6, Reason::Refused, Reason::RedirectToIpv4Only),
            (Family::V6, Reason::Nxdomain, Reason::Nxdomain),
            (Family::V6, Reason::DnsTimeout, Reason::DnsTimeout),
            (Family::V4, Reason::NoA, Reason::NoA),
            (Family::V4, Reason::Refused, Reason::Refused),
        ];
        for (family, reason, want) in cases {
            let (got, detail) = hop_failure(*family, &next, *reason, "why");
            assert_eq!(got, *want, "{family} {reason}");
            assert!(detail.contains("v4only.lab.test"), "{detail}");
        }
    }

    #[test]
    fn only_http_schemes_are_followed() {
        let cases: &[(&str, bool)] = &[
            ("http://a.test/", true),
            ("https://[2001:db8::1]:8443/x", true),
            ("ftp://a.test/", false),
            ("mailto:x@a.test", false),
            ("data:text/plain,hi", false),
        ];
        for (url, ok) in cases {
            let url = Url::parse(url).unwrap();
            assert_eq!(check_scheme(&url).is_ok(), *ok, "{url}");
        }
    }
}
