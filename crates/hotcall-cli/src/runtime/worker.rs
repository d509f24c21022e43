//! Web `Worker`s (module workers): each worker is its own isolate on its
//! own thread, bootstrapped like the main one (console, timers, `Deno` with
//! its own FFI namespace and the same `--allow-ffi`), running its module
//! and an event loop.
//!
//! Messages are structured clones ([`super::clone`]) posted as tasks to the
//! receiving isolate's FFI task queue (the queue that already wakes its
//! event loop). The parent keeps one event-loop reference per live worker;
//! the worker holds one on its own loop until `self.close()` or
//! `terminate()`. Termination sets a stop flag the worker's loop checks,
//! interrupts running JS (`IsolateHandle::terminate_execution`) and posts a
//! wake-up task; a synchronous C call in progress is not interrupted.
//!
//! Whatever a worker's isolate owns (libraries, callbacks) is released when
//! its thread ends, with the same rules as at process exit: libraries that
//! were not closed stay loaded, thunks of callbacks that were not closed stay
//! callable (they return 0 once the isolate is gone).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use hotcall_v8::{FfiPermissions, TaskSender};

use super::clone::{deserialize, serialize, Serialized};

/// What a new worker inherits from the isolate that starts it (a slot).
#[derive(Clone)]
pub struct Inherited {
    pub permissions: FfiPermissions,
    pub args: Vec<String>,
    /// The isolate's own task queue, which messages to it are posted to.
    pub tasks: TaskSender,
}

/// Shared between a worker and its parent.
pub struct Control {
    /// Set by `terminate()` or `self.close()`: the worker's loop ends.
    pub stop: AtomicBool,
    /// The worker's isolate, once it exists (for `terminate_execution`).
    isolate: Mutex<Option<v8::IsolateHandle>>,
}

/// The parent's view of one worker.
struct Child {
    to_worker: Option<TaskSender>,
    /// `terminate()` was called: later events are dropped (messages the
    /// worker posted before `self.close()` are still delivered).
    terminated: bool,
    control: Arc<Control>,
    /// `deliver(kind, data)` of the JS `Worker` object.
    deliver: v8::Global<v8::Function>,
}

/// The workers an isolate started, by id (a slot).
#[derive(Default)]
pub struct Children {
    next_id: u32,
    live: HashMap<u32, Child>,
}

/// A worker's view of its parent (a slot of the worker's isolate).
pub struct Parent {
    id: u32,
    to_parent: TaskSender,
    own: TaskSender,
    pub control: Arc<Control>,
}

/// What a worker thread is started with.
pub struct Start {
    pub module: PathBuf,
    pub inherited: Inherited,
    pub parent: Arc<Control>,
    pub id: u32,
}

/// `workerStart(url, deliver)` -> id: starts a worker running the module at
/// the file URL `url`; `deliver(kind, data)` receives its events.
pub fn op_worker_start<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    mut rv: v8::ReturnValue,
) {
    let url = args.get(0).to_rust_string_lossy(scope);
    let Ok(deliver) = v8::Local::<v8::Function>::try_from(args.get(1)) else {
        return throw_type(scope, "Worker: internal error (no deliver function)");
    };
    let Some(module) = super::url::to_path(&url).filter(|p| p.is_file()) else {
        return throw_type(
            scope,
            &format!("Worker: module not found \"{url}\" (only file: modules are supported)"),
        );
    };
    let Some(inherited) = scope.get_slot::<Inherited>().cloned() else {
        return throw_type(scope, "Worker: not available in this isolate");
    };
    let control = Arc::new(Control {
        stop: AtomicBool::new(false),
        isolate: Mutex::new(None),
    });
    let deliver = v8::Global::new(scope, deliver);
    let children = scope.get_slot_mut::<Children>().expect("Children slot");
    children.next_id += 1;
    let id = children.next_id;
    let (to_worker_tx, to_worker_rx) = std::sync::mpsc::channel();
    children.live.insert(
        id,
        Child {
            to_worker: None,
            terminated: false,
            control: control.clone(),
            deliver,
        },
    );
    // The parent's loop stays alive while the worker lives.
    inherited.tasks.add_ref();
    let start = Start {
        module,
        inherited,
        parent: control,
        id,
    };
    let spawned = std::thread::Builder::new()
        .name(format!("hotcall-worker-{id}"))
        .spawn(move || super::run_worker(start, to_worker_tx));
    if spawned.is_err() {
        return throw_type(scope, "Worker: cannot start a thread");
    }
    // The worker thread sends its own task sender back once its isolate
    // exists; messages posted before that wait in `pending` (see post).
    if let Ok(sender) = to_worker_rx.recv() {
        if let Some(child) = scope
            .get_slot_mut::<Children>()
            .and_then(|c| c.live.get_mut(&id))
        {
            child.to_worker = Some(sender);
        }
    }
    rv.set_uint32(id);
}

/// Called on the worker thread once its isolate exists.
pub fn register_worker_isolate(isolate: &mut v8::Isolate, start: &Start, own: TaskSender) {
    *start
        .parent
        .isolate
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(isolate.thread_safe_handle());
    // The worker's port: its loop waits for messages until close/terminate.
    own.add_ref();
    isolate.set_slot(Parent {
        id: start.id,
        to_parent: start.inherited.tasks.clone(),
        own,
        control: start.parent.clone(),
    });
}

