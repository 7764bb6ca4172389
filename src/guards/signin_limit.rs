//! Failed sign-ins slow down whoever keeps failing, per client address and per account, without
//! ever locking the account's owner out for long: after a few free failures each further one
//! doubles the wait before the next attempt (from two seconds), up to a cap (short for an account, longer for a
//! client address, which an attacker controls). Failures are forgotten after fifteen quiet
//! minutes. Kept in memory, per process.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

const FORGET_AFTER: i64 = 15 * 60;
const MAX_KEYS: usize = 10_000;

/// One kind of key: how many failures are free, and the longest wait.
struct Backoff {
    free: u32,
    cap: i64,
    /// Per key: failures, and when the last one was.
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

impl Backoff {
    fn new(free: u32, cap: i64) -> Self {
        Backoff {
            free,
            cap,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn wait(&self, key: &str, now: i64) -> Option<i64> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let &(count, last) = map.get(key)?;
        if count < self.free || now - last >= FORGET_AFTER {
            return None;
        }
        // Two seconds at first: whole seconds are counted, and less could round to nothing.
        let exponent = (count - self.free + 1).min(20);
        let delay = (1i64 << exponent).min(self.cap);
        let left = last + delay - now;
        (left > 0).then_some(left)
    }

    fn failed(&self, key: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_KEYS {
            map.retain(|_, (_, last)| now - *last < FORGET_AFTER);
        }
        let entry = map.entry(key.to_string()).or_insert((0, now));
        if now - entry.1 >= FORGET_AFTER {
            *entry = (0, now);
        }
        entry.0 += 1;
        entry.1 = now;
    }

    fn forget(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(key);
    }
}

pub struct SignInLimiter {
    by_account: Backoff,
    by_client: Backoff,
}

impl Default for SignInLimiter {
    fn default() -> Self {
        SignInLimiter {
            by_account: Backoff::new(5, 30),
            by_client: Backoff::new(10, 300),
        }
    }
}

impl SignInLimiter {
    /// Seconds until this address may be tried again from this client, if it must wait.
    pub fn wait(&self, account: &str, client: IpAddr, now: i64) -> Option<i64> {
        let a = self.by_account.wait(account, now);
        let c = self.by_client.wait(&client.to_string(), now);
        a.max(c)
    }

    /// Seconds until this client may try anything again, if it must wait.
    pub fn client_wait(&self, client: IpAddr, now: i64) -> Option<i64> {
        self.by_client.wait(&client.to_string(), now)
    }

    pub fn failed(&self, account: &str, client: IpAddr, now: i64) {
        self.by_account.failed(account, now);
        self.by_client.failed(&client.to_string(), now);
    }

    /// A sign-up, which also costs a password hash, counts against its client.
    pub fn signed_up(&self, client: IpAddr, now: i64) {
        self.by_client.failed(&client.to_string(), now);
    }

    /// The account's owner got in: the account's failures are forgotten (the client's are not,
    /// so that one good password does not reset an attacker's count).
    pub fn succeeded(&self, account: &str) {
        self.by_account.forget(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_slow_an_address_down_without_locking_it_for_long() {
        let l = SignInLimiter::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for t in 0..5 {
            assert_eq!(l.wait("a@x.com", ip, 100 + t), None);
            l.failed("a@x.com", ip, 100 + t);
        }
        assert_eq!(
            l.wait("a@x.com", ip, 104),
            Some(2),
            "two seconds after the fifth"
        );
        assert_eq!(l.wait("a@x.com", ip, 105), Some(1));
        assert_eq!(l.wait("a@x.com", ip, 106), None);
        for _ in 0..20 {
            l.failed("a@x.com", ip, 200);
        }
        assert_eq!(
            l.wait("a@x.com", ip, 200),
            Some(300),
            "the client waits longest"
        );
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert_eq!(
            l.wait("a@x.com", other, 200),
            Some(30),
            "the owner waits 30 s at most"
        );
        assert_eq!(l.wait("b@x.com", other, 200), None);
        assert_eq!(l.wait("a@x.com", other, 200 + FORGET_AFTER), None);
        l.succeeded("a@x.com");
        assert_eq!(l.wait("a@x.com", other, 201), None);
    }
}
