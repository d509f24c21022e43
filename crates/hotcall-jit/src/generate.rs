//! One generator for every stub kind and every module: builds the IR for a
//! [`StubRequest`] and defines it in any `cranelift_module::Module`
//! (`JITModule` for the host, `ObjectModule` for object files and text).

use cranelift_codegen::ir::UserFuncName;
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{FuncId, Linkage, Module};
use hotcall_abi::Signature;

use crate::stubs::{fast, invoker, tail, three_pointer_signature, thunk};
use crate::target::AbiFlavor;
use crate::{CodeRef, FastResult, JitError};

/// Which stub to generate for a signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StubKind {
    /// JS → C hot path: V8 fast-call arguments in, C call out.
    Fast { target: CodeRef, result: FastResult },
    /// JS → C generic path: `(target, args, ret)` over argument slots.
    Invoker,
    /// C → JS: a C function of the signature that calls `dispatcher(ctx, args, ret)`.
    Thunk { dispatcher: CodeRef, ctx: CodeRef },
}

/// A stub to generate: its symbol name, signature and kind.
#[derive(Clone, Debug)]
pub struct StubRequest<'a> {
    pub name: &'a str,
    pub sig: &'a Signature,
    pub kind: StubKind,
}

/// Reusable Cranelift contexts (one per generator, cleared between stubs).
pub struct Contexts {
    pub(crate) ctx: Context,
    pub(crate) fctx: FunctionBuilderContext,
}

impl Default for Contexts {
    fn default() -> Contexts {
        Contexts {
            ctx: Context::new(),
            fctx: FunctionBuilderContext::new(),
        }
    }
}

/// Builds and compiles `req` into `module` (a signature over the
/// `hotcall_abi::limits` is [`JitError::OverLimit`]); `linkage` is `Export` for object
/// files and `Local` for the JIT. Leaves the compiled function in
/// `cx.ctx` (its `compiled_code()` holds the VCode text when disassembly
/// was requested), except for a fast trampoline that is a tail jump: that
/// one is emitted by `stubs/tail.rs` without Cranelift.
pub fn define_stub<M: Module>(
    module: &mut M,
    flavor: AbiFlavor,
    cx: &mut Contexts,
    req: &StubRequest,
    linkage: Linkage,
) -> Result<FuncId, JitError> {
    // Declarations are checked when read; this guards direct callers, and
    // keeps Cranelift from panicking (block parameter limits) or running
    // for minutes on a huge signature.
    hotcall_abi::limits::check_signature(req.sig).map_err(JitError::OverLimit)?;
    match tail_jump(flavor, req) {
        Some((plan, target)) => {
            tail::define(module, flavor, &plan, req.name, linkage, req.sig, target)
        }
        None => compile_stub(module, flavor, cx, req, linkage),
    }
}

/// Builds `req` with Cranelift and compiles it into `module`, also a fast
/// trampoline that could be a tail jump; leaves the compiled function in
/// `cx.ctx`.
pub(crate) fn compile_stub<M: Module>(
    module: &mut M,
    flavor: AbiFlavor,
    cx: &mut Contexts,
    req: &StubRequest,
    linkage: Linkage,
) -> Result<FuncId, JitError> {
    let want_disasm = cx.ctx.want_disasm;
    module.clear_context(&mut cx.ctx);
    cx.ctx.set_disasm(want_disasm);
    cx.ctx.func.signature = match &req.kind {
        StubKind::Fast { result, .. } => fast::clif_signature(flavor, req.sig, result)?,
        StubKind::Invoker => three_pointer_signature(flavor.c_call_conv()),
        StubKind::Thunk { .. } => {
            crate::abi::CallLowering::new(flavor, req.sig).clif_signature(flavor.c_call_conv())
        }
    };
    let id = module.declare_function(req.name, linkage, &cx.ctx.func.signature)?;
    cx.ctx.func.name = UserFuncName::user(0, id.as_u32());
    {
        let mut b = FunctionBuilder::new(&mut cx.ctx.func, &mut cx.fctx);
        match &req.kind {
            StubKind::Fast { target, result } => {
                fast::build(module, &mut b, flavor, req.sig, target, result)?
            }
            StubKind::Invoker => invoker::build(&mut b, flavor, req.sig),
            StubKind::Thunk { dispatcher, ctx } => {
                thunk::build(module, &mut b, flavor, req.sig, dispatcher, ctx)?
            }
        }
        b.finalize(module.isa().frontend_config());
    }
    module
        .define_function(id, &mut cx.ctx)
        .map_err(|e| JitError::Codegen(format!("{}: {}", req.name, describe_module_error(e))))?;
    Ok(id)
}

/// The tail-jump plan of `req` and its C function, if `req` is a fast
/// trampoline that can be one (`stubs/tail.rs`).
pub(crate) fn tail_jump<'r>(
    flavor: AbiFlavor,
    req: &'r StubRequest,
) -> Option<(tail::TailPlan, &'r CodeRef)> {
    match &req.kind {
        StubKind::Fast { target, result } => Some((tail::plan(flavor, req.sig, result)?, target)),
        _ => None,
    }
}

fn describe_module_error(e: cranelift_module::ModuleError) -> String {
    match e {
        cranelift_module::ModuleError::Compilation(err) => format!("{err:?}"),
        other => other.to_string(),
    }
}
