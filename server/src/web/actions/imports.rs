//! The Import page's form posts. `preview` takes the uploaded (or pasted) file, works out
//! its plan and keeps file and preview in the session; `apply` plans the kept file again
//! against what is stored now, keeps only the ticked rows, and applies them in one
//! transaction. Both go back to `/import`; a refused file changes nothing.

use crate::imports::{self, ImportFailure};
use crate::web::state::AppState;
use app::queries::imports::{DRAFT_KEY, ImportDraft, ImportPreview, PREVIEW_KEY, PreviewRow};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use model::domain::form::Choice;
use model::import::plan::Plan;
use model::import::{ImportKind, ImportOptions, MAX_IMPORT_BYTES};
use std::collections::HashSet;
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/actions/import/preview",
            // The file plus the form's few short fields.
            post(preview).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES + 64 * 1024)),
        )
        .route("/actions/import/apply", post(apply))
}

fn rows(plan: &Plan) -> Vec<PreviewRow> {
    plan.rows
        .iter()
        .map(|r| PreviewRow {
            id: r.id(),
            action: r.action.code().to_string(),
            entity: r.entity().to_string(),
            key: r.key(),
            matched_by: r.matched_by.clone(),
            changes: r.changes(),
        })
        .collect()
}

async fn back(session: &Session, preview: ImportPreview) -> Response {
    if let Err(err) = session.insert(PREVIEW_KEY, preview).await {
        tracing::error!(error = %err, "could not keep the import preview in the session");
    }
    Redirect::to("/import").into_response()
}

fn failure_text(err: &ImportFailure) -> String {
    if err.is_input() {
        format!("Nothing was changed: {err}")
    } else {
        tracing::error!(error = %err, "import failed");
        "Nothing was changed: the database could not be read or written.".to_string()
    }
}

async fn plan_draft(state: &AppState, draft: &ImportDraft) -> Result<Plan, ImportFailure> {
    let kind = ImportKind::from_code(&draft.kind).unwrap_or(ImportKind::Lxd);
    let options = ImportOptions {
        host: Some(draft.host.clone()).filter(|h| !h.trim().is_empty()),
        origin: Some(draft.origin.clone()).filter(|o| !o.trim().is_empty()),
    };
    imports::plan_import(
        &state.pool,
        kind,
        &draft.file_name,
        draft.text.as_bytes(),
        &options,
    )
    .await
}

/// The form's fields: kind, host, origin, and the file (or the pasted text).
async fn read_form(mut form: Multipart) -> Result<(ImportDraft, Bytes), String> {
    let mut draft = ImportDraft {
        kind: String::new(),
        host: String::new(),
        origin: String::new(),
        file_name: String::new(),
        text: String::new(),
    };
    let (mut file, mut pasted) = (Bytes::new(), Bytes::new());
    let too_big = || format!("the file is larger than 4 MiB ({MAX_IMPORT_BYTES} bytes)");
    // Read as strictly as the other forms: each known field once, text fields valid UTF-8.
    let mut seen: Vec<String> = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or_default().to_string();
        if seen.contains(&name) {
            return Err(format!("field {name:?} is sent twice"));
        }
        seen.push(name.clone());
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|_| too_big())?;
        let text = || {
            std::str::from_utf8(&bytes)
                .map(|t| t.trim().to_string())
                .map_err(|_| format!("field {name:?} is not valid UTF-8"))
        };
        match name.as_str() {
            "kind" => draft.kind = text()?,
            "host" => draft.host = text()?,
            "origin" => draft.origin = text()?,
            "file" => {
                draft.file_name = file_name.unwrap_or_default();
                file = bytes;
            }
            "text" => pasted = bytes,
            other => return Err(format!("the import form has no field {other:?}")),
        }
    }
    if file.is_empty() {
        draft.file_name = "pasted text".to_string();
        file = pasted;
    }
    if ImportKind::from_code(&draft.kind).is_none() {
        return Err("choose what kind of file this is".into());
    }
    if file.iter().all(u8::is_ascii_whitespace) {
        return Err("choose a file or paste its content".into());
    }
    Ok((draft, file))
}

pub async fn preview(State(state): State<AppState>, session: Session, form: Multipart) -> Response {
    let _ = session.remove::<ImportDraft>(DRAFT_KEY).await;
    let (mut draft, bytes) = match read_form(form).await {
        Ok(read) => read,
        Err(message) => {
            let preview = ImportPreview {
                error: Some(format!("Nothing was changed: {message}")),
                ..Default::default()
            };
            return back(&session, preview).await;
        }
    };
    let mut preview = ImportPreview::of(&draft);
    match model::import::bounded_text(&draft.file_name, &bytes) {
        Ok(text) => draft.text = text.to_string(),
        Err(err) => {
            preview.error = Some(format!("Nothing was changed: {err}"));
            return back(&session, preview).await;
        }
    }
    match plan_draft(&state, &draft).await {
        Ok(plan) => {
            preview.rows = rows(&plan);
            if let Err(err) = session.insert(DRAFT_KEY, draft).await {
                tracing::error!(error = %err, "could not keep the uploaded file in the session");
            }
        }
        Err(err) => preview.error = Some(failure_text(&err)),
    }
    back(&session, preview).await
}

pub async fn apply(State(state): State<AppState>, session: Session, body: Bytes) -> Response {
    let chosen: HashSet<String> = url::form_urlencoded::parse(&body)
        .filter(|(k, _)| k == "row")
        .map(|(_, v)| v.into_owned())
        .collect();
    let Some(draft) = session.get::<ImportDraft>(DRAFT_KEY).await.ok().flatten() else {
        let preview = ImportPreview {
            error: Some(
                "Nothing was changed: upload the file again, its preview has expired.".into(),
            ),
            ..Default::default()
        };
        return back(&session, preview).await;
    };
    let mut preview = ImportPreview::of(&draft);
    let result = match plan_draft(&state, &draft).await {
        Ok(plan) => imports::apply(&state.pool, &plan.select(&chosen)).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(done) => {
            let _ = session.remove::<ImportDraft>(DRAFT_KEY).await;
            preview.applied = Some(format!(
                "Applied {}: {} created, {} updated.",
                draft.file_name, done.created, done.updated
            ));
            state.wake.notify_one();
        }
        Err(err) => preview.error = Some(failure_text(&err)),
    }
    back(&session, preview).await
}
