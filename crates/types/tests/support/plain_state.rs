//! `BeaconState` as it was declared before its collections were cached: plain ssz_rs
//! `List`s and `Vector`s, the reference for roots, encodings and JSON (shared by the
//! `cached_state` test and the `state_root` bench).

use etn_types::*;
use ssz_rs::prelude::*;

/// `BeaconState` as it was declared before the cached collections: the reference.
#[derive(Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize)]
pub struct PlainBeaconState {
    pub genesis_time: u64,
    pub genesis_validators_root: Root,
    pub slot: Slot,
    pub fork: Fork,
    pub config: ChainConfig,
    pub latest_block_header: BeaconBlockHeader,
    pub block_roots: Vector<Root, SLOTS_PER_HISTORICAL_ROOT>,
    pub state_roots: Vector<Root, SLOTS_PER_HISTORICAL_ROOT>,
    pub validators: List<Validator, VALIDATOR_REGISTRY_LIMIT>,
    pub balances: List<Gwei, VALIDATOR_REGISTRY_LIMIT>,
    pub randao_mixes: Vector<Bytes32, EPOCHS_PER_HISTORICAL_VECTOR>,
    pub previous_epoch_participation: List<ParticipationFlags, VALIDATOR_REGISTRY_LIMIT>,
    pub current_epoch_participation: List<ParticipationFlags, VALIDATOR_REGISTRY_LIMIT>,
    pub justification_bits: Bitvector<JUSTIFICATION_BITS_LENGTH>,
    pub previous_justified_checkpoint: Checkpoint,
    pub current_justified_checkpoint: Checkpoint,
    pub finalized_checkpoint: Checkpoint,
    pub builders: List<Builder, BUILDER_REGISTRY_LIMIT>,
    pub ticket_price: Gwei,
    pub ticket_rounds: Vector<TicketRound, TICKET_ROUND_SLOTS>,
    pub builder_assignments: Vector<BuilderAssignment, ASSIGNMENT_HISTORY>,
    pub slot_revenue: Vector<Gwei, SLOTS_PER_HISTORICAL_ROOT>,
    pub accounting: TicketAccounting,
}

pub fn plain(state: &BeaconState) -> PlainBeaconState {
    PlainBeaconState {
        genesis_time: state.genesis_time,
        genesis_validators_root: state.genesis_validators_root,
        slot: state.slot,
        fork: state.fork.clone(),
        config: state.config.clone(),
        latest_block_header: state.latest_block_header.clone(),
        block_roots: state.block_roots.to_vec().try_into().unwrap(),
        state_roots: state.state_roots.to_vec().try_into().unwrap(),
        validators: state.validators.to_vec().try_into().unwrap(),
        balances: state.balances.to_vec().try_into().unwrap(),
        randao_mixes: state.randao_mixes.to_vec().try_into().unwrap(),
        previous_epoch_participation: state
            .previous_epoch_participation
            .to_vec()
            .try_into()
            .unwrap(),
        current_epoch_participation: state
            .current_epoch_participation
            .to_vec()
            .try_into()
            .unwrap(),
        justification_bits: state.justification_bits.clone(),
        previous_justified_checkpoint: state.previous_justified_checkpoint,
        current_justified_checkpoint: state.current_justified_checkpoint,
        finalized_checkpoint: state.finalized_checkpoint,
        builders: state.builders.to_vec().try_into().unwrap(),
        ticket_price: state.ticket_price,
        ticket_rounds: state.ticket_rounds.to_vec().try_into().unwrap(),
        builder_assignments: state.builder_assignments.to_vec().try_into().unwrap(),
        slot_revenue: state.slot_revenue.to_vec().try_into().unwrap(),
        accounting: state.accounting.clone(),
    }
}
