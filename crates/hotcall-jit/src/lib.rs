//! Cranelift-generated FFI stubs, specialised per signature.
//!
//! Three stub kinds (see `docs/architecture.md`):
//! * **fast trampoline** ([`StubKind::Fast`]): entered by V8's fast API call
//!   path, converts the fast-call arguments (TypedArrays included) into the
//!   C calling convention and calls the C function;
//! * **invoker** ([`Jit::invoker`]): `(target, args, ret)` over 8-byte
//!   argument slots, one per signature shape ([`invoker_shape`]), for every
//!   other call path;
//! * **callback thunk** ([`StubKind::Thunk`], [`callback::Callback`]): a C
//!   function of the callback's signature that spills its arguments into
//!   slots and calls a dispatcher with a baked-in context.
//!
//! One generator ([`generate::define_stub`]) serves every
//! `cranelift_module::Module`: [`Jit`] runs stubs on the host,
//! [`text::stub_text`] and [`text::emit_object`] produce any target's code.

pub mod abi;
pub mod callback;
pub mod generate;
mod host;
mod lower;
pub mod stubs;
mod target;
mod templates;
pub mod text;

use std::fmt;

pub use generate::{StubKind, StubRequest};
pub use host::{DispatcherFn, InvokerFn, Jit, StubSet};
pub use stubs::fast::{v8_signature, TYPED_ARRAY_DATA_OFFSET};
pub use stubs::invoker::{invoker_shape, SLOT_SIZE};
pub use stubs::tail::is_tail_jump;
pub use target::{AbiFlavor, Target, SUPPORTED_TRIPLES};

/// Where generated code finds a function or datum.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CodeRef {
    /// An absolute address baked into the code as an immediate.
    Address(u64),
    /// A symbol resolved by the module's linker (object files).
    Symbol(String),
}

/// How a fast trampoline hands its result back to V8.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FastResult {
    /// Return it as the V8 fast-call return type.
    Direct,
    /// Store the raw C result at this address and return nothing (for
    /// results V8 cannot take from a fast call, e.g. 64-bit "number or
    /// bigint" and pointers).
    OutSlot(u64),
    /// As `OutSlot`, at the address of a data symbol (object files).
    OutSymbol(String),
}

impl FastResult {
    /// Where the raw result is stored, if it is not returned.
    pub fn out_slot(&self) -> Option<CodeRef> {
        match self {
            FastResult::Direct => None,
            FastResult::OutSlot(addr) => Some(CodeRef::Address(*addr)),
            FastResult::OutSymbol(name) => Some(CodeRef::Symbol(name.clone())),
        }
    }
}

/// Errors of the stub generator.
#[derive(Debug)]
pub enum JitError {
    /// The triple is not one hotcall generates code for.
    UnsupportedTarget(String),
    /// The signature has no V8 fast-call form (structs by value).
    NoFastPath(String),
    /// Cranelift or the module rejected the code.
    Codegen(String),
    /// The signature is over a declaration limit (`hotcall_abi::limits`);
    /// checked before any code is generated.
    OverLimit(hotcall_abi::limits::Limit),
}

impl fmt::Display for JitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JitError::UnsupportedTarget(t) => write!(
                f,
                "unsupported target {t}; supported: {}",
                SUPPORTED_TRIPLES.join(", ")
            ),
            JitError::NoFastPath(sig) => write!(
                f,
                "signature {sig} has no V8 fast-call form (structs by value take the slow path)"
            ),
            JitError::Codegen(msg) => write!(f, "code generation failed: {msg}"),
            JitError::OverLimit(limit) => write!(f, "signature refused: {limit}"),
        }
    }
}

impl std::error::Error for JitError {}

impl From<cranelift_module::ModuleError> for JitError {
    fn from(e: cranelift_module::ModuleError) -> JitError {
        JitError::Codegen(e.to_string())
    }
}
