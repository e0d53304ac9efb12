//! Attestations: every validator of a slot's committees votes for the head, and the
//! next block carries one aggregate per committee (full participation, so the chain
//! justifies and finalizes as a healthy network would).

use super::keys::sum_secret_keys;
use etn_crypto::SecretKey;
use etn_state::StateError;
use etn_state::accessors::{EpochCommittees, compute_epoch_at_slot};
use etn_state::produce::attestation_data;
use etn_state::signatures::signing_root;
use etn_types::*;
use ssz_rs::prelude::Bitlist;

/// An aggregate attestation still to be signed (when the chain runs with BLS): the
/// committee's summed key and the signing root.
pub struct PendingAttestation {
    pub attestation: Attestation,
    pub signer: Option<(SecretKey, [u8; 32])>,
}

/// Builds the aggregates of every committee of `state.slot` on `state` (a post-block
/// state, so the head is its latest block). The shuffling of an epoch is computed once.
#[derive(Default)]
pub struct AttestationBuilder {
    committees: Option<EpochCommittees>,
}

impl AttestationBuilder {
    pub fn build(
        &mut self,
        state: &BeaconState,
        validator_keys: Option<&[SecretKey]>,
    ) -> Result<Vec<PendingAttestation>, StateError> {
        let slot = state.slot;
        let epoch = compute_epoch_at_slot(state, slot);
        if self.committees.as_ref().is_none_or(|c| c.epoch != epoch) {
            self.committees = Some(EpochCommittees::compute(state, epoch));
        }
        let committees = self.committees.as_ref().expect("just computed");
        // The data differs between committees only in its index: hash the head once.
        let first = attestation_data(state, slot, 0)?;
        let mut out = Vec::new();
        for index in 0..committees.committees_per_slot() {
            let data = AttestationData { index, ..first };
            let members = committees.committee(slot, index)?;
            if members.is_empty() {
                continue;
            }
            let bits = vec![true; members.len()];
            let aggregation_bits = Bitlist::try_from(bits.as_slice())
                .map_err(|_| StateError::MalformedState("committee larger than the bitlist"))?;
            let signer = match validator_keys {
                Some(keys) => {
                    let root = signing_root(state, &data, DOMAIN_BEACON_ATTESTER, epoch)?;
                    let key = sum_secret_keys(members.iter().map(|&m| &keys[m]))
                        .ok_or(StateError::MalformedState("committee keys sum to zero"))?;
                    Some((key, root))
                }
                None => None,
            };
            out.push(PendingAttestation {
                attestation: Attestation {
                    aggregation_bits,
                    data,
                    signature: BlsSignature::ZERO,
                },
                signer,
            });
        }
        Ok(out)
    }
}
