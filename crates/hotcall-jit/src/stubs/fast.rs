//! The fast trampoline: entered by V8's fast API call path with the
//! signature `(receiver, args..., FastApiCallbackOptions*)`, it drops the
//! receiver and the options, converts each argument from its V8 fast-call
//! type to the C type, and calls the C function.
//!
//! V8 fast-call types: `bool` arrives as a byte, 8/16/32-bit ints as
//! `int32`/`uint32`, 64-bit ints and pointers as 64-bit values, buffers as
//! `FastApiTypedArray*` (`{ size_t length; T* data; }`, data at offset 8;
//! an empty view becomes a null pointer, as on the slow path).
//! Cranelift only emits tail calls between functions of its own `tail`
//! convention, so this trampoline calls and returns; signatures that need
//! nothing but register moves get the hand-emitted tail jump of
//! [`super::tail`] instead (chosen in `generate::define_stub`).

use cranelift_codegen::ir::{
    types, AbiParam, InstBuilder, Signature as ClifSignature, Type, Value,
};
use cranelift_frontend::FunctionBuilder;
use cranelift_module::Module;
use hotcall_abi::{NativeType, Signature};

use super::{call_indirect, entry_block};
use crate::abi::{clif_type, CallLowering};
use crate::lower::{code_address, own_mem, ArgValue};
use crate::target::AbiFlavor;
use crate::{CodeRef, FastResult, JitError};

/// Offset of `length` (in elements) in V8's `FastApiTypedArray`.
pub const TYPED_ARRAY_LENGTH_OFFSET: i32 = 0;
/// Offset of `data` in V8's `FastApiTypedArray`.
pub const TYPED_ARRAY_DATA_OFFSET: i32 = 8;

/// The V8 fast-call type of an FFI parameter, as an FFI type: what a test
/// (or V8) passes to the trampoline. `None` for structs (no fast path).
pub fn v8_param_type(ty: &NativeType) -> Option<NativeType> {
    use NativeType::*;
    Some(match ty {
        Bool => Bool,
        I8 | I16 | I32 => I32,
        U8 | U16 | U32 => U32,
        U64 | USize => U64,
        I64 | ISize => I64,
        F32 => F32,
        F64 => F64,
        Pointer | Function | Buffer => Pointer,
        Void | Struct(_) => return None,
    })
}

/// The V8 fast-call type of an FFI result with [`FastResult::Direct`].
pub fn v8_result_type(ty: &NativeType) -> Option<NativeType> {
    match ty {
        NativeType::Void => Some(NativeType::Void),
        other => v8_param_type(other),
    }
}

/// The whole signature V8 calls the trampoline with, as FFI types:
/// `(receiver: pointer, args..., options: pointer) -> result`. The options
/// pointer is never read, so an embedder may leave it out of the
/// `CFunctionInfo` (hotcall-v8 does): V8 then passes one argument less,
/// after all the others, which changes nothing the trampoline reads.
pub fn v8_signature(sig: &Signature, result: &FastResult) -> Option<Signature> {
    let mut params = vec![NativeType::Pointer];
    for p in &sig.params {
        params.push(v8_param_type(p)?);
    }
    params.push(NativeType::Pointer);
    let result = match result {
        FastResult::Direct => v8_result_type(&sig.result)?,
        FastResult::OutSlot(_) | FastResult::OutSymbol(_) => {
            sig.result.as_struct().map_or(Some(()), |_| None)?;
            NativeType::Void
        }
    };
    Some(Signature::new(params, result))
}

fn v8_clif_signature(flavor: AbiFlavor, v8_sig: &Signature) -> ClifSignature {
    let mut sig = ClifSignature::new(flavor.v8_fast_call_conv());
    sig.params
        .extend(v8_sig.params.iter().map(|t| AbiParam::new(clif_type(t))));
    if v8_sig.result != NativeType::Void {
        sig.returns.push(AbiParam::new(clif_type(&v8_sig.result)));
    }
    sig
}

/// The Cranelift signature of a fast trampoline (for declaring it).
pub(crate) fn clif_signature(
    flavor: AbiFlavor,
    sig: &Signature,
    result: &FastResult,
) -> Result<ClifSignature, JitError> {
    let v8_sig = v8_signature(sig, result).ok_or_else(|| JitError::NoFastPath(sig.to_string()))?;
    Ok(v8_clif_signature(flavor, &v8_sig))
}

/// The C pointer of a `buffer` argument: the view's `data`, or null when
/// it is empty (V8 hands a zero-length view an address inside its heap;
/// the slow path passes null, and both paths must agree).
fn buffer_data(b: &mut FunctionBuilder, typed_array: Value) -> Value {
    let mem = own_mem().with_readonly();
    let length = b
        .ins()
        .load(types::I64, mem, typed_array, TYPED_ARRAY_LENGTH_OFFSET);
    let data = b
        .ins()
        .load(types::I64, mem, typed_array, TYPED_ARRAY_DATA_OFFSET);
    let null = b.ins().iconst(types::I64, 0);
    b.ins().select(length, data, null)
}

/// Converts one V8 fast-call argument to the C argument.
fn convert_param(b: &mut FunctionBuilder, ty: &NativeType, v: Value) -> Value {
    match ty {
        NativeType::Buffer => buffer_data(b, v),
        NativeType::I8 | NativeType::U8 | NativeType::I16 | NativeType::U16 => {
            b.ins().ireduce(clif_type(ty), v)
        }
        _ => v,
    }
}

/// Converts the C result to the V8 fast-call result type.
fn convert_result(b: &mut FunctionBuilder, ty: &NativeType, v: Value, v8_ty: Type) -> Value {
    let c_ty = b.func.dfg.value_type(v);
    if c_ty == v8_ty || !c_ty.is_int() || *ty == NativeType::Bool {
        v
    } else if ty.is_signed() {
        b.ins().sextend(v8_ty, v)
    } else {
        b.ins().uextend(v8_ty, v)
    }
}

pub(crate) fn build<M: Module>(
    module: &mut M,
    b: &mut FunctionBuilder,
    flavor: AbiFlavor,
    sig: &Signature,
    target: &CodeRef,
    result: &FastResult,
) -> Result<(), JitError> {
    let v8_sig = v8_signature(sig, result).ok_or_else(|| JitError::NoFastPath(sig.to_string()))?;
    let incoming = entry_block(b);
    let lowering = CallLowering::new(flavor, sig);
    let args: Vec<ArgValue> = sig
        .params
        .iter()
        .zip(&incoming[1..])
        .map(|(ty, &v)| ArgValue::Scalar(convert_param(b, ty, v)))
        .collect();
    let call_args = crate::lower::c_call_args(b, &lowering, &sig.params, &args);
    let callee = code_address(module, b, target, false)?;
    let results = call_indirect(
        b,
        lowering.clif_signature(flavor.c_call_conv()),
        callee,
        &call_args,
    );
    let returned = match (result.out_slot(), results.first()) {
        (None, Some(&v)) => {
            vec![convert_result(b, &sig.result, v, clif_type(&v8_sig.result))]
        }
        (Some(out), Some(&v)) => {
            let slot = code_address(module, b, &out, true)?;
            b.ins().store(own_mem(), v, slot, 0);
            Vec::new()
        }
        (_, None) => Vec::new(),
    };
    b.ins().return_(&returned);
    Ok(())
}
