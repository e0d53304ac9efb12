//! `CachedList` and `CachedVector`: SSZ `List[T, N]` and `Vector[T, N]` that keep their
//! Merkle tree between two roots.
//!
//! ssz_rs recomputes a collection's whole tree on every `hash_tree_root`. The state
//! transition hashes the state several times per slot, and most of the state is a few
//! large collections of which a block changes a handful of elements (128 builders out of
//! 100,000). These types keep the tree inside the collection and record which elements
//! were written since the last root, so a root costs the changed leaves and their paths.
//!
//! How the cache stays correct: reading is free (`Deref<Target = [T]>`, `Index`, `iter`,
//! `get`), and every way to write an element goes through a method that records it
//! (`IndexMut`, `get_mut`, `set`, `push`, `pop`, `truncate`, `clear`, `iter_mut`). There is
//! no `DerefMut`, so no write can bypass the record. Decoding (SSZ or serde) and
//! conversions from a `Vec` start without a tree; it is built on the first root.
//! Equality, `Debug`, serde and SSZ encodings ignore the cache; `Clone` copies it (it
//! stays valid for the copy).
//!
//! Elements are laid out as ssz_rs lays them out: composite elements (containers,
//! lists, byte vectors) contribute their own root as a leaf; basic elements (`u8`, `u64`,
//! `bool`) are packed several to a 32-byte chunk. Roots are byte-identical to ssz_rs's
//! `List`/`Vector` (property-tested in `tests/cached_collections.rs`). Collections of
//! variable-size elements decode with the checked decoder of [`VarList`](super::VarList).

use super::merkle::{CHUNK, MerkleTree, depth_for_limit, mix_in_length};
use super::var_list::{decode_variable_elements, encode_variable_elements};
use ssz_rs::prelude::*;
use std::ops::{Deref, Index, IndexMut};
use std::slice::SliceIndex;

/// Below this many recorded writes a collection always keeps the list of written
/// indices; above it (and above its length) it just recomputes every leaf, which bounds
/// the record's memory when one element is written over and over.
const MIN_DIRTY_RECORD: usize = 64;

/// The tree of one collection and what changed since it was last brought up to date.
#[derive(Clone, Default)]
struct TreeCache {
    /// `None` until the first root, and after anything that replaces all elements.
    tree: Option<MerkleTree>,
    /// Element indices written since the last root: unsorted, possibly repeated, possibly
    /// past the current length (after a truncation).
    dirty: Vec<usize>,
    /// Every element may have been written (`iter_mut`, or too many writes to record):
    /// recompute every leaf, but rehash only the paths above leaves whose value changed.
    all_dirty: bool,
    /// A list's last `(data root, length, mix_in_length(data root, length))`, so that an
    /// unchanged list costs no hashing at all.
    mixed: Option<([u8; 32], usize, [u8; 32])>,
}

impl TreeCache {
    fn touch(&mut self, index: usize, len: usize) {
        if self.tree.is_none() || self.all_dirty {
            return;
        }
        if self.dirty.len() >= len.max(MIN_DIRTY_RECORD) {
            self.touch_all();
        } else {
            self.dirty.push(index);
        }
    }

    fn touch_all(&mut self) {
        if self.tree.is_some() {
            self.all_dirty = true;
            self.dirty = Vec::new();
        }
    }

    fn invalidate(&mut self) {
        *self = Self::default();
    }

    /// Root of the tree over `items` under a limit of `limit` elements, bringing the
    /// tree up to date with the recorded writes.
    fn data_root<T: SimpleSerialize>(
        &mut self,
        items: &mut [T],
        limit: usize,
    ) -> Result<[u8; 32], MerkleizationError> {
        let layout = Layout::of::<T>();
        let depth = depth_for_limit(layout.chunks(limit));
        let leaves = layout.chunks(items.len());
        if let Some(tree) = &self.tree
            && !self.all_dirty
            && self.dirty.is_empty()
            && tree.len() == leaves
        {
            return Ok(tree.root());
        }
        let mut scratch = Vec::new();
        let updated = match self.tree.as_mut() {
            None => (0..leaves)
                .map(|chunk| layout.leaf(items, chunk, &mut scratch))
                .collect::<Result<Vec<_>, _>>()
                .map(|leaves| {
                    self.tree = Some(MerkleTree::build(depth, leaves));
                }),
            Some(tree) => {
                let touched: Vec<usize> = if self.all_dirty {
                    (0..leaves).collect()
                } else {
                    let mut touched: Vec<usize> = Vec::with_capacity(self.dirty.len());
                    for &index in &self.dirty {
                        touched.extend(layout.chunks_of(index));
                    }
                    touched.extend(tree.len()..leaves);
                    touched.sort_unstable();
                    touched.dedup();
                    touched
                };
                tree.update(leaves, &touched, |chunk| {
                    layout.leaf(items, chunk, &mut scratch)
                })
            }
        };
        if let Err(error) = updated {
            self.invalidate();
            return Err(error);
        }
        self.dirty.clear();
        self.all_dirty = false;
        Ok(self.tree.as_ref().map_or([0u8; 32], MerkleTree::root))
    }

