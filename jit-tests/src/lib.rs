//! C fixtures and a seeded random corpus that drive every hotcall stub kind
//! (invoker, fast trampoline, callback thunk) against the system C compiler.
//!
//! * [`corpus`]: the random signatures and literals (shared with `build.rs`);
//! * [`checksum`]: the Rust reference of the C-side checksum;
//! * [`marshal`], [`slots`]: values in memory, argument slots;
//! * [`call`]: calling C through an invoker by hand;
//! * [`ffi`]: the C entry points.

pub mod call;
pub mod checksum;
pub mod corpus;
pub mod ffi;
pub mod marshal;
pub mod slots;
