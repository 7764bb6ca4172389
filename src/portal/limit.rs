//! Sign-in attempts per e-mail address: after five failures in fifteen minutes the address is
//! refused until the oldest of them is fifteen minutes old. Kept in memory, per process.

use std::collections::HashMap;
use std::sync::Mutex;

const WINDOW: i64 = 15 * 60;
const MAX_FAILURES: usize = 5;
const MAX_KEYS: usize = 10_000;

#[derive(Default)]
pub struct SignInLimiter {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl SignInLimiter {
    /// Seconds until `key` may try again, when it has failed too often.
    pub fn wait(&self, key: &str, now: i64) -> Option<i64> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let recent: Vec<i64> = map
            .get(key)?
            .iter()
            .copied()
            .filter(|t| now - t < WINDOW)
            .collect();
        (recent.len() >= MAX_FAILURES).then(|| WINDOW - (now - recent[0]))
    }

    pub fn failed(&self, key: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_KEYS {
            map.retain(|_, times| times.iter().any(|t| now - t < WINDOW));
        }
        let times = map.entry(key.to_string()).or_default();
        times.retain(|t| now - t < WINDOW);
        times.push(now);
    }

    pub fn succeeded(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_an_address_for_the_rest_of_the_window() {
        let l = SignInLimiter::default();
        for t in 0..5 {
            assert_eq!(l.wait("a@x.com", 100 + t), None);
            l.failed("a@x.com", 100 + t);
        }
        assert_eq!(l.wait("a@x.com", 110), Some(WINDOW - 10));
        assert_eq!(l.wait("b@x.com", 110), None);
        assert_eq!(l.wait("a@x.com", 100 + WINDOW), None);
        l.failed("c@x.com", 0);
        l.succeeded("c@x.com");
        assert_eq!(l.wait("c@x.com", 1), None);
    }
}
