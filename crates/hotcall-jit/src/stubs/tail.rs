//! Tail-jump fast trampolines: register moves and one indirect jump, no
//! frame, no call, no return, emitted as machine code by hand.
//!
//! V8 enters a fast trampoline as `(receiver, args..., options*)` in the
//! platform C convention. When every C argument is still in a register on
//! both sides and the C result is already the V8 fast-call result, the
//! trampoline only has to move each argument one position down (dropping
//! the receiver) and jump to the C function: C then returns straight to V8.
//!
//! ```text
//!   x86_64 SysV, add(u32, u32) -> u32         aarch64, add(u32, u32) -> u32
//!   V8 side        C side                     V8 side       C side
//!   rdi receiver   .                          x0 receiver   .
//!   rsi a     ->   rdi a                      x1 a     ->   x0 a
//!   rdx b     ->   rsi b                      x2 b     ->   x1 b
//!   rcx options    (ignored)                  x3 options    (ignored)
//!   movq %rsi, %rdi; movq %rdx, %rsi          mov x0, x1; mov x1, x2
//!   movabs $c_fn, %r11; jmp *%r11             ldr x16, lit; br x16; lit: .quad c_fn
//!
//!   stack at entry (all targets): [sp] = V8's return address (x86_64) /
//!   lr = V8's return address (aarch64), unchanged by the trampoline, so
//!   the C function sees exactly the frame a direct call from V8 makes.
//! ```
//!
//! Why not Cranelift: its `return_call` is verified only from and to the
//! `tail` calling convention (`CallConv::supports_tail_calls`, and caller
//! and callee must share the convention), while V8 calls the trampoline
//! with the platform C convention and the trampoline calls C. So this form
//! is emitted here, only for the signatures [`plan`] accepts; everything
//! else keeps the Cranelift trampoline (`fast.rs`).
//!
//! Per target (sources in `docs/abi.md`):
//! * **x86_64 SysV**: integer arguments in rdi, rsi, rdx, rcx, r8, r9,
//!   floats in xmm0-7, each class counted on its own. Dropping the receiver
//!   shifts the integer arguments one register down; floats stay. So at
//!   most 6 integer arguments, the sixth loaded from V8's stack (the
//!   receiver takes a register).
//!   Narrow ints and `bool` are extended to 64 bits (clang relies on at
//!   least 32), exactly as the Cranelift trampoline does. `%al` (vector
//!   register count) only matters for variadic callees, which FFI symbols
//!   are not.
//! * **Win64**: four positional slots shared by integers and floats
//!   (rcx/xmm0, rdx/xmm1, r8/xmm2, r9/xmm3). Dropping the receiver shifts
//!   *every* argument one position down, floats included (`movaps`). So at
//!   most 4 arguments, an integer fourth one loaded from V8's stack. V8's
//!   32-byte shadow space serves the C function. The stub writes neither
//!   the stack nor a non-volatile register, so it is a leaf function
//!   needing no unwind data.
//! * **AAPCS64 (Linux)**: x0-x7 and v0-v7 counted apart; integers shift
//!   down, floats stay: at most 8 integer arguments, the eighth loaded from
//!   V8's stack. The callee extends narrow ints itself, so they are plain
//!   moves.
//! * **Apple arm64**: as AAPCS64 in registers, but the caller extends
//!   narrow ints (and `bool`) to 32 bits: `uxtb`/`sxtb`/`uxth`/`sxth`;
//!   at most 7 integer arguments (no stack loads, see below).
//! * The target address is an 8-byte literal: `movabs` into r11 (volatile,
//!   never an argument register) on x86_64; a PC-relative literal load into
//!   x16 (IP0, the register reserved for veneers; `br x16` is also a valid
//!   way into a BTI-protected function) on aarch64. In object files it is
//!   an `Abs8` relocation.
//!
//! Buffers: V8 passes a `FastApiTypedArray*`; the C function wants `data`
//! (offset 8), or null when `length` (offset 0) is 0, as on the slow path.
//! That is a load from the incoming register into the outgoing one and a
//! conditional select (x86_64: `cmpq $0, (from)` + `cmovzq (from), to`,
//! which loads the zero length itself; aarch64: the length into x17, IP1,
//! then `csel to, to, xzr, ne`), still no frame, so buffer arguments
//! tail-jump too.
//!
//! The receiver can push one integer argument out of V8's registers while
//! C still has a register for it (SysV: the sixth integer, `mix10`'s
//! `int16_t j`; Win64: the fourth position; AAPCS64: the eighth integer).
//! It is V8's first stack argument, one load away (`movswq 8(%rsp), %r9`,
//! `ldr x7, [sp]`), and the stack is otherwise untouched, so that is a tail
//! jump too. Not on Apple arm64, which packs stack arguments by size.
//!
//! Not tail-jumped (Cranelift trampoline instead): results stored at an
//! out-slot (a store after the call), narrow-int results (V8 wants them
//! widened to 32 bits after the call), a buffer or float that V8 passes on
//! the stack, and any signature where C needs a stack argument.

