//! Read-only helpers of the spec: epochs, RANDAO mixes, seeds, committees, proposers,
//! domains and builder assignments.

use crate::error::StateError;
use crate::math::{hash_concat, le64};
use crate::shuffle::{compute_shuffled_index, shuffled_positions};
use etn_types::*;

pub fn slots_per_epoch(state: &BeaconState) -> u64 {
    state.config.slots_per_epoch.max(1)
}

pub fn compute_epoch_at_slot(state: &BeaconState, slot: Slot) -> Epoch {
    slot / slots_per_epoch(state)
}

pub fn compute_start_slot_at_epoch(state: &BeaconState, epoch: Epoch) -> Slot {
    epoch.saturating_mul(slots_per_epoch(state))
}

pub fn get_current_epoch(state: &BeaconState) -> Epoch {
    compute_epoch_at_slot(state, state.slot)
}

pub fn get_previous_epoch(state: &BeaconState) -> Epoch {
    get_current_epoch(state).saturating_sub(1)
}

pub fn get_randao_mix(state: &BeaconState, epoch: Epoch) -> Bytes32 {
    state.randao_mixes[(epoch % EPOCHS_PER_HISTORICAL_VECTOR as u64) as usize]
}

/// The block root at a recent slot (`slot < state.slot <= slot + SLOTS_PER_HISTORICAL_ROOT`).
pub fn get_block_root_at_slot(state: &BeaconState, slot: Slot) -> Result<Root, StateError> {
    if !(slot < state.slot && state.slot <= slot.saturating_add(SLOTS_PER_HISTORICAL_ROOT as u64)) {
        return Err(StateError::MalformedState(
            "block root requested outside the history",
        ));
    }
    Ok(state.block_roots[(slot % SLOTS_PER_HISTORICAL_ROOT as u64) as usize])
}

pub fn get_block_root(state: &BeaconState, epoch: Epoch) -> Result<Root, StateError> {
    get_block_root_at_slot(state, compute_start_slot_at_epoch(state, epoch))
}

/// `get_seed(state, epoch, domain_type)` of phase0.
pub fn get_seed(state: &BeaconState, epoch: Epoch, domain_type: DomainType) -> [u8; 32] {
    let mix_epoch = epoch
        .wrapping_add(EPOCHS_PER_HISTORICAL_VECTOR as u64)
        .wrapping_sub(MIN_SEED_LOOKAHEAD)
        .wrapping_sub(1);
    let mix = get_randao_mix(state, mix_epoch);
    hash_concat(&[domain_type.as_ref(), &le64(epoch), mix.as_ref()])
}

/// The seed a round (or pool draw) for `target_slot` is sampled with.
pub fn get_ticket_seed(state: &BeaconState, target_slot: Slot) -> [u8; 32] {
    let mix = get_randao_mix(state, get_current_epoch(state));
    hash_concat(&[
        DOMAIN_TICKET_SAMPLING.as_ref(),
        &le64(target_slot),
        mix.as_ref(),
    ])
}

/// Validators never join or leave after genesis: every index is active in every epoch.
pub fn active_validator_count(state: &BeaconState) -> usize {
    state.validators.len()
}

pub fn get_total_active_balance(state: &BeaconState) -> Result<Gwei, StateError> {
    state.validators.iter().try_fold(0u64, |acc, v| {
        acc.checked_add(v.effective_balance)
            .ok_or(StateError::Overflow("total active balance"))
    })
}

pub fn get_committee_count_per_slot(state: &BeaconState) -> u64 {
    let per_slot = active_validator_count(state) as u64
        / slots_per_epoch(state)
        / state.config.target_committee_size.max(1);
    per_slot.clamp(1, state.config.max_committees_per_slot.max(1))
}

fn shuffle_rounds(state: &BeaconState) -> u8 {
    u8::try_from(state.config.shuffle_round_count).unwrap_or(u8::MAX)
}

