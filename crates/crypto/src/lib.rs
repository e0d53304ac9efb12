//! Cryptography for etn: BLS signatures (Ethereum ciphersuite), domains and
//! signing roots, batch signature verification and deterministic devnet keys.
//!
//! This crate works on raw byte arrays (32-byte roots, 4-byte versions and
//! domain types, 48-byte keys, 96-byte signatures) and knows nothing about
//! the chain, so it depends on no other workspace crate and the consensus
//! crates above it can wrap its results in their own SSZ types.
//!
//! ```
//! use etn_crypto::{
//!     SignatureSet, compute_domain, compute_signing_root, devnet_validator_secret_key,
//!     verify_signature_sets,
//! };
//!
//! let sk = devnet_validator_secret_key(0);
//! let pk = sk.public_key();
//! let domain = compute_domain([0, 0, 0, 0], [0, 0, 0, 1], [0u8; 32]);
//! let signing_root = compute_signing_root([7u8; 32], domain);
//! let sig = sk.sign(&signing_root);
//! assert!(sig.verify(&pk, &signing_root));
//!
//! let sets = [SignatureSet::single_pubkey(&sig, &pk, signing_root)];
//! assert_eq!(verify_signature_sets(&sets), Ok(()));
//! ```

mod batch;
mod bls;
mod devnet_keys;
mod error;
mod signing;

pub use batch::{SignatureSet, verify_signature_sets, verify_signature_sets_individually};
pub use bls::{
    DST, PUBLIC_KEY_BYTES_LEN, PublicKey, SECRET_KEY_BYTES_LEN, SIGNATURE_BYTES_LEN, SecretKey,
    Signature, aggregate_public_keys, aggregate_signatures,
};
pub use devnet_keys::{devnet_builder_secret_key, devnet_validator_secret_key};
pub use error::{BatchVerifyError, CryptoError, Element};
pub use signing::{
    compute_domain, compute_fork_data_root, compute_fork_digest, compute_signing_root,
};
