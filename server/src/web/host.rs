//! The names v6watch answers to. A request whose `Host` is none of them (a DNS rebinding
//! page, say, whose name now points at this machine) gets 421 before any page, form or
//! setup step; `/healthz` answers any name, for monitoring. Also the origins a
//! state-changing request may come from, for the CSRF check: the scheme counts as well as
//! the host and port.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use url::{Host, Url};

/// Where the dashboard is reached.
#[derive(Clone, Debug)]
pub struct Site {
    /// Host names and addresses besides the loopback ones.
    names: Vec<Host<String>>,
    /// Listening on `::` or `0.0.0.0`: any address (not name) is this machine's.
    any_address: bool,
    /// Behind a TLS proxy (`--secure-cookies`): pages are `https://`.
    tls: bool,
    /// The `https://` origin of `--public-url`, when it is one.
    public_https: Option<String>,
}

impl Default for Site {
    /// The loopback names over plain HTTP.
    fn default() -> Self {
        Site::new(None, None, &[], false)
    }
}

impl Site {
    /// The listen address, `--public-url`, the `--allowed-host` names and whether a TLS
    /// proxy fronts v6watch.
    pub fn new(
        listen: Option<SocketAddr>,
        public_url: Option<&Url>,
        allowed: &[Host<String>],
        tls: bool,
    ) -> Self {
        let mut names: Vec<Host<String>> = vec![
            Host::Domain("localhost".into()),
            Host::Ipv4([127, 0, 0, 1].into()),
            Host::Ipv6(std::net::Ipv6Addr::LOCALHOST),
        ];
        let mut any_address = false;
        if let Some(listen) = listen {
            match listen.ip() {
                ip if ip.is_unspecified() => any_address = true,
                IpAddr::V4(v4) => names.push(Host::Ipv4(v4)),
                IpAddr::V6(v6) => names.push(Host::Ipv6(v6)),
            }
        }
        if let Some(host) = public_url.and_then(Url::host) {
            names.push(host.to_owned());
        }
        names.extend(allowed.iter().cloned());
        names.dedup();
        let public_https = public_url
            .filter(|u| u.scheme() == "https")
            .map(|u| u.origin().ascii_serialization());
        Site {
            names,
            any_address,
            tls,
            public_https,
        }
    }

    /// Whether a `Host` value (`name[:port]`) is one v6watch answers to.
    pub fn serves(&self, authority: &str) -> bool {
        let Some(host) = host_of(authority) else {
            return false;
        };
        match &host {
            Host::Domain(_) => self.names.contains(&host),
            Host::Ipv4(_) | Host::Ipv6(_) => self.any_address || self.names.contains(&host),
        }
    }

    /// Whether `source` (an Origin, or a Referer URL) is this dashboard's own origin for a
    /// request that came in with `Host: authority`: the same host and port, and the scheme
    /// it is served on (`http`, or `https` behind a TLS proxy or on an `https` public URL).
    pub fn same_origin(&self, source: &str, authority: &str) -> bool {
        let Some((scheme, rest)) = source.split_once("://") else {
            return false;
        };
        let source_authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        if !source_authority.eq_ignore_ascii_case(authority) {
            return false;
        }
        let scheme = scheme.to_ascii_lowercase();
        let expected = if self.tls { "https" } else { "http" };
        if scheme == expected {
            return true;
        }
        // Through the public URL's TLS proxy, while plain HTTP also reaches v6watch.
        scheme == "https"
            && self
                .public_https
                .as_deref()
                .is_some_and(|o| o.eq_ignore_ascii_case(&format!("https://{source_authority}")))
    }
}

/// An `--allowed-host` value: a host name or an address (IPv6 with or without brackets),
/// without scheme or port.
pub fn parse_allowed_host(text: &str) -> Result<Host<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("enter a host name".into());
    }
    if let Ok(ip) = text.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(match ip {
            IpAddr::V4(v4) => Host::Ipv4(v4),
            IpAddr::V6(v6) => Host::Ipv6(v6),
        });
    }
    if text.contains([':', '/', '@', '[', ']']) {
        return Err(format!(
            "'{text}' is not a host name (give the name alone, without scheme or port)"
        ));
    }
    match Host::parse(text) {
        Ok(host @ Host::Domain(_)) => Ok(host),
        Ok(_) | Err(_) => Err(format!("'{text}' is not a host name")),
    }
}

