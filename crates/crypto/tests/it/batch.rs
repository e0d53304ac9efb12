//! Batch verification: agreement with one-by-one verification and exact
//! location of the first bad set.

use std::borrow::Cow;

use etn_crypto::{
    BatchVerifyError, PublicKey, Signature, SignatureSet, aggregate_public_keys,
    aggregate_signatures, verify_signature_sets, verify_signature_sets_individually,
};

use crate::util::{keys, root};

/// 64 keys, each signing its own root.
struct Fixture {
    pks: Vec<PublicKey>,
    sigs: Vec<Signature>,
    /// A signature over a root nobody else signs, to plant as a bad one.
    wrong: Signature,
}

fn fixture(n: u64) -> Fixture {
    let ks = keys(n);
    Fixture {
        pks: ks.iter().map(|k| k.public_key()).collect(),
        sigs: ks
            .iter()
            .enumerate()
            .map(|(i, k)| k.sign(&root(i as u64)))
            .collect(),
        wrong: ks[0].sign(&root(1_000_000)),
    }
}

fn sets(f: &Fixture) -> Vec<SignatureSet<'_>> {
    (0..f.pks.len())
        .map(|i| SignatureSet::single_pubkey(&f.sigs[i], &f.pks[i], root(i as u64)))
        .collect()
}

#[test]
fn empty_batch_is_ok() {
    assert_eq!(verify_signature_sets(&[]), Ok(()));
    assert_eq!(verify_signature_sets_individually(&[]), Ok(()));
}

#[test]
fn sixty_four_good_sets_pass() {
    let f = fixture(64);
    let s = sets(&f);
    assert_eq!(verify_signature_sets(&s), Ok(()));
    assert_eq!(verify_signature_sets_individually(&s), Ok(()));
}

#[test]
fn single_set_batch() {
    let f = fixture(2);
    let good = SignatureSet::single_pubkey(&f.sigs[0], &f.pks[0], root(0));
    assert_eq!(verify_signature_sets(std::slice::from_ref(&good)), Ok(()));
    let bad = SignatureSet::single_pubkey(&f.sigs[0], &f.pks[1], root(0));
    assert_eq!(
        verify_signature_sets(&[bad]),
        Err(BatchVerifyError::InvalidSignature { index: 0 })
    );
}

#[test]
fn one_bad_set_is_reported_at_its_index() {
    let f = fixture(64);
    for k in [0usize, 1, 17, 32, 62, 63] {
        let mut s = sets(&f);
        s[k].signature = Cow::Borrowed(&f.wrong);
        assert_eq!(
            verify_signature_sets(&s),
            Err(BatchVerifyError::InvalidSignature { index: k }),
            "bad set at {k}"
        );
    }
}

#[test]
fn wrong_key_or_message_is_reported_too() {
    let f = fixture(16);
    let mut s = sets(&f);
    s[5].signing_keys = vec![Cow::Borrowed(&f.pks[6])];
    assert_eq!(
        verify_signature_sets(&s),
        Err(BatchVerifyError::InvalidSignature { index: 5 })
    );

    let mut s = sets(&f);
    s[9].message = root(10);
    assert_eq!(
        verify_signature_sets(&s),
        Err(BatchVerifyError::InvalidSignature { index: 9 })
    );
}

#[test]
fn first_of_several_bad_sets_is_reported() {
    let f = fixture(32);
    let mut s = sets(&f);
    for k in [20, 7, 30] {
        s[k].signature = Cow::Borrowed(&f.wrong);
    }
    assert_eq!(
        verify_signature_sets(&s),
        Err(BatchVerifyError::InvalidSignature { index: 7 })
    );
}

/// Swapping the signatures of two sets keeps their sum, so a batch check
/// without random coefficients would accept it. Ours must not.
#[test]
fn swapped_signatures_are_caught() {
    let f = fixture(8);
    let mut s = sets(&f);
    s[2].signature = Cow::Borrowed(&f.sigs[5]);
    s[5].signature = Cow::Borrowed(&f.sigs[2]);
    // The unweighted sum still matches, which is the point of the test.
    let sum = aggregate_signatures(&[&f.sigs[2], &f.sigs[5]]).unwrap();
    let swapped = aggregate_signatures(&[&f.sigs[5], &f.sigs[2]]).unwrap();
    assert_eq!(sum, swapped);
    for _ in 0..20 {
        assert_eq!(
            verify_signature_sets(&s),
            Err(BatchVerifyError::InvalidSignature { index: 2 })
        );
    }
}

