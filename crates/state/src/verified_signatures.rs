//! Signatures a node has already verified, so a block carrying them need not pay for them
//! again.
//!
//! Nearly everything in a block arrived on gossip first (the block's own proposer
//! signature, aggregate attestations, ticket purchases, the payload), and gossip
//! validation verified each signature before forwarding it. Remembering those verdicts
//! by [`SignatureSet::fingerprint`] (message, signature and keys together) lets block
//! import skip them: the same claim always has the same verdict, so nothing is trusted
//! that was not checked. Only what gossip never showed (the RANDAO reveal, operations
//! merged by the proposer) is verified at import.

use etn_crypto::SignatureSet;
use etn_types::Slot;
use std::collections::HashMap;

/// Fingerprints of verified signature sets, each with the slot it belongs to so the set
/// can be pruned as the chain moves on.
#[derive(Debug, Clone, Default)]
pub struct VerifiedSignatures {
    slots: HashMap<[u8; 32], Slot>,
}

impl VerifiedSignatures {
    /// Whether `set` was verified before.
    pub fn contains(&self, set: &SignatureSet<'_>) -> bool {
        !self.slots.is_empty() && self.slots.contains_key(&set.fingerprint())
    }

    /// Records that `set` verified. Only call this with a set that did: everything that
    /// consults this record trusts it.
    pub fn remember(&mut self, slot: Slot, set: &SignatureSet<'_>) {
        let kept = self.slots.entry(set.fingerprint()).or_insert(slot);
        *kept = (*kept).max(slot);
    }

    /// Verifies `set` unless it was verified before, remembering it if it holds.
    pub fn verify(&mut self, slot: Slot, set: &SignatureSet<'_>) -> bool {
        let fingerprint = set.fingerprint();
        if self.slots.contains_key(&fingerprint) {
            return true;
        }
        let valid = set.verify();
        if valid {
            self.slots.insert(fingerprint, slot);
        }
        valid
    }

    /// Forgets every signature of a slot before `slot`.
    pub fn prune(&mut self, slot: Slot) {
        self.slots.retain(|_, kept| *kept >= slot);
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}
