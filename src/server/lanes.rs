//! The threads connections are served on: a single-threaded runtime per lane (one lane per core
//! by default, `SWITCHBOARD_LANES`). A connection stays on the lane it was handed, and so does what
//! its requests start — above all the connections to Microsoft they open (the Graph client keeps
//! one HTTP client per thread), so a request and its upstream connection never wake each other
//! across threads, as they do on every hop in a work-stealing runtime. Work that is not a
//! request's (webhooks, renewals, keep-alive) stays on the main runtime.

use std::future::Future;
use tokio::runtime::{Builder, Handle};
use tokio::sync::oneshot;

/// The lanes, handed connections in turn. None (the default) runs them on the caller's runtime.
#[derive(Default)]
pub struct Lanes {
    lanes: Vec<Handle>,
    next: usize,
    /// Dropped with the lanes: each lane's thread then shuts its runtime down and ends.
    _stops: Vec<oneshot::Sender<()>>,
}

impl Lanes {
    /// `count` lanes, each on its own thread; none runs everything on the caller's runtime.
    pub fn start(count: usize) -> std::io::Result<Self> {
        let mut lanes = Vec::with_capacity(count);
        let mut stops = Vec::with_capacity(count);
        for n in 0..count {
            let runtime = Builder::new_current_thread().enable_all().build()?;
            let (stop, stopped) = oneshot::channel::<()>();
            lanes.push(runtime.handle().clone());
            stops.push(stop);
            std::thread::Builder::new()
                .name(format!("switchboard-lane-{n}"))
                .spawn(move || {
                    let _ = runtime.block_on(stopped);
                    // Requests were drained before the stop; what is left gets a moment.
                    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
                })?;
        }
        Ok(Lanes {
            lanes,
            next: 0,
            _stops: stops,
        })
    }

    /// Runs `task` on the next lane in turn (or on the caller's runtime when there are none).
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        if self.lanes.is_empty() {
            tokio::spawn(task);
            return;
        }
        self.next = (self.next + 1) % self.lanes.len();
        self.lanes[self.next].spawn(task);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lane a task ran on, by its thread's name.
    async fn lane_of(lanes: &mut Lanes) -> String {
        let (tx, rx) = oneshot::channel();
        lanes.spawn(async move {
            let name = std::thread::current()
                .name()
                .unwrap_or_default()
                .to_string();
            let _ = tx.send(name);
        });
        rx.await.expect("the lane ran the task")
    }

    #[tokio::test]
    async fn tasks_go_to_each_lane_in_turn() {
        let mut lanes = Lanes::start(2).expect("lanes start");
        let ran: Vec<String> = [
            lane_of(&mut lanes).await,
            lane_of(&mut lanes).await,
            lane_of(&mut lanes).await,
        ]
        .into();
        assert!(ran.iter().all(|n| n.starts_with("switchboard-lane-")));
        assert_ne!(ran[0], ran[1]);
        assert_eq!(ran[0], ran[2]);
    }

    #[tokio::test]
    async fn without_lanes_tasks_run_on_the_callers_runtime() {
        let mut lanes = Lanes::default();
        let here = std::thread::current()
            .name()
            .unwrap_or_default()
            .to_string();
        assert_eq!(lane_of(&mut lanes).await, here);
    }
}
