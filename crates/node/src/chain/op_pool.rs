//! Operations waiting for a block: attestations, ticket purchases and sales, payloads.
//!
//! The pool only remembers and de-duplicates; whether an operation still applies is
//! decided at production time by running it against the block's pre-operation state,
//! so a stale or conflicting operation is dropped instead of spoiling the block.

use etn_types::*;
use std::collections::{BTreeMap, HashMap};

/// Most operations of each kind kept, so a flood cannot exhaust memory.
pub const MAX_POOLED: usize = 4096;

/// Most distinct (overlapping) aggregates kept per attestation data.
const MAX_AGGREGATES_PER_DATA: usize = 4;

#[derive(Debug, Default)]
pub struct OpPool {
    /// Aggregates by attestation data. Disjoint aggregates of the same data are merged
    /// (each node of a devnet aggregates only its own validators; a block needs them all
    /// together for the 2/3 that finality requires).
    attestations: HashMap<AttestationData, Vec<Attestation>>,
    purchases: Vec<SignedBuyTickets>,
    sales: Vec<SignedSellTickets>,
    /// At most one payload per slot: the first valid one seen.
    payloads: BTreeMap<Slot, SignedExecutionPayload>,
    slashings: Vec<AttesterSlashing>,
}

impl OpPool {
    /// Adds an aggregate: dropped if an existing one already covers it, merged into one
    /// it does not overlap, otherwise kept beside them (a few per data at most).
    pub fn insert_attestation(&mut self, attestation: Attestation) {
        if self.attestations.len() >= MAX_POOLED
            && !self.attestations.contains_key(&attestation.data)
        {
            return;
        }
        let group = self.attestations.entry(attestation.data).or_default();
        if group.iter().any(|a| covers(a, &attestation)) {
            return;
        }
        group.retain(|a| !covers(&attestation, a));
        for existing in group.iter_mut() {
            if let Some(merged) = merge(existing, &attestation) {
                *existing = merged;
                return;
            }
        }
        if group.len() < MAX_AGGREGATES_PER_DATA {
            group.push(attestation);
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
            .flatten()
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

/// Whether every participant of `b` is also in `a`.
fn covers(a: &Attestation, b: &Attestation) -> bool {
    a.aggregation_bits.len() == b.aggregation_bits.len()
        && b.aggregation_bits
            .iter()
            .zip(a.aggregation_bits.iter())
            .all(|(in_b, in_a)| !*in_b || *in_a)
}

/// The union of two aggregates of the same data with no participant in common.
fn merge(a: &Attestation, b: &Attestation) -> Option<Attestation> {
    if a.aggregation_bits.len() != b.aggregation_bits.len()
        || a.aggregation_bits
            .iter()
            .zip(b.aggregation_bits.iter())
            .any(|(x, y)| *x && *y)
    {
        return None;
    }
    let sa = etn_crypto::Signature::from_bytes_deferred_check(a.signature.as_ref()).ok()?;
    let sb = etn_crypto::Signature::from_bytes_deferred_check(b.signature.as_ref()).ok()?;
    let signature = etn_crypto::aggregate_signatures(&[&sa, &sb]).ok()?;
    let mut bits = a.aggregation_bits.clone();
    for (i, bit) in b.aggregation_bits.iter().enumerate() {
        if *bit {
            bits.set(i, true);
        }
    }
    Some(Attestation {
        aggregation_bits: bits,
        data: a.data,
        signature: Bytes96(signature.to_bytes()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use etn_crypto::devnet_validator_secret_key;
    use ssz_rs::prelude::Bitlist;

    fn partial(data: AttestationData, members: &[usize], size: usize) -> Attestation {
        let root = [9u8; 32];
        let sigs: Vec<_> = members
            .iter()
            .map(|m| devnet_validator_secret_key(*m as u64).sign(&root))
            .collect();
        let refs: Vec<_> = sigs.iter().collect();
        let bits: Vec<bool> = (0..size).map(|i| members.contains(&i)).collect();
        Attestation {
            aggregation_bits: Bitlist::try_from(bits.as_slice()).unwrap(),
            data,
            signature: Bytes96(etn_crypto::aggregate_signatures(&refs).unwrap().to_bytes()),
        }
    }

    #[test]
    fn disjoint_aggregates_merge_and_subsets_are_dropped() {
        let data = AttestationData {
            slot: 3,
            ..Default::default()
        };
        let mut pool = OpPool::default();
        pool.insert_attestation(partial(data, &[0, 1], 6));
        pool.insert_attestation(partial(data, &[2, 3], 6));
        pool.insert_attestation(partial(data, &[1], 6));
        let out = pool.attestations_for(4, 8);
        assert_eq!(out.len(), 1);
        let bits: Vec<bool> = out[0].aggregation_bits.iter().map(|b| *b).collect();
        assert_eq!(bits, vec![true, true, true, true, false, false]);
        // The merged signature is the aggregate of the four members' signatures.
        let expected = partial(data, &[0, 1, 2, 3], 6);
        assert_eq!(out[0].signature, expected.signature);
        // Overlapping but not covered: kept beside.
        pool.insert_attestation(partial(data, &[3, 4], 6));
        assert_eq!(pool.attestations_for(4, 8).len(), 2);
    }
}
