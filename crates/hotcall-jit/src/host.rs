//! Executable stubs for the host: [`Jit`] compiles, [`StubSet`] owns the
//! executable memory of a batch of stubs (a library's trampolines, one
//! callback's thunk) and frees it on drop.
//!
//! Memory comes from `cranelift-jit`: code is written while the pages are
//! read-write and flipped to read-execute when the batch is finalized, so no
//! page is ever writable and executable at once (W^X). Stubs of one batch
//! share pages.

use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::Arc;

use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage};
use hotcall_abi::Signature;

use crate::generate::{define_stub, Contexts, StubKind, StubRequest};
use crate::stubs::invoker::invoker_shape;
use crate::target::Target;
use crate::templates::{SymbolTable, Templates, TrampolineRequest};
use crate::{CodeRef, FastResult, JitError};

/// An invoker: calls `target` with the arguments in `args` (one 8-byte slot
/// per parameter) and stores the result at `ret`.
pub type InvokerFn = unsafe extern "C" fn(target: *const c_void, args: *const u64, ret: *mut u8);

/// What a callback thunk calls: `ctx` is the value baked into the thunk,
/// `args` and `ret` are laid out like an invoker's.
pub type DispatcherFn = unsafe extern "C" fn(ctx: *mut c_void, args: *const u64, ret: *mut u8);

/// A batch of compiled stubs sharing executable memory, freed on drop.
pub struct StubSet {
    module: Option<JITModule>,
    pointers: Vec<*const u8>,
}

impl StubSet {
    /// Entry address of the `i`-th stub of the batch, in request order.
    pub fn pointer(&self, i: usize) -> *const u8 {
        self.pointers[i]
    }

    /// Every entry address, in request order.
    pub fn pointers(&self) -> &[*const u8] {
        &self.pointers
    }
}

impl Drop for StubSet {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the owner of a StubSet guarantees that none of its
            // stubs runs or will be called once it is dropped (a closed
            // library / callback); the module's memory is ours alone.
            unsafe { module.free_memory() };
        }
    }
}

// SAFETY: a StubSet is immutable executable memory plus its addresses; the
// JITModule inside is only touched again by `free_memory` on drop.
unsafe impl Send for StubSet {}
// SAFETY: shared references only read the entry addresses.
unsafe impl Sync for StubSet {}

/// The host code generator: the host ISA (built once), reusable Cranelift
/// contexts, and the invoker cache.
pub struct Jit {
    target: Target,
    cx: Contexts,
    invoker_module: JITModule,
    invokers: HashMap<Signature, InvokerFn>,
    templates: Templates,
}

