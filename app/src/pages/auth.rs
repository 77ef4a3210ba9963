//! First-run setup and sign-in pages.

use super::form::{InventoryForm, TextField, starting_values};
use super::loaded::loaded;
use leptos::prelude::*;
use leptos_meta::Title;
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

#[component]
pub fn LoginPage() -> impl IntoView {
    let start = Resource::new(
        || (),
        |_| starting_values("login".into(), async { Ok(None) }),
    );
    view! {
        <Title text="Sign in"/>
        <main id="main" class="narrow">
            <h1>"Sign in to v6watch"</h1>
            {loaded(start, |(values, errors)| view! {
                <InventoryForm action="/actions/login".into() values errors validate=no_check submit="Sign in" cancel="/login".into()>
                    <TextField name="username" label="User name" autocomplete="username"/>
                    <TextField name="password" label="Password" kind="password" autocomplete="current-password"/>
                </InventoryForm>
            })}
        </main>
    }
}
