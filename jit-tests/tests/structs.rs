//! Structs by value through the invoker: small integer structs (sizes 3
//! and 4), float structs (SSE classes, 12 bytes, a 4-double HFA), mixed,
//! larger than 16 bytes (stack and sret), nested, and structs after the
//! argument registers are used up.

mod common;

use common::*;
use hotcall_abi::NativeType as T;
use hotcall_jit::Jit;
use hotcall_jit_tests::call::addr;

#[test]
fn small_integer_structs() {
    let mut jit = Jit::new().unwrap();
    let (a, b) = (fixture("u8u8u16"), fixture("u8x3"));
    let v = U8U8U16 {
        a: 1,
        b: 200,
        c: 0xbeef,
    };
    // SAFETY (all calls below): each fixture has the signature built next
    // to it; struct slots point at live mirrors; results read as mirrors.
    unsafe {
        let make: U8U8U16 = call_as(
            &mut jit,
            hc_u8u8u16_make(),
            &sig(vec![T::U8, T::U8, T::U16], a.clone()),
            &[1, 200, 0xbeef],
        );
        assert_eq!(make, v);
        let sum: u32 = call_as(
            &mut jit,
            hc_u8u8u16_sum(),
            &sig(vec![a.clone()], T::U32),
            &[addr(&v)],
        );
        assert_eq!(sum, 1 + 200 + 0xbeef);
        let rev: U8U8U16 = call_as(
            &mut jit,
            hc_u8u8u16_rev(),
            &sig(vec![a.clone()], a),
            &[addr(&v)],
        );
        assert_eq!(
            rev,
            U8U8U16 {
                a: 200,
                b: 1,
                c: 0xbef0
            }
        );

        let w = U8x3 { a: 7, b: 8, c: 9 };
        let make: U8x3 = call_as(
            &mut jit,
            hc_u8x3_make(),
            &sig(vec![T::U8; 3], b.clone()),
            &[7, 8, 9],
        );
        assert_eq!(make, w);
        let sum: u32 = call_as(
            &mut jit,
            hc_u8x3_sum(),
            &sig(vec![b.clone()], T::U32),
            &[addr(&w)],
        );
        assert_eq!(sum, 7 * 65536 + 8 * 256 + 9);
        let rot: U8x3 = call_as(
            &mut jit,
            hc_u8x3_rot(),
            &sig(vec![b.clone()], b),
            &[addr(&w)],
        );
        assert_eq!(rot, U8x3 { a: 8, b: 9, c: 7 });
    }
}

#[test]
fn float_structs() {
    let mut jit = Jit::new().unwrap();
    let (d2, f2, f3) = (fixture("d2"), fixture("f2"), fixture("f3"));
    let bits = |x: f64| x.to_bits();
    let bits32 = |x: f32| x.to_bits() as u64;
    // SAFETY (all calls below): as in `small_integer_structs`.
    unsafe {
        let p = D2 { x: 1.5, y: -2.0 };
        let q = D2 { x: 4.0, y: 0.25 };
        let make: D2 = call_as(
            &mut jit,
            hc_d2_make(),
            &sig(vec![T::F64, T::F64], d2.clone()),
            &[bits(1.5), bits(-2.0)],
        );
        assert_eq!(make, p);
        let dot: f64 = call_as(
            &mut jit,
            hc_d2_dot(),
            &sig(vec![d2.clone(), d2.clone()], T::F64),
            &[addr(&p), addr(&q)],
        );
        assert_eq!(dot, 1.5 * 4.0 - 2.0 * 0.25);
        let swap: D2 = call_as(
            &mut jit,
            hc_d2_swap(),
            &sig(vec![d2.clone()], d2),
            &[addr(&p)],
        );
        assert_eq!(swap, D2 { x: -2.0, y: 1.5 });

        let v = F2 { x: 0.5, y: -8.0 };
        let make: F2 = call_as(
            &mut jit,
            hc_f2_make(),
            &sig(vec![T::F32, T::F32], f2.clone()),
            &[bits32(0.5), bits32(-8.0)],
        );
        assert_eq!(make, v);
        let sum: f32 = call_as(
            &mut jit,
            hc_f2_sum(),
            &sig(vec![f2.clone()], T::F32),
            &[addr(&v)],
        );
        assert_eq!(sum, -7.5);
        let swap: F2 = call_as(
            &mut jit,
            hc_f2_swap(),
            &sig(vec![f2.clone()], f2),
            &[addr(&v)],
        );
        assert_eq!(swap, F2 { x: -8.0, y: 0.5 });

        let w = F3 {
            x: 1.0,
            y: 2.0,
            z: 3.0,
        };
        let make: F3 = call_as(
            &mut jit,
            hc_f3_make(),
            &sig(vec![T::F32; 3], f3.clone()),
            &[bits32(1.0), bits32(2.0), bits32(3.0)],
        );
        assert_eq!(make, w);
        let sum: f32 = call_as(
            &mut jit,
            hc_f3_sum(),
            &sig(vec![f3.clone()], T::F32),
            &[addr(&w)],
        );
        assert_eq!(sum, 1.0 + 4.0 + 12.0);
        let rot: F3 = call_as(
            &mut jit,
            hc_f3_rot(),
            &sig(vec![f3.clone()], f3),
            &[addr(&w)],
        );
        assert_eq!(
            rot,
            F3 {
                x: 2.0,
                y: 3.0,
                z: 1.0
            }
        );

        let h = Hfa4 {
            a: 1.0,
            b: 2.0,
            c: 3.0,
            d: 4.0,
        };
        let hfa4 = fixture("hfa4");
        let make: Hfa4 = call_as(
            &mut jit,
            hc_hfa4_make(),
            &sig(vec![T::F64; 4], hfa4.clone()),
            &[bits(1.0), bits(2.0), bits(3.0), bits(4.0)],
        );
        assert_eq!(make, h);
        let sum: f64 = call_as(
            &mut jit,
            hc_hfa4_sum(),
            &sig(vec![hfa4], T::F64),
            &[addr(&h)],
        );
        assert_eq!(sum, 1.0 + 4.0 + 9.0 + 16.0);
    }
}

