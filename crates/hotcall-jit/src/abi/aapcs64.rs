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
//!
//! Apple arm64 packs stack arguments at their natural size and alignment
//! and has the caller extend narrow ints in registers (Cranelift's
//! `apple_aarch64` convention does both), which changes two things here
//! (checked against `clang --target=arm64-apple-macos`):
//! * a narrow int that goes on the stack is passed *without* an extension
//!   flag: Cranelift would otherwise store all 8 bytes of the extended value
//!   into its 1- or 2-byte slot and overwrite its neighbours;
//! * an HFA on the stack keeps its natural alignment and size (a
//!   `{float, float, float}` takes 12 bytes at 4-byte alignment), so its
//!   members are passed one by one instead of in 8-byte chunks. Other
//!   composites are 8-byte chunks on Apple too.

use cranelift_codegen::ir::{types, ArgumentExtension, Type};
use hotcall_abi::{NativeType, Signature, StructType};

use super::{
    eightbyte_pieces, scalar_param, CallLowering, ParamLowering, PassMode, Piece, ResultLowering,
};

const REGS: usize = 8;

/// The HFA members of `st` (offset + float type), if it is an HFA.
fn hfa(st: &StructType) -> Option<Vec<Piece>> {
    let leaves = st.flatten();
    let first = leaves.first()?.1.clone();
    if !first.is_float() || leaves.len() > 4 || leaves.iter().any(|(_, t)| *t != first) {
        return None;
    }
    let ty = if first == NativeType::F32 {
        types::F32
    } else {
        types::F64
    };
    Some(
        leaves
            .iter()
            .map(|(off, _)| Piece {
                offset: *off as u32,
                ty,
            })
            .collect(),
    )
}

pub fn lower(sig: &Signature, apple: bool) -> CallLowering {
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
                    let chunk_ty = if apple { None } else { Some(types::F64) };
                    lower_composite(members, &mut nsrn, chunk_ty, types::F64, st)
                } else if st.size() > 16 {
                    take_one(&mut ngrn);
                    ParamLowering {
                        padding: Vec::new(),
                        mode: PassMode::Indirect,
                    }
                } else {
                    lower_composite(
                        eightbyte_pieces(st, false),
                        &mut ngrn,
                        Some(types::I64),
                        types::I64,
                        st,
                    )
                }
            }
            scalar => {
                let next = if scalar.is_float() {
                    &mut nsrn
                } else {
                    &mut ngrn
                };
                let mut param = scalar_param(scalar);
                if apple && *next >= REGS {
                    param.extension = ArgumentExtension::None;
                }
                take_one(next);
                ParamLowering {
                    padding: Vec::new(),
                    mode: PassMode::Scalar(param),
                }
            }
        })
        .collect();
    CallLowering { params, result }
}

fn take_one(next: &mut usize) {
    *next = (*next + 1).min(REGS);
}

/// Registers for every piece if they fit (C.2 / C.12); otherwise burn the
/// class's remaining registers (with `pad_ty` parameters) and pass the image
/// on the stack (C.3 / C.13): in 8-byte chunks of `chunk_ty`, or, with
/// `None`, as the pieces themselves (Apple HFAs, naturally packed).
fn lower_composite(
    pieces: Vec<Piece>,
    next: &mut usize,
    chunk_ty: Option<Type>,
    pad_ty: Type,
    st: &StructType,
) -> ParamLowering {
    if *next + pieces.len() <= REGS {
        *next += pieces.len();
        return ParamLowering {
            padding: Vec::new(),
            mode: PassMode::Pieces(pieces),
        };
    }
    let padding = vec![pad_ty; REGS - *next];
    *next = REGS;
    let on_stack = match chunk_ty {
        Some(ty) => (0..st.size().div_ceil(8))
            .map(|i| Piece {
                offset: (i * 8) as u32,
                ty,
            })
            .collect(),
        None => pieces,
    };
    ParamLowering {
        padding,
        mode: PassMode::Pieces(on_stack),
    }
}

#[cfg(test)]
mod tests {
    //! The lowering decisions that differ between AAPCS64 and Apple arm64,
    //! with the expected values derived from the two ABI documents (the
    //! generated code is executed against clang/gcc in `jit-tests`).
    use std::sync::Arc;

    use cranelift_codegen::ir::ArgumentExtension::{self, None as NoExt, Sext, Uext};

    use super::*;

    fn sig(params: Vec<NativeType>) -> Signature {
        Signature::new(params, NativeType::Void)
    }

    fn strukt(fields: Vec<NativeType>) -> NativeType {
        NativeType::Struct(Arc::new(StructType::new(fields).unwrap()))
    }

