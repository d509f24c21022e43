//! `hotcall run`: a small Deno-compatible runtime around one V8 isolate.
//!
//! - [`loader`]: ES modules from files (`transpile` strips TypeScript types);
//! - [`ops`]: the natives the bootstrap JS in `src/js/` builds the globals
//!   from (`console`, timers, `TextEncoder`/`TextDecoder`, `Deno`, `URL`);
//! - [`ffi`]: the `hotcall-v8` FFI namespace on `Deno`;
//! - [`event_loop`]: microtasks, timers ([`timers`]), FFI tasks;
//! - [`clone`]: the structured clone algorithm (`structuredClone`);
//! - [`worker`]: Web `Worker`s, each an isolate on its own thread;
//! - [`errors`]: uncaught errors and unhandled rejections (exit code 1).

mod clone;
mod errors;
mod event_loop;
mod ffi;
mod loader;
mod ops;
mod timers;
mod transpile;
mod url;
mod worker;

use std::io::Write;
use std::sync::Once;
use std::time::Instant;

use hotcall_v8::TaskQueue;

use crate::args::RunArgs;
use errors::Fatal;

/// The bootstrap scripts, in evaluation order. Each evaluates to a function
/// called with `(ops, internals)`.
const BOOTSTRAP: &[(&str, &str)] = &[
    ("hotcall:console.js", include_str!("../js/console.js")),
    ("hotcall:runtime.js", include_str!("../js/runtime.js")),
];

/// Runs `args.file`; returns the process exit code.
pub fn run(args: &RunArgs) -> i32 {
    if let Err(msg) = init_v8(&args.v8_flags) {
        eprintln!("error: {msg}");
        return 1;
    }
    let main = match loader::main_path(&args.file) {
        Ok(path) => path,
        Err(msg) => {
            eprintln!("error: {msg}");
            return 1;
        }
    };
    let mut isolate = new_isolate();
    let queue = TaskQueue::new();
    let inherited = worker::Inherited {
        permissions: args.allow_ffi.clone(),
        args: args.script_args.clone(),
        tasks: queue.sender(),
    };
    let code = match run_module(&mut isolate, &inherited, &main, &queue, None) {
        Ok(()) => 0,
        Err(_) => 1,
    };
    let _ = std::io::stdout().flush();
    code
}

/// Bootstraps a context in `isolate`, runs the module at `main` and the
/// event loop (until `stop` is set, for workers); `Err` after reporting
/// an uncaught error.
fn run_module(
    isolate: &mut v8::OwnedIsolate,
    inherited: &worker::Inherited,
    main: &std::path::Path,
    queue: &TaskQueue,
    stop: Option<&std::sync::atomic::AtomicBool>,
) -> Result<(), String> {
    isolate.set_slot(inherited.clone());
    isolate.set_slot(worker::Children::default());
    let scope = &mut v8::HandleScope::new(isolate);
    let context = v8::Context::new(scope);
    let scope = &mut v8::ContextScope::new(scope, context);
    let result = bootstrap(
        scope,
        inherited,
        &url::from_path(main),
        queue,
        stop.is_some(),
    )
    .and_then(|()| loader::run_main(scope, main))
    .and_then(|promise| event_loop::run(scope, promise, queue, stop));
    match result {
        Ok(()) => Ok(()),
        // A terminated worker's loop ends with the termination exception.
        Err(_) if stop.is_some_and(|s| s.load(std::sync::atomic::Ordering::SeqCst)) => Ok(()),
        Err(fatal) => {
            errors::report(scope, &fatal);
            Err(errors::text(scope, &fatal))
        }
    }
}

/// The thread of one `Worker`: its own isolate, module and event loop.
fn run_worker(start: worker::Start, registered: std::sync::mpsc::Sender<hotcall_v8::TaskSender>) {
    let mut isolate = new_isolate();
    let queue = TaskQueue::new();
    worker::register_worker_isolate(&mut isolate, &start, queue.sender());
    let _ = registered.send(queue.sender());
    let inherited = worker::Inherited {
        tasks: queue.sender(),
        ..start.inherited.clone()
    };
    let result = run_module(
        &mut isolate,
        &inherited,
        &start.module,
        &queue,
        Some(&start.parent.stop),
    );
    // The first line of what was reported ("Uncaught Error: boom").
    let error = result
        .err()
        .map(|text| text.lines().next().unwrap_or_default().to_owned());
    drop(queue);
    drop(isolate);
    worker::report_exit(&start, error);
}

/// The process's V8 platform (set by [`init_v8`]).
static PLATFORM: std::sync::OnceLock<v8::SharedRef<v8::Platform>> = std::sync::OnceLock::new();

/// Runs the foreground tasks V8 posted for `isolate` (FinalizationRegistry
/// cleanups, GC finalization steps, ...): the event loop calls it every
/// turn and before it waits. True if any ran.
pub(crate) fn run_platform_tasks(isolate: &mut v8::Isolate) -> bool {
    let Some(platform) = PLATFORM.get() else {
        return false;
    };
    let mut ran = false;
    while v8::Platform::pump_message_loop(platform, isolate, false) {
        ran = true;
    }
    ran
}

/// V8 flags, ICU data and the platform: once per process.
fn init_v8(flags: &[String]) -> Result<(), String> {
    static INIT: Once = Once::new();
    let mut result = Ok(());
    INIT.call_once(|| {
        if !flags.is_empty() {
            let mut argv = vec!["hotcall".to_owned()];
            argv.extend(flags.iter().cloned());
            let rest = v8::V8::set_flags_from_command_line(argv);
            if let Some(unknown) = rest.get(1) {
                result = Err(format!("V8 did not recognize flag '{unknown}'"));
                return;
            }
        }
        if v8::icu::set_common_data_73(deno_core_icudata::ICU_DATA).is_err() {
            result = Err("cannot load the ICU data".into());
            return;
        }
        let platform = v8::new_default_platform(0, false).make_shared();
        let _ = PLATFORM.set(platform.clone());
        v8::V8::initialize_platform(platform);
        v8::V8::initialize();
    });
    result
}

