//! etn's fork choice (specs/fork-choice.md): LMD-GHOST with proposer boost over a
//! proto-array, Casper FFG justified and finalized checkpoints with the unrealized
//! (pulled-up) justification of each block, viability filtering of heads, and removal
//! of equivocating validators' weight.
//!
//! It follows Ethereum's fork choice (phase0 with the Bellatrix to Deneb refinements) so
//! that protocol engineers' scenarios and intuitions carry over; the spec lists what etn
//! changes (millisecond time, a fixed validator set, no execution payload status).
//!
//! Pure and deterministic like the state transition: time is an argument (Unix
//! milliseconds), nothing is read from a clock, disk or network, balances are summed with
//! checked arithmetic, and every refused input is a typed [`ForkChoiceError`] that
//! leaves the store unchanged.
//!
//! Modules, one job each: [`timing`] (slots from milliseconds), `proto_array` (the
//! weighted tree and head finding), `votes` (latest messages and their deltas),
//! `pending` (votes of the current slot, held until it ends),
//! `balances` (vote weights and the boost score), `pull_up` (unrealized checkpoints),
//! `store` / `block` / `attestation` (the store and its handlers), `snapshot` and `codec`
//! (persistence), [`steps`] (a runner for fork-choice test vectors).

mod anchor;
mod attestation;
mod balances;
mod block;
mod codec;
#[cfg(test)]
mod equivalence_tests;
mod error;
mod pending;
mod proto_array;
mod pull_up;
mod snapshot;
pub mod steps;
mod store;
pub mod timing;
mod votes;

pub use anchor::genesis_block;
pub use balances::PROPOSER_SCORE_BOOST;
pub use error::ForkChoiceError;
pub use store::{ForkChoice, NodeSummary};
pub use timing::{INTERVALS_PER_SLOT, Timing};
