//! Alert channel pages: list, detail with the delivery log and the test button,
//! create/edit (secrets never rendered back), delete.

use super::form::{
    CheckboxField, ConfirmDelete, InventoryForm, SelectField, TextArea, TextField, choice_options,
    starting_values,
};
use super::loaded::{id_param, loaded};
use crate::queries::channels::{list_channels, load_channel, take_test_outcome};
use leptos::prelude::*;
use leptos_meta::Title;
use model::channels::delivery::format_ms;
use model::channels::input::SECRET_FIELDS;
use model::channels::{Channel, ChannelInput, ChannelKind, SmtpSecurity, WebhookPreset};
use model::domain::FieldErrors;
use model::domain::FormValues;

fn channel_check(values: &FormValues) -> FieldErrors {
    ChannelInput::validate(values).err().unwrap_or_default()
}

fn status_label(status: Option<&str>) -> &'static str {
    match status {
        Some("sent") => "sent",
        Some("failed") => "failed",
        Some("pending") => "pending",
        _ => "never used",
    }
}

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let channels = Resource::new(|| (), |_| list_channels());
    view! {
        <Title text="Channels"/>
        <div class="page-head"><h1>"Alert channels"</h1><a class="button primary" href="/channels/new">"Add channel"</a></div>
        <p class="hint">"Every alert goes to each enabled channel: a webhook (generic JSON, ntfy, Discord, Slack-compatible or Gotify) or e-mail."</p>
        {loaded(channels, |channels| if channels.is_empty() {
            view! { <p class="empty">"No channels yet: alerts show on the dashboard only."</p> }.into_any()
        } else {
            view! {
                <table class="list" id="channels">
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Kind"</th><th scope="col">"Target"</th><th scope="col">"Enabled"</th><th scope="col">"Last delivery"</th></tr></thead>
                    <tbody>
                        {channels.into_iter().map(|c| {
                            let target = c.target();
                            let kind = kind_label(&c);
                            let status = status_label(c.last_status.as_deref());
                            view! {
                                <tr>
                                    <td data-label="Name"><a href=format!("/channels/{}", c.id)>{c.name}</a></td>
                                    <td data-label="Kind">{kind}</td>
                                    <td data-label="Target"><code>{target}</code></td>
                                    <td data-label="Enabled">{if c.enabled { "yes" } else { "no" }}</td>
                                    <td data-label="Last delivery" class=format!("delivery-{status}")>{status}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        })}
    }
}

fn kind_label(c: &Channel) -> String {
    match c.kind.as_str() {
        "webhook" => format!("webhook ({})", c.webhook_preset),
        _ => "e-mail".into(),
    }
}

#[component]
pub fn ChannelPage() -> impl IntoView {
    let id = id_param();
    let detail = Resource::new(move || id.get(), |id| load_channel(id.unwrap_or_default()));
    let outcome = Resource::new(
        move || id.get(),
        |id| take_test_outcome(id.unwrap_or_default()),
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                outcome.await.ok().flatten().map(|o| view! {
                    <div class=if o.sent { "notice ok" } else { "notice error" } role="status" id="test-outcome">
                        {o.message}
                    </div>
                })
            })}
        </Suspense>
        {loaded(detail, |d| {
            let c = d.channel;
            let kind = kind_label(&c);
            let target = c.target();
            view! {
                <Title text=c.name.clone()/>
                <div class="page-head">
                    <h1>{c.name.clone()}</h1>
                    <form method="post" action=format!("/actions/channels/{}/test", c.id)>
                        <button type="submit" class="primary">"Send a test alert"</button>
                    </form>
                    <a class="button" href=format!("/channels/{}/edit", c.id)>"Edit"</a>
                    <a class="button danger" href=format!("/channels/{}/delete", c.id)>"Delete"</a>
                </div>
                <dl class="facts">
                    <dt>"Kind"</dt><dd>{kind}</dd>
                    <dt>"Target"</dt><dd><code>{target}</code></dd>
                    <dt>"Enabled"</dt><dd>{if c.enabled { "yes" } else { "no: alerts are not sent here" }}</dd>
                    {(c.kind == "webhook").then(|| view! {
                        <dt>"Secret"</dt><dd>{if c.has_secret { "stored (not shown)" } else { "none" }}</dd>
                    })}
                    {(c.kind == "email").then(|| view! {
                        <dt>"Mail server"</dt>
                        <dd><code>{c.smtp_host.clone().unwrap_or_default()} ":" {c.smtp_port.unwrap_or_default()}</code> " (" {c.smtp_security.clone()} ")"</dd>
                        <dt>"From"</dt><dd>{c.mail_from.clone().unwrap_or_default()}</dd>
                        <dt>"Login"</dt><dd>{c.smtp_username.clone().map(|u| format!("{u} (password {})", if c.has_password { "stored, not shown" } else { "none" })).unwrap_or_else(|| "none".into())}</dd>
                    })}
                    <dt>"Updated"</dt><dd>{c.updated_at.clone()}</dd>
                </dl>
                <h2>"Delivery log"</h2>
                {if d.deliveries.is_empty() {
                    view! { <p class="empty">"Nothing sent here yet."</p> }.into_any()
                } else {
                    view! {
                        <table class="list" id="deliveries">
                            <thead><tr><th scope="col">"Time"</th><th scope="col">"Alert"</th><th scope="col">"Attempts"</th><th scope="col">"Status"</th><th scope="col">"Answer"</th><th scope="col">"Error"</th></tr></thead>
                            <tbody>
                                {d.deliveries.into_iter().map(|e| {
                                    let status = if e.status == "pending" && e.attempts > 0 {
                                        format!("retrying at {}", format_ms(e.next_attempt_at))
                                    } else {
                                        e.status.clone()
                                    };
                                    view! {
                                        <tr class=format!("delivery-{}", e.status)>
                                            <td data-label="Time">{format_ms(e.updated_at)}</td>
                                            <td data-label="Alert">{e.title} " (" {e.alert_kind} ")"</td>
                                            <td data-label="Attempts">{e.attempts}</td>
                                            <td data-label="Status">{status}</td>
                                            <td data-label="Answer">{e.response_code.map(|c| c.to_string()).unwrap_or_default()}</td>
                                            <td data-label="Error">{e.last_error.unwrap_or_default()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            }
        })}
    }
}

/// Defaults for a new channel's form.
fn new_channel_values() -> FormValues {
    FormValues::from([
        ("kind".into(), "webhook".into()),
        ("enabled".into(), "1".into()),
        ("preset".into(), "generic".into()),
        ("smtp_security".into(), "starttls".into()),
        ("smtp_port".into(), "587".into()),
    ])
}

#[component]
pub fn ChannelFormPage() -> impl IntoView {
    let id = id_param();
    let start = Resource::new(
        move || id.get(),
        |id| async move {
            let form = match id {
                Some(id) => format!("channel-edit-{id}"),
                None => "channel-new".to_string(),
            };
            let stored = match id {
                Some(id) => Some(load_channel(id).await?.channel),
                None => None,
            };
            let flags = stored
                .as_ref()
                .map(|c| (c.has_secret, c.has_password, c.url_origin.clone()))
                .unwrap_or_default();
            let values = stored
                .map(|c| c.form_values())
                .unwrap_or_else(new_channel_values);
            let (mut values, errors) =
                starting_values(form, async move { Ok(Some(values)) }).await?;
            for field in SECRET_FIELDS {
                values.remove(*field);
            }
            Ok::<_, ServerFnError>((id, flags, values, errors))
        },
    );
    view! {
        <Title text="Channel"/>
        {loaded(start, |(id, (has_secret, has_password, url_origin), values, errors)| {
            let (title, action, cancel) = match id {
                Some(id) => ("Edit channel", format!("/actions/channels/{id}"), format!("/channels/{id}")),
                None => ("Add a channel", "/actions/channels".to_string(), "/channels".to_string()),
            };
            let secret_hint = if has_secret {
                "A secret is stored: leave this empty to keep it."
            } else {
                "Optional. Generic and ntfy: sent as a bearer token; Gotify: the app token. Discord and Slack carry theirs in the URL."
            };
            // The path of a Discord, Slack or ntfy URL is as good as a password.
            let url_hint = match url_origin {
                Some(origin) => format!("A URL on {origin} is stored (never shown, as it may carry a token): leave this empty to keep it."),
                None => "ntfy: the topic URL. Gotify: the server URL. Discord, Slack: the webhook URL.".to_string(),
            };
            let password_hint = if has_password {
                "A password is stored: leave this empty to keep it."
            } else {
                "Only with a user name."
            };
            view! {
                <h1>{title}</h1>
                <InventoryForm action values errors validate=channel_check submit="Save channel" cancel>
                    <TextField name="name" label="Name" placeholder="phone"/>
                    <SelectField name="kind" label="Kind" options={choice_options::<ChannelKind>()}/>
                    <CheckboxField name="enabled" label="Enabled" hint="Disabled channels get no alerts (the test button still works)."/>
                    <fieldset>
                        <legend>"Webhook"</legend>
                        <SelectField name="preset" label="Format" options={choice_options::<WebhookPreset>()}/>
                        <TextField name="url" label="URL" placeholder="https://ntfy.example/home-lab" hint=url_hint/>
                        <TextField name="secret" label="Secret token" kind="password" autocomplete="new-password" hint=secret_hint/>
                        {has_secret.then(|| view! { <CheckboxField name="clear_secret" label="Remove the stored secret"/> })}
                        <TextField name="secret_header" label="Secret header (generic only, optional)" placeholder="X-Api-Key" hint="Without one, the secret goes as Authorization: Bearer. Gotify always uses X-Gotify-Key."/>
                    </fieldset>
                    <fieldset>
                        <legend>"E-mail"</legend>
                        <TextField name="smtp_host" label="Mail server" placeholder="smtp.example"/>
                        <TextField name="smtp_port" label="Port" placeholder="587"/>
                        <SelectField name="smtp_security" label="Security" options={choice_options::<SmtpSecurity>()}/>
                        <TextField name="smtp_username" label="User name (optional)" autocomplete="off"/>
                        <TextField name="password" label="Password" kind="password" autocomplete="new-password" hint=password_hint/>
                        {has_password.then(|| view! { <CheckboxField name="clear_password" label="Remove the stored password"/> })}
                        <TextField name="mail_from" label="From" placeholder="v6watch@home.example"/>
                        <TextArea name="mail_to" label="To" hint="One address per line, or separated by commas." placeholder="me@home.example"/>
                    </fieldset>
                </InventoryForm>
            }
        })}
    }
}

#[component]
pub fn ChannelDeletePage() -> impl IntoView {
    let id = id_param();
    let detail = Resource::new(move || id.get(), |id| load_channel(id.unwrap_or_default()));
    view! {
        <Title text="Delete channel"/>
        {loaded(detail, |d| {
            let consequences = if d.deliveries.is_empty() {
                Vec::new()
            } else {
                vec!["its delivery log is deleted; alerts still pending for it are not sent".to_string()]
            };
            view! {
                <ConfirmDelete
                    what=format!("channel {}", d.channel.name)
                    action=format!("/actions/channels/{}/delete", d.channel.id)
                    cancel=format!("/channels/{}", d.channel.id)
                    consequences
                />
            }
        })}
    }
}
