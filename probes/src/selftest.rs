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
    /// One readable sentence per problem found.
    pub problems: Vec<String>,
}

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
                if has_ula(text) {
                    problems.push(
                        "only unique-local (fc00::/7) IPv6 addresses: no global IPv6 address"
                            .into(),
                    );
                } else {
                    problems.push("no global IPv6 address on any interface".into());
                }
            }
            !found.is_empty()
        }
        Err(e) => {
            problems.push(format!(
                "cannot read /proc/net/if_inet6 (IPv6 disabled?): {e}"
            ));
            false
        }
    };
    let default_route_v6 = match &routes {
        Ok(text) => {
            let found = has_default_route(text);
            if !found {
                problems.push("no IPv6 default route".into());
            }
            found
        }
        Err(e) => {
            problems.push(format!("cannot read /proc/net/ipv6_route: {e}"));
            false
        }
    };
    let icmp_socket = match &prober.icmp.v6 {
        Ok(_) => true,
        Err(why) => {
            problems.push(why.clone());
            false
        }
    };
    let deadline = Deadline::after(prober.config.timeout);
    let lookup = crate::dns::lookup_aaaa(prober, PROBE_NAME, deadline).await;
    let resolver_answers = match lookup {
        Ok(_) => true,
        Err(DnsFailure { answered: true, .. }) => true,
        Err(failure) => {
            problems.push(format!("the resolver does not answer: {}", failure.detail));
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

fn has_ula(if_inet6: &str) -> bool {
    if_inet6
        .lines()
        .filter_map(|line| line.split_whitespace().next().and_then(parse_hex_v6))
        .any(|address| is_ula(&address))
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
        assert!(has_ula(text));
        assert!(global_addresses("").is_empty());
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
