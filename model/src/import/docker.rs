//! `docker inspect` of containers and `docker network inspect` of networks, in one file or
//! several JSON lists one after the other. A container's addresses come from the old
//! top-level `NetworkSettings.{IPAddress, GlobalIPv6Address}` and from each network in
//! `NetworkSettings.Networks.<name>.{IPAddress, GlobalIPv6Address, IPv6Gateway}`; its
//! published ports from `NetworkSettings.Ports`. A network's `IPAM.Config[].Subnet`s become
//! prefixes of the address plan (IPv6 ones only when `EnableIPv6`).

use super::file::{ContainerEntry, InventoryFile, PrefixEntry};
use super::json::{At, documents, top_items};
use super::lxd::describe;
use super::{ImportError, ImportOptions, parent_host};
use crate::domain::AddressKind;
use std::net::IpAddr;

fn push(addresses: &mut Vec<String>, address: Option<IpAddr>) {
    if let Some(a) = address {
        let text = a.to_string();
        if !addresses.contains(&text) {
            addresses.push(text);
        }
    }
}

/// `"80/tcp": [{"HostIp": "::", "HostPort": "8080"}]` → `8080:80/tcp` (wildcard host
/// addresses are left out; a specific one is kept). Exposed but unpublished ports
/// (`null`) are not published.
fn ports(settings: &At<'_>) -> Result<Vec<String>, ImportError> {
    let mut out = Vec::new();
    for (port, bindings) in settings.field("Ports").members()? {
        for binding in bindings.items()? {
            let host_port = binding.field("HostPort").str()?.unwrap_or_default();
            let host_ip = binding.field("HostIp").address()?;
            let mapping = match host_ip {
                Some(ip) if !ip.is_unspecified() => match ip {
                    IpAddr::V6(v6) => format!("[{v6}]:{host_port}:{port}"),
                    IpAddr::V4(v4) => format!("{v4}:{host_port}:{port}"),
                },
                _ => format!("{host_port}:{port}"),
            };
            let mapping = crate::inventory::container::parse_published_port(&mapping)
                .map_err(|m| binding.error(m))?;
            if !out.contains(&mapping) {
                out.push(mapping);
            }
        }
    }
    Ok(out)
}

fn container(item: &At<'_>, host: &str) -> Result<ContainerEntry, ImportError> {
    let name = item.field("Name").required_str()?.trim_start_matches('/');
    let settings = item.field("NetworkSettings");
    let mut addresses = Vec::new();
    push(
        &mut addresses,
        settings.field("GlobalIPv6Address").address()?,
    );
    push(&mut addresses, settings.field("IPAddress").address()?);
    for (_, network) in settings.field("Networks").members()? {
        push(
            &mut addresses,
            network.field("GlobalIPv6Address").address()?,
        );
        push(&mut addresses, network.field("IPAddress").address()?);
        // Read so a broken gateway is reported; the gateway is the host's, not the container's.
        network.field("IPv6Gateway").address()?;
    }
    let mode = item.field("HostConfig").field("NetworkMode").str()?;
    let network_mode = if mode == Some("host") {
        "host"
    } else if addresses.iter().any(|a| {
        a.parse::<IpAddr>()
            .is_ok_and(|a| AddressKind::of(a) == AddressKind::GlobalUnicast && a.is_ipv6())
    }) {
        "bridged"
    } else if addresses.iter().any(|a| a.contains(':')) {
        "nat66"
    } else {
        "bridged"
    };
    Ok(ContainerEntry {
        host: host.to_string(),
        name: name.to_string(),
        runtime: "docker".to_string(),
        network_mode: network_mode.to_string(),
        published_ports: ports(&settings)?,
        addresses,
        notes: String::new(),
    })
}

fn network(item: &At<'_>) -> Result<Vec<PrefixEntry>, ImportError> {
    let name = item.field("Name").required_str()?;
    let ipv6 = item.field("EnableIPv6").bool()?.unwrap_or(false);
    let mut out = Vec::new();
    for config in item.field("IPAM").field("Config").items()? {
        let subnet = config.field("Subnet");
        let Some(text) = subnet.str()?.filter(|s| !s.is_empty()) else {
            continue;
        };
        let cidr = crate::domain::parse_prefix(text).map_err(|m| subnet.error(m))?;
        if cidr.addr().is_ipv6() && !ipv6 {
            continue;
        }
        let gateway = config.field("Gateway").address()?;
        let purpose = match gateway {
            Some(g) => format!("docker network {name} (gateway {g})"),
            None => format!("docker network {name}"),
        };
        out.push(PrefixEntry {
            cidr: cidr.to_string(),
            purpose,
        });
    }
    Ok(out)
}

pub fn parse(text: &str, options: &ImportOptions) -> Result<InventoryFile, ImportError> {
    let docs = documents(text)?;
    let mut file = InventoryFile::default();
    let mut host = None;
    for item in top_items(&docs)? {
        if item.value.get("IPAM").is_some() {
            for prefix in network(&item)? {
                prefix.input().map_err(|e| item.error(describe(&e)))?;
                if !file.prefixes.iter().any(|p| p.cidr == prefix.cidr) {
                    file.prefixes.push(prefix);
                }
            }
        } else if item.value.get("NetworkSettings").is_some() || item.value.get("Name").is_some() {
            let host = match &host {
                Some(h) => h,
                None => host.insert(parent_host(options)?),
            };
            let entry = container(&item, &super::file::HostEntry::key(host))?;
            entry.input(0).map_err(|e| item.error(describe(&e)))?;
            file.containers.push(entry);
        } else {
            return Err(item.error(
                "neither a container (docker inspect) nor a network (docker network inspect)",
            ));
        }
    }
    file.hosts.extend(host);
    Ok(file)
}
