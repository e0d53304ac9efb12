//! Gossip validation: what the chain answers when the network asks whether to forward a
//! message. `Accept` forwards it, `Ignore` drops it quietly (stale, duplicate, not yet
//! judgeable), `Reject` drops it and lowers the sender's score (provably invalid).
//!
//! The rules follow Ethereum's gossip conditions, adapted to etn's topics (see
//! specs/p2p-interface.md): cheap checks first, signatures before expensive work, and a
//! block is only accepted once it has been imported.

use super::{Chain, ChainError, ImportOutcome, attesting_indices};
use etn_crypto::{PublicKey, Signature, SignatureSet};
use etn_state::accessors::{compute_epoch_at_slot, get_assigned_builder};
use etn_state::block::slashings::process_attester_slashing;
use etn_state::block::tickets::max_purchase_rounds;
use etn_state::signatures::{SignatureVerifier, signing_root};
use etn_state::{SignatureStrategy, StateError};
use etn_store::ChainStore;
use etn_types::ssz::hash_tree_root;
use etn_types::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

/// Tolerated difference between our clock and a sender's (as in Ethereum).
pub const MAXIMUM_GOSSIP_CLOCK_DISPARITY_MS: u64 = 500;

/// The verdict on one gossip message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Ignore(String),
    Reject(String),
}

impl Verdict {
    fn ignore(why: impl Into<String>) -> Self {
        Self::Ignore(why.into())
    }
    fn reject(why: impl Into<String>) -> Self {
        Self::Reject(why.into())
    }
}

/// Messages already seen, by slot, so duplicates are ignored and the sets stay bounded.
#[derive(Debug, Default)]
pub struct SeenCache {
    /// First block per (slot, proposer).
    proposals: BTreeMap<Slot, HashSet<u64>>,
    /// Roots of attestations, purchases, sales, payloads and slashings.
    messages: BTreeMap<Slot, HashSet<Root>>,
}

impl SeenCache {
    fn proposal(&mut self, slot: Slot, proposer: u64) -> bool {
        self.proposals.entry(slot).or_default().insert(proposer)
    }

    fn message(&mut self, slot: Slot, root: Root) -> bool {
        self.messages.entry(slot).or_default().insert(root)
    }

    /// Forgets everything before `slot`.
    pub fn prune(&mut self, slot: Slot) {
        self.proposals = self.proposals.split_off(&slot);
        self.messages = self.messages.split_off(&slot);
    }
}

impl<S: ChainStore> Chain<S> {
    /// The slot the clock is in, allowing a sender clock that runs ahead by the disparity.
    fn latest_acceptable_slot(&self, now_ms: u64) -> Slot {
        let config = &self.genesis_state.config;
        let genesis_ms = self.genesis_state.genesis_time.saturating_mul(1000);
        (now_ms + MAXIMUM_GOSSIP_CLOCK_DISPARITY_MS).saturating_sub(genesis_ms)
            / (config.seconds_per_slot.max(1) * 1000)
    }

    /// The forwarding verdict on a gossiped block: everything short of the state
    /// transition (timeliness, proposer signature, first of its proposer and slot, known
    /// parent). A block that passes is forwarded at once and imported right after, so a
    /// block crosses each hop in the time of one signature check, not of a full import.
    /// `Some(UnknownParent)` asks the caller to fetch the parent.
    pub fn gossip_block_check(
        &mut self,
        block: &SignedBeaconBlock,
        now_ms: u64,
    ) -> (Verdict, Option<Result<ImportOutcome, ChainError>>) {
        let message = &block.message;
        if message.slot > self.latest_acceptable_slot(now_ms) {
            return (Verdict::ignore("block from a future slot"), None);
        }
        let finalized_slot = self
            .fork_choice
            .finalized_checkpoint()
            .epoch
            .saturating_mul(self.genesis_state.config.slots_per_epoch);
        if message.slot <= finalized_slot {
            return (Verdict::ignore("block not after the finalized slot"), None);
        }
        let Ok(root) = hash_tree_root(message) else {
            return (Verdict::reject("block cannot be hashed"), None);
        };
        if self.fork_choice.contains_block(&root) {
            return (Verdict::ignore("block already known"), None);
        }
        let Some(key) = self.pubkeys.validator(message.proposer_index) else {
            return (Verdict::reject("unknown proposer"), None);
        };
        let epoch = compute_epoch_at_slot(&self.genesis_state, message.slot);
        let valid_signature =
            signing_root(&self.genesis_state, message, DOMAIN_BEACON_PROPOSER, epoch)
                .ok()
                .and_then(|root| single_key_set(&block.signature, key, root))
                .is_some_and(|set| self.verified.verify(message.slot, &set));
        if !valid_signature {
            return (Verdict::reject("invalid proposer signature"), None);
        }
        if !self.seen.proposal(message.slot, message.proposer_index) {
            return (
                Verdict::ignore("another block from this proposer at this slot"),
                None,
            );
        }
        if !self.fork_choice.contains_block(&message.parent_root) {
            // Not judgeable yet: the node fetches the parent and imports both later.
            return (
                Verdict::ignore("unknown parent"),
                Some(Err(ChainError::UnknownParent(message.parent_root))),
            );
        }
        (Verdict::Accept, None)
    }

