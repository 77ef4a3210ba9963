//! API tokens: create one (shown once, right after), list those that work, revoke one.

use super::form::{
    ConfirmDelete, InventoryForm, SelectField, TextField, choice_options, starting_values,
};
use super::loaded::{id_param, loaded};
use crate::queries::tokens::{get_token, list_tokens, take_new_token};
use leptos::prelude::*;
use leptos_meta::Title;
use model::channels::delivery::format_ms;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::api_token::{TokenInput, TokenScope};

fn token_check(values: &FormValues) -> FieldErrors {
    TokenInput::validate(values).err().unwrap_or_default()
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let page = Resource::new(
        || (),
        |_| async move {
            // The new token leaves the session first, so it is shown on this one page only.
            let new = take_new_token().await?;
            let start = starting_values("token-new".into(), async { Ok(None) }).await?;
            let tokens = list_tokens().await?;
            Ok::<_, ServerFnError>((new, start, tokens))
        },
    );
    view! {
        <Title text="API tokens"/>
        <h1>"API tokens"</h1>
        <p>"Programs use the JSON API at " <code>"/api/v1/"</code> " with " <code>"Authorization: Bearer <token>"</code> ". See the README's API section."</p>
        {loaded(page, |(new, (values, errors), tokens)| view! {
            {new.map(|n| view! {
                <section class="notice ok" id="new-token" role="status">
                    <h2>"Token " {n.name} " created"</h2>
                    <p>"Copy it now: it is not stored and will not be shown again."</p>
                    <p><code class="secret">{n.token}</code></p>
                </section>
            })}
            <h2>"Create a token"</h2>
            <InventoryForm action="/actions/tokens".into() values errors validate=token_check submit="Create token" cancel="/".into()>
                <TextField name="name" label="Name" placeholder="backup script"/>
                <SelectField name="scope" label="Scope" options={choice_options::<TokenScope>()}/>
            </InventoryForm>
            <h2>"Tokens in use"</h2>
            {if tokens.is_empty() {
                view! { <p class="empty">"No tokens yet."</p> }.into_any()
            } else {
                view! {
                    <table id="tokens">
                        <thead><tr><th>"Name"</th><th>"Scope"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                        <tbody>
                            {tokens.into_iter().map(|t| view! {
                                <tr>
                                    <td data-label="Name">{t.name}</td>
                                    <td data-label="Scope">{t.scope}</td>
                                    <td data-label="Created">{format_ms(t.created_at)} " by " {t.created_by}</td>
                                    <td data-label="Last used">{t.last_used_at.map_or("never".to_string(), format_ms)}</td>
                                    <td><a class="small danger" href=format!("/tokens/{}/revoke", t.id)>"revoke"</a></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        })}
    }
}

#[component]
pub fn TokenRevokePage() -> impl IntoView {
    let id = id_param();
    let token = Resource::new(move || id.get(), |id| get_token(id.unwrap_or_default()));
    view! {
        <Title text="Revoke token"/>
        {loaded(token, |t| view! {
            <ConfirmDelete
                verb="Revoke"
                what=format!("token {}", t.name)
                action=format!("/actions/tokens/{}/revoke", t.id)
                cancel="/tokens".into()
                consequences=vec!["programs using it get 401 from the API at once".into()]
            />
        })}
    }
}
