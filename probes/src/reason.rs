//! Probe stage: the reason codes every probe outcome carries.
//!
//! | code | meaning |
//! | --- | --- |
//! | `ok` | the probe succeeded |
//! | `nxdomain` | the name does not exist (NXDOMAIN) |
//! | `no_aaaa` | the name exists but has no AAAA record (or the target is an IPv4 literal) |
//! | `no_a` | the name exists but has no A record |
//! | `dns_error` | the nameserver answered SERVFAIL/REFUSED/another error code, the answer was malformed, or no nameserver could be used |
//! | `dns_timeout` | no nameserver answered in time |
//! | `timeout` | the target did not answer in time (silent drop, slow server) |
//! | `unreachable` | ICMP destination unreachable, no route, ENETUNREACH/EHOSTUNREACH |
//! | `refused` | the TCP connection was refused (RST to SYN, ECONNREFUSED) |
//! | `reset` | the connection was reset or closed during the exchange |
//! | `tls_error` | the TLS handshake failed (certificate, protocol) |
//! | `http_status` | the final HTTP status was not the expected one |
//! | `too_large` | no longer given: a body over the cap is read up to it and marked truncated (kept for stored results) |
//! | `http_error` | the HTTP response was malformed, or a redirect could not be followed |
//! | `too_many_redirects` | more redirects than the configured maximum |
//! | `redirect_to_ipv4_only` | a redirect hop leads to a host with no working IPv6 |
//! | `socket_error` | a local socket could not be opened or used (e.g. no ICMP socket permitted) |
//! | `denied` | the address is inside a `--deny-target` range: nothing was sent to it |
//! | `pmtu_blackhole` | large IPv6 packets vanish without a Packet Too Big while small ones pass |

use std::fmt;
use std::io;

use serde::{Deserialize, Serialize};

/// Why a probe ended the way it did. Serialized as its `snake_case` code.
///
/// | code | meaning |
/// | --- | --- |
/// | `ok` | the probe succeeded |
/// | `nxdomain` | the name does not exist (NXDOMAIN) |
/// | `no_aaaa` | the name exists but has no AAAA record |
/// | `ipv4_literal` | the target is an IPv4 address: an IPv6-only client cannot use it (no DNS asked) |
/// | `no_a` | the name exists but has no A record |
/// | `dns_error` | SERVFAIL/REFUSED/other error code, malformed answer, or no usable nameserver |
/// | `dns_timeout` | no nameserver answered in time |
/// | `timeout` | the target did not answer in time |
/// | `unreachable` | ICMP destination unreachable, no route, ENETUNREACH/EHOSTUNREACH |
/// | `refused` | the TCP connection was refused |
/// | `reset` | the connection was reset or closed during the exchange |
/// | `tls_error` | the TLS handshake failed |
/// | `http_status` | the final HTTP status was not the expected one |
/// | `too_large` | no longer given (a body over the cap is read up to it); kept for stored results |
/// | `http_error` | malformed HTTP, or a redirect that cannot be followed |
/// | `too_many_redirects` | more redirects than allowed |
/// | `redirect_to_ipv4_only` | a redirect hop whose host has no working IPv6 |
/// | `socket_error` | a local socket could not be opened or used |
/// | `denied` | the address is inside a `--deny-target` range; nothing was sent |
/// | `pmtu_blackhole` | large packets vanish without a Packet Too Big while small ones pass |
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Ok,
    Nxdomain,
    NoAaaa,
    Ipv4Literal,
    NoA,
    DnsError,
    DnsTimeout,
    Timeout,
    Unreachable,
    Refused,
    Reset,
    TlsError,
    HttpStatus,
    TooLarge,
    HttpError,
    TooManyRedirects,
    RedirectToIpv4Only,
    SocketError,
    Denied,
    PmtuBlackhole,
}

impl Reason {
    /// Every code, in documentation order.
    pub const ALL: [Reason; 20] = [
        Reason::Ok,
        Reason::Nxdomain,
        Reason::NoAaaa,
        Reason::Ipv4Literal,
        Reason::NoA,
        Reason::DnsError,
        Reason::DnsTimeout,
        Reason::Timeout,
        Reason::Unreachable,
        Reason::Refused,
        Reason::Reset,
        Reason::TlsError,
        Reason::HttpStatus,
        Reason::TooLarge,
        Reason::HttpError,
        Reason::TooManyRedirects,
        Reason::RedirectToIpv4Only,
        Reason::SocketError,
        Reason::Denied,
        Reason::PmtuBlackhole,
    ];

