//! When background work runs: keeping idle accounts alive, taking up rotated master keys.

use super::limits::number;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Jobs {
    /// An account whose grant was not used for this long is refreshed (Microsoft ends a refresh
    /// token after 90 days without use).
    pub keep_alive_after: Duration,
    /// How often idle accounts are looked for.
    pub keep_alive_every: Duration,
    /// How often the store is looked at for master keys added by rotation (and secrets left
    /// to re-encrypt under the newest).
    pub keys_every: Duration,
}

impl Jobs {
    /// From `KEEP_ALIVE_DAYS` (default 30) and `KEEP_ALIVE_EVERY` (seconds, default 3600).
    pub fn read(values: &BTreeMap<String, String>) -> anyhow::Result<Jobs> {
        let days = number(values, "KEEP_ALIVE_DAYS", 30)?;
        if days > 80 {
            anyhow::bail!("SWITCHBOARD_KEEP_ALIVE_DAYS: {days} days is too close to Microsoft's 90 days of inactivity; at most 80");
        }
        Ok(Jobs {
            keep_alive_after: Duration::from_secs(days * 86_400),
            keep_alive_every: Duration::from_secs(number(values, "KEEP_ALIVE_EVERY", 3600)?),
            keys_every: Duration::from_secs(number(values, "KEYS_EVERY", 15)?),
        })
    }
}
