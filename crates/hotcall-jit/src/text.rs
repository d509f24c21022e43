//! Generated code as data: any stub, for any target, as readable text
//! (Cranelift IR and the final machine code as VCode), or as an object file.

use cranelift_module::Linkage;
use cranelift_object::{ObjectBuilder, ObjectModule};

use crate::generate::{define_stub, Contexts, StubRequest};
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

/// Generates `req` for `target` and returns its IR and machine code as text.
pub fn stub_text(target: &Target, req: &StubRequest) -> Result<StubText, JitError> {
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
