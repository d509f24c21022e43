//! aarch64 AAPCS64 (Arm "Procedure Call Standard for the Arm 64-bit
//! Architecture", §6.8.2 stages B and C) and Apple's arm64 variant.
//!
//! * HFA (1 to 4 members, all `float` or all `double`): one V register per
//!   member if enough are left (C.2), else NSRN := 8 and the struct goes on
//!   the stack (C.3).
//! * Composites over 16 bytes: passed as a pointer to a caller-made copy (B.4).
//! * Other composites: in ceil(size/8) X registers if enough are left
//!   (C.12), else NGRN := 8 and the struct goes on the stack (C.13).
//! * Results: HFA in v0-v3, up to 16 bytes in x0/x1, else through a hidden
//!   pointer in x8 (Cranelift's `StructReturn`).
//!
//! "NGRN/NSRN := 8" is modelled by padding parameters that burn the
//! registers left, so that Cranelift puts later arguments on the stack too.
//! Stack composites are passed as 8-byte chunks of their image.
//! Apple differs for scalars only (natural stack packing, caller extends
//! narrow ints); Cranelift's `apple_aarch64` convention does both.

use cranelift_codegen::ir::{types, Type};
use hotcall_abi::{NativeType, Signature, StructType};

use super::{eightbyte_pieces, scalar_param, CallLowering, ParamLowering, PassMode, Piece, ResultLowering};

const REGS: usize = 8;

/// The HFA members of `st` (offset + float type), if it is an HFA.
fn hfa(st: &StructType) -> Option<Vec<Piece>> {
    let leaves = st.flatten();
    let first = leaves.first()?.1.clone();
    if !first.is_float() || leaves.len() > 4 || leaves.iter().any(|(_, t)| *t != first) {
        return None;
    }
    let ty = if first == NativeType::F32 { types::F32 } else { types::F64 };
    Some(leaves.iter().map(|(off, _)| Piece { offset: *off as u32, ty }).collect())
}

pub fn lower(sig: &Signature) -> CallLowering {
    let result = match &sig.result {
        NativeType::Void => ResultLowering::Void,
        NativeType::Struct(st) => match hfa(st) {
            Some(members) => ResultLowering::Pieces(members),
            None if st.size() <= 16 => ResultLowering::Pieces(eightbyte_pieces(st, false)),
            None => ResultLowering::Sret,
        },
        scalar => ResultLowering::Scalar(scalar_param(scalar)),
    };
    let mut ngrn = 0usize;
    let mut nsrn = 0usize;
    let params = sig
        .params
        .iter()
        .map(|ty| match ty {
            NativeType::Struct(st) => {
                if let Some(members) = hfa(st) {
                    lower_composite(members, &mut nsrn, types::F64, st)
                } else if st.size() > 16 {
                    take_one(&mut ngrn);
                    ParamLowering { padding: Vec::new(), mode: PassMode::Indirect }
                } else {
                    lower_composite(eightbyte_pieces(st, false), &mut ngrn, types::I64, st)
                }
            }
            scalar => {
                take_one(if scalar.is_float() { &mut nsrn } else { &mut ngrn });
                ParamLowering { padding: Vec::new(), mode: PassMode::Scalar(scalar_param(scalar)) }
            }
        })
        .collect();
    CallLowering { params, result }
}

fn take_one(next: &mut usize) {
    *next = (*next + 1).min(REGS);
}

/// Registers for every piece if they fit (C.2 / C.12); otherwise burn the
/// class's remaining registers and pass the image on the stack in 8-byte
/// chunks of `chunk_ty` (C.3 / C.13).
fn lower_composite(pieces: Vec<Piece>, next: &mut usize, chunk_ty: Type, st: &StructType) -> ParamLowering {
    if *next + pieces.len() <= REGS {
        *next += pieces.len();
        return ParamLowering { padding: Vec::new(), mode: PassMode::Pieces(pieces) };
    }
    let padding = vec![chunk_ty; REGS - *next];
    *next = REGS;
    let chunks = (0..st.size().div_ceil(8)).map(|i| Piece { offset: (i * 8) as u32, ty: chunk_ty }).collect();
    ParamLowering { padding, mode: PassMode::Pieces(chunks) }
}
