//! etn's persistence: blocks, post-states, the chain's pointers and the fork-choice
//! snapshot, behind the narrow [`ChainStore`] trait.
//!
//! The chain service is the only writer. It groups the writes that belong together (a
//! block, its state, the pointers that now name it, the new fork-choice snapshot, the
//! deletions of what finality pruned) into one [`StoreBatch`] and commits it; the commit
//! is atomic and durable, so after `kill -9` at any moment the store holds a prefix of
//! the committed batches, each whole. That is what lets a node restart from
//! [`ChainStore::meta`] without a consistency check.
//!
//! Two implementations with the same semantics and the same bytes: [`SledStore`] on
//! disk, [`MemoryStore`] for tests. The store holds no consensus logic: it never
//! hashes, validates or decides what to keep.

mod batch;
pub mod codec;
mod error;
mod memory;
mod meta;
mod sled_store;
mod store;

pub use batch::StoreBatch;
pub use codec::SCHEMA_VERSION;
pub use error::StoreError;
pub use memory::MemoryStore;
pub use meta::ChainMeta;
pub use sled_store::{LOCK_FILE, SledStore};
pub use store::ChainStore;
