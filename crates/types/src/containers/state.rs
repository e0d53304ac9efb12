//! The beacon state.
//!
//! Its large collections are [`CachedList`]s and [`CachedVector`]s: the state transition
//! hashes the state several times per slot, and with the collections keeping their
//! Merkle trees a root costs what changed since the last one (a few builders, one
//! history slot) instead of the whole registry. Mutate them through indexing, `get_mut`,
//! `push` or `iter_mut`, which record the change; reads are plain slices.

use super::beacon::{BeaconBlockHeader, Checkpoint, Fork, Validator};
use super::tickets::{Builder, BuilderAssignment, TicketAccounting, TicketRound};
use crate::config::ChainConfig;
use crate::constants::*;
use crate::primitives::*;
use crate::ssz::{CachedList, CachedVector};
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
    pub block_roots: CachedVector<Root, SLOTS_PER_HISTORICAL_ROOT>,
    pub state_roots: CachedVector<Root, SLOTS_PER_HISTORICAL_ROOT>,
    // -- validators --
    pub validators: CachedList<Validator, VALIDATOR_REGISTRY_LIMIT>,
    pub balances: CachedList<Gwei, VALIDATOR_REGISTRY_LIMIT>,
    // -- randomness --
    pub randao_mixes: CachedVector<Bytes32Mix, EPOCHS_PER_HISTORICAL_VECTOR>,
    // -- participation --
    pub previous_epoch_participation: CachedList<ParticipationFlags, VALIDATOR_REGISTRY_LIMIT>,
    pub current_epoch_participation: CachedList<ParticipationFlags, VALIDATOR_REGISTRY_LIMIT>,
    // -- finality --
    pub justification_bits: Bitvector<JUSTIFICATION_BITS_LENGTH>,
    pub previous_justified_checkpoint: Checkpoint,
    pub current_justified_checkpoint: Checkpoint,
    pub finalized_checkpoint: Checkpoint,
    // -- execution tickets --
    pub builders: CachedList<Builder, BUILDER_REGISTRY_LIMIT>,
    pub ticket_price: Gwei,
    pub ticket_rounds: CachedVector<TicketRound, TICKET_ROUND_SLOTS>,
    pub builder_assignments: CachedVector<BuilderAssignment, ASSIGNMENT_HISTORY>,
    pub slot_revenue: CachedVector<Gwei, SLOTS_PER_HISTORICAL_ROOT>,
    pub accounting: TicketAccounting,
}

impl BeaconState {
    /// Discards the Merkle trees the state's collections keep, freeing their memory
    /// (worth it for states that are kept only to be read) and making the next root a
    /// full recomputation (which is how benchmarks measure a cold root).
    pub fn drop_hash_caches(&mut self) {
        self.block_roots.drop_cache();
        self.state_roots.drop_cache();
        self.validators.drop_cache();
        self.balances.drop_cache();
        self.randao_mixes.drop_cache();
        self.previous_epoch_participation.drop_cache();
        self.current_epoch_participation.drop_cache();
        self.builders.drop_cache();
        self.ticket_rounds.drop_cache();
        self.builder_assignments.drop_cache();
        self.slot_revenue.drop_cache();
    }
}

/// A RANDAO mix (`Bytes32`).
pub type Bytes32Mix = crate::ssz::Bytes32;
