//! The Import page's reads: the preview of the file just uploaded (kept in the session by
//! the preview action, with the file itself, until it is applied), and the outcome of the
//! last apply.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Session key of the uploaded file, waiting to be applied.
pub const DRAFT_KEY: &str = "import_draft";
/// Session key of the preview shown on `/import`.
pub const PREVIEW_KEY: &str = "import_preview";

/// The uploaded file and what it was uploaded with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportDraft {
    /// `lxd`, `docker` or `zone`.
    pub kind: String,
    pub host: String,
    pub origin: String,
    pub file_name: String,
    pub text: String,
}

/// One row of the preview table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// What its checkbox carries.
    pub id: String,
    /// `create`, `update`, `unchanged` or `delete`.
    pub action: String,
    pub entity: String,
    pub key: String,
    pub matched_by: Option<String>,
    pub changes: Vec<String>,
}

/// What `/import` shows: the form's last values, a preview, an error or an outcome.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub kind: String,
    pub host: String,
    pub origin: String,
    pub file_name: String,
    pub rows: Vec<PreviewRow>,
    /// The file was refused: where and why.
    pub error: Option<String>,
    /// The last apply's outcome.
    pub applied: Option<String>,
    /// Each live sync's last round (read fresh on every visit, never kept in the session).
    #[serde(default)]
    pub sync: Vec<store::rows::SyncRun>,
}

impl ImportPreview {
    /// A preview that keeps what `draft` was uploaded with, to show beside its outcome.
    pub fn of(draft: &ImportDraft) -> Self {
        ImportPreview {
            kind: draft.kind.clone(),
            host: draft.host.clone(),
            origin: draft.origin.clone(),
            file_name: draft.file_name.clone(),
            ..Default::default()
        }
    }
}

#[server]
pub async fn read_import_preview() -> Result<ImportPreview, ServerFnError> {
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let preview: Option<ImportPreview> = session.get(PREVIEW_KEY).await.ok().flatten();
    let pool = super::context::pool()?;
    let sync = store::sync::runs(&pool)
        .await
        .map_err(super::context::store_error)?;
    Ok(ImportPreview {
        sync,
        ..preview.unwrap_or_default()
    })
}
