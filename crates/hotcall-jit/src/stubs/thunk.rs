//! The callback thunk: a C function of the callback's signature that spills
//! its arguments into slots (same layout as the invoker's) and calls
//! `dispatcher(ctx, args, ret)` with `ctx` baked in, then returns the result
//! the dispatcher left in `ret` (zeroed beforehand, so a dispatcher that
//! writes nothing returns 0 / null).
//!
//! Narrow integer arguments are widened to 64 bits in their slots, so a
//! reader may load either the natural width or the whole slot.

use cranelift_codegen::ir::{types, InstBuilder};
use cranelift_frontend::FunctionBuilder;
use cranelift_module::Module;
use hotcall_abi::Signature;

use super::{call_indirect, entry_block, three_pointer_signature};
use crate::abi::{result_buffer_size, CallLowering, ResultLowering};
use crate::lower::{
    c_incoming_args, code_address, load_c_result, own_mem, stack_buffer, widen_to_i64, ArgValue,
};
use crate::stubs::invoker::SLOT_SIZE;
use crate::target::AbiFlavor;
use crate::{CodeRef, JitError};

pub(crate) fn build<M: Module>(
    module: &mut M,
    b: &mut FunctionBuilder,
    flavor: AbiFlavor,
    sig: &Signature,
    dispatcher: &CodeRef,
    ctx: &CodeRef,
) -> Result<(), JitError> {
    let incoming = entry_block(b);
    let lowering = CallLowering::new(flavor, sig);
    let (sret, incoming) = match lowering.result {
        ResultLowering::Sret => (Some(incoming[0]), &incoming[1..]),
        _ => (None, &incoming[..]),
    };
    let args = c_incoming_args(b, &lowering, &sig.params, incoming);

    let slots = stack_buffer(b, (sig.params.len() * SLOT_SIZE) as u32);
    for (i, (arg, ty)) in args.iter().zip(&sig.params).enumerate() {
        let value = match *arg {
            ArgValue::Scalar(v) => widen_to_i64(b, ty, v),
            ArgValue::StructAt(addr) => addr,
        };
        b.ins()
            .store(own_mem(), value, slots, (i * SLOT_SIZE) as i32);
    }

    let ret_size = result_buffer_size(&sig.result) as u32;
    let ret = stack_buffer(b, ret_size);
    let zero = b.ins().iconst(types::I64, 0);
    for off in (0..ret_size).step_by(8) {
        b.ins().store(own_mem(), zero, ret, off as i32);
    }

    let ctx_value = code_address(module, b, ctx, true)?;
    let dispatcher_addr = code_address(module, b, dispatcher, false)?;
    call_indirect(
        b,
        three_pointer_signature(flavor.c_call_conv()),
        dispatcher_addr,
        &[ctx_value, slots, ret],
    );

    let results = load_c_result(b, &lowering, &sig.result, ret, sret);
    b.ins().return_(&results);
    Ok(())
}
