//! Slows down repeated failed sign-ins: each recent failure for the same user name or
//! client address doubles the wait before the next answer, up to a cap.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const FIRST_DELAY: Duration = Duration::from_millis(250);
const MAX_DELAY: Duration = Duration::from_secs(8);
const MAX_KEYS: usize = 10_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// How long to wait before answering an attempt for these keys.
    pub fn delay(&self, keys: &[String], now: Instant) -> Duration {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let count = keys
            .iter()
            .filter_map(|k| failures.get(k))
            .filter(|(_, last)| now.duration_since(*last) < WINDOW)
            .map(|(n, _)| *n)
            .max()
            .unwrap_or(0);
        match count {
            0 => Duration::ZERO,
            n => FIRST_DELAY
                .saturating_mul(1 << (n - 1).min(8))
                .min(MAX_DELAY),
        }
    }

    pub fn failed(&self, keys: &[String], now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > MAX_KEYS {
            failures.retain(|_, (_, last)| now.duration_since(*last) < WINDOW);
        }
        for key in keys {
            let entry = failures.entry(key.clone()).or_insert((0, now));
            if now.duration_since(entry.1) >= WINDOW {
                entry.0 = 0;
            }
            *entry = (entry.0 + 1, now);
        }
    }

    pub fn succeeded(&self, keys: &[String]) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            failures.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_double_the_delay_until_success_or_the_window_passes() {
        let throttle = LoginThrottle::default();
        let keys = vec!["user:admin".to_string(), "ip:::1".to_string()];
        let t0 = Instant::now();
        assert_eq!(throttle.delay(&keys, t0), Duration::ZERO);
        let mut expected = Vec::new();
        for _ in 0..7 {
            throttle.failed(&keys, t0);
            expected.push(throttle.delay(&keys, t0).as_millis());
        }
        assert_eq!(expected, [250, 500, 1000, 2000, 4000, 8000, 8000]);
        // Another address trying the same user is slowed too.
        assert_eq!(throttle.delay(&["user:admin".into()], t0).as_millis(), 8000);
        assert_eq!(throttle.delay(&keys, t0 + WINDOW), Duration::ZERO);
        throttle.succeeded(&keys);
        assert_eq!(throttle.delay(&keys, t0), Duration::ZERO);
    }
}
