//! Alert rules: every threshold in one place, with its default.

/// When a check counts as failing and as recovered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Failed runs in a row (over IPv6) before an incident opens.
    pub fail_after: u32,
    /// Passed runs in a row before it resolves.
    pub recover_after: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            fail_after: 2,
            recover_after: 2,
        }
    }
}

/// Latency regression: the median of the last `recent` successful runs against the median of
/// the `baseline` runs before them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatencyRules {
    /// Regressed when the recent median is above `factor` times the baseline median...
    pub factor: f64,
    /// ...and at least this many milliseconds above it (tiny latencies jitter a lot).
    pub min_increase_ms: f64,
    pub recent: usize,
    pub baseline: usize,
    /// No judgement before the baseline has this many runs.
    pub min_baseline: usize,
}

impl Default for LatencyRules {
    fn default() -> Self {
        LatencyRules {
            factor: 2.0,
            min_increase_ms: 20.0,
            recent: 5,
            baseline: 60,
            min_baseline: 10,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    /// For checks without thresholds of their own.
    pub thresholds: Thresholds,
    /// This many opens and resolves of one check within `flap_window_ms` fold into one
    /// "flapping" incident; it ends after a quiet `flap_window_ms`.
    pub flap_transitions: usize,
    pub flap_window_ms: i64,
    /// An incident on something that sits behind a host or tunnel waits this long before it is
    /// sent, so that the host's or tunnel's own incident can fold it in first.
    pub fold_grace_ms: i64,
    pub latency: LatencyRules,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            thresholds: Thresholds::default(),
            flap_transitions: 4,
            flap_window_ms: 30 * 60 * 1000,
            fold_grace_ms: 120 * 1000,
            latency: LatencyRules::default(),
        }
    }
}
