//! A chain driver for the generator: grows real chains with the state transition, with
//! or without BLS, and makes the operations builders and validators would sign.
//!
//! Unlike `etn_state::harness`, which panics on misuse because it serves tests, this
//! driver returns errors (the generator reports them) and never hides a rejected block.

use anyhow::{Context, Result, anyhow};
use etn_crypto::{SecretKey, devnet_builder_secret_key, devnet_validator_secret_key};
use etn_state::accessors::{
    get_assigned_builder, get_beacon_proposer_index, get_committee_count_per_slot,
};
use etn_state::produce::{
    Attesters, BlockContents, aggregate_attestation, attestation_data, produce_block,
    sign_buy_tickets, sign_execution_payload, sign_sell_tickets,
};
use etn_state::{
    PubkeyCache, SignatureStrategy, StateRootCheck, devnet_genesis_input, initialize_beacon_state,
    process_slots, state_transition,
};
use etn_types::ssz::hash_tree_root;
use etn_types::*;

/// A chain under construction.
#[derive(Clone)]
pub struct Chain {
    pub state: BeaconState,
    /// Sign everything (and verify when applying); otherwise signatures are zero.
    pub signed: bool,
    cache: PubkeyCache,
    validator_keys: Vec<SecretKey>,
    builder_keys: Vec<SecretKey>,
}

impl Chain {
    /// A devnet genesis (deterministic keys) with `validators` validators and one
    /// builder per balance.
    pub fn genesis(
        config: ChainConfig,
        validators: u64,
        builder_balances: &[Gwei],
        signed: bool,
    ) -> Result<Self> {
        Self::genesis_at(config, 0, validators, builder_balances, signed)
    }

    pub fn genesis_at(
        config: ChainConfig,
        genesis_time: u64,
        validators: u64,
        builder_balances: &[Gwei],
        signed: bool,
    ) -> Result<Self> {
        let input = devnet_genesis_input(config, genesis_time, validators, builder_balances);
        let state = initialize_beacon_state(&input).map_err(|e| anyhow!("genesis: {e}"))?;
        Ok(Self::from_state(state, signed))
    }

    /// Drives an existing state (its registries must use the devnet keys to sign).
    pub fn from_state(state: BeaconState, signed: bool) -> Self {
        let cache = if signed {
            PubkeyCache::build(&state)
        } else {
            PubkeyCache::default()
        };
        Self {
            validator_keys: (0..state.validators.len() as u64)
                .map(devnet_validator_secret_key)
                .collect(),
            builder_keys: (0..state.builders.len() as u64)
                .map(devnet_builder_secret_key)
                .collect(),
            cache,
            state,
            signed,
        }
    }

    pub fn strategy(&self) -> SignatureStrategy {
        if self.signed {
            SignatureStrategy::Individual
        } else {
            SignatureStrategy::Skip
        }
    }

    pub fn builder_key(&self, index: u64) -> &SecretKey {
        &self.builder_keys[index as usize]
    }

    pub fn validator_key(&self, index: u64) -> &SecretKey {
        &self.validator_keys[index as usize]
    }

    /// The state advanced (on a copy) to `slot` without a block.
    pub fn state_at(&self, slot: Slot) -> Result<BeaconState> {
        let mut state = self.state.clone();
        if state.slot < slot {
            process_slots(&mut state, slot).map_err(|e| anyhow!("advance to {slot}: {e}"))?;
        }
        Ok(state)
    }

    /// Advances the chain through empty slots to `slot`.
    pub fn advance(&mut self, slot: Slot) -> Result<()> {
        self.state = self.state_at(slot)?;
        Ok(())
    }

    /// A block for `slot` on the current state with `contents`, signed if the chain is.
    pub fn produce(&self, slot: Slot, contents: BlockContents) -> Result<SignedBeaconBlock> {
        let proposer = get_beacon_proposer_index(&self.state_at(slot)?)?;
        let key = self.signed.then(|| self.validator_key(proposer));
        let (block, _) = produce_block(&self.state, slot, key, contents)
            .map_err(|e| anyhow!("producing a block for slot {slot}: {e}"))?;
        Ok(block)
    }

    /// Applies `block` with full verification (state root included).
    pub fn apply(&mut self, block: &SignedBeaconBlock) -> Result<()> {
        let strategy = self.strategy();
        state_transition(
            &mut self.state,
            block,
            strategy,
            &self.cache,
            StateRootCheck::Verify,
        )
        .map_err(|e| anyhow!("block at slot {} rejected: {e}", block.message.slot))
    }

    /// Produces and applies a block for `slot`.
    pub fn block(&mut self, slot: Slot, contents: BlockContents) -> Result<SignedBeaconBlock> {
        let block = self.produce(slot, contents)?;
        self.apply(&block)?;
        Ok(block)
    }

