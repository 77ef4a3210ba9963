//! The frame around signed-in pages: navigation, the user, sign-out.

use super::alerts::AlertsNavLink;
use crate::queries::flash::{take_notice, whoami};
use crate::queries::status::load_self_test;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

#[component]
pub fn Layout() -> impl IntoView {
    super::live::provide_live();
    let user = Resource::new(|| (), |_| whoami());
    let self_test = Resource::new(|| (), |_| load_self_test());
    let notice = Resource::new(|| (), |_| take_notice());
    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <header class="top">
            <a class="brand" href="/">
                <span class="badge six" aria-hidden="true">"6"</span>
                "v6watch"
            </a>
            <nav aria-label="Main">
                <A href="/" exact=true>"Overview"</A>
                <A href="/hosts">"Hosts"</A>
                <A href="/prefixes">"Address plan"</A>
                <A href="/tunnels">"Tunnels"</A>
                <A href="/containers">"Containers"</A>
                <A href="/services">"Services"</A>
                <AlertsNavLink/>
                <A href="/channels">"Channels"</A>
                <A href="/import">"Import"</A>
                <A href="/tokens">"Tokens"</A>
                <A href="/settings">"Settings"</A>
            </nav>
            <Suspense>
                {move || Suspend::new(async move {
                    user.await.ok().flatten().map(|name| view! {
                        <form class="signout" method="post" action="/actions/logout">
                            <span class="user">{name}</span>
                            <button type="submit" class="link">"Sign out"</button>
                        </form>
                    })
                })}
            </Suspense>
        </header>
        <Suspense>
            {move || Suspend::new(async move {
                self_test.await.ok().flatten().map(|banner| {
                    let t = banner.status;
                    view! {
                        // Unfolded the first time; folded on later pages (one line, not a red
                        // block on every page). The results it puts in doubt say so themselves.
                        <details class="notice error selftest" id="self-test" open=!banner.seen>
                            <summary>
                                "This machine's own IPv6 is not working: IPv6 failures marked "
                                <span class="suspect-mark">"⚠"</span>" may be the monitor's, not the targets'."
                            </summary>
                            <ul>
                                {t.problems.into_iter().map(|p| view! {
                                    <li><strong>{p.found}</strong>". " {p.advice}</li>
                                }).collect_view()}
                            </ul>
                            <p class="hint">"Self-test of " {t.at} "; it runs again every 10 minutes and at start."</p>
                        </details>
                    }
                })
            })}
        </Suspense>
        <main id="main">
            // What the form just posted did, said once.
            <Suspense>
                {move || Suspend::new(async move {
                    notice.await.ok().flatten().map(|text| view! {
                        <p class="notice ok" id="notice" role="status">{text}</p>
                    })
                })}
            </Suspense>
            <Outlet/>
        </main>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <main id="main">
            <h1>"Not found"</h1>
            <p>"There is nothing at this address. " <a href="/">"Back to the overview"</a></p>
        </main>
    }
}