fn new_isolate() -> v8::OwnedIsolate {
    let mut isolate = v8::Isolate::new(v8::CreateParams::default());
    isolate.set_microtasks_policy(v8::MicrotasksPolicy::Explicit);
    isolate.set_capture_stack_trace_for_uncaught_exceptions(true, 10);
    isolate.set_promise_reject_callback(errors::promise_reject_callback);
    isolate.add_message_listener(errors::message_listener);
    isolate.set_host_import_module_dynamically_callback(loader::dynamic_import);
    isolate.set_host_initialize_import_meta_object_callback(loader::import_meta);
    isolate.set_slot(timers::Timers::default());
    isolate.set_slot(loader::ModuleMap::default());
    isolate.set_slot(loader::SourceMaps::default());
    isolate.set_slot(errors::Rejections::default());
    isolate.set_slot(errors::Reported::default());
    isolate.set_slot(ops::StartTime(Instant::now()));
    isolate
}

/// Evaluates the bootstrap JS, then installs the FFI namespace on `Deno`.
fn bootstrap(
    scope: &mut v8::HandleScope,
    inherited: &worker::Inherited,
    main_url: &str,
    queue: &TaskQueue,
    is_worker: bool,
) -> Result<(), Fatal> {
    let tc = &mut v8::TryCatch::new(scope);
    let info = ops::Info {
        args: &inherited.args,
        main_url,
        is_worker,
    };
    let failed = |what: &str| Fatal::Message(format!("bootstrap failed: {what}"));
    let ops = ops::create(tc, &info).ok_or_else(|| failed("cannot create the natives"))?;
    let internals = v8::Object::new(tc);
    for (name, source) in BOOTSTRAP {
        let init = run_script(tc, name, source).ok_or_else(|| Fatal::caught(tc))?;
        let init = v8::Local::<v8::Function>::try_from(init)
            .map_err(|_| failed(&format!("{name} is not a function")))?;
        let recv = v8::undefined(tc).into();
        if init
            .call(tc, recv, &[ops.into(), internals.into()])
            .is_none()
        {
            return Err(Fatal::caught(tc));
        }
    }
    let formatter = get(tc, internals, "formatUncaught")
        .and_then(|f| v8::Local::<v8::Function>::try_from(f).ok())
        .ok_or_else(|| failed("no formatUncaught"))?;
    let formatter = v8::Global::new(tc, formatter);
    tc.set_slot(errors::Formatter(formatter));
    let stack = get(tc, internals, "prepareStackTrace")
        .and_then(|f| v8::Local::<v8::Function>::try_from(f).ok())
        .ok_or_else(|| failed("no prepareStackTrace"))?;
    let stack = v8::Global::new(tc, stack);
    tc.set_slot(errors::StackFormatter(stack));
    tc.set_prepare_stack_trace_callback(errors::prepare_stack_trace);
    let deno = get(tc, internals, "deno")
        .and_then(|d| v8::Local::<v8::Object>::try_from(d).ok())
        .ok_or_else(|| failed("no Deno namespace"))?;
    if is_worker {
        let deliver = get(tc, internals, "workerDeliver")
            .and_then(|f| v8::Local::<v8::Function>::try_from(f).ok())
            .ok_or_else(|| failed("no workerDeliver"))?;
        let deliver = v8::Global::new(tc, deliver);
        tc.set_slot(worker::WorkerDeliver(deliver));
    }
    if let Err(msg) = ffi::install(tc, deno, inherited.permissions.clone(), queue.sender()) {
        if tc.has_caught() {
            return Err(Fatal::caught(tc));
        }
        return Err(Fatal::Message(format!("cannot install the FFI API: {msg}")));
    }
    Ok(())
}

fn get<'s>(
    scope: &mut v8::HandleScope<'s>,
    obj: v8::Local<v8::Object>,
    key: &str,
) -> Option<v8::Local<'s, v8::Value>> {
    let key = v8::String::new(scope, key)?;
    obj.get(scope, key.into())
}

/// Compiles and runs a classic script; `None` with the exception in the caller's TryCatch.
fn run_script<'s>(
    scope: &mut v8::HandleScope<'s>,
    name: &str,
    source: &str,
) -> Option<v8::Local<'s, v8::Value>> {
    let source = v8::String::new(scope, source)?;
    let name = v8::String::new(scope, name)?;
    let origin = script_origin(scope, name, false);
    let script = v8::Script::compile(scope, source, Some(&origin))?;
    script.run(scope)
}

/// The origin of a script or module named `name` (its URL in stack traces).
pub(crate) fn script_origin<'s>(
    scope: &mut v8::HandleScope<'s>,
    name: v8::Local<'s, v8::String>,
    is_module: bool,
) -> v8::ScriptOrigin<'s> {
    v8::ScriptOrigin::new(
        scope,
        name.into(),
        0,
        0,
        false,
        -1,
        None,
        false,
        false,
        is_module,
        None,
    )
}

/// An isolate for unit tests (V8 initialised once, without flags).
#[cfg(test)]
pub fn test_isolate() -> v8::OwnedIsolate {
    init_v8(&[]).expect("V8 initialises");
    v8::Isolate::new(v8::CreateParams::default())
}
