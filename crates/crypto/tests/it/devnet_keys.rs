//! Deterministic devnet keys: the interop validator keys other clients use,
//! and builder keys in their own namespace.

use std::collections::HashSet;

use etn_crypto::{devnet_builder_secret_key, devnet_validator_secret_key};

#[test]
fn interop_validator_keys_match_the_published_ones() {
    let cases = [
        (
            0,
            "25295f0d1d592a90b333e26e85149708208e9f8e8bc18f6c77bd62f8ad7a6866",
        ),
        (
            1,
            "51d0b65185db6989ab0b560d6deed19c7ead0e24b9b6372cbecb1f26bdfad000",
        ),
        (
            2,
            "315ed405fafe339603932eebe8dbfd650ce5dafa561f6928664c75db85f97857",
        ),
        (
            9,
            "2b3b88a041168a1c4cd04bdd8de7964fd35238f95442dc678514f9dadb81ec34",
        ),
    ];
    for (index, expected) in cases {
        assert_eq!(
            hex::encode(devnet_validator_secret_key(index).to_bytes()),
            expected,
            "index {index}"
        );
    }
}

#[test]
fn interop_validator_public_keys_match_the_published_ones() {
    let cases = [
        (
            0,
            "a99a76ed7796f7be22d5b7e85deeb7c5677e88e511e0b337618f8c4eb61349b4bf2d153f649f7b53359fe8b94a38e44c",
        ),
        (
            1,
            "b89bebc699769726a318c8e9971bd3171297c61aea4a6578a7a4f94b547dcba5bac16a89108b6b6a1fe3695d1a874a0b",
        ),
        (
            2,
            "a3a32b0f8b4ddb83f1a0a853d81dd725dfe577d4f4c3db8ece52ce2b026eca84815c1a7e8e92a4de3d755733bf7e4a9b",
        ),
    ];
    for (index, expected) in cases {
        assert_eq!(
            hex::encode(devnet_validator_secret_key(index).public_key().to_bytes()),
            expected,
            "index {index}"
        );
    }
}

/// Expected values computed independently as
/// `int.from_bytes(sha256(b"etn-builder" + i.to_bytes(8, "little")), "little") % r`.
#[test]
fn builder_keys_follow_their_derivation() {
    let cases = [
        (
            0,
            "617ea484d1fcaa31314b9a7a10fb2197be396cd05286eba2b0ef24e2c84e83cc",
        ),
        (
            1,
            "4540b4a4b955db0c0bcc162f987c73be7e0fe44db66be4ec1009addd47b96746",
        ),
        (
            7,
            "46121512c8fcbd7ae460799a34ea3c544faa6969db9b71b4cc308cde30793f13",
        ),
    ];
    for (index, expected) in cases {
        assert_eq!(
            hex::encode(devnet_builder_secret_key(index).to_bytes()),
            expected,
            "index {index}"
        );
    }
}

#[test]
fn keys_are_deterministic_and_namespaces_do_not_overlap() {
    let mut seen = HashSet::new();
    for i in 0..64 {
        let v = devnet_validator_secret_key(i).to_bytes();
        let b = devnet_builder_secret_key(i).to_bytes();
        assert_eq!(v, devnet_validator_secret_key(i).to_bytes());
        assert_eq!(b, devnet_builder_secret_key(i).to_bytes());
        assert!(seen.insert(v));
        assert!(seen.insert(b));
    }
    // Extreme indices work too.
    let _ = devnet_validator_secret_key(u64::MAX).public_key();
    let _ = devnet_builder_secret_key(u64::MAX).public_key();
}
