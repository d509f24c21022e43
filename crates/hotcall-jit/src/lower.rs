//! IR building blocks shared by the three stub kinds: loading and storing
//! FFI values, copying struct images, and moving arguments/results between
//! "one value per FFI parameter" and the C calling convention's lowering.

use cranelift_codegen::ir::{
    types, InstBuilder, MemFlagsData as MemFlags, StackSlotData, StackSlotKind, Type, Value,
};
use cranelift_frontend::FunctionBuilder;
use cranelift_module::Module;
use hotcall_abi::{NativeType, StructType};

use crate::abi::{clif_type, padded_size, CallLowering, PassMode, Piece, ResultLowering};
use crate::CodeRef;

/// One FFI argument inside a stub: a scalar value, or the address of a
/// struct's bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ArgValue {
    Scalar(Value),
    StructAt(Value),
}

/// Flags for memory the stub owns (its stack slots, the slot arrays).
pub(crate) fn own_mem() -> MemFlags {
    MemFlags::trusted()
}

/// Flags for memory a user handed in (struct bytes may be unaligned).
pub(crate) fn user_mem() -> MemFlags {
    MemFlags::new().with_notrap()
}

/// A fresh 8-byte aligned stack slot of `size` bytes; returns its address.
pub(crate) fn stack_buffer(b: &mut FunctionBuilder, size: u32) -> Value {
    let slot = b.create_sized_stack_slot(StackSlotData::new(
        StackSlotKind::ExplicitSlot,
        size.max(8),
        3,
    ));
    b.ins().stack_addr(types::I64, slot, 0)
}

/// Copies `size` bytes from `src` to `dst` with the widest loads that fit.
pub(crate) fn copy_bytes(
    b: &mut FunctionBuilder,
    src: Value,
    dst: Value,
    size: u32,
    flags: MemFlags,
) {
    let mut off = 0u32;
    for (width, ty) in [
        (8, types::I64),
        (4, types::I32),
        (2, types::I16),
        (1, types::I8),
    ] {
        while size - off >= width {
            let v = b.ins().load(ty, flags, src, off as i32);
            b.ins().store(flags, v, dst, off as i32);
            off += width;
        }
    }
}

/// Copies a struct from `src` into a fresh 8-byte padded stack image.
pub(crate) fn padded_copy(b: &mut FunctionBuilder, src: Value, st: &StructType) -> Value {
    let dst = stack_buffer(b, padded_size(st));
    copy_bytes(b, src, dst, st.size() as u32, user_mem());
    dst
}

/// Loads a scalar FFI value of type `ty` from `addr + offset`.
pub(crate) fn load_scalar(
    b: &mut FunctionBuilder,
    ty: &NativeType,
    addr: Value,
    offset: i32,
    flags: MemFlags,
) -> Value {
    b.ins().load(clif_type(ty), flags, addr, offset)
}

/// Widens a narrow integer to 64 bits by its signedness (no-op otherwise).
pub(crate) fn widen_to_i64(b: &mut FunctionBuilder, ty: &NativeType, v: Value) -> Value {
    let vt = b.func.dfg.value_type(v);
    if !vt.is_int() || vt == types::I64 {
        return v;
    }
    if ty.is_signed() {
        b.ins().sextend(types::I64, v)
    } else {
        b.ins().uextend(types::I64, v)
    }
}

/// Materialises the address a [`CodeRef`] names: an immediate, or a
/// relocation against an imported symbol.
pub(crate) fn code_address<M: Module>(
    module: &mut M,
    b: &mut FunctionBuilder,
    r: &CodeRef,
    data: bool,
) -> Result<Value, crate::JitError> {
    match r {
        CodeRef::Address(addr) => Ok(b.ins().iconst(types::I64, *addr as i64)),
        CodeRef::Symbol(name) => {
            if data {
                let id =
                    module.declare_data(name, cranelift_module::Linkage::Import, false, false)?;
                let gv = module.declare_data_in_func(id, b.func);
                Ok(b.ins().symbol_value(types::I64, gv))
            } else {
                let sig = module.make_signature();
                let id = module.declare_function(name, cranelift_module::Linkage::Import, &sig)?;
                let fr = module.declare_func_in_func(id, b.func);
                Ok(b.ins().func_addr(types::I64, fr))
            }
        }
    }
}