use cranelift_codegen::binemit::Reloc;
use cranelift_module::{FuncId, Linkage, Module, ModuleReloc, ModuleRelocTarget};
use hotcall_abi::{NativeType, Signature};

use super::fast;
use crate::abi::CallLowering;
use crate::target::AbiFlavor;
use crate::text::StubText;
use crate::{CodeRef, FastResult, JitError};

/// How a narrow integer argument is widened on its way to C.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ext {
    None,
    Zero8,
    Sign8,
    Zero16,
    Sign16,
}

/// One C argument: where it comes from and goes to, as indices into the
/// target's argument register lists (not hardware register numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Move {
    /// An integer register to another, widened as `ext` says.
    Int { from: u8, to: u8, ext: Ext },
    /// `to = *(from + 8)`, or null if `*from` (the length) is 0: a
    /// buffer's data pointer.
    BufferData { from: u8, to: u8 },
    /// A float/vector register to another (Win64 only; elsewhere floats
    /// stay where they are).
    Float { from: u8, to: u8 },
    /// V8's first stack argument (the one the receiver pushed out of the
    /// registers) into the last C argument register, widened as `ext`
    /// says: `offset` is its distance from the stack pointer at entry.
    IntFromStack { offset: u8, to: u8, ext: Ext },
}

/// A signature's tail-jump trampoline: the argument moves, in an order
/// that never overwrites a register before it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TailPlan {
    moves: Vec<Move>,
}

/// Argument registers of each class on one target.
struct Registers {
    int: u8,
    float: u8,
    /// Integers and floats share positions (Win64).
    positional: bool,
}

fn registers(flavor: AbiFlavor) -> Registers {
    match flavor {
        AbiFlavor::SysV64 => Registers {
            int: 6,
            float: 8,
            positional: false,
        },
        AbiFlavor::Win64 => Registers {
            int: 4,
            float: 4,
            positional: true,
        },
        AbiFlavor::Aapcs64 | AbiFlavor::AppleArm64 => Registers {
            int: 8,
            float: 8,
            positional: false,
        },
    }
}

/// Where V8's first stack argument is at entry: above the return address
/// (x86_64 SysV), above the return address and the 32-byte shadow space
/// (Win64), at the stack pointer (AAPCS64); `None` on Apple arm64, where
/// stack arguments are packed by size and alignment rather than 8-byte
/// slots.
fn first_stack_argument(flavor: AbiFlavor) -> Option<u8> {
    match flavor {
        AbiFlavor::SysV64 => Some(8),
        AbiFlavor::Win64 => Some(40),
        AbiFlavor::Aapcs64 => Some(0),
        AbiFlavor::AppleArm64 => None,
    }
}

/// The widening C expects for an integer argument on `flavor`.
fn extension(flavor: AbiFlavor, ty: &NativeType) -> Ext {
    if flavor == AbiFlavor::Aapcs64 {
        return Ext::None;
    }
    match ty {
        NativeType::Bool | NativeType::U8 => Ext::Zero8,
        NativeType::I8 => Ext::Sign8,
        NativeType::U16 => Ext::Zero16,
        NativeType::I16 => Ext::Sign16,
        _ => Ext::None,
    }
}

/// Whether the C result reaches V8 unchanged (no widening, no out-slot).
fn result_passes_through(sig: &Signature, result: &FastResult) -> bool {
    use NativeType::*;
    *result == FastResult::Direct
        && match &sig.result {
            Void | Bool | I32 | U32 | I64 | U64 | ISize | USize | F32 | F64 | Pointer
            | Function | Buffer => true,
            I8 | U8 | I16 | U16 | Struct(_) => false,
        }
}

