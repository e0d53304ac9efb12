//! `VarList`: an SSZ list of variable-size elements with a decoder that checks every offset
//! (shared with the cached collections of the state).
//!
//! ssz_rs 0.9 slices its input with offsets taken from that input without checking
//! them against the input's length, so a hostile list of variable-size elements (a
//! block's attestations, a payload's transactions) could make it panic. Every list of
//! variable-size elements in etn uses this type instead, which rejects such input
//! with an error. Encoding and roots are exactly those of SSZ `List[T, N]`.

use super::merkle::{merkleize_chunks, mix_in_length};
use ssz_rs::prelude::*;
use std::ops::Deref;

const OFFSET_BYTES: usize = 4;

#[derive(Clone, PartialEq, Eq)]
pub struct VarList<T, const N: usize> {
    items: Vec<T>,
}

impl<T, const N: usize> VarList<T, N> {
    /// The list's SSZ length limit.
    pub const LIMIT: usize = N;

    /// Appends `item`, refusing to grow past the limit.
    pub fn push(&mut self, item: T) -> Result<(), T> {
        if self.items.len() >= N {
            return Err(item);
        }
        self.items.push(item);
        Ok(())
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    pub fn into_vec(self) -> Vec<T> {
        self.items
    }
}

impl<T, const N: usize> Default for VarList<T, N> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

impl<T: std::fmt::Debug, const N: usize> std::fmt::Debug for VarList<T, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.items.fmt(f)
    }
}

impl<T, const N: usize> Deref for VarList<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T, const N: usize> TryFrom<Vec<T>> for VarList<T, N> {
    type Error = Vec<T>;
    fn try_from(items: Vec<T>) -> Result<Self, Vec<T>> {
        if items.len() > N {
            return Err(items);
        }
        Ok(Self { items })
    }
}

impl<T: serde::Serialize, const N: usize> serde::Serialize for VarList<T, N> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(s)
    }
}

impl<'de, T: serde::Deserialize<'de>, const N: usize> serde::Deserialize<'de> for VarList<T, N> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(d)?;
        let len = items.len();
        Self::try_from(items)
            .map_err(|_| serde::de::Error::custom(format!("list of {len} exceeds limit {N}")))
    }
}

impl<T: SimpleSerialize, const N: usize> ssz_rs::Sized for VarList<T, N> {
    fn is_variable_size() -> bool {
        true
    }
    fn size_hint() -> usize {
        0
    }
}

impl<T: SimpleSerialize, const N: usize> ssz_rs::Serialize for VarList<T, N> {
    fn serialize(&self, buffer: &mut Vec<u8>) -> Result<usize, SerializeError> {
        if self.items.len() > N {
            return Err(InstanceError::Bounded {
                bound: N,
                provided: self.items.len(),
            }
            .into());
        }
        encode_variable_elements(&self.items, buffer)
    }
}

fn read_offset(encoding: &[u8], at: usize) -> Result<usize, DeserializeError> {
    let bytes =
        encoding
            .get(at..at + OFFSET_BYTES)
            .ok_or(DeserializeError::ExpectedFurtherInput {
                provided: encoding.len(),
                expected: at + OFFSET_BYTES,
            })?;
    let mut word = [0u8; OFFSET_BYTES];
    word.copy_from_slice(bytes);
    Ok(u32::from_le_bytes(word) as usize)
}

/// Decodes the body of a list or vector of variable-size elements: a table of 4-byte
/// offsets followed by the elements, checking every offset against the input.
pub(super) fn decode_variable_elements<T: SimpleSerialize>(
    encoding: &[u8],
    max_count: usize,
) -> Result<Vec<T>, DeserializeError> {
    {
        if encoding.is_empty() {
            return Ok(Vec::new());
        }
        let first = read_offset(encoding, 0)?;
        if first == 0 || first % OFFSET_BYTES != 0 {
            return Err(DeserializeError::InvalidOffsetsLength(first));
        }
        if first > encoding.len() {
            return Err(DeserializeError::ExpectedFurtherInput {
                provided: encoding.len(),
                expected: first,
            });
        }
        let count = first / OFFSET_BYTES;
        if count > max_count {
            return Err(InstanceError::Bounded {
                bound: max_count,
                provided: count,
            }
            .into());
        }
        let mut offsets = Vec::with_capacity(count + 1);
        for i in 0..count {
            let offset = read_offset(encoding, i * OFFSET_BYTES)?;
            if offset > encoding.len() {
                return Err(DeserializeError::ExpectedFurtherInput {
                    provided: encoding.len(),
                    expected: offset,
                });
            }
            if let Some(&previous) = offsets.last()
                && offset < previous
            {
                return Err(DeserializeError::OffsetNotIncreasing {
                    start: previous,
                    end: offset,
                });
            }
            offsets.push(offset);
        }
        offsets.push(encoding.len());
        let mut items = Vec::with_capacity(count);
        for span in offsets.windows(2) {
            items.push(T::deserialize(&encoding[span[0]..span[1]])?);
        }
        Ok(items)
    }
}

