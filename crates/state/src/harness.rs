//! An in-process chain driver: deterministic devnet keys, full attestation
//! participation, builders that buy and deliver on request.
//!
//! Tests, benchmarks, fork-choice scenarios and fast experiments all need to grow real
//! chains without a network; this is the one place that knows how to do it. Pure like
//! the rest of the crate: no clocks, no I/O; keys come from public devnet indices.
//!
//! Test support, built only with the `harness` feature: it panics when misused (a block
//! that does not apply, a slot in the past) because a failing driver is a failing test.

use crate::accessors::*;
use crate::produce::*;
use crate::*;
use etn_crypto::{SecretKey, devnet_builder_secret_key, devnet_validator_secret_key};
use etn_types::ssz::hash_tree_root;
use etn_types::*;

/// A chain under construction: its current state and the keys that drive it.
pub struct Harness {
    pub state: BeaconState,
    pub cache: PubkeyCache,
    /// Sign everything and verify with `Individual`; otherwise run BLS-free.
    pub signed: bool,
    validator_keys: Vec<SecretKey>,
    builder_keys: Vec<SecretKey>,
}

impl Harness {
    pub fn new(
        config: ChainConfig,
        validators: u64,
        builder_balances: &[Gwei],
        signed: bool,
    ) -> Self {
        let input = devnet_genesis_input(config, 0, validators, builder_balances);
        let state = initialize_beacon_state(&input).expect("devnet genesis inputs are valid");
        let cache = PubkeyCache::build(&state);
        Self {
            state,
            cache,
            signed,
            validator_keys: (0..validators).map(devnet_validator_secret_key).collect(),
            builder_keys: (0..builder_balances.len() as u64)
                .map(devnet_builder_secret_key)
                .collect(),
        }
    }

    pub fn strategy(&self) -> SignatureStrategy {
        if self.signed {
            SignatureStrategy::Individual
        } else {
            SignatureStrategy::Skip
        }
    }

    pub fn validator_key(&self, index: u64) -> &SecretKey {
        &self.validator_keys[index as usize]
    }

    pub fn builder_key(&self, index: u64) -> &SecretKey {
        &self.builder_keys[index as usize]
    }

    /// The state advanced (on a copy) to `slot` without a block.
    pub fn state_at(&self, slot: Slot) -> BeaconState {
        let mut state = self.state.clone();
        if state.slot < slot {
            process_slots(&mut state, slot).expect("advance");
        }
        state
    }

    /// Aggregates of every committee of the current state's slot, all members taking part.
    pub fn attestations_for_current_slot(&self) -> Vec<Attestation> {
        let state = &self.state;
        let slot = state.slot;
        let count = get_committee_count_per_slot(state);
        let keys = |i: u64| Some(self.validator_keys[i as usize].clone());
        let everyone = |_: u64| true;
        (0..count)
            .filter_map(|index| {
                let data = attestation_data(state, slot, index).expect("attestation data");
                let attesters = if self.signed {
                    Attesters::Signing(&keys)
                } else {
                    Attesters::Unsigned(&everyone)
                };
                aggregate_attestation(state, data, attesters).expect("aggregate")
            })
            .collect()
    }

    pub fn buy(
        &self,
        builder: u64,
        nonce: u64,
        target_slot: Slot,
        tickets: u64,
        inclusion_slot: Slot,
    ) -> SignedBuyTickets {
        let message = BuyTickets {
            builder_index: builder,
            nonce,
            target_slot,
            tickets,
            max_price: u64::MAX,
            rounds: 1,
        };
        if self.signed {
            sign_buy_tickets(
                &self.state,
                message,
                inclusion_slot,
                self.builder_key(builder),
            )
            .unwrap()
        } else {
            SignedBuyTickets {
                message,
                signature: BlsSignature::ZERO,
            }
        }
    }

    pub fn sell(
        &self,
        builder: u64,
        nonce: u64,
        tickets: u64,
        inclusion_slot: Slot,
    ) -> SignedSellTickets {
        let message = SellTickets {
            builder_index: builder,
            nonce,
            tickets,
            min_price: 0,
        };
        if self.signed {
            sign_sell_tickets(
                &self.state,
                message,
                inclusion_slot,
                self.builder_key(builder),
            )
            .unwrap()
        } else {
            SignedSellTickets {
                message,
                signature: BlsSignature::ZERO,
            }
        }
    }

    /// The payload the assigned builder of `slot` would publish, if one is assigned.
    pub fn payload_for(&self, slot: Slot, value: Gwei) -> Option<SignedExecutionPayload> {
        let state = self.state_at(slot);
        let builder = get_assigned_builder(&state, slot)?;
        let message = ExecutionPayload {
            slot,
            builder_index: builder,
            value,
            transactions: Default::default(),
        };
        Some(if self.signed {
            sign_execution_payload(&state, message, self.builder_key(builder)).unwrap()
        } else {
            SignedExecutionPayload {
                message,
                signature: BlsSignature::ZERO,
            }
        })
    }

    /// Produces a block for `slot` on the current state.
    pub fn produce(&self, slot: Slot, contents: BlockContents) -> SignedBeaconBlock {
        let proposer = get_beacon_proposer_index(&self.state_at(slot)).unwrap();
        let key = self.signed.then(|| self.validator_key(proposer));
        produce_block(&self.state, slot, key, contents)
            .expect("produce")
            .0
    }

    pub fn apply(&mut self, block: &SignedBeaconBlock) -> Result<(), StateError> {
        let strategy = self.strategy();
        state_transition(
            &mut self.state,
            block,
            strategy,
            &self.cache,
            StateRootCheck::Verify,
        )
    }

    /// One block at the next slot carrying the previous slot's attestations, the assigned
    /// builder's payload (if any) and `extra` operations.
    pub fn step(
        &mut self,
        purchases: Vec<SignedBuyTickets>,
        payload_value: Gwei,
    ) -> SignedBeaconBlock {
        let slot = self.state.slot + 1;
        let contents = BlockContents {
            attestations: self.attestations_for_current_slot(),
            ticket_purchases: purchases,
            execution_payload: self.payload_for(slot, payload_value),
            ..Default::default()
        };
        let block = self.produce(slot, contents);
        self.apply(&block).expect("block applies");
        block
    }

    pub fn root(&self) -> Root {
        hash_tree_root(&self.state).unwrap()
    }

    pub fn assert_identity(&self) {
        let sides = accounting_sides(&self.state);
        assert!(
            sides.holds(),
            "accounting identity broken at slot {}: {:?}",
            self.state.slot,
            sides
        );
    }
}
