//! The in-memory maps kept per account, token or mailbox (well-known folders, refresh flights,
//! mailbox gates, the store's hot accounts), bounded: at most `capacity` entries, least recently
//! used going first, and an entry unused for `idle` dropped. A process serving many accounts keeps
//! only the busy ones.
//!
//! Every request reads several of these maps, so a read is kept to one short lock of one shard:
//! find the entry, move it to the back of its shard's order (which is the order of last use), and
//! drop from the front whatever has been idle too long. Nothing runs in the background.

use hashlink::LinkedHashMap;
use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How many accounts or mailboxes each map holds at most.
pub const CAPACITY: u64 = 100_000;
/// How long an entry nobody asks for stays. Longer than the longest call (the direct API's ten
/// minutes), so that a gate or a flight is never dropped while a call holds it.
pub const IDLE: Duration = Duration::from_secs(30 * 60);
/// Large maps are split so that threads rarely wait for each other; a small one is one shard,
/// so that its order of use is exact.
const SHARDS: usize = 16;
const SHARDED_FROM: u64 = 1024;

struct Slot<V> {
    value: V,
    used: Instant,
}

type Shard<K, V> = LinkedHashMap<K, Slot<V>>;

/// A bounded map (see the module). Every new entry is admitted: a refused gate would let a
/// mailbox exceed its share.
pub struct BoundedMap<K, V> {
    shards: Box<[Mutex<Shard<K, V>>]>,
    hasher: RandomState,
    per_shard: usize,
    idle: Duration,
}

/// A map of at most `capacity` entries, each dropped after `idle` unused.
pub fn bounded<K: Hash + Eq, V: Clone>(capacity: u64, idle: Duration) -> BoundedMap<K, V> {
    let shards = if capacity >= SHARDED_FROM { SHARDS } else { 1 };
    BoundedMap {
        shards: (0..shards).map(|_| Mutex::new(Shard::new())).collect(),
        hasher: RandomState::new(),
        per_shard: usize::try_from(capacity.div_ceil(shards as u64).max(1)).unwrap_or(usize::MAX),
        idle,
    }
}

impl<K: Hash + Eq, V: Clone> BoundedMap<K, V> {
    /// The shard `key` lives in, locked, with its idle entries dropped.
    fn shard<Q: Hash + ?Sized>(&self, key: &Q, now: Instant) -> MutexGuard<'_, Shard<K, V>> {
        let index = (self.hasher.hash_one(key) as usize) % self.shards.len();
        // A panic while a shard was held leaves it consistent (each step is one map operation).
        let mut shard = self.shards[index]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        while shard
            .front()
            .is_some_and(|(_, slot)| now.duration_since(slot.used) >= self.idle)
        {
            shard.pop_front();
        }
        shard
    }

    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let now = Instant::now();
        let mut shard = self.shard(key, now);
        let slot = shard.to_back(key)?;
        slot.used = now;
        Some(slot.value.clone())
    }

    pub fn insert(&self, key: K, value: V) {
        let now = Instant::now();
        let mut shard = self.shard(&key, now);
        shard.insert(key, Slot { value, used: now });
        while shard.len() > self.per_shard {
            shard.pop_front();
        }
    }

    /// The entry of `key`, made by `make` when there is none (once: others asking meanwhile wait).
    pub fn get_with_by_ref<Q>(&self, key: &Q, make: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if let Some(found) = self.get(key) {
            return found;
        }
        let now = Instant::now();
        let mut shard = self.shard(key, now);
        if let Some(slot) = shard.to_back(key) {
            slot.used = now;
            return slot.value.clone();
        }
        let value = make();
        shard.insert(
            key.to_owned(),
            Slot {
                value: value.clone(),
                used: now,
            },
        );
        while shard.len() > self.per_shard {
            shard.pop_front();
        }
        value
    }

    pub fn get_with(&self, key: K, make: impl FnOnce() -> V) -> V
    where
        K: Clone,
    {
        self.get_with_by_ref(&key, make)
    }

    pub fn invalidate<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shard(key, Instant::now()).remove(key);
    }

    pub fn invalidate_all(&self) {
        for shard in self.shards.iter() {
            shard
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clear();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
    }
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
        map.insert(10, 10);
        assert_eq!(map.get(&1), None, "the least recently used went first");
        assert_eq!(map.get(&0), Some(0), "a used entry stays");
        for k in 11..20 {
            map.insert(k, k);
            assert_eq!(map.get(&k), Some(k), "a new entry is always admitted");
        }
        assert_eq!(map.len(), 3);
    }

    #[test]
    fn an_entry_unused_for_the_idle_time_is_dropped() {
        let map = bounded::<u32, u32>(3, Duration::from_millis(30));
        map.insert(1, 1);
        map.insert(2, 2);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(map.get(&1), Some(1));
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(map.get(&2), None, "idle for 40 ms");
        assert_eq!(map.get(&1), Some(1), "used 20 ms ago");
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn a_large_map_holds_its_capacity_across_its_shards() {
        let map = bounded::<u32, u32>(2048, IDLE);
        for k in 0..10_000 {
            map.insert(k, k);
        }
        assert!(map.len() <= 2048, "{}", map.len());
        assert!(map.len() > 1500, "{}", map.len());
        assert_eq!(map.get(&9_999), Some(9_999));
        let made = map.get_with(20_000, || 7);
        assert_eq!((made, map.get_with(20_000, || 8)), (7, 7), "made once");
        map.invalidate(&20_000);
        assert_eq!(map.get(&20_000), None);
        map.invalidate_all();
        assert_eq!(map.len(), 0);
    }
}