/// The tail-jump plan of `sig`, or `None` if it needs the Cranelift
/// trampoline (see the module docs for the rules).
pub(crate) fn plan(flavor: AbiFlavor, sig: &Signature, result: &FastResult) -> Option<TailPlan> {
    if !result_passes_through(sig, result) {
        return None;
    }
    let regs = registers(flavor);
    // Next C-side position of each class; the V8 side is one integer
    // (positional: one position) further on for the receiver.
    let (mut int, mut float) = (0u8, 0u8);
    let mut moves = Vec::with_capacity(sig.params.len());
    for ty in &sig.params {
        let is_float = matches!(ty, NativeType::F32 | NativeType::F64);
        let (to, limit) = if regs.positional {
            (int + float, regs.int)
        } else if is_float {
            (float, regs.float)
        } else {
            (int, regs.int)
        };
        let from = if is_float && !regs.positional {
            to
        } else {
            to + 1
        };
        if to >= limit {
            return None; // C needs a stack argument: the stack would move
        }
        if from >= limit {
            // The argument the receiver pushed onto V8's stack; C wants it
            // in its last register. Only an integer, and only where stack
            // slots are 8 bytes in order (not Apple arm64, which packs
            // them by size), and the first stack argument.
            let offset = first_stack_argument(flavor)?;
            if is_float || matches!(ty, NativeType::Buffer | NativeType::Struct(_)) || from > limit
            {
                return None;
            }
            moves.push(Move::IntFromStack {
                offset,
                to,
                ext: extension(flavor, ty),
            });
            int += 1;
            continue;
        }
        let mv = match ty {
            NativeType::Struct(_) | NativeType::Void => return None,
            NativeType::F32 | NativeType::F64 => Move::Float { from, to },
            NativeType::Buffer => Move::BufferData { from, to },
            other => Move::Int {
                from,
                to,
                ext: extension(flavor, other),
            },
        };
        if is_float {
            float += 1;
        } else {
            int += 1;
        }
        // A float that stays in its register needs no instruction.
        if !matches!(mv, Move::Float { from, to } if from == to) {
            moves.push(mv);
        }
    }
    Some(TailPlan { moves })
}

/// Whether the fast trampoline of `sig` with `result` on `flavor` is the
/// hand-emitted tail jump (else it is compiled by Cranelift).
pub fn is_tail_jump(flavor: AbiFlavor, sig: &Signature, result: &FastResult) -> bool {
    plan(flavor, sig, result).is_some()
}

/// Machine code of one tail-jump trampoline, with a listing for humans.
pub(crate) struct TailCode {
    pub bytes: Vec<u8>,
    /// Offset of the 8-byte absolute address of the C function.
    pub target_offset: usize,
    pub alignment: u64,
    /// One line per instruction (its bytes and its assembly), if asked for.
    pub listing: Option<Vec<String>>,
}

/// Appends instructions and, when a listing is wanted, their text.
struct Asm {
    bytes: Vec<u8>,
    listing: Option<Vec<String>>,
}

impl Asm {
    fn new(listing: bool) -> Asm {
        Asm {
            bytes: Vec::with_capacity(48),
            listing: listing.then(Vec::new),
        }
    }

    fn emit(&mut self, code: &[u8], text: impl FnOnce() -> String) {
        if let Some(listing) = &mut self.listing {
            let hex: Vec<String> = code.iter().map(|b| format!("{b:02x}")).collect();
            listing.push(format!("{:<30} {}", hex.join(" "), text()));
        }
        self.bytes.extend_from_slice(code);
    }

    /// An aarch64 instruction word (little-endian).
    fn emit32(&mut self, word: u32, text: impl FnOnce() -> String) {
        self.emit(&word.to_le_bytes(), text);
    }
}

/// Emits the trampoline of `plan` for `flavor`, with a listing if `target`
/// (the C function's name in it) is given. The address of the C function
/// is patched in at `target_offset` afterwards.
pub(crate) fn emit(flavor: AbiFlavor, plan: &TailPlan, target: Option<&str>) -> TailCode {
    match flavor {
        AbiFlavor::SysV64 | AbiFlavor::Win64 => x64::emit(flavor, plan, target),
        AbiFlavor::Aapcs64 | AbiFlavor::AppleArm64 => arm64::emit(plan, target),
    }
}

