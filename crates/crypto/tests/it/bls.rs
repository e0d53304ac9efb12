//! Signing, verification and aggregation through the public API.

use std::collections::HashSet;

use etn_crypto::{
    BatchVerifyError, CryptoError, Element, PublicKey, Signature, SignatureSet,
    aggregate_public_keys, aggregate_signatures, compute_domain, compute_signing_root,
    verify_signature_sets,
};

use crate::util::{infinity_encoding, keys, minus_one, one, root};

const GVR: [u8; 32] = [0x33; 32];
const VERSION: [u8; 4] = [0, 0, 0, 1];
const PROPOSER: [u8; 4] = [0, 0, 0, 0];
const RANDAO: [u8; 4] = [2, 0, 0, 0];

#[test]
fn signature_over_signing_root_verifies() {
    let sk = &keys(1)[0];
    let signing_root = compute_signing_root(root(1), compute_domain(PROPOSER, VERSION, GVR));
    let sig = sk.sign(&signing_root);
    assert!(sig.verify(&sk.public_key(), &signing_root));
}

#[test]
fn wrong_message_key_or_domain_fails() {
    let ks = keys(2);
    let domain = compute_domain(PROPOSER, VERSION, GVR);
    let signing_root = compute_signing_root(root(1), domain);
    let sig = ks[0].sign(&signing_root);

    assert!(!sig.verify(&ks[0].public_key(), &compute_signing_root(root(2), domain)));
    assert!(!sig.verify(&ks[1].public_key(), &signing_root));
    // Same object, other domain type, other fork version, other chain.
    for other in [
        compute_domain(RANDAO, VERSION, GVR),
        compute_domain(PROPOSER, [0, 0, 0, 2], GVR),
        compute_domain(PROPOSER, VERSION, [0x34; 32]),
    ] {
        assert!(!sig.verify(&ks[0].public_key(), &compute_signing_root(root(1), other)));
    }
}

#[test]
fn signing_is_deterministic() {
    let sk = &keys(1)[0];
    assert_eq!(sk.sign(b"same").to_bytes(), sk.sign(b"same").to_bytes());
}

#[test]
fn fast_aggregate_verify_positive_and_negative() {
    let ks = keys(8);
    let pks: Vec<PublicKey> = ks.iter().map(|k| k.public_key()).collect();
    let msg = root(9);
    let sigs: Vec<Signature> = ks.iter().map(|k| k.sign(&msg)).collect();
    let agg = aggregate_signatures(&sigs.iter().collect::<Vec<_>>()).unwrap();
    let all: Vec<&PublicKey> = pks.iter().collect();

    assert!(agg.fast_aggregate_verify(&msg, &all));
    // Key order does not matter.
    let reversed: Vec<&PublicKey> = pks.iter().rev().collect();
    assert!(agg.fast_aggregate_verify(&msg, &reversed));
    // Missing key, duplicated key, wrong message, empty key list.
    assert!(!agg.fast_aggregate_verify(&msg, &all[1..]));
    let mut dup = all.clone();
    dup.push(all[0]);
    assert!(!agg.fast_aggregate_verify(&msg, &dup));
    assert!(!agg.fast_aggregate_verify(&root(10), &all));
    assert!(!agg.fast_aggregate_verify(&msg, &[]));
    // A single signer's fast-aggregate-verify is plain verify.
    assert!(sigs[3].fast_aggregate_verify(&msg, &[&pks[3]]));
    assert!(!sigs[3].fast_aggregate_verify(&msg, &[&pks[4]]));
}

#[test]
fn aggregate_public_key_verifies_like_the_key_list() {
    let ks = keys(4);
    let pks: Vec<PublicKey> = ks.iter().map(|k| k.public_key()).collect();
    let refs: Vec<&PublicKey> = pks.iter().collect();
    let msg = root(3);
    let sigs: Vec<Signature> = ks.iter().map(|k| k.sign(&msg)).collect();
    let agg_sig = aggregate_signatures(&sigs.iter().collect::<Vec<_>>()).unwrap();
    let agg_pk = aggregate_public_keys(&refs).unwrap();
    assert!(agg_sig.verify(&agg_pk, &msg));
    // The aggregate key round-trips through bytes like any other key.
    assert_eq!(PublicKey::from_bytes(&agg_pk.to_bytes()).unwrap(), agg_pk);
}