/// Posts a task that calls the parent's `deliver(kind, data)` for worker
/// `id`; `kind` is "message", "error" or "exit".
fn post_to_parent(to_parent: &TaskSender, id: u32, kind: &'static str, data: Payload) {
    // Refused (and dropped) once the parent's event loop has ended.
    let _ = to_parent.post(Box::new(move |scope: &mut v8::HandleScope| {
        let exit = kind == "exit";
        let deliver = scope
            .get_slot::<Children>()
            .and_then(|c| c.live.get(&id))
            .filter(|c| !c.terminated || exit)
            .map(|c| c.deliver.clone());
        if exit {
            if let Some(children) = scope.get_slot_mut::<Children>() {
                children.live.remove(&id);
            }
            if let Some(tasks) = scope.get_slot::<Inherited>().map(|i| i.tasks.clone()) {
                tasks.unref();
            }
        }
        if let Some(deliver) = deliver {
            call_deliver(scope, &deliver, kind, data);
        }
    }));
}

/// What travels with an event.
pub enum Payload {
    Clone(Serialized),
    Text(String),
    None,
}

fn call_deliver(
    scope: &mut v8::HandleScope,
    deliver: &v8::Global<v8::Function>,
    kind: &str,
    data: Payload,
) {
    let value = match data {
        Payload::Clone(data) => match deserialize(scope, data) {
            Some(v) => v,
            None => return,
        },
        Payload::Text(text) => v8::String::new(scope, &text)
            .map(Into::into)
            .unwrap_or_else(|| v8::undefined(scope).into()),
        Payload::None => v8::undefined(scope).into(),
    };
    let kind = v8::String::new(scope, kind).expect("a short string");
    let deliver = v8::Local::new(scope, deliver);
    let recv = v8::undefined(scope).into();
    // An exception propagates to the event loop's TryCatch (uncaught).
    deliver.call(scope, recv, &[kind.into(), value]);
}

/// Tells the parent that the worker ended (after an uncaught `error`, if
/// `error` is some): called last on the worker thread.
pub fn report_exit(start: &Start, error: Option<String>) {
    let to_parent = &start.inherited.tasks;
    if let Some(message) = error {
        post_to_parent(to_parent, start.id, "error", Payload::Text(message));
    }
    post_to_parent(to_parent, start.id, "exit", Payload::None);
}

/// `workerPost(id, message, transfer)`: parent → worker.
pub fn op_worker_post<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    _rv: v8::ReturnValue,
) {
    let id = args.get(0).uint32_value(scope).unwrap_or(0);
    let Some(data) = serialize(scope, args.get(1), args.get(2)) else {
        return;
    };
    let target = scope
        .get_slot::<Children>()
        .and_then(|c| c.live.get(&id))
        .filter(|c| !c.control.stop.load(Ordering::SeqCst))
        .and_then(|c| c.to_worker.clone());
    if let Some(to_worker) = target {
        // Refused (and dropped) once the worker's event loop has ended.
        let _ = to_worker.post(Box::new(move |scope: &mut v8::HandleScope| {
            let deliver = scope.get_slot::<WorkerDeliver>().map(|d| d.0.clone());
            if let Some(deliver) = deliver {
                call_deliver(scope, &deliver, "message", Payload::Clone(data));
            }
        }));
    }
}

/// The worker's own `deliver(kind, data)` (`self.onmessage`), a slot.
pub struct WorkerDeliver(pub v8::Global<v8::Function>);

/// `workerTerminate(id)`: stops the worker.
pub fn op_worker_terminate(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    let id = args.get(0).uint32_value(scope).unwrap_or(0);
    let Some(child) = scope
        .get_slot_mut::<Children>()
        .and_then(|c| c.live.get_mut(&id))
    else {
        return;
    };
    child.terminated = true;
    stop(&child.control, child.to_worker.as_ref());
}

/// Stops a worker's loop: the flag, an interrupt of running JS, a wake-up.
fn stop(control: &Control, to_worker: Option<&TaskSender>) {
    control.stop.store(true, Ordering::SeqCst);
    if let Some(handle) = control
        .isolate
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
    {
        handle.terminate_execution();
    }
    if let Some(to_worker) = to_worker {
        // Wakes the worker's loop; refused if it has ended already.
        let _ = to_worker.post(Box::new(|_scope: &mut v8::HandleScope| {}));
    }
}

/// `selfPost(message, transfer)`: worker → parent.
pub fn op_self_post<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    _rv: v8::ReturnValue,
) {
    let Some(data) = serialize(scope, args.get(0), args.get(1)) else {
        return;
    };
    if let Some(parent) = scope.get_slot::<Parent>() {
        post_to_parent(
            &parent.to_parent,
            parent.id,
            "message",
            Payload::Clone(data),
        );
    }
}

/// `selfClose()`: the worker ends after the current task.
pub fn op_self_close(
    scope: &mut v8::HandleScope,
    _args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    if let Some(parent) = scope.get_slot::<Parent>() {
        parent.control.stop.store(true, Ordering::SeqCst);
        // Wakes this worker's own loop (running: this op is called from it).
        let _ = parent.own.post(Box::new(|_scope: &mut v8::HandleScope| {}));
    }
}

fn throw_type(scope: &mut v8::HandleScope, msg: &str) {
    let msg = v8::String::new(scope, msg).unwrap_or_else(|| v8::String::empty(scope));
    let e = v8::Exception::type_error(scope, msg);
    scope.throw_exception(e);
}
