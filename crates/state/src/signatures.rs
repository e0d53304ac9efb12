//! Signature checks of the state transition, and the public-key cache they use.
//!
//! Every signed object is checked through a [`SignatureVerifier`], which either verifies
//! at once (`Individual`, the spec's reading), queues the set and verifies the whole block
//! in one batch at the end (`Bulk`, what nodes use: several times cheaper), or skips BLS
//! (`Skip`, for fast experiments and replays of already-verified blocks). Either way a bad
//! signature rejects the block; only the cost differs. A verifier may also be given the
//! [`VerifiedSignatures`] its caller already checked (on gossip), which it then skips.

use crate::error::{SignedObject, StateError};
use crate::verified_signatures::VerifiedSignatures;
use etn_crypto::{PublicKey, Signature, SignatureSet, verify_signature_sets};
use etn_types::ssz::hash_tree_root;
use etn_types::*;
use ssz_rs::SimpleSerialize;
use std::borrow::Cow;

/// How a transition treats signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureStrategy {
    /// Verify each signature when its object is processed.
    Individual,
    /// Verify all of a block's signatures together, with one batch check at the end.
    Bulk,
    /// Trust every signature (the caller verified them, or an experiment opts out).
    Skip,
}

/// Decompressed validator and builder keys. Decompressing and subgroup-checking a key
/// costs tens of microseconds, more than the rest of a block's bookkeeping, so it is done
/// once per registry rather than once per signature.
#[derive(Debug, Clone, Default)]
pub struct PubkeyCache {
    genesis_validators_root: Root,
    validators: Vec<Option<PublicKey>>,
    builders: Vec<Option<PublicKey>>,
}

impl PubkeyCache {
    /// Decompresses every key of the state; keys that do not decode are remembered as
    /// unusable (any signature by them is invalid).
    pub fn build(state: &BeaconState) -> Self {
        Self {
            genesis_validators_root: state.genesis_validators_root,
            validators: state
                .validators
                .iter()
                .map(|v| PublicKey::from_bytes(v.pubkey.as_ref()).ok())
                .collect(),
            builders: state
                .builders
                .iter()
                .map(|b| PublicKey::from_bytes(b.pubkey.as_ref()).ok())
                .collect(),
        }
    }

    /// Whether this cache was built for `state`'s registries (both are fixed at genesis).
    pub fn matches(&self, state: &BeaconState) -> bool {
        self.genesis_validators_root == state.genesis_validators_root
            && self.validators.len() == state.validators.len()
            && self.builders.len() == state.builders.len()
    }

    pub fn validator(&self, index: u64) -> Option<&PublicKey> {
        self.validators.get(usize::try_from(index).ok()?)?.as_ref()
    }

    pub fn builder(&self, index: u64) -> Option<&PublicKey> {
        self.builders.get(usize::try_from(index).ok()?)?.as_ref()
    }
}

/// `compute_signing_root(hash_tree_root(object), get_domain(state, domain_type, epoch))`.
pub fn signing_root<T: SimpleSerialize + Clone>(
    state: &BeaconState,
    object: &T,
    domain_type: DomainType,
    epoch: Epoch,
) -> Result<[u8; 32], StateError> {
    let root = hash_tree_root(object)?;
    let domain = crate::accessors::get_domain(state, domain_type, epoch);
    Ok(etn_crypto::compute_signing_root(root.0, domain.0))
}

/// Applies a [`SignatureStrategy`] to the signatures met while processing one block.
pub struct SignatureVerifier<'a> {
    strategy: SignatureStrategy,
    cache: &'a PubkeyCache,
    queued: Vec<SignatureSet<'a>>,
    kinds: Vec<SignedObject>,
    trusted: Option<&'a VerifiedSignatures>,
}

impl<'a> SignatureVerifier<'a> {
    pub fn new(strategy: SignatureStrategy, cache: &'a PubkeyCache) -> Self {
        Self {
            strategy,
            cache,
            queued: Vec::new(),
            kinds: Vec::new(),
            trusted: None,
        }
    }

    /// Skips every signature set found in `verified` (checked by the caller before).
    pub fn trusting(mut self, verified: &'a VerifiedSignatures) -> Self {
        self.trusted = Some(verified);
        self
    }

    pub fn strategy(&self) -> SignatureStrategy {
        self.strategy
    }

    pub fn cache(&self) -> &'a PubkeyCache {
        self.cache
    }

    /// Checks one signature by the keys `signers` over `message`. The message closure
    /// runs only when signatures are checked at all.
    pub fn check(
        &mut self,
        kind: SignedObject,
        signature: &BlsSignature,
        signers: Vec<&'a PublicKey>,
        message: impl FnOnce() -> Result<[u8; 32], StateError>,
    ) -> Result<(), StateError> {
        if self.strategy == SignatureStrategy::Skip {
            return Ok(());
        }
        let invalid = || invalid(kind);
        let signature =
            Signature::from_bytes_deferred_check(signature.as_ref()).map_err(|_| invalid())?;
        if signers.is_empty() {
            return Err(invalid());
        }
        let set = SignatureSet::new(
            Cow::Owned(signature),
            signers.into_iter().map(Cow::Borrowed).collect(),
            message()?,
        );
        if self.trusted.is_some_and(|verified| verified.contains(&set)) {
            return Ok(());
        }
        match self.strategy {
            SignatureStrategy::Individual => {
                if set.verify() {
                    Ok(())
                } else {
                    Err(invalid())
                }
            }
            _ => {
                self.queued.push(set);
                self.kinds.push(kind);
                Ok(())
            }
        }
    }

    /// The sets queued so far (bulk mode), e.g. to time their verification on its own.
    pub fn queued(&self) -> &[SignatureSet<'a>] {
        &self.queued
    }

    /// Verifies everything queued (bulk mode); names the first bad signature's object.
    pub fn finish(self) -> Result<(), StateError> {
        if self.queued.is_empty() {
            return Ok(());
        }
        verify_signature_sets(&self.queued).map_err(|e| {
            let index = match e {
                etn_crypto::BatchVerifyError::NoKeys { index }
                | etn_crypto::BatchVerifyError::InvalidSignature { index } => index,
            };
            invalid(
                self.kinds
                    .get(index)
                    .copied()
                    .unwrap_or(SignedObject::BlockProposal),
            )
        })
    }
}

fn invalid(kind: SignedObject) -> StateError {
    match kind {
        SignedObject::RandaoReveal => StateError::InvalidRandaoReveal,
        kind => StateError::InvalidSignature(kind),
    }
}
