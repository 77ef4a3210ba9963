//! Shows a server-read value once it has loaded, or a clear message when it failed.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Serialize, de::DeserializeOwned};

/// Renders `view` with the loaded value; an error becomes a message. A transition, so a
/// resource that reads again (a live update) keeps the page in place meanwhile.
pub fn loaded<T, V>(
    resource: Resource<Result<T, ServerFnError>>,
    view: impl Fn(T) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {
                let view = view.clone();
                move || {
                    let view = view.clone();
                    Suspend::new(async move {
                        match resource.await {
                            Ok(value) => view(value).into_any(),
                            Err(err) => view! { <ErrorMessage err/> }.into_any(),
                        }
                    })
                }
            }
        </Transition>
    }
}

#[component]
pub fn ErrorMessage(err: ServerFnError) -> impl IntoView {
    let text = match err {
        ServerFnError::ServerError(message) => message,
        other => other.to_string(),
    };
    let not_found = text == "not found";
    view! {
        <div class="notice error" role="alert">
            {if not_found { "Not found: it may have been deleted.".to_string() } else { text }}
        </div>
    }
}

/// The `:id` route parameter, if the route has one.
pub fn id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|id| id.parse().ok()))
}
