//! The exposure scan as the pages show it: whether a host or container is opted in, its last
//! scan, and the ports that answer over IPv6 but not over IPv4 (with first and last seen).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One port of the exposure diff. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExposedPortRow {
    pub port: u16,
    pub first_seen: i64,
    pub last_seen: i64,
}

/// The exposure scan of one host or container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Exposure {
    /// `host` or `container`.
    pub kind: String,
    pub id: i64,
    pub name: String,
    pub opted_in: bool,
    pub opted_in_at: Option<i64>,
    pub last_scan_at: Option<i64>,
    /// The last scan settled every port (it did not hit its deadline).
    pub last_complete: bool,
    /// Why the last scan did not run, empty when it ran.
    pub last_error: String,
    pub ports: Vec<ExposedPortRow>,
}

#[cfg(feature = "ssr")]
async fn of(
    pool: &sqlx::SqlitePool,
    kind: model::SubjectKind,
    id: i64,
    subject: Option<store::exposure::ExposureSubject>,
) -> Result<Exposure, ServerFnError> {
    use super::context::store_error;
    let ports = match &subject {
        Some(_) => store::exposure::diff(pool, kind, id)
            .await
            .map_err(store_error)?
            .into_iter()
            .map(|p| ExposedPortRow {
                port: p.port,
                first_seen: p.first_seen,
                last_seen: p.last_seen,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(match subject {
        Some(s) => Exposure {
            kind: kind.as_str().to_string(),
            id,
            name: s.name,
            opted_in: true,
            opted_in_at: Some(s.opted_in_at),
            last_scan_at: s.last_scan_at,
            last_complete: s.last_complete,
            last_error: s.last_error,
            ports,
        },
        None => Exposure {
            kind: kind.as_str().to_string(),
            id,
            ..Exposure::default()
        },
    })
}

#[cfg(feature = "ssr")]
fn kind_of(kind: &str) -> Result<model::SubjectKind, ServerFnError> {
    match kind {
        "host" => Ok(model::SubjectKind::Host),
        "container" => Ok(model::SubjectKind::Container),
        other => Err(ServerFnError::new(format!(
            "'{other}' has no exposure scan (host or container)"
        ))),
    }
}

/// The exposure scan of one host or container (`kind`: `host` or `container`).
#[server]
pub async fn load_exposure(kind: String, id: i64) -> Result<Exposure, ServerFnError> {
    use super::context::{pool, store_error};
    let pool = pool()?;
    let kind = kind_of(&kind)?;
    let subject = store::exposure::subject(&pool, kind, id)
        .await
        .map_err(store_error)?;
    of(&pool, kind, id, subject).await
}

/// Every opted-in host and container with its diff.
#[server]
pub async fn load_all_exposure() -> Result<Vec<Exposure>, ServerFnError> {
    use super::context::{pool, store_error};
    let pool = pool()?;
    let mut out = Vec::new();
    for s in store::exposure::subjects(&pool)
        .await
        .map_err(store_error)?
    {
        let kind = kind_of(&s.subject_kind)?;
        let id = s.subject_id;
        out.push(of(&pool, kind, id, Some(s)).await?);
    }
    Ok(out)
}