    /// A block at `slot` carrying the attestations of slot `slot - 1` (all of its
    /// committees, every member), the assigned builder's payload worth `payload_value`
    /// if the slot has one, and `contents`' operations.
    pub fn full_block(
        &mut self,
        slot: Slot,
        payload_value: Option<Gwei>,
        mut contents: BlockContents,
    ) -> Result<SignedBeaconBlock> {
        if slot >= 1 && self.state.slot == slot - 1 {
            let mut votes = self.attestations(&|_| true)?;
            votes.append(&mut contents.attestations);
            contents.attestations = votes;
        }
        if let Some(value) = payload_value
            && contents.execution_payload.is_none()
        {
            contents.execution_payload = self.payload_for(slot, value)?;
        }
        self.block(slot, contents)
    }

    /// Aggregates of every committee of the current slot, for the chain's head, by the
    /// members `include` selects.
    pub fn attestations(&self, include: &dyn Fn(u64) -> bool) -> Result<Vec<Attestation>> {
        let state = &self.state;
        let slot = state.slot;
        let count = get_committee_count_per_slot(state);
        let mut out = Vec::new();
        for index in 0..count {
            let data = attestation_data(state, slot, index)?;
            let keys = |i: u64| include(i).then(|| self.validator_keys[i as usize].clone());
            let attesters = if self.signed {
                Attesters::Signing(&keys)
            } else {
                Attesters::Unsigned(include)
            };
            if let Some(a) = aggregate_attestation(state, data, attesters)? {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// A purchase by `builder` with the given nonce, for inclusion at `inclusion_slot`.
    pub fn buy_with(&self, message: BuyTickets, inclusion_slot: Slot) -> Result<SignedBuyTickets> {
        if self.signed {
            let key = self.builder_key(message.builder_index);
            sign_buy_tickets(&self.state, message, inclusion_slot, key)
                .context("signing a purchase")
        } else {
            Ok(SignedBuyTickets {
                message,
                signature: BlsSignature::ZERO,
            })
        }
    }

    /// A purchase at any price, with the builder's next nonce plus `nonce_offset`.
    pub fn buy(
        &self,
        builder: u64,
        target_slot: Slot,
        tickets: u64,
        inclusion_slot: Slot,
        nonce_offset: u64,
    ) -> Result<SignedBuyTickets> {
        let nonce = self.state.builders[builder as usize].nonce + nonce_offset;
        self.buy_with(
            BuyTickets {
                builder_index: builder,
                nonce,
                target_slot,
                tickets,
                max_price: u64::MAX,
                rounds: 1,
            },
            inclusion_slot,
        )
    }

    pub fn sell_with(
        &self,
        message: SellTickets,
        inclusion_slot: Slot,
    ) -> Result<SignedSellTickets> {
        if self.signed {
            let key = self.builder_key(message.builder_index);
            sign_sell_tickets(&self.state, message, inclusion_slot, key).context("signing a sale")
        } else {
            Ok(SignedSellTickets {
                message,
                signature: BlsSignature::ZERO,
            })
        }
    }

    /// A sale at any payout, with the builder's next nonce plus `nonce_offset`.
    pub fn sell(
        &self,
        builder: u64,
        tickets: u64,
        inclusion_slot: Slot,
        nonce_offset: u64,
    ) -> Result<SignedSellTickets> {
        let nonce = self.state.builders[builder as usize].nonce + nonce_offset;
        self.sell_with(
            SellTickets {
                builder_index: builder,
                nonce,
                tickets,
                min_price: 0,
            },
            inclusion_slot,
        )
    }

    /// The payload the assigned builder of `slot` would publish, if one is assigned.
    pub fn payload_for(&self, slot: Slot, value: Gwei) -> Result<Option<SignedExecutionPayload>> {
        let state = self.state_at(slot)?;
        let Some(builder) = get_assigned_builder(&state, slot) else {
            return Ok(None);
        };
        let message = ExecutionPayload {
            slot,
            builder_index: builder,
            value,
            transactions: Default::default(),
        };
        self.sign_payload(&state, message).map(Some)
    }

    pub fn sign_payload(
        &self,
        state: &BeaconState,
        message: ExecutionPayload,
    ) -> Result<SignedExecutionPayload> {
        if self.signed {
            let key = self.builder_key(message.builder_index);
            sign_execution_payload(state, message, key).context("signing a payload")
        } else {
            Ok(SignedExecutionPayload {
                message,
                signature: BlsSignature::ZERO,
            })
        }
    }

    pub fn root(&self) -> Result<Root> {
        Ok(hash_tree_root(&self.state)?)
    }
}

/// The minimal preset with a mechanism chosen per case.
pub fn config(
    allocation: AllocationRule,
    payment: PaymentRule,
    lifetime: TicketLifetime,
    destination: PaymentDestination,
    pricing: PricingRule,
) -> ChainConfig {
    let mut config = ChainConfig::minimal().with_allocation(allocation);
    config.payment_rule = payment.code();
    config.ticket_lifetime = lifetime.code();
    config.payment_destination = destination.code();
    config.pricing_rule = pricing.code();
    config
}
