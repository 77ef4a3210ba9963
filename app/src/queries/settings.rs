//! The settings page's read: what is stored, and the serve flags it overrides.

use leptos::prelude::*;
use model::settings::{ProbeFlags, ProbeSettings};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub stored: ProbeSettings,
    pub flags: ProbeFlags,
}

#[server]
pub async fn load_settings() -> Result<SettingsView, ServerFnError> {
    use super::context::{pool, store_error};
    let stored = store::settings::probe_settings(&pool()?)
        .await
        .map_err(store_error)?;
    Ok(SettingsView {
        stored,
        flags: use_context::<ProbeFlags>().unwrap_or_default(),
    })
}
