//! Verdict stage, one-shot check: what the user asked to check, parsed (not just validated).

use std::fmt;
use std::net::IpAddr;

use url::Url;

/// A check target: a URL, a host name or an IP address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An `http://` or `https://` URL: checked with an HTTP GET.
    Url(Url),
    /// A host name (lower-case, ASCII, without trailing dot): DNS, then ICMP to its addresses.
    Host(String),
    /// An IP literal: ICMP echo.
    Ip(IpAddr),
}

/// Why a target could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError(pub String);

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Url(url) => write!(f, "{url}"),
            Target::Host(host) => f.write_str(host),
            Target::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

impl Target {
    /// Parse a target as typed on the command line.
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        let text = input.trim();
        let fail = |why: &str| Err(TargetError(why.to_string()));
        if text.is_empty() {
            return fail("the target is empty");
        }
        if text.len() > 2048 {
            return fail("the target is longer than 2048 characters");
        }
        if text.contains("://") {
            let url = Url::parse(text).map_err(|e| TargetError(format!("not a valid URL: {e}")))?;
            return match url.scheme() {
                "http" | "https" if url.host().is_some() => Ok(Target::Url(url)),
                "http" | "https" => fail("the URL has no host"),
                other => Err(TargetError(format!(
                    "unsupported URL scheme {other:?}: use http:// or https://"
                ))),
            };
        }
        if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            return inner
                .parse::<std::net::Ipv6Addr>()
                .map(|v6| Target::Ip(IpAddr::V6(v6)))
                .map_err(|_| TargetError(format!("{inner:?} is not an IPv6 address")));
        }
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(Target::Ip(ip));
        }
        if text.contains('/') || text.contains(':') {
            return fail("not a host name or IP address; write a URL with http:// or https://");
        }
        host_name(text).map(Target::Host)
    }
}

/// A DNS host name: IDNA-converted, lower-case, labels of letters, digits, '-' and '_'.
fn host_name(text: &str) -> Result<String, TargetError> {
    let fail = |why: String| {
        Err(TargetError(format!(
            "{text:?} is not a valid host name: {why}"
        )))
    };
    let ascii = match url::Host::parse(text) {
        Ok(url::Host::Domain(domain)) => domain,
        Ok(_) => return fail("it looks like an incomplete IP address".into()),
        Err(e) => return fail(e.to_string()),
    };
    let name = ascii
        .strip_suffix('.')
        .unwrap_or(&ascii)
        .to_ascii_lowercase();
    if name.is_empty() || name.len() > 253 {
        return fail("it must be 1 to 253 characters long".into());
    }
    for label in name.split('.') {
        if label.is_empty() || label.len() > 63 {
            return fail("each dot-separated label must be 1 to 63 characters long".into());
        }
        if label.starts_with('-') || label.ends_with('-') {
            return fail("a label cannot start or end with '-'".into());
        }
        if !label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return fail("only letters, digits, '-' and '_' are allowed".into());
        }
    }
    if name
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return fail("the last label is all digits (an incomplete IP address?)".into());
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        let url = |s: &str| Target::Url(Url::parse(s).unwrap());
        let ip = |s: &str| Target::Ip(s.parse().unwrap());
        let host = |s: &str| Target::Host(s.to_string());
        let cases: Vec<(&str, Target)> = vec![
            ("http://dual.lab.test/", url("http://dual.lab.test/")),
            (
                "https://v6only.lab.test/a?b=c",
                url("https://v6only.lab.test/a?b=c"),
            ),
            (
                "http://[2001:db8::80]:8080/",
                url("http://[2001:db8::80]:8080/"),
            ),
            ("  HTTP://Dual.Lab.Test ", url("http://dual.lab.test/")),
            ("2001:db8::80", ip("2001:db8::80")),
            ("[2001:db8::80]", ip("2001:db8::80")),
            ("192.0.2.80", ip("192.0.2.80")),
            ("dual.lab.test", host("dual.lab.test")),
            ("Dual.Lab.Test.", host("dual.lab.test")),
            ("localhost", host("localhost")),
            ("_srv.lab.test", host("_srv.lab.test")),
            ("bücher.test", host("xn--bcher-kva.test")),
        ];
        for (input, want) in cases {
            assert_eq!(Target::parse(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn rejects_bad_targets_clearly() {
        let long = format!("{}.test", "a".repeat(64));
        let huge = "a.".repeat(2000);
        let cases: &[(&str, &str)] = &[
            ("", "empty"),
            ("   ", "empty"),
            ("ftp://files.lab.test/", "unsupported URL scheme"),
            ("http://", "not a valid URL"),
            ("file:///etc/passwd", "unsupported URL scheme"),
            ("dual.lab.test/path", "write a URL"),
            ("dual.lab.test:8080", "write a URL"),
            ("[2001:db8::zz]", "not an IPv6 address"),
            ("[dual.lab.test]", "not an IPv6 address"),
            ("1.2.3", "incomplete IP"),
            ("300.1.1.1", "not a valid host name"),
            ("a..b", "not a valid host name"),
            ("-a.test", "start or end"),
            ("a b.test", "not a valid host name"),
            ("a*b.test", "not a valid host name"),
            (&long, "1 to 63"),
            (&huge, "longer than 2048"),
        ];
        for (input, want) in cases {
            let err = Target::parse(input).expect_err(input);
            assert!(err.0.contains(want), "{input:?}: {err}");
        }
    }
}
