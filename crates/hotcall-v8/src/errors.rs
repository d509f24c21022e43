//! JS exceptions raised by the FFI natives.

use hotcall_abi::DeclError;

/// Why a native failed: the exception to throw, or one already pending.
#[derive(Debug)]
pub enum Throw {
    /// A `TypeError` with this message.
    Type(String),
    /// An `Error` with this message.
    Error(String),
    /// A `Deno.errors.PermissionDenied` with this message.
    PermissionDenied(String),
    /// A JS exception is already pending (a getter threw); leave it.
    Pending,
}

impl From<DeclError> for Throw {
    fn from(e: DeclError) -> Throw {
        Throw::Type(e.to_string())
    }
}

/// Throws `t` in `scope` (nothing for [`Throw::Pending`]).
pub fn throw(scope: &mut v8::HandleScope, t: Throw) {
    let exception = match t {
        Throw::Type(msg) => {
            let msg = v8_str(scope, &msg);
            v8::Exception::type_error(scope, msg)
        }
        Throw::Error(msg) => {
            let msg = v8_str(scope, &msg);
            v8::Exception::error(scope, msg)
        }
        Throw::PermissionDenied(msg) => permission_denied(scope, &msg),
        Throw::Pending => return,
    };
    scope.throw_exception(exception);
}

/// A `Deno.errors.PermissionDenied` (the class `install` recorded), or an
/// `Error` named "PermissionDenied" if there is none.
fn permission_denied<'s>(scope: &mut v8::HandleScope<'s>, msg: &str) -> v8::Local<'s, v8::Value> {
    let text = v8_str(scope, msg);
    let class = crate::state::FfiState::get(scope).permission_denied_class();
    if let Some(class) = class {
        let class = v8::Local::new(scope, class);
        if let Some(error) = class.new_instance(scope, &[text.into()]) {
            return error.into();
        }
    }
    let error = v8::Exception::error(scope, text);
    if let Ok(object) = v8::Local::<v8::Object>::try_from(error) {
        let key = v8_str(scope, "name");
        let name = v8_str(scope, "PermissionDenied");
        object.set(scope, key.into(), name.into());
    }
    error
}

/// A JS string (an empty one if V8 cannot allocate it).
pub fn v8_str<'s>(scope: &mut v8::HandleScope<'s, ()>, s: &str) -> v8::Local<'s, v8::String> {
    v8::String::new(scope, s).unwrap_or_else(|| v8::String::empty(scope))
}
