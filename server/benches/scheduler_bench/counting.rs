//! The real prober, counting what it did: probes finished, ICMP echo requests sent and
//! answered, and when the last probe ended.

use probes::{ProbeKind, ProbeReport, ProbeSpec, Prober};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use v6watch::scheduler::ProbeRunner;

pub struct Counting {
    prober: Prober,
    ping_count: u16,
    probes: AtomicU64,
    sent: AtomicU64,
    replies: AtomicU64,
    last_done: Mutex<Option<Instant>>,
}

/// What a [`Counting`] prober did so far.
#[derive(Clone, Copy, Debug)]
pub struct Counts {
    pub probes: u64,
    pub sent: u64,
    pub replies: u64,
    pub last_done: Option<Instant>,
}

impl Counts {
    pub fn loss_percent(&self) -> f64 {
        if self.sent == 0 {
            return 0.0;
        }
        100.0 * (self.sent - self.replies.min(self.sent)) as f64 / self.sent as f64
    }
}

impl Counting {
    pub fn new(prober: Prober, ping_count: u16) -> Counting {
        Counting {
            prober,
            ping_count,
            probes: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            replies: AtomicU64::new(0),
            last_done: Mutex::new(None),
        }
    }

    pub fn counts(&self) -> Counts {
        Counts {
            probes: self.probes.load(Ordering::Relaxed),
            sent: self.sent.load(Ordering::Relaxed),
            replies: self.replies.load(Ordering::Relaxed),
            last_done: *self.last_done.lock().unwrap(),
        }
    }
}

impl ProbeRunner for Counting {
    async fn run(&self, spec: &ProbeSpec) -> ProbeReport {
        let report = self.prober.run(spec).await;
        let sent = u64::from(self.ping_count);
        for outcome in report
            .outcomes
            .iter()
            .filter(|o| o.probe == ProbeKind::Icmp)
        {
            // A probe sends `ping_count` echo requests; `loss` is the share unanswered.
            let loss = outcome.loss.unwrap_or(1.0).clamp(0.0, 1.0);
            let answered = ((1.0 - loss) * sent as f64).round() as u64;
            self.sent.fetch_add(sent, Ordering::Relaxed);
            self.replies.fetch_add(answered, Ordering::Relaxed);
        }
        self.probes.fetch_add(1, Ordering::Relaxed);
        *self.last_done.lock().unwrap() = Some(Instant::now());
        report
    }
}