/// x86_64 encodings: Intel SDM Vol. 2 (MOV 8B /r, MOVZX 0F B6/B7,
/// MOVSX 0F BE/BF, MOVAPS 0F 28 /r, MOV B8+rd io, JMP FF /4; REX.W for
/// 64-bit operands, REX.R/REX.B for r8-r15).
mod x64 {
    use super::*;

    const NAMES: [&str; 16] = [
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
        "r13", "r14", "r15",
    ];
    const NAMES8: [&str; 16] = [
        "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b",
        "r13b", "r14b", "r15b",
    ];
    const NAMES16: [&str; 16] = [
        "ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w",
        "r13w", "r14w", "r15w",
    ];
    /// Scratch register for the target address: volatile and never an
    /// argument register in SysV or Win64.
    const R11: u8 = 11;
    const SYSV_ARGS: [u8; 6] = [7, 6, 2, 1, 8, 9]; // rdi rsi rdx rcx r8 r9
    const WIN64_ARGS: [u8; 4] = [1, 2, 8, 9]; // rcx rdx r8 r9

    /// REX.W prefix plus the ModRM byte of a register-to-register form
    /// with `reg` in ModRM.reg and `rm` in ModRM.rm.
    fn rex_w(reg: u8, rm: u8) -> u8 {
        0x48 | ((reg >> 3) << 2) | (rm >> 3)
    }

    fn modrm(mode: u8, reg: u8, rm: u8) -> u8 {
        (mode << 6) | ((reg & 7) << 3) | (rm & 7)
    }

    /// `dst = src` (64-bit), `MOV r64, r/m64` (REX.W 8B /r).
    fn mov(a: &mut Asm, dst: u8, src: u8) {
        a.emit(&[rex_w(dst, src), 0x8b, modrm(3, dst, src)], || {
            format!("movq %{}, %{}", NAMES[src as usize], NAMES[dst as usize])
        });
    }

    /// `dst = extend(low bits of src)` to 64 bits, `MOVZX`/`MOVSX r64`.
    fn extend(a: &mut Asm, dst: u8, src: u8, ext: Ext) {
        let (op, mnemonic, names) = match ext {
            Ext::Zero8 => (0xb6, "movzbq", &NAMES8),
            Ext::Sign8 => (0xbe, "movsbq", &NAMES8),
            Ext::Zero16 => (0xb7, "movzwq", &NAMES16),
            Ext::Sign16 => (0xbf, "movswq", &NAMES16),
            Ext::None => return mov(a, dst, src),
        };
        // With a REX prefix, byte registers 4-7 are spl/bpl/sil/dil.
        a.emit(&[rex_w(dst, src), 0x0f, op, modrm(3, dst, src)], || {
            format!(
                "{mnemonic} %{}, %{}",
                names[src as usize], NAMES[dst as usize]
            )
        });
    }

    /// `dst = *(base + 8)`, `MOV r64, r/m64` with a disp8; then null if
    /// `*base` (the view's length) is 0: `CMP r/m64, imm8` (REX.W 83 /7 ib)
    /// and `CMOVZ r64, r/m64` (REX.W 0F 44 /r), which loads that zero.
    fn load_data(a: &mut Asm, dst: u8, base: u8) {
        // rsp/r12 as a base would need a SIB byte and rbp/r13 a
        // displacement; no argument register is one of them.
        assert!(
            base & 7 != 4 && base & 7 != 5,
            "argument registers need no SIB byte nor displacement"
        );
        assert_ne!(dst, base, "the receiver drop moves every argument");
        let disp = fast::TYPED_ARRAY_DATA_OFFSET as u8;
        a.emit(&[rex_w(dst, base), 0x8b, modrm(1, dst, base), disp], || {
            format!(
                "movq {disp}(%{}), %{}",
                NAMES[base as usize], NAMES[dst as usize]
            )
        });
        a.emit(&[rex_w(0, base), 0x83, modrm(0, 7, base), 0], || {
            format!("cmpq $0, (%{})", NAMES[base as usize])
        });
        a.emit(&[rex_w(dst, base), 0x0f, 0x44, modrm(0, dst, base)], || {
            format!(
                "cmovzq (%{}), %{}",
                NAMES[base as usize], NAMES[dst as usize]
            )
        });
    }