    /// `mix_in_length(data_root, len)`, reusing the last one when neither changed.
    fn mix_in_length(&mut self, data_root: [u8; 32], len: usize) -> [u8; 32] {
        match self.mixed {
            Some((root, length, mixed)) if root == data_root && length == len => mixed,
            _ => {
                let mixed = mix_in_length(&data_root, len);
                self.mixed = Some((data_root, len, mixed));
                mixed
            }
        }
    }
}

/// How elements become leaves (the SSZ rule ssz_rs follows with `is_composite_type`).
#[derive(Clone, Copy)]
enum Layout {
    /// One leaf per element: the element's own root.
    Composite,
    /// Elements serialized back to back and cut into 32-byte chunks (zero-padded).
    Packed { size: usize },
}

impl Layout {
    fn of<T: SimpleSerialize>() -> Self {
        if T::is_composite_type() {
            Self::Composite
        } else {
            // Every SSZ basic type has a size of 1 to 32 bytes; `max` only keeps the
            // arithmetic below total.
            Self::Packed {
                size: T::size_hint().max(1),
            }
        }
    }

    /// Number of leaves for `count` elements.
    fn chunks(self, count: usize) -> usize {
        match self {
            Self::Composite => count,
            Self::Packed { size } => {
                let bytes = count as u128 * size as u128;
                usize::try_from(bytes.div_ceil(CHUNK as u128)).unwrap_or(usize::MAX)
            }
        }
    }

    /// The leaves element `index` lies in.
    fn chunks_of(self, index: usize) -> std::ops::RangeInclusive<usize> {
        match self {
            Self::Composite => index..=index,
            Self::Packed { size } => {
                let start = index.saturating_mul(size);
                let end = start.saturating_add(size - 1);
                start / CHUNK..=end / CHUNK
            }
        }
    }

    /// Computes leaf `chunk` (which must be below `self.chunks(items.len())`).
    fn leaf<T: SimpleSerialize>(
        self,
        items: &mut [T],
        chunk: usize,
        scratch: &mut Vec<u8>,
    ) -> Result<[u8; 32], MerkleizationError> {
        match self {
            Self::Composite => match items.get_mut(chunk) {
                Some(item) => Ok(node_bytes(&item.hash_tree_root()?)),
                None => Err(MerkleizationError::InputExceedsLimit(items.len())),
            },
            Self::Packed { size } => {
                let start = chunk.saturating_mul(CHUNK);
                let end = start
                    .saturating_add(CHUNK)
                    .min(items.len().saturating_mul(size));
                let first = start / size;
                let last = end.div_ceil(size).min(items.len());
                scratch.clear();
                for item in items.get(first..last).unwrap_or_default() {
                    item.serialize(scratch)?;
                }
                let skip = start - first * size;
                let bytes = scratch.get(skip..).unwrap_or_default();
                let take = bytes.len().min(end.saturating_sub(start));
                let mut out = [0u8; 32];
                out[..take].copy_from_slice(&bytes[..take]);
                Ok(out)
            }
        }
    }
}

fn node_bytes(node: &Node) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(node.as_ref());
    out
}

fn to_node(root: [u8; 32]) -> Node {
    let mut node = Node::default();
    node.as_mut().copy_from_slice(&root);
    node
}

/// Encodes elements as SSZ lays out a homogeneous collection: back to back for
/// fixed-size elements, behind an offset table for variable-size ones.
fn encode_elements<T: SimpleSerialize>(
    items: &[T],
    buffer: &mut Vec<u8>,
) -> Result<usize, SerializeError> {
    if T::is_variable_size() {
        return encode_variable_elements(items, buffer);
    }
    let start = buffer.len();
    for item in items {
        item.serialize(buffer)?;
    }
    Ok(buffer.len() - start)
}

