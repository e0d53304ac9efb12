//! Known-answer checks against the Ethereum BLS test vectors (the `sign`,
//! `verify`, `fast_aggregate_verify` and `aggregate_verify` suites of the
//! consensus spec tests), so our ciphersuite is byte-for-byte Ethereum's.

use etn_crypto::{CryptoError, PublicKey, SecretKey, Signature, aggregate_signatures};

use crate::util::{hex32, infinity_encoding, pk_hex, sig_hex};

const SK_A: &str = "263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3";
const SK_B: &str = "47b8192d77bf871b62e87859d653922725724a5c031afeabc60bcef5ff665138";
const SK_C: &str = "328388aff0d4a5b7dc9205abd374e7e98f3cd9f3418edb4eafda5fb16473d216";
const PK_A: &str = "a491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a";
const PK_B: &str = "b301803f8b5ac4a1133581fc676dfedc60d891dd5fa99028805e5ea5b08d3491af75d0707adab3b70c6a6a580217bf81";
const PK_C: &str = "b53d21a4cfd562c469cc81514d4ce5a6b577d8403d32a394dc265dd190b47fa9f829fdd7963afdf972e5e77854051f6f";
const MSG_00: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const MSG_56: &str = "5656565656565656565656565656565656565656565656565656565656565656";
const MSG_AB: &str = "abababababababababababababababababababababababababababababababab";

/// (secret key, message, expected signature)
const SIGN_CASES: &[(&str, &str, &str)] = &[
    (
        SK_A,
        MSG_00,
        "b6ed936746e01f8ecf281f020953fbf1f01debd5657c4a383940b020b26507f6076334f91e2366c96e9ab279fb5158090352ea1c5b0c9274504f4f0e7053af24802e51e4568d164fe986834f41e55c8e850ce1f98458c0cfc9ab380b55285a55",
    ),
    (
        SK_A,
        MSG_56,
        "882730e5d03f6b42c3abc26d3372625034e1d871b65a8a6b900a56dae22da98abbe1b68f85e49fe7652a55ec3d0591c20767677e33e5cbb1207315c41a9ac03be39c2e7668edc043d6cb1d9fd93033caa8a1c5b0e84bedaeb6c64972503a43eb",
    ),
    (
        SK_A,
        MSG_AB,
        "91347bccf740d859038fcdcaf233eeceb2a436bcaaee9b2aa3bfb70efe29dfb2677562ccbea1c8e061fb9971b0753c240622fab78489ce96768259fc01360346da5b9f579e5da0d941e4c6ba18a0e64906082375394f337fa1af2b7127b0d121",
    ),
    (
        SK_B,
        MSG_00,
        "b23c46be3a001c63ca711f87a005c200cc550b9429d5f4eb38d74322144f1b63926da3388979e5321012fb1a0526bcd100b5ef5fe72628ce4cd5e904aeaa3279527843fae5ca9ca675f4f51ed8f83bbf7155da9ecc9663100a885d5dc6df96d9",
    ),
    (
        SK_B,
        MSG_56,
        "af1390c3c47acdb37131a51216da683c509fce0e954328a59f93aebda7e4ff974ba208d9a4a2a2389f892a9d418d618418dd7f7a6bc7aa0da999a9d3a5b815bc085e14fd001f6a1948768a3f4afefc8b8240dda329f984cb345c6363272ba4fe",
    ),
    (
        SK_B,
        MSG_AB,
        "9674e2228034527f4c083206032b020310face156d4a4685e2fcaec2f6f3665aa635d90347b6ce124eb879266b1e801d185de36a0a289b85e9039662634f2eea1e02e670bc7ab849d006a70b2f93b84597558a05b879c8d445f387a5d5b653df",
    ),
    (
        SK_C,
        MSG_00,
        "948a7cb99f76d616c2c564ce9bf4a519f1bea6b0a624a02276443c245854219fabb8d4ce061d255af5330b078d5380681751aa7053da2c98bae898edc218c75f07e24d8802a17cd1f6833b71e58f5eb5b94208b4d0bb3848cecb075ea21be115",
    ),
    (
        SK_C,
        MSG_56,
        "a4efa926610b8bd1c8330c918b7a5e9bf374e53435ef8b7ec186abf62e1b1f65aeaaeb365677ac1d1172a1f5b44b4e6d022c252c58486c0a759fbdc7de15a756acc4d343064035667a594b4c2a6f0b0b421975977f297dba63ee2f63ffe47bb6",
    ),
    (
        SK_C,
        MSG_AB,
        "ae82747ddeefe4fd64cf9cedb9b04ae3e8a43420cd255e3c7cd06a8d88b7c7f8638543719981c5d16fa3527c468c25f0026704a6951bde891360c7e8d12ddee0559004ccdbe6046b55bae1b257ee97f7cdb955773d7cf29adf3ccbb9975e4eb9",
    ),
];

#[test]
fn signing_matches_ethereum_sign_vectors() {
    for (sk, msg, expected) in SIGN_CASES {
        let key = SecretKey::from_bytes(&hex32(sk)).unwrap();
        let sig = key.sign(&hex32(msg));
        assert_eq!(hex::encode(sig.to_bytes()), *expected, "sk {sk} msg {msg}");
    }
}

