//! Probe stage: checks of this machine's own IPv6 (addresses, default route, ICMP socket,
//! resolver), so a broken monitor is not mistaken for broken targets.

use std::net::Ipv6Addr;

use serde::{Deserialize, Serialize};

use crate::Prober;
use crate::deadline::Deadline;
use crate::dns::DnsFailure;

/// The name asked to see whether the resolver answers (NXDOMAIN counts as an answer).
pub const PROBE_NAME: &str = "v6watch-selftest.test.";

/// What the self-test found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfTest {
    /// A usable global-scope IPv6 address (not ULA, not tentative) is configured.
    pub global_ipv6: bool,
    /// An IPv6 default route exists.
    pub default_route_v6: bool,
    /// An ICMPv6 socket could be opened.
    pub icmp_socket: bool,
    /// The configured nameserver sent a response (any response code).
    pub resolver_answers: bool,
    /// Each problem found, with what it means and what to do.
    pub problems: Vec<Problem>,
}

/// One thing wrong with this machine's own IPv6.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// What was found, e.g. "no global IPv6 address: only ::1 (loopback)".
    pub found: String,
    /// What it means for the results, and what to do about it.
    pub advice: String,
}

impl Problem {
    fn new(found: impl Into<String>, advice: impl Into<String>) -> Self {
        Self {
            found: found.into(),
            advice: advice.into(),
        }
    }
}

/// What the results lose without a global address, and the usual ways to get one.
const NO_GLOBAL_ADVICE: &str = "IPv6 checks of anything beyond this machine's own links fail \
    because of the monitor, not the targets. Give it a global address: SLAAC or DHCPv6 from \
    the router, or an address from the tunnel's routed prefix.";

/// Check this machine (the calling thread's network namespace). Reads `/proc/net/if_inet6`
/// and `/proc/net/ipv6_route` and asks the configured resolver one query; sends nothing else.
pub async fn run(prober: &Prober) -> SelfTest {
    let mut problems = Vec::new();
    let addresses = read_proc_net("if_inet6");
    let routes = read_proc_net("ipv6_route");
    let global_ipv6 = match &addresses {
        Ok(text) => {
            let found = global_addresses(text);
            if found.is_empty() {
                let others = describe_addresses(text);
                let found = if others.is_empty() {
                    "no IPv6 address at all (not even ::1)".to_string()
                } else {
                    format!("no global IPv6 address: only {}", others.join(", "))
                };
                problems.push(Problem::new(found, NO_GLOBAL_ADVICE));
            }
            !found.is_empty()
        }
        Err(e) => {
            problems.push(Problem::new(
                format!("cannot read /proc/net/if_inet6: {e}"),
                "IPv6 looks disabled on this machine (net.ipv6.conf.all.disable_ipv6): every \
                 IPv6 result fails because of the monitor. Enable IPv6 and restart v6watch.",
            ));
            false
        }
    };
    let default_route_v6 = match &routes {
        Ok(text) => {
            let found = has_default_route(text);
            if !found {
                problems.push(Problem::new(
                    "no IPv6 default route",
                    "Only IPv6 destinations on this machine's own links are reachable; others \
                     fail with no_route. Check the router's advertisements (accept_ra) or add \
                     a default route through the tunnel.",
                ));
            }
            found
        }
        Err(e) => {
            problems.push(Problem::new(
                format!("cannot read /proc/net/ipv6_route: {e}"),
                "The routes cannot be checked: IPv6 may be disabled on this machine.",
            ));
            false
        }
    };
    let icmp_socket = match &prober.icmp.v6 {
        Ok(_) => true,
        Err(why) => {
            problems.push(Problem::new(
                why.clone(),
                "ICMPv6 echo checks cannot run, so every echo result is unknown. Run v6watch \
                 with CAP_NET_RAW (the systemd unit in contrib/ grants it) or allow \
                 unprivileged ICMP (net.ipv4.ping_group_range).",
            ));
            false
        }
    };
    let deadline = Deadline::after(prober.config.timeout);
    let lookup = crate::dns::lookup_aaaa(prober, PROBE_NAME, deadline).await;
    let resolver_answers = match lookup {
        Ok(_) => true,
        Err(DnsFailure { answered: true, .. }) => true,
        Err(failure) => {
            problems.push(Problem::new(
                format!("the resolver does not answer: {}", failure.detail),
                "Names cannot be resolved, so checks by name fail with DNS reasons that are \
                 the monitor's. Point v6watch at a working resolver on the Settings page.",
            ));
            false
        }
    };
    SelfTest {
        global_ipv6,
        default_route_v6,
        icmp_socket,
        resolver_answers,
        problems,
    }
}

/// Read a small in-memory `/proc/net` file of the calling thread's network namespace
/// (`/proc/net` follows the process's main thread, which may live in another namespace).
fn read_proc_net(file: &str) -> std::io::Result<String> {
    std::fs::read_to_string(format!("/proc/thread-self/net/{file}"))
        .or_else(|_| std::fs::read_to_string(format!("/proc/net/{file}")))
}

const IFA_F_TENTATIVE: u32 = 0x40;
const IFA_F_DADFAILED: u32 = 0x08;
const SCOPE_GLOBAL: u32 = 0x00;
const RTF_UP: u32 = 0x0001;
const RTF_REJECT: u32 = 0x0200;