    /// `dst = extend(*(rsp + offset))` to 64 bits: `MOV r64, m64` or
    /// `MOVZX`/`MOVSX r64, m8/m16`, with an rsp base (ModRM.rm = 100 and
    /// the SIB byte 0x24: no index, base rsp) and a disp8.
    fn load_stack(a: &mut Asm, dst: u8, offset: u8, ext: Ext) {
        let (op, mnemonic): (&[u8], &str) = match ext {
            Ext::None => (&[0x8b], "movq"),
            Ext::Zero8 => (&[0x0f, 0xb6], "movzbq"),
            Ext::Sign8 => (&[0x0f, 0xbe], "movsbq"),
            Ext::Zero16 => (&[0x0f, 0xb7], "movzwq"),
            Ext::Sign16 => (&[0x0f, 0xbf], "movswq"),
        };
        const RSP: u8 = 4;
        let mut code = vec![rex_w(dst, RSP)];
        code.extend_from_slice(op);
        code.extend_from_slice(&[modrm(1, dst, RSP), 0x24, offset]);
        a.emit(&code, || {
            format!("{mnemonic} {offset}(%rsp), %{}", NAMES[dst as usize])
        });
    }

    /// `xmm<dst> = xmm<src>` (all 128 bits), `MOVAPS xmm, xmm` (0F 28 /r).
    fn movaps(a: &mut Asm, dst: u8, src: u8) {
        debug_assert!(dst < 8 && src < 8, "Win64 passes floats in xmm0-3");
        a.emit(&[0x0f, 0x28, modrm(3, dst, src)], || {
            format!("movaps %xmm{src}, %xmm{dst}")
        });
    }

    pub(super) fn emit(flavor: AbiFlavor, plan: &TailPlan, target: Option<&str>) -> TailCode {
        let args: &[u8] = match flavor {
            AbiFlavor::Win64 => &WIN64_ARGS,
            _ => &SYSV_ARGS,
        };
        let mut a = Asm::new(target.is_some());
        let target = target.unwrap_or_default();
        for mv in &plan.moves {
            match *mv {
                Move::Int { from, to, ext } => {
                    extend(&mut a, args[to as usize], args[from as usize], ext)
                }
                Move::BufferData { from, to } => {
                    load_data(&mut a, args[to as usize], args[from as usize])
                }
                Move::Float { from, to } => movaps(&mut a, to, from),
                Move::IntFromStack { offset, to, ext } => {
                    load_stack(&mut a, args[to as usize], offset, ext)
                }
            }
        }
        // MOV r64, imm64: REX.W+B, B8+rd, then the address.
        let target_offset = a.bytes.len() + 2;
        let mut movabs = vec![0x48 | (R11 >> 3), 0xb8 + (R11 & 7)];
        movabs.extend_from_slice(&[0; 8]);
        a.emit(&movabs, || format!("movabsq ${target}, %r11"));
        // JMP r/m64: REX.B, FF /4.
        a.emit(&[0x40 | (R11 >> 3), 0xff, modrm(3, 4, R11)], || {
            "jmpq *%r11".to_owned()
        });
        TailCode {
            bytes: a.bytes,
            target_offset,
            alignment: 16,
            listing: a.listing,
        }
    }
}

/// aarch64 encodings: Arm Architecture Reference Manual (A64): ORR
/// (shifted register) as MOV, UBFM/SBFM as UXTB/UXTH/SXTB/SXTH, LDR
/// (immediate, unsigned offset), LDR (literal), BR, NOP.
mod arm64 {
    use super::*;

    /// IP0: the intra-procedure-call scratch register.
    const X16: u32 = 16;
    const NOP: u32 = 0xd503_201f;

    /// `MOV Xd, Xm` = `ORR Xd, XZR, Xm`.
    fn mov(a: &mut Asm, d: u32, m: u32) {
        a.emit32(0xaa00_03e0 | (m << 16) | d, || format!("mov x{d}, x{m}"));
    }

    /// `UXTB/SXTB/UXTH/SXTH Wd, Wn` = `UBFM/SBFM Wd, Wn, #0, #7|#15`.
    fn extend(a: &mut Asm, d: u32, n: u32, ext: Ext) {
        let (base, mnemonic) = match ext {
            Ext::Zero8 => (0x5300_1c00, "uxtb"),
            Ext::Sign8 => (0x1300_1c00, "sxtb"),
            Ext::Zero16 => (0x5300_3c00, "uxth"),
            Ext::Sign16 => (0x1300_3c00, "sxth"),
            Ext::None => return mov(a, d, n),
        };
        a.emit32(base | (n << 5) | d, || format!("{mnemonic} w{d}, w{n}"));
    }