impl Jit {
    /// A generator for the machine this process runs on.
    pub fn new() -> Result<Jit, JitError> {
        let target = Target::host()?;
        let invoker_module = new_module(&target);
        Ok(Jit {
            target,
            cx: Contexts::default(),
            invoker_module,
            invokers: HashMap::new(),
            templates: Templates::default(),
        })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The invoker for `sig`, compiled on first use and cached for the
    /// lifetime of this `Jit` (one per [`invoker_shape`], shared by all
    /// symbols of that shape).
    pub fn invoker(&mut self, sig: &Signature) -> Result<InvokerFn, JitError> {
        // Signatures of one shape share an invoker (`invoker_shape`).
        let shape = invoker_shape(self.target.flavor(), sig);
        if let Some(&f) = self.invokers.get(&shape) {
            return Ok(f);
        }
        let name = format!("invoker{}", self.invokers.len());
        let req = StubRequest {
            name: &name,
            sig,
            kind: StubKind::Invoker,
        };
        let flavor = self.target.flavor();
        let id = define_stub(
            &mut self.invoker_module,
            flavor,
            &mut self.cx,
            &req,
            Linkage::Local,
        )?;
        self.invoker_module.finalize_definitions()?;
        let ptr = self.invoker_module.get_finalized_function(id);
        // SAFETY: the function was generated with exactly the `InvokerFn`
        // signature in the host C calling convention.
        let f = unsafe { std::mem::transmute::<*const u8, InvokerFn>(ptr) };
        self.invokers.insert(shape, f);
        Ok(f)
    }

    /// Compiles a batch of stubs into fresh executable memory.
    pub fn compile(&mut self, batch: &[(&Signature, StubKind)]) -> Result<StubSet, JitError> {
        let mut module = new_module(&self.target);
        let flavor = self.target.flavor();
        let ids = batch
            .iter()
            .enumerate()
            .map(|(i, (sig, kind))| {
                let name = format!("stub{i}");
                let req = StubRequest {
                    name: &name,
                    sig,
                    kind: kind.clone(),
                };
                define_stub(&mut module, flavor, &mut self.cx, &req, Linkage::Local)
            })
            .collect();
        finish_batch(module, ids)
    }

    /// Fast trampolines for a library: one per `(signature, C function,
    /// result mode)`, in one batch of executable memory. Each signature and
    /// result mode is compiled by Cranelift once per `Jit`; later
    /// trampolines of the same shape reuse its code (see `templates.rs`).
    pub fn fast_trampolines(
        &mut self,
        items: &[(&Signature, *const c_void, FastResult)],
    ) -> Result<StubSet, JitError> {
        let symbols = SymbolTable::default();
        let mut module = new_module_with_symbols(&self.target, Arc::clone(&symbols));
        let flavor = self.target.flavor();
        let ids = items
            .iter()
            .enumerate()
            .map(|(i, (sig, f, result))| {
                let out_slot = match result {
                    FastResult::Direct => None,
                    FastResult::OutSlot(addr) => Some(*addr as usize),
                    FastResult::OutSymbol(name) => {
                        return Err(JitError::Codegen(format!(
                            "out-slot symbol {name} cannot be resolved in the JIT; use OutSlot"
                        )))
                    }
                };
                let req = TrampolineRequest {
                    sig,
                    target: *f as usize,
                    out_slot,
                };
                self.templates
                    .define(&mut module, &mut self.cx, flavor, &symbols, i, &req)
            })
            .collect();
        finish_batch(module, ids)
    }

    /// Whether [`Jit::fast_trampolines`] emits tail jumps where the
    /// signature allows (the default; `stubs/tail.rs`). Off, every
    /// trampoline is compiled by Cranelift (`call` + `ret`): for
    /// benchmarks and tests that compare the two forms.
    pub fn set_tail_jumps(&mut self, on: bool) {
        self.templates.tail_jumps = on;
    }

    /// How many distinct trampoline shapes Cranelift has compiled so far
    /// (the rest were instantiated from templates).
    pub fn compiled_trampoline_shapes(&self) -> usize {
        self.templates.len()
    }

    /// A callback thunk for `sig` that calls `dispatcher(ctx, args, ret)`.
    pub fn callback_thunk(
        &mut self,
        sig: &Signature,
        dispatcher: DispatcherFn,
        ctx: *mut c_void,
    ) -> Result<StubSet, JitError> {
        let kind = StubKind::Thunk {
            dispatcher: CodeRef::Address(dispatcher as usize as u64),
            ctx: CodeRef::Address(ctx as u64),
        };
        self.compile(&[(sig, kind)])
    }
}

fn new_module(target: &Target) -> JITModule {
    let builder = JITBuilder::with_isa(target.isa_arc(), cranelift_module::default_libcall_names());
    JITModule::new(builder)
}

/// A module whose imported symbols are looked up in `symbols` (the
/// addresses of one batch of trampolines).
fn new_module_with_symbols(target: &Target, symbols: SymbolTable) -> JITModule {
    let mut builder =
        JITBuilder::with_isa(target.isa_arc(), cranelift_module::default_libcall_names());
    builder.symbol_lookup_fn(Box::new(move |name| {
        let table = symbols.lock().unwrap_or_else(|p| p.into_inner());
        table.get(name).map(|&addr| addr as *const u8)
    }));
    JITModule::new(builder)
}

/// Finalizes a batch whose stubs were all defined, or frees its memory.
fn finish_batch(
    mut module: JITModule,
    ids: Result<Vec<FuncId>, JitError>,
) -> Result<StubSet, JitError> {
    let finalized = ids.and_then(|ids| {
        module.finalize_definitions()?;
        Ok(ids)
    });
    match finalized {
        Ok(ids) => {
            let pointers = ids
                .iter()
                .map(|&id| module.get_finalized_function(id))
                .collect();
            Ok(StubSet {
                module: Some(module),
                pointers,
            })
        }
        Err(e) => {
            // SAFETY: nothing of this module was handed out.
            unsafe { module.free_memory() };
            Err(e)
        }
    }
}
