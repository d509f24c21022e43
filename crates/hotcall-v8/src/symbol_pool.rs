//! Reuse of a closed library's symbol functions by later `dlopen`s.
//!
//! A V8 function made from a `FunctionTemplate` (the only kind that can
//! carry a fast-call overload) is never freed: the context's template
//! instantiation cache holds it for the life of the context. Creating new
//! ones on every `dlopen` therefore grows memory without bound under
//! repeated dlopen/close, and costs a template and a trampoline per symbol.
//!
//! So `close()` hands each symbol's functions back to this pool, together
//! with everything their fast trampoline bakes in: the C address, the
//! signature and the out cell. A later `dlopen` that resolves a symbol of
//! the same signature and call mode to the same address takes them back and
//! only re-points the functions' [`SymbolCell`] at the new symbol: no
//! template, no trampoline, no allocation in V8. Reopening a library (which
//! the loader maps at the same address while it stays loaded, and usually
//! again after it was unloaded) stops growing memory after the first round.
//!
//! Out cells, the 8-byte places where fast trampolines store 64-bit and
//! pointer results, come from an [`OutArena`] of fixed chunks, so that a
//! reused trampoline's cell outlives the library it was first made for.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use hotcall_abi::Signature;

use crate::symbol::SymbolCell;

/// At most this many symbols wait in the pool; beyond it, a waiting symbol
/// is dropped for each one closed (its V8 functions stay in V8's cache and
/// its code stays mapped; its out cell is recycled).
pub const MAX_POOLED: usize = 16 * 1024;

/// Cells per out-arena chunk (one `ArrayBuffer` each).
pub const OUT_CHUNK_CELLS: usize = 512;

/// How a symbol is called: functions are only reused for the same mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallMode {
    /// Fast overload (a trampoline) plus the slow callback.
    Fast,
    /// Slow callback only (`callback: true`, or no fast form).
    Slow,
    /// Returns a Promise, runs on the worker pool.
    Nonblocking,
}

/// What a symbol's functions are specialised to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PoolKey {
    /// The install (context) the functions belong to: functions are never
    /// shared between realms.
    pub realm: u64,
    /// The C function's address.
    pub target: usize,
    pub sig: Signature,
    pub mode: CallMode,
}

/// One out cell: chunk index and cell index within the chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutCell {
    pub chunk: u32,
    pub index: u32,
}

/// A symbol's V8 functions and what they depend on, while its library is
/// open (owned by the library) or while it waits in the pool.
pub struct PooledSymbol {
    pub key: PoolKey,
    /// What the functions call through (anchored for the isolate's life).
    pub cell: *const SymbolCell,
    /// 64-bit parameters as Numbers (the only function without a BigInt form).
    pub number: v8::Global<v8::Function>,
    /// 64-bit parameters as BigInts (fast symbols with 64-bit parameters).
    pub bigint: Option<v8::Global<v8::Function>>,
    /// The fast trampoline, and the compiled batch that holds its code.
    pub trampoline: Option<(*const u8, Rc<hotcall_jit::StubSet>)>,
    /// Where out-slot results go.
    pub out: Option<OutCell>,
    /// Its JS wrapper's shape ([`WrapperShapes`]).
    pub shape: u32,
}

impl PooledSymbol {
    /// Points the functions at nothing: a stray call throws.
    fn detach(&self) {
        // SAFETY: `cell` was anchored by `new_functions` for the isolate's
        // life, and the pool lives in that isolate's state.
        unsafe { &*self.cell }.set(None);
    }
}

/// The out-cell arena of one isolate: chunks are never freed (trampolines
/// in the pool point into them), cells are recycled.
#[derive(Default)]
pub struct OutArena {
    chunks: Vec<(v8::SharedRef<v8::BackingStore>, v8::Global<v8::ArrayBuffer>)>,
    free: Vec<OutCell>,
}

impl OutArena {
    /// A free cell, zeroed (a new chunk when none is free).
    pub fn alloc(&mut self, scope: &mut v8::HandleScope) -> OutCell {
        if self.free.is_empty() {
            let chunk = self.chunks.len() as u32;
            let store = v8::ArrayBuffer::new_backing_store_from_boxed_slice(
                vec![0u8; OUT_CHUNK_CELLS * 8].into_boxed_slice(),
            )
            .make_shared();
            let buffer = v8::ArrayBuffer::with_backing_store(scope, &store);
            self.chunks.push((store, v8::Global::new(scope, buffer)));
            self.free.extend(
                (0..OUT_CHUNK_CELLS as u32)
                    .rev()
                    .map(|index| OutCell { chunk, index }),
            );
        }
        self.free.pop().expect("a chunk was just added")
    }

    /// Returns `cell` for reuse.
    pub fn release(&mut self, cell: OutCell) {
        self.free.push(cell);
    }

