//! Services: what a user wants reachable over IPv6, and what each one depends on.

use crate::domain::form::{Choice, FormValues, lines, optional, value};
use crate::domain::{
    FieldErrors, parse_address, parse_dns_name, parse_endpoint, parse_http_url, parse_name,
    parse_port, parse_status,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceKind {
    Http,
    Tcp,
    Icmp,
    Dns,
}

impl Choice for ServiceKind {
    const ALL: &'static [Self] = &[Self::Http, Self::Tcp, Self::Icmp, Self::Dns];
    fn code(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Tcp => "tcp",
            Self::Icmp => "icmp",
            Self::Dns => "dns",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Http => "HTTP(S) URL",
            Self::Tcp => "TCP port",
            Self::Icmp => "ICMP only",
            Self::Dns => "DNS name",
        }
    }
}

/// A service runs on a host or inside a container; the form encodes it as `host:ID` or `container:ID`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceOwner {
    Host(i64),
    Container(i64),
}

impl ServiceOwner {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || "choose the host or container this service runs on".to_string();
        let (kind, id) = text.trim().split_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        match kind {
            "host" => Ok(Self::Host(id)),
            "container" => Ok(Self::Container(id)),
            _ => Err(bad()),
        }
    }

    pub fn code(self) -> String {
        match self {
            Self::Host(id) => format!("host:{id}"),
            Self::Container(id) => format!("container:{id}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub target: String,
    pub port: Option<i64>,
    pub expected_status: Option<i64>,
    pub dependencies: Vec<String>,
    pub host_id: Option<i64>,
    pub container_id: Option<i64>,
    pub owner_name: String,
    pub created_at: String,
    pub updated_at: String,
}

impl Service {
    pub fn owner(&self) -> Option<ServiceOwner> {
        match (self.host_id, self.container_id) {
            (Some(h), _) => Some(ServiceOwner::Host(h)),
            (None, Some(c)) => Some(ServiceOwner::Container(c)),
            _ => None,
        }
    }

    pub fn form_values(&self) -> FormValues {
        FormValues::from([
            ("name".into(), self.name.clone()),
            ("kind".into(), self.kind.clone()),
            ("target".into(), self.target.clone()),
            (
                "port".into(),
                self.port.map(|p| p.to_string()).unwrap_or_default(),
            ),
            (
                "expected_status".into(),
                self.expected_status
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            ),
            ("dependencies".into(), self.dependencies.join("\n")),
            (
                "owner".into(),
                self.owner().map(ServiceOwner::code).unwrap_or_default(),
            ),
        ])
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServiceInput {
    pub name: String,
    pub kind: ServiceKind,
    pub target: String,
    pub port: Option<u16>,
    pub expected_status: Option<u16>,
    pub dependencies: Vec<String>,
    pub owner: ServiceOwner,
}

/// A host name or an address literal (for TCP and ICMP targets).
fn parse_host_or_address(text: &str) -> Result<String, String> {
    if text.contains(':') || text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        parse_address(text).map(|a| a.to_string())
    } else {
        parse_dns_name(text)
    }
}

impl ServiceInput {
    pub fn validate(values: &FormValues) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(value(values, "name")));
        let kind = errors.check("kind", ServiceKind::parse(value(values, "kind")));
        let owner = errors.check("owner", ServiceOwner::parse(value(values, "owner")));
        let target_text = value(values, "target").trim();
        let target = kind.and_then(|kind| {
            let parsed = match kind {
                ServiceKind::Http => parse_http_url(target_text).map(|u| u.to_string()),
                ServiceKind::Dns => parse_dns_name(target_text),
                ServiceKind::Tcp | ServiceKind::Icmp => parse_host_or_address(target_text),
            };
            errors.check("target", parsed)
        });
        // The form shows the port for TCP and the expected status for HTTP(S) only: what
        // another kind left in them (typed before the kind was changed) is not its own.
        let port = (kind == Some(ServiceKind::Tcp))
            .then(|| optional(&mut errors, values, "port", parse_port))
            .flatten();
        if kind == Some(ServiceKind::Tcp) && port.is_none() && errors.get("port").is_none() {
            errors.add("port", "a TCP service needs a port");
        }
        let expected_status = (kind == Some(ServiceKind::Http))
            .then(|| optional(&mut errors, values, "expected_status", parse_status))
            .flatten();
        let dependencies = lines(&mut errors, values, "dependencies", parse_endpoint);
        match (name, kind, target, owner) {
            (Some(name), Some(kind), Some(target), Some(owner)) if errors.is_empty() => Ok(Self {
                name,
                kind,
                target,
                port,
                expected_status,
                dependencies,
                owner,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::test_form as form;

    #[test]
    fn services_validate_their_target_by_kind() {
        let ok = ServiceInput::validate(&form(&[
            ("name", "cloud"),
            ("kind", "http"),
            ("owner", "host:1"),
            ("target", "https://cloud.lab.test/"),
            ("expected_status", "200"),
            (
                "dependencies",
                "registry.lab.test:443\nhttps://cdn.lab.test/",
            ),
        ]))
        .unwrap();
        assert_eq!(ok.owner, ServiceOwner::Host(1));
        assert_eq!(ok.dependencies.len(), 2);

        #[allow(clippy::type_complexity)]
        let cases: &[(&[(&str, &str)], &str, &str)] = &[
            (
                &[
                    ("name", "x"),
                    ("kind", "http"),
                    ("owner", "host:1"),
                    ("target", "cloud.lab.test"),
                ],
                "target",
                "not a URL",
            ),
            (
                &[
                    ("name", "x"),
                    ("kind", "tcp"),
                    ("owner", "host:1"),
                    ("target", "2001:db8::1"),
                ],
                "port",
                "needs a port",
            ),
            (
                &[
                    ("name", "x"),
                    ("kind", "icmp"),
                    ("owner", "host:1"),
                    ("target", "2001:db8::zz"),
                ],
                "target",
                "not an IPv6",
            ),
            (
                &[
                    ("name", "x"),
                    ("kind", "dns"),
                    ("owner", "nobody"),
                    ("target", "a.test"),
                ],
                "owner",
                "choose the host",
            ),
            (
                &[
                    ("name", "x"),
                    ("kind", "dns"),
                    ("owner", "host:1"),
                    ("target", "a.test"),
                    ("dependencies", "nope"),
                ],
                "dependencies",
                "line 1",
            ),
        ];
        for (pairs, field, message) in cases {
            let errors = ServiceInput::validate(&form(pairs)).unwrap_err();
            let got = errors.get(field).unwrap_or_default();
            assert!(got.contains(message), "{field}: {got:?} in {errors:?}");
        }
    }
}