#[test]
fn mixed_large_and_nested_structs() {
    let mut jit = Jit::new().unwrap();
    let (ifs, udi, big) = (fixture("if"), fixture("udi"), fixture("big"));
    // SAFETY (all calls below): as in `small_integer_structs`.
    unsafe {
        let v = If { i: -9, f: 2.5 };
        let make: If = call_as(
            &mut jit,
            hc_if_make(),
            &sig(vec![T::I32, T::F32], ifs.clone()),
            &[(-9i32) as u32 as u64, 2.5f32.to_bits() as u64],
        );
        assert_eq!(make, v);
        let sum: f64 = call_as(
            &mut jit,
            hc_if_sum(),
            &sig(vec![ifs.clone()], T::F64),
            &[addr(&v)],
        );
        assert_eq!(sum, -6.5);
        let neg: If = call_as(
            &mut jit,
            hc_if_neg(),
            &sig(vec![ifs.clone()], ifs.clone()),
            &[addr(&v)],
        );
        assert_eq!(neg, If { i: 9, f: -2.5 });

        let u = Udi {
            a: 250,
            b: 0.125,
            c: -4,
        };
        let make: Udi = call_as(
            &mut jit,
            hc_udi_make(),
            &sig(vec![T::U8, T::F64, T::I32], udi.clone()),
            &[250, 0.125f64.to_bits(), (-4i32) as u32 as u64],
        );
        assert_eq!(make, u);
        let sum: f64 = call_as(
            &mut jit,
            hc_udi_sum(),
            &sig(vec![udi.clone(), T::F32], T::F64),
            &[addr(&u), 1.5f32.to_bits() as u64],
        );
        assert_eq!(sum, 250.0 + 0.125 - 4.0 + 1.5);
        let bump: Udi = call_as(
            &mut jit,
            hc_udi_bump(),
            &sig(vec![udi.clone()], udi),
            &[addr(&u)],
        );
        assert_eq!(
            bump,
            Udi {
                a: 251,
                b: 0.25,
                c: -5
            }
        );

        let g = Big {
            a: 1 << 40,
            b: -2,
            c: 3,
            d: 0.5,
        };
        let make: Big = call_as(
            &mut jit,
            hc_big_make(),
            &sig(vec![T::I64, T::I64, T::I64, T::F64], big.clone()),
            &[1 << 40, (-2i64) as u64, 3, 0.5f64.to_bits()],
        );
        assert_eq!(make, g);
        let sum: f64 = call_as(
            &mut jit,
            hc_big_sum(),
            &sig(vec![big.clone()], T::F64),
            &[addr(&g)],
        );
        assert_eq!(sum, (1u64 << 40) as f64 + 1.0 + 0.5);
        let bump: Big = call_as(
            &mut jit,
            hc_big_bump(),
            &sig(vec![T::I32, big.clone()], big),
            &[10, addr(&g)],
        );
        assert_eq!(
            bump,
            Big {
                a: (1 << 40) + 10,
                b: 8,
                c: 13,
                d: 10.5
            }
        );

        let n = Nest {
            p: F2 { x: 1.5, y: 2.5 },
            k: -10,
        };
        let nest = fixture("nest");
        let make: Nest = call_as(
            &mut jit,
            hc_nest_make(),
            &sig(vec![T::F32, T::F32, T::I32], nest.clone()),
            &[
                1.5f32.to_bits() as u64,
                2.5f32.to_bits() as u64,
                (-10i32) as u32 as u64,
            ],
        );
        assert_eq!(make, n);
        let sum: f64 = call_as(
            &mut jit,
            hc_nest_sum(),
            &sig(vec![nest], T::F64),
            &[addr(&n)],
        );
        assert_eq!(sum, -6.0);

        let m = Nest2 {
            tag: 3,
            inner: Nest2In {
                lo: 0x1234,
                hi: 0x56,
            },
            w: 1000.0,
        };
        let nest2 = fixture("nest2");
        let make: Nest2 = call_as(
            &mut jit,
            hc_nest2_make(),
            &sig(vec![T::U8, T::U16, T::U8, T::F32], nest2.clone()),
            &[3, 0x1234, 0x56, 1000.0f32.to_bits() as u64],
        );
        assert_eq!(make, m);
        let sum: u64 = call_as(
            &mut jit,
            hc_nest2_sum(),
            &sig(vec![nest2], T::U64),
            &[addr(&m)],
        );
        assert_eq!(sum, 3 + 0x1234 * 256 + 0x56 * 65536 + 1000);

        // Six integers use up the integer registers: the {i32, f32} struct
        // goes on the stack, the two-double struct still in SSE registers.
        let d = D2 { x: 0.5, y: 0.25 };
        let mut params = vec![T::I64; 6];
        params.extend([ifs, fixture("d2"), T::I64]);
        let late: f64 = call_as(
            &mut jit,
            hc_struct_late(),
            &sig(params, T::F64),
            &[1, 2, 3, 4, 5, 6, addr(&v), addr(&d), 7],
        );
        assert_eq!(
            late,
            (1 + 4 + 9 + 16 + 25 + 36 + 49) as f64 - 9.0 + 2.5 + 5.0 + 25.0
        );
    }
}