    /// Judges a gossiped block and imports it if it may be forwarded: the import's result
    /// decides the final verdict (a block that fails the state transition is rejected).
    pub fn gossip_block(
        &mut self,
        block: &SignedBeaconBlock,
        now_ms: u64,
    ) -> (Verdict, Option<Result<ImportOutcome, ChainError>>) {
        let (verdict, early) = self.gossip_block_check(block, now_ms);
        if verdict != Verdict::Accept {
            return (verdict, early);
        }
        match self.import_block(block, now_ms) {
            Ok(outcome) => (Verdict::Accept, Some(Ok(outcome))),
            Err(ChainError::State(e)) => (
                Verdict::reject(format!("invalid block: {e}")),
                Some(Err(ChainError::State(e))),
            ),
            Err(ChainError::ForkChoice(e)) => (
                Verdict::ignore(format!("fork choice: {e}")),
                Some(Err(ChainError::ForkChoice(e))),
            ),
            Err(e) => (Verdict::ignore(format!("not imported: {e}")), Some(Err(e))),
        }
    }

    /// Judges a gossiped aggregate attestation; accepted ones are counted and pooled.
    pub fn gossip_attestation(&mut self, attestation: &Attestation, now_ms: u64) -> Verdict {
        let data = &attestation.data;
        let current = self.latest_acceptable_slot(now_ms);
        let spe = self.genesis_state.config.slots_per_epoch;
        if data.slot > current || data.slot + spe < current {
            return Verdict::ignore("attestation outside the propagation window");
        }
        if data.target.epoch != compute_epoch_at_slot(&self.genesis_state, data.slot) {
            return Verdict::reject("target epoch does not contain the attestation slot");
        }
        if !self.fork_choice.contains_block(&data.beacon_block_root) {
            return Verdict::ignore("attested block unknown");
        }
        let Ok(root) = hash_tree_root(attestation) else {
            return Verdict::reject("attestation cannot be hashed");
        };
        if !self.seen.message(data.slot, root) {
            return Verdict::ignore("duplicate attestation");
        }
        let state = match self.attestation_state(data) {
            Ok(state) => state,
            Err(e) => return Verdict::ignore(format!("no state for the attestation: {e}")),
        };
        if let Err(e) = attesting_indices(&state, attestation) {
            return Verdict::reject(format!("committee mismatch: {e}"));
        }
        match self.on_attestation(attestation.clone(), now_ms) {
            Ok(()) => Verdict::Accept,
            Err(ChainError::State(StateError::InvalidSignature(_))) => {
                Verdict::reject("invalid aggregate signature")
            }
            Err(e) => Verdict::ignore(format!("not counted: {e}")),
        }
    }

    /// Judges a gossiped ticket purchase against the head state's registry.
    pub fn gossip_purchase(&mut self, op: &SignedBuyTickets, now_ms: u64) -> Verdict {
        let m = &op.message;
        let config = &self.genesis_state.config;
        let max_rounds = TicketLifetime::from_code(config.ticket_lifetime)
            .map_or(1, |lifetime| max_purchase_rounds(config, lifetime));
        if !(1..=max_rounds).contains(&m.rounds) {
            return Verdict::reject(format!(
                "a purchase standing in {} rounds can never be included (1..={max_rounds})",
                m.rounds
            ));
        }
        let verdict = self.check_builder_op(
            m.builder_index,
            m.nonce,
            m.tickets,
            now_ms,
            |state| {
                signing_root(
                    state,
                    m,
                    DOMAIN_BUY_TICKETS,
                    compute_epoch_at_slot(state, state.slot),
                )
            },
            &op.signature,
        );
        if verdict == Verdict::Accept {
            self.op_pool.insert_purchase(op.clone());
        }
        verdict
    }

    /// Judges a gossiped sell-back.
    pub fn gossip_sale(&mut self, op: &SignedSellTickets, now_ms: u64) -> Verdict {
        let m = &op.message;
        if !self.genesis_state.config.sell_back {
            return Verdict::reject("sell-back is disabled on this chain");
        }
        let verdict = self.check_builder_op(
            m.builder_index,
            m.nonce,
            m.tickets,
            now_ms,
            |state| {
                signing_root(
                    state,
                    m,
                    DOMAIN_SELL_TICKETS,
                    compute_epoch_at_slot(state, state.slot),
                )
            },
            &op.signature,
        );
        if verdict == Verdict::Accept {
            self.op_pool.insert_sale(op.clone());
        }
        verdict
    }

