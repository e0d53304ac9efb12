//! Allocation and payment rules for execution tickets.
//!
//! Two halves that never mix:
//! - the consensus half (`allocation`, `sampling`, `payment`, `pricing`): integers only,
//!   deterministic, typed errors, used by the state transition;
//! - the analysis half (`analysis`): floating-point equilibrium maths used by the
//!   `etn mechanism` tooling and by experiments to predict what the chain should do.

pub mod analysis;
