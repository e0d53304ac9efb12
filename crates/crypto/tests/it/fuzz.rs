//! Property tests: decoding arbitrary bytes never panics, accepted encodings
//! are canonical, and signatures verify exactly where they should.

use etn_crypto::{
    CryptoError, PublicKey, SecretKey, Signature, SignatureSet, devnet_validator_secret_key,
    verify_signature_sets,
};
use proptest::prelude::*;

/// Byte strings of any length near the valid ones, plus exact-length strings
/// with the compression flag set so decoding gets past the first check.
fn near_lengths() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        proptest::collection::vec(any::<u8>(), 48).prop_map(|mut v| {
            v[0] |= 0x80;
            v
        }),
        proptest::collection::vec(any::<u8>(), 96).prop_map(|mut v| {
            v[0] |= 0x80;
            v
        }),
        proptest::collection::vec(any::<u8>(), 32),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in near_lengths()) {
        match PublicKey::from_bytes(&bytes) {
            Ok(pk) => prop_assert_eq!(pk.to_bytes().to_vec(), bytes.clone()),
            Err(CryptoError::InvalidLength { got, .. }) => prop_assert_eq!(got, bytes.len()),
            Err(_) => prop_assert_eq!(bytes.len(), 48),
        }
        match Signature::from_bytes(&bytes) {
            Ok(sig) => prop_assert_eq!(sig.to_bytes().to_vec(), bytes.clone()),
            Err(CryptoError::InvalidLength { got, .. }) => prop_assert_eq!(got, bytes.len()),
            Err(_) => prop_assert_eq!(bytes.len(), 96),
        }
        match SecretKey::from_bytes(&bytes) {
            Ok(sk) => prop_assert_eq!(sk.to_bytes().to_vec(), bytes.clone()),
            Err(CryptoError::InvalidLength { got, .. }) => prop_assert_eq!(got, bytes.len()),
            Err(e) => prop_assert_eq!(e, CryptoError::InvalidSecretKey),
        }
    }
}

proptest! {
    // Each case costs a few pairings; keep the count modest.
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn signatures_verify_only_for_their_key_and_message(
        a in any::<u64>(),
        b in any::<u64>(),
        msg in proptest::collection::vec(any::<u8>(), 0..64),
        flip in any::<usize>(),
    ) {
        prop_assume!(a != b);
        let (ka, kb) = (devnet_validator_secret_key(a), devnet_validator_secret_key(b));
        let sig = ka.sign(&msg);
        prop_assert!(sig.verify(&ka.public_key(), &msg));
        prop_assert!(!sig.verify(&kb.public_key(), &msg));
        let mut other = msg.clone();
        if other.is_empty() {
            other.push(0);
        } else {
            let i = flip % other.len();
            other[i] ^= 1;
        }
        prop_assert!(!sig.verify(&ka.public_key(), &other));
    }

    #[test]
    fn batch_reports_the_first_corrupted_set(
        n in 2usize..12,
        bad in proptest::collection::vec(any::<bool>(), 12),
    ) {
        let keys: Vec<SecretKey> = (0..n as u64).map(devnet_validator_secret_key).collect();
        let pks: Vec<PublicKey> = keys.iter().map(|k| k.public_key()).collect();
        let roots: Vec<[u8; 32]> = (0..n).map(|i| [i as u8; 32]).collect();
        let sigs: Vec<Signature> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| if bad[i] { k.sign(b"not the root") } else { k.sign(&roots[i]) })
            .collect();
        let sets: Vec<SignatureSet<'_>> =
            (0..n).map(|i| SignatureSet::single_pubkey(&sigs[i], &pks[i], roots[i])).collect();
        let expected = bad[..n].iter().position(|b| *b);
        match expected {
            None => prop_assert_eq!(verify_signature_sets(&sets), Ok(())),
            Some(index) => prop_assert_eq!(
                verify_signature_sets(&sets),
                Err(etn_crypto::BatchVerifyError::InvalidSignature { index })
            ),
        }
    }
}
