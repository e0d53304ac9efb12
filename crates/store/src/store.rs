//! The trait every store implements.

use crate::batch::StoreBatch;
use crate::error::StoreError;
use crate::meta::ChainMeta;
use etn_types::{BeaconState, Root, SignedBeaconBlock};
use std::sync::Arc;

/// Everything a node persists, behind a narrow interface so consensus code never sees
/// sled, and tests can run on [`MemoryStore`](crate::MemoryStore) with the same
/// semantics.
///
/// The store holds no consensus logic: it does not hash, validate or decide what to
/// prune; it files what it is given under the keys it is given, and gives it back.
///
/// Concurrency: any number of threads may read while one commits. A read of one value
/// sees a batch either wholly applied or not at all, and successive reads never go back
/// in time. A *listing* (`block_roots`, `state_roots`) taken while another thread
/// commits is not a snapshot on sled (its scans take sled's lock per step), so it may
/// reflect part of that commit; the chain service lists and commits from one task, so
/// it never sees that.
pub trait ChainStore: Send + Sync + 'static {
    /// The block with this root, if stored.
    fn block(&self, root: &Root) -> Result<Option<SignedBeaconBlock>, StoreError>;

    /// The post-state of the block with this root (only some blocks have one stored;
    /// the others are rebuilt by replaying blocks on an ancestor's state).
    fn state(&self, block_root: &Root) -> Result<Option<BeaconState>, StoreError>;

    /// The chain's pointers; `None` for a store that was never given any (start from
    /// genesis).
    fn meta(&self) -> Result<Option<ChainMeta>, StoreError>;

    /// The last fork-choice snapshot written with [`StoreBatch::put_fork_choice`].
    fn fork_choice(&self) -> Result<Option<Vec<u8>>, StoreError>;

    /// Roots of all stored blocks, in byte order (startup scans, pruning).
    fn block_roots(&self) -> Result<Vec<Root>, StoreError>;

    /// Roots of the blocks that have a stored post-state, in byte order.
    fn state_roots(&self) -> Result<Vec<Root>, StoreError>;

    /// Applies every op atomically AND durably: when this returns `Ok`, a crash
    /// (`kill -9`, power loss) at any later moment cannot lose or half-apply the batch;
    /// when it returns `Err`, the batch may or may not have been applied as a whole, but
    /// never in part. A batch with a value that failed to encode is refused before
    /// anything is written.
    fn commit(&self, batch: StoreBatch) -> Result<(), StoreError>;
}

/// Lets the chain service hold an `Arc<dyn ChainStore>` (or `Arc<SledStore>`) and hand it
/// to code that is generic over the store.
impl<S: ChainStore + ?Sized> ChainStore for Arc<S> {
    fn block(&self, root: &Root) -> Result<Option<SignedBeaconBlock>, StoreError> {
        (**self).block(root)
    }
    fn state(&self, block_root: &Root) -> Result<Option<BeaconState>, StoreError> {
        (**self).state(block_root)
    }
    fn meta(&self) -> Result<Option<ChainMeta>, StoreError> {
        (**self).meta()
    }
    fn fork_choice(&self) -> Result<Option<Vec<u8>>, StoreError> {
        (**self).fork_choice()
    }
    fn block_roots(&self) -> Result<Vec<Root>, StoreError> {
        (**self).block_roots()
    }
    fn state_roots(&self) -> Result<Vec<Root>, StoreError> {
        (**self).state_roots()
    }
    fn commit(&self, batch: StoreBatch) -> Result<(), StoreError> {
        (**self).commit(batch)
    }
}
