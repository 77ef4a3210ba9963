//! Scheduler stage: how late runs start compared with when they were due.

use std::time::Duration;

/// Every lateness seen, in microseconds (8 bytes a run: 10,000 runs a minute is 4.6 MiB a
/// day, so the serving process keeps only the newest [`Lateness::KEEP`]).
#[derive(Clone, Debug, Default)]
pub struct Lateness {
    micros: Vec<u64>,
    total: u64,
}

impl Lateness {
    /// Most samples kept.
    pub const KEEP: usize = 1 << 20;

    pub fn record(&mut self, late: Duration) {
        if self.micros.len() >= Self::KEEP {
            self.micros.drain(..Self::KEEP / 2);
        }
        self.micros
            .push(late.as_micros().min(u128::from(u64::MAX)) as u64);
        self.total += 1;
    }

    /// Runs started in all.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `q` quantile (0.0 to 1.0) of the kept samples.
    pub fn quantile(&self, q: f64) -> Duration {
        if self.micros.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.micros.clone();
        sorted.sort_unstable();
        let rank = ((sorted.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
        Duration::from_micros(sorted[rank])
    }

    /// Only the samples after the first `skip` (e.g. to leave out a start-up burst).
    pub fn after(&self, skip: usize) -> Lateness {
        Lateness {
            micros: self.micros.iter().skip(skip).copied().collect(),
            total: self.total.saturating_sub(skip as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles() {
        let mut l = Lateness::default();
        assert_eq!(l.quantile(0.5), Duration::ZERO);
        for ms in 1..=100 {
            l.record(Duration::from_millis(ms));
        }
        assert_eq!(l.count(), 100);
        assert_eq!(l.quantile(0.5), Duration::from_millis(51));
        assert_eq!(l.quantile(0.99), Duration::from_millis(99));
        assert_eq!(l.after(90).quantile(0.0), Duration::from_millis(91));
    }
}
