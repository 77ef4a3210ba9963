//! The Docker Engine API over its Unix socket, through bollard: every container (running or
//! not) inspected, and the networks, written back as the JSON `docker inspect` and
//! `docker network inspect` print, which `model::import::docker` reads.

use bollard::errors::Error;
use bollard::query_parameters::ListContainersOptionsBuilder;
use bollard::{API_DEFAULT_VERSION, Docker};
use std::path::Path;

/// bollard's own per-request timeout, in seconds (the round as a whole has
/// [`super::READ_TIMEOUT`]).
const REQUEST_TIMEOUT_SECS: u64 = 20;

fn describe(err: &Error) -> String {
    match err {
        Error::DockerResponseServerError {
            status_code,
            message,
        } => format!("the Docker API answered {status_code}: {message}"),
        Error::JsonDataError { message, .. } => {
            format!("the answer is not the Docker API's JSON: {message}")
        }
        Error::JsonSerdeError { err } => {
            format!("the answer is not the Docker API's JSON: {err}")
        }
        other => format!("the Docker API could not be read: {other}"),
    }
}

/// The inspected containers, then the networks, as two JSON lists.
pub async fn fetch(socket: &Path) -> Result<String, String> {
    // A plain connect first, so a missing socket or a refused permission reads as such.
    tokio::net::UnixStream::connect(socket)
        .await
        .map_err(|e| super::connect_error(&e))?;
    let path = socket.to_str().ok_or("the socket path is not UTF-8")?;
    let docker = Docker::connect_with_unix(path, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
        .map_err(|e| describe(&e))?
        .negotiate_version()
        .await
        .map_err(|e| describe(&e))?;
    let listed = docker
        .list_containers(Some(ListContainersOptionsBuilder::new().all(true).build()))
        .await
        .map_err(|e| describe(&e))?;
    let mut inspected = Vec::with_capacity(listed.len());
    for summary in listed {
        let Some(id) = summary.id else { continue };
        match docker.inspect_container(&id, None).await {
            Ok(container) => inspected.push(container),
            // Removed between the list and the inspect: it is not running any more.
            Err(Error::DockerResponseServerError {
                status_code: 404, ..
            }) => {}
            Err(e) => return Err(describe(&e)),
        }
    }
    let networks = docker.list_networks(None).await.map_err(|e| describe(&e))?;
    let containers = serde_json::to_string(&inspected).map_err(|e| e.to_string())?;
    let networks = serde_json::to_string(&networks).map_err(|e| e.to_string())?;
    Ok(format!("{containers}\n{networks}\n"))
}
