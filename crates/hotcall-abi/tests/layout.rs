//! C struct layout. Every expected number below was worked out by hand from
//! the C rule (each field at the next multiple of its alignment, size rounded
//! up to the largest alignment), not by running the code.

use std::sync::Arc;

use hotcall_abi::{NativeType as T, StructType};

fn st(fields: Vec<T>) -> StructType {
    StructType::new(fields).expect("valid struct")
}

fn nested(fields: Vec<T>) -> T {
    T::Struct(Arc::new(st(fields)))
}

/// Checks offsets, size and alignment of `s`.
fn check(s: &StructType, offsets: &[usize], size: usize, align: usize) {
    assert_eq!(s.offsets(), offsets, "offsets of {s}");
    assert_eq!(s.size(), size, "size of {s}");
    assert_eq!(s.align(), align, "align of {s}");
}

#[test]
fn scalar_sizes_match_the_type_table() {
    let table = [
        (T::Bool, 1),
        (T::U8, 1),
        (T::I8, 1),
        (T::U16, 2),
        (T::I16, 2),
        (T::U32, 4),
        (T::I32, 4),
        (T::F32, 4),
        (T::U64, 8),
        (T::I64, 8),
        (T::USize, 8),
        (T::ISize, 8),
        (T::F64, 8),
        (T::Pointer, 8),
        (T::Buffer, 8),
        (T::Function, 8),
    ];
    for (ty, size) in table {
        assert_eq!((ty.size(), ty.align()), (size, size), "{ty}");
    }
    assert_eq!(T::Void.size(), 0);
}

#[test]
fn bytes_only() {
    // Alignment 1: no padding at all.
    check(&st(vec![T::U8, T::Bool, T::I8]), &[0, 1, 2], 3, 1);
}

#[test]
fn padding_between_and_after() {
    // u8 @0, u16 @2 (1 byte of padding), u8 @4; 5 bytes round up to 6.
    check(&st(vec![T::U8, T::U16, T::U8]), &[0, 2, 4], 6, 2);
    // u8 @0, f64 @8, i32 @16; 20 bytes round up to 24.
    check(&st(vec![T::U8, T::F64, T::I32]), &[0, 8, 16], 24, 8);
    // i16 @0, pointer @8, u8 @16; 17 round up to 24.
    check(&st(vec![T::I16, T::Pointer, T::U8]), &[0, 8, 16], 24, 8);
    // f64 @0, u8 @8; 9 round up to 16.
    check(&st(vec![T::F64, T::U8]), &[0, 8], 16, 8);
}

#[test]
fn packed_without_padding() {
    check(&st(vec![T::U8, T::U8, T::U16]), &[0, 1, 2], 4, 2);
    check(&st(vec![T::I32, T::F32]), &[0, 4], 8, 4);
    check(&st(vec![T::F32, T::F32, T::F32]), &[0, 4, 8], 12, 4);
    check(&st(vec![T::F64, T::F64]), &[0, 8], 16, 8);
}

#[test]
fn nested_structs_align_as_their_largest_field() {
    // Inner {u16, u8}: u16 @0, u8 @2, size 3 -> 4, align 2.
    // Outer: u8 @0, inner @2 (align 2), u8 @6; 7 bytes round up to 8.
    let inner = nested(vec![T::U16, T::U8]);
    assert_eq!((inner.size(), inner.align()), (4, 2));
    let outer = st(vec![T::U8, inner, T::U8]);
    check(&outer, &[0, 2, 6], 8, 2);
    assert_eq!(
        outer.flatten(),
        vec![(0, T::U8), (2, T::U16), (4, T::U8), (6, T::U8)]
    );
}

#[test]
fn nested_struct_after_a_byte() {
    // {f64} @0 (8 bytes); u8 @8; {u8, u32} (u8 @0, u32 @4: size 8, align 4)
    // at the next multiple of 4 after 9, i.e. 12; ends at 20 -> 24.
    let outer = st(vec![
        nested(vec![T::F64]),
        T::U8,
        nested(vec![T::U8, T::U32]),
    ]);
    check(&outer, &[0, 8, 12], 24, 8);
    assert_eq!(
        outer.flatten(),
        vec![(0, T::F64), (8, T::U8), (12, T::U8), (16, T::U32)]
    );
}

#[test]
fn bool_then_wide() {
    // bool @0, i64 @8: 16 bytes, align 8.
    check(&st(vec![T::Bool, T::I64]), &[0, 8], 16, 8);
}

#[test]
fn invalid_layouts_are_refused() {
    assert_eq!(StructType::new(vec![]), None);
    assert_eq!(StructType::new(vec![T::U8, T::Void]), None);
}
