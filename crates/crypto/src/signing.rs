//! Domains and signing roots, exactly as in the Ethereum phase0 spec.
//!
//! A signature is never over an object itself but over
//! `hash_tree_root(SigningData{object_root, domain})`, and the domain mixes
//! a 4-byte domain type (what kind of message) with the fork version and the
//! genesis validators root (which chain and fork). So a signature for one
//! purpose, fork or network can never be replayed as another.
//!
//! Both containers hold exactly two 32-byte chunks, so their SSZ
//! hash_tree_root is a single SHA-256 over the two chunks; this module
//! computes that directly instead of depending on an SSZ library.

use sha2::{Digest, Sha256};

/// `hash_tree_root(ForkData{current_version, genesis_validators_root})`:
/// SHA-256 of the version right-padded to 32 bytes, then the root.
pub fn compute_fork_data_root(
    current_version: [u8; 4],
    genesis_validators_root: [u8; 32],
) -> [u8; 32] {
    let mut version_chunk = [0u8; 32];
    version_chunk[..4].copy_from_slice(&current_version);
    hash_two_chunks(&version_chunk, &genesis_validators_root)
}

/// The first 4 bytes of the fork data root. Names the network and fork in
/// gossip topics and status messages, so peers on other chains are told apart.
pub fn compute_fork_digest(current_version: [u8; 4], genesis_validators_root: [u8; 32]) -> [u8; 4] {
    let root = compute_fork_data_root(current_version, genesis_validators_root);
    [root[0], root[1], root[2], root[3]]
}

/// `domain_type || fork_data_root[..28]`: the 32-byte domain a message of
/// type `domain_type` is signed under on this fork of this chain.
pub fn compute_domain(
    domain_type: [u8; 4],
    fork_version: [u8; 4],
    genesis_validators_root: [u8; 32],
) -> [u8; 32] {
    let fork_data_root = compute_fork_data_root(fork_version, genesis_validators_root);
    let mut domain = [0u8; 32];
    domain[..4].copy_from_slice(&domain_type);
    domain[4..].copy_from_slice(&fork_data_root[..28]);
    domain
}

/// `hash_tree_root(SigningData{object_root, domain})`: the 32 bytes that are
/// actually signed and verified.
pub fn compute_signing_root(object_root: [u8; 32], domain: [u8; 32]) -> [u8; 32] {
    hash_two_chunks(&object_root, &domain)
}

fn hash_two_chunks(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(hex_str: &str) -> Vec<u8> {
        hex::decode(hex_str).unwrap()
    }

    fn sha256(data: &[u8]) -> [u8; 32] {
        Sha256::digest(data).into()
    }

    #[test]
    fn fork_data_root_is_sha256_of_padded_version_and_root() {
        let version = [1, 2, 3, 4];
        let gvr = [0xab; 32];
        let mut preimage = vec![1, 2, 3, 4];
        preimage.extend_from_slice(&[0u8; 28]);
        preimage.extend_from_slice(&[0xab; 32]);
        assert_eq!(preimage.len(), 64);
        assert_eq!(compute_fork_data_root(version, gvr), sha256(&preimage));
    }

    #[test]
    fn fork_digest_is_prefix_of_fork_data_root() {
        let version = [9, 0, 0, 1];
        let gvr = [7; 32];
        let root = compute_fork_data_root(version, gvr);
        assert_eq!(compute_fork_digest(version, gvr).as_slice(), &root[..4]);
    }

    #[test]
    fn domain_is_type_then_truncated_fork_data_root() {
        let domain_type = [0x0a, 0, 0, 0];
        let version = [0, 0, 0, 1];
        let gvr = [0x42; 32];
        let mut preimage = [0u8; 64];
        preimage[..4].copy_from_slice(&version);
        preimage[32..].copy_from_slice(&gvr);
        let fork_data_root = sha256(&preimage);
        let domain = compute_domain(domain_type, version, gvr);
        assert_eq!(&domain[..4], &domain_type);
        assert_eq!(&domain[4..], &fork_data_root[..28]);
    }

    #[test]
    fn signing_root_is_sha256_of_object_root_and_domain() {
        let object_root = [0x11; 32];
        let domain = [0x22; 32];
        let mut preimage = [0x11u8; 64];
        preimage[32..].fill(0x22);
        assert_eq!(compute_signing_root(object_root, domain), sha256(&preimage));
        // Order matters: swapping the fields gives a different root.
        assert_ne!(
            compute_signing_root(domain, object_root),
            compute_signing_root(object_root, domain)
        );
    }

    /// Ethereum mainnet's published fork digests, a known-answer check of the
    /// whole construction (genesis validators root of mainnet, fork versions
    /// 0x00..0x04000000).
    #[test]
    fn mainnet_fork_digests_match_published_values() {
        let gvr: [u8; 32] = h("4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95")
            .try_into()
            .unwrap();
        let cases = [
            ([0, 0, 0, 0], "b5303f2a"),
            ([1, 0, 0, 0], "afcaaba0"),
            ([2, 0, 0, 0], "4a26c58b"),
            ([3, 0, 0, 0], "bba4da96"),
            ([4, 0, 0, 0], "6a95a1a9"),
        ];
        for (version, digest) in cases {
            assert_eq!(
                compute_fork_digest(version, gvr).to_vec(),
                h(digest),
                "version {version:?}"
            );
        }
    }

    /// Mainnet's beacon-attester domain (type 0x01000000) in phase0 and altair.
    #[test]
    fn mainnet_attester_domains_match_published_values() {
        let gvr: [u8; 32] = h("4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95")
            .try_into()
            .unwrap();
        let attester = [1, 0, 0, 0];
        assert_eq!(
            compute_domain(attester, [0, 0, 0, 0], gvr).to_vec(),
            h("01000000b5303f2ad2010d699a76c8e62350947421a3e4a979779642cfdb0f66")
        );
        assert_eq!(
            compute_domain(attester, [1, 0, 0, 0], gvr).to_vec(),
            h("01000000afcaaba0efab1ca832a15152469bb09bb84641c405171dfa2d3fb45f")
        );
    }
}
