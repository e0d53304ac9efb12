//! Deterministic, publicly known keys for local devnets and tests.
//!
//! Every node of a devnet derives the same validator and builder keys from
//! their indices, so a genesis needs no key files and a test can sign as any
//! validator. These keys are public: never use them on a real network.

use blst::blst_scalar;
use blst::min_pk as raw;
use sha2::{Digest, Sha256};

use crate::bls::SecretKey;

/// Prefix that puts builder keys in their own namespace, so no builder ever
/// shares a key with a validator of the same index.
const BUILDER_KEY_PREFIX: &[u8] = b"etn-builder";

/// The secret key of validator `index`, by the Ethereum "interop" (mocked
/// start) derivation: `int.from_bytes(sha256(index as 32-byte little-endian),
/// "little") mod r`. Matches the keys other clients use for interop genesis,
/// so devnet validators can be cross-checked against them.
pub fn devnet_validator_secret_key(index: u64) -> SecretKey {
    let mut preimage = [0u8; 32];
    preimage[..8].copy_from_slice(&index.to_le_bytes());
    secret_key_from_digest(Sha256::digest(preimage).into())
}

/// The secret key of devnet builder `index`: the same reduction applied to
/// `sha256(b"etn-builder" || index as 8-byte little-endian)`.
pub fn devnet_builder_secret_key(index: u64) -> SecretKey {
    let mut hasher = Sha256::new();
    hasher.update(BUILDER_KEY_PREFIX);
    hasher.update(index.to_le_bytes());
    secret_key_from_digest(hasher.finalize().into())
}

fn secret_key_from_digest(digest: [u8; 32]) -> SecretKey {
    // A digest that is 0 mod r would need a SHA-256 output to hit one of two
    // fixed 256-bit values; no input of this crate does, and the interop
    // derivation has no defined fallback, so this is not a reachable failure.
    reduce_le_mod_r(&digest).expect("sha256 output is not a multiple of the curve order")
}

/// Interprets `bytes` as a little-endian integer and reduces it modulo the
/// BLS12-381 group order `r`; `None` if the result is zero.
fn reduce_le_mod_r(bytes: &[u8; 32]) -> Option<SecretKey> {
    let mut scalar = blst_scalar::default();
    // SAFETY: `scalar` is a valid 32-byte output buffer and `bytes` is a valid
    // input of exactly the length passed; blst reads and writes only those.
    let non_zero =
        unsafe { blst::blst_scalar_from_le_bytes(&mut scalar, bytes.as_ptr(), bytes.len()) };
    if !non_zero {
        return None;
    }
    // The reduced scalar is in [1, r), so this conversion accepts it.
    let key: &raw::SecretKey = (&scalar).try_into().ok()?;
    Some(SecretKey::from_raw(key.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2^256 - 1 mod r, computed independently: 2^256 mod r is the
    /// Montgomery constant R = 0x1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffe.
    #[test]
    fn reduction_wraps_values_above_r() {
        let max = [0xff; 32];
        let key = reduce_le_mod_r(&max).unwrap();
        let expected =
            hex::decode("1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffd")
                .unwrap();
        assert_eq!(key.to_bytes().to_vec(), expected);
    }

    #[test]
    fn reduction_of_r_is_none_and_small_values_pass_through() {
        let mut r_le =
            hex::decode("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")
                .unwrap();
        r_le.reverse();
        let r_le: [u8; 32] = r_le.try_into().unwrap();
        assert!(reduce_le_mod_r(&r_le).is_none());
        assert!(reduce_le_mod_r(&[0u8; 32]).is_none());

        let mut five = [0u8; 32];
        five[0] = 5;
        let mut expected = [0u8; 32];
        expected[31] = 5;
        assert_eq!(reduce_le_mod_r(&five).unwrap().to_bytes(), expected);
    }
}
