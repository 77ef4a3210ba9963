//! Live updates: once hydrated, the signed-in frame listens on `GET /events` (server-sent
//! events) and bumps a counter when results, verdicts or incidents were stored, and at least
//! every 20 s; pages that read it fetch their data again. Without JavaScript nothing listens
//! and pages stay whole.

use leptos::prelude::*;

/// Counts the changes heard so far (at most one a second); 0 while rendering on the server.
#[derive(Clone, Copy)]
pub struct Live(ReadSignal<u32>);

impl Live {
    /// The count, tracked: a resource keyed on it fetches again after each change.
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

/// Starts listening (in the browser) and makes [`Live`] available below.
pub fn provide_live() {
    let changes = RwSignal::new(0_u32);
    provide_context(Live(changes.read_only()));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        listen::connect(changes);
        listen::keep_fresh(changes);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = changes;
}

/// The live counter, or a constant 0 on a page outside the signed-in frame.
pub fn use_live() -> impl Fn() -> u32 + Copy + Send + Sync + 'static {
    let live = use_context::<Live>();
    move || live.map_or(0, Live::get)
}

#[cfg(feature = "hydrate")]
mod listen {
    use leptos::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use std::time::Duration;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Event, EventSource, MessageEvent};

    /// Changes arriving closer together than this cause one read, not a burst.
    const DEBOUNCE: Duration = Duration::from_secs(1);
    /// The browser retries a broken stream by itself; a refused one (signed out, server
    /// restarting) is opened again after this.
    const RETRY: Duration = Duration::from_secs(10);

    /// Pages read their data again at least this often, heard of a change or not: a
    /// message lost between a page's render and its stream opening (or behind a proxy that
    /// holds the stream back) is then late, never missing.
    const FALLBACK: Duration = Duration::from_secs(20);

    fn bump(changes: RwSignal<u32>) {
        changes.try_update(|n| *n = n.wrapping_add(1));
    }

    pub fn keep_fresh(changes: RwSignal<u32>) {
        let _ = set_interval_with_handle(move || bump(changes), FALLBACK);
    }

    pub fn connect(changes: RwSignal<u32>) {
        let Ok(source) = EventSource::new("/events") else {
            set_timeout(move || connect(changes), RETRY);
            return;
        };

        let pending = Rc::new(Cell::new(false));
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
            if pending.replace(true) {
                return;
            }
            let pending = pending.clone();
            set_timeout(
                move || {
                    pending.set(false);
                    bump(changes);
                },
                DEBOUNCE,
            );
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();

        // Whatever was stored while no stream listened is read once one does: after a
        // break, and also on the first open, since a change stored between the page's render
        // and this moment sends no message to anyone (one extra read per page view).
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            bump(changes);
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        on_open.forget();

        let closed = source.clone();
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            if closed.ready_state() == EventSource::CLOSED {
                closed.set_onerror(None);
                set_timeout(move || connect(changes), RETRY);
            }
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
    }
}