    fn extension(p: &ParamLowering) -> ArgumentExtension {
        match &p.mode {
            PassMode::Scalar(param) => param.extension,
            other => panic!("not a scalar: {other:?}"),
        }
    }

    fn pieces(p: &ParamLowering) -> Vec<(u32, Type)> {
        match &p.mode {
            PassMode::Pieces(pieces) => pieces.iter().map(|pc| (pc.offset, pc.ty)).collect(),
            other => panic!("not pieces: {other:?}"),
        }
    }

    /// Eight `i64` fill x0-x7, so everything after goes on the stack.
    fn after_eight_ints(rest: Vec<NativeType>) -> Signature {
        let mut params = vec![NativeType::I64; 8];
        params.extend(rest);
        sig(params)
    }

    #[test]
    fn narrow_ints_in_registers_keep_their_extension_on_both() {
        let s = sig(vec![NativeType::I8, NativeType::U16]);
        for apple in [false, true] {
            let l = lower(&s, apple);
            assert_eq!(extension(&l.params[0]), Sext);
            assert_eq!(extension(&l.params[1]), Uext);
        }
    }

    #[test]
    fn narrow_ints_on_the_apple_stack_have_no_extension() {
        // Apple packs them at their natural size; an extended value would be
        // stored with 8 bytes over its neighbours.
        let s = after_eight_ints(vec![NativeType::I8, NativeType::I16, NativeType::U8]);
        let apple = lower(&s, true);
        let linux = lower(&s, false);
        for i in 8..11 {
            assert_eq!(extension(&apple.params[i]), NoExt, "apple param {i}");
        }
        assert_eq!(extension(&linux.params[8]), Sext);
        assert_eq!(extension(&linux.params[10]), Uext);
    }

    #[test]
    fn hfa_in_registers_is_one_v_register_per_member() {
        let f3 = strukt(vec![NativeType::F32; 3]);
        for apple in [false, true] {
            let l = lower(&sig(vec![f3.clone()]), apple);
            assert!(l.params[0].padding.is_empty());
            assert_eq!(
                pieces(&l.params[0]),
                vec![(0, types::F32), (4, types::F32), (8, types::F32)]
            );
        }
    }

    #[test]
    fn hfa_on_the_stack_is_chunked_on_linux_and_natural_on_apple() {
        // After 8 doubles no V register is left (NSRN = 8).
        let mut params = vec![NativeType::F64; 8];
        params.push(strukt(vec![NativeType::F32; 3]));
        params.push(NativeType::F32);
        let s = sig(params);
        let linux = lower(&s, false);
        assert_eq!(
            pieces(&linux.params[8]),
            vec![(0, types::F64), (8, types::F64)]
        );
        let apple = lower(&s, true);
        assert_eq!(
            pieces(&apple.params[8]),
            vec![(0, types::F32), (4, types::F32), (8, types::F32)]
        );
    }

    #[test]
    fn hfa_that_does_not_fit_burns_the_remaining_v_registers() {
        // 6 doubles leave v6, v7: a 4-member HFA needs 4, so NSRN := 8 and
        // the trailing double goes on the stack too (C.3).
        let mut params = vec![NativeType::F64; 6];
        params.push(strukt(vec![NativeType::F64; 4]));
        params.push(NativeType::F64);
        for apple in [false, true] {
            let l = lower(&sig(params.clone()), apple);
            assert_eq!(l.params[6].padding, vec![types::F64, types::F64]);
        }
    }

    #[test]
    fn small_composite_that_does_not_fit_burns_the_remaining_x_registers() {
        // 7 ints leave x7; a 16-byte struct needs two X registers (C.13).
        let mut params = vec![NativeType::I64; 7];
        params.push(strukt(vec![NativeType::I64, NativeType::I32]));
        params.push(NativeType::I8);
        for apple in [false, true] {
            let l = lower(&sig(params.clone()), apple);
            assert_eq!(l.params[7].padding, vec![types::I64]);
            assert_eq!(pieces(&l.params[7]), vec![(0, types::I64), (8, types::I64)]);
        }
        assert_eq!(
            extension(&lower(&sig(params.clone()), true).params[8]),
            NoExt
        );
    }

    #[test]
    fn large_composites_are_indirect_and_large_results_use_sret() {
        let big = strukt(vec![NativeType::I64; 3]);
        let s = Signature::new(vec![big.clone()], big);
        for apple in [false, true] {
            let l = lower(&s, apple);
            assert_eq!(l.params[0].mode, PassMode::Indirect);
            assert_eq!(l.result, ResultLowering::Sret);
        }
    }
}
