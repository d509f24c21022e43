//! A FIFO queue handed between threads: nonblocking jobs go to the worker
//! pool through one, and results come back to the JS thread through another.
//!
//! A push wakes a sleeping consumer only when one is waiting and has not
//! been woken already, and it wakes it *after* releasing the lock, so the
//! woken thread never blocks again on the lock its waker still holds. (The
//! std channel's receiver sharing did: with the JS thread and the workers on
//! one core, each call cost two extra context switches.) A consumer may
//! poll for a while before it sleeps (see [`Handoff::pop_wait`]).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A multi-producer, multi-consumer FIFO with blocking pops.
pub struct Handoff<T> {
    state: Mutex<State<T>>,
    ready: Condvar,
    len: AtomicUsize,
}

struct State<T> {
    items: VecDeque<T>,
    /// Consumers blocked in [`Handoff::pop_wait`].
    waiting: usize,
    /// Wake-ups sent that no waiting consumer has taken yet. Every consumer
    /// leaving its wait takes one, woken or not, so this may undercount,
    /// which costs at most a redundant wake-up, never a missed one.
    woken: usize,
    /// Set by [`Handoff::close`]: pushes are refused from then on.
    closed: bool,
}

impl<T> Default for Handoff<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Handoff<T> {
    pub const fn new() -> Handoff<T> {
        Handoff {
            state: Mutex::new(State {
                items: VecDeque::new(),
                waiting: 0,
                woken: 0,
                closed: false,
            }),
            ready: Condvar::new(),
            len: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Nothing runs user code under this lock, so a poisoned lock still
        // holds a consistent queue.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends `item`; wakes one waiting consumer if none is awake for it.
    /// A closed queue hands `item` back.
    pub fn push(&self, item: T) -> Result<(), T> {
        let wake = {
            let mut s = self.lock();
            if s.closed {
                return Err(item);
            }
            s.items.push_back(item);
            self.len.store(s.items.len(), Ordering::Release);
            let wake = s.waiting > s.woken;
            if wake {
                s.woken += 1;
            }
            wake
        };
        if wake {
            self.ready.notify_one();
        }
        Ok(())
    }

    /// Refuses every later push and returns what is queued, for the caller
    /// to drop outside the lock (items may own senders of this queue).
    pub fn close(&self) -> VecDeque<T> {
        let mut s = self.lock();
        s.closed = true;
        self.len.store(0, Ordering::Release);
        std::mem::take(&mut s.items)
    }

    /// The oldest item, without blocking.
    pub fn try_pop(&self) -> Option<T> {
        let mut s = self.lock();
        let item = s.items.pop_front();
        self.len.store(s.items.len(), Ordering::Release);
        item
    }

    /// Polls (yielding between polls) until an item is queued, `spin` has
    /// passed or `deadline` is reached.
    fn poll_for(&self, spin: Duration, deadline: Option<Instant>) {
        if spin.is_zero() || self.len.load(Ordering::Acquire) > 0 {
            return;
        }
        let now = Instant::now();
        let end = match (now.checked_add(spin), deadline) {
            (Some(e), Some(d)) => e.min(d),
            (e, d) => e.or(d).unwrap_or(now),
        };
        while self.len.load(Ordering::Acquire) == 0 && Instant::now() < end {
            std::thread::yield_now();
        }
    }

    /// The oldest item, blocking until one arrives or `deadline` passes
    /// (`None`: no limit; `None` is returned only at the deadline).
    ///
    /// For up to `spin` it first polls, yielding the CPU between polls,
    /// before it sleeps: when the item is a few microseconds away, waking a
    /// sleeping thread costs more than the wait (10-30 µs across cores on
    /// the benchmark VM), and on a single core the yield lets the producer
    /// run, so no wake-up is needed at all.
    pub fn pop_wait(&self, deadline: Option<Instant>, spin: Duration) -> Option<T> {
        self.poll_for(spin, deadline);
        let mut s = self.lock();
        loop {
            if let Some(item) = s.items.pop_front() {
                self.len.store(s.items.len(), Ordering::Release);
                return Some(item);
            }
            let timeout = match deadline {
                None => None,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(t) if !t.is_zero() => Some(t),
                    _ => return None,
                },
            };
            s.waiting += 1;
            s = match timeout {
                None => self.ready.wait(s).unwrap_or_else(|p| p.into_inner()),
                Some(t) => {
                    self.ready
                        .wait_timeout(s, t)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
            // Whether woken, timed out or spuriously returned, this consumer
            // looks at the queue again before it waits, so it absorbs a
            // wake-up meant for it; a wake-up that found nobody is dropped.
            s.waiting -= 1;
            s.woken = s.woken.saturating_sub(1).min(s.waiting);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn items_come_out_in_order() {
        let q = Handoff::new();
        for i in 0..5 {
            q.push(i).unwrap();
        }
        assert_eq!(
            (0..5).map(|_| q.try_pop().unwrap()).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        assert_eq!(q.try_pop(), None);
    }

    #[test]
    fn a_deadline_ends_the_wait() {
        let q: Handoff<u8> = Handoff::new();
        let t0 = Instant::now();
        assert_eq!(
            q.pop_wait(
                Some(t0 + Duration::from_millis(20)),
                Duration::from_millis(5)
            ),
            None
        );
        assert!(t0.elapsed() >= Duration::from_millis(20));
        q.push(7).unwrap();
        assert_eq!(
            q.pop_wait(Some(t0), Duration::ZERO),
            Some(7),
            "a ready item is returned past the deadline"
        );
    }

    /// Closing returns what was queued and refuses later pushes.
    #[test]
    fn a_closed_queue_gives_back_its_items_and_refuses_more() {
        let q = Handoff::new();
        q.push(1).unwrap();
        q.push(2).unwrap();
        assert_eq!(Vec::from(q.close()), [1, 2]);
        assert_eq!(q.push(3), Err(3));
        assert_eq!(q.try_pop(), None);
    }

    /// Polling stops at the deadline, not at the end of a longer poll budget.
    #[test]
    fn polling_ends_at_the_deadline() {
        let q: Handoff<u8> = Handoff::new();
        let t0 = Instant::now();
        let got = q.pop_wait(
            Some(t0 + Duration::from_millis(20)),
            Duration::from_secs(10),
        );
        assert_eq!(got, None);
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "polled past the deadline: {:?}",
            t0.elapsed()
        );
    }

    /// An item pushed while a consumer polls reaches it at once: the poll
    /// stops for it (its budget is 10 s, and a polling consumer is not
    /// waiting, so the push sends no wake-up).
    #[test]
    fn a_polling_consumer_takes_an_item_pushed_meanwhile() {
        let q = Arc::new(Handoff::new());
        let consumer = {
            let q = q.clone();
            std::thread::spawn(move || q.pop_wait(None, Duration::from_secs(10)))
        };
        std::thread::sleep(Duration::from_millis(5));
        let pushed = Instant::now();
        q.push(3u8).unwrap();
        assert_eq!(consumer.join().unwrap(), Some(3));
        assert!(
            pushed.elapsed() < Duration::from_secs(5),
            "the poll ran on past the item"
        );
    }

    /// Four producers and three blocking consumers: every item arrives
    /// exactly once and no consumer sleeps through an item (it would time
    /// out: each wait has a 10 s deadline that a woken consumer never sees).
    #[test]
    fn no_item_is_lost_or_duplicated_under_contention() {
        const PER: usize = 20_000;
        let q = Arc::new(Handoff::new());
        let seen: Arc<Vec<AtomicUsize>> =
            Arc::new((0..4 * PER).map(|_| AtomicUsize::new(0)).collect());
        // One consumer sleeps at once, the others poll first.
        let consumers: Vec<_> = (0..3u64)
            .map(|c| {
                let (q, seen) = (q.clone(), seen.clone());
                std::thread::spawn(move || loop {
                    let deadline = Instant::now() + Duration::from_secs(10);
                    let item = q.pop_wait(Some(deadline), Duration::from_micros(c * 10));
                    assert!(
                        Instant::now() < deadline,
                        "consumer {c} was not woken for a queued item"
                    );
                    match item {
                        Some(usize::MAX) => return,
                        Some(i) => {
                            seen[i].fetch_add(1, Ordering::Relaxed);
                        }
                        None => unreachable!("returned before its deadline"),
                    }
                })
            })
            .collect();
        let producers: Vec<_> = (0..4)
            .map(|p| {
                let q = q.clone();
                std::thread::spawn(move || {
                    for i in 0..PER {
                        q.push(p * PER + i).unwrap();
                        if i % 1000 == 0 {
                            std::thread::yield_now();
                        }
                    }
                })
            })
            .collect();
        for p in producers {
            p.join().unwrap();
        }
        for _ in &consumers {
            q.push(usize::MAX).unwrap();
        }
        for c in consumers {
            c.join().unwrap();
        }
        assert!(seen.iter().all(|n| n.load(Ordering::Relaxed) == 1));
    }
}
