//! `process_attester_slashing`: two conflicting votes mark their common signers slashed.
//! etn has no penalties; slashed validators lose their FFG weight and proposal rights,
//! and fork choice drops their votes.

use crate::error::{SignedObject, StateError};
use crate::signatures::{SignatureVerifier, signing_root};
use etn_types::*;

/// Double vote, or surround vote, as in phase0.
pub fn is_slashable_attestation_data(a: &AttestationData, b: &AttestationData) -> bool {
    (a != b && a.target.epoch == b.target.epoch)
        || (a.source.epoch < b.source.epoch && b.target.epoch < a.target.epoch)
}

pub fn is_valid_indexed_attestation(
    state: &BeaconState,
    indexed: &IndexedAttestation,
    verifier: &mut SignatureVerifier<'_>,
) -> Result<(), StateError> {
    let indices = &indexed.attesting_indices;
    let sorted_unique = indices.windows(2).all(|w| w[0] < w[1]);
    let known = indices
        .iter()
        .all(|i| (*i as usize) < state.validators.len());
    if indices.is_empty() || !sorted_unique || !known {
        return Err(StateError::BadIndexedAttestation);
    }
    let cache = verifier.cache();
    let signers: Vec<_> = indices.iter().filter_map(|i| cache.validator(*i)).collect();
    let signers = if signers.len() == indices.len() {
        signers
    } else {
        Vec::new()
    };
    let data = &indexed.data;
    verifier.check(
        SignedObject::AttesterSlashing,
        &indexed.signature,
        signers,
        || signing_root(state, data, DOMAIN_BEACON_ATTESTER, data.target.epoch),
    )
}

pub fn process_attester_slashing(
    state: &mut BeaconState,
    slashing: &AttesterSlashing,
    verifier: &mut SignatureVerifier<'_>,
) -> Result<(), StateError> {
    let (a, b) = (&slashing.attestation_1, &slashing.attestation_2);
    if !is_slashable_attestation_data(&a.data, &b.data) {
        return Err(StateError::NotSlashable);
    }
    is_valid_indexed_attestation(state, a, verifier)?;
    is_valid_indexed_attestation(state, b, verifier)?;
    let common: Vec<u64> = a
        .attesting_indices
        .iter()
        .filter(|i| b.attesting_indices.binary_search(i).is_ok())
        .copied()
        .collect();
    let mut slashed_any = false;
    for index in common {
        let validator = &mut state.validators[index as usize];
        if !validator.slashed {
            validator.slashed = true;
            slashed_any = true;
        }
    }
    if !slashed_any {
        return Err(StateError::NothingSlashed);
    }
    Ok(())
}
