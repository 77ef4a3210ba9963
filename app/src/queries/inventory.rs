//! Lists and detail views of the inventory.

use crate::inventory::{Container, Host, HostDependents, Prefix, Service, Tunnel};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::context::{pool, store_error},
    crate::store,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostDetail {
    pub host: Host,
    pub containers: Vec<Container>,
    pub services: Vec<Service>,
    pub tunnels: Vec<Tunnel>,
    pub dependents: HostDependents,
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
    Ok(HostDetail {
        host: store::hosts::get(&pool, id).await.map_err(store_error)?,
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
pub async fn list_prefixes() -> Result<Vec<Prefix>, ServerFnError> {
    store::prefixes::list(&pool()?).await.map_err(store_error)
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
