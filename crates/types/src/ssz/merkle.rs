//! The few Merkle helpers etn needs outside ssz_rs: hashing two chunks, packing byte
//! strings, mixing in a list length, and the roots of all-zero subtrees.
//!
//! They exist so that hand-written SSZ types (fixed byte strings, the checked variable
//! list, the cached lists of the state) produce exactly the roots the SSZ spec defines.

use sha2::{Digest, Sha256};

/// Bytes in one Merkle chunk.
pub const CHUNK: usize = 32;

/// `sha256(left || right)`: one inner node of an SSZ Merkle tree.
pub fn hash_pair(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// Plain `sha256(data)`, the spec's `hash`.
pub fn hash(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Root of a perfect subtree of the given depth whose leaves are all zero chunks.
pub fn zero_hash(depth: usize) -> [u8; 32] {
    ZERO_HASHES.with(|z| z[depth.min(MAX_DEPTH)])
}

const MAX_DEPTH: usize = 64;

thread_local! {
    static ZERO_HASHES: [[u8; 32]; MAX_DEPTH + 1] = {
        let mut out = [[0u8; 32]; MAX_DEPTH + 1];
        for depth in 1..=MAX_DEPTH {
            out[depth] = hash_pair(&out[depth - 1], &out[depth - 1]);
        }
        out
    };
}

/// Merkleizes `leaves` (already 32-byte chunks) as the bottom of a tree with
/// `limit.next_power_of_two()` leaves, padding with virtual zero subtrees.
/// With `limit == 0` the tree has a single zero leaf.
pub fn merkleize_chunks(leaves: &[[u8; 32]], limit: usize) -> [u8; 32] {
    let width = limit.max(leaves.len()).max(1).next_power_of_two();
    let depth = width.trailing_zeros() as usize;
    if leaves.is_empty() {
        return zero_hash(depth);
    }
    let mut layer: Vec<[u8; 32]> = leaves.to_vec();
    for level in 0..depth {
        let mut next = Vec::with_capacity(layer.len().div_ceil(2));
        for pair in layer.chunks(2) {
            let right = if pair.len() == 2 {
                pair[1]
            } else {
                zero_hash(level)
            };
            next.push(hash_pair(&pair[0], &right));
        }
        layer = next;
    }
    layer[0]
}

/// Root of a fixed byte string packed into chunks (SSZ `Vector[byte, N]`).
pub fn merkleize_packed_bytes(bytes: &[u8]) -> [u8; 32] {
    let chunks: Vec<[u8; 32]> = bytes
        .chunks(CHUNK)
        .map(|c| {
            let mut chunk = [0u8; 32];
            chunk[..c.len()].copy_from_slice(c);
            chunk
        })
        .collect();
    merkleize_chunks(&chunks, chunks.len())
}

/// `mix_in_length(root, length)` of the SSZ spec.
pub fn mix_in_length(root: &[u8; 32], length: usize) -> [u8; 32] {
    let mut len_chunk = [0u8; 32];
    len_chunk[..8].copy_from_slice(&(length as u64).to_le_bytes());
    hash_pair(root, &len_chunk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_hashes_chain() {
        assert_eq!(zero_hash(0), [0u8; 32]);
        assert_eq!(zero_hash(1), hash_pair(&[0u8; 32], &[0u8; 32]));
        assert_eq!(zero_hash(2), hash_pair(&zero_hash(1), &zero_hash(1)));
    }

    #[test]
    fn merkleize_matches_manual_tree() {
        let a = [1u8; 32];
        let b = [2u8; 32];
        let c = [3u8; 32];
        let expected = hash_pair(&hash_pair(&a, &b), &hash_pair(&c, &[0u8; 32]));
        assert_eq!(merkleize_chunks(&[a, b, c], 3), expected);
        // A limit widens the tree with zero subtrees.
        let wide = hash_pair(&expected, &zero_hash(2));
        assert_eq!(merkleize_chunks(&[a, b, c], 8), wide);
        assert_eq!(merkleize_chunks(&[], 8), zero_hash(3));
    }
}
