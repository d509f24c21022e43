//! The bridge between FFI work on other threads and the JS thread's event
//! loop: completed nonblocking calls and callback invocations from foreign
//! threads arrive as [`Task`]s; reference counts keep the loop alive.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::handoff::Handoff;

/// How long the JS thread polls for a task before it sleeps, while
/// something is in flight (see [`Handoff::pop_wait`]).
const RESULT_POLL: Duration = Duration::from_micros(20);

/// Work to run on the JS thread, inside a handle scope of the main context.
pub type Task = Box<dyn FnOnce(&mut v8::HandleScope) + Send>;

/// The JS thread's end: owned by the event loop.
pub struct TaskQueue {
    sender: TaskSender,
}

/// The sending end, cloneable and `Send`: worker threads post tasks here.
#[derive(Clone)]
pub struct TaskSender {
    tasks: Arc<Handoff<Task>>,
    refs: Arc<AtomicUsize>,
}

impl Default for TaskQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl TaskQueue {
    pub fn new() -> TaskQueue {
        TaskQueue {
            sender: TaskSender {
                tasks: Arc::new(Handoff::new()),
                refs: Arc::new(AtomicUsize::new(0)),
            },
        }
    }

    pub fn sender(&self) -> TaskSender {
        self.sender.clone()
    }

    /// True while something may still post a task the program waits for
    /// (an in-flight nonblocking call, a ref'd callback).
    pub fn keeps_alive(&self) -> bool {
        self.sender.refs.load(Ordering::SeqCst) > 0
    }

    /// Runs every task that has arrived, without blocking; returns how many ran.
    pub fn run_ready(&self, scope: &mut v8::HandleScope) -> usize {
        let mut n = 0;
        while let Some(task) = self.sender.tasks.try_pop() {
            run_task(scope, task);
            n += 1;
        }
        n
    }

    /// Blocks until a task arrives or `timeout` passes (`None`: no limit),
    /// then runs it and everything else that is ready. Returns how many ran.
    pub fn wait_and_run(&self, scope: &mut v8::HandleScope, timeout: Option<Duration>) -> usize {
        // A timeout too large for an `Instant` is no limit.
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        // Poll first only while something may post (a nonblocking call in
        // flight, a ref'd callback): a result is then likely microseconds
        // away. A wait for timers alone goes straight to sleep.
        let poll = if self.keeps_alive() {
            RESULT_POLL
        } else {
            Duration::ZERO
        };
        let Some(first) = self.sender.tasks.pop_wait(deadline, poll) else {
            return 0;
        };
        run_task(scope, first);
        1 + self.run_ready(scope)
    }
}

impl Drop for TaskQueue {
    /// Drops the tasks nobody will run, and makes later posts drop theirs:
    /// a queued task holds a sender of this queue, so otherwise the queue
    /// and its tasks would keep each other alive.
    fn drop(&mut self) {
        drop(self.sender.tasks.close());
    }
}

/// Runs one task in its own handle scope, so that the handles it creates
/// are released when it ends (a long-running loop would grow otherwise).
fn run_task(scope: &mut v8::HandleScope, task: Task) {
    let scope = &mut v8::HandleScope::new(scope);
    task(scope);
}

impl TaskSender {
    /// Posts a task to the JS thread. After the event loop has gone (its
    /// [`TaskQueue`] dropped) nobody is left to run it, and it is handed
    /// back, for the caller to drop or, if dropping it now is unsafe, to leak.
    pub fn post(&self, task: Task) -> Result<(), Task> {
        self.tasks.push(task)
    }

    /// Keeps the event loop alive until the matching [`TaskSender::unref`].
    pub fn add_ref(&self) {
        self.refs.fetch_add(1, Ordering::SeqCst);
    }

    pub fn unref(&self) {
        self.refs.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    /// Sets its flag when dropped.
    struct Dropped(Arc<AtomicBool>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// A task nobody will run is dropped (a foreign thread blocked on a
    /// callback is released by that drop): one still queued when the event
    /// loop goes, holding a sender of its own queue as nonblocking results
    /// do, and one posted afterwards, which is handed back.
    #[test]
    fn tasks_nobody_will_run_are_dropped() {
        let queue = TaskQueue::new();
        let sender = queue.sender();
        let (queued, late) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        );
        let (guard, own_sender) = (Dropped(queued.clone()), sender.clone());
        assert!(sender
            .post(Box::new(move |_| drop((guard, own_sender))))
            .is_ok());
        drop(queue);
        assert!(
            queued.load(Ordering::SeqCst),
            "a queued task outlived its event loop"
        );
        let guard = Dropped(late.clone());
        let refused = sender.post(Box::new(move |_| drop(guard)));
        assert!(
            refused.is_err(),
            "a task posted after the event loop was taken"
        );
        drop(refused);
        assert!(late.load(Ordering::SeqCst));
    }
}