/// Encodes elements of a variable-size type as an offset table plus bodies.
pub(super) fn encode_variable_elements<T: SimpleSerialize>(
    items: &[T],
    buffer: &mut Vec<u8>,
) -> Result<usize, SerializeError> {
    let start = buffer.len();
    let mut bodies = Vec::with_capacity(items.len());
    for item in items {
        let mut body = Vec::new();
        item.serialize(&mut body)?;
        bodies.push(body);
    }
    let mut offset = items.len() * OFFSET_BYTES;
    for body in &bodies {
        let as_u32 = u32::try_from(offset)
            .map_err(|_| SerializeError::MaximumEncodedLengthReached(offset))?;
        buffer.extend_from_slice(&as_u32.to_le_bytes());
        offset += body.len();
    }
    for body in bodies {
        buffer.extend_from_slice(&body);
    }
    Ok(buffer.len() - start)
}

fn element_roots<T: SimpleSerialize>(items: &mut [T]) -> Result<Vec<[u8; 32]>, MerkleizationError> {
    let mut leaves = Vec::with_capacity(items.len());
    for item in items {
        let root = item.hash_tree_root()?;
        let mut leaf = [0u8; 32];
        leaf.copy_from_slice(root.as_ref());
        leaves.push(leaf);
    }
    Ok(leaves)
}

fn to_node(root: [u8; 32]) -> Node {
    Node::try_from(&root[..]).expect("a merkle root is 32 bytes")
}

impl<T: SimpleSerialize, const N: usize> ssz_rs::Deserialize for VarList<T, N> {
    fn deserialize(encoding: &[u8]) -> Result<Self, DeserializeError> {
        Ok(Self {
            items: decode_variable_elements(encoding, N)?,
        })
    }
}

impl<T: SimpleSerialize, const N: usize> ssz_rs::Merkleized for VarList<T, N> {
    fn hash_tree_root(&mut self) -> Result<Node, MerkleizationError> {
        let leaves = element_roots(&mut self.items)?;
        Ok(to_node(mix_in_length(
            &merkleize_chunks(&leaves, N),
            self.items.len(),
        )))
    }
}

impl<T: SimpleSerialize, const N: usize> SimpleSerialize for VarList<T, N> {}

/// SSZ `Vector[T, N]` of variable-size elements (the state's `ticket_rounds`).
///
/// It is a [`CachedVector`](super::CachedVector): the state hashes it every slot, so it
/// keeps its Merkle tree, and its decoder is the same checked one as [`VarList`]'s
/// (a `CachedVector` of variable-size elements never uses ssz_rs's unchecked decoder).
pub type VarVector<T, const N: usize> = super::CachedVector<T, N>;

#[cfg(test)]
mod tests {
    use super::*;

    type Blobs = VarList<List<u8, 16>, 4>;

    fn blob(bytes: &[u8]) -> List<u8, 16> {
        bytes.to_vec().try_into().unwrap()
    }

    #[test]
    fn matches_ssz_rs_list_encoding_and_root() {
        let items = vec![blob(&[1, 2, 3]), blob(&[]), blob(&[9])];
        let mut ours: Blobs = items.clone().try_into().unwrap();
        let mut reference: List<List<u8, 16>, 4> = items.try_into().unwrap();
        assert_eq!(serialize(&ours).unwrap(), serialize(&reference).unwrap());
        assert_eq!(
            ours.hash_tree_root().unwrap(),
            reference.hash_tree_root().unwrap()
        );
        let decoded = Blobs::deserialize(&serialize(&ours).unwrap()).unwrap();
        assert_eq!(decoded, ours);
    }

    #[test]
    fn offsets_past_the_end_are_errors_not_panics() {
        // Two offsets, the first pointing beyond the buffer.
        let bad = [8u8, 0, 0, 0, 200, 0, 0, 0, 1, 2];
        assert!(Blobs::deserialize(&bad).is_err());
        // Decreasing offsets.
        let bad = [8u8, 0, 0, 0, 4, 0, 0, 0];
        assert!(Blobs::deserialize(&bad).is_err());
        // More elements than the limit.
        let bad = [
            20u8, 0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0,
        ];
        assert!(Blobs::deserialize(&bad).is_err());
        // Truncated offset table.
        assert!(Blobs::deserialize(&[8u8, 0]).is_err());
    }

    #[test]
    fn var_vector_matches_ssz_rs_vector() {
        let items = vec![blob(&[1]), blob(&[2, 3]), blob(&[])];
        let mut ours: VarVector<List<u8, 16>, 3> = items.clone().try_into().unwrap();
        let mut reference: Vector<List<u8, 16>, 3> = items.try_into().unwrap();
        assert_eq!(serialize(&ours).unwrap(), serialize(&reference).unwrap());
        assert_eq!(
            ours.hash_tree_root().unwrap(),
            reference.hash_tree_root().unwrap()
        );
        let bytes = serialize(&ours).unwrap();
        assert_eq!(
            VarVector::<List<u8, 16>, 3>::deserialize(&bytes).unwrap(),
            ours
        );
        assert!(VarVector::<List<u8, 16>, 2>::deserialize(&bytes).is_err());
    }

    #[test]
    fn push_respects_limit() {
        let mut list: Blobs = VarList::default();
        for _ in 0..4 {
            list.push(blob(&[1])).unwrap();
        }
        assert!(list.push(blob(&[1])).is_err());
    }
}
