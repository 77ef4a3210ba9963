//! Lists and detail views of the inventory.

use leptos::prelude::*;
use model::inventory::{Container, Host, HostDependents, Prefix, Service, Tunnel};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::context::{pool, store_error};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostDetail {
    pub host: Host,
    pub containers: Vec<Container>,
    pub services: Vec<Service>,
    /// Tunnels this host terminates.
    pub tunnels: Vec<Tunnel>,
    /// Tunnels this host sits behind.
    pub behind: Vec<Routing>,
    pub dependents: HostDependents,
}

/// A host address inside a tunnel's routed prefix: the host sits behind the tunnel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Routing {
    pub tunnel_id: i64,
    pub tunnel_name: String,
    pub host_id: i64,
    pub host_name: String,
    pub address: String,
    pub prefix: String,
}

/// How a tunnel's far end is watched: the echo check of its remote IPv6 address, which a
/// host in the inventory holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FarEnd {
    pub check_id: i64,
    pub host_id: i64,
    pub host_name: String,
    pub address: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TunnelDetail {
    pub tunnel: Tunnel,
    /// The hosts routed through it, one row per host (its first address inside).
    pub routed: Vec<Routing>,
    pub far_end: Option<FarEnd>,
    /// Its health from its own checks.
    pub state: Option<model::inventory::tunnel_health::TunnelState>,
    /// Its own checks: the outer endpoint's echo, the far IPv6 address's echo, the path MTU.
    pub own_checks: Vec<OwnCheck>,
    /// How many own checks its record calls for (shown until the scheduler has made them).
    pub wanted_checks: usize,
}

/// One of a tunnel's own checks, for its charts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnCheck {
    pub check_id: i64,
    /// `icmp` or `pmtu`.
    pub kind: String,
    /// What it probes, readable.
    pub target: String,
    /// In words: "outer endpoint", "far end over IPv6", "path MTU".
    pub role: String,
}

