//! The event loop: after the main module started evaluating, each turn runs
//! the tasks V8 posted (FinalizationRegistry cleanups, ...), the microtasks,
//! then the due timers (each followed by its microtasks),
//! then the FFI tasks that arrived (nonblocking results, callbacks from
//! other threads). With nothing ready it sleeps until the next timer, or
//! blocks on the FFI queue while FFI work keeps the program alive. It ends
//! when no timer is scheduled and no FFI reference is held.
//!
//! A worker's loop also ends when its stop flag is set (`self.close()`,
//! `terminate()`); a worker stays alive waiting for messages until then.
//!
//! Any uncaught exception or unhandled rejection ends the loop with a
//! [`Fatal`], as does a rejected main module.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use hotcall_v8::TaskQueue;

use super::errors::{self, Fatal};
use super::timers::Timers;

/// The longest the loop waits without looking for V8's platform tasks
/// (nothing wakes the loop when V8 posts one).
const PLATFORM_POLL: std::time::Duration = std::time::Duration::from_millis(50);

pub fn run(
    scope: &mut v8::HandleScope,
    main: v8::Local<v8::Promise>,
    queue: &TaskQueue,
    stop: Option<&AtomicBool>,
) -> Result<(), Fatal> {
    let main = v8::Global::new(scope, main);
    let stopped = || stop.is_some_and(|s| s.load(Ordering::SeqCst));
    loop {
        if stopped() {
            // A worker that was closed or terminated: its loop just ends.
            return Ok(());
        }
        super::run_platform_tasks(scope);
        settle(scope, &main)?;
        let ran_timers = run_due_timers(scope, &main)?;
        let ran_tasks = run_tasks(scope, &main, queue, None)?;
        if ran_timers || ran_tasks {
            continue;
        }
        let next_timer = scope
            .get_slot_mut::<Timers>()
            .and_then(|t| t.next_deadline());
        let wait = next_timer.map(|d| d.saturating_duration_since(Instant::now()));
        // V8 may have posted a task since the turn began (a GC in a
        // microtask, a background thread's result): run it before waiting,
        // and wake up now and then for the ones posted while we wait.
        if super::run_platform_tasks(scope) {
            continue;
        }
        if queue.keeps_alive() {
            let wait = Some(wait.map_or(PLATFORM_POLL, |w| w.min(PLATFORM_POLL)));
            run_tasks(scope, &main, queue, Some(wait))?;
        } else if let Some(wait) = wait {
            std::thread::sleep(wait.min(PLATFORM_POLL));
        } else {
            break;
        }
    }
    let main = v8::Local::new(scope, &main);
    match main.state() {
        v8::PromiseState::Fulfilled => Ok(()),
        v8::PromiseState::Rejected => {
            let reason = main.result(scope);
            Err(Fatal::exception(scope, reason))
        }
        v8::PromiseState::Pending => Err(Fatal::Message(
            "Top-level await promise never resolved".into(),
        )),
    }
}

/// Runs the microtasks, then fails if that settled the main module with an
/// error or left a rejection unhandled.
fn settle(scope: &mut v8::HandleScope, main: &v8::Global<v8::Promise>) -> Result<(), Fatal> {
    let scope = &mut v8::HandleScope::new(scope);
    scope.perform_microtask_checkpoint();
    let promise = v8::Local::new(scope, main);
    if promise.state() == v8::PromiseState::Rejected {
        let reason = promise.result(scope);
        return Err(Fatal::exception(scope, reason));
    }
    match errors::take_unhandled(scope, Some(main)) {
        Some(fatal) => Err(fatal),
        None => Ok(()),
    }
}

/// Runs every timer due now (not those the callbacks schedule); true if any ran.
fn run_due_timers(
    scope: &mut v8::HandleScope,
    main: &v8::Global<v8::Promise>,
) -> Result<bool, Fatal> {
    let now = Instant::now();
    let Some(mark) = scope.get_slot::<Timers>().map(Timers::mark) else {
        return Ok(false);
    };
    let mut ran = false;
    loop {
        let Some(due) = scope
            .get_slot_mut::<Timers>()
            .and_then(|t| t.pop_due(now, mark))
        else {
            return Ok(ran);
        };
        ran = true;
        // Each timer in its own handle scope: its handles die with it.
        let scope = &mut v8::HandleScope::new(scope);
        let tc = &mut v8::TryCatch::new(scope);
        let callback = v8::Local::new(tc, due.callback);
        let args: Vec<v8::Local<v8::Value>> =
            due.args.iter().map(|a| v8::Local::new(tc, a)).collect();
        let this = tc.get_current_context().global(tc).into();
        if callback.call(tc, this, &args).is_none() {
            return Err(Fatal::caught(tc));
        }
        settle(tc, main)?;
    }
}

/// Runs the FFI tasks that are ready (`wait: None`), or waits for some up to
/// the given time (`Some(None)`: no limit); true if any ran.
fn run_tasks(
    scope: &mut v8::HandleScope,
    main: &v8::Global<v8::Promise>,
    queue: &TaskQueue,
    wait: Option<Option<std::time::Duration>>,
) -> Result<bool, Fatal> {
    let tc = &mut v8::TryCatch::new(scope);
    let ran = match wait {
        None => queue.run_ready(tc),
        Some(timeout) => queue.wait_and_run(tc, timeout),
    };
    if tc.has_caught() {
        return Err(Fatal::caught(tc));
    }
    if ran > 0 {
        settle(tc, main)?;
    }
    Ok(ran > 0)
}
