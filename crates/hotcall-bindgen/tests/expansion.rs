//! The expansion of `#[bindgen]` seen from Rust: the metadata records (the
//! JSON written here by hand) and the C encoding of the shims, called
//! directly the way the generated bindings call them.

use std::ffi::CStr;

use hotcall_bindgen::__rt::{OptionRepr, OwnedBuf};
use hotcall_bindgen::{bindgen, hotcall_bindgen_free};

#[bindgen]
pub struct Inner {
    pub flag: bool,
    pub value: u64,
}

#[bindgen]
#[repr(C)]
pub struct Outer {
    pub id: u8,
    pub inner: Inner,
    pub ptr: *const u8,
}

#[bindgen]
fn mul(a: i32, b: i32) -> i32 {
    a * b
}

#[bindgen(nonblocking)]
fn nested(o: Outer) -> Option<Inner> {
    o.inner.flag.then_some(Inner {
        flag: false,
        value: o.inner.value + o.id as u64,
    })
}

#[bindgen]
fn greet(name: &str, suffix: Option<&str>) -> String {
    format!("{name}{}", suffix.unwrap_or("?"))
}

#[bindgen]
fn bytes(b: &[u8], out: &mut [u8], v: Vec<u8>) -> Vec<u8> {
    out.copy_from_slice(&b[..out.len()]);
    v
}

#[bindgen]
fn call(f: extern "C" fn(u32) -> f64, g: Option<extern "C" fn()>) -> f64 {
    if let Some(g) = g {
        g();
    }
    f(2)
}

fn record(meta: extern "C" fn() -> *const u8) -> String {
    // SAFETY: the meta functions return a static NUL-terminated record.
    let c = unsafe { CStr::from_ptr(meta().cast()) };
    c.to_str().unwrap().to_owned()
}

#[test]
fn records_describe_each_signature() {
    assert_eq!(
        record(__hotcall_bindgen_meta_fn_mul),
        r#"{"v":1,"name":"mul","nonblocking":false,"params":[{"name":"a","type":"i32"},{"name":"b","type":"i32"}],"result":"i32"}"#
    );
    let inner = r#"{"struct":"Inner","fields":[{"name":"flag","type":"bool"},{"name":"value","type":"u64"}]}"#;
    assert_eq!(
        record(__hotcall_bindgen_meta_fn_nested),
        format!(
            r#"{{"v":1,"name":"nested","nonblocking":true,"params":[{{"name":"o","type":{{"struct":"Outer","fields":[{{"name":"id","type":"u8"}},{{"name":"inner","type":{inner}}},{{"name":"ptr","type":"pointer"}}]}}}}],"result":{{"option":{inner}}}}}"#
        )
    );
    assert_eq!(
        record(__hotcall_bindgen_meta_fn_greet),
        r#"{"v":1,"name":"greet","nonblocking":false,"params":[{"name":"name","type":"str"},{"name":"suffix","type":{"option":"str"}}],"result":"string"}"#
    );
    assert_eq!(
        record(__hotcall_bindgen_meta_fn_bytes),
        r#"{"v":1,"name":"bytes","nonblocking":false,"params":[{"name":"b","type":"bytes"},{"name":"out","type":"bytes_mut"},{"name":"v","type":"vec"}],"result":"vec"}"#
    );
    assert_eq!(
        record(__hotcall_bindgen_meta_fn_call),
        r#"{"v":1,"name":"call","nonblocking":false,"params":[{"name":"f","type":{"function":{"nullable":false,"params":["u32"],"result":"f64"}}},{"name":"g","type":{"function":{"nullable":true,"params":[],"result":"void"}}}],"result":"f64"}"#
    );
}

#[test]
fn structs_are_repr_c() {
    // C layout: bool at 0, u64 at 8 (16 bytes); u8 at 0, Inner at 8,
    // pointer at 24 (32 bytes).
    assert_eq!(std::mem::size_of::<Inner>(), 16);
    assert_eq!(std::mem::offset_of!(Outer, inner), 8);
    assert_eq!(std::mem::offset_of!(Outer, ptr), 24);
    assert_eq!(std::mem::size_of::<Outer>(), 32);
}

/// Takes a returned buffer the way the bindings do: copy, then free.
fn take(buf: OwnedBuf) -> Vec<u8> {
    if buf.ptr.is_null() {
        assert_eq!(buf.len, 0);
        return Vec::new();
    }
    // SAFETY: a non-null OwnedBuf points to `len` bytes owned by us.
    let copy = unsafe { std::slice::from_raw_parts(buf.ptr, buf.len) }.to_vec();
    // SAFETY: freed once, with the pair the shim returned.
    unsafe { hotcall_bindgen_free(buf.ptr, buf.len) };
    copy
}

#[test]
fn shims_take_and_return_the_c_encoding() {
    // SAFETY (all calls below): every (ptr, len) is a live buffer of len
    // bytes, as the shims require.
    unsafe {
        assert_eq!(__hotcall_bindgen_shim_mul(6, -7), -42);

        let name = "Zoë";
        let sfx = "!";
        let s = __hotcall_bindgen_shim_greet(name.as_ptr(), name.len(), true, sfx.as_ptr(), 1);
        assert_eq!(take(s), "Zoë!".as_bytes());
        // None, and an empty name passed as (NULL, 0).
        let s = __hotcall_bindgen_shim_greet(std::ptr::null(), 0, false, std::ptr::null(), 0);
        assert_eq!(take(s), b"?");

        let input = [1u8, 2, 3];
        let mut out = [0u8; 2];
        let v = [9u8, 8];
        let r = __hotcall_bindgen_shim_bytes(input.as_ptr(), 3, out.as_mut_ptr(), 2, v.as_ptr(), 2);
        assert_eq!(out, [1, 2]);
        assert_eq!(take(r), [9, 8]);
        let r = __hotcall_bindgen_shim_bytes(
            input.as_ptr(),
            3,
            std::ptr::null_mut(),
            0,
            std::ptr::null(),
            0,
        );
        assert!(r.ptr.is_null(), "an empty Vec is returned as (NULL, 0)");
        assert_eq!(r.len, 0);

        let o = Outer {
            id: 5,
            inner: Inner {
                flag: true,
                value: 10,
            },
            ptr: std::ptr::null(),
        };
        let r: OptionRepr<Inner> = __hotcall_bindgen_shim_nested(o);
        assert!(r.is_some);
        let inner = r.value.assume_init();
        assert_eq!((inner.flag, inner.value), (false, 15));
        let o = Outer {
            id: 5,
            inner: Inner {
                flag: false,
                value: 10,
            },
            ptr: std::ptr::null(),
        };
        let r = __hotcall_bindgen_shim_nested(o);
        assert!(!r.is_some);
        let bytes: [u8; 16] = std::mem::transmute(r.value);
        assert_eq!(bytes, [0; 16], "None carries zero bytes");

        extern "C" fn half(v: u32) -> f64 {
            v as f64 / 4.0
        }
        assert_eq!(__hotcall_bindgen_shim_call(half, None), 0.5);
    }
}
