//! Block and attestation production from the chain's head and operation pool.

use super::{Chain, ChainError, attesting_indices};
use etn_crypto::SecretKey;
use etn_state::accessors::CommitteeCache;
use etn_state::accessors::{get_assigned_builder, get_committee_count_per_slot};
use etn_state::block::attestations::process_attestation;
use etn_state::block::slashings::process_attester_slashing;
use etn_state::block::tickets::{process_buy_tickets, process_sell_tickets};
use etn_state::produce::{
    Attesters, BlockContents, aggregate_attestation, attestation_data, produce_block,
};
use etn_state::signatures::SignatureVerifier;
use etn_state::{PubkeyCache, SignatureStrategy, process_slots};
use etn_store::ChainStore;
use etn_types::*;

impl<S: ChainStore> Chain<S> {
    /// The head state advanced (on a copy) to `slot`.
    pub fn state_at_slot(&mut self, slot: Slot) -> Result<BeaconState, ChainError> {
        let mut state = self.head_state()?.clone();
        if state.slot < slot {
            process_slots(&mut state, slot)?;
        }
        Ok(state)
    }

    /// Builds and signs a block for `slot` on the current head with everything from the
    /// pool that still applies, in the order the block will apply it. Does not import it.
    pub fn produce_block(
        &mut self,
        slot: Slot,
        proposer_key: &SecretKey,
        graffiti: Bytes32,
    ) -> Result<SignedBeaconBlock, ChainError> {
        let head_state = self.head_state()?.clone();
        let advanced = self.state_at_slot(slot)?;
        let payload = get_assigned_builder(&advanced, slot).and_then(|builder| {
            self.op_pool
                .payload_for(slot)
                .filter(|p| p.message.builder_index == builder)
        });
        let base = BlockContents {
            graffiti,
            execution_payload: payload,
            ..Default::default()
        };
        // The state just before the block's operations (RANDAO, draw and payload applied).
        let (_, mut trial) =
            match produce_block(&head_state, slot, Some(proposer_key), base.clone()) {
                Ok(done) => done,
                Err(_) => produce_block(
                    &head_state,
                    slot,
                    Some(proposer_key),
                    BlockContents {
                        execution_payload: None,
                        ..base.clone()
                    },
                )?,
            };
        let mut contents = BlockContents {
            execution_payload: if trial.accounting.delivered_payloads
                > advanced.accounting.delivered_payloads
            {
                base.execution_payload.clone()
            } else {
                None
            },
            graffiti,
            ..Default::default()
        };
        let mechanism = trial
            .config
            .mechanism()
            .map_err(etn_state::StateError::from)?;
        let skip = PubkeyCache::default();
        let mut verifier = SignatureVerifier::new(SignatureStrategy::Skip, &skip);
        for slashing in self.op_pool.slashings() {
            let mut candidate = trial.clone();
            if process_attester_slashing(&mut candidate, &slashing, &mut verifier).is_ok() {
                trial = candidate;
                contents.attester_slashings.push(slashing);
                if contents.attester_slashings.len() == MAX_ATTESTER_SLASHINGS {
                    break;
                }
            }
        }
        let mut committees = CommitteeCache::default();
        for attestation in self
            .op_pool
            .attestations_for(slot, trial.config.slots_per_epoch)
        {
            if contents.attestations.len() == MAX_ATTESTATIONS {
                break;
            }
            if process_attestation(&mut trial, &attestation, &mut committees, &mut verifier).is_ok()
            {
                contents.attestations.push(attestation);
            }
        }
        for purchase in self.op_pool.purchases() {
            if contents.ticket_purchases.len() == MAX_TICKET_PURCHASES {
                break;
            }
            if process_buy_tickets(&mut trial, &purchase, &mechanism, &mut verifier).is_ok() {
                contents.ticket_purchases.push(purchase);
            }
        }
        for sale in self.op_pool.sales() {
            if contents.ticket_sales.len() == MAX_TICKET_SALES {
                break;
            }
            if process_sell_tickets(&mut trial, &sale, &mechanism, &mut verifier).is_ok() {
                contents.ticket_sales.push(sale);
            }
        }
        Ok(produce_block(&head_state, slot, Some(proposer_key), contents)?.0)
    }

    /// Attestations for `slot` by the local validators `keys` can sign for, one aggregate
    /// per committee, on the current head. They are counted and pooled at once.
    pub fn produce_attestations(
        &mut self,
        slot: Slot,
        keys: &dyn Fn(u64) -> Option<SecretKey>,
    ) -> Result<Vec<Attestation>, ChainError> {
        let state = self.state_at_slot(slot)?;
        let mut out = Vec::new();
        for index in 0..get_committee_count_per_slot(&state) {
            let data = attestation_data(&state, slot, index)?;
            if let Some(attestation) =
                aggregate_attestation(&state, data, Attesters::Signing(keys))?
            {
                let indices = attesting_indices(&state, &attestation)?;
                self.fork_choice
                    .on_attestation(&indices, &attestation.data, false)?;
                self.op_pool.insert_attestation(attestation.clone());
                out.push(attestation);
            }
        }
        Ok(out)
    }
}