/// Decodes at most `max_count` elements, checking the count before decoding any.
fn decode_elements<T: SimpleSerialize>(
    encoding: &[u8],
    max_count: usize,
) -> Result<Vec<T>, DeserializeError> {
    if T::is_variable_size() {
        return decode_variable_elements(encoding, max_count);
    }
    let size = T::size_hint();
    if size == 0 {
        // No SSZ type is fixed-size and empty; refuse rather than divide by zero.
        return match encoding.len() {
            0 => Ok(Vec::new()),
            provided => Err(DeserializeError::AdditionalInput {
                provided,
                expected: 0,
            }),
        };
    }
    let remainder = encoding.len() % size;
    if remainder != 0 {
        return Err(DeserializeError::AdditionalInput {
            provided: encoding.len(),
            expected: encoding.len() - remainder,
        });
    }
    let count = encoding.len() / size;
    if count > max_count {
        return Err(InstanceError::Bounded {
            bound: max_count,
            provided: count,
        }
        .into());
    }
    encoding.chunks_exact(size).map(T::deserialize).collect()
}

/// Read access, recorded write access, equality and serde shared by both collections.
macro_rules! cached_collection_common {
    ($name:ident) => {
        impl<T, const N: usize> $name<T, N> {
            /// The elements, for reading.
            pub fn as_slice(&self) -> &[T] {
                &self.items
            }

            /// Mutable access to element `index`, recorded as a write.
            pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
                let len = self.items.len();
                let item = self.items.get_mut(index)?;
                self.cache.touch(index, len);
                Some(item)
            }

            /// Replaces element `index` and returns the old value, or gives `value` back
            /// if `index` is out of bounds.
            pub fn set(&mut self, index: usize, value: T) -> Result<T, T> {
                match self.get_mut(index) {
                    Some(slot) => Ok(std::mem::replace(slot, value)),
                    None => Err(value),
                }
            }

            /// Mutable iteration over every element. The next root recomputes every
            /// leaf (rehashing only the paths above leaves that changed), so prefer
            /// `get_mut` or indexing when only a few elements change.
            pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
                self.cache.touch_all();
                self.items.iter_mut()
            }

            /// Discards the Merkle tree (freeing its memory); the next root rebuilds it.
            pub fn drop_cache(&mut self) {
                self.cache.invalidate();
            }

            /// The elements, giving up the tree (e.g. to rebuild the collection).
            pub fn into_vec(self) -> Vec<T> {
                self.items
            }
        }

        impl<T, const N: usize> Deref for $name<T, N> {
            type Target = [T];
            fn deref(&self) -> &[T] {
                &self.items
            }
        }

        impl<T, const N: usize> AsRef<[T]> for $name<T, N> {
            fn as_ref(&self) -> &[T] {
                &self.items
            }
        }

        impl<T, I: SliceIndex<[T]>, const N: usize> Index<I> for $name<T, N> {
            type Output = I::Output;
            fn index(&self, index: I) -> &I::Output {
                &self.items[index]
            }
        }

        /// Writing through an index records the element as changed (and, like slice
        /// indexing, panics on an index out of bounds: a caller bug, not an input).
        impl<T, const N: usize> IndexMut<usize> for $name<T, N> {
            fn index_mut(&mut self, index: usize) -> &mut T {
                self.cache.touch(index, self.items.len());
                &mut self.items[index]
            }
        }

        impl<'a, T, const N: usize> IntoIterator for &'a $name<T, N> {
            type Item = &'a T;
            type IntoIter = std::slice::Iter<'a, T>;
            fn into_iter(self) -> Self::IntoIter {
                self.items.iter()
            }
        }

        impl<T: PartialEq, const N: usize> PartialEq for $name<T, N> {
            fn eq(&self, other: &Self) -> bool {
                self.items == other.items
            }
        }

        impl<T: Eq, const N: usize> Eq for $name<T, N> {}

        impl<T: std::fmt::Debug, const N: usize> std::fmt::Debug for $name<T, N> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.items.fmt(f)
            }
        }

        impl<T: serde::Serialize, const N: usize> serde::Serialize for $name<T, N> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.items.serialize(s)
            }
        }

        impl<'de, T: serde::Deserialize<'de>, const N: usize> serde::Deserialize<'de>
            for $name<T, N>
        {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let items = Vec::<T>::deserialize(d)?;
                let len = items.len();
                Self::try_from(items).map_err(|_| {
                    serde::de::Error::custom(format!(
                        "{} of {len} elements does not fit {}",
                        stringify!($name),
                        N
                    ))
                })
            }
        }

        impl<T: SimpleSerialize, const N: usize> SimpleSerialize for $name<T, N> {}
    };
}