#[test]
fn set_without_keys_is_named() {
    let f = fixture(8);
    let mut s = sets(&f);
    s[4].signing_keys.clear();
    assert_eq!(
        verify_signature_sets(&s),
        Err(BatchVerifyError::NoKeys { index: 4 })
    );
    assert_eq!(
        verify_signature_sets_individually(&s),
        Err(BatchVerifyError::NoKeys { index: 4 })
    );
    assert!(!s[4].verify());

    // A bad signature before it is the first failure; one after it is not.
    s[2].signature = Cow::Borrowed(&f.wrong);
    assert_eq!(
        verify_signature_sets(&s),
        Err(BatchVerifyError::InvalidSignature { index: 2 })
    );
    let mut s = sets(&f);
    s[4].signing_keys.clear();
    s[6].signature = Cow::Borrowed(&f.wrong);
    assert_eq!(
        verify_signature_sets(&s),
        Err(BatchVerifyError::NoKeys { index: 4 })
    );
}

#[test]
fn multi_key_sets_mix_with_single_key_sets() {
    let ks = keys(12);
    let pks: Vec<PublicKey> = ks.iter().map(|k| k.public_key()).collect();
    let committee_root = root(500);
    let committee_sigs: Vec<Signature> = ks[..8].iter().map(|k| k.sign(&committee_root)).collect();
    let committee_sig = aggregate_signatures(&committee_sigs.iter().collect::<Vec<_>>()).unwrap();
    let singles: Vec<Signature> = ks[8..]
        .iter()
        .enumerate()
        .map(|(i, k)| k.sign(&root(i as u64)))
        .collect();

    let mut s = vec![SignatureSet::multiple_pubkeys(
        &committee_sig,
        &pks[..8],
        committee_root,
    )];
    for (i, sig) in singles.iter().enumerate() {
        s.push(SignatureSet::single_pubkey(
            sig,
            &pks[8 + i],
            root(i as u64),
        ));
    }
    // An owned, pre-aggregated key works the same as the key list.
    let agg_pk = aggregate_public_keys(&pks[..8].iter().collect::<Vec<_>>()).unwrap();
    s.push(SignatureSet::new(
        Cow::Borrowed(&committee_sig),
        vec![Cow::Owned(agg_pk)],
        committee_root,
    ));
    assert_eq!(verify_signature_sets(&s), Ok(()));

    // Dropping one committee member makes that set, and only it, fail.
    s[0] = SignatureSet::multiple_pubkeys(&committee_sig, &pks[1..8], committee_root);
    assert_eq!(
        verify_signature_sets(&s),
        Err(BatchVerifyError::InvalidSignature { index: 0 })
    );
}

#[test]
fn batch_agrees_with_individual_verification() {
    let f = fixture(10);
    // Every subset of bad positions among the first 4 sets.
    for mask in 0u32..16 {
        let mut s = sets(&f);
        for bit in 0..4 {
            if mask & (1 << bit) != 0 {
                s[bit * 3].signature = Cow::Borrowed(&f.wrong);
            }
        }
        assert_eq!(
            verify_signature_sets(&s),
            verify_signature_sets_individually(&s),
            "mask {mask}"
        );
    }
}

/// A fingerprint changes with each part of the claim (message, signature, each key and
/// their order), so trusting a fingerprint never trusts a different claim.
#[test]
fn fingerprint_names_message_signature_and_keys() {
    let f = fixture(3);
    let base = SignatureSet::single_pubkey(&f.sigs[0], &f.pks[0], root(0));
    let same = SignatureSet::single_pubkey(&f.sigs[0], &f.pks[0], root(0));
    assert_eq!(base.fingerprint(), same.fingerprint());

    let variants = [
        SignatureSet::single_pubkey(&f.sigs[0], &f.pks[0], root(1)),
        SignatureSet::single_pubkey(&f.sigs[1], &f.pks[0], root(0)),
        SignatureSet::single_pubkey(&f.sigs[0], &f.pks[1], root(0)),
        SignatureSet::multiple_pubkeys(&f.sigs[0], [&f.pks[0], &f.pks[1]], root(0)),
        SignatureSet::multiple_pubkeys(&f.sigs[0], [&f.pks[1], &f.pks[0]], root(0)),
    ];
    let mut seen = std::collections::HashSet::from([base.fingerprint()]);
    for variant in &variants {
        assert!(seen.insert(variant.fingerprint()), "fingerprint collision");
    }
}
