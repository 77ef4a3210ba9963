//! Verdict stage, scheduled: when each service is next judged. Pure bookkeeping on instants
//! the caller passes in; a service is never judged twice at once.

use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// `None` while a judgement is in flight.
    due: Option<Instant>,
    /// Asked to run again while in flight: due as soon as it finishes.
    again: bool,
}

#[derive(Debug)]
pub struct Timetable {
    interval: Duration,
    entries: HashMap<i64, Entry>,
}

impl Timetable {
    pub fn new(interval: Duration) -> Self {
        Timetable {
            // Never zero: a zero interval would judge in a busy loop.
            interval: interval.max(Duration::from_millis(10)),
            entries: HashMap::new(),
        }
    }

    /// Follows the current services: new ones are due at once, gone ones are dropped;
    /// `changed` (target or dependencies edited) and `run_now` ones are due at once too.
    pub fn apply(
        &mut self,
        ids: impl IntoIterator<Item = i64>,
        changed: &[i64],
        run_now: &[i64],
        now: Instant,
    ) {
        let ids: HashSet<i64> = ids.into_iter().collect();
        self.entries.retain(|id, _| ids.contains(id));
        for id in &ids {
            self.entries.entry(*id).or_insert(Entry {
                due: Some(now),
                again: false,
            });
        }
        for id in changed.iter().chain(run_now) {
            if let Some(entry) = self.entries.get_mut(id) {
                match entry.due {
                    Some(_) => entry.due = Some(now),
                    None => entry.again = true,
                }
            }
        }
    }

    /// The services due by `now`, earliest first; they count as in flight until
    /// [`Timetable::finished`].
    pub fn take_due(&mut self, now: Instant) -> Vec<i64> {
        let mut due: Vec<(Instant, i64)> = self
            .entries
            .iter()
            .filter_map(|(id, e)| e.due.filter(|d| *d <= now).map(|d| (d, *id)))
            .collect();
        due.sort();
        for (_, id) in &due {
            if let Some(entry) = self.entries.get_mut(id) {
                entry.due = None;
            }
        }
        due.into_iter().map(|(_, id)| id).collect()
    }

    /// A judgement ended at `now`: next one an interval later (or at once if asked meanwhile).
    pub fn finished(&mut self, id: i64, now: Instant) {
        if let Some(entry) = self.entries.get_mut(&id) {
            entry.due = Some(if entry.again {
                now
            } else {
                now + self.interval
            });
            entry.again = false;
        }
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.entries.values().filter_map(|e| e.due).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn new_services_are_due_at_once_then_every_interval() {
        let t0 = Instant::now();
        let mut t = Timetable::new(5 * MIN);
        t.apply([1, 2], &[], &[], t0);
        assert_eq!(t.take_due(t0), vec![1, 2]);
        assert!(t.take_due(t0 + 10 * MIN).is_empty(), "in flight");
        t.finished(1, t0 + MIN);
        t.finished(2, t0 + 2 * MIN);
        assert_eq!(t.next_due(), Some(t0 + 6 * MIN));
        assert!(t.take_due(t0 + 5 * MIN).is_empty());
        assert_eq!(t.take_due(t0 + 6 * MIN), vec![1]);
        assert_eq!(t.take_due(t0 + 7 * MIN), vec![2]);
    }

    #[test]
    fn run_now_and_edits_make_a_service_due_at_once_but_never_twice_at_once() {
        let t0 = Instant::now();
        let mut t = Timetable::new(5 * MIN);
        t.apply([1, 2], &[], &[], t0);
        t.take_due(t0);
        t.finished(1, t0);
        t.finished(2, t0);
        t.apply([1, 2], &[2], &[1], t0 + MIN);
        assert_eq!(t.take_due(t0 + MIN), vec![1, 2]);
        // Asked again while in flight: due when it finishes, not before.
        t.apply([1, 2], &[], &[1], t0 + MIN);
        assert!(t.take_due(t0 + MIN).is_empty());
        t.finished(1, t0 + 2 * MIN);
        assert_eq!(t.take_due(t0 + 2 * MIN), vec![1]);
    }

    #[test]
    fn removed_services_are_dropped_and_their_late_finish_ignored() {
        let t0 = Instant::now();
        let mut t = Timetable::new(5 * MIN);
        t.apply([1, 2], &[], &[], t0);
        t.take_due(t0);
        t.apply([2], &[], &[1], t0);
        t.finished(1, t0);
        t.finished(2, t0);
        assert_eq!(t.next_due(), Some(t0 + 5 * MIN));
        assert_eq!(t.take_due(t0 + 5 * MIN), vec![2]);
    }
}