fn parse_hex_v6(hex: &str) -> Option<Ipv6Addr> {
    if hex.len() != 32 {
        return None;
    }
    u128::from_str_radix(hex, 16).ok().map(Ipv6Addr::from)
}

fn is_ula(address: &Ipv6Addr) -> bool {
    (address.segments()[0] & 0xfe00) == 0xfc00
}

/// Usable global-scope addresses from `/proc/net/if_inet6`
/// (`address ifindex prefixlen scope flags name`, hex fields).
pub(crate) fn global_addresses(if_inet6: &str) -> Vec<Ipv6Addr> {
    if_inet6
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [address, _ifindex, _prefixlen, scope, flags, _name, ..] = fields.as_slice() else {
                return None;
            };
            let address = parse_hex_v6(address)?;
            let scope = u32::from_str_radix(scope, 16).ok()?;
            let flags = u32::from_str_radix(flags, 16).ok()?;
            let usable = scope == SCOPE_GLOBAL
                && flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED) == 0
                && !is_ula(&address)
                && !address.is_loopback();
            usable.then_some(address)
        })
        .collect()
}

/// Each address of `/proc/net/if_inet6` with what kind it is: `::1 (loopback)`,
/// `fe80::1 (link-local)`, `fd00::5 (unique-local)`, `2001:db8::5 (tentative)`.
pub(crate) fn describe_addresses(if_inet6: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in if_inet6.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [address, _ifindex, _prefixlen, scope, flags, ..] = fields.as_slice() else {
            continue;
        };
        let scope = u32::from_str_radix(scope, 16).unwrap_or(u32::MAX);
        let Some(address) = parse_hex_v6(address) else {
            continue;
        };
        let flags = u32::from_str_radix(flags, 16).unwrap_or_default();
        let kind = if address.is_loopback() {
            "loopback"
        } else if address.is_unicast_link_local() {
            "link-local"
        } else if is_ula(&address) {
            "unique-local"
        } else if flags & IFA_F_DADFAILED != 0 {
            "duplicate address detection failed"
        } else if flags & IFA_F_TENTATIVE != 0 {
            "tentative"
        } else if scope == SCOPE_GLOBAL {
            "global"
        } else {
            "not global"
        };
        let text = format!("{address} ({kind})");
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// Whether `/proc/net/ipv6_route` holds a usable default route
/// (`dest plen src plen next_hop metric refcnt use flags device`).
pub(crate) fn has_default_route(ipv6_route: &str) -> bool {
    ipv6_route.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [
            dest,
            dest_len,
            _src,
            _src_len,
            _next_hop,
            _metric,
            _refcnt,
            _use,
            flags,
            device,
            ..,
        ] = fields.as_slice()
        else {
            return false;
        };
        let flags = u32::from_str_radix(flags, 16).unwrap_or(0);
        dest.chars().all(|c| c == '0')
            && *dest_len == "00"
            && flags & RTF_UP != 0
            && flags & RTF_REJECT == 0
            && *device != "lo"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_usable_global_addresses() {
        let text = "\
20010db8000100000000000000000006 02 40 00 80     eth0
fe80000000000000a8c1abfffe000001 02 40 20 80     eth0
00000000000000000000000000000001 01 80 10 80       lo
fd000000000000000000000000000001 03 40 00 80     eth1
20010db8000200000000000000000007 02 40 00 c0     eth0
20010db8000300000000000000000008 02 40 00 88     eth0
garbage line
";
        assert_eq!(
            global_addresses(text),
            vec!["2001:db8:1::6".parse::<Ipv6Addr>().unwrap()]
        );
        assert!(global_addresses("").is_empty());
        // What the banner names instead: each kind for what it is (::1 is no unique-local).
        assert_eq!(
            describe_addresses(text),
            [
                "2001:db8:1::6 (global)",
                "fe80::a8c1:abff:fe00:1 (link-local)",
                "::1 (loopback)",
                "fd00::1 (unique-local)",
                "2001:db8:2::7 (tentative)",
                "2001:db8:3::8 (duplicate address detection failed)",
            ]
        );
        let only_loopback = "00000000000000000000000000000001 01 80 10 80       lo\n";
        assert_eq!(describe_addresses(only_loopback), ["::1 (loopback)"]);
    }

    #[test]
    fn finds_default_routes_but_not_reject_ones() {
        let zero = "00000000000000000000000000000000";
        let default = format!(
            "{zero} 00 {zero} 00 20010db8000100000000000000000001 00000400 00000001 00000000 00000003     eth0\n"
        );
        let reject =
            format!("{zero} 00 {zero} 00 {zero} ffffffff 00000001 00000000 00200200       lo\n");
        let onlink = format!(
            "20010db8000100000000000000000000 40 {zero} 00 {zero} 00000100 00000001 00000000 00000001     eth0\n"
        );
        let cases: &[(String, bool)] = &[
            (default.clone(), true),
            (reject.clone(), false),
            (onlink.clone(), false),
            (format!("{onlink}{reject}{default}"), true),
            (String::new(), false),
            ("short line".into(), false),
        ];
        for (text, want) in cases {
            assert_eq!(has_default_route(text), *want, "{text}");
        }
    }
}
