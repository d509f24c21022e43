//! V8's C++ scopes and calls without rusty_v8's scope bookkeeping, for the
//! callback hot path, and the constructors of FFI scalars' JS values
//! ([`scalar`], also behind `convert::scalar_to_js`; the mapping itself is
//! `convert::JsScalar`).
//!
//! rusty_v8 tracks every scope it opens in a per-isolate stack of its own
//! (`CallbackScope`, `HandleScope`, `TryCatch`: an allocation-free but
//! branchy push, pop and status check each); on a C-to-JS callback round
//! trip that bookkeeping cost about as much as V8's `Function::Call`
//! (perf, `docs/benchmarks.md`). The C++ objects underneath are small and
//! LIFO: these guards construct them in place in the caller's frame through
//! the same `binding.cc` entry points rusty_v8 itself uses, and values are
//! plain `Local`s of the enclosing handle scope. rusty_v8 scopes opened
//! inside (for a cold path) nest correctly: rusty_v8's `CallbackScope`
//! exists for native frames it does not know about.

use std::ffi::c_int;
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ptr::NonNull;

use hotcall_abi::NativeType;

use crate::convert::JsScalar;

/// Storage of a `v8::HandleScope` (three words in V8 12.8, as rusty_v8's
/// own `raw::HandleScope`).
pub type HandleScopeStorage = MaybeUninit<[usize; 3]>;
/// Storage of a `v8::TryCatch` (six words, as rusty_v8's `raw::TryCatch`).
pub type TryCatchStorage = MaybeUninit<[usize; 6]>;

extern "C" {
    fn v8__HandleScope__CONSTRUCT(buf: *mut HandleScopeStorage, isolate: *mut v8::Isolate);
    fn v8__HandleScope__DESTRUCT(this: *mut HandleScopeStorage);
    fn v8__TryCatch__CONSTRUCT(buf: *mut TryCatchStorage, isolate: *mut v8::Isolate);
    fn v8__TryCatch__DESTRUCT(this: *mut TryCatchStorage);
    fn v8__TryCatch__CanContinue(this: *const TryCatchStorage) -> bool;
    fn v8__TryCatch__Exception(this: *const TryCatchStorage) -> *const v8::Value;
    fn v8__TryCatch__StackTrace(
        this: *const TryCatchStorage,
        context: *const v8::Context,
    ) -> *const v8::Value;
    fn v8__TryCatch__ReThrow(this: *mut TryCatchStorage) -> *const v8::Value;
    fn v8__TryCatch__Reset(this: *mut TryCatchStorage);
    fn v8__Isolate__IsExecutionTerminating(isolate: *const v8::Isolate) -> bool;
    fn v8__Function__Call(
        this: *const v8::Function,
        context: *const v8::Context,
        recv: *const v8::Value,
        argc: c_int,
        argv: *const v8::Local<v8::Value>,
    ) -> *const v8::Value;
    fn v8__Undefined(isolate: *mut v8::Isolate) -> *const v8::Value;
    fn v8__Boolean__New(isolate: *mut v8::Isolate, value: bool) -> *const v8::Value;
    fn v8__Integer__New(isolate: *mut v8::Isolate, value: i32) -> *const v8::Value;
    fn v8__Integer__NewFromUnsigned(isolate: *mut v8::Isolate, value: u32) -> *const v8::Value;
    fn v8__Number__New(isolate: *mut v8::Isolate, value: f64) -> *const v8::Value;
    fn v8__BigInt__New(isolate: *mut v8::Isolate, value: i64) -> *const v8::Value;
    fn v8__BigInt__NewFromUnsigned(isolate: *mut v8::Isolate, value: u64) -> *const v8::Value;
}

/// An open `v8::HandleScope`: `Local`s made through it (lifetime `'s`) live
/// until it is dropped.
pub struct Handles<'s> {
    storage: &'s mut HandleScopeStorage,
    isolate: *mut v8::Isolate,
}

impl<'s> Handles<'s> {
    /// Opens a handle scope in `storage`.
    ///
    /// # Safety
    /// `isolate` is alive and entered on this thread (we are inside a call
    /// from V8), and scopes opened after this one are closed before it.
    pub unsafe fn open(storage: &'s mut HandleScopeStorage, isolate: *mut v8::Isolate) -> Self {
        // SAFETY: the caller's promise; `storage` is as large and aligned as
        // a `v8::HandleScope` and does not move while borrowed.
        unsafe { v8__HandleScope__CONSTRUCT(storage, isolate) };
        Handles { storage, isolate }
    }

    /// True once `TerminateExecution` was called and not cancelled.
    pub fn is_execution_terminating(&self) -> bool {
        // SAFETY: the isolate is alive and ours (see `open`).
        unsafe { v8__Isolate__IsExecutionTerminating(self.isolate) }
    }

    /// `undefined`.
    pub fn undefined(&self) -> v8::Local<'s, v8::Value> {
        // SAFETY: a handle scope is open on the isolate; `undefined` is a
        // root, never null.
        unsafe { local(v8__Undefined(self.isolate)) }
    }

    /// A scalar's raw bits as JS ([`scalar`]); `None` for a struct.
    pub fn scalar(&self, ty: &NativeType, bits: u64) -> Option<v8::Local<'s, v8::Value>> {
        // SAFETY: this handle scope is open on the live isolate for `'s`.
        unsafe { scalar(self.isolate, ty, bits) }
    }

    /// `function.call(receiver, ...args)` in `context`; `None` if it threw
    /// (or execution is being terminated).
    pub fn call(
        &self,
        function: v8::Local<v8::Function>,
        context: v8::Local<v8::Context>,
        receiver: v8::Local<v8::Value>,
        args: &[v8::Local<'s, v8::Value>],
    ) -> Option<v8::Local<'s, v8::Value>> {
        // SAFETY: every handle is alive (a `Local` of an open scope or of a
        // global), the isolate is entered, and `args` is `argc` contiguous
        // handles, which is what `v8::Local<Value>*` means to V8.
        let result = unsafe {
            v8__Function__Call(
                &*function,
                &*context,
                &*receiver,
                args.len() as c_int,
                args.as_ptr(),
            )
        };
        // SAFETY: a non-null result is a handle in this scope.
        (!result.is_null()).then(|| unsafe { local(result) })
    }
}

