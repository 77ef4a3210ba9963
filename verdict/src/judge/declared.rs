//! Verdict stage, judging: dependencies the user declares (a database, an API, a URL the page
//! loads from a script), parsed at the edge into a type that cannot hold a bad value.

use std::net::{IpAddr, Ipv6Addr};

use url::Url;

/// One declared dependency: a URL (checked with HTTP over IPv6) or a `host:port` (checked
/// with a TCP connect over IPv6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared {
    Url(Url),
    /// `host` is a lowercase name without a trailing dot, or an IP address without brackets.
    HostPort {
        host: String,
        port: u16,
    },
}

/// Parse `https://api.example.test/`, `db.example.test:5432`, `192.0.2.1:53` or
/// `[2001:db8::1]:443`.
pub fn parse_declared(text: &str) -> Result<Declared, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty".into());
    }
    if text.contains("://") {
        let url = Url::parse(text).map_err(|e| format!("not a valid URL: {e}"))?;
        return match url.scheme() {
            "http" | "https" if url.host().is_some() => Ok(Declared::Url(url)),
            _ => Err("only http:// and https:// URLs can be declared".into()),
        };
    }
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (inner, port) = rest
            .split_once("]:")
            .ok_or("write an IPv6 address as [2001:db8::1]:PORT")?;
        let v6: Ipv6Addr = inner
            .parse()
            .map_err(|_| format!("{inner:?} is not an IPv6 address"))?;
        (v6.to_string(), port)
    } else {
        let (host, port) = text
            .rsplit_once(':')
            .ok_or("expected host:port, [IPv6]:port or a URL")?;
        if host.contains(':') {
            return Err("write an IPv6 address as [2001:db8::1]:PORT".into());
        }
        let host = match url::Host::parse(host) {
            Ok(url::Host::Domain(name)) => {
                name.strip_suffix('.').unwrap_or(&name).to_ascii_lowercase()
            }
            Ok(url::Host::Ipv4(v4)) => v4.to_string(),
            Ok(url::Host::Ipv6(v6)) => v6.to_string(),
            Err(e) => return Err(format!("{host:?} is not a valid host: {e}")),
        };
        if host.is_empty() {
            return Err("the host is empty".into());
        }
        (host, port)
    };
    let port: u16 = port
        .parse()
        .map_err(|_| format!("{port:?} is not a port number"))?;
    if port == 0 {
        return Err("port 0".into());
    }
    Ok(Declared::HostPort { host, port })
}

impl Declared {
    /// The host this dependency lives on, in the form of `HostGroup::host`.
    pub fn host(&self) -> Option<String> {
        match self {
            Declared::Url(url) => host_key(url),
            Declared::HostPort { host, .. } => Some(host.clone()),
        }
    }
}

/// A URL's host as dependency hosts are keyed: lowercase name without trailing dot, or an
/// address without brackets.
pub(crate) fn host_key(url: &Url) -> Option<String> {
    match url.host()? {
        url::Host::Domain(name) => {
            Some(name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase())
        }
        url::Host::Ipv4(v4) => Some(v4.to_string()),
        url::Host::Ipv6(v6) => Some(v6.to_string()),
    }
}

/// The host as an address, when it is one.
pub(crate) fn literal(host: &str) -> Option<IpAddr> {
    host.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_declared_dependencies() {
        let hp = |host: &str, port| Declared::HostPort {
            host: host.into(),
            port,
        };
        let cases: Vec<(&str, Declared)> = vec![
            ("db.lab.test:5432", hp("db.lab.test", 5432)),
            (" DB.Lab.Test.:5432 ", hp("db.lab.test", 5432)),
            ("192.0.2.1:53", hp("192.0.2.1", 53)),
            ("[2001:DB8::1]:443", hp("2001:db8::1", 443)),
            (
                "https://api.lab.test/v1",
                Declared::Url(Url::parse("https://api.lab.test/v1").unwrap()),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_declared(text).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn rejects_bad_declared_dependencies() {
        for bad in [
            "",
            "db.lab.test",
            "db.lab.test:0",
            "db.lab.test:99999",
            "db.lab.test:x",
            "2001:db8::1:443",
            "[2001:db8::zz]:443",
            "[2001:db8::1]",
            "ftp://files.lab.test/",
            "a b:80",
            ":80",
        ] {
            assert!(parse_declared(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hosts_are_keyed_like_groups() {
        let cases: &[(&str, &str)] = &[
            ("http://CDN.Lab.Test./x", "cdn.lab.test"),
            ("http://[2001:db8::1]:81/", "2001:db8::1"),
            ("http://192.0.2.1/", "192.0.2.1"),
        ];
        for (url, want) in cases {
            assert_eq!(host_key(&Url::parse(url).unwrap()).as_deref(), Some(*want));
        }
    }
}