/// SSZ `List[T, N]` that keeps its Merkle tree; see the [module docs](self).
#[derive(Clone)]
pub struct CachedList<T, const N: usize> {
    items: Vec<T>,
    cache: TreeCache,
}

cached_collection_common!(CachedList);

impl<T, const N: usize> CachedList<T, N> {
    /// The list's SSZ length limit.
    pub const LIMIT: usize = N;

    /// An empty list (its tree is built on the first root).
    pub fn new() -> Self {
        Self {
            items: Vec::new(),
            cache: TreeCache::default(),
        }
    }

    /// Appends `item`, or gives it back if the list is already at its limit.
    pub fn push(&mut self, item: T) -> Result<(), T> {
        let len = self.items.len();
        if len >= N {
            return Err(item);
        }
        self.cache.touch(len, len + 1);
        self.items.push(item);
        Ok(())
    }

    /// Removes and returns the last element, recording the shrink.
    pub fn pop(&mut self) -> Option<T> {
        let item = self.items.pop()?;
        self.touch_new_end();
        Some(item)
    }

    /// Shortens the list to `len` elements (no-op if it is not longer).
    pub fn truncate(&mut self, len: usize) {
        if len < self.items.len() {
            self.items.truncate(len);
            self.touch_new_end();
        }
    }

    /// Empties the list and drops its tree (the empty root needs none).
    pub fn clear(&mut self) {
        self.items.clear();
        self.cache.invalidate();
    }

    /// After a shrink, the last remaining element's chunk may have lost packed
    /// neighbours, so it is recorded as written.
    fn touch_new_end(&mut self) {
        if let Some(last) = self.items.len().checked_sub(1) {
            self.cache.touch(last, self.items.len());
        }
    }
}

impl<T, const N: usize> Default for CachedList<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize> TryFrom<Vec<T>> for CachedList<T, N> {
    type Error = Vec<T>;
    /// Fails (giving the elements back) when there are more than `N`.
    fn try_from(items: Vec<T>) -> Result<Self, Vec<T>> {
        if items.len() > N {
            return Err(items);
        }
        Ok(Self {
            items,
            cache: TreeCache::default(),
        })
    }
}

impl<T: SimpleSerialize, const N: usize> ssz_rs::Sized for CachedList<T, N> {
    fn is_variable_size() -> bool {
        true
    }
    fn size_hint() -> usize {
        0
    }
}

impl<T: SimpleSerialize, const N: usize> ssz_rs::Serialize for CachedList<T, N> {
    fn serialize(&self, buffer: &mut Vec<u8>) -> Result<usize, SerializeError> {
        if self.items.len() > N {
            return Err(InstanceError::Bounded {
                bound: N,
                provided: self.items.len(),
            }
            .into());
        }
        encode_elements(&self.items, buffer)
    }
}

impl<T: SimpleSerialize, const N: usize> ssz_rs::Deserialize for CachedList<T, N> {
    fn deserialize(encoding: &[u8]) -> Result<Self, DeserializeError> {
        Ok(Self {
            items: decode_elements(encoding, N)?,
            cache: TreeCache::default(),
        })
    }
}

impl<T: SimpleSerialize, const N: usize> Merkleized for CachedList<T, N> {
    fn hash_tree_root(&mut self) -> Result<Node, MerkleizationError> {
        if self.items.len() > N {
            return Err(MerkleizationError::InputExceedsLimit(N));
        }
        let root = self.cache.data_root(&mut self.items, N)?;
        Ok(to_node(self.cache.mix_in_length(root, self.items.len())))
    }
}

/// SSZ `Vector[T, N]` that keeps its Merkle tree; see the [module docs](self).
#[derive(Clone)]
pub struct CachedVector<T, const N: usize> {
    items: Vec<T>,
    cache: TreeCache,
}

cached_collection_common!(CachedVector);

impl<T, const N: usize> CachedVector<T, N> {
    /// The vector's SSZ length.
    pub const LEN: usize = N;
}

impl<T: Default, const N: usize> Default for CachedVector<T, N> {
    fn default() -> Self {
        Self {
            items: (0..N).map(|_| T::default()).collect(),
            cache: TreeCache::default(),
        }
    }
}