    /// The address of `cell`.
    pub fn address(&self, cell: OutCell) -> *mut u8 {
        let store = &self.chunks[cell.chunk as usize].0;
        let base = store.data().expect("out chunks are not empty").as_ptr() as *mut u8;
        base.wrapping_add(cell.index as usize * 8)
    }

    /// Every chunk as an `ArrayBuffer`, indexed by chunk number.
    pub fn buffers<'s>(&self, scope: &mut v8::HandleScope<'s>) -> v8::Local<'s, v8::Array> {
        let items: Vec<v8::Local<v8::Value>> = self
            .chunks
            .iter()
            .map(|(_, b)| v8::Local::new(scope, b).into())
            .collect();
        v8::Array::new_with_elements(scope, &items)
    }
}

/// What a symbol's JS wrapper is generated from (`js/ffi.js`): arity,
/// result kind, indices of `bool` parameters, indices of 64-bit ones.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WrapperShape {
    pub arity: u32,
    pub kind: u32,
    pub bools: Vec<u32>,
    pub wide: Vec<u32>,
}

/// The wrapper shapes of one isolate, numbered in order of first use; JS
/// keeps one factory per number (and asks for the description of a number
/// it has no factory for, see [`WrapperShapes::get`]).
#[derive(Default)]
pub struct WrapperShapes {
    ids: HashMap<WrapperShape, u32, BuildHasherDefault<FxHasher>>,
    by_id: Vec<WrapperShape>,
}

impl WrapperShapes {
    /// The number of `shape`, and the shape if it is new (to send to JS).
    pub fn id(&mut self, shape: WrapperShape) -> (u32, Option<WrapperShape>) {
        if let Some(&id) = self.ids.get(&shape) {
            return (id, None);
        }
        let id = self.by_id.len() as u32;
        self.ids.insert(shape.clone(), id);
        self.by_id.push(shape.clone());
        (id, Some(shape))
    }

    /// The shape numbered `id`.
    pub fn get(&self, id: u32) -> Option<&WrapperShape> {
        self.by_id.get(id as usize)
    }
}

/// Closed symbols waiting for a `dlopen` that needs the same functions.
#[derive(Default)]
pub struct SymbolPool {
    /// By key; emptied lists stay (reopening empties and refills them),
    /// up to [`MAX_POOLED`] keys.
    waiting: HashMap<PoolKey, Vec<PooledSymbol>, BuildHasherDefault<FxHasher>>,
    count: usize,
    pub out: OutArena,
    pub shapes: WrapperShapes,
    /// The code of discarded symbols (see [`SymbolPool::discard`]).
    kept_code: Vec<Rc<hotcall_jit::StubSet>>,
}

impl SymbolPool {
    /// A waiting symbol with functions specialised to `key`, if any.
    pub fn take(&mut self, key: &PoolKey) -> Option<PooledSymbol> {
        let symbol = self.waiting.get_mut(key)?.pop()?;
        self.count -= 1;
        Some(symbol)
    }

    /// Takes back the symbol of a closed library (or of a failed `dlopen`).
    /// When the pool is full, a symbol of another key makes room (the
    /// incoming one is the likeliest to be reopened).
    pub fn give_back(&mut self, symbol: PooledSymbol) {
        symbol.detach();
        if self.count >= MAX_POOLED {
            let victim = self
                .waiting
                .iter_mut()
                .find(|(key, list)| !list.is_empty() && **key != symbol.key)
                .and_then(|(_, list)| list.pop());
            match victim {
                Some(victim) => {
                    self.count -= 1;
                    self.discard(victim);
                }
                None => return self.discard(symbol),
            }
        }
        self.count += 1;
        if let Some(list) = self.waiting.get_mut(&symbol.key) {
            list.push(symbol);
            return;
        }
        if self.waiting.len() >= MAX_POOLED {
            self.waiting.retain(|_, list| !list.is_empty());
        }
        self.waiting.insert(symbol.key.clone(), vec![symbol]);
    }

    /// Drops `symbol` from the pool for good. Its code is kept: `close()`
    /// may run inside a call of this very symbol (from a callback), whose
    /// trampoline would return into freed memory, and V8 keeps the
    /// function anyway. Its out cell is recycled (a call still running
    /// writes its result there once more, which a later owner of the cell
    /// overwrites before reading).
    fn discard(&mut self, symbol: PooledSymbol) {
        if let Some((_, stubs)) = symbol.trampoline {
            self.kept_code.push(stubs);
        }
        if let Some(cell) = symbol.out {
            self.out.release(cell);
        }
    }
}

/// A fast non-cryptographic hasher for pool keys (addresses and small
/// type lists chosen by the script itself, so no flooding concern beyond
/// what the script can do to itself): multiply-rotate per word.
#[derive(Default)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn write_u8(&mut self, byte: u8) {
        self.write_u64(u64::from(byte));
    }

    fn write_u32(&mut self, word: u32) {
        self.write_u64(u64::from(word));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