#[test]
fn public_keys_match_ethereum_vectors() {
    for (sk, pk) in [(SK_A, PK_A), (SK_B, PK_B), (SK_C, PK_C)] {
        let key = SecretKey::from_bytes(&hex32(sk)).unwrap();
        assert_eq!(hex::encode(key.public_key().to_bytes()), pk);
    }
}

#[test]
fn vector_signatures_verify_only_under_their_key_and_message() {
    let pks = [pk_hex(PK_A), pk_hex(PK_B), pk_hex(PK_C)];
    let msgs = [hex32(MSG_00), hex32(MSG_56), hex32(MSG_AB)];
    for (i, (_, _, sig)) in SIGN_CASES.iter().enumerate() {
        let sig = sig_hex(sig);
        for (k, pk) in pks.iter().enumerate() {
            for (m, msg) in msgs.iter().enumerate() {
                let expected = k == i / 3 && m == i % 3;
                assert_eq!(sig.verify(pk, msg), expected, "case {i} key {k} msg {m}");
            }
        }
    }
}

#[test]
fn tampered_vector_signatures_are_rejected() {
    // The spec's "tampered" cases replace the last 4 bytes with 0xff.
    for (sk, msg, sig) in SIGN_CASES {
        let mut bytes = hex::decode(sig).unwrap();
        bytes[92..].fill(0xff);
        let pk = SecretKey::from_bytes(&hex32(sk)).unwrap().public_key();
        match Signature::from_bytes(&bytes) {
            Ok(sig) => assert!(!sig.verify(&pk, &hex32(msg))),
            Err(err) => assert!(matches!(
                err,
                CryptoError::NotOnCurve(_)
                    | CryptoError::NotInSubgroup(_)
                    | CryptoError::BadEncoding(_)
            )),
        }
    }
}

#[test]
fn fast_aggregate_verify_matches_ethereum_vectors() {
    let (a, b, c) = (pk_hex(PK_A), pk_hex(PK_B), pk_hex(PK_C));
    let two = sig_hex(
        "912c3615f69575407db9392eb21fee18fff797eeb2fbe1816366ca2a08ae574d8824dbfafb4c9eaa1cf61b63c6f9b69911f269b664c42947dd1b53ef1081926c1e82bb2a465f927124b08391a5249036146d6f3f1e17ff5f162f779746d830d1",
    );
    assert!(two.fast_aggregate_verify(&hex32(MSG_56), &[&a, &b]));
    assert!(!two.fast_aggregate_verify(&hex32(MSG_56), &[&a, &b, &c]));

    let three = sig_hex(
        "9712c3edd73a209c742b8250759db12549b3eaf43b5ca61376d9f30e2747dbcf842d8b2ac0901d2a093713e20284a7670fcf6954e9ab93de991bb9b313e664785a075fc285806fa5224c82bde146561b446ccfc706a64b8579513cfc4ff1d930",
    );
    assert!(three.fast_aggregate_verify(&hex32(MSG_AB), &[&a, &b, &c]));
    assert!(!three.fast_aggregate_verify(&hex32(MSG_AB), &[&a, &b]));
    assert!(!three.fast_aggregate_verify(&hex32(MSG_56), &[&a, &b, &c]));

    // And our own aggregation reproduces the vector.
    let sigs: Vec<Signature> = [SK_A, SK_B, SK_C]
        .iter()
        .map(|sk| {
            SecretKey::from_bytes(&hex32(sk))
                .unwrap()
                .sign(&hex32(MSG_AB))
        })
        .collect();
    let agg = aggregate_signatures(&sigs.iter().collect::<Vec<_>>()).unwrap();
    assert_eq!(agg, three);
}

#[test]
fn aggregate_verify_matches_ethereum_vector() {
    let pks = [pk_hex(PK_A), pk_hex(PK_B), pk_hex(PK_C)];
    let pk_refs: Vec<&PublicKey> = pks.iter().collect();
    let msgs = [hex32(MSG_00), hex32(MSG_56), hex32(MSG_AB)];
    let msg_refs: Vec<&[u8]> = msgs.iter().map(|m| m.as_slice()).collect();
    let sig = sig_hex(
        "9104e74b9dfd3ad502f25d6a5ef57db0ed7d9a0e00f3500586d8ce44231212542fcfaf87840539b398bf07626705cf1105d246ca1062c6c2e1a53029a0f790ed5e3cb1f52f8234dc5144c45fc847c0cd37a92d68e7c5ba7c648a8a339f171244",
    );
    assert!(sig.aggregate_verify(&msg_refs, &pk_refs));
    // Pairing keys with the wrong messages fails.
    let shuffled: Vec<&[u8]> = vec![&msgs[1], &msgs[0], &msgs[2]];
    assert!(!sig.aggregate_verify(&shuffled, &pk_refs));
}

#[test]
fn spec_edge_cases_are_rejected() {
    // verify_infinity_pubkey_and_infinity_signature: the key is refused.
    assert_eq!(
        PublicKey::from_bytes(&infinity_encoding(48)).unwrap_err(),
        CryptoError::InfinityPublicKey
    );
    // sign_case_zero_privkey: the zero scalar is not a key.
    assert_eq!(
        SecretKey::from_bytes(&[0u8; 32]).unwrap_err(),
        CryptoError::InvalidSecretKey
    );
}
