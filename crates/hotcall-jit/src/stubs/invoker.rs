//! The invoker: `extern "C" fn(target, args, ret)` for one signature.
//!
//! `args` points to one 8-byte slot per parameter: a scalar in the low bytes
//! of its slot (its natural width, little-endian; the bytes above are not
//! meaningful), a struct as the address of its bytes. A scalar result is
//! stored at `ret` as a whole 8-byte word of which only the low
//! `result.size()` bytes are meaningful; a struct result fills
//! `result_buffer_size` bytes (the struct, padded to 8); `void` stores
//! nothing.
//!
//! One invoker serves every signature of the same [`invoker_shape`]: the
//! slow path compiles one per shape, not one per signature.

use cranelift_codegen::ir::{types, InstBuilder};
use cranelift_frontend::FunctionBuilder;
use hotcall_abi::{NativeType, Signature};

use super::{call_indirect, entry_block};
use crate::abi::{CallLowering, ResultLowering};
use crate::lower::{c_call_args, load_scalar, own_mem, store_c_result, ArgValue};
use crate::target::AbiFlavor;

/// Size of one argument slot.
pub const SLOT_SIZE: usize = 8;

/// The signature an invoker for `sig` is compiled as, shared by every
/// signature that maps to it. What the C ABIs (SysV x86-64, Win64, AAPCS64)
/// leave unspecified makes the merge exact:
/// - 32- and 64-bit integers and the pointer kinds pass as `i64`: a callee
///   ignores the bits of a register (or 8-byte stack slot) above its type,
///   so loading the whole slot gives it the same value;
/// - `f32` passes as `f64`: a float argument is the low 32 bits of the
///   vector register (or stack slot) either way;
/// - every scalar result is taken as the whole `i64` or `f64` register and
///   stored as 8 bytes, of which the readers use the type's width.
///
/// Narrow integers and `bool` keep their type (the caller must extend them
/// to 32 bits, as Apple's ABI requires and clang assumes everywhere), as do
/// structs. On Apple arm64, whose stack arguments are packed by their
/// natural size, parameters are only merged when all of them travel in
/// registers.
pub fn invoker_shape(flavor: AbiFlavor, sig: &Signature) -> Signature {
    use NativeType::*;
    let merge_params = flavor != AbiFlavor::AppleArm64 || all_in_registers(&sig.params);
    let params = sig
        .params
        .iter()
        .map(|ty| match ty {
            I32 | U32 | I64 | U64 | ISize | USize | Pointer | Buffer | Function if merge_params => {
                I64
            }
            F32 if merge_params => F64,
            other => other.clone(),
        })
        .collect();
    let result = match &sig.result {
        Void | Struct(_) => sig.result.clone(),
        F32 | F64 => F64,
        _ => I64,
    };
    Signature::new(params, result)
}

/// True when AAPCS64 assigns every parameter to a register (at most 8 in
/// general and 8 in vector registers, no structs).
fn all_in_registers(params: &[NativeType]) -> bool {
    let floats = params.iter().filter(|t| t.is_float()).count();
    !params.iter().any(|t| t.as_struct().is_some()) && floats <= 8 && params.len() - floats <= 8
}

pub(crate) fn build(b: &mut FunctionBuilder, flavor: AbiFlavor, sig: &Signature) {
    let sig = &invoker_shape(flavor, sig);
    let params = entry_block(b);
    let (target, slots, ret) = (params[0], params[1], params[2]);
    let lowering = CallLowering::new(flavor, sig);

    let args: Vec<ArgValue> = sig
        .params
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            let offset = (i * SLOT_SIZE) as i32;
            match ty {
                NativeType::Struct(_) => {
                    ArgValue::StructAt(b.ins().load(types::I64, own_mem(), slots, offset))
                }
                scalar => ArgValue::Scalar(load_scalar(b, scalar, slots, offset, own_mem())),
            }
        })
        .collect();

    let mut call_args = Vec::new();
    if lowering.result == ResultLowering::Sret {
        call_args.push(ret);
    }
    call_args.extend(c_call_args(b, &lowering, &sig.params, &args));
    let results = call_indirect(
        b,
        lowering.clif_signature(flavor.c_call_conv()),
        target,
        &call_args,
    );
    store_c_result(b, &lowering, &results, ret);
    b.ins().return_(&[]);
}
