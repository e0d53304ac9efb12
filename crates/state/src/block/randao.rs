//! `process_randao`: verify the proposer's reveal and mix its hash into the epoch's mix.

use crate::accessors::{get_beacon_proposer_index, get_current_epoch, get_randao_mix};
use crate::error::{SignedObject, StateError};
use crate::math::hash_concat;
use crate::signatures::{SignatureVerifier, signing_root};
use etn_types::*;

pub fn process_randao(
    state: &mut BeaconState,
    body: &BeaconBlockBody,
    verifier: &mut SignatureVerifier<'_>,
) -> Result<(), StateError> {
    let epoch = get_current_epoch(state);
    let proposer = get_beacon_proposer_index(state)?;
    let signers = verifier.cache().validator(proposer).into_iter().collect();
    verifier.check(
        SignedObject::RandaoReveal,
        &body.randao_reveal,
        signers,
        || signing_root(state, &epoch, DOMAIN_RANDAO, epoch),
    )?;
    let reveal_hash = hash_concat(&[body.randao_reveal.as_ref()]);
    let mut mix = get_randao_mix(state, epoch).0;
    for (m, r) in mix.iter_mut().zip(reveal_hash.iter()) {
        *m ^= r;
    }
    state.randao_mixes[(epoch % EPOCHS_PER_HISTORICAL_VECTOR as u64) as usize] = Bytes32(mix);
    Ok(())
}
