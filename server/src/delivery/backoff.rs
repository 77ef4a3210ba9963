//! How long to wait before the next attempt: a growing list of delays, the last one
//! repeated.

use std::time::Duration;

/// 30 s, 2 min, 10 min, 1 h.
pub const DEFAULT: [Duration; 4] = [
    Duration::from_secs(30),
    Duration::from_secs(120),
    Duration::from_secs(600),
    Duration::from_secs(3600),
];

/// The wait after failed attempt number `attempt` (from 1).
pub fn delay(delays: &[Duration], attempt: i64) -> Duration {
    let index = usize::try_from(attempt.saturating_sub(1)).unwrap_or(0);
    delays
        .get(index)
        .or(delays.last())
        .copied()
        .unwrap_or(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_repeat_the_last() {
        let got: Vec<u64> = (1..=6).map(|a| delay(&DEFAULT, a).as_secs()).collect();
        assert_eq!(got, [30, 120, 600, 3600, 3600, 3600]);
        assert_eq!(delay(&DEFAULT, 0).as_secs(), 30);
        assert_eq!(delay(&[], 3).as_secs(), 60);
    }
}
