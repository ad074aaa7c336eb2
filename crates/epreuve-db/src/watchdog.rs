//! A deadline for every DuckDB query: one thread per database that interrupts the connection
//! running a query once its time is up. Arming it costs a lock and a notification, not a
//! thread, so even the timing of a lookup that takes a tenth of a millisecond goes through it.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use duckdb::InterruptHandle;

/// The query being watched, if any.
#[derive(Default)]
struct Slot {
    armed: Option<(Instant, Arc<InterruptHandle>, u64)>,
    /// The generation of the last query interrupted.
    fired: Option<u64>,
    generation: u64,
    stop: bool,
}

type Shared = Arc<(Mutex<Slot>, Condvar)>;

/// Interrupts queries that outlive their deadline.
pub(crate) struct Watchdog {
    shared: Shared,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// A query under watch; dropping it disarms the watchdog.
pub(crate) struct Armed<'a> {
    watchdog: &'a Watchdog,
    generation: u64,
}

impl Watchdog {
    pub fn new() -> Self {
        let shared: Shared = Arc::default();
        let watched = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("epreuve-duckdb-watchdog".into())
            .spawn(move || watch(&watched))
            .ok();
        Self { shared, thread }
    }

    /// Watches the query about to run on the connection of `handle` for `limit`.
    pub fn arm(&self, handle: Arc<InterruptHandle>, limit: Duration) -> Armed<'_> {
        let (lock, wake) = &*self.shared;
        let mut slot = lock.lock().unwrap_or_else(|p| p.into_inner());
        slot.generation += 1;
        let generation = slot.generation;
        let deadline = Instant::now()
            .checked_add(limit)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400 * 365));
        slot.armed = Some((deadline, handle, generation));
        wake.notify_one();
        Armed {
            watchdog: self,
            generation,
        }
    }
}

impl Armed<'_> {
    /// True when the watchdog interrupted this query.
    pub fn fired(&self) -> bool {
        let (lock, _) = &*self.watchdog.shared;
        lock.lock().unwrap_or_else(|p| p.into_inner()).fired == Some(self.generation)
    }
}

impl Drop for Armed<'_> {
    fn drop(&mut self) {
        let (lock, _) = &*self.watchdog.shared;
        let mut slot = lock.lock().unwrap_or_else(|p| p.into_inner());
        if slot.armed.as_ref().is_some_and(|a| a.2 == self.generation) {
            slot.armed = None;
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        {
            let (lock, wake) = &*self.shared;
            let mut slot = lock.lock().unwrap_or_else(|p| p.into_inner());
            slot.stop = true;
            slot.armed = None;
            wake.notify_one();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn watch(shared: &Shared) {
    let (lock, wake) = &**shared;
    let mut slot = lock.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        if slot.stop {
            return;
        }
        slot = match &slot.armed {
            None => wake.wait(slot).unwrap_or_else(|p| p.into_inner()),
            Some((deadline, handle, generation)) => {
                let now = Instant::now();
                if now >= *deadline {
                    handle.interrupt();
                    slot.fired = Some(*generation);
                    slot.armed = None;
                    slot
                } else {
                    let left = *deadline - now;
                    wake.wait_timeout(slot, left)
                        .map(|(s, _)| s)
                        .unwrap_or_else(|p| p.into_inner().0)
                }
            }
        };
    }
}
