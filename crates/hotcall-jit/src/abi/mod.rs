//! How a C signature is passed on a target: the classification Cranelift
//! does not do for us (structs by value, register exhaustion rules).
//!
//! Scalars map one-to-one onto Cranelift [`AbiParam`]s and Cranelift assigns
//! them registers or stack slots. Structs are lowered here, per the target's
//! ABI document, into *pieces* (register-sized loads from the struct's
//! bytes), a by-value stack copy, or a pointer to a copy. Where an ABI says
//! "this argument goes wholly on the stack and the remaining registers are
//! no longer used" (AAPCS64 C.12/C.13), we burn those registers with padding
//! parameters so Cranelift's assignment matches the C compiler's.

mod aapcs64;
mod sysv;
mod win64;

use cranelift_codegen::ir::{types, AbiParam, ArgumentPurpose, Signature as ClifSignature, Type};
use cranelift_codegen::isa::CallConv;
use hotcall_abi::{NativeType, Signature, StructType};

use crate::target::AbiFlavor;

/// A register-sized part of a struct: `ty` loaded from byte `offset` of the
/// struct's (8-byte padded) image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub offset: u32,
    pub ty: Type,
}

/// How one C parameter is passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassMode {
    /// A scalar in one register or stack slot.
    Scalar(AbiParam),
    /// A struct split into register-sized pieces (one Cranelift param each).
    Pieces(Vec<Piece>),
    /// A struct copied by value onto the stack (`size` rounded up to 8).
    StackCopy(u32),
    /// A pointer to a caller-owned copy of the struct.
    Indirect,
}

/// One C parameter: padding parameters that burn registers, then the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamLowering {
    pub padding: Vec<Type>,
    pub mode: PassMode,
}

/// How the C result comes back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResultLowering {
    Void,
    Scalar(AbiParam),
    /// A struct returned in registers, piece by piece.
    Pieces(Vec<Piece>),
    /// A struct returned through a hidden pointer supplied by the caller.
    Sret,
}

/// The lowering of a whole C signature for one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallLowering {
    pub params: Vec<ParamLowering>,
    pub result: ResultLowering,
}

impl CallLowering {
    /// Classifies `sig` by the C ABI of `flavor`.
    pub fn new(flavor: AbiFlavor, sig: &Signature) -> CallLowering {
        match flavor {
            AbiFlavor::SysV64 => sysv::lower(sig),
            AbiFlavor::Win64 => win64::lower(sig),
            AbiFlavor::Aapcs64 => aapcs64::lower(sig, false),
            AbiFlavor::AppleArm64 => aapcs64::lower(sig, true),
        }
    }

    /// The Cranelift signature that, under `call_conv`, places every value
    /// where the C compiler would.
    pub fn clif_signature(&self, call_conv: CallConv) -> ClifSignature {
        let mut sig = ClifSignature::new(call_conv);
        if self.result == ResultLowering::Sret {
            sig.params
                .push(AbiParam::special(types::I64, ArgumentPurpose::StructReturn));
        }
        for p in &self.params {
            sig.params
                .extend(p.padding.iter().map(|&ty| AbiParam::new(ty)));
            match &p.mode {
                PassMode::Scalar(param) => sig.params.push(*param),
                PassMode::Pieces(pieces) => sig
                    .params
                    .extend(pieces.iter().map(|pc| AbiParam::new(pc.ty))),
                PassMode::StackCopy(size) => sig.params.push(AbiParam::special(
                    types::I64,
                    ArgumentPurpose::StructArgument(*size),
                )),
                PassMode::Indirect => sig.params.push(AbiParam::new(types::I64)),
            }
        }
        match &self.result {
            ResultLowering::Void | ResultLowering::Sret => {}
            ResultLowering::Scalar(param) => sig.returns.push(*param),
            ResultLowering::Pieces(pieces) => sig
                .returns
                .extend(pieces.iter().map(|pc| AbiParam::new(pc.ty))),
        }
        sig
    }
}

/// The Cranelift type of a scalar FFI type.
pub fn clif_type(ty: &NativeType) -> Type {
    use NativeType::*;
    match ty {
        Bool | U8 | I8 => types::I8,
        U16 | I16 => types::I16,
        U32 | I32 => types::I32,
        U64 | I64 | USize | ISize | Pointer | Buffer | Function => types::I64,
        F32 => types::F32,
        F64 => types::F64,
        Void | Struct(_) => unreachable!("clif_type of {ty}"),
    }
}

/// The Cranelift parameter of a scalar FFI type, with the extension C
/// compilers expect for narrow integers (Cranelift applies it where the
/// convention requires it: x86_64 and Apple arm64).
pub fn scalar_param(ty: &NativeType) -> AbiParam {
    let clif = clif_type(ty);
    let param = AbiParam::new(clif);
    match (clif.is_int() && clif.bits() < 32, ty.is_signed()) {
        (false, _) => param,
        (true, true) => param.sext(),
        (true, false) => param.uext(),
    }
}

/// True if every scalar leaf of `st` is a float.
fn leaves_all_float(leaves: &[(usize, NativeType)]) -> bool {
    leaves.iter().all(|(_, t)| t.is_float())
}

/// Eightbyte-sized pieces of a struct of `size` bytes, `I64` or `F64`
/// depending on whether every leaf overlapping the eightbyte is a float.
fn eightbyte_pieces(st: &StructType, float_class: bool) -> Vec<Piece> {
    let leaves = st.flatten();
    (0..st.size().div_ceil(8))
        .map(|i| {
            let (lo, hi) = (i * 8, i * 8 + 8);
            let inside: Vec<_> = leaves
                .iter()
                .filter(|(off, t)| *off < hi && off + t.size() > lo)
                .cloned()
                .collect();
            let ty = if float_class && leaves_all_float(&inside) {
                types::F64
            } else {
                types::I64
            };
            Piece {
                offset: (i * 8) as u32,
                ty,
            }
        })
        .collect()
}

/// Size of the result buffer an invoker writes and a dispatcher fills:
/// at least 8 bytes, struct results rounded up to a multiple of 8.
pub fn result_buffer_size(result: &NativeType) -> usize {
    result.size().next_multiple_of(8).max(8)
}

/// The padded size of a struct's stack image (multiple of 8).
pub fn padded_size(st: &StructType) -> u32 {
    st.size().next_multiple_of(8) as u32
}
