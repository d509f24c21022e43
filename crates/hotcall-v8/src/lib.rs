//! The `Deno` FFI namespace on rusty_v8: `Deno.dlopen`, `Deno.UnsafeCallback`,
//! `Deno.UnsafePointer`, `Deno.UnsafePointerView`, `Deno.UnsafeFnPointer`.
//!
//! Usable by any rusty_v8 embedder:
//! 1. create a [`TaskQueue`] and keep it next to your event loop;
//! 2. call [`install`] with the `Deno` object of a context;
//! 3. in your event loop, run [`TaskQueue::run_ready`] and stay alive while
//!    [`TaskQueue::keeps_alive`] (in-flight nonblocking calls, ref'd callbacks).
//!
//! For tests, `Deno[Symbol.for("hotcall.internals")].slowCalls()` counts the
//! FFI calls of the isolate that took the slow path (not V8's fast call):
//! optimize a caller and check that it does not move. Design notes:
//! `docs/ffi-v8.md`.

pub mod callback;
pub mod convert;
pub mod decl_js;
pub mod errors;
pub mod event_loop;
pub mod fast;
mod handoff;
mod install;
pub mod jit;
mod library;
mod nonblocking;
pub mod permissions;
mod pointer;
mod raw_v8;
pub mod smi;
pub mod state;
pub mod symbol;
pub mod symbol_pool;

pub use event_loop::{Task, TaskQueue, TaskSender};
pub use permissions::FfiPermissions;

/// What [`install`] needs from the embedder.
pub struct FfiConfig {
    /// The `--allow-ffi` permission checked by `dlopen`.
    pub permissions: FfiPermissions,
    /// Where nonblocking calls and foreign-thread callbacks post their results.
    pub tasks: TaskSender,
}

/// Installs dlopen, UnsafePointer, UnsafePointerView, UnsafeFnPointer (and creates deno.errors.PermissionDenied if absent) on `deno`.
pub fn install(
    scope: &mut v8::HandleScope,
    deno: v8::Local<v8::Object>,
    config: FfiConfig,
) -> Result<(), String> {
    install::install(scope, deno, config)
}