/// The host part of `name[:port]` or `[v6][:port]`.
fn host_of(authority: &str) -> Option<Host<String>> {
    let host = if authority.starts_with('[') {
        &authority[..=authority.find(']')?]
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            Some(_) => return None,
            None => authority,
        }
    };
    if host.is_empty() {
        return None;
    }
    Host::parse(host).ok()
}

/// The request's `Host` (or the URI's authority, as HTTP/2 sends it).
pub fn request_authority(request: &Request) -> Option<String> {
    request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()))
}

pub async fn check_host(State(site): State<Arc<Site>>, request: Request, next: Next) -> Response {
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let authority = request_authority(&request);
    if authority.as_deref().is_some_and(|a| site.serves(a)) {
        return next.run(request).await;
    }
    tracing::warn!(
        host = authority.as_deref().unwrap_or(""),
        path = %request.uri().path(),
        "refused a request for a host name v6watch does not answer to"
    );
    (
        StatusCode::MISDIRECTED_REQUEST,
        "This v6watch does not answer to that host name. If it is the dashboard's name, start \
         v6watch with --allowed-host NAME (or --public-url).\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(names: &[&str]) -> Vec<Host<String>> {
        names
            .iter()
            .map(|n| parse_allowed_host(n).unwrap())
            .collect()
    }

    #[test]
    fn only_the_listen_address_loopback_and_the_configured_names_are_served() {
        let public = Url::parse("https://v6watch.home.example/").unwrap();
        let site = Site::new(
            Some("192.0.2.10:3000".parse().unwrap()),
            Some(&public),
            &hosts(&["dash.lab.test", "[2001:db8::5]"]),
            false,
        );
        for ok in [
            "localhost:3000",
            "LOCALHOST",
            "127.0.0.1:3000",
            "[::1]:3000",
            "192.0.2.10:3000",
            "v6watch.home.example",
            "dash.lab.test:8080",
            "[2001:db8::5]:3000",
        ] {
            assert!(site.serves(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "dash.lab.test.evil.example",
            "192.0.2.11:3000",
            "[2001:db8::6]",
            "",
            ":3000",
            "dash.lab.test:http",
        ] {
            assert!(!site.serves(refused), "{refused}");
        }
        // On every address: any address literal, still no other name.
        let any = Site::new(Some("[::]:3000".parse().unwrap()), None, &[], false);
        assert!(any.serves("[2001:db8::99]:3000") && any.serves("198.51.100.4"));
        assert!(!any.serves("evil.example:3000"));
    }

    #[test]
    fn allowed_hosts_are_names_or_addresses_without_scheme_or_port() {
        assert_eq!(
            parse_allowed_host("Dash.Lab.Test").unwrap(),
            Host::Domain("dash.lab.test".to_string())
        );
        assert_eq!(
            parse_allowed_host("2001:db8::5").unwrap(),
            parse_allowed_host("[2001:db8::5]").unwrap()
        );
        for bad in ["", "https://dash.lab.test", "dash.lab.test:3000", "a b"] {
            assert!(parse_allowed_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_origin_must_match_scheme_host_and_port() {
        let plain = Site::default();
        assert!(plain.same_origin("http://[::1]:3000", "[::1]:3000"));
        assert!(plain.same_origin("http://[::1]:3000/hosts/new", "[::1]:3000"));
        assert!(!plain.same_origin("https://[::1]:3000", "[::1]:3000"));
        assert!(!plain.same_origin("http://[::1]:3001", "[::1]:3000"));
        assert!(!plain.same_origin("null", "[::1]:3000"));

        let behind_tls = Site::new(None, None, &[], true);
        assert!(behind_tls.same_origin("https://dash.lab.test", "dash.lab.test"));
        assert!(!behind_tls.same_origin("http://dash.lab.test", "dash.lab.test"));

        let public = Url::parse("https://v6watch.home.example/").unwrap();
        let both = Site::new(None, Some(&public), &[], false);
        assert!(both.same_origin("https://v6watch.home.example", "v6watch.home.example"));
        assert!(both.same_origin("http://localhost:3000", "localhost:3000"));
        assert!(!both.same_origin("https://localhost:3000", "localhost:3000"));
    }
}
