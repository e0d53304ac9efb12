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

/// Deepest tree supported: SSZ limits are `u64`, so no tree is deeper than 64.
pub const MAX_DEPTH: usize = 64;

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
    let depth = depth_for_limit(limit.max(leaves.len()));
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
///
/// Roots, keys and signatures (1 to 3 chunks) are hashed inside every validator,
/// builder and header root, so up to 4 chunks are reduced on the stack, allocation-free.
pub fn merkleize_packed_bytes(bytes: &[u8]) -> [u8; 32] {
    const STACK_CHUNKS: usize = 4;
    if bytes.len() > STACK_CHUNKS * CHUNK {
        let chunks: Vec<[u8; 32]> = bytes.chunks(CHUNK).map(pad_chunk).collect();
        return merkleize_chunks(&chunks, chunks.len());
    }
    let mut layer = [[0u8; 32]; STACK_CHUNKS];
    let mut width: usize = 0;
    for (slot, chunk) in layer.iter_mut().zip(bytes.chunks(CHUNK)) {
        *slot = pad_chunk(chunk);
        width += 1;
    }
    // Pairwise reduction; the zero chunks past `width` pad each level with zero_hash(level)
    // only where SSZ pads (a layer of odd width gets one virtual zero node on the right).
    let mut level = 0;
    while width > 1 {
        for i in 0..width.div_ceil(2) {
            let right = if 2 * i + 1 < width {
                layer[2 * i + 1]
            } else {
                zero_hash(level)
            };
            layer[i] = hash_pair(&layer[2 * i], &right);
        }
        width = width.div_ceil(2);
        level += 1;
    }
    layer[0]
}

fn pad_chunk(bytes: &[u8]) -> [u8; 32] {
    let mut chunk = [0u8; 32];
    let len = bytes.len().min(CHUNK);
    chunk[..len].copy_from_slice(&bytes[..len]);
    chunk
}

/// `mix_in_length(root, length)` of the SSZ spec.
pub fn mix_in_length(root: &[u8; 32], length: usize) -> [u8; 32] {
    let mut len_chunk = [0u8; 32];
    len_chunk[..8].copy_from_slice(&(length as u64).to_le_bytes());
    hash_pair(root, &len_chunk)
}

/// Depth of the tree SSZ builds over at most `limit` chunks: `log2` of
/// `limit.next_power_of_two()`, with a limit of 0 or 1 giving a single leaf (depth 0).
///
/// Computed without `next_power_of_two`, which overflows (and panics in debug builds)
/// for limits above `2^63`; depths past [`MAX_DEPTH`] are clamped like [`zero_hash`].
pub fn depth_for_limit(limit: usize) -> usize {
    if limit <= 1 {
        return 0;
    }
    let depth = (usize::BITS - (limit - 1).leading_zeros()) as usize;
    depth.min(MAX_DEPTH)
}

/// A Merkle tree over at most `2^depth` leaves that keeps every node of its filled part,
/// so that changing a few leaves rehashes a few paths instead of the whole tree.
///
/// Layer 0 holds the leaves; layer `k` holds `ceil(len / 2^k)` nodes, and the top layer
/// (`k == depth`) holds the root once there is at least one leaf. Nodes to the right of
/// the filled part are never stored: their value is the zero-subtree root of their
/// level, exactly the virtual padding SSZ defines. A list of 100 leaves under a limit of
/// `2^20` therefore stores about 200 nodes, not two million.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MerkleTree {
    /// `layers[0]` are the leaves, `layers[depth]` the root (when not empty).
    layers: Vec<Vec<[u8; 32]>>,
}

impl MerkleTree {
    /// Builds the tree over `leaves` from scratch (`leaves.len()` must be at most
    /// `2^depth`, which the callers guarantee by checking their SSZ limit first).
    pub(crate) fn build(depth: usize, leaves: Vec<[u8; 32]>) -> Self {
        let depth = depth.min(MAX_DEPTH);
        let mut layers = Vec::with_capacity(depth + 1);
        layers.push(leaves);
        for level in 0..depth {
            let below = &layers[level];
            let mut next = Vec::with_capacity(below.len().div_ceil(2));
            for pair in below.chunks(2) {
                let right = pair.get(1).copied().unwrap_or_else(|| zero_hash(level));
                next.push(hash_pair(&pair[0], &right));
            }
            layers.push(next);
        }
        Self { layers }
    }

    /// Number of leaves currently stored (the filled part of the bottom layer).
    pub(crate) fn len(&self) -> usize {
        self.layers.first().map_or(0, Vec::len)
    }

    fn depth(&self) -> usize {
        self.layers.len().saturating_sub(1)
    }