    /// `LDR Xt, [Xn, #8]` (unsigned offset, scaled by 8); then null if
    /// `[Xn]` (the view's length) is 0: `LDR X17, [Xn]`, `CMP X17, #0`
    /// (`SUBS XZR, X17, #0`), `CSEL Xt, Xt, XZR, NE`. X17 (IP1) is a
    /// scratch register no argument uses.
    fn load_data(a: &mut Asm, t: u32, n: u32) {
        const X17: u32 = 17;
        let imm12 = (fast::TYPED_ARRAY_DATA_OFFSET / 8) as u32;
        a.emit32(0xf940_0000 | (imm12 << 10) | (n << 5) | t, || {
            format!("ldr x{t}, [x{n}, #{}]", fast::TYPED_ARRAY_DATA_OFFSET)
        });
        a.emit32(0xf940_0000 | (n << 5) | X17, || format!("ldr x17, [x{n}]"));
        a.emit32(0xf100_001f | (X17 << 5), || "cmp x17, #0".to_owned());
        const NE: u32 = 0b0001;
        const XZR: u32 = 31;
        a.emit32(
            0x9a80_0000 | (XZR << 16) | (NE << 12) | (t << 5) | t,
            || format!("csel x{t}, x{t}, xzr, ne"),
        );
    }

    /// `LDR Xt, [SP, #offset]` (unsigned offset, scaled by 8).
    fn load_stack(a: &mut Asm, t: u32, offset: u32) {
        const SP: u32 = 31;
        a.emit32(0xf940_0000 | ((offset / 8) << 10) | (SP << 5) | t, || {
            format!("ldr x{t}, [sp, #{offset}]")
        });
    }

    pub(super) fn emit(plan: &TailPlan, target: Option<&str>) -> TailCode {
        let mut a = Asm::new(target.is_some());
        let target = target.unwrap_or_default();
        for mv in &plan.moves {
            match *mv {
                Move::Int { from, to, ext } => extend(&mut a, to.into(), from.into(), ext),
                Move::BufferData { from, to } => load_data(&mut a, to.into(), from.into()),
                Move::Float { .. } => unreachable!("aarch64 floats stay in their registers"),
                Move::IntFromStack { offset, to, ext } => {
                    debug_assert_eq!(
                        ext,
                        Ext::None,
                        "only AAPCS64 (callee extends) loads the stack"
                    );
                    load_stack(&mut a, to.into(), offset.into())
                }
            }
        }
        // ldr x16, lit; br x16; [nop]; lit: .quad target — the literal
        // 8-byte aligned (the function is 8-byte aligned).
        let ldr_at = a.bytes.len();
        let target_offset = (ldr_at + 8).next_multiple_of(8);
        let imm19 = ((target_offset - ldr_at) / 4) as u32;
        a.emit32(0x5800_0000 | (imm19 << 5) | X16, || {
            format!("ldr x16, #{} ; ={target}", target_offset - ldr_at)
        });
        a.emit32(0xd61f_0000 | (X16 << 5), || "br x16".to_owned());
        if a.bytes.len() < target_offset {
            a.emit32(NOP, || "nop ; literal alignment".to_owned());
        }
        a.emit(&[0; 8], || format!(".quad {target}"));
        TailCode {
            bytes: a.bytes,
            target_offset,
            alignment: 8,
            listing: a.listing,
        }
    }
}

/// Defines the tail-jump trampoline `name` of `sig` in `module` (the caller
/// checked [`plan`]): the address is baked in for [`CodeRef::Address`],
/// relocated (`Abs8`) for [`CodeRef::Symbol`].
pub(crate) fn define<M: Module>(
    module: &mut M,
    flavor: AbiFlavor,
    plan: &TailPlan,
    name: &str,
    linkage: Linkage,
    sig: &Signature,
    target: &CodeRef,
) -> Result<FuncId, JitError> {
    let clif_sig = fast::clif_signature(flavor, sig, &FastResult::Direct)?;
    let id = module.declare_function(name, linkage, &clif_sig)?;
    let mut code = emit(flavor, plan, None);
    let at = code.target_offset..code.target_offset + 8;
    let relocs = match target {
        CodeRef::Address(addr) => {
            code.bytes[at].copy_from_slice(&addr.to_le_bytes());
            Vec::new()
        }
        CodeRef::Symbol(symbol) => {
            let import_sig = module.make_signature();
            let callee = module.declare_function(symbol, Linkage::Import, &import_sig)?;
            vec![ModuleReloc {
                offset: code.target_offset as u32,
                kind: Reloc::Abs8,
                name: ModuleRelocTarget::user(0, callee.as_u32()),
                addend: 0,
            }]
        }
    };
    module
        .define_function_bytes(id, code.alignment, &code.bytes, &relocs)
        .map_err(|e| JitError::Codegen(format!("{name}: {e}")))?;
    Ok(id)
}

