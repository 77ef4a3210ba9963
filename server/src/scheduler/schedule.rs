//! Scheduler stage: the timetable. Pure state (no I/O, no clock of its own): which check is
//! due when, per-check interval with ±10 % jitter, first run at once, enable/disable,
//! "run now", and no overlapping runs of one check.

use probes::ProbeSpec;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// A check as the scheduler knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckDef {
    pub id: i64,
    pub spec: Arc<ProbeSpec>,
    pub interval: Duration,
    pub enabled: bool,
}

/// A probe run to start now.
#[derive(Clone, Debug)]
pub struct Launch {
    pub id: i64,
    pub spec: Arc<ProbeSpec>,
    /// When it was due: lateness is measured from here.
    pub scheduled: Instant,
}

#[derive(Debug)]
struct Entry {
    def: CheckDef,
    due: Instant,
    running: bool,
    /// A "run now" for a disabled check: one run, then idle again.
    once: bool,
}

impl Entry {
    fn waiting(&self) -> bool {
        !self.running && (self.def.enabled || self.once)
    }
}

/// Jitter applied to each interval: ±10 %.
pub const JITTER: f64 = 0.10;

pub struct Schedule {
    entries: HashMap<i64, Entry>,
    /// (due, id) of every waiting entry: the next due is the first.
    queue: BTreeSet<(Instant, i64)>,
    rng: StdRng,
}