    /// The tree's root: the stored top node, or the zero-subtree root when empty.
    pub(crate) fn root(&self) -> [u8; 32] {
        self.layers
            .last()
            .and_then(|top| top.first())
            .copied()
            .unwrap_or_else(|| zero_hash(self.depth()))
    }

    /// Resizes the tree to `len` leaves, recomputes the leaves listed in `touched` with
    /// `leaf` and rehashes the paths above the leaves whose value actually changed.
    ///
    /// `touched` must be ascending and contain every leaf whose value may differ from
    /// the stored one, including all leaves at or past the old length; indices at or
    /// past `len` are ignored. A leaf recomputed to its old value costs no hashing, so
    /// callers may over-approximate. When the tree shrinks, the nodes on the new right
    /// edge are rehashed too (their right-hand subtrees became zero). On error the tree
    /// is partly updated and must be discarded.
    pub(crate) fn update<E>(
        &mut self,
        len: usize,
        touched: &[usize],
        mut leaf: impl FnMut(usize) -> Result<[u8; 32], E>,
    ) -> Result<(), E> {
        let old_len = self.len();
        let mut width = len;
        for layer in &mut self.layers {
            layer.resize(width, [0u8; 32]);
            width = width.div_ceil(2);
        }
        let mut changed: Vec<usize> = Vec::with_capacity(touched.len() + 1);
        for &index in touched {
            if index >= len {
                break;
            }
            let value = leaf(index)?;
            let slot = &mut self.layers[0][index];
            if index >= old_len || *slot != value {
                *slot = value;
                changed.push(index);
            }
        }
        if len < old_len && len > 0 && changed.last() != Some(&(len - 1)) {
            changed.push(len - 1);
        }
        self.rehash_paths(changed);
        Ok(())
    }

    /// Recomputes every ancestor of the (ascending, distinct) leaves in `nodes`.
    fn rehash_paths(&mut self, mut nodes: Vec<usize>) {
        for level in 0..self.depth() {
            if nodes.is_empty() {
                return;
            }
            let mut parents: Vec<usize> = Vec::with_capacity(nodes.len());
            for &node in &nodes {
                let parent = node / 2;
                if parents.last() != Some(&parent) {
                    parents.push(parent);
                }
            }
            let (below, above) = self.layers.split_at_mut(level + 1);
            let (below, above) = (&below[level], &mut above[0]);
            for &parent in &parents {
                let left = below[2 * parent];
                let right = below
                    .get(2 * parent + 1)
                    .copied()
                    .unwrap_or_else(|| zero_hash(level));
                above[parent] = hash_pair(&left, &right);
            }
            nodes = parents;
        }
    }
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

    #[test]
    fn packed_bytes_on_the_stack_match_the_general_merkleization() {
        for len in [0usize, 1, 4, 31, 32, 33, 48, 64, 65, 96, 128, 129, 200] {
            let bytes: Vec<u8> = (0..len).map(|i| i as u8 ^ 0x5a).collect();
            let chunks: Vec<[u8; 32]> = bytes.chunks(CHUNK).map(pad_chunk).collect();
            assert_eq!(
                merkleize_packed_bytes(&bytes),
                merkleize_chunks(&chunks, chunks.len()),
                "{len} bytes"
            );
        }
    }

    #[test]
    fn tree_updates_match_rebuilds() {
        let leaf = |i: usize, salt: u8| {
            let mut chunk = [salt; 32];
            chunk[..8].copy_from_slice(&(i as u64).to_le_bytes());
            chunk
        };
        let mut tree = MerkleTree::build(5, (0..9).map(|i| leaf(i, 0)).collect());
        assert_eq!(
            tree.root(),
            merkleize_chunks(&(0..9).map(|i| leaf(i, 0)).collect::<Vec<_>>(), 32)
        );
        // Grow to 13 leaves, changing leaf 2 on the way.
        let grown: Vec<[u8; 32]> = (0..13)
            .map(|i| leaf(i, if i == 2 { 1 } else { 0 }))
            .collect();
        tree.update(13, &[2, 9, 10, 11, 12], |i| Ok::<_, ()>(grown[i]))
            .unwrap();
        assert_eq!(tree.root(), merkleize_chunks(&grown, 32));
        // Shrink to 4: the new right edge is rehashed without touching any leaf.
        tree.update(4, &[], |i| Ok::<_, ()>(grown[i])).unwrap();
        assert_eq!(tree.root(), merkleize_chunks(&grown[..4], 32));
        tree.update(0, &[], |i| Ok::<_, ()>(grown[i])).unwrap();
        assert_eq!(tree.root(), zero_hash(5));
        assert_eq!(depth_for_limit(0), 0);
        assert_eq!(depth_for_limit(1), 0);
        assert_eq!(depth_for_limit(5), 3);
        assert_eq!(depth_for_limit(1 << 20), 20);
        assert_eq!(depth_for_limit(usize::MAX), 64);
    }
}
