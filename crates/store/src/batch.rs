//! Batches of writes that are applied all together or not at all.

use crate::codec;
use crate::error::StoreError;
use crate::meta::ChainMeta;
use etn_types::{BeaconState, Root, SignedBeaconBlock};

/// One write, already in its on-disk form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    Put { key: Vec<u8>, value: Vec<u8> },
    Delete { key: Vec<u8> },
}

/// A set of writes that belong together (a block, its state and the pointers that now
/// name it), committed by [`ChainStore::commit`](crate::ChainStore::commit) atomically.
///
/// Values are encoded and compressed when they are added, not at commit: the batch then
/// owns bytes rather than a clone of the state, and the (comparatively slow) encoding
/// happens before the store's write lock is taken.
///
/// The builder methods cannot fail, so persistence code stays a straight line. If a
/// value cannot be encoded (an SSZ list grown past its limit), the batch remembers the
/// first such error and `commit` returns it *without writing anything*: a batch is
/// all-or-nothing even when one of its values is bad.
///
/// Ops apply in order; for the same key the last op wins (a put then a delete of one
/// root leaves it absent).
#[derive(Debug, Default)]
pub struct StoreBatch {
    ops: Vec<Op>,
    /// Builder calls made (a block or state put is two ops: value and index entry).
    len: usize,
    error: Option<StoreError>,
}

impl StoreBatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `block` under `root` (the caller's `hash_tree_root(block.message)`; the
    /// store does not hash, it only files).
    pub fn put_block(&mut self, root: Root, block: &SignedBeaconBlock) -> &mut Self {
        let value = codec::encode_compressed(|| format!("block {root}"), block);
        self.put_indexed(
            codec::block_key(&root),
            codec::block_index_key(&root),
            value,
        )
    }

    /// Stores `state` as the post-state of the block with root `block_root`.
    pub fn put_state(&mut self, block_root: Root, state: &BeaconState) -> &mut Self {
        let value = codec::encode_compressed(|| format!("state {block_root}"), state);
        self.put_indexed(
            codec::state_key(&block_root),
            codec::state_index_key(&block_root),
            value,
        )
    }

    /// Removes the block with `root`; removing a block that is not stored is a no-op.
    pub fn delete_block(&mut self, root: Root) -> &mut Self {
        self.delete_indexed(codec::block_key(&root), codec::block_index_key(&root))
    }

    /// Removes the post-state stored for `block_root`, if any.
    pub fn delete_state(&mut self, block_root: Root) -> &mut Self {
        self.delete_indexed(
            codec::state_key(&block_root),
            codec::state_index_key(&block_root),
        )
    }

    /// Replaces the chain's pointers.
    pub fn put_meta(&mut self, meta: &ChainMeta) -> &mut Self {
        let value = codec::encode_meta(meta);
        self.put(codec::META_KEY.to_vec(), value)
    }

    /// Replaces the fork-choice snapshot. The bytes are opaque to the store (fork choice
    /// owns its format); they are compressed like every large value.
    pub fn put_fork_choice(&mut self, snapshot: impl AsRef<[u8]>) -> &mut Self {
        let value = codec::compress(|| "fork-choice snapshot".into(), snapshot.as_ref());
        self.put(codec::FORK_CHOICE_KEY.to_vec(), value)
    }

    /// Number of ops added (including any whose value failed to encode).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total bytes the batch will write (keys and encoded values): what a commit costs.
    pub fn encoded_len(&self) -> usize {
        self.ops
            .iter()
            .map(|op| match op {
                Op::Put { key, value } => key.len() + value.len(),
                Op::Delete { key } => key.len(),
            })
            .sum()
    }

    fn put(&mut self, key: Vec<u8>, value: Result<Vec<u8>, StoreError>) -> &mut Self {
        self.len += 1;
        match value {
            Ok(value) => self.ops.push(Op::Put { key, value }),
            Err(err) => {
                self.error.get_or_insert(err);
            }
        }
        self
    }

    /// A value and its (empty) index entry, which must come and go together.
    fn put_indexed(
        &mut self,
        key: Vec<u8>,
        index_key: Vec<u8>,
        value: Result<Vec<u8>, StoreError>,
    ) -> &mut Self {
        if value.is_ok() {
            self.ops.push(Op::Put {
                key: index_key,
                value: Vec::new(),
            });
        }
        self.put(key, value)
    }

    fn delete_indexed(&mut self, key: Vec<u8>, index_key: Vec<u8>) -> &mut Self {
        self.len += 1;
        self.ops.push(Op::Delete { key });
        self.ops.push(Op::Delete { key: index_key });
        self
    }

    /// The ops to apply, or the first encoding error (then nothing may be applied).
    pub(crate) fn into_ops(self) -> Result<Vec<Op>, StoreError> {
        match self.error {
            Some(err) => Err(err),
            None => Ok(self.ops),
        }
    }
}
