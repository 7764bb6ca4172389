//! The in-memory maps kept per account, token or mailbox (well-known folders, refresh flights,
//! mailbox gates, the store's hot accounts), bounded: at most `capacity` entries, least recently
//! used going first, and an entry unused for `idle` dropped. A process serving many accounts keeps
//! only the busy ones.

use moka::policy::EvictionPolicy;
use moka::sync::Cache;
use std::hash::Hash;
use std::time::Duration;

/// How many accounts or mailboxes each map holds at most.
pub const CAPACITY: u64 = 100_000;
/// How long an entry nobody asks for stays. Longer than the longest call (the direct API's ten
/// minutes), so that a gate or a flight is never dropped while a call holds it.
pub const IDLE: Duration = Duration::from_secs(30 * 60);

/// A bounded map. Least recently used eviction admits every new entry (TinyLFU could refuse one,
/// and a refused gate would let a mailbox exceed its share).
pub fn bounded<K, V>(capacity: u64, idle: Duration) -> Cache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    Cache::builder()
        .max_capacity(capacity)
        .time_to_idle(idle)
        .eviction_policy(EvictionPolicy::lru())
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_map_drops_the_least_recently_used_and_keeps_every_new_entry() {
        let map = bounded::<u32, u32>(3, IDLE);
        for k in 0..3 {
            map.insert(k, k);
        }
        map.get(&0);
        for k in 10..20 {
            map.insert(k, k);
            map.run_pending_tasks();
            assert_eq!(map.get(&k), Some(k), "a new entry is always admitted");
        }
        assert!(map.entry_count() <= 3, "{}", map.entry_count());
        assert_eq!(map.get(&1), None);
    }
}
