//! What ends a program with exit code 1, and how it is printed: an uncaught
//! exception (thrown by module code, a timer, an FFI task), an unhandled
//! promise rejection, or a loader problem (module not found, bad syntax).

use std::io::Write;

use super::loader::SourceMaps;

/// A fatal condition, reported by [`report`].
pub enum Fatal {
    /// An exception nobody caught. `in_promise`: it rejected a promise that
    /// had no handler by the end of the microtask checkpoint.
    Exception {
        value: v8::Global<v8::Value>,
        in_promise: bool,
        /// `url:line:col` where it was thrown, shown when the value has no
        /// stack of its own (syntax errors, thrown primitives).
        location: Option<String>,
    },
    /// Anything else, already worded (printed after `error: `).
    Message(String),
}

impl Fatal {
    pub fn exception(scope: &mut v8::HandleScope, value: v8::Local<v8::Value>) -> Fatal {
        Fatal::Exception {
            value: v8::Global::new(scope, value),
            in_promise: false,
            location: None,
        }
    }

    /// The exception caught by `tc` (or a generic message if V8 terminated
    /// execution without one).
    pub fn caught(tc: &mut v8::TryCatch<v8::HandleScope>) -> Fatal {
        if tc.has_terminated() {
            return Fatal::Message("execution was terminated".into());
        }
        let location = location(tc);
        match tc.exception() {
            Some(e) => Fatal::Exception {
                value: v8::Global::new(tc, e),
                in_promise: false,
                location,
            },
            None => Fatal::Message("execution was terminated".into()),
        }
    }
}

/// `url:line:column` of the exception caught by `tc`, if V8 knows it.
pub fn location(tc: &mut v8::TryCatch<v8::HandleScope>) -> Option<String> {
    let message = tc.message()?;
    message_location(tc, message)
}

fn message_location(
    scope: &mut v8::HandleScope,
    message: v8::Local<v8::Message>,
) -> Option<String> {
    let name = message.get_script_resource_name(scope)?;
    if !name.is_string() {
        return None;
    }
    let name = name.to_rust_string_lossy(scope);
    let line = u32::try_from(message.get_line_number(scope)?)
        .ok()
        .filter(|&l| l > 0)?;
    // V8 reports -1 (as usize) when it has no column.
    let Some(column) = u32::try_from(message.get_start_column())
        .ok()
        .and_then(|c| c.checked_add(1))
    else {
        return Some(format!("{name}:{line}"));
    };
    let (line, column) = original_position(scope, &name, line, column).unwrap_or((line, column));
    Some(format!("{name}:{line}:{column}"))
}

/// The TypeScript position of a 1-based position in transpiled module `url`.
pub fn original_position(
    scope: &mut v8::HandleScope,
    url: &str,
    line: u32,
    column: u32,
) -> Option<(u32, u32)> {
    scope
        .get_slot::<SourceMaps>()?
        .0
        .get(url)?
        .original(line, column)
}

/// The JS function that formats `error.stack` (`runtime.js`).
pub struct StackFormatter(pub v8::Global<v8::Function>);

/// The isolate's `PrepareStackTraceCallback`: V8's format, with positions in
/// TypeScript modules mapped back to the source (see `runtime.js`).
pub fn prepare_stack_trace<'s>(
    scope: &mut v8::HandleScope<'s>,
    error: v8::Local<'s, v8::Value>,
    sites: v8::Local<'s, v8::Array>,
) -> v8::Local<'s, v8::Value> {
    let hook = scope.get_slot::<StackFormatter>().map(|h| h.0.clone());
    let Some(hook) = hook else {
        return v8::undefined(scope).into();
    };
    let hook = v8::Local::new(scope, hook);
    let tc = &mut v8::TryCatch::new(scope);
    let recv = v8::undefined(tc).into();
    match hook.call(tc, recv, &[error, sites.into()]) {
        Some(stack) => stack,
        // A throwing user `Error.prepareStackTrace`: no stack.
        None => v8::undefined(tc).into(),
    }
}

/// Promises rejected without a handler, in order, waiting for the end of the
/// current microtask checkpoint (a handler added by then takes them back).
#[derive(Default)]
pub struct Rejections {
    pending: Vec<(v8::Global<v8::Promise>, v8::Global<v8::Value>)>,
}

