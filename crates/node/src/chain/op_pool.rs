//! Operations waiting for a block: attestations, ticket purchases and sales, payloads.
//!
//! The pool only remembers and de-duplicates; whether an operation still applies is
//! decided at production time by running it against the block's pre-operation state,
//! so a stale or conflicting operation is dropped instead of spoiling the block.

use etn_types::*;
use std::collections::{BTreeMap, HashMap};

/// Most operations of each kind kept, so a flood cannot exhaust memory.
pub const MAX_POOLED: usize = 4096;

#[derive(Debug, Default)]
pub struct OpPool {
    /// Aggregates by attestation data; a newer aggregate with a superset of bits wins.
    attestations: HashMap<AttestationData, Attestation>,
    purchases: Vec<SignedBuyTickets>,
    sales: Vec<SignedSellTickets>,
    /// At most one payload per slot: the first valid one seen.
    payloads: BTreeMap<Slot, SignedExecutionPayload>,
    slashings: Vec<AttesterSlashing>,
}

impl OpPool {
    /// Adds an aggregate, keeping per attestation data the one with more participants.
    pub fn insert_attestation(&mut self, attestation: Attestation) {
        if self.attestations.len() >= MAX_POOLED
            && !self.attestations.contains_key(&attestation.data)
        {
            return;
        }
        let count = |a: &Attestation| a.aggregation_bits.iter().filter(|b| **b).count();
        match self.attestations.get(&attestation.data) {
            Some(existing) if count(existing) >= count(&attestation) => {}
            _ => {
                self.attestations.insert(attestation.data, attestation);
            }
        }
    }

    pub fn insert_purchase(&mut self, op: SignedBuyTickets) {
        if self.purchases.len() < MAX_POOLED && !self.purchases.contains(&op) {
            self.purchases.push(op);
        }
    }

    pub fn insert_sale(&mut self, op: SignedSellTickets) {
        if self.sales.len() < MAX_POOLED && !self.sales.contains(&op) {
            self.sales.push(op);
        }
    }

    pub fn insert_payload(&mut self, payload: SignedExecutionPayload) {
        self.payloads.entry(payload.message.slot).or_insert(payload);
    }

    pub fn insert_slashing(&mut self, slashing: AttesterSlashing) {
        if self.slashings.len() < MAX_POOLED && !self.slashings.contains(&slashing) {
            self.slashings.push(slashing);
        }
    }

    /// Candidate attestations for a block at `slot`, best (most participants) first.
    pub fn attestations_for(&self, slot: Slot, slots_per_epoch: u64) -> Vec<Attestation> {
        let mut out: Vec<Attestation> = self
            .attestations
            .values()
            .filter(|a| a.data.slot < slot && a.data.slot + slots_per_epoch >= slot)
            .cloned()
            .collect();
        out.sort_by_key(|a| {
            (
                std::cmp::Reverse(a.aggregation_bits.iter().filter(|b| **b).count()),
                a.data.slot,
                a.data.index,
            )
        });
        out
    }

    /// Candidate purchases, ordered by builder and nonce so a builder's sequence applies.
    pub fn purchases(&self) -> Vec<SignedBuyTickets> {
        let mut out = self.purchases.clone();
        out.sort_by_key(|p| (p.message.builder_index, p.message.nonce));
        out
    }

    pub fn sales(&self) -> Vec<SignedSellTickets> {
        let mut out = self.sales.clone();
        out.sort_by_key(|s| (s.message.builder_index, s.message.nonce));
        out
    }

    pub fn slashings(&self) -> Vec<AttesterSlashing> {
        self.slashings.clone()
    }

    pub fn payload_for(&self, slot: Slot) -> Option<SignedExecutionPayload> {
        self.payloads.get(&slot).cloned()
    }

    /// Forgets what a canonical block included and what can no longer be included.
    pub fn prune(&mut self, included: &BeaconBlockBody, state: &BeaconState) {
        let slot = state.slot;
        let spe = state.config.slots_per_epoch.max(1);
        // An aggregate for data a block already carries adds nothing to fork choice or
        // finality on that chain; old ones can no longer be included at all.
        self.attestations.retain(|data, _| {
            data.slot + spe >= slot && !included.attestations.iter().any(|a| a.data == *data)
        });
        let nonce_of = |b: u64| state.builders.get(b as usize).map(|x| x.nonce);
        self.purchases
            .retain(|p| nonce_of(p.message.builder_index).is_some_and(|n| p.message.nonce >= n));
        self.sales
            .retain(|p| nonce_of(p.message.builder_index).is_some_and(|n| p.message.nonce >= n));
        self.payloads.retain(|s, _| *s >= slot);
        self.slashings
            .retain(|s| !included.attester_slashings.contains(s));
    }

    pub fn len(&self) -> usize {
        self.attestations.len()
            + self.purchases.len()
            + self.sales.len()
            + self.payloads.len()
            + self.slashings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
