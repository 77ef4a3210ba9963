//! The pages stage: what the browser shows, rendered on the server and hydrated.

mod alerts;
mod auth;
mod channels;
pub mod charts;
mod containers;
mod exposure;
mod filters;
mod form;
mod hosts;
mod imports;
mod layout;
mod live;
mod loaded;
mod overview;
mod plan;
mod results;
mod services;
mod settings;
mod status_cell;
mod tokens;
mod tunnels;
mod verdicts;

use crate::assets::AssetLinks;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <AssetLinks/>
                <AutoReload options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The document title. leptos_meta writes it into the server-rendered `<title>` as is,
/// so the server escapes it here; in the browser it is set as plain text.
fn page_title(page: String) -> String {
    let title = if page.is_empty() {
        "v6watch".to_string()
    } else {
        format!("{page} · v6watch")
    };
    #[cfg(feature = "ssr")]
    let title = html_escape::encode_text(&title).into_owned();
    title
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Async rendering: a page finishes reading (and consuming a rejected form from the
    // session) before the response leaves, so the session is saved after the read.
    view! {
        <Title formatter=page_title/>
        <Router>
            <Routes fallback=|| view! { <layout::NotFound/> }>
                <Route path=path!("/setup") view=auth::SetupPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=auth::LoginPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=layout::Layout ssr=SsrMode::Async>
                    <Route path=path!("/") view=overview::OverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/alerts") view=alerts::AlertsPage ssr=SsrMode::Async/>
                    <Route path=path!("/alerts/:id") view=alerts::IncidentPage ssr=SsrMode::Async/>
                    <Route path=path!("/hosts") view=hosts::HostsPage ssr=SsrMode::Async/>
                    <Route path=path!("/hosts/new") view=hosts::HostFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/hosts/:id") view=hosts::HostPage ssr=SsrMode::Async/>
                    <Route path=path!("/hosts/:id/edit") view=hosts::HostFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/hosts/:id/delete") view=hosts::HostDeletePage ssr=SsrMode::Async/>
                    <Route path=path!("/prefixes") view=plan::PlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/plan") view=plan::PlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/exposure") view=exposure::ExposurePage ssr=SsrMode::Async/>
                    <Route path=path!("/prefixes/new") view=plan::PrefixFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/prefixes/:id") view=plan::PrefixFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/prefixes/:id/edit") view=plan::PrefixFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/prefixes/:id/delete") view=plan::PrefixDeletePage ssr=SsrMode::Async/>
                    <Route path=path!("/tunnels") view=tunnels::TunnelsPage ssr=SsrMode::Async/>
                    <Route path=path!("/tunnels/new") view=tunnels::TunnelFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/tunnels/:id") view=tunnels::TunnelPage ssr=SsrMode::Async/>
                    <Route path=path!("/tunnels/:id/edit") view=tunnels::TunnelFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/tunnels/:id/delete") view=tunnels::TunnelDeletePage ssr=SsrMode::Async/>
                    <Route path=path!("/containers") view=containers::ContainersPage ssr=SsrMode::Async/>
                    <Route path=path!("/containers/new") view=containers::ContainerFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/containers/:id") view=containers::ContainerPage ssr=SsrMode::Async/>
                    <Route path=path!("/containers/:id/edit") view=containers::ContainerFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/containers/:id/delete") view=containers::ContainerDeletePage ssr=SsrMode::Async/>
                    <Route path=path!("/services") view=services::ServicesPage ssr=SsrMode::Async/>
                    <Route path=path!("/services/new") view=services::ServiceFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/services/:id") view=services::ServicePage ssr=SsrMode::Async/>
                    <Route path=path!("/services/:id/edit") view=services::ServiceFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/services/:id/delete") view=services::ServiceDeletePage ssr=SsrMode::Async/>
                    <Route path=path!("/channels") view=channels::ChannelsPage ssr=SsrMode::Async/>
                    <Route path=path!("/channels/new") view=channels::ChannelFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/channels/:id") view=channels::ChannelPage ssr=SsrMode::Async/>
                    <Route path=path!("/channels/:id/edit") view=channels::ChannelFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/channels/:id/delete") view=channels::ChannelDeletePage ssr=SsrMode::Async/>
                    <Route path=path!("/tokens") view=tokens::TokensPage ssr=SsrMode::Async/>
                    <Route path=path!("/import") view=imports::ImportPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view=settings::SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/tokens/:id/revoke") view=tokens::TokenRevokePage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
