//! Delivering notifications: each is POSTed signed; a 2xx answer delivers it, anything else (or
//! no answer within the time-out) is tried again later, each time about twice as late, until it
//! has failed for `SWITCHBOARD_WEBHOOK_RETRY_FOR`; then it is given up and its subscription made
//! inactive.

use super::signing;
use crate::clock::now;
use crate::state::Services;
use crate::store::{Attempt, DeliveryRecord};
use rand::Rng;
use secrecy::SecretString;
use std::time::Duration;

/// The longest wait between two attempts.
const MAX_BACKOFF: u64 = 3600;

/// What went wrong with a request to a receiver, in words for the app (no internals).
pub fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if let Some(private) = super::egress::refused_as_private(e) {
        format!("{private} (SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE=true allows it)")
    } else if e.is_timeout() {
        format!("no answer within {} s", timeout.as_secs())
    } else if e.is_connect() {
        "it could not be reached (connection failed)".to_string()
    } else if e.is_redirect() {
        "it answered with a redirect, which is not followed".to_string()
    } else {
        "the request to it failed".to_string()
    }
}

/// When the next attempt after `attempts` failed ones is due: the first retry after
/// `retry_first`, each next one twice as late (at most an hour), give or take a fifth.
fn retry_delay(first: Duration, attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 20) as u32 - 1;
    let base = first
        .as_secs()
        .saturating_mul(1u64 << doublings)
        .min(MAX_BACKOFF) as f64;
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    (base * jitter).round().max(1.0) as i64
}

/// Tries one delivery, signed with its app's secret (`None`: it could not be read); how it went.
pub async fn attempt(
    state: &Services,
    d: &DeliveryRecord,
    secret: Option<&SecretString>,
) -> Attempt {
    let settings = &state.settings.webhooks;
    let failed = |status: Option<i64>, error: String| {
        let at = now();
        let attempts = d.attempts + 1;
        let give_up = at - d.created_at >= settings.retry_for.as_secs() as i64;
        Attempt::Failed {
            status,
            error,
            retry_at: (!give_up).then(|| at + retry_delay(settings.retry_first, attempts)),
        }
    };
    let Some(secret) = secret else {
        return failed(None, "switchboard could not sign it".to_string());
    };
    let timestamp = now();
    let signature = signing::sign(secret, timestamp, d.body.as_bytes());
    let sent = state
        .outbound
        .post(&d.url)
        .timeout(settings.timeout)
        .header("content-type", "application/json")
        .header("x-aurinko-request-timestamp", timestamp.to_string())
        .header("x-aurinko-signature", signature)
        .header("x-switchboard-delivery", d.id.to_string())
        .body(d.body.clone())
        .send()
        .await;
    match sent {
        Ok(answer) if answer.status().is_success() => Attempt::Delivered {
            status: answer.status().as_u16() as i64,
        },
        Ok(answer) => failed(
            Some(answer.status().as_u16() as i64),
            format!("the receiver answered {}", answer.status()),
        ),
        Err(e) => failed(None, describe(&e, settings.timeout)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_come_about_twice_as_late_each_time_up_to_an_hour() {
        let first = Duration::from_secs(10);
        for (attempts, base) in [(1, 10.0), (2, 20.0), (3, 40.0), (10, 3600.0), (64, 3600.0)] {
            let delay = retry_delay(first, attempts) as f64;
            assert!(
                (base * 0.8 - 1.0..=base * 1.2 + 1.0).contains(&delay),
                "attempt {attempts}: {delay}"
            );
        }
    }
}