    /// The checks a purchase and a sale share: known builder, at least one ticket, not a
    /// stale nonce, and a valid signature. Nonces ahead of the builder's are accepted: a
    /// builder may publish several operations before the first is included, and block
    /// production applies them in nonce order.
    fn check_builder_op(
        &mut self,
        builder: u64,
        nonce: u64,
        tickets: u64,
        now_ms: u64,
        message: impl FnOnce(&BeaconState) -> Result<[u8; 32], StateError>,
        signature: &BlsSignature,
    ) -> Verdict {
        if tickets == 0 {
            return Verdict::reject("zero tickets");
        }
        let slot = self.latest_acceptable_slot(now_ms);
        let state = match self.state_at_slot(slot.max(self.head.slot)) {
            Ok(state) => state,
            Err(e) => return Verdict::ignore(format!("no state: {e}")),
        };
        let Some(record) = state.builders.get(builder as usize) else {
            return Verdict::reject("unknown builder");
        };
        if nonce < record.nonce {
            return Verdict::ignore("stale nonce");
        }
        let Some(key) = self.pubkeys.builder(builder) else {
            return Verdict::reject("builder key unusable");
        };
        let valid = message(&state)
            .ok()
            .and_then(|root| single_key_set(signature, key, root))
            .is_some_and(|set| self.verified.verify(slot, &set));
        if !valid {
            return Verdict::reject("invalid builder signature");
        }
        Verdict::Accept
    }

    /// Judges a gossiped execution payload: for the current or next slot, from the builder
    /// assigned to it, within the inflow limit, signed.
    pub fn gossip_payload(&mut self, payload: &SignedExecutionPayload, now_ms: u64) -> Verdict {
        let m = &payload.message;
        let current = self.latest_acceptable_slot(now_ms);
        if m.slot + 1 < current || m.slot > current + 1 {
            return Verdict::ignore("payload outside its slot");
        }
        let state = match self.state_at_slot(m.slot.max(self.head.slot)) {
            Ok(state) => state,
            Err(e) => return Verdict::ignore(format!("no state: {e}")),
        };
        match get_assigned_builder(&state, m.slot) {
            Some(builder) if builder == m.builder_index => {}
            Some(_) => return Verdict::reject("payload from a builder not assigned to the slot"),
            None => return Verdict::ignore("no builder assigned on our chain"),
        }
        if m.value > state.config.max_execution_inflow_per_slot {
            return Verdict::reject("payload inflow above the per-slot maximum");
        }
        let Some(key) = self.pubkeys.builder(m.builder_index) else {
            return Verdict::reject("builder key unusable");
        };
        let epoch = compute_epoch_at_slot(&state, m.slot);
        let valid = signing_root(&state, m, DOMAIN_EXECUTION_PAYLOAD, epoch)
            .ok()
            .and_then(|root| single_key_set(&payload.signature, key, root))
            .is_some_and(|set| self.verified.verify(m.slot, &set));
        if !valid {
            return Verdict::reject("invalid payload signature");
        }
        let Ok(root) = hash_tree_root(m) else {
            return Verdict::reject("payload cannot be hashed");
        };
        if !self.seen.message(m.slot, root) {
            return Verdict::ignore("duplicate payload");
        }
        self.op_pool.insert_payload(payload.clone());
        Verdict::Accept
    }

    /// Judges a gossiped attester slashing by applying it to a copy of the head state.
    pub fn gossip_slashing(&mut self, slashing: &AttesterSlashing) -> Verdict {
        let mut state = match self.head_state() {
            Ok(state) => state.clone(),
            Err(e) => return Verdict::ignore(format!("no head state: {e}")),
        };
        let mut verifier = SignatureVerifier::new(SignatureStrategy::Individual, &self.pubkeys);
        match process_attester_slashing(&mut state, slashing, &mut verifier) {
            Ok(()) => {
                let _ = self.fork_choice.on_attester_slashing(slashing);
                self.op_pool.insert_slashing(slashing.clone());
                Verdict::Accept
            }
            Err(StateError::NothingSlashed) => Verdict::ignore("everyone in it is already slashed"),
            Err(e) => Verdict::reject(format!("invalid slashing: {e}")),
        }
    }
}

/// The set "`key` signed `root`" for a signature in its wire encoding; `None` when the
/// bytes are not a signature at all. The subgroup check is left to verification.
fn single_key_set<'a>(
    signature: &BlsSignature,
    key: &'a PublicKey,
    root: [u8; 32],
) -> Option<SignatureSet<'a>> {
    let signature = Signature::from_bytes_deferred_check(signature.as_ref()).ok()?;
    Some(SignatureSet::new(
        Cow::Owned(signature),
        vec![Cow::Borrowed(key)],
        root,
    ))
}