impl<T, const N: usize> TryFrom<Vec<T>> for CachedVector<T, N> {
    type Error = Vec<T>;
    /// Fails (giving the elements back) unless there are exactly `N`.
    fn try_from(items: Vec<T>) -> Result<Self, Vec<T>> {
        if items.len() != N {
            return Err(items);
        }
        Ok(Self {
            items,
            cache: TreeCache::default(),
        })
    }
}

impl<T: SimpleSerialize, const N: usize> ssz_rs::Sized for CachedVector<T, N> {
    fn is_variable_size() -> bool {
        T::is_variable_size()
    }
    fn size_hint() -> usize {
        T::size_hint().saturating_mul(N)
    }
}

impl<T: SimpleSerialize, const N: usize> ssz_rs::Serialize for CachedVector<T, N> {
    fn serialize(&self, buffer: &mut Vec<u8>) -> Result<usize, SerializeError> {
        if self.items.len() != N {
            return Err(InstanceError::Exact {
                required: N,
                provided: self.items.len(),
            }
            .into());
        }
        encode_elements(&self.items, buffer)
    }
}

impl<T: SimpleSerialize, const N: usize> ssz_rs::Deserialize for CachedVector<T, N> {
    fn deserialize(encoding: &[u8]) -> Result<Self, DeserializeError> {
        if !T::is_variable_size() {
            let expected = T::size_hint().saturating_mul(N);
            if encoding.len() < expected {
                return Err(DeserializeError::ExpectedFurtherInput {
                    provided: encoding.len(),
                    expected,
                });
            }
            if encoding.len() > expected {
                return Err(DeserializeError::AdditionalInput {
                    provided: encoding.len(),
                    expected,
                });
            }
        }
        let items = decode_elements(encoding, N)?;
        if items.len() != N {
            return Err(InstanceError::Exact {
                required: N,
                provided: items.len(),
            }
            .into());
        }
        Ok(Self {
            items,
            cache: TreeCache::default(),
        })
    }
}

impl<T: SimpleSerialize, const N: usize> Merkleized for CachedVector<T, N> {
    fn hash_tree_root(&mut self) -> Result<Node, MerkleizationError> {
        if self.items.len() != N {
            return Err(MerkleizationError::InputExceedsLimit(N));
        }
        Ok(to_node(self.cache.data_root(&mut self.items, N)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root<T: Merkleized>(value: &mut T) -> Node {
        value.hash_tree_root().unwrap()
    }

    #[test]
    fn packed_u64_list_tracks_pushes_and_writes() {
        let mut ours: CachedList<u64, 100> = CachedList::new();
        let mut reference: List<u64, 100> = List::default();
        for i in 0..10u64 {
            ours.push(i * 7).unwrap();
            reference.push(i * 7);
            assert_eq!(root(&mut ours), root(&mut reference));
        }
        ours[3] = 99;
        reference[3] = 99;
        assert_eq!(root(&mut ours), root(&mut reference));
        ours.truncate(5);
        let mut reference: List<u64, 100> = reference[..5].to_vec().try_into().unwrap();
        assert_eq!(root(&mut ours), root(&mut reference));
    }

    #[test]
    fn push_refuses_past_the_limit() {
        let mut list: CachedList<u8, 2> = CachedList::new();
        assert_eq!(list.push(1), Ok(()));
        assert_eq!(list.push(2), Ok(()));
        assert_eq!(list.push(3), Err(3));
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn equality_and_debug_ignore_the_cache() {
        let mut warm: CachedVector<u64, 4> = vec![1, 2, 3, 4].try_into().unwrap();
        let cold = warm.clone();
        root(&mut warm);
        assert_eq!(warm, cold);
        assert_eq!(format!("{warm:?}"), "[1, 2, 3, 4]");
    }

    #[test]
    fn leaf_arithmetic_covers_partial_chunks() {
        let layout = Layout::Packed { size: 8 };
        assert_eq!(layout.chunks(0), 0);
        assert_eq!(layout.chunks(4), 1);
        assert_eq!(layout.chunks(5), 2);
        assert_eq!(layout.chunks_of(4), 1..=1);
        assert_eq!(
            Layout::Packed { size: 1 }.chunks(usize::MAX),
            usize::MAX / 32 + 1
        );
        assert_eq!(Layout::Composite.chunks_of(9), 9..=9);
    }
}
