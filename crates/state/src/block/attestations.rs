//! `process_attestation`: validate an aggregate and record its participation flags.

use crate::accessors::*;
use crate::error::{SignedObject, StateError};
use crate::signatures::{SignatureVerifier, signing_root};
use etn_types::*;

pub fn process_attestation(
    state: &mut BeaconState,
    attestation: &Attestation,
    committees: &mut CommitteeCache,
    verifier: &mut SignatureVerifier<'_>,
) -> Result<(), StateError> {
    let data = &attestation.data;
    let current = get_current_epoch(state);
    let previous = get_previous_epoch(state);
    if data.target.epoch != current && data.target.epoch != previous {
        return Err(StateError::AttestationTargetEpoch {
            target: data.target.epoch,
        });
    }
    if data.target.epoch != compute_epoch_at_slot(state, data.slot) {
        return Err(StateError::AttestationTargetSlotMismatch {
            target: data.target.epoch,
            slot: data.slot,
        });
    }
    let earliest = data.slot.saturating_add(MIN_ATTESTATION_INCLUSION_DELAY);
    let latest = data.slot.saturating_add(slots_per_epoch(state));
    if !(earliest <= state.slot && state.slot <= latest) {
        return Err(StateError::AttestationInclusionWindow {
            slot: data.slot,
            state_slot: state.slot,
        });
    }
    let committee = committees
        .get(state, data.target.epoch)
        .committee(data.slot, data.index)?
        .to_vec();
    if attestation.aggregation_bits.len() != committee.len() {
        return Err(StateError::AggregationBitsLength {
            expected: committee.len(),
            got: attestation.aggregation_bits.len(),
        });
    }
    let participants: Vec<usize> = committee
        .iter()
        .zip(attestation.aggregation_bits.iter())
        .filter(|(_, bit)| **bit)
        .map(|(v, _)| *v)
        .collect();
    if participants.is_empty() {
        return Err(StateError::EmptyAttestation);
    }
    let justified = if data.target.epoch == current {
        state.current_justified_checkpoint
    } else {
        state.previous_justified_checkpoint
    };
    if data.source != justified {
        return Err(StateError::AttestationWrongSource);
    }
    let cache = verifier.cache();
    let signers = participants
        .iter()
        .filter_map(|v| cache.validator(*v as u64))
        .collect::<Vec<_>>();
    let signers = if signers.len() == participants.len() {
        signers
    } else {
        Vec::new()
    };
    verifier.check(
        SignedObject::Attestation,
        &attestation.signature,
        signers,
        || signing_root(state, data, DOMAIN_BEACON_ATTESTER, data.target.epoch),
    )?;

    let flags = participation_flags(state, data)?;
    let participation = if data.target.epoch == current {
        &mut state.current_epoch_participation
    } else {
        &mut state.previous_epoch_participation
    };
    if participants.iter().any(|v| *v >= participation.len()) {
        return Err(StateError::MalformedState(
            "participation shorter than registry",
        ));
    }
    for v in participants {
        participation[v] |= flags;
    }
    Ok(())
}

/// Source always matches (it was checked); target and head flags when their roots match
/// the chain, head only when included at the earliest slot.
fn participation_flags(state: &BeaconState, data: &AttestationData) -> Result<u8, StateError> {
    let matching_target = data.target.root == get_block_root(state, data.target.epoch)?;
    let matching_head =
        matching_target && data.beacon_block_root == get_block_root_at_slot(state, data.slot)?;
    let delay = state.slot - data.slot;
    let mut flags = 1 << TIMELY_SOURCE_FLAG_INDEX;
    if matching_target {
        flags |= 1 << TIMELY_TARGET_FLAG_INDEX;
    }
    if matching_head && delay == MIN_ATTESTATION_INCLUSION_DELAY {
        flags |= 1 << TIMELY_HEAD_FLAG_INDEX;
    }
    Ok(flags)
}
