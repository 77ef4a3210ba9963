//! First-run setup and sign-in pages.

use super::form::{InventoryForm, TextField, starting_values};
use super::loaded::loaded;
use crate::LoginProblem;
use crate::queries::status::database_write_problem;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::account::NewAccount;

fn no_check(_: &FormValues) -> FieldErrors {
    FieldErrors::default()
}

fn account_check(values: &FormValues) -> FieldErrors {
    NewAccount::validate(values).err().unwrap_or_default()
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let start = Resource::new(
        || (),
        |_| starting_values("setup".into(), async { Ok(None) }),
    );
    view! {
        <Title text="Set up"/>
        <main id="main" class="narrow">
            <h1>"Welcome to v6watch"</h1>
            <p>"Create the admin account. You will sign in with it from now on."</p>
            {loaded(start, |(values, errors)| view! {
                <InventoryForm action="/actions/setup".into() values errors validate=account_check submit="Create account" cancel="/setup".into()>
                    <TextField name="username" label="User name" autocomplete="username"/>
                    <TextField name="password" label="Password" kind="password" autocomplete="new-password" hint="At least 10 characters."/>
                    <TextField name="confirm" label="Password again" kind="password" autocomplete="new-password"/>
                </InventoryForm>
            })}
        </main>
    }
}

/// The sign-in form as a failed attempt left it: the name typed and what went wrong come
/// in the query (`?error=wrong&username=...`), so a failed sign-in stores nothing.
fn login_start(error: Option<String>, username: Option<String>) -> (FormValues, FieldErrors) {
    let mut values = FormValues::new();
    if let Some(username) = username {
        values.insert("username".into(), username);
    }
    let mut errors = FieldErrors::new();
    if let Some(problem) = error.as_deref().and_then(LoginProblem::from_code) {
        errors.add("_form", problem.message());
    }
    (values, errors)
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let start = Resource::new(
        move || query.with(|q| (q.get("error"), q.get("username"))),
        |(error, username)| async move {
            let write_problem = database_write_problem().await?;
            Ok::<_, ServerFnError>((login_start(error, username), write_problem))
        },
    );
    // Where the visitor was going when asked to sign in; the server follows it only when it
    // is a page of this site.
    let next = move || {
        query
            .with(|q| q.get("next"))
            .filter(|n| model::domain::local_path(n).is_some())
    };
    view! {
        <Title text="Sign in"/>
        <main id="main" class="narrow">
            <h1>"Sign in to v6watch"</h1>
            {loaded(start, move |((values, errors), write_problem)| view! {
                {write_problem.map(|p| view! { <div class="notice error" id="database-problem" role="alert">{p}</div> })}
                <InventoryForm action="/actions/login".into() values errors validate=no_check submit="Sign in" cancel="/login".into()>
                    <TextField name="username" label="User name" autocomplete="username"/>
                    <TextField name="password" label="Password" kind="password" autocomplete="current-password"/>
                    {next().map(|next| view! { <input type="hidden" name="next" value=next/> })}
                </InventoryForm>
            })}
        </main>
    }
}
