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

/// A shard, locked. A panic while one was held leaves it consistent (each step is one map
/// operation), so a poisoned lock is taken as it is.
fn lock<T>(shard: &Mutex<T>) -> MutexGuard<'_, T> {
    shard
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An entry read at `now`: its use noted, its value handed out.
fn touch<V: Clone>(slot: &mut Slot<V>, now: Instant) -> V {
    slot.used = now;
    slot.value.clone()
}

impl<K: Hash + Eq, V: Clone> BoundedMap<K, V> {
    /// The shard `key` lives in, locked, with its entries idle at `now` dropped.
    fn shard<Q: Hash + ?Sized>(&self, key: &Q, now: Instant) -> MutexGuard<'_, Shard<K, V>> {
        let index = (self.hasher.hash_one(key) as usize) % self.shards.len();
        let mut shard = lock(&self.shards[index]);
        while shard
            .front()
            .is_some_and(|(_, slot)| now.duration_since(slot.used) >= self.idle)
        {
            shard.pop_front();
        }
        shard
    }

    /// Adds an entry to its (locked) shard, dropping the least recently used past the bound.
    fn put(&self, shard: &mut Shard<K, V>, key: K, value: V, now: Instant) {
        shard.insert(key, Slot { value, used: now });
        while shard.len() > self.per_shard {
            shard.pop_front();
        }
    }

    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get_at(key, Instant::now())
    }

    fn get_at<Q>(&self, key: &Q, now: Instant) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shard(key, now)
            .to_back(key)
            .map(|slot| touch(slot, now))
    }

    pub fn insert(&self, key: K, value: V) {
        self.insert_at(key, value, Instant::now());
    }

    fn insert_at(&self, key: K, value: V, now: Instant) {
        let mut shard = self.shard(&key, now);
        self.put(&mut shard, key, value, now);
    }

    /// The entry of `key`, made by `make` when there is none (once: others asking meanwhile wait).
    pub fn get_with_by_ref<Q>(&self, key: &Q, make: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let now = Instant::now();
        let mut shard = self.shard(key, now);
        if let Some(slot) = shard.to_back(key) {
            return touch(slot, now);
        }
        let value = make();
        self.put(&mut shard, key.to_owned(), value.clone(), now);
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
            lock(shard).clear();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
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
        let (start, ms) = (Instant::now(), Duration::from_millis);
        map.insert_at(1, 1, start);
        map.insert_at(2, 2, start);
        assert_eq!(map.get_at(&1, start + ms(20)), Some(1));
        assert_eq!(map.get_at(&2, start + ms(40)), None, "idle for 40 ms");
        assert_eq!(map.get_at(&1, start + ms(40)), Some(1), "used 20 ms ago");
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
