//! One HTTP client per thread. A pooled connection is driven by a task of the runtime that opened
//! it; with one client per thread, a request served on one of the server's lanes finds its
//! connections to Graph on that same lane, and no answer has to wake another thread.

use std::sync::RwLock;
use std::thread::ThreadId;

/// More threads than this (never, with lanes per core and a small runtime) share the first client.
const MOST: usize = 64;

pub struct PerThread<C> {
    make: fn() -> C,
    first: C,
    clients: RwLock<Vec<(ThreadId, C)>>,
}

impl<C: Clone> PerThread<C> {
    /// Clients made by `make`, all alike.
    pub fn new(make: fn() -> C) -> Self {
        PerThread {
            first: make(),
            make,
            clients: RwLock::new(Vec::new()),
        }
    }

    /// This thread's client (a cheap handle).
    pub fn get(&self) -> C {
        let me = std::thread::current().id();
        let Ok(clients) = self.clients.read() else {
            return self.first.clone();
        };
        if let Some((_, client)) = clients.iter().find(|(thread, _)| *thread == me) {
            return client.clone();
        }
        if clients.len() >= MOST {
            return self.first.clone();
        }
        drop(clients);
        let Ok(mut clients) = self.clients.write() else {
            return self.first.clone();
        };
        let client = (self.make)();
        clients.push((me, client.clone()));
        client
    }
}
