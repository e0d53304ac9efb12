//! Verifying many signatures at once.
//!
//! A block carries dozens of signatures (proposer, RANDAO reveal, aggregate
//! attestations, ticket purchases). Checking them one by one costs two
//! Miller loops and one final exponentiation each; checking them as a random
//! linear combination costs one Miller loop each plus a single final
//! exponentiation, so block import batches them all. The random 64-bit
//! coefficients stop an attacker from submitting two invalid signatures whose
//! errors cancel: a forged batch passes with probability about 2^-64.

use std::borrow::Cow;

use blst::min_pk as raw;
use blst::{BLST_ERROR, blst_scalar};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::bls::{DST, PublicKey, Signature, aggregate_raw_public_keys};
use crate::error::BatchVerifyError;

/// Bits of each random coefficient in the linear combination.
const RAND_BITS: usize = 64;

/// One signature to check: `signature` over the 32-byte signing root
/// `message` by the aggregate of `signing_keys`.
///
/// One key is the ordinary case; several keys are the fast-aggregate-verify
/// case (an aggregate attestation). Keys and signature are `Cow` so a caller
/// holding a validator pubkey cache can borrow from it without cloning, while
/// a caller that had to decode or aggregate something can hand it over owned.
#[derive(Clone, Debug)]
pub struct SignatureSet<'a> {
    /// The (possibly aggregate) signature.
    pub signature: Cow<'a, Signature>,
    /// The keys that signed; an empty list never verifies.
    pub signing_keys: Vec<Cow<'a, PublicKey>>,
    /// The signing root that was signed.
    pub message: [u8; 32],
}

impl<'a> SignatureSet<'a> {
    /// A set with owned or borrowed parts, for callers that built something.
    pub fn new(
        signature: Cow<'a, Signature>,
        signing_keys: Vec<Cow<'a, PublicKey>>,
        message: [u8; 32],
    ) -> Self {
        SignatureSet {
            signature,
            signing_keys,
            message,
        }
    }

    /// The common case: one key signed `message`.
    pub fn single_pubkey(signature: &'a Signature, key: &'a PublicKey, message: [u8; 32]) -> Self {
        SignatureSet::new(Cow::Borrowed(signature), vec![Cow::Borrowed(key)], message)
    }

    /// Several keys signed the same `message` and their signatures were
    /// aggregated into `signature`.
    pub fn multiple_pubkeys(
        signature: &'a Signature,
        keys: impl IntoIterator<Item = &'a PublicKey>,
        message: [u8; 32],
    ) -> Self {
        SignatureSet::new(
            Cow::Borrowed(signature),
            keys.into_iter().map(Cow::Borrowed).collect(),
            message,
        )
    }

    /// Verifies this set on its own (fast-aggregate-verify over its keys).
    /// False when it has no keys.
    pub fn verify(&self) -> bool {
        match self.aggregate_key() {
            Some(pk) => self.signature.verify_raw(&pk, &self.message),
            None => false,
        }
    }

    /// A digest naming exactly what this set claims: the message, the signature and the
    /// signing keys, in order. Two sets with equal fingerprints have the same verdict, so
    /// a node that verified one (a gossiped operation) can trust the other (the same
    /// operation inside a block) without a second pairing.
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.message);
        hasher.update(self.signature.to_bytes());
        for key in &self.signing_keys {
            hasher.update(key.to_bytes());
        }
        hasher.finalize().into()
    }

    fn aggregate_key(&self) -> Option<raw::PublicKey> {
        aggregate_raw_public_keys(self.signing_keys.iter().map(|k| k.as_ref()))
    }
}

/// Verifies all `sets` together, naming the first bad one if any fails.
///
/// The sets are checked with one randomised multi-pairing; only when that
/// fails are they re-checked one by one, so the honest path pays the batch
/// price and the error still names the exact index, in input order:
/// [`BatchVerifyError::NoKeys`] or [`BatchVerifyError::InvalidSignature`],
/// whichever comes first. Empty input verifies.
pub fn verify_signature_sets(sets: &[SignatureSet<'_>]) -> Result<(), BatchVerifyError> {
    // Sets before the first key-less one are verified; that set is the
    // first failure if all before it pass.
    let first_keyless = sets.iter().position(|s| s.signing_keys.is_empty());
    let checked = &sets[..first_keyless.unwrap_or(sets.len())];

    if !batch_holds(checked) {
        // The batch says something is wrong; find out what. If every set
        // passes on its own (which the batch equation rules out for valid
        // inputs) the individual verdict wins.
        verify_signature_sets_individually(checked)?;
    }
    match first_keyless {
        Some(index) => Err(BatchVerifyError::NoKeys { index }),
        None => Ok(()),
    }
}

/// Verifies `sets` one after another and stops at the first failure.
///
/// This is the reference the batch path must agree with, the fallback that
/// locates a bad set, and the baseline in the benchmarks.
pub fn verify_signature_sets_individually(
    sets: &[SignatureSet<'_>],
) -> Result<(), BatchVerifyError> {
    for (index, set) in sets.iter().enumerate() {
        if set.signing_keys.is_empty() {
            return Err(BatchVerifyError::NoKeys { index });
        }
        if !set.verify() {
            return Err(BatchVerifyError::InvalidSignature { index });
        }
    }
    Ok(())
}

/// True when the random linear combination of all `sets` verifies.
/// Every set must have at least one key.
fn batch_holds(sets: &[SignatureSet<'_>]) -> bool {
    match sets {
        [] => true,
        // No randomness needed, and a plain verify is cheaper.
        [only] => only.verify(),
        _ => {
            let mut keys = Vec::with_capacity(sets.len());
            for set in sets {
                match set.aggregate_key() {
                    Some(pk) => keys.push(pk),
                    None => return false,
                }
            }
            let key_refs: Vec<&raw::PublicKey> = keys.iter().collect();
            let sigs: Vec<&raw::Signature> = sets.iter().map(|s| s.signature.raw()).collect();
            let msgs: Vec<&[u8]> = sets.iter().map(|s| s.message.as_slice()).collect();
            let mut rng = rand::rng();
            let rands: Vec<blst_scalar> = sets.iter().map(|_| random_scalar(&mut rng)).collect();
            // Keys were group-checked when decoded; signatures decoded with a
            // deferred check are checked here, in parallel with the pairings.
            let sigs_groupcheck = sets.iter().any(|s| s.signature.needs_subgroup_check());
            raw::Signature::verify_multiple_aggregate_signatures(
                &msgs,
                DST,
                &key_refs,
                false,
                &sigs,
                sigs_groupcheck,
                &rands,
                RAND_BITS,
            ) == BLST_ERROR::BLST_SUCCESS
        }
    }
}

/// A uniformly random non-zero 64-bit coefficient as a little-endian scalar.
/// Zero is excluded because it would drop its set from the check entirely.
fn random_scalar(rng: &mut impl Rng) -> blst_scalar {
    let value = loop {
        let v: u64 = rng.random();
        if v != 0 {
            break v;
        }
    };
    let mut b = [0u8; 32];
    b[..8].copy_from_slice(&value.to_le_bytes());
    blst_scalar { b }
}
