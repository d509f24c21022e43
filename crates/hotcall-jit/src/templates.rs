//! Fast-trampoline templates: a trampoline's machine code depends only on
//! its signature and result mode; the C function and the out-slot are two
//! relocated addresses. So each `(signature, result mode)` is compiled by
//! Cranelift once per [`crate::Jit`] and every further trampoline of that
//! shape is its bytes, defined again with the two relocations pointed at the
//! new symbol's addresses (`Module::define_function_bytes`).
//!
//! The addresses reach the module as imported symbols with batch-unique
//! names, resolved at finalize time through a lookup table of the batch.
//!
//! Shapes that are tail jumps (`stubs/tail.rs`) bypass the cache: their
//! few bytes are emitted directly with the C function's address baked in,
//! which is cheaper than looking a template up.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::ir::{ExternalName, UserExternalName};
use cranelift_codegen::FinalizedRelocTarget;
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Linkage, Module, ModuleReloc, ModuleRelocTarget};
use hotcall_abi::{NativeType, Signature};

use crate::generate::{compile_stub, Contexts, StubKind, StubRequest};
use crate::stubs::{fast, tail};
use crate::target::AbiFlavor;
use crate::{CodeRef, FastResult, JitError};

/// Addresses of the imported names of one batch, read when it is finalized.
pub(crate) type SymbolTable = Arc<Mutex<HashMap<String, usize>>>;

/// What a relocation of a template points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    CFunction,
    OutSlot,
}

#[derive(Clone, Debug)]
struct TemplateReloc {
    offset: u32,
    kind: Reloc,
    role: Role,
    addend: i64,
}

/// The compiled code of one trampoline shape.
#[derive(Clone, Debug)]
struct Template {
    bytes: Vec<u8>,
    alignment: u64,
    relocs: Vec<TemplateReloc>,
}

/// The per-`Jit` cache of trampoline templates.
pub(crate) struct Templates {
    by_shape: HashMap<(Signature, bool), Template>,
    /// Emit tail jumps where possible (else Cranelift compiles every shape).
    pub(crate) tail_jumps: bool,
}

impl Default for Templates {
    fn default() -> Templates {
        Templates {
            by_shape: HashMap::new(),
            tail_jumps: true,
        }
    }
}

/// One trampoline to define in a batch.
pub(crate) struct TrampolineRequest<'a> {
    pub sig: &'a Signature,
    pub target: usize,
    pub out_slot: Option<usize>,
}

impl Templates {
    /// Number of shapes compiled so far.
    pub(crate) fn len(&self) -> usize {
        self.by_shape.len()
    }

    /// Defines trampoline number `i` of a batch in `module`: from its
    /// template if the shape was compiled before, else compiled by Cranelift
    /// (and remembered). `symbols` receives the addresses its imports need.
    pub(crate) fn define(
        &mut self,
        module: &mut JITModule,
        cx: &mut Contexts,
        flavor: AbiFlavor,
        symbols: &SymbolTable,
        i: usize,
        req: &TrampolineRequest,
    ) -> Result<FuncId, JitError> {
        // Before the shape key is built (define_stub checks again).
        hotcall_abi::limits::check_signature(req.sig).map_err(JitError::OverLimit)?;
        let stub_name = format!("stub{i}");
        if req.out_slot.is_none() && self.tail_jumps {
            if let Some(plan) = tail::plan(flavor, req.sig, &FastResult::Direct) {
                let target = CodeRef::Address(req.target as u64);
                return tail::define(
                    module,
                    flavor,
                    &plan,
                    &stub_name,
                    Linkage::Local,
                    req.sig,
                    &target,
                );
            }
        }
        let target_name = format!("hotcall.target.{i}");
        let out_name = format!("hotcall.out.{i}");
        {
            let mut table = symbols.lock().unwrap_or_else(|p| p.into_inner());
            table.insert(target_name.clone(), req.target);
            if let Some(out) = req.out_slot {
                table.insert(out_name.clone(), out);
            }
        }
        let result = match req.out_slot {
            Some(_) => FastResult::OutSymbol(out_name.clone()),
            None => FastResult::Direct,
        };
        let key = (canonical(req.sig), req.out_slot.is_some());
        if let Some(template) = self.by_shape.get(&key) {
            return instantiate(
                module,
                flavor,
                template,
                &stub_name,
                req.sig,
                &result,
                &target_name,
                &out_name,
            );
        }
        let kind = StubKind::Fast {
            target: CodeRef::Symbol(target_name),
            result,
        };
        let id = compile_stub(
            module,
            flavor,
            cx,
            &StubRequest {
                name: &stub_name,
                sig: req.sig,
                kind,
            },
            Linkage::Local,
        )?;
        if let Some(template) = capture(cx) {
            self.by_shape.insert(key, template);
        }
        Ok(id)
    }
}