impl Schedule {
    /// `seed` makes the jitter reproducible in tests.
    pub fn new(seed: u64) -> Schedule {
        Schedule {
            entries: HashMap::new(),
            queue: BTreeSet::new(),
            rng: StdRng::seed_from_u64(seed),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn unqueue(&mut self, id: i64) {
        if let Some(e) = self.entries.get(&id) {
            self.queue.remove(&(e.due, id));
        }
    }

    fn requeue(&mut self, id: i64) {
        if let Some(e) = self.entries.get(&id)
            && e.waiting()
        {
            self.queue.insert((e.due, id));
        }
    }

    /// Brings the timetable in line with the stored checks. New or re-enabled checks, and
    /// checks whose spec changed, are due at once; `run_now` ids are due at once too (a
    /// disabled check then runs once). Checks no longer listed are dropped.
    pub fn apply(&mut self, checks: Vec<CheckDef>, run_now: &[i64], now: Instant) {
        let listed: std::collections::HashSet<i64> = checks.iter().map(|c| c.id).collect();
        let gone: Vec<i64> = self
            .entries
            .keys()
            .filter(|id| !listed.contains(id))
            .copied()
            .collect();
        for id in gone {
            self.unqueue(id);
            self.entries.remove(&id);
        }
        for def in checks {
            let id = def.id;
            self.unqueue(id);
            match self.entries.get_mut(&id) {
                Some(entry) => {
                    let restart = entry.def.spec != def.spec || (!entry.def.enabled && def.enabled);
                    if restart {
                        entry.due = now;
                    }
                    entry.def = def;
                }
                None => {
                    self.entries.insert(
                        id,
                        Entry {
                            def,
                            due: now,
                            running: false,
                            once: false,
                        },
                    );
                }
            }
            self.requeue(id);
        }
        for id in run_now {
            self.unqueue(*id);
            if let Some(entry) = self.entries.get_mut(id) {
                entry.due = entry.due.min(now);
                entry.once = !entry.def.enabled;
            }
            self.requeue(*id);
        }
    }

    /// The earliest time something is due, if anything waits.
    pub fn next_due(&self) -> Option<Instant> {
        self.queue.first().map(|(due, _)| *due)
    }

    /// Marks every check due by `now` as running and returns it to be launched.
    pub fn take_due(&mut self, now: Instant) -> Vec<Launch> {
        let mut launches = Vec::new();
        while let Some(&(due, id)) = self.queue.first() {
            if due > now {
                break;
            }
            self.queue.pop_first();
            if let Some(entry) = self.entries.get_mut(&id) {
                entry.running = true;
                launches.push(Launch {
                    id,
                    spec: entry.def.spec.clone(),
                    scheduled: due,
                });
            }
        }
        launches
    }

    /// Records that a run ended at `now`: the next one is due one jittered interval after the
    /// previous due time (so runs do not drift), or at once if that has already passed.
    pub fn finished(&mut self, id: i64, scheduled: Instant, now: Instant) {
        let factor = 1.0 + self.rng.gen_range(-JITTER..=JITTER);
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        entry.running = false;
        entry.once = false;
        let interval = entry.def.interval.mul_f64(factor);
        entry.due = (scheduled + interval).max(now);
        self.requeue(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(id: i64, secs: u64, enabled: bool) -> CheckDef {
        CheckDef {
            id,
            spec: Arc::new(ProbeSpec::Icmp {
                address: format!("2001:db8::{id}").parse().unwrap(),
            }),
            interval: Duration::from_secs(secs),
            enabled,
        }
    }

    #[test]
    fn first_run_is_immediate_and_disabled_checks_wait() {
        let t0 = Instant::now();
        let mut s = Schedule::new(1);
        s.apply(vec![def(1, 60, true), def(2, 60, false)], &[], t0);
        let due: Vec<i64> = s.take_due(t0).iter().map(|l| l.id).collect();
        assert_eq!(due, vec![1]);
        assert!(s.take_due(t0 + Duration::from_secs(3600)).is_empty());
        assert_eq!(s.next_due(), None);
    }

    #[test]
    fn next_run_is_one_jittered_interval_after_the_last_due_time() {
        let t0 = Instant::now();
        let mut s = Schedule::new(7);
        s.apply(vec![def(1, 100, true)], &[], t0);
        let mut due = t0;
        for _ in 0..200 {
            let launch = s.take_due(due).pop().expect("due");
            assert_eq!(launch.scheduled, due);
            s.finished(1, launch.scheduled, due + Duration::from_millis(5));
            let next = s.next_due().unwrap();
            let gap = (next - due).as_secs_f64();
            assert!((90.0..=110.0).contains(&gap), "gap {gap}");
            due = next;
        }
    }

    #[test]
    fn a_running_check_is_not_launched_twice() {
        let t0 = Instant::now();
        let mut s = Schedule::new(1);
        s.apply(vec![def(1, 10, true)], &[], t0);
        assert_eq!(s.take_due(t0).len(), 1);
        s.apply(vec![def(1, 10, true)], &[1], t0 + Duration::from_secs(30));
        assert!(s.take_due(t0 + Duration::from_secs(30)).is_empty());
        // Ended late (30 s for a 10 s interval): due again at once, not in the past.
        s.finished(1, t0, t0 + Duration::from_secs(30));
        assert_eq!(s.next_due(), Some(t0 + Duration::from_secs(30)));
    }

    #[test]
    fn run_now_and_enable_disable() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(5);
        let mut s = Schedule::new(1);
        s.apply(vec![def(1, 60, true), def(2, 60, false)], &[], t0);
        let l = s.take_due(t0).pop().unwrap();
        s.finished(1, l.scheduled, t0);
        // Run now: the enabled check is due at once, the disabled one runs once.
        s.apply(vec![def(1, 60, true), def(2, 60, false)], &[1, 2], t1);
        let mut ids: Vec<i64> = s.take_due(t1).iter().map(|l| l.id).collect();
        ids.sort();
        assert_eq!(ids, vec![1, 2]);
        s.finished(2, t1, t1);
        s.finished(1, t1, t1);
        let later = t1 + Duration::from_secs(600);
        let ids: Vec<i64> = s.take_due(later).iter().map(|l| l.id).collect();
        assert_eq!(ids, vec![1]);
        s.finished(1, later, later);
        // Disabling stops it; enabling again runs it at once.
        let t2 = t1 + Duration::from_secs(1000);
        s.apply(vec![def(1, 60, false), def(2, 60, false)], &[], t2);
        assert!(s.take_due(t2).is_empty());
        let t3 = t2 + Duration::from_secs(1);
        s.apply(vec![def(1, 60, true)], &[], t3);
        assert_eq!(s.len(), 1);
        assert_eq!(s.take_due(t3).len(), 1);
    }
}
