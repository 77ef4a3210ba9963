//! The API tokens page's reads: tokens that still work (never the token itself, which is
//! not stored), and the one just created, shown once.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::context::{pool, store_error};
pub use store::rows::ApiToken;

/// Session key under which a just-created token waits to be shown once.
pub const NEW_TOKEN_KEY: &str = "new_api_token";

/// A token just created: its name and the secret, shown on the next page only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
    pub token: String,
}

#[server]
pub async fn list_tokens() -> Result<Vec<ApiToken>, ServerFnError> {
    store::api_tokens::active(&pool()?)
        .await
        .map_err(store_error)
}

#[server]
pub async fn get_token(id: i64) -> Result<ApiToken, ServerFnError> {
    store::api_tokens::get(&pool()?, id)
        .await
        .map_err(store_error)
}

/// Takes the just-created token out of the session: it is shown once, then never again.
#[server]
pub async fn take_new_token() -> Result<Option<NewToken>, ServerFnError> {
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let token: Option<NewToken> = session.get(NEW_TOKEN_KEY).await.ok().flatten();
    if token.is_some() {
        let _ = session.remove::<NewToken>(NEW_TOKEN_KEY).await;
    }
    Ok(token)
}