/// The text of a tail-jump trampoline, in the shape of [`StubText`]: the
/// first `clif` line is the stub's Cranelift signature as for every stub.
pub(crate) fn text(
    flavor: AbiFlavor,
    plan: &TailPlan,
    sig: &Signature,
    target: &CodeRef,
) -> StubText {
    let clif_sig = fast::clif_signature(flavor, sig, &FastResult::Direct)
        .expect("a planned signature has a fast form");
    let name = match target {
        CodeRef::Symbol(s) => s.clone(),
        CodeRef::Address(a) => format!("{a:#x}"),
    };
    let code = emit(flavor, plan, Some(&name));
    let c_sig = CallLowering::new(flavor, sig).clif_signature(flavor.c_call_conv());
    let clif = format!(
        "function u0:0{clif_sig} {{\n    ; tail jump, emitted by hand (no Cranelift IR)\n    ; to {name}: {c_sig}\n}}\n"
    );
    let mut vcode = String::from("  ; tail jump: no frame, no call, no return\n");
    for line in code.listing.iter().flatten() {
        vcode.push_str("  ");
        vcode.push_str(line.trim_end());
        vcode.push('\n');
    }
    StubText { clif, vcode }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NativeType::*;

    fn stack_moves(flavor: AbiFlavor, params: Vec<NativeType>) -> Option<Vec<Move>> {
        let sig = Signature::new(params, I32);
        plan(flavor, &sig, &FastResult::Direct).map(|p| {
            p.moves
                .into_iter()
                .filter(|m| matches!(m, Move::IntFromStack { .. }))
                .collect()
        })
    }

    #[test]
    fn the_argument_the_receiver_pushes_out_is_loaded_from_the_stack() {
        // SysV: the sixth integer (bench `mix10` shape: ints a c e g h j).
        let mix10 = vec![I32, F64, U32, F32, I64, F64, U8, U64, F32, I16];
        let load = |offset, to, ext| Some(vec![Move::IntFromStack { offset, to, ext }]);
        assert_eq!(
            stack_moves(AbiFlavor::SysV64, mix10.clone()),
            load(8, 5, Ext::Sign16)
        );
        // Four ints and six floats: everything in registers on aarch64.
        assert_eq!(stack_moves(AbiFlavor::Aapcs64, mix10), Some(vec![]));
        // Win64: the fourth position, after the return address and the
        // shadow space.
        assert_eq!(
            stack_moves(AbiFlavor::Win64, vec![U8, I8, U16, U8]),
            load(40, 3, Ext::Zero8)
        );
        // AAPCS64: the eighth integer, at the stack pointer; not on Apple.
        let ints8 = vec![I64, I64, I64, I64, I64, I64, I64, I32];
        assert_eq!(
            stack_moves(AbiFlavor::Aapcs64, ints8.clone()),
            load(0, 7, Ext::None)
        );
        assert_eq!(stack_moves(AbiFlavor::AppleArm64, ints8), None);
    }

    #[test]
    fn no_tail_jump_when_c_needs_the_stack_or_v8_passes_more_on_it() {
        assert_eq!(stack_moves(AbiFlavor::SysV64, vec![I32; 7]), None);
        assert_eq!(stack_moves(AbiFlavor::Win64, vec![I32; 5]), None);
        // A buffer or a float in V8's first stack slot: Cranelift instead.
        let buffer_last = vec![I32, I32, I32, I32, I32, Buffer];
        assert_eq!(stack_moves(AbiFlavor::SysV64, buffer_last), None);
        assert_eq!(
            stack_moves(AbiFlavor::Win64, vec![I32, I32, I32, F64]),
            None
        );
    }
}