/// Turns one value per FFI parameter into the C call's argument list.
pub(crate) fn c_call_args(
    b: &mut FunctionBuilder,
    lowering: &CallLowering,
    params: &[NativeType],
    args: &[ArgValue],
) -> Vec<Value> {
    let mut out = Vec::new();
    for ((pl, ty), arg) in lowering.params.iter().zip(params).zip(args) {
        for &pad in &pl.padding {
            out.push(zero(b, pad));
        }
        match (&pl.mode, *arg) {
            (PassMode::Scalar(_), ArgValue::Scalar(v)) => out.push(v),
            (mode, ArgValue::StructAt(src)) => {
                let st = ty.as_struct().expect("struct argument");
                let image = padded_copy(b, src, st);
                match mode {
                    PassMode::Pieces(pieces) => out.extend(
                        pieces
                            .iter()
                            .map(|p| b.ins().load(p.ty, own_mem(), image, p.offset as i32)),
                    ),
                    PassMode::StackCopy(_) | PassMode::Indirect => out.push(image),
                    PassMode::Scalar(_) => unreachable!("struct lowered as scalar"),
                }
            }
            (mode, arg) => unreachable!("{mode:?} with {arg:?}"),
        }
    }
    out
}

/// Turns a C function's incoming parameters (after any sret pointer) back
/// into one value per FFI parameter. Struct pieces are stored into a stack
/// image; stack copies and indirect structs are used in place.
pub(crate) fn c_incoming_args(
    b: &mut FunctionBuilder,
    lowering: &CallLowering,
    params: &[NativeType],
    incoming: &[Value],
) -> Vec<ArgValue> {
    let mut it = incoming.iter().copied();
    let mut out = Vec::with_capacity(params.len());
    for (pl, ty) in lowering.params.iter().zip(params) {
        it.by_ref().take(pl.padding.len()).for_each(drop);
        let arg = match &pl.mode {
            PassMode::Scalar(_) => ArgValue::Scalar(it.next().expect("scalar param")),
            PassMode::StackCopy(_) | PassMode::Indirect => {
                ArgValue::StructAt(it.next().expect("struct pointer"))
            }
            PassMode::Pieces(pieces) => {
                let st = ty.as_struct().expect("struct argument");
                let image = stack_buffer(b, padded_size(st));
                store_pieces(b, pieces, &mut it, image);
                ArgValue::StructAt(image)
            }
        };
        out.push(arg);
    }
    out
}

fn store_pieces(
    b: &mut FunctionBuilder,
    pieces: &[Piece],
    values: &mut impl Iterator<Item = Value>,
    image: Value,
) {
    for p in pieces {
        let v = values.next().expect("struct piece");
        b.ins().store(own_mem(), v, image, p.offset as i32);
    }
}

/// Stores a C call's results into the result buffer `ret` (sret results
/// were written there by the callee already).
pub(crate) fn store_c_result(
    b: &mut FunctionBuilder,
    lowering: &CallLowering,
    results: &[Value],
    ret: Value,
) {
    match &lowering.result {
        ResultLowering::Void | ResultLowering::Sret => {}
        ResultLowering::Scalar(_) => {
            b.ins().store(own_mem(), results[0], ret, 0);
        }
        ResultLowering::Pieces(pieces) => {
            store_pieces(b, pieces, &mut results.iter().copied(), ret)
        }
    }
}

/// Loads the values a C function returns from the result buffer `ret`;
/// for an sret result copies the struct to the caller's `sret` pointer.
pub(crate) fn load_c_result(
    b: &mut FunctionBuilder,
    lowering: &CallLowering,
    result: &NativeType,
    ret: Value,
    sret: Option<Value>,
) -> Vec<Value> {
    match &lowering.result {
        ResultLowering::Void => Vec::new(),
        ResultLowering::Scalar(_) => vec![load_scalar(b, result, ret, 0, own_mem())],
        ResultLowering::Pieces(pieces) => pieces
            .iter()
            .map(|p| b.ins().load(p.ty, own_mem(), ret, p.offset as i32))
            .collect(),
        ResultLowering::Sret => {
            let st = result.as_struct().expect("sret result is a struct");
            copy_bytes(
                b,
                ret,
                sret.expect("sret pointer"),
                st.size() as u32,
                user_mem(),
            );
            Vec::new()
        }
    }
}

fn zero(b: &mut FunctionBuilder, ty: Type) -> Value {
    match ty {
        types::F32 => b.ins().f32const(0.0),
        types::F64 => b.ins().f64const(0.0),
        int => b.ins().iconst(int, 0),
    }
}