/// The isolate's `PromiseRejectCallback`.
pub extern "C" fn promise_reject_callback(message: v8::PromiseRejectMessage) {
    // SAFETY: V8 calls this on the isolate's thread, inside the context that
    // rejected the promise, which is what a CallbackScope requires.
    let scope = &mut unsafe { v8::CallbackScope::new(&message) };
    let promise = message.get_promise();
    match message.get_event() {
        v8::PromiseRejectEvent::PromiseRejectWithNoHandler => {
            let value = message
                .get_value()
                .unwrap_or_else(|| v8::undefined(scope).into());
            let entry = (
                v8::Global::new(scope, promise),
                v8::Global::new(scope, value),
            );
            if let Some(r) = scope.get_slot_mut::<Rejections>() {
                r.pending.push(entry);
            }
        }
        v8::PromiseRejectEvent::PromiseHandlerAddedAfterReject => {
            let Some(mut r) = scope.remove_slot::<Rejections>() else {
                return;
            };
            r.pending
                .retain(|(p, _)| v8::Local::new(scope, p) != promise);
            scope.set_slot(r);
        }
        v8::PromiseRejectEvent::PromiseRejectAfterResolved
        | v8::PromiseRejectEvent::PromiseResolveAfterResolved => {}
    }
}

/// An exception V8 reported instead of throwing it to us (one thrown by a
/// `queueMicrotask` callback during a microtask checkpoint), with where.
#[derive(Default)]
pub struct Reported(Option<(v8::Global<v8::Value>, Option<String>)>);

/// The isolate's message listener (see [`Reported`]).
pub extern "C" fn message_listener(
    message: v8::Local<v8::Message>,
    exception: v8::Local<v8::Value>,
) {
    // SAFETY: V8 calls message listeners on the isolate's thread, inside the
    // context where the exception was thrown.
    let scope = &mut unsafe { v8::CallbackScope::new(message) };
    let location = message_location(scope, message);
    let exception = v8::Global::new(scope, exception);
    if let Some(slot) = scope.get_slot_mut::<Reported>() {
        slot.0.get_or_insert((exception, location));
    }
}

/// The first rejection still unhandled, except `skip` (the main module's
/// evaluation promise, which is reported as a plain uncaught error).
pub fn take_unhandled(
    scope: &mut v8::HandleScope,
    skip: Option<&v8::Global<v8::Promise>>,
) -> Option<Fatal> {
    if let Some((value, location)) = scope.get_slot_mut::<Reported>().and_then(|r| r.0.take()) {
        return Some(Fatal::Exception {
            value,
            in_promise: false,
            location,
        });
    }
    let pending = std::mem::take(&mut scope.get_slot_mut::<Rejections>()?.pending);
    for (promise, value) in pending {
        if skip.is_some_and(|s| s == &promise) {
            continue;
        }
        return Some(Fatal::Exception {
            value,
            in_promise: true,
            location: None,
        });
    }
    None
}

/// The JS function that turns an uncaught value into text (`console.js`).
pub struct Formatter(pub v8::Global<v8::Function>);

/// Prints `fatal` to stderr as Deno does: `error: Uncaught ...`.
pub fn report(scope: &mut v8::HandleScope, fatal: &Fatal) {
    let text = text(scope, fatal);
    let _ = std::io::stdout().flush();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {text}");
    let _ = err.flush();
}

/// What [`report`] prints after `error: `.
pub fn text(scope: &mut v8::HandleScope, fatal: &Fatal) -> String {
    match fatal {
        Fatal::Message(m) => m.clone(),
        Fatal::Exception {
            value,
            in_promise,
            location,
        } => {
            let value = v8::Local::new(scope, value);
            let mut described = describe(scope, value);
            if let Some(at) = location
                .as_ref()
                .filter(|_| !described.contains("\n    at "))
            {
                described.push_str(&format!("\n    at {at}"));
            }
            let prefix = if *in_promise {
                "Uncaught (in promise) "
            } else {
                "Uncaught "
            };
            format!("{prefix}{described}")
        }
    }
}

/// The stack of an error, or the inspected value, via the JS formatter; a
/// plain string conversion if that fails too.
fn describe(scope: &mut v8::HandleScope, value: v8::Local<v8::Value>) -> String {
    let tc = &mut v8::TryCatch::new(scope);
    let formatter = tc
        .get_slot::<Formatter>()
        .map(|f| f.0.clone())
        .map(|f| v8::Local::new(tc, f));
    if let Some(f) = formatter {
        let recv = v8::undefined(tc).into();
        if let Some(s) = f.call(tc, recv, &[value]) {
            if s.is_string() {
                return s.to_rust_string_lossy(tc);
            }
        }
        tc.reset();
    }
    match value.to_string(tc) {
        Some(s) => s.to_rust_string_lossy(tc),
        None => "(an exception that cannot be converted to a string)".into(),
    }
}