    /// The stable code, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Ok => "ok",
            Reason::Nxdomain => "nxdomain",
            Reason::NoAaaa => "no_aaaa",
            Reason::Ipv4Literal => "ipv4_literal",
            Reason::NoA => "no_a",
            Reason::DnsError => "dns_error",
            Reason::DnsTimeout => "dns_timeout",
            Reason::Timeout => "timeout",
            Reason::Unreachable => "unreachable",
            Reason::Refused => "refused",
            Reason::Reset => "reset",
            Reason::TlsError => "tls_error",
            Reason::HttpStatus => "http_status",
            Reason::TooLarge => "too_large",
            Reason::HttpError => "http_error",
            Reason::TooManyRedirects => "too_many_redirects",
            Reason::RedirectToIpv4Only => "redirect_to_ipv4_only",
            Reason::SocketError => "socket_error",
            Reason::Denied => "denied",
            Reason::PmtuBlackhole => "pmtu_blackhole",
        }
    }

    /// True for [`Reason::Ok`].
    pub fn is_ok(self) -> bool {
        self == Reason::Ok
    }

    /// Map a socket error (connect, send, read) to a reason code.
    ///
    /// A target being down is a verdict, so every error maps to some code; errors that say
    /// nothing about the network (bad descriptor, out of memory, ...) become `socket_error`.
    pub fn from_io(error: &io::Error) -> Reason {
        const ENETDOWN: i32 = 100;
        const ENETUNREACH: i32 = 101;
        const EHOSTDOWN: i32 = 112;
        const EHOSTUNREACH: i32 = 113;
        const EADDRNOTAVAIL: i32 = 99;
        const EACCES: i32 = 13;
        const EPERM: i32 = 1;
        if let Some(code) = error.raw_os_error() {
            match code {
                ENETDOWN | ENETUNREACH | EHOSTDOWN | EHOSTUNREACH | EADDRNOTAVAIL => {
                    return Reason::Unreachable;
                }
                // A `prohibit` route or a firewall REJECT: the network says no.
                EACCES | EPERM => return Reason::Unreachable,
                _ => {}
            }
        }
        match error.kind() {
            io::ErrorKind::ConnectionRefused => Reason::Refused,
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
            | io::ErrorKind::NotConnected => Reason::Reset,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Reason::Timeout,
            io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkDown
            | io::ErrorKind::AddrNotAvailable => Reason::Unreachable,
            io::ErrorKind::InvalidData => Reason::HttpError,
            _ => Reason::SocketError,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_serde_names() {
        for reason in Reason::ALL {
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.as_str()));
            let back: Reason = serde_json::from_str(&json).unwrap();
            assert_eq!(back, reason);
            assert_eq!(reason.to_string(), reason.as_str());
        }
    }

    #[test]
    fn reasons_doc_lists_every_code() {
        let doc = include_str!("../REASONS.md");
        for reason in Reason::ALL {
            assert!(
                doc.contains(&format!("| `{}` |", reason.as_str())),
                "REASONS.md lacks {reason}"
            );
        }
    }

    #[test]
    fn io_errors_map_to_reasons() {
        let table: &[(io::Error, Reason)] = &[
            (io::Error::from_raw_os_error(111), Reason::Refused),
            (io::Error::from_raw_os_error(104), Reason::Reset),
            (io::Error::from_raw_os_error(101), Reason::Unreachable),
            (io::Error::from_raw_os_error(113), Reason::Unreachable),
            (io::Error::from_raw_os_error(99), Reason::Unreachable),
            (io::Error::from_raw_os_error(13), Reason::Unreachable),
            (io::Error::from_raw_os_error(110), Reason::Timeout),
            (io::Error::from_raw_os_error(32), Reason::Reset),
            (
                io::Error::from(io::ErrorKind::ConnectionRefused),
                Reason::Refused,
            ),
            (
                io::Error::from(io::ErrorKind::ConnectionReset),
                Reason::Reset,
            ),
            (io::Error::from(io::ErrorKind::UnexpectedEof), Reason::Reset),
            (io::Error::from(io::ErrorKind::TimedOut), Reason::Timeout),
            (
                io::Error::from(io::ErrorKind::HostUnreachable),
                Reason::Unreachable,
            ),
            (
                io::Error::from(io::ErrorKind::InvalidData),
                Reason::HttpError,
            ),
            (io::Error::other("weird"), Reason::SocketError),
            (io::Error::from_raw_os_error(9), Reason::SocketError),
        ];
        for (error, want) in table {
            assert_eq!(Reason::from_io(error), *want, "{error:?}");
        }
    }
}
