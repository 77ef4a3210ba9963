//! `lxc list --format json` and `incus list --format json`: a list of instances, each with
//! `name`, `type` (`container` or `virtual-machine`) and, while running,
//! `state.network.<interface>.{hwaddr, addresses[].{family, address, netmask, scope}}`.
//! Every global address becomes one of the container's; loopback and link-local ones
//! (scope `local` and `link`) are left out, as the checks skip them anyway. MACs go into
//! the notes. An instance of a project other than `default` (`--all-projects`, or the API's
//! `all-projects=true`) is named `name@project`: instance names are unique per project
//! only, and cannot contain `@`.

use super::file::{ContainerEntry, InventoryFile};
use super::json::{At, documents, top_items};
use super::{ImportError, ImportOptions, parent_host};
use std::net::IpAddr;

fn parse_mac(at: &At<'_>) -> Result<Option<String>, ImportError> {
    let Some(text) = at.str()?.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let parts: Vec<&str> = text.split(':').collect();
    let ok = parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()));
    if ok {
        Ok(Some(text.to_ascii_lowercase()))
    } else {
        Err(at.error(format!("\"{text}\" is not a MAC address")))
    }
}

fn instance(item: &At<'_>, host: &str) -> Result<ContainerEntry, ImportError> {
    let name = item.field("name").required_str()?;
    let name = match item.field("project").str()?.map(str::trim) {
        Some(project) if !project.is_empty() && project != "default" => {
            format!("{name}@{project}")
        }
        _ => name.to_string(),
    };
    let runtime = match item.field("type").str()? {
        None | Some("container") => "lxc",
        Some("virtual-machine") => "vm",
        Some(other) => {
            return Err(item
                .field("type")
                .error(format!("\"{other}\" is not container or virtual-machine")));
        }
    };
    let mut addresses = Vec::new();
    let mut macs = Vec::new();
    for (interface, nic) in item.field("state").field("network").members()? {
        if let Some(mac) = parse_mac(&nic.field("hwaddr"))? {
            macs.push(format!("{interface} {mac}"));
        }
        for entry in nic.field("addresses").items()? {
            let at = entry.field("address");
            let Some(address) = at.address()? else {
                return Err(at.error("missing (expected an IP address)"));
            };
            let family = entry.field("family").str()?;
            let family_ok = match (family, address) {
                (Some("inet6"), IpAddr::V6(_)) | (Some("inet"), IpAddr::V4(_)) | (None, _) => true,
                (Some("inet6" | "inet"), _) => false,
                (Some(other), _) => {
                    return Err(entry
                        .field("family")
                        .error(format!("\"{other}\" is not inet or inet6")));
                }
            };
            if !family_ok {
                return Err(at.error(format!(
                    "{address} does not belong to family {}",
                    family.unwrap_or_default()
                )));
            }
            let scope = entry.field("scope").str()?.unwrap_or("global");
            if matches!(scope, "local" | "link") || address.is_loopback() {
                continue;
            }
            let text = address.to_string();
            if !addresses.contains(&text) {
                addresses.push(text);
            }
        }
    }
    let notes = if macs.is_empty() {
        String::new()
    } else {
        format!("MAC {}", macs.join(", "))
    };
    Ok(ContainerEntry {
        host: host.to_string(),
        name,
        runtime: runtime.to_string(),
        network_mode: "bridged".to_string(),
        published_ports: Vec::new(),
        addresses,
        notes,
    })
}

pub fn parse(text: &str, options: &ImportOptions) -> Result<InventoryFile, ImportError> {
    let host = parent_host(options)?;
    let docs = documents(text)?;
    let mut file = InventoryFile::default();
    for item in top_items(&docs)? {
        let entry = instance(&item, &host.name)?;
        // The forms' own rules, reported at the instance's path.
        entry.input(0).map_err(|e| item.error(describe(&e)))?;
        file.containers.push(entry);
    }
    file.hosts.push(host);
    Ok(file)
}

/// A record's field errors in one line.
pub(super) fn describe(errors: &crate::domain::FieldErrors) -> String {
    errors
        .0
        .iter()
        .map(|(field, message)| format!("{field}: {message}"))
        .collect::<Vec<_>>()
        .join("; ")
}
