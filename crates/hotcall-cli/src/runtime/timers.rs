//! `setTimeout` / `setInterval` bookkeeping: deadlines in a min-heap, the
//! callbacks next to them. Timers with the same deadline fire in the order
//! they were scheduled. Cancelled timers leave stale heap entries that are
//! skipped (each schedule has its own sequence number).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

struct Timer {
    callback: v8::Global<v8::Function>,
    args: Vec<v8::Global<v8::Value>>,
    /// `Some` for `setInterval`.
    repeat: Option<Duration>,
    /// The sequence number of the heap entry that is current for this timer.
    seq: u64,
}

/// One due timer to run.
pub struct Due {
    pub callback: v8::Global<v8::Function>,
    pub args: Vec<v8::Global<v8::Value>>,
}

#[derive(Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(Instant, u64, u32)>>,
    timers: HashMap<u32, Timer>,
    next_id: u32,
    next_seq: u64,
}

impl Timers {
    /// Schedules `callback(...args)` after `delay` (again every `delay` if
    /// `repeat`); returns the id for `clearTimeout`, never 0.
    pub fn start(
        &mut self,
        callback: v8::Global<v8::Function>,
        args: Vec<v8::Global<v8::Value>>,
        delay: Duration,
        repeat: bool,
    ) -> u32 {
        self.next_id = self.next_id.checked_add(1).unwrap_or(1);
        let id = self.next_id;
        let seq = self.push(id, Instant::now() + delay);
        self.timers.insert(
            id,
            Timer {
                callback,
                args,
                repeat: repeat.then_some(delay),
                seq,
            },
        );
        id
    }

    fn push(&mut self, id: u32, deadline: Instant) -> u64 {
        self.next_seq += 1;
        self.heap.push(Reverse((deadline, self.next_seq, id)));
        self.next_seq
    }

    /// Cancels timer `id` (unknown ids are ignored, as in browsers).
    pub fn clear(&mut self, id: u32) {
        self.timers.remove(&id);
    }

    /// True when no timer is scheduled.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.timers.is_empty()
    }

    /// The earliest live deadline (drops stale heap entries on the way).
    pub fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(&Reverse((deadline, seq, id))) = self.heap.peek() {
            if self.timers.get(&id).is_some_and(|t| t.seq == seq) {
                return Some(deadline);
            }
            self.heap.pop();
        }
        None
    }

    /// A mark for [`Timers::pop_due`]: timers scheduled after it wait for
    /// the next turn of the event loop.
    pub fn mark(&self) -> u64 {
        self.next_seq
    }

    /// The next timer scheduled up to `mark` whose deadline is at or before
    /// `now`, if any. An interval is rescheduled (from `now`, at least 1 ms
    /// later) before it is returned, so that `clearInterval` inside its own
    /// callback works.
    pub fn pop_due(&mut self, now: Instant, mark: u64) -> Option<Due> {
        let deadline = self.next_deadline()?;
        let &Reverse((_, seq, _)) = self.heap.peek()?;
        if deadline > now || seq > mark {
            return None;
        }
        let Reverse((_, _, id)) = self.heap.pop()?;
        let repeat = self.timers.get(&id)?.repeat;
        match repeat {
            Some(every) => {
                let seq = self.push(id, now + every.max(Duration::from_millis(1)));
                let timer = self.timers.get_mut(&id)?;
                timer.seq = seq;
                Some(Due {
                    callback: timer.callback.clone(),
                    args: timer.args.clone(),
                })
            }
            None => {
                let timer = self.timers.remove(&id)?;
                Some(Due {
                    callback: timer.callback,
                    args: timer.args,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_then_schedule_order() {
        let mut isolate = crate::runtime::test_isolate();
        let scope = &mut v8::HandleScope::new(&mut isolate);
        let context = v8::Context::new(scope);
        let scope = &mut v8::ContextScope::new(scope, context);
        let f = v8::Function::new(
            scope,
            |_: &mut v8::HandleScope, _: v8::FunctionCallbackArguments, _: v8::ReturnValue| {},
        )
        .unwrap();
        let f = v8::Global::new(scope, f);
        let mut t = Timers::default();
        let ms = Duration::from_millis;
        let late = t.start(f.clone(), vec![], ms(50), false);
        let a = t.start(f.clone(), vec![], ms(0), false);
        let b = t.start(f.clone(), vec![], ms(0), true);
        let c = t.start(f.clone(), vec![], ms(0), false);
        assert!(late != 0 && a != b && b != c);
        t.clear(c);
        let mark = t.mark();
        let now = Instant::now() + ms(1);
        assert!(t.pop_due(now, mark).is_some()); // a
        assert!(t.pop_due(now, mark).is_some()); // b, rescheduled
        assert!(t.pop_due(now, mark).is_none()); // c cleared, b's next run is later
        t.clear(b);
        assert!(!t.is_empty());
        assert!(t.next_deadline().unwrap() > now);
        t.clear(late);
        assert!(t.is_empty());
        assert_eq!(t.next_deadline(), None);
    }
}
