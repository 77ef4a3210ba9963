//! Containers and VMs on a host, with their own addresses and published ports.

use super::host::{Address, MAX_NOTES};
use crate::domain::form::{
    Choice, FormValues, address_lines, free_text, lines, optional_id, value,
};
use crate::domain::{FieldErrors, parse_name, parse_port};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContainerRuntime {
    Lxc,
    Docker,
    Podman,
    Vm,
}

impl Choice for ContainerRuntime {
    const ALL: &'static [Self] = &[Self::Lxc, Self::Docker, Self::Podman, Self::Vm];
    fn code(self) -> &'static str {
        match self {
            Self::Lxc => "lxc",
            Self::Docker => "docker",
            Self::Podman => "podman",
            Self::Vm => "vm",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Lxc => "LXC / LXD",
            Self::Docker => "Docker",
            Self::Podman => "Podman",
            Self::Vm => "VM",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetworkMode {
    Bridged,
    Nat66,
    Macvlan,
    Host,
}

impl Choice for NetworkMode {
    const ALL: &'static [Self] = &[Self::Bridged, Self::Nat66, Self::Macvlan, Self::Host];
    fn code(self) -> &'static str {
        match self {
            Self::Bridged => "bridged",
            Self::Nat66 => "nat66",
            Self::Macvlan => "macvlan",
            Self::Host => "host",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Bridged => "bridged",
            Self::Nat66 => "NAT66",
            Self::Macvlan => "macvlan",
            Self::Host => "host network",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Container {
    pub id: i64,
    pub name: String,
    pub runtime: String,
    pub host_id: i64,
    pub host_name: String,
    pub network_mode: String,
    pub published_ports: Vec<String>,
    pub notes: String,
    pub addresses: Vec<Address>,
    pub created_at: String,
    pub updated_at: String,
}

impl Container {
    pub fn form_values(&self) -> FormValues {
        FormValues::from([
            ("name".into(), self.name.clone()),
            ("runtime".into(), self.runtime.clone()),
            ("host_id".into(), self.host_id.to_string()),
            ("network_mode".into(), self.network_mode.clone()),
            ("published_ports".into(), self.published_ports.join("\n")),
            ("notes".into(), self.notes.clone()),
            (
                "addresses".into(),
                self.addresses
                    .iter()
                    .map(|a| a.address.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        ])
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContainerInput {
    pub name: String,
    pub runtime: ContainerRuntime,
    pub host_id: i64,
    pub network_mode: NetworkMode,
    pub published_ports: Vec<String>,
    pub notes: String,
    pub addresses: Vec<IpAddr>,
}

/// `8080:80`, `443`, `[::]:8443:443/tcp`, `53/udp`: host side (optional), container side, protocol.
pub fn parse_published_port(text: &str) -> Result<String, String> {
    let (ports, proto) = match text.rsplit_once('/') {
        Some((p, proto @ ("tcp" | "udp"))) => (p, proto),
        Some((_, other)) => return Err(format!("'{other}' is not tcp or udp")),
        None => (text, "tcp"),
    };
    let parts: Vec<&str> = if let Some(rest) = ports.strip_prefix('[') {
        let (addr, tail) = rest
            .split_once("]:")
            .ok_or_else(|| format!("'{text}' is not a port mapping"))?;
        addr.parse::<std::net::Ipv6Addr>()
            .map_err(|_| format!("'{addr}' is not an IPv6 address"))?;
        std::iter::once(addr).chain(tail.split(':')).collect()
    } else {
        ports.split(':').collect()
    };
    match parts.as_slice() {
        [c] => Ok(format!("{}/{proto}", parse_port(c)?)),
        [h, c] => Ok(format!("{}:{}/{proto}", parse_port(h)?, parse_port(c)?)),
        [ip, h, c] if ip.parse::<IpAddr>().is_ok() => {
            let ip: IpAddr = ip.parse().expect("checked above");
            let shown = if ip.is_ipv6() {
                format!("[{ip}]")
            } else {
                ip.to_string()
            };
            Ok(format!(
                "{shown}:{}:{}/{proto}",
                parse_port(h)?,
                parse_port(c)?
            ))
        }
        _ => Err(format!(
            "'{text}' is not a port mapping such as 8080:80/tcp"
        )),
    }
}

impl ContainerInput {
    pub fn validate(values: &FormValues) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(value(values, "name")));
        let runtime = errors.check("runtime", ContainerRuntime::parse(value(values, "runtime")));
        let host_id = optional_id(&mut errors, values, "host_id");
        if host_id.is_none() && errors.get("host_id").is_none() {
            errors.add("host_id", "choose the host this container runs on");
        }
        let network_mode = errors.check(
            "network_mode",
            NetworkMode::parse(value(values, "network_mode")),
        );
        let published_ports = lines(&mut errors, values, "published_ports", parse_published_port);
        let addresses = address_lines(&mut errors, values, "addresses");
        let notes = free_text(&mut errors, values, "notes", MAX_NOTES);
        match (name, runtime, host_id, network_mode) {
            (Some(name), Some(runtime), Some(host_id), Some(network_mode)) if errors.is_empty() => {
                Ok(Self {
                    name,
                    runtime,
                    host_id,
                    network_mode,
                    published_ports,
                    notes,
                    addresses,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_ports_parse() {
        for (input, want) in [
            ("80", "80/tcp"),
            ("8080:80", "8080:80/tcp"),
            ("53:53/udp", "53:53/udp"),
            ("[2001:db8::5]:8443:443/tcp", "[2001:db8::5]:8443:443/tcp"),
            ("192.0.2.5:8080:80", "192.0.2.5:8080:80/tcp"),
        ] {
            assert_eq!(parse_published_port(input).unwrap(), want, "{input}");
        }
        for input in ["", "http", "80:0", "1:2:3:4", "80/sctp", "[zz]:1:2"] {
            assert!(parse_published_port(input).is_err(), "{input}");
        }
    }

    #[test]
    fn a_container_needs_a_host() {
        let values: FormValues = [
            ("name", "web"),
            ("runtime", "docker"),
            ("network_mode", "nat66"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let errors = ContainerInput::validate(&values).unwrap_err();
        assert!(errors.get("host_id").unwrap().contains("choose the host"));
    }
}
