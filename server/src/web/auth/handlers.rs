//! The setup, sign-in and sign-out form posts.

use super::password;
use crate::web::actions::inventory::flash_back;
use crate::web::state::AppState;
use app::{SESSION_USER_ID, SESSION_USERNAME};
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Redirect, Response};
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::account::NewAccount;
use model::domain::form::value;
use std::net::SocketAddr;
use std::time::Instant;
use tower_sessions::Session;

/// Never echo passwords back into a form.
fn without_passwords(mut values: FormValues) -> FormValues {
    values.retain(|k, _| k == "username");
    values
}

async fn sign_in(session: &Session, id: i64, username: &str) -> anyhow::Result<()> {
    // A fresh session id on sign-in defeats session fixation.
    session.cycle_id().await?;
    session.insert(SESSION_USER_ID, id).await?;
    session.insert(SESSION_USERNAME, username).await?;
    Ok(())
}

fn single_error(field: &str, message: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add(field, message);
    errors
}

pub async fn setup(
    State(state): State<AppState>,
    session: Session,
    Form(values): Form<FormValues>,
) -> Response {
    let account = match NewAccount::validate(&values) {
        Ok(account) => account,
        Err(errors) => {
            return flash_back(
                &session,
                "setup",
                "/setup",
                without_passwords(values),
                errors,
            )
            .await;
        }
    };
    let created = match password::hash(account.password).await {
        Ok(hash) => store::users::create_first(&state.pool, &account.username, &hash)
            .await
            .map_err(anyhow::Error::from),
        Err(err) => Err(err),
    };
    match created {
        Ok(Some(id)) => match sign_in(&session, id, &account.username).await {
            Ok(()) => Redirect::to("/").into_response(),
            Err(err) => {
                tracing::error!(error = %err, "session store failed");
                Redirect::to("/login").into_response()
            }
        },
        // Someone finished setup first: the account exists, so sign in instead.
        Ok(None) => Redirect::to("/login").into_response(),
        Err(err) => {
            tracing::error!(error = %err, "creating the admin account failed");
            let errors = single_error("_form", "could not create the account; see the server log");
            flash_back(
                &session,
                "setup",
                "/setup",
                without_passwords(values),
                errors,
            )
            .await
        }
    }
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    Form(values): Form<FormValues>,
) -> Response {
    let username = value(&values, "username").trim().to_string();
    let keys = vec![
        format!("user:{}", username.to_lowercase()),
        format!("ip:{}", peer.ip()),
    ];
    let wait = state.throttle.delay(&keys, Instant::now());
    tokio::time::sleep(wait).await;

    let user = store::users::by_name(&state.pool, &username)
        .await
        .ok()
        .flatten();
    // Verify against something even for an unknown name, so timing does not tell names apart.
    let stored = match &user {
        Some(u) => u.password_hash.clone(),
        None => password::dummy_hash().await,
    };
    let ok =
        password::verify(value(&values, "password").to_string(), stored).await && user.is_some();
    match user {
        Some(user) if ok => {
            state.throttle.succeeded(&keys);
            if let Err(err) = sign_in(&session, user.id, &user.username).await {
                tracing::error!(error = %err, "session store failed");
            }
            Redirect::to("/").into_response()
        }
        _ => {
            state.throttle.failed(&keys, Instant::now());
            tracing::warn!(%username, peer = %peer.ip(), "failed sign-in");
            let errors = single_error("_form", "Wrong user name or password.");
            flash_back(
                &session,
                "login",
                "/login",
                without_passwords(values),
                errors,
            )
            .await
        }
    }
}

pub async fn logout(session: Session) -> Response {
    if let Err(err) = session.flush().await {
        tracing::error!(error = %err, "could not end the session");
    }
    Redirect::to("/login").into_response()
}
