//! Allocation and payment rules for execution tickets.
//!
//! Two halves that never mix:
//! - [`consensus`]: integers only, deterministic, typed errors; used by the state
//!   transition and specified in `specs/allocation.md`;
//! - [`analysis`]: floating-point equilibrium maths used by `etn mechanism` and by
//!   experiments to predict what the chain should do. Consensus code never calls it.

pub mod agents;
pub mod analysis;
pub mod consensus;