/// The representative of `sig`'s machine code: types that cross both sides
/// of a trampoline identically share a template. `u32` is passed like
/// `i32` (a 32-bit value in and out, no extension), and the 64-bit
/// integers and the pointer kinds other than `buffer` are all a 64-bit
/// value passed through. Everything else (narrow ints with their
/// extension, `bool`, `buffer`'s data load, floats) stays itself.
fn canonical(sig: &Signature) -> Signature {
    use NativeType::*;
    let one = |ty: &NativeType| match ty {
        U32 => I32,
        U64 | USize | ISize | Pointer | Function => I64,
        other => other.clone(),
    };
    Signature::new(sig.params.iter().map(one).collect(), one(&sig.result))
}

/// Reads the just-compiled function out of `cx` as a template, if every
/// relocation is one of the two addresses (else it is not reusable).
fn capture(cx: &Contexts) -> Option<Template> {
    let code = cx.ctx.compiled_code()?;
    let names = cx.ctx.func.params.user_named_funcs();
    let relocs = code
        .buffer
        .relocs()
        .iter()
        .map(|r| {
            let FinalizedRelocTarget::ExternalName(ExternalName::User(name_ref)) = r.target else {
                return None;
            };
            let UserExternalName { namespace, .. } = names[name_ref];
            let role = match namespace {
                0 => Role::CFunction,
                1 => Role::OutSlot,
                _ => return None,
            };
            Some(TemplateReloc {
                offset: r.offset,
                kind: r.kind,
                role,
                addend: r.addend,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Template {
        bytes: code.code_buffer().to_vec(),
        alignment: u64::from(code.buffer.alignment),
        relocs,
    })
}

#[allow(clippy::too_many_arguments)]
fn instantiate(
    module: &mut JITModule,
    flavor: AbiFlavor,
    template: &Template,
    stub_name: &str,
    sig: &Signature,
    result: &FastResult,
    target_name: &str,
    out_name: &str,
) -> Result<FuncId, JitError> {
    let clif_sig = fast::clif_signature(flavor, sig, result)?;
    let id = module.declare_function(stub_name, Linkage::Local, &clif_sig)?;
    let import_sig = module.make_signature();
    let target = module.declare_function(target_name, Linkage::Import, &import_sig)?;
    let out = match result {
        FastResult::Direct => None,
        _ => Some(module.declare_data(out_name, Linkage::Import, false, false)?),
    };
    let relocs = template
        .relocs
        .iter()
        .map(|r| {
            let name = match r.role {
                Role::CFunction => ModuleRelocTarget::user(0, target.as_u32()),
                Role::OutSlot => {
                    let out = out.ok_or_else(|| {
                        JitError::Codegen("template out-slot without out-slot".into())
                    })?;
                    ModuleRelocTarget::user(1, out.as_u32())
                }
            };
            Ok(ModuleReloc {
                offset: r.offset,
                kind: r.kind,
                name,
                addend: r.addend,
            })
        })
        .collect::<Result<Vec<_>, JitError>>()?;
    module
        .define_function_bytes(id, template.alignment, &template.bytes, &relocs)
        .map_err(|e| JitError::Codegen(format!("{stub_name}: {e}")))?;
    Ok(id)
}