#[test]
fn aggregate_verify_distinct_messages() {
    let ks = keys(5);
    let pks: Vec<PublicKey> = ks.iter().map(|k| k.public_key()).collect();
    let msgs: Vec<[u8; 32]> = (0..5).map(root).collect();
    let sigs: Vec<Signature> = ks.iter().zip(&msgs).map(|(k, m)| k.sign(m)).collect();
    let agg = aggregate_signatures(&sigs.iter().collect::<Vec<_>>()).unwrap();
    let pk_refs: Vec<&PublicKey> = pks.iter().collect();
    let msg_refs: Vec<&[u8]> = msgs.iter().map(|m| m.as_slice()).collect();

    assert!(agg.aggregate_verify(&msg_refs, &pk_refs));
    assert!(!agg.aggregate_verify(&msg_refs[1..], &pk_refs[1..]));
    assert!(!agg.aggregate_verify(&msg_refs, &pk_refs[1..]));
    assert!(!agg.aggregate_verify(&[], &[]));
    let mut wrong = msg_refs.clone();
    let other = root(99);
    wrong[2] = &other;
    assert!(!agg.aggregate_verify(&wrong, &pk_refs));
}

#[test]
fn empty_aggregation_is_an_error() {
    assert_eq!(
        aggregate_signatures(&[]).unwrap_err(),
        CryptoError::EmptyAggregate(Element::Signature)
    );
    assert_eq!(
        aggregate_public_keys(&[]).unwrap_err(),
        CryptoError::EmptyAggregate(Element::PublicKey)
    );
}

#[test]
fn keys_that_cancel_out_never_verify() {
    // pk(1) + pk(r - 1) is the point at infinity. Together with the infinity
    // signature this satisfies the pairing equation, so it must be refused.
    let (a, b) = (one().public_key(), minus_one().public_key());
    assert_eq!(
        aggregate_public_keys(&[&a, &b]).unwrap_err(),
        CryptoError::InfinityPublicKey
    );
    let inf_sig = Signature::from_bytes(&infinity_encoding(96)).unwrap();
    assert!(!inf_sig.fast_aggregate_verify(&root(0), &[&a, &b]));
    // So does a batch holding that set.
    let set = SignatureSet::multiple_pubkeys(&inf_sig, [&a, &b], root(0));
    assert!(!set.verify());
    assert_eq!(
        verify_signature_sets(&[set.clone(), set]),
        Err(BatchVerifyError::InvalidSignature { index: 0 })
    );
}

#[test]
fn aggregate_verify_checks_each_key_not_their_sum() {
    // The honest signatures of sk = 1 and sk = r - 1 over one message are
    // negations of each other, so their aggregate really is infinity, and
    // AggregateVerify (which validates each key, never the sum) accepts it,
    // exactly as the spec's CoreAggregateVerify does.
    let (one, minus_one) = (one(), minus_one());
    let msg = root(0);
    let agg = aggregate_signatures(&[&one.sign(&msg), &minus_one.sign(&msg)]).unwrap();
    assert_eq!(agg.to_bytes().to_vec(), infinity_encoding(96));
    let (a, b) = (one.public_key(), minus_one.public_key());
    assert!(agg.aggregate_verify(&[&msg, &msg], &[&a, &b]));
    assert!(!agg.aggregate_verify(&[&msg, &root(1)], &[&a, &b]));
}

#[test]
fn infinity_public_key_is_rejected() {
    assert_eq!(
        PublicKey::from_bytes(&infinity_encoding(48)).unwrap_err(),
        CryptoError::InfinityPublicKey
    );
}

#[test]
fn infinity_signature_decodes_but_never_verifies() {
    let bytes = infinity_encoding(96);
    let sig = Signature::from_bytes(&bytes).unwrap();
    assert_eq!(sig.to_bytes().to_vec(), bytes);
    let pk = keys(1)[0].public_key();
    assert!(!sig.verify(&pk, &root(0)));
    assert!(!sig.fast_aggregate_verify(&root(0), &[&pk]));
}

#[test]
fn malformed_encodings_have_typed_errors() {
    let pk = keys(1)[0].public_key().to_bytes();
    let sig = keys(1)[0].sign(b"m").to_bytes();

    assert_eq!(
        PublicKey::from_bytes(&pk[..47]).unwrap_err(),
        CryptoError::InvalidLength {
            element: Element::PublicKey,
            expected: 48,
            got: 47
        }
    );
    assert_eq!(
        Signature::from_bytes(&[sig.as_slice(), &[0]].concat()).unwrap_err(),
        CryptoError::InvalidLength {
            element: Element::Signature,
            expected: 96,
            got: 97
        }
    );
    // Compression flag cleared: an uncompressed-form prefix is not accepted.
    let mut uncompressed_flag = pk;
    uncompressed_flag[0] &= 0x7f;
    assert_eq!(
        PublicKey::from_bytes(&uncompressed_flag).unwrap_err(),
        CryptoError::BadEncoding(Element::PublicKey)
    );
    // Infinity flag with a non-zero body.
    let mut bad_inf = infinity_encoding(96);
    bad_inf[95] = 1;
    assert_eq!(
        Signature::from_bytes(&bad_inf).unwrap_err(),
        CryptoError::BadEncoding(Element::Signature)
    );
    // x = all ones is above the field modulus.
    let mut too_big = [0xffu8; 48];
    too_big[0] = 0x9f;
    assert_eq!(
        PublicKey::from_bytes(&too_big).unwrap_err(),
        CryptoError::BadEncoding(Element::PublicKey)
    );
}