/// The proposer of `state.slot`: the first unslashed candidate of phase0's
/// `compute_proposer_index` sequence. Every validator carries the same effective balance,
/// so phase0's balance test accepts every candidate; slashed validators, which etn never
/// exits, are passed over so that their slots still get blocks.
pub fn get_beacon_proposer_index(state: &BeaconState) -> Result<ValidatorIndex, StateError> {
    let count = active_validator_count(state);
    if count == 0 {
        return Err(StateError::MalformedState("no validators"));
    }
    let epoch = get_current_epoch(state);
    let seed = hash_concat(&[
        &get_seed(state, epoch, DOMAIN_BEACON_PROPOSER),
        &le64(state.slot),
    ]);
    let rounds = shuffle_rounds(state);
    (0..count)
        .map(|i| compute_shuffled_index(i, count, &seed, rounds))
        .find(|candidate| !state.validators[*candidate].slashed)
        .map(|candidate| candidate as u64)
        .ok_or(StateError::MalformedState("every validator is slashed"))
}

/// `get_domain(state, domain_type, epoch)` of phase0.
pub fn get_domain(state: &BeaconState, domain_type: DomainType, epoch: Epoch) -> Domain {
    let version = if epoch < state.fork.epoch {
        state.fork.previous_version
    } else {
        state.fork.current_version
    };
    Bytes32(etn_crypto::compute_domain(
        domain_type.0,
        version.0,
        state.genesis_validators_root.0,
    ))
}

/// The shuffled committees of one epoch, computed once and sliced per slot and index.
#[derive(Debug, Clone)]
pub struct EpochCommittees {
    pub epoch: Epoch,
    shuffled: Vec<usize>,
    committees_per_slot: u64,
    slots_per_epoch: u64,
}

impl EpochCommittees {
    pub fn compute(state: &BeaconState, epoch: Epoch) -> Self {
        let count = active_validator_count(state);
        let seed = get_seed(state, epoch, DOMAIN_BEACON_ATTESTER);
        Self {
            epoch,
            shuffled: shuffled_positions(count, &seed, shuffle_rounds(state)),
            committees_per_slot: get_committee_count_per_slot(state),
            slots_per_epoch: slots_per_epoch(state),
        }
    }

    pub fn committees_per_slot(&self) -> u64 {
        self.committees_per_slot
    }

    /// `get_beacon_committee(state, slot, index)`; validator indices in committee order.
    pub fn committee(&self, slot: Slot, index: CommitteeIndex) -> Result<&[usize], StateError> {
        if index >= self.committees_per_slot {
            return Err(StateError::CommitteeIndexOutOfRange {
                index,
                count: self.committees_per_slot,
            });
        }
        let total = (self.committees_per_slot * self.slots_per_epoch) as u128;
        let which = ((slot % self.slots_per_epoch) * self.committees_per_slot + index) as u128;
        let len = self.shuffled.len() as u128;
        let start = (len * which / total) as usize;
        let end = (len * (which + 1) / total) as usize;
        Ok(&self.shuffled[start..end])
    }
}

/// Committees of the previous and current epoch, computed on first use within one
/// block's processing (attestations refer to at most these two epochs).
#[derive(Debug, Default)]
pub struct CommitteeCache {
    epochs: Vec<EpochCommittees>,
}

impl CommitteeCache {
    pub fn get(&mut self, state: &BeaconState, epoch: Epoch) -> &EpochCommittees {
        if let Some(pos) = self.epochs.iter().position(|c| c.epoch == epoch) {
            return &self.epochs[pos];
        }
        self.epochs.push(EpochCommittees::compute(state, epoch));
        self.epochs.last().expect("just pushed")
    }
}

/// The assignment record for `slot`, if the ring still holds it.
pub fn get_builder_assignment(state: &BeaconState, slot: Slot) -> Option<&BuilderAssignment> {
    let entry = &state.builder_assignments[(slot % ASSIGNMENT_HISTORY as u64) as usize];
    (entry.slot == slot).then_some(entry)
}

/// The builder assigned to `slot`, if any.
pub fn get_assigned_builder(state: &BeaconState, slot: Slot) -> Option<BuilderIndex> {
    get_builder_assignment(state, slot)
        .map(|a| a.builder_index)
        .filter(|b| *b != NO_BUILDER)
}
