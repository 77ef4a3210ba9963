//! A nameserver as `--resolver` and the settings page take it: an IPv6 or IPv4 address with an
//! optional port. One parser, so the browser, the flags and the probes agree.

use std::net::{IpAddr, SocketAddr};

use thiserror::Error;

/// A nameserver address that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "invalid nameserver {input:?}: {why} (expected e.g. 2001:db8::53, [2001:db8::53]:53, 192.0.2.53 or 192.0.2.53:5353)"
)]
pub struct NameserverError {
    pub input: String,
    pub why: &'static str,
}

/// Parse a nameserver address: an IPv6 or IPv4 address with an optional port (default 53).
/// IPv6 with a port needs brackets: `[2001:db8::53]:53`.
pub fn parse_nameserver(input: &str) -> Result<SocketAddr, NameserverError> {
    let text = input.trim();
    let fail = |why| NameserverError {
        input: input.to_string(),
        why,
    };
    if text.is_empty() {
        return Err(fail("empty"));
    }
    let addr = if let Ok(addr) = text.parse::<SocketAddr>() {
        addr
    } else if let Ok(ip) = text.parse::<IpAddr>() {
        SocketAddr::new(ip, 53)
    } else if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let ip = inner
            .parse::<std::net::Ipv6Addr>()
            .map_err(|_| fail("not an IPv6 address inside the brackets"))?;
        SocketAddr::new(IpAddr::V6(ip), 53)
    } else if text.starts_with('[') {
        return Err(fail("bad bracketed IPv6 address or port"));
    } else if text.contains(':') && text.contains('.') {
        return Err(fail("bad IPv4 address or port"));
    } else if text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(fail("bad IPv4 address"));
    } else if text.contains(':') {
        return Err(fail("bad IPv6 address (write [addr]:port to give a port)"));
    } else {
        return Err(fail("not an IP address (host names are not accepted)"));
    };
    if addr.port() == 0 {
        return Err(fail("port 0"));
    }
    if addr.ip().is_unspecified() {
        return Err(fail("unspecified address"));
    }
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nameservers() {
        let good: &[(&str, &str)] = &[
            ("[2001:db8::53]:53", "[2001:db8::53]:53"),
            ("2001:db8::53", "[2001:db8::53]:53"),
            ("[2001:db8::53]", "[2001:db8::53]:53"),
            ("[2001:db8::53]:5353", "[2001:db8::53]:5353"),
            ("192.0.2.53", "192.0.2.53:53"),
            ("192.0.2.53:5353", "192.0.2.53:5353"),
            ("  198.51.100.1 ", "198.51.100.1:53"),
            ("::1", "[::1]:53"),
        ];
        for (input, want) in good {
            let got = parse_nameserver(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(got, want.parse::<SocketAddr>().unwrap(), "{input}");
        }
    }

    #[test]
    fn rejects_bad_nameservers_clearly() {
        let bad: &[(&str, &str)] = &[
            ("", "empty"),
            ("   ", "empty"),
            ("ns.example.test", "host names"),
            ("192.0.2", "bad IPv4 address"),
            ("192.0.2.300", "bad IPv4 address"),
            ("192.0.2.53:99999", "bad IPv4 address or port"),
            ("192.0.2.53:0", "port 0"),
            ("2001:db8::53:53:53:53:53:53", "bad IPv6"),
            ("[2001:db8::53]:x", "bracketed"),
            ("[192.0.2.1]", "inside the brackets"),
            ("0.0.0.0", "unspecified"),
            ("[::]:53", "unspecified"),
            ("2001:db8::53%eth0", "bad IPv6"),
        ];
        for (input, want) in bad {
            let err = parse_nameserver(input).expect_err(input);
            let text = err.to_string();
            assert!(text.contains(want), "{input:?}: {text}");
            assert!(text.contains("expected e.g."), "{input:?}: {text}");
        }
    }
}
