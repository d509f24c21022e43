//! x86_64 System V (AMD64 psABI 1.0, §3.2.3 "Parameter Passing").
//!
//! Structs up to 16 bytes are split into eightbytes classed INTEGER or SSE
//! (SSE when every field in the eightbyte is float/double). If the
//! registers left are not enough for *all* eightbytes, the whole struct goes
//! on the stack and the registers stay available for later arguments.
//! Larger structs are class MEMORY: copied onto the stack. A MEMORY result
//! is returned through a hidden pointer in %rdi (returned again in %rax).

use hotcall_abi::{NativeType, Signature};

use super::{
    eightbyte_pieces, padded_size, scalar_param, CallLowering, ParamLowering, PassMode,
    ResultLowering,
};

const INT_REGS: usize = 6;
const SSE_REGS: usize = 8;

pub fn lower(sig: &Signature) -> CallLowering {
    let result = match &sig.result {
        NativeType::Void => ResultLowering::Void,
        NativeType::Struct(st) if st.size() > 16 => ResultLowering::Sret,
        NativeType::Struct(st) => ResultLowering::Pieces(eightbyte_pieces(st, true)),
        scalar => ResultLowering::Scalar(scalar_param(scalar)),
    };
    let mut ints = usize::from(result == ResultLowering::Sret);
    let mut sses = 0usize;
    let params = sig
        .params
        .iter()
        .map(|ty| {
            let mode = match ty {
                NativeType::Struct(st) if st.size() > 16 => PassMode::StackCopy(padded_size(st)),
                NativeType::Struct(st) => {
                    let pieces = eightbyte_pieces(st, true);
                    let n_sse = pieces.iter().filter(|p| p.ty.is_float()).count();
                    let n_int = pieces.len() - n_sse;
                    // Only the classes the struct needs must have room: the
                    // counters keep growing past the register count for
                    // scalars (which then go on the stack), so a pure-SSE
                    // struct after many integer arguments still fits.
                    // (Was `ints + n_int <= INT_REGS && ...`, which sent such
                    // a struct to the stack; found by jit-tests' corpus.)
                    if n_int <= INT_REGS.saturating_sub(ints)
                        && n_sse <= SSE_REGS.saturating_sub(sses)
                    {
                        ints += n_int;
                        sses += n_sse;
                        PassMode::Pieces(pieces)
                    } else {
                        PassMode::StackCopy(padded_size(st))
                    }
                }
                scalar => {
                    if scalar.is_float() {
                        sses += 1;
                    } else {
                        ints += 1;
                    }
                    PassMode::Scalar(scalar_param(scalar))
                }
            };
            ParamLowering {
                padding: Vec::new(),
                mode,
            }
        })
        .collect();
    CallLowering { params, result }
}
