//! The three stub kinds. Each builder fills a Cranelift function for one
//! signature; [`crate::generate`] declares and compiles it in a module.

pub mod fast;
pub mod invoker;
pub mod tail;
pub mod thunk;

use cranelift_codegen::ir::{types, AbiParam, InstBuilder, Signature as ClifSignature, Value};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::FunctionBuilder;

/// Starts the single block of a stub and returns its parameters.
pub(crate) fn entry_block(b: &mut FunctionBuilder) -> Vec<Value> {
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    b.block_params(block).to_vec()
}

/// `(ptr, ptr, ptr) -> ()` in `call_conv`: the invoker's own signature and
/// the dispatcher's.
pub(crate) fn three_pointer_signature(call_conv: CallConv) -> ClifSignature {
    let mut sig = ClifSignature::new(call_conv);
    sig.params.extend([AbiParam::new(types::I64); 3]);
    sig
}

/// Emits `call_indirect` and returns the call's results.
pub(crate) fn call_indirect(
    b: &mut FunctionBuilder,
    sig: ClifSignature,
    callee: Value,
    args: &[Value],
) -> Vec<Value> {
    let sig_ref = b.import_signature(sig);
    let call = b.ins().call_indirect(sig_ref, callee, args);
    b.inst_results(call).to_vec()
}
