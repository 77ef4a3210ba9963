//! Live updates: the background jobs say "something changed" after they commit, and every
//! open page listening on `GET /events` hears it and reads again.

use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::broadcast;

/// What was just stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Changed {
    /// A batch of check results.
    Results,
    /// An IPv6-only verdict.
    Verdict,
    /// Incidents opened, resolved or folded.
    Incidents,
    /// The inventory changed outside a page's own form (a live sync round).
    Inventory,
}

/// One change, numbered in the order it was published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub seq: u64,
    pub changed: Changed,
}

/// How many events a slow listener may fall behind before it skips some; it then gets one
/// event anyway, which is all a page needs to read again.
const BACKLOG: usize = 64;

/// The in-process bus. Cloning shares it; publishing without listeners costs nothing.
#[derive(Clone, Debug)]
pub struct EventBus {
    sender: broadcast::Sender<Event>,
    seq: Arc<AtomicU64>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            sender: broadcast::channel(BACKLOG).0,
            seq: Arc::default(),
        }
    }
}

impl EventBus {
    pub fn publish(&self, changed: Changed) {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        // An error only means nobody listens right now.
        let _ = self.sender.send(Event { seq, changed });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn listeners_hear_changes_in_order_with_rising_numbers() {
        let bus = EventBus::default();
        bus.publish(Changed::Verdict); // nobody listens yet: dropped, but counted
        let mut rx = bus.subscribe();
        bus.publish(Changed::Results);
        bus.publish(Changed::Incidents);
        assert_eq!(
            rx.recv().await.unwrap(),
            Event {
                seq: 2,
                changed: Changed::Results
            }
        );
        assert_eq!(
            rx.recv().await.unwrap(),
            Event {
                seq: 3,
                changed: Changed::Incidents
            }
        );
    }
}
