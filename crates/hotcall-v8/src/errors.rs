//! JS exceptions raised by the FFI natives.

use hotcall_abi::DeclError;

/// Why a native failed: the exception to throw, or one already pending.
#[derive(Debug)]
pub enum Throw {
    /// A `TypeError` with this message.
    Type(String),
    /// An `Error` with this message.
    Error(String),
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
        Throw::Pending => return,
    };
    scope.throw_exception(exception);
}

/// A JS string (an empty one if V8 cannot allocate it).
pub fn v8_str<'s>(scope: &mut v8::HandleScope<'s, ()>, s: &str) -> v8::Local<'s, v8::String> {
    v8::String::new(scope, s).unwrap_or_else(|| v8::String::empty(scope))
}