impl Drop for Handles<'_> {
    fn drop(&mut self) {
        // SAFETY: constructed in `open`, destroyed exactly once, after every
        // scope opened inside it (the `open` contract).
        unsafe { v8__HandleScope__DESTRUCT(self.storage) }
    }
}

/// A scalar's raw bits (low `ty.size()` bytes) as a JS value, made as
/// [`JsScalar::of`] maps it; `None` for a struct.
///
/// # Safety
/// A handle scope of `isolate` is open on this thread for `'s` (the value
/// is made in the innermost one).
pub unsafe fn scalar<'s>(
    isolate: *mut v8::Isolate,
    ty: &NativeType,
    bits: u64,
) -> Option<v8::Local<'s, v8::Value>> {
    let value = JsScalar::of(ty, bits)?;
    // SAFETY: each constructor allocates in the open handle scope of the
    // live isolate (the caller's promise) and returns a non-null handle.
    let raw = unsafe {
        match value {
            JsScalar::Undefined => v8__Undefined(isolate),
            JsScalar::Bool(b) => v8__Boolean__New(isolate, b),
            JsScalar::Int32(i) => v8__Integer__New(isolate, i),
            JsScalar::Uint32(u) => v8__Integer__NewFromUnsigned(isolate, u),
            JsScalar::Number(n) => v8__Number__New(isolate, n),
            JsScalar::BigUint(u) => v8__BigInt__NewFromUnsigned(isolate, u),
            JsScalar::BigInt(i) => v8__BigInt__New(isolate, i),
        }
    };
    // SAFETY: as above; the handle lives as long as its scope, `'s`.
    Some(unsafe { local(raw) })
}

/// An open `v8::TryCatch`: catches what JS throws until it is dropped.
pub struct Catch<'s> {
    storage: &'s mut TryCatchStorage,
    _handles: PhantomData<&'s Handles<'s>>,
}

impl<'s> Catch<'s> {
    /// Opens a `TryCatch` in `storage` (which does not move while open: V8
    /// links it into the isolate by address).
    ///
    /// # Safety
    /// As for [`Handles::open`]; `handles` is the innermost open scope.
    pub unsafe fn open(storage: &'s mut TryCatchStorage, handles: &Handles<'s>) -> Self {
        // SAFETY: the caller's promise; the storage has the size and
        // alignment of a `v8::TryCatch`.
        unsafe { v8__TryCatch__CONSTRUCT(storage, handles.isolate) };
        Catch {
            storage,
            _handles: PhantomData,
        }
    }

    /// False when execution is being terminated (nothing may run JS).
    pub fn can_continue(&self) -> bool {
        // SAFETY: an open TryCatch.
        unsafe { v8__TryCatch__CanContinue(self.storage) }
    }

    /// The caught exception, if any.
    pub fn exception(&self) -> Option<v8::Local<'s, v8::Value>> {
        // SAFETY: an open TryCatch; the result is a handle in the current
        // (an enclosing) scope, or null.
        let raw = unsafe { v8__TryCatch__Exception(self.storage) };
        // SAFETY: non-null checked.
        (!raw.is_null()).then(|| unsafe { local(raw) })
    }

    /// The caught exception's `stack` property, if it has one.
    pub fn stack_trace(&self, context: v8::Local<v8::Context>) -> Option<v8::Local<'s, v8::Value>> {
        // SAFETY: as for `exception`; the context is alive.
        let raw = unsafe { v8__TryCatch__StackTrace(self.storage, &*context) };
        // SAFETY: non-null checked.
        (!raw.is_null()).then(|| unsafe { local(raw) })
    }

    /// Lets the caught exception (or termination) continue to the next
    /// handler out when this one closes.
    pub fn rethrow(&mut self) {
        // SAFETY: an open TryCatch.
        unsafe { v8__TryCatch__ReThrow(self.storage) };
    }

    /// Forgets the caught exception.
    pub fn reset(&mut self) {
        // SAFETY: an open TryCatch.
        unsafe { v8__TryCatch__Reset(self.storage) }
    }
}

impl Drop for Catch<'_> {
    fn drop(&mut self) {
        // SAFETY: constructed in `open`, destroyed exactly once and before
        // the handle scope it was opened in (it borrows it).
        unsafe { v8__TryCatch__DESTRUCT(self.storage) }
    }
}

/// A handle address (a local or a global handle's slot) as a `Local`.
///
/// # Safety
/// `raw` is a non-null handle that lives for `'s`, used on its isolate's
/// thread.
pub(crate) unsafe fn local<'s, T>(raw: *const T) -> v8::Local<'s, T> {
    // SAFETY: a `Local` is a `#[repr(transparent)]` non-null handle address
    // (plus a lifetime); the caller guarantees both.
    unsafe {
        std::mem::transmute::<NonNull<T>, v8::Local<'s, T>>(NonNull::new_unchecked(raw.cast_mut()))
    }
}
