//! Generated code as data: any stub, for any target, as readable text
//! (Cranelift IR and the final machine code as VCode), or as an object file.

use cranelift_module::Linkage;
use cranelift_object::{ObjectBuilder, ObjectModule};
pub use target_lexicon::BinaryFormat;

use crate::generate::{define_stub, tail_jump, Contexts, StubRequest};
use crate::stubs::tail;
use crate::target::Target;
use crate::JitError;

/// The text of one generated stub.
#[derive(Clone, Debug)]
pub struct StubText {
    /// The Cranelift IR the builder produced.
    pub clif: String,
    /// The machine code after register allocation, one instruction a line.
    pub vcode: String,
}

fn object_module(target: &Target, name: &str) -> Result<ObjectModule, JitError> {
    let builder = ObjectBuilder::new(
        target.isa_arc(),
        name,
        cranelift_module::default_libcall_names(),
    )?;
    Ok(ObjectModule::new(builder))
}

/// Generates `req` for `target` and returns its IR and machine code as text
/// (for a tail-jump trampoline: its signature and the hand-emitted
/// instructions with their bytes).
pub fn stub_text(target: &Target, req: &StubRequest) -> Result<StubText, JitError> {
    if let Some((plan, c_fn)) = tail_jump(target.flavor(), req) {
        return Ok(tail::text(target.flavor(), &plan, req.sig, c_fn));
    }
    let mut module = object_module(target, "hotcall_text")?;
    let mut cx = Contexts::default();
    cx.ctx.set_disasm(true);
    define_stub(&mut module, target.flavor(), &mut cx, req, Linkage::Export)?;
    let clif = cx.ctx.func.display().to_string();
    let vcode = cx
        .ctx
        .compiled_code()
        .and_then(|c| c.vcode.clone())
        .ok_or_else(|| JitError::Codegen("no disassembly produced".into()))?;
    Ok(StubText { clif, vcode })
}

/// Generates every request into one relocatable object file for `target`
/// (exported under its request name; `CodeRef::Symbol`s become imports).
pub fn emit_object(target: &Target, requests: &[StubRequest]) -> Result<Vec<u8>, JitError> {
    let mut module = object_module(target, "hotcall_stubs")?;
    let mut cx = Contexts::default();
    for req in requests {
        define_stub(&mut module, target.flavor(), &mut cx, req, Linkage::Export)?;
    }
    module
        .finish()
        .emit()
        .map_err(|e| JitError::Codegen(format!("emitting object: {e}")))
}

/// Like [`emit_object`], but in the container `format` instead of the
/// target's own (the code, and so the calling conventions, stay `target`'s).
///
/// For tests that run one target's code on another OS: `jit-tests` emits
/// Apple arm64 stubs as ELF to link them on aarch64 Linux and run them under
/// qemu next to Apple-ABI C converted from Mach-O assembly. Cranelift's
/// aarch64 code does not depend on the object format.
pub fn emit_object_as(
    target: &Target,
    format: BinaryFormat,
    requests: &[StubRequest],
) -> Result<Vec<u8>, JitError> {
    let mut triple = target.triple().clone();
    triple.binary_format = format;
    let retargeted = Target::from_triple(triple)?;
    debug_assert_eq!(retargeted.flavor(), target.flavor());
    emit_object(&retargeted, requests)
}
