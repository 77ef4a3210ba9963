//! Probe stage: the time budget of one probe, shared by its steps.

use std::time::Duration;

use tokio::time::Instant;

/// A point in time by which a probe must have finished.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(Instant);

impl Deadline {
    pub(crate) fn after(budget: Duration) -> Deadline {
        Deadline(Instant::now() + budget)
    }

    /// Time left, zero once passed.
    pub(crate) fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }

    /// The deadline `by` earlier (not before now): a step that keeps time for another.
    pub(crate) fn earlier(&self, by: Duration) -> Deadline {
        let now = Instant::now();
        Deadline(self.0.checked_sub(by).map_or(now, |t| t.max(now)))
    }

    /// `step`, shortened so it ends by the deadline.
    pub(crate) fn cap(&self, step: Duration) -> Duration {
        step.min(self.remaining())
    }
}

/// Milliseconds as a float, for outcomes.
pub(crate) fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Seconds with one decimal, for details.
pub(crate) fn secs(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}
