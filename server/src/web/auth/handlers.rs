//! The setup, sign-in and sign-out form posts.

use super::password;
use super::throttle::{Attempt, LockedOut};
use crate::web::actions::inventory::flash_back;
use crate::web::form::StrictForm;
use crate::web::state::AppState;
use app::LoginProblem;
use app::{SESSION_USER_ID, SESSION_USERNAME};
use axum::extract::{ConnectInfo, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::account::NewAccount;
use model::domain::form::value;
use std::net::SocketAddr;
use tower_sessions::Session;

/// Never echo passwords back into a form.
fn without_passwords(mut values: FormValues) -> FormValues {
    values.retain(|k, _| k == "username");
    values
}

/// Starts the signed-in session and stores it now, so a database that takes no writes is
/// found here (and said on the sign-in page) rather than after the answer is made.
async fn sign_in(session: &Session, id: i64, username: &str) -> anyhow::Result<()> {
    let stored = async {
        // A fresh session id on sign-in defeats session fixation.
        session.cycle_id().await?;
        session.insert(SESSION_USER_ID, id).await?;
        session.insert(SESSION_USERNAME, username).await?;
        session.save().await?;
        anyhow::Ok(())
    }
    .await;
    if stored.is_err() {
        // An empty session is not saved again on the way out.
        session.clear().await;
    }
    stored
}

fn single_error(field: &str, message: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add(field, message);
    errors
}

pub async fn setup(State(state): State<AppState>, session: Session, form: StrictForm) -> Response {
    let values = match form.only(&["username", "password", "confirm"]) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
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
                tracing::error!(error = %format_args!("{err:#}"), "session store failed");
                Redirect::to("/login").into_response()
            }
        },
        // Someone finished setup first: the account exists, so sign in instead.
        Ok(None) => Redirect::to("/login").into_response(),
        Err(err) => {
            tracing::error!(error = %format_args!("{err:#}"), "creating the admin account failed");
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
    form: StrictForm,
) -> Response {
    let values = match form.only(&["username", "password", "next"]) {
        Ok(values) => values,
        Err(refusal) => return refusal.into_response(),
    };
    let username = value(&values, "username").trim().to_string();
    let next = after_sign_in(value(&values, "next"));
    let attempt = Attempt::new(&username, peer.ip());
    if let Err(locked) = state.throttle.begin(&attempt) {
        tracing::warn!(%username, peer = %peer.ip(), "sign-in refused: locked out after failed sign-ins");
        return locked_out(locked);
    }

    let user = match store::users::by_name(&state.pool, &username).await {
        Ok(user) => user,
        Err(err) => {
            tracing::error!(error = %format_args!("{err:#}"), "could not read the account");
            None
        }
    };
    // Verify against something even for an unknown name, so timing does not tell names apart.
    let stored = match &user {
        Some(u) => u.password_hash.clone(),
        None => password::dummy_hash().await,
    };
    let ok =
        password::verify(value(&values, "password").to_string(), stored).await && user.is_some();
    match user {
        Some(user) if ok => {
            state.throttle.succeeded(&attempt);
            if let Err(err) = sign_in(&session, user.id, &user.username).await {
                tracing::error!(error = %format_args!("{err:#}"), "could not store the session of a sign-in");
                return Redirect::to(&login_again(
                    &username,
                    LoginProblem::SessionNotStored,
                    next,
                ))
                .into_response();
            }
            Redirect::to(next).into_response()
        }
        // Nothing goes into the session here: a failed sign-in stores no session row.
        _ => {
            tracing::warn!(%username, peer = %peer.ip(), "failed sign-in");
            Redirect::to(&login_again(&username, LoginProblem::WrongPassword, next)).into_response()
        }
    }
}

/// Where a sign-in leads: the page that sent the visitor to sign in, when it is a page of
/// this site (not another site, not the sign-in itself, not a form action), else the
/// overview.
fn after_sign_in(next: &str) -> &str {
    match model::domain::local_path(next) {
        Some(path) if !path.starts_with("/login") && !path.starts_with("/actions/") => path,
        _ => "/",
    }
}

/// Back to the sign-in page with the problem, the name typed and where to go after, in the
/// query.
fn login_again(username: &str, problem: LoginProblem, next: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("error", problem.code())
        .append_pair("username", username);
    if next != "/" {
        query.append_pair("next", next);
    }
    format!("/login?{}", query.finish())
}

/// Answered at once, without checking the password.
fn locked_out(locked: LockedOut) -> Response {
    let minutes = locked.retry_after.as_secs().div_ceil(60).max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Too many sign-ins · v6watch</title></head><body><main>\
         <h1>Too many failed sign-ins</h1>\
         <p role=\"alert\">Too many failed sign-ins for this user name or from this network. \
         Try again in {minutes} {unit}.</p><p><a href=\"/login\">Back to sign-in</a></p>\
         </main></body></html>"
    );
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (
                header::RETRY_AFTER,
                locked.retry_after.as_secs().max(1).to_string(),
            ),
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
        ],
        body,
    )
        .into_response()
}

pub async fn logout(session: Session) -> Response {
    if let Err(err) = session.flush().await {
        tracing::error!(error = %format_args!("{err:#}"), "could not end the session");
    }
    Redirect::to("/login").into_response()
}