/// Which of `hosts` (id, name, address) sit behind which of `tunnels`: the first address of
/// each host inside a tunnel's routed prefixes, once per tunnel and host.
pub fn routings(tunnels: &[Tunnel], hosts: &[(i64, String, String)]) -> Vec<Routing> {
    let mut out: Vec<Routing> = Vec::new();
    for tunnel in tunnels {
        for (host_id, host_name, address) in hosts {
            let Some(prefix) = tunnel.prefix_holding(address) else {
                continue;
            };
            if out
                .iter()
                .any(|r| r.tunnel_id == tunnel.id && r.host_id == *host_id)
            {
                continue;
            }
            out.push(Routing {
                tunnel_id: tunnel.id,
                tunnel_name: tunnel.name.clone(),
                host_id: *host_id,
                host_name: host_name.clone(),
                address: address.clone(),
                prefix: prefix.to_string(),
            });
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContainerDetail {
    pub container: Container,
    pub services: Vec<Service>,
}

/// Everything a service can belong to, for the owner select: (value, label).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Choices {
    pub hosts: Vec<(i64, String)>,
    pub containers: Vec<(i64, String)>,
}

#[server]
pub async fn list_hosts() -> Result<Vec<Host>, ServerFnError> {
    store::hosts::list(&pool()?).await.map_err(store_error)
}

#[server]
pub async fn load_host(id: i64) -> Result<HostDetail, ServerFnError> {
    let pool = pool()?;
    let host = store::hosts::get(&pool, id).await.map_err(store_error)?;
    let addresses: Vec<(i64, String, String)> = host
        .addresses
        .iter()
        .map(|a| (host.id, host.name.clone(), a.address.clone()))
        .collect();
    let all_tunnels = store::tunnels::list(&pool).await.map_err(store_error)?;
    Ok(HostDetail {
        behind: routings(&all_tunnels, &addresses),
        host,
        containers: store::containers::on_host(&pool, id)
            .await
            .map_err(store_error)?,
        services: store::services::on_host(&pool, id)
            .await
            .map_err(store_error)?,
        tunnels: store::tunnels::on_host(&pool, id)
            .await
            .map_err(store_error)?,
        dependents: store::hosts::dependents(&pool, id)
            .await
            .map_err(store_error)?,
    })
}

#[server]
pub async fn get_prefix(id: i64) -> Result<Prefix, ServerFnError> {
    store::prefixes::get(&pool()?, id)
        .await
        .map_err(store_error)
}

#[server]
pub async fn list_tunnels() -> Result<Vec<Tunnel>, ServerFnError> {
    store::tunnels::list(&pool()?).await.map_err(store_error)
}

#[server]
pub async fn get_tunnel(id: i64) -> Result<Tunnel, ServerFnError> {
    store::tunnels::get(&pool()?, id).await.map_err(store_error)
}

/// A tunnel with the hosts routed through it and its far end's echo check, if any.
#[server]
pub async fn load_tunnel(id: i64) -> Result<TunnelDetail, ServerFnError> {
    let pool = pool()?;
    let tunnel = store::tunnels::get(&pool, id).await.map_err(store_error)?;
    let hosts = store::addresses::of_hosts(&pool)
        .await
        .map_err(store_error)?;
    let routed = routings(std::slice::from_ref(&tunnel), &hosts);
    let far_end = match tunnel
        .remote_v6
        .as_deref()
        .and_then(|a| a.parse::<std::net::IpAddr>().ok())
    {
        Some(address) => store::checks::echo_of_host_address(&pool, address)
            .await
            .map_err(store_error)?
            .map(|(check_id, host_id, host_name)| FarEnd {
                check_id,
                host_id,
                host_name,
                address: address.to_string(),
            }),
        None => None,
    };
    let state = store::tunnel_health::states(&pool)
        .await
        .map_err(store_error)?
        .remove(&tunnel.id);
    let own_checks = store::checks::of_subject(&pool, "tunnel", tunnel.id)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|c| {
            let target = store::checks::spec_address(&c.spec)
                .map(|a| a.to_string())
                .unwrap_or_else(|| store::checks::target_text(&c.spec));
            let role = match c.kind.as_str() {
                "pmtu" => "path MTU",
                _ if tunnel.remote_v6.as_deref() == Some(target.as_str()) => "far end over IPv6",
                _ => "outer endpoint",
            };
            OwnCheck {
                check_id: c.id,
                kind: c.kind,
                target,
                role: role.into(),
            }
        })
        .collect();
    let wanted_checks = store::checks::wanted_for(&pool, "tunnel", tunnel.id)
        .await
        .map_err(store_error)?;
    Ok(TunnelDetail {
        tunnel,
        routed,
        far_end,
        state,
        own_checks,
        wanted_checks,
    })
}

#[server]
pub async fn list_containers() -> Result<Vec<Container>, ServerFnError> {
    store::containers::list(&pool()?).await.map_err(store_error)
}

#[server]
pub async fn load_container(id: i64) -> Result<ContainerDetail, ServerFnError> {
    let pool = pool()?;
    Ok(ContainerDetail {
        container: store::containers::get(&pool, id)
            .await
            .map_err(store_error)?,
        services: store::services::in_container(&pool, id)
            .await
            .map_err(store_error)?,
    })
}

#[server]
pub async fn list_services() -> Result<Vec<Service>, ServerFnError> {
    store::services::list(&pool()?).await.map_err(store_error)
}

#[server]
pub async fn get_service(id: i64) -> Result<Service, ServerFnError> {
    store::services::get(&pool()?, id)
        .await
        .map_err(store_error)
}

#[server]
pub async fn load_choices() -> Result<Choices, ServerFnError> {
    let pool = pool()?;
    Ok(Choices {
        hosts: store::hosts::choices(&pool).await.map_err(store_error)?,
        containers: store::containers::choices(&pool)
            .await
            .map_err(store_error)?,
    })
}
