//! Call Rust from JavaScript through hotcall's FFI without writing glue.
//!
//! Put `#[bindgen]` on the `fn`s a `cdylib` exports and on the `struct`s they
//! take or return, then run `hotcall bindgen` in the crate's directory: it
//! builds the library and writes a TypeScript module whose functions take
//! plain JS values (`mul({ a: 10, b: 2 })`).
//!
//! ```ignore
//! use hotcall_bindgen::bindgen;
//!
//! #[bindgen]
//! struct Input { a: i32, b: i32 }
//!
//! #[bindgen]
//! fn mul(input: Input) -> i32 { input.a * input.b }
//! ```
//!
//! The supported types, their C encoding, who frees returned buffers and the
//! metadata format are described in `docs/bindgen.md`.

pub use hotcall_bindgen_macro::bindgen;

/// Frees a string or byte buffer returned by a `#[bindgen]` function
/// (`String`, `Vec<u8>`, or those inside `Option`). The generated bindings
/// call it once, right after copying the bytes into JS.
///
/// # Safety
/// `ptr` and `len` must be a pair returned by a `#[bindgen]` function of
/// this library, not freed before. A null `ptr` (the encoding of an empty
/// buffer) is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hotcall_bindgen_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: the caller passes a (ptr, len) pair made by `OwnedBuf::from_vec`
    // from a `Box<[u8]>` of exactly `len` bytes, and frees it only once.
    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
}

/// Support code for the macro's expansion; not a stable API.
#[doc(hidden)]
pub mod __rt {
    use std::borrow::Cow;
    use std::mem::MaybeUninit;

    /// Implemented by `#[bindgen]` on a struct: the struct is `#[repr(C)]`
    /// and `DESC` is its JSON type descriptor (see `docs/bindgen.md`).
    ///
    /// # Safety
    /// `DESC` must describe the struct's fields, in order, with their C types.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a type #[bindgen] functions can take or return",
        note = "put #[hotcall_bindgen::bindgen] on the struct, or use a supported type: bool, u8, i8, u16, i16, u32, i32, u64, i64, usize, isize, f32, f64, *const T, *mut T, &str, String, &[u8], &mut [u8], Vec<u8>, Option<T>, a #[bindgen] struct, or an extern \"C\" fn (parameters only)"
    )]
    pub unsafe trait BindgenStruct: Sized {
        /// The JSON type descriptor of the struct.
        const DESC: &'static [u8];
    }

    /// A returned `String` / `Vec<u8>`: C `struct { uint8_t *ptr; size_t len; }`.
    /// An empty buffer is `{ NULL, 0 }`; any other is freed with
    /// [`crate::hotcall_bindgen_free`].
    #[repr(C)]
    pub struct OwnedBuf {
        pub ptr: *mut u8,
        pub len: usize,
    }

    impl OwnedBuf {
        /// Leaks `bytes` (shrunk to its length) to the caller.
        pub fn from_vec(bytes: Vec<u8>) -> OwnedBuf {
            if bytes.is_empty() {
                return OwnedBuf {
                    ptr: std::ptr::null_mut(),
                    len: 0,
                };
            }
            let len = bytes.len();
            let ptr = Box::into_raw(bytes.into_boxed_slice()) as *mut u8;
            OwnedBuf { ptr, len }
        }

        /// Leaks the UTF-8 bytes of `s` to the caller.
        pub fn from_string(s: String) -> OwnedBuf {
            OwnedBuf::from_vec(s.into_bytes())
        }
    }

    /// A returned `Option<T>`: C `struct { bool is_some; T value; }`, where
    /// `value` is all zero bytes for `None`.
    #[repr(C)]
    pub struct OptionRepr<T> {
        pub is_some: bool,
        pub value: MaybeUninit<T>,
    }

    impl<T> OptionRepr<T> {
        pub fn new(value: Option<T>) -> OptionRepr<T> {
            match value {
                Some(v) => OptionRepr {
                    is_some: true,
                    value: MaybeUninit::new(v),
                },
                None => OptionRepr {
                    is_some: false,
                    value: MaybeUninit::zeroed(),
                },
            }
        }
    }

    /// The bytes of a `(ptr, len)` argument; empty when `len` is 0 (then
    /// `ptr` may be null).
    ///
    /// # Safety
    /// Unless `len` is 0, `ptr` must point to `len` readable bytes that stay
    /// valid and unmodified for `'a`.
    pub unsafe fn bytes_arg<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
        if len == 0 || ptr.is_null() {
            return &[];
        }
        // SAFETY: non-null with `len` readable bytes, by the caller's contract.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }

    /// The bytes of a `(ptr, len)` argument the function may modify.
    ///
    /// # Safety
    /// Unless `len` is 0, `ptr` must point to `len` writable bytes, not
    /// aliased for `'a`.
    pub unsafe fn bytes_mut_arg<'a>(ptr: *mut u8, len: usize) -> &'a mut [u8] {
        if len == 0 || ptr.is_null() {
            return &mut [];
        }
        // SAFETY: non-null, `len` writable unaliased bytes, by the caller's contract.
        unsafe { std::slice::from_raw_parts_mut(ptr, len) }
    }

    /// A `(ptr, len)` string argument; invalid UTF-8 is replaced by U+FFFD
    /// (the generated bindings always pass valid UTF-8).
    ///
    /// # Safety
    /// As [`bytes_arg`].
    pub unsafe fn str_arg<'a>(ptr: *const u8, len: usize) -> Cow<'a, str> {
        // SAFETY: forwarded contract.
        String::from_utf8_lossy(unsafe { bytes_arg(ptr, len) })
    }

    /// Total length of `parts` (for [`concat`]).
    pub const fn total_len(parts: &[&[u8]]) -> usize {
        let mut n = 0;
        let mut i = 0;
        while i < parts.len() {
            n += parts[i].len();
            i += 1;
        }
        n
    }

    /// `parts` joined into one array of length `N` (`N` = [`total_len`]),
    /// at compile time: builds the metadata records out of the descriptors
    /// of the structs a function uses.
    pub const fn concat<const N: usize>(parts: &[&[u8]]) -> [u8; N] {
        let mut out = [0u8; N];
        let mut at = 0;
        let mut i = 0;
        while i < parts.len() {
            let mut j = 0;
            while j < parts[i].len() {
                out[at] = parts[i][j];
                at += 1;
                j += 1;
            }
            i += 1;
        }
        assert!(at == N, "concat: length mismatch");
        out
    }
}
