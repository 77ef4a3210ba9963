//! `GET /events`: the bus as server-sent events, for signed-in pages (the session guard
//! stands in front of it like every page).

use crate::events::{Event, EventBus};
use crate::web::state::AppState;
use axum::extract::State;
use axum::response::sse::{self, KeepAlive, Sse};
use futures::Stream;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

pub const PATH: &str = "/events";

/// A comment line this often keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<sse::Event, Infallible>>> {
    Sse::new(changes(&state.events)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

fn changes(bus: &EventBus) -> impl Stream<Item = Result<sse::Event, Infallible>> + use<> {
    let rx = bus.subscribe();
    futures::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(event) => return Some((Ok(to_sse(event)), rx)),
                // Fell behind: one event still tells the page to read again.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    })
}

fn to_sse(event: Event) -> sse::Event {
    let data = serde_json::to_string(&event).unwrap_or_else(|_| "{}".to_string());
    sse::Event::default().id(event.seq.to_string()).data(data)
}
