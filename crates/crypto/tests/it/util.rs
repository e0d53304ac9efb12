//! Helpers shared by the test modules.

use etn_crypto::{PublicKey, SecretKey, Signature, devnet_validator_secret_key};

pub fn hex32(s: &str) -> [u8; 32] {
    hex::decode(s).unwrap().try_into().unwrap()
}

pub fn pk_hex(s: &str) -> PublicKey {
    PublicKey::from_bytes(&hex::decode(s).unwrap()).unwrap()
}

pub fn sig_hex(s: &str) -> Signature {
    Signature::from_bytes(&hex::decode(s).unwrap()).unwrap()
}

/// A distinct 32-byte signing root per `i`.
pub fn root(i: u64) -> [u8; 32] {
    let mut r = [0u8; 32];
    r[..8].copy_from_slice(&i.to_le_bytes());
    r[31] = 0x5a;
    r
}

pub fn keys(n: u64) -> Vec<SecretKey> {
    (0..n).map(devnet_validator_secret_key).collect()
}

/// The compressed encoding of the identity point of G1 (48 bytes) or G2 (96 bytes).
pub fn infinity_encoding(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    bytes[0] = 0xc0;
    bytes
}

/// `r - 1` as a secret key: its public key is the negation of the generator,
/// the public key of the secret key 1. Lets tests build keys that cancel.
pub fn minus_one() -> SecretKey {
    SecretKey::from_bytes(&hex32(
        "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
    ))
    .unwrap()
}

pub fn one() -> SecretKey {
    let mut b = [0u8; 32];
    b[31] = 1;
    SecretKey::from_bytes(&b).unwrap()
}
