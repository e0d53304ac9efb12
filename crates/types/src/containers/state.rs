//! The beacon state.

use super::beacon::{BeaconBlockHeader, Checkpoint, Fork, Validator};
use super::tickets::{Builder, BuilderAssignment, TicketAccounting, TicketRound};
use crate::config::ChainConfig;
use crate::constants::*;
use crate::primitives::*;
use crate::ssz::VarVector;
use ssz_rs::prelude::*;

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct BeaconState {
    // -- versioning --
    pub genesis_time: u64,
    pub genesis_validators_root: Root,
    pub slot: Slot,
    pub fork: Fork,
    pub config: ChainConfig,
    // -- history --
    pub latest_block_header: BeaconBlockHeader,
    pub block_roots: Vector<Root, SLOTS_PER_HISTORICAL_ROOT>,
    pub state_roots: Vector<Root, SLOTS_PER_HISTORICAL_ROOT>,
    // -- validators --
    pub validators: List<Validator, VALIDATOR_REGISTRY_LIMIT>,
    pub balances: List<Gwei, VALIDATOR_REGISTRY_LIMIT>,
    // -- randomness --
    pub randao_mixes: Vector<Bytes32Mix, EPOCHS_PER_HISTORICAL_VECTOR>,
    // -- participation --
    pub previous_epoch_participation: List<ParticipationFlags, VALIDATOR_REGISTRY_LIMIT>,
    pub current_epoch_participation: List<ParticipationFlags, VALIDATOR_REGISTRY_LIMIT>,
    // -- finality --
    pub justification_bits: Bitvector<JUSTIFICATION_BITS_LENGTH>,
    pub previous_justified_checkpoint: Checkpoint,
    pub current_justified_checkpoint: Checkpoint,
    pub finalized_checkpoint: Checkpoint,
    // -- execution tickets --
    pub builders: List<Builder, BUILDER_REGISTRY_LIMIT>,
    pub ticket_price: Gwei,
    pub ticket_rounds: VarVector<TicketRound, TICKET_ROUND_SLOTS>,
    pub builder_assignments: Vector<BuilderAssignment, ASSIGNMENT_HISTORY>,
    pub slot_revenue: Vector<Gwei, SLOTS_PER_HISTORICAL_ROOT>,
    pub accounting: TicketAccounting,
}

/// A RANDAO mix (`Bytes32`).
pub type Bytes32Mix = crate::ssz::Bytes32;
