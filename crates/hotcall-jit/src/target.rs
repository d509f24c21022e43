//! Targets: a `target_lexicon::Triple`, its C calling convention and a
//! Cranelift ISA built once.

use std::str::FromStr;
use std::sync::Arc;

use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use target_lexicon::{Architecture, OperatingSystem, Triple};

use crate::JitError;

/// The C calling convention family of a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AbiFlavor {
    /// x86_64 System V (Linux, macOS, BSD).
    SysV64,
    /// x86_64 Windows (Microsoft x64).
    Win64,
    /// aarch64 AAPCS64 (Linux).
    Aapcs64,
    /// aarch64 Apple (AAPCS64 with Apple's stack packing and caller-side extension).
    AppleArm64,
}

impl AbiFlavor {
    /// Calling convention of C functions (and of invokers and thunks).
    pub fn c_call_conv(self) -> CallConv {
        match self {
            AbiFlavor::SysV64 | AbiFlavor::Aapcs64 => CallConv::SystemV,
            AbiFlavor::Win64 => CallConv::WindowsFastcall,
            AbiFlavor::AppleArm64 => CallConv::AppleAarch64,
        }
    }

    /// Calling convention V8 uses to enter a fast-call function.
    ///
    /// V8 passes fast-call stack arguments in 8-byte slots on every arm64
    /// platform, Apple included, so the Apple trampoline receives its
    /// arguments by the standard AAPCS64 rules.
    pub fn v8_fast_call_conv(self) -> CallConv {
        match self {
            AbiFlavor::AppleArm64 => CallConv::SystemV,
            other => other.c_call_conv(),
        }
    }
}

/// A code-generation target: triple, ABI flavor and the Cranelift ISA.
#[derive(Clone)]
pub struct Target {
    triple: Triple,
    flavor: AbiFlavor,
    isa: OwnedTargetIsa,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({})", self.triple)
    }
}

/// The triples hotcall generates code for.
pub const SUPPORTED_TRIPLES: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

impl Target {
    /// The machine this process runs on.
    pub fn host() -> Result<Target, JitError> {
        Target::from_triple(Triple::host())
    }

    /// Parses a triple such as `aarch64-apple-darwin`.
    pub fn parse(triple: &str) -> Result<Target, JitError> {
        let triple = Triple::from_str(triple)
            .map_err(|e| JitError::UnsupportedTarget(format!("{triple}: {e}")))?;
        Target::from_triple(triple)
    }

    /// Builds the ISA for `triple` (x86_64 or aarch64; Linux, Apple or Windows).
    pub fn from_triple(triple: Triple) -> Result<Target, JitError> {
        let flavor = match (triple.architecture, triple.operating_system) {
            (Architecture::X86_64, OperatingSystem::Windows) => AbiFlavor::Win64,
            (Architecture::X86_64, _) => AbiFlavor::SysV64,
            (Architecture::Aarch64(_), os) if is_apple(os) => AbiFlavor::AppleArm64,
            (Architecture::Aarch64(_), _) => AbiFlavor::Aapcs64,
            _ => return Err(JitError::UnsupportedTarget(triple.to_string())),
        };
        let mut flags = settings::builder();
        // Stubs are tiny and straight-line: skip the optimizer and keep the
        // verifier for debug builds only. The register allocator stays the
        // default backtracking one: `single_pass` compiles ~35% faster but
        // spills arguments and saves callee-saved registers in the fast
        // trampoline, which runs on every call (docs/benchmarks.md).
        set(&mut flags, "opt_level", "none")?;
        set(
            &mut flags,
            "enable_verifier",
            if cfg!(debug_assertions) {
                "true"
            } else {
                "false"
            },
        )?;
        set(&mut flags, "is_pic", "false")?;
        set(&mut flags, "unwind_info", "false")?;
        set(&mut flags, "preserve_frame_pointers", "true")?;
        let isa = cranelift_codegen::isa::lookup(triple.clone())
            .map_err(|e| JitError::UnsupportedTarget(format!("{triple}: {e}")))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| JitError::UnsupportedTarget(format!("{triple}: {e}")))?;
        Ok(Target {
            triple,
            flavor,
            isa,
        })
    }

    pub fn triple(&self) -> &Triple {
        &self.triple
    }

    pub fn flavor(&self) -> AbiFlavor {
        self.flavor
    }

    /// The shared Cranelift ISA (built once per `Target`).
    pub fn isa(&self) -> &OwnedTargetIsa {
        &self.isa
    }

    pub(crate) fn isa_arc(&self) -> Arc<dyn cranelift_codegen::isa::TargetIsa> {
        self.isa.clone()
    }
}

fn is_apple(os: OperatingSystem) -> bool {
    matches!(
        os,
        OperatingSystem::Darwin(_) | OperatingSystem::MacOSX(_) | OperatingSystem::IOS(_)
    )
}

fn set(flags: &mut settings::Builder, name: &str, value: &str) -> Result<(), JitError> {
    flags
        .set(name, value)
        .map_err(|e| JitError::Codegen(format!("setting {name}={value}: {e}")))
}
