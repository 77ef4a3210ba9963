//! URLs, ports, HTTP statuses, MTUs and dependency endpoints.

use url::Url;

/// `text` when it is a path on this site ("/hosts/3?range=1h"), never a way elsewhere:
/// not `//host` (a scheme-relative URL), no backslash (browsers read `/\\host` as
/// `//host`), no control characters or spaces, at most 2,048 bytes. Where a form says where
/// to go next, only such a path is followed.
pub fn local_path(text: &str) -> Option<&str> {
    let ok = text.starts_with('/')
        && !text.starts_with("//")
        && text.len() <= 2048
        && !text
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    ok.then_some(text)
}

/// An http:// or https:// URL with a host.
pub fn parse_http_url(input: &str) -> Result<Url, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("enter a URL such as https://cloud.example.test/".into());
    }
    if !text.contains("://") {
        return Err(missing_scheme(text));
    }
    let url = Url::parse(text).map_err(|e| format!("'{text}' is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("'{text}' must start with http:// or https://"));
    }
    if url.host().is_none() {
        return Err(format!("'{text}' has no host"));
    }
    Ok(url)
}

/// What a URL without `://` most likely meant: `http//foo`, `https:/foo` and `http:foo`
/// are a mistyped start; `foo.example/x` is missing one.
fn missing_scheme(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let scheme = ["https", "http"].into_iter().find(|s| lower.starts_with(s));
    match scheme {
        Some(scheme) => {
            let rest = text
                .get(scheme.len()..)
                .unwrap_or_default()
                .trim_start_matches([':', '/', ';', '\\']);
            format!(
                "'{text}' is not a URL: write {scheme}:// (colon, two slashes), as in {scheme}://{rest}"
            )
        }
        None => format!(
            "'{text}' is not a URL: start it with http:// or https://, as in https://{text}"
        ),
    }
}

/// A TCP/UDP port, 1–65535.
pub fn parse_port(input: &str) -> Result<u16, String> {
    let text = input.trim();
    match text.parse::<u32>() {
        Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
        Ok(_) => Err(format!("{text} is outside 1–65535")),
        Err(_) => Err(format!("'{text}' is not a port number")),
    }
}

/// An HTTP status code, 100–599.
pub fn parse_status(input: &str) -> Result<u16, String> {
    let text = input.trim();
    match text.parse::<u16>() {
        Ok(n) if (100..=599).contains(&n) => Ok(n),
        _ => Err(format!("'{text}' is not an HTTP status (100–599)")),
    }
}

/// A tunnel MTU: IPv6 needs at least 1280 on every link.
pub fn parse_mtu(input: &str) -> Result<u16, String> {
    let text = input.trim();
    match text.parse::<u32>() {
        Ok(n) if (1280..=65535).contains(&n) => Ok(n as u16),
        Ok(n) if n < 1280 => Err(format!("{n} is below 1280, the IPv6 minimum MTU")),
        _ => Err(format!("'{text}' is not an MTU (1280–65535)")),
    }
}

/// A declared dependency: a URL, or `host:port` / `[v6]:port`.
pub fn parse_endpoint(input: &str) -> Result<String, String> {
    let text = input.trim();
    if text.contains("://") {
        return parse_http_url(text).map(|u| u.to_string());
    }
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (addr, port) = rest
            .split_once("]:")
            .ok_or_else(|| format!("'{text}' should look like [2001:db8::1]:443"))?;
        addr.parse::<std::net::Ipv6Addr>()
            .map_err(|_| format!("'{addr}' is not an IPv6 address"))?;
        (format!("[{addr}]"), port)
    } else {
        let (host, port) = text
            .rsplit_once(':')
            .ok_or_else(|| format!("'{text}' needs a port (host:port) or a URL"))?;
        if host.contains(':') {
            return Err(format!(
                "write an IPv6 address with brackets: [{host}]:{port}"
            ));
        }
        let host = if host.parse::<std::net::Ipv4Addr>().is_ok() {
            host.to_string()
        } else {
            super::parse_dns_name(host)?
        };
        (host, port)
    };
    let port = parse_port(port)?;
    Ok(format!("{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_with_a_host() {
        assert_eq!(
            parse_http_url(" https://a.example.test/x ")
                .unwrap()
                .as_str(),
            "https://a.example.test/x"
        );
        assert_eq!(
            parse_http_url("http://[2001:db8::1]:8080/").unwrap().port(),
            Some(8080)
        );
        for (input, message) in [
            ("", "enter a URL"),
            ("ftp://a.test/", "must start with http"),
            ("a.example.test", "not a URL"),
            ("https://", "not a URL"),
            (
                "http//cloud.test/",
                "write http:// (colon, two slashes), as in http://cloud.test/",
            ),
            ("https:/cloud.test", "as in https://cloud.test"),
            ("HTTP:cloud.test", "as in http://cloud.test"),
            (
                "cloud.test/x",
                "start it with http:// or https://, as in https://cloud.test/x",
            ),
        ] {
            let err = parse_http_url(input).unwrap_err();
            assert!(err.contains(message), "{input}: {err}");
        }
    }

    #[test]
    fn ports_statuses_and_mtus_have_ranges() {
        assert_eq!(parse_port("443").unwrap(), 443);
        assert!(parse_port("0").unwrap_err().contains("outside"));
        assert!(parse_port("70000").unwrap_err().contains("outside"));
        assert!(parse_port("http").unwrap_err().contains("not a port"));
        assert_eq!(parse_status("204").unwrap(), 204);
        assert!(parse_status("99").is_err());
        assert!(parse_status("600").is_err());
        assert_eq!(parse_mtu("1480").unwrap(), 1480);
        assert!(parse_mtu("1200").unwrap_err().contains("1280"));
        assert!(parse_mtu("big").is_err());
    }

    #[test]
    fn endpoints_are_urls_or_host_port() {
        for (input, want) in [
            ("registry.example.test:443", "registry.example.test:443"),
            ("[2001:db8::5]:5000", "[2001:db8::5]:5000"),
            ("192.0.2.9:80", "192.0.2.9:80"),
            (
                "https://mirror.example.test/debian",
                "https://mirror.example.test/debian",
            ),
        ] {
            assert_eq!(parse_endpoint(input).unwrap(), want, "{input}");
        }
        for (input, message) in [
            ("registry.example.test", "needs a port"),
            ("2001:db8::5:5000", "with brackets"),
            ("[2001:db8::zz]:1", "not an IPv6"),
            ("host.test:0", "outside"),
            ("ftp://x.test/", "must start with http"),
        ] {
            let err = parse_endpoint(input).unwrap_err();
            assert!(err.contains(message), "{input}: {err}");
        }
    }
}

#[cfg(test)]
mod local_path_tests {
    use super::local_path;

    #[test]
    fn only_paths_on_this_site_are_local() {
        for local in ["/", "/hosts/3", "/services/1?range=1h#chart", "/a%2F%2Fb"] {
            assert_eq!(local_path(local), Some(local), "{local}");
        }
        for elsewhere in [
            "",
            "hosts",
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "/\tx",
            "/ x",
            "javascript:alert(1)",
        ] {
            assert_eq!(local_path(elsewhere), None, "{elsewhere:?}");
        }
        assert_eq!(local_path(&format!("/{}", "a".repeat(2048))), None);
    }
}
