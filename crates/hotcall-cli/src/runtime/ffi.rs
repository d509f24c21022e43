//! The one place the runtime meets `hotcall-v8`: installs the FFI namespace
//! (`Deno.dlopen`, `Deno.UnsafeCallback`, ...) on the `Deno` object.

use hotcall_v8::{FfiConfig, FfiPermissions, TaskSender};

pub fn install(
    scope: &mut v8::HandleScope,
    deno: v8::Local<v8::Object>,
    permissions: FfiPermissions,
    tasks: TaskSender,
) -> Result<(), String> {
    hotcall_v8::install(scope, deno, FfiConfig { permissions, tasks })
}
