//! The `Deno` FFI namespace on rusty_v8: `Deno.dlopen`, `Deno.UnsafeCallback`,
//! `Deno.UnsafePointer`, `Deno.UnsafePointerView`, `Deno.UnsafeFnPointer`.
//!
//! Usable by any rusty_v8 embedder:
//! 1. create a [`TaskQueue`] and keep it next to your event loop;
//! 2. call [`install`] with the `Deno` object of a context;
//! 3. in your event loop, run [`TaskQueue::run_ready`] and stay alive while
//!    [`TaskQueue::keeps_alive`] (in-flight nonblocking calls, ref'd callbacks).

pub mod event_loop;
pub mod permissions;

pub use event_loop::{Task, TaskQueue, TaskSender};
pub use permissions::FfiPermissions;
