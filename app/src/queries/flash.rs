//! A rejected form, kept in the session for one redirect so the page can show the user's
//! input again with a message next to each bad field (works without JavaScript).

use leptos::prelude::*;
use model::domain::FieldErrors;
use model::domain::FormValues;
use serde::{Deserialize, Serialize};

/// Session key under which the last rejected form is kept.
pub const SESSION_KEY: &str = "form_flash";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Flash {
    /// Which form this belongs to, e.g. `host-new` or `host-edit-3`.
    pub form: String,
    pub values: FormValues,
    pub errors: FieldErrors,
}

/// Takes the flash for `form` out of the session, if that form was just rejected.
#[server]
pub async fn take_flash(form: String) -> Result<Option<Flash>, ServerFnError> {
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let flash: Option<Flash> = session.get(SESSION_KEY).await.ok().flatten();
    match flash {
        Some(flash) if flash.form == form => {
            let _ = session.remove::<Flash>(SESSION_KEY).await;
            Ok(Some(flash))
        }
        _ => Ok(None),
    }
}

/// Session key of what the last form post did ("Host saved."), shown once by the next page.
pub const NOTICE_KEY: &str = "form_notice";

/// Takes what the last form post did out of the session, if anything.
#[server]
pub async fn take_notice() -> Result<Option<String>, ServerFnError> {
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    Ok(session.remove::<String>(NOTICE_KEY).await.ok().flatten())
}

/// The signed-in user's name, for the header.
#[server]
pub async fn whoami() -> Result<Option<String>, ServerFnError> {
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    Ok(session
        .get::<String>(crate::SESSION_USERNAME)
        .await
        .ok()
        .flatten())
}