#[test]
fn points_off_the_curve_or_subgroup_are_rejected() {
    // Scan small x coordinates: each is either not on the curve or on the
    // curve but (overwhelmingly likely) outside the prime-order subgroup,
    // since the cofactor of G1 is large. Both kinds must show up.
    let mut not_on_curve = 0;
    let mut not_in_subgroup = 0;
    for x in 1u8..=40 {
        let mut bytes = [0u8; 48];
        bytes[0] = 0x80;
        bytes[47] = x;
        match PublicKey::from_bytes(&bytes) {
            Err(CryptoError::NotOnCurve(Element::PublicKey)) => not_on_curve += 1,
            Err(CryptoError::NotInSubgroup(Element::PublicKey)) => not_in_subgroup += 1,
            other => panic!("x={x}: unexpected {other:?}"),
        }
    }
    assert!(
        not_on_curve > 0 && not_in_subgroup > 0,
        "{not_on_curve} {not_in_subgroup}"
    );

    let mut sig_not_in_subgroup = 0;
    for x in 1u8..=40 {
        let mut bytes = [0u8; 96];
        bytes[0] = 0x80;
        bytes[95] = x;
        match Signature::from_bytes(&bytes) {
            Err(CryptoError::NotOnCurve(Element::Signature)) => {}
            Err(CryptoError::NotInSubgroup(Element::Signature)) => sig_not_in_subgroup += 1,
            other => panic!("x={x}: unexpected {other:?}"),
        }
    }
    assert!(sig_not_in_subgroup > 0);
}

#[test]
fn public_keys_hash_and_compare_by_value() {
    let ks = keys(3);
    let mut set = HashSet::new();
    for k in &ks {
        set.insert(k.public_key());
        set.insert(PublicKey::from_bytes(&k.public_key().to_bytes()).unwrap());
    }
    assert_eq!(set.len(), 3);
}

/// A signature encoding that is on the curve but outside the G2 subgroup.
fn off_subgroup_signature_bytes() -> [u8; 96] {
    (1u8..=255)
        .map(|x| {
            let mut bytes = [0u8; 96];
            bytes[0] = 0x80;
            bytes[95] = x;
            bytes
        })
        .find(|b| matches!(Signature::from_bytes(b), Err(CryptoError::NotInSubgroup(_))))
        .expect("some small x lies on the curve outside the subgroup")
}

#[test]
fn deferred_subgroup_check_still_rejects_off_subgroup_points() {
    use etn_crypto::{SignatureSet, verify_signature_sets};
    let bytes = off_subgroup_signature_bytes();
    // Decoding defers the check...
    let bad = Signature::from_bytes_deferred_check(&bytes).expect("on the curve");
    let ks = keys(3);
    let msg = root(1);
    // ...but no verification accepts the point.
    assert!(!bad.verify(&ks[0].public_key(), &msg));
    assert!(!bad.fast_aggregate_verify(&msg, &[&ks[0].public_key()]));
    assert!(etn_crypto::aggregate_signatures(&[&bad]).is_err());
    // In a batch of otherwise valid sets, the off-subgroup set is found.
    let good: Vec<Signature> = ks.iter().map(|k| k.sign(&msg)).collect();
    let pks: Vec<_> = ks.iter().map(|k| k.public_key()).collect();
    let sets = vec![
        SignatureSet::single_pubkey(&good[0], &pks[0], msg),
        SignatureSet::single_pubkey(&bad, &pks[1], msg),
        SignatureSet::single_pubkey(&good[2], &pks[2], msg),
    ];
    assert_eq!(
        verify_signature_sets(&sets),
        Err(etn_crypto::BatchVerifyError::InvalidSignature { index: 1 })
    );
    // A valid signature decoded with the deferred check verifies, alone and batched.
    let deferred = Signature::from_bytes_deferred_check(&good[1].to_bytes()).unwrap();
    assert!(deferred.verify(&pks[1], &msg));
    let sets = vec![
        SignatureSet::single_pubkey(&good[0], &pks[0], msg),
        SignatureSet::single_pubkey(&deferred, &pks[1], msg),
    ];
    assert_eq!(verify_signature_sets(&sets), Ok(()));
}
