//! An in-memory store for tests and experiments.

use crate::batch::{Op, StoreBatch};
use crate::codec;
use crate::error::StoreError;
use crate::meta::ChainMeta;
use crate::store::ChainStore;
use etn_types::{BeaconState, Root, SignedBeaconBlock};
use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

/// A [`ChainStore`] in a map, holding exactly the bytes [`SledStore`](crate::SledStore)
/// would write (same keys, same encoding), so that tests on it exercise the real codec
/// and the same semantics: batches apply atomically under one write lock, and reads
/// never see part of a batch. "Durable" here means "until the store is dropped".
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RwLock<BTreeMap<Vec<u8>, Vec<u8>>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of stored keys (blocks + states + the singleton records).
    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// Overwrites a raw value, bypassing the codec: how tests plant corruption.
    #[cfg(test)]
    pub(crate) fn put_raw(&self, key: Vec<u8>, value: Vec<u8>) {
        self.map
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, value);
    }

    // A panic while the lock is held cannot leave the map half-updated (commit applies
    // plain map inserts, which do not panic), so a poisoned lock is safe to reuse.
    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<Vec<u8>, Vec<u8>>> {
        self.map.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn roots_with_prefix(&self, prefix: u8) -> Result<Vec<Root>, StoreError> {
        self.read()
            .range(vec![prefix]..)
            .take_while(|(key, _)| key.first() == Some(&prefix))
            .map(|(key, _)| codec::root_from_key(key))
            .collect()
    }
}

impl ChainStore for MemoryStore {
    fn block(&self, root: &Root) -> Result<Option<SignedBeaconBlock>, StoreError> {
        let map = self.read();
        map.get(&codec::block_key(root))
            .map(|bytes| codec::decode_block(root, bytes))
            .transpose()
    }

    fn state(&self, block_root: &Root) -> Result<Option<BeaconState>, StoreError> {
        // Clone the compressed bytes and decode outside the lock: decoding a state takes
        // long enough that it should not stall a commit.
        let bytes = self.read().get(&codec::state_key(block_root)).cloned();
        bytes
            .map(|bytes| codec::decode_state(block_root, &bytes))
            .transpose()
    }

    fn meta(&self) -> Result<Option<ChainMeta>, StoreError> {
        self.read()
            .get(codec::META_KEY)
            .map(|bytes| codec::decode_meta(bytes))
            .transpose()
    }

    fn fork_choice(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.read()
            .get(codec::FORK_CHOICE_KEY)
            .map(|bytes| codec::decode_fork_choice(bytes))
            .transpose()
    }

    fn block_roots(&self) -> Result<Vec<Root>, StoreError> {
        self.roots_with_prefix(codec::BLOCK_INDEX_PREFIX)
    }

    fn state_roots(&self) -> Result<Vec<Root>, StoreError> {
        self.roots_with_prefix(codec::STATE_INDEX_PREFIX)
    }

    fn commit(&self, batch: StoreBatch) -> Result<(), StoreError> {
        let ops = batch.into_ops()?;
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        for op in ops {
            match op {
                Op::Put { key, value } => {
                    map.insert(key, value);
                }
                Op::Delete { key } => {
                    map.remove(&key);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use etn_types::Checkpoint;

    fn sample_meta() -> ChainMeta {
        ChainMeta {
            genesis_block_root: Root::from([1; 32]),
            head: Root::from([2; 32]),
            justified: Checkpoint {
                epoch: 3,
                root: Root::from([3; 32]),
            },
            finalized: Checkpoint {
                epoch: 2,
                root: Root::from([4; 32]),
            },
        }
    }

    #[test]
    fn corrupted_values_are_corrupt_not_panics() {
        let store = MemoryStore::new();
        let root = Root::from([5; 32]);
        let cases: [&[u8]; 5] = [
            b"",
            b"\x00",
            b"\xff\xff\xff\xff\xff\xff",
            b"\x05\x10abcde",
            b"\x03\x08\x01\x02\x03",
        ];
        for bytes in cases {
            store.put_raw(codec::block_key(&root), bytes.to_vec());
            store.put_raw(codec::state_key(&root), bytes.to_vec());
            store.put_raw(codec::META_KEY.to_vec(), bytes.to_vec());
            assert!(matches!(
                store.block(&root),
                Err(StoreError::Corrupt { ref what, .. }) if what == &format!("block {root}")
            ));
            assert!(matches!(
                store.state(&root),
                Err(StoreError::Corrupt { ref what, .. }) if what == &format!("state {root}")
            ));
            assert!(matches!(store.meta(), Err(StoreError::Corrupt { .. })));
        }
        store.put_raw(codec::FORK_CHOICE_KEY.to_vec(), b"\xff".to_vec());
        assert!(matches!(
            store.fork_choice(),
            Err(StoreError::Corrupt { .. })
        ));
    }

    #[test]
    fn meta_is_stored_as_its_fixed_144_byte_ssz_encoding() {
        let store = MemoryStore::new();
        let mut batch = StoreBatch::new();
        batch.put_meta(&sample_meta());
        store.commit(batch).unwrap();
        let raw = store.read().get(codec::META_KEY).cloned().unwrap();
        assert_eq!(raw.len(), 144);
        assert_eq!(&raw[..32], &[1; 32]);
        assert_eq!(store.meta().unwrap(), Some(sample_meta()));
        assert_eq!(store.len(), 1);
    }

    /// Arbitrary bytes under any key decode to a value or to `Corrupt`, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic() {
        use proptest::prelude::*;
        proptest!(|(bytes in proptest::collection::vec(any::<u8>(), 0..512))| {
            let store = MemoryStore::new();
            let root = Root::from([6; 32]);
            store.put_raw(codec::block_key(&root), bytes.clone());
            store.put_raw(codec::state_key(&root), bytes.clone());
            store.put_raw(codec::META_KEY.to_vec(), bytes.clone());
            store.put_raw(codec::FORK_CHOICE_KEY.to_vec(), bytes);
            let _ = store.block(&root);
            let _ = store.state(&root);
            let _ = store.meta();
            let _ = store.fork_choice();
        });
    }
}
