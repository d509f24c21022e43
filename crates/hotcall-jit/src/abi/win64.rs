//! x86_64 Windows (Microsoft "x64 calling convention").
//!
//! Arguments take positional slots (RCX/XMM0, RDX/XMM1, R8/XMM2, R9/XMM3,
//! then the stack above 32 bytes of shadow space; Cranelift does this).
//! Structs of size 1, 2, 4 or 8 are passed as an integer of that size;
//! every other struct is passed as a pointer to a caller-made copy. Results
//! of size 1, 2, 4 or 8 come back in RAX; others through a hidden pointer in
//! RCX that is returned in RAX.

use cranelift_codegen::ir::types;
use hotcall_abi::{NativeType, Signature};

use super::{scalar_param, CallLowering, ParamLowering, PassMode, Piece, ResultLowering};

fn passed_as_integer(size: usize) -> bool {
    matches!(size, 1 | 2 | 4 | 8)
}

fn integer_piece() -> Vec<Piece> {
    vec![Piece {
        offset: 0,
        ty: types::I64,
    }]
}

pub fn lower(sig: &Signature) -> CallLowering {
    let result = match &sig.result {
        NativeType::Void => ResultLowering::Void,
        NativeType::Struct(st) if passed_as_integer(st.size()) => {
            ResultLowering::Pieces(integer_piece())
        }
        NativeType::Struct(_) => ResultLowering::Sret,
        scalar => ResultLowering::Scalar(scalar_param(scalar)),
    };
    let params = sig
        .params
        .iter()
        .map(|ty| {
            let mode = match ty {
                NativeType::Struct(st) if passed_as_integer(st.size()) => {
                    PassMode::Pieces(integer_piece())
                }
                NativeType::Struct(_) => PassMode::Indirect,
                scalar => PassMode::Scalar(scalar_param(scalar)),
            };
            ParamLowering {
                padding: Vec::new(),
                mode,
            }
        })
        .collect();
    CallLowering { params, result }
}
