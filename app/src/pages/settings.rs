//! Settings: the DNS resolvers the probes ask, extra NAT64 prefixes and the browser judge,
//! changed without a restart; what is in effect, and where it comes from.

use super::form::{InventoryForm, SelectField, TextArea, starting_values};
use super::loaded::loaded;
use crate::queries::settings::load_settings;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::settings::{BROWSER_JUDGE_CHOICES, ProbeFlags, ProbeSettings};

fn settings_check(values: &FormValues) -> FieldErrors {
    ProbeSettings::validate(values).err().unwrap_or_default()
}

/// "a, b (from this page)" or the fallback that applies.
fn in_effect(stored: &[String], flags: &[String], flag: &str, otherwise: &str) -> String {
    if !stored.is_empty() {
        format!("{} (set on this page)", stored.join(", "))
    } else if !flags.is_empty() {
        format!("{} (from {flag})", flags.join(", "))
    } else {
        otherwise.to_string()
    }
}

/// Whether scheduled verdicts use a real browser now, and why.
fn browser_in_effect(stored: Option<bool>, flags: &ProbeFlags) -> String {
    let (on, why) = match stored {
        Some(on) => (on, "set on this page".to_string()),
        None => (
            flags.browser_judge != "off",
            format!("from --browser-judge {}", flags.browser_judge),
        ),
    };
    match (on, &flags.chromium) {
        (false, _) => format!("off: pages' HTML and CSS only ({why})"),
        (true, Some(path)) => format!("on: Chromium at {path} loads each page ({why})"),
        (true, None) => {
            format!("wanted ({why}), but Chromium is not installed: pages' HTML and CSS only")
        }
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some();
    let page = Resource::new(
        || (),
        |_| async move {
            let view = load_settings().await?;
            let stored = view.stored.form_values();
            let start = starting_values("settings".into(), async move { Ok(Some(stored)) }).await?;
            Ok::<_, ServerFnError>((view, start))
        },
    );
    view! {
        <Title text="Settings"/>
        <h1>"Settings"</h1>
        {move || saved().then(|| view! {
            <p class="notice ok" id="saved" role="status">"Saved. The probes use these settings from their next run."</p>
        })}
        {loaded(page, |(view, (values, errors))| {
            let resolvers = in_effect(&view.stored.resolvers, &view.flags.resolvers, "--resolver", "the system's resolvers (/etc/resolv.conf)");
            let browser = browser_in_effect(view.stored.browser_judge, &view.flags);
            let nat64 = in_effect(&view.stored.nat64_prefixes, &view.flags.nat64_prefixes, "--nat64-prefix", "none besides 64:ff9b::/96");
            view! {
                <h2>"In effect"</h2>
                <dl class="facts" id="in-effect">
                    <dt>"DNS resolvers"</dt><dd>{resolvers}</dd>
                    <dt>"NAT64 prefixes"</dt><dd>"64:ff9b::/96, " {nat64}</dd>
                    <dt>"Browser judge"</dt><dd id="browser-in-effect">{browser}</dd>
                </dl>
                {(!view.flags.live).then(|| view! {
                    <p class="notice warn">"Nothing is probed now (--no-scheduler): saved settings apply when v6watch is started with its scheduler."</p>
                })}
                <h2>"Probes and verdicts"</h2>
                <InventoryForm action="/actions/settings".into() values errors validate=settings_check submit="Save settings" cancel="/".into()>
                    <TextArea name="resolvers" label="DNS resolvers" placeholder="[2001:db8::53]:53"
                        hint="One per line: an IPv6 or IPv4 address, with a port if not 53 ([2001:db8::53]:5353, 192.0.2.53). Empty: the --resolver flags, else the system's resolvers."/>
                    <TextArea name="nat64_prefixes" label="NAT64 prefixes" placeholder="2001:db8:64::/96"
                        hint="Your DNS64's prefixes besides 64:ff9b::/96, one per line: AAAA answers inside them count as synthesized."/>
                    <SelectField name="browser_judge" label="Browser judge for scheduled verdicts"
                        options={BROWSER_JUDGE_CHOICES.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect()}
                        hint="On: Chromium loads each service's page through an IPv6-only proxy, so what scripts load counts. Off: the verdict reads the page's HTML and CSS only."/>
                </InventoryForm>
            }
        })}
    }
}
