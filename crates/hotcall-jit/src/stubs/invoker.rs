//! The invoker: `extern "C" fn(target, args, ret)` for one signature.
//!
//! `args` points to one 8-byte slot per parameter: a scalar in the low bytes
//! of its slot (its natural width, little-endian), a struct as the address
//! of its bytes. The result is stored at `ret` with its natural width; a
//! struct result fills `result_buffer_size` bytes (the struct, padded to 8).

use cranelift_codegen::ir::{types, InstBuilder};
use cranelift_frontend::FunctionBuilder;
use hotcall_abi::{NativeType, Signature};

use super::{call_indirect, entry_block};
use crate::abi::{CallLowering, ResultLowering};
use crate::lower::{c_call_args, load_scalar, own_mem, store_c_result, ArgValue};
use crate::target::AbiFlavor;

/// Size of one argument slot.
pub const SLOT_SIZE: usize = 8;

pub(crate) fn build(b: &mut FunctionBuilder, flavor: AbiFlavor, sig: &Signature) {
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
