//! One HTTP client per thread. A pooled connection is driven by a task of the runtime that opened
//! it; with one client per thread, a request served on one of the server's lanes finds its
//! connections to Graph on that same lane, and no answer has to wake another thread.

use std::sync::RwLock;
use std::thread::ThreadId;

/// More threads than this (never, with lanes per core and a small runtime) share the first client.
const MOST: usize = 64;

pub struct PerThread {
    make: fn() -> reqwest::Result<reqwest::Client>,
    first: reqwest::Client,
    clients: RwLock<Vec<(ThreadId, reqwest::Client)>>,
}

impl PerThread {
    /// Clients made by `make`, all alike.
    pub fn new(make: fn() -> reqwest::Result<reqwest::Client>) -> reqwest::Result<Self> {
        Ok(PerThread {
            first: make()?,
            make,
            clients: RwLock::new(Vec::new()),
        })
    }

    /// This thread's client (a cheap handle).
    pub fn get(&self) -> reqwest::Client {
        let me = std::thread::current().id();
        let Ok(clients) = self.clients.read() else {
            return self.first.clone();
        };
        if let Some((_, client)) = clients.iter().find(|(thread, _)| *thread == me) {
            return client.clone();
        }
        let full = clients.len() >= MOST;
        drop(clients);
        let made = if full { None } else { (self.make)().ok() };
        match (made, self.clients.write()) {
            (Some(client), Ok(mut clients)) => {
                clients.push((me, client.clone()));
                client
            }
            _ => self.first.clone(),
        }
    }

    /// One client for work that does not care which thread it runs on.
    pub fn shared(&self) -> reqwest::Client {
        self.first.clone()
    }
}
