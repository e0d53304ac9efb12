//! The etn state transition (specs/beacon-chain.md): genesis, slots, blocks, epochs,
//! the ticket market and its accounting.
//!
//! Pure and deterministic: no I/O, no clocks, no randomness beyond the state's RANDAO
//! mixes; integer arithmetic checked on every balance; every rejection a typed
//! [`StateError`]. [`state_transition`] is atomic: a rejected block changes nothing.

pub mod accessors;
pub mod accounting;
pub mod block;
pub mod epoch;
pub mod error;
pub mod genesis;
#[cfg(feature = "harness")]
pub mod harness;
mod math;
pub mod produce;
pub mod shuffle;
pub mod signatures;
pub mod slot;
pub mod transition;
pub mod validity;
pub mod verified_signatures;

pub use accounting::{AccountingSides, accounting_sides};
pub use error::{OperationKind, SignedObject, StateError};
pub use genesis::{GenesisInput, devnet_genesis_input, initialize_beacon_state};
pub use signatures::{PubkeyCache, SignatureStrategy};
pub use slot::process_slots;
pub use transition::{StateRootCheck, state_transition, state_transition_trusting};
pub use verified_signatures::VerifiedSignatures;
