//! Aggregate secret keys: one signature for a whole committee.
//!
//! Every member of a committee signs the same attestation data, and BLS signatures are
//! linear: `Σ sk_i · H(m) = (Σ sk_i) · H(m)`. Signing once with the summed key yields the
//! very aggregate the members' signatures would aggregate to, byte for byte, at the cost
//! of one signature instead of one per member. The chain still receives and verifies
//! one aggregate per committee, as it would from a real network; only the simulated
//! validators' own signing work (which a real chain spreads over their machines) is
//! collapsed.

use etn_crypto::SecretKey;
use num_bigint::BigUint;

/// The order r of the BLS12-381 scalar field, big-endian.
const CURVE_ORDER: &str = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

/// `Σ keys mod r` as a key, or `None` if the sum is zero (then there is no key that
/// signs for the group; callers sign member by member).
pub fn sum_secret_keys<'a>(keys: impl IntoIterator<Item = &'a SecretKey>) -> Option<SecretKey> {
    let r = BigUint::parse_bytes(CURVE_ORDER.as_bytes(), 16).expect("constant");
    let sum = keys.into_iter().fold(BigUint::default(), |acc, k| {
        (acc + BigUint::from_bytes_be(&k.to_bytes())) % &r
    });
    let bytes = sum.to_bytes_be();
    if bytes.len() > 32 {
        return None;
    }
    let mut out = [0u8; 32];
    out[32 - bytes.len()..].copy_from_slice(&bytes);
    SecretKey::from_bytes(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use etn_crypto::{aggregate_signatures, devnet_validator_secret_key};

    #[test]
    fn summed_key_signs_the_aggregate() {
        let keys: Vec<SecretKey> = (0..5).map(devnet_validator_secret_key).collect();
        let message = [42u8; 32];
        let signatures: Vec<_> = keys.iter().map(|k| k.sign(&message)).collect();
        let refs: Vec<_> = signatures.iter().collect();
        let aggregate = aggregate_signatures(&refs).unwrap();
        let summed = sum_secret_keys(&keys).unwrap();
        assert_eq!(summed.sign(&message).to_bytes(), aggregate.to_bytes());
    }

    #[test]
    fn single_key_is_itself() {
        let k = devnet_validator_secret_key(3);
        assert_eq!(sum_secret_keys([&k]).unwrap().to_bytes(), k.to_bytes());
        assert!(sum_secret_keys([]).is_none());
    }
}
