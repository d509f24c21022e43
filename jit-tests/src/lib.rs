//! C fixtures and a seeded random corpus that drive every hotcall stub kind
//! (invoker, fast trampoline, callback thunk) against the system C compiler.
//!
//! * [`corpus`]: the random signatures and literals (shared with `build.rs`);
//! * [`checksum`]: the Rust reference of the C-side checksum;
//! * [`marshal`], [`slots`]: values in memory, argument slots;
//! * [`call`]: calling C through an invoker by hand;
//! * [`ffi`]: the C entry points;
//! * [`cgen`]: the corpus C source (also used by `build.rs`);
//! * [`cross`]: the stubs of the other targets, executed under qemu / wine.

pub mod call;
pub mod cgen;
pub mod checksum;
pub mod corpus;
pub mod cross;
pub mod ffi;
pub mod marshal;
pub mod slots;
